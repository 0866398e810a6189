/**
 * Checks on the Kubernetes objects we send (names, namespaces, labels, annotations, server-set fields, scope)
 * and on the names of the Pulumi children we create for them. Plain functions; no `@pulumi/*` import.
 */
import { ValidationIssue } from "./errors";
import { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from "./labels";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Built-in cluster-scoped kinds, as `group/Kind` (core group: `/Kind`). */
const CLUSTER_SCOPED = new Set([
    "/Namespace", "/Node", "/PersistentVolume", "/ComponentStatus",
    "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
    "apiextensions.k8s.io/CustomResourceDefinition", "storage.k8s.io/StorageClass", "storage.k8s.io/CSIDriver",
    "storage.k8s.io/CSINode", "storage.k8s.io/VolumeAttachment", "scheduling.k8s.io/PriorityClass",
    "admissionregistration.k8s.io/MutatingWebhookConfiguration", "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicy", "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
    "apiregistration.k8s.io/APIService", "networking.k8s.io/IngressClass", "node.k8s.io/RuntimeClass",
    "certificates.k8s.io/CertificateSigningRequest", "flowcontrol.apiserver.k8s.io/FlowSchema",
    "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
]);
/** Built-in namespaced kinds. */
const NAMESPACED = new Set([
    "/ConfigMap", "/Secret", "/Service", "/ServiceAccount", "/Pod", "/PersistentVolumeClaim", "/Endpoints",
    "/LimitRange", "/ResourceQuota", "/ReplicationController", "/PodTemplate", "/Event",
    "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "apps/ControllerRevision",
    "batch/Job", "batch/CronJob", "autoscaling/HorizontalPodAutoscaler", "policy/PodDisruptionBudget",
    "networking.k8s.io/Ingress", "networking.k8s.io/NetworkPolicy", "rbac.authorization.k8s.io/Role",
    "rbac.authorization.k8s.io/RoleBinding", "coordination.k8s.io/Lease", "discovery.k8s.io/EndpointSlice",
    "externaldns.k8s.io/DNSEndpoint",
]);

function apiGroup(apiVersion: string): string {
    const s = apiVersion.lastIndexOf("/");
    return s < 0 ? "" : apiVersion.slice(0, s);
}

/** Whether a kind is namespaced, for the built-in kinds we know; undefined for others (custom resources). */
export function kindScope(apiVersion: string, kind: string): "Namespaced" | "Cluster" | undefined {
    const k = `${apiGroup(apiVersion)}/${kind}`;
    return CLUSTER_SCOPED.has(k) ? "Cluster" : NAMESPACED.has(k) ? "Namespaced" : undefined;
}

/**
 * The namespace an object lands in when sent through a provider with no namespace of its own: its
 * `metadata.namespace`, else `"default"` for a kind known to be namespaced (what the Kubernetes provider uses
 * when neither the object nor the kubeconfig context names one), else undefined.
 */
export function effectiveNamespace(apiVersion: string, kind: string, namespace: string | undefined): string | undefined {
    if (namespace) return namespace;
    return kindScope(apiVersion, kind) === "Namespaced" ? "default" : undefined;
}

/**
 * What identifies an object inside one cluster, as people read it: `Kind[.group] [namespace/]name`. The version is
 * left out (`apps/v1` and `apps/v1beta1` Deployments of one name are one object); pass the effective namespace.
 */
export function objectIdentity(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
    const s = apiVersion.lastIndexOf("/");
    const group = s < 0 ? "" : apiVersion.slice(0, s);
    return `${group ? `${kind}.${group}` : kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

/** Kinds whose names are path segments rather than DNS subdomains (e.g. `system:controller:x`). */
const PATH_SEGMENT_NAMES = new Set(["rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/ClusterRole",
    "rbac.authorization.k8s.io/RoleBinding", "rbac.authorization.k8s.io/ClusterRoleBinding"]);
/** Kinds whose names must be DNS-1123 labels. */
const LABEL_NAMES = new Set(["/Namespace", "/Service"]);

/** Why `name` is not a valid name for this kind, or undefined. */
export function objectNameProblem(apiVersion: string, kind: string, name: unknown): string | undefined {
    if (typeof name !== "string" || name === "") return "must be a non-empty string";
    const k = `${apiGroup(apiVersion)}/${kind}`;
    if (PATH_SEGMENT_NAMES.has(k)) {
        if (name === "." || name === ".." || /[/%]/.test(name)) return `"${name}" may not be "." or ".." or contain "/" or "%"`;
        return undefined;
    }
    if (LABEL_NAMES.has(k)) return dns1123LabelProblem(name);
    if (name.length > 253) return `"${name}" is longer than 253 characters`;
    if (!DNS1123_SUBDOMAIN.test(name)) {
        return `"${name}" is not a DNS-1123 subdomain: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
    }
    return undefined;
}

/** Fields the API server sets; a template copied from a live object carries them, and they must not be sent. */
export const SERVER_SET_FIELDS: readonly string[] = [
    "metadata.uid", "metadata.resourceVersion", "metadata.managedFields", "metadata.creationTimestamp",
    "metadata.generation", "metadata.selfLink", "metadata.deletionTimestamp", "metadata.deletionGracePeriodSeconds", "status",
];

const SERVER_SET_SPLIT = SERVER_SET_FIELDS.map(f => [f, ...f.split(".")] as [string, string, string | undefined]);

/** Removes the server-set fields from `obj` (in place) and returns the ones that were present, as dotted paths. */
export function stripServerSetFields(obj: Record<string, unknown>): string[] {
    const removed: string[] = [];
    for (const [f, a, b] of SERVER_SET_SPLIT) {
        if (b === undefined) {
            if (Object.prototype.hasOwnProperty.call(obj, a)) { delete obj[a]; removed.push(f); }
        } else {
            const md = obj[a];
            if (isPlainObject(md) && Object.prototype.hasOwnProperty.call(md, b)) { delete md[b]; removed.push(f); }
        }
    }
    return removed;
}

/** Label and annotation problems of `metadata`, each naming `<field>.labels["k"]` and the fix. */
export function metadataMapIssues(metadata: unknown, field: string): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (!isPlainObject(metadata)) return issues;
    for (const which of ["labels", "annotations"] as const) {
        const m = metadata[which];
        if (m === undefined || m === null) continue;
        if (!isPlainObject(m)) {
            issues.push({ severity: "error", field: `${field}.${which}`, message: `must be a map of key to string value` });
            continue;
        }
        for (const [k, v] of Object.entries(m)) {
            const f = `${field}.${which}["${k}"]`;
            const kp = labelKeyProblem(k);
            if (kp) issues.push({ severity: "error", field: f, message: `${kp.replace(/^label key/, `${which === "labels" ? "label" : "annotation"} key`)}; fix the key` });
            if (which === "labels") {
                const vp = labelValueProblem(v);
                if (vp) issues.push({ severity: "error", field: f, message: `${vp}; fix the value` });
            } else if (typeof v !== "string") {
                issues.push({ severity: "error", field: f, message: `annotation value must be a string, got ${v === null ? "null" : typeof v}; quote it` });
            }
        }
    }
    return issues;
}

/**
 * Name, namespace, labels and annotations of an object about to be sent, each issue naming `field` and the fix.
 * Also warns when a kind known to be namespaced has no namespace, saying where it lands.
 */
export function objectIdentityIssues(obj: Record<string, unknown>, field: string): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
    const kind = typeof obj.kind === "string" ? obj.kind : "";
    const md = obj.metadata;
    if (!isPlainObject(md)) return issues;
    if (typeof md.name === "string" && md.name !== "") {
        const np = objectNameProblem(apiVersion, kind, md.name);
        if (np) issues.push({ severity: "error", field: `${field}.name`, message: `${np}; rename the object` });
    }
    if (md.namespace !== undefined && md.namespace !== null) {
        const nsp = dns1123LabelProblem(md.namespace);
        if (nsp) issues.push({ severity: "error", field: `${field}.namespace`, message: `${nsp}; namespaces are DNS-1123 labels — fix the namespace` });
        else if (kindScope(apiVersion, kind) === "Cluster") {
            issues.push({ severity: "warning", field: `${field}.namespace`, message: `${kind} is cluster-scoped, so the namespace "${md.namespace}" is ignored; remove it` });
        }
    } else if (kindScope(apiVersion, kind) === "Namespaced") {
        issues.push({ severity: "warning", field: `${field}.namespace`, message: `is not set, so this ${kind} lands in the member provider's default namespace ("default" unless the provider or kubeconfig context names another); set metadata.namespace (or use a FederatedNamespace) to make it explicit` });
    }
    issues.push(...metadataMapIssues(md, field));
    return issues;
}

/**
 * Child names must be unique across components: `web` on member `east-1` and `web-east` on member `1` both
 * give `web-east-1`. A registry of which (component, key) produced each child name; {@link claim} returns the
 * previous owner when another pair already produced the same name.
 */
export class ChildNameRegistry {
    private readonly owners = new Map<string, { component: string; key: string }>();

    /** Records that `component` creates `child` for `key`; returns the other owner on a collision. */
    claim(child: string, component: string, key: string): { component: string; key: string } | undefined {
        const prev = this.owners.get(child);
        if (prev && (prev.component !== component || prev.key !== key)) return prev;
        if (!prev) this.owners.set(child, { component, key });
        return undefined;
    }
}
