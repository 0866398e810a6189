/**
 * Dependencies that follow the workload (issue 11 item 3): which ConfigMaps, Secrets, ServiceAccounts and
 * PersistentVolumeClaims a workload's pod template references, and what that means for their placement.
 *
 * Pure functions over plain data; the components keep a program-wide registry of federated objects and call these.
 * References are read from the object each cluster gets (after overrides), so an override that changes a volume in
 * one cluster changes what that cluster needs.
 */
import { ValidationIssue } from "./errors";
import { compareStrings } from "./placement";

/** The kinds a pod template can reference by name. */
export type DependencyKind = "ConfigMap" | "Secret" | "ServiceAccount" | "PersistentVolumeClaim";

/** The kinds {@link podTemplateReferences} finds, as `apiVersion/kind` of the federated objects they name. */
export const DEPENDENCY_KINDS: Record<string, DependencyKind> = {
    "v1/ConfigMap": "ConfigMap",
    "v1/Secret": "Secret",
    "v1/ServiceAccount": "ServiceAccount",
    "v1/PersistentVolumeClaim": "PersistentVolumeClaim",
};

/** How a federated workload treats the federated objects its pod template references. */
export type DependencyMode = "follow" | "check" | "ignore";

/** Every {@link DependencyMode}, in the order messages list them. */
export const DEPENDENCY_MODES: readonly DependencyMode[] = ["check", "follow", "ignore"];

/**
 * Checks a `dependencies` option. JavaScript callers can pass any string, and an unknown one (a typo such as
 * "folow") would otherwise act like "ignore": nothing checked, nothing followed, silently.
 */
export function validateDependencyMode(mode: unknown, field = "dependencies"): ValidationIssue[] {
    if (mode === undefined || (DEPENDENCY_MODES as readonly unknown[]).includes(mode)) return [];
    const shown = typeof mode === "string" ? `"${mode}"` : mode === null ? "null" : typeof mode;
    return [{ severity: "error", field, message: `${shown} is not one of ${DEPENDENCY_MODES.join("|")}; use "check" (the default), "follow" or "ignore"` }];
}

/** One reference from a pod template to an object in the workload's namespace. */
export interface DependencyRef {
    kind: DependencyKind;
    namespace: string;
    name: string;
    /** Where the reference is, e.g. `spec.template.spec.volumes[0].configMap.name`. */
    field: string;
    /** `optional: true` on the reference: pods start without the object. */
    optional: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The namespace used when the object names none (the member provider's default namespace is not known here). */
export const DEFAULT_NAMESPACE = "default";

/** `ConfigMap shop/settings`: the key of a namespaced object in the dependency registry. */
export function dependencyKey(kind: string, namespace: string | undefined, name: string): string {
    return `${kind} ${namespace || DEFAULT_NAMESPACE}/${name}`;
}

/**
 * The pod spec of a workload and the field path to it: Pod (`spec`), PodTemplate (`template.spec`), Deployment,
 * ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController (`spec.template.spec`), CronJob
 * (`spec.jobTemplate.spec.template.spec`). Undefined for other kinds.
 */
export function podSpecOf(obj: Obj): { spec: Obj; field: string } | undefined {
    const kind = obj.kind;
    const at = (path: string[]): { spec: Obj; field: string } | undefined => {
        let cur: unknown = obj;
        for (const p of path) cur = isObj(cur) ? cur[p] : undefined;
        return isObj(cur) ? { spec: cur, field: path.join(".") } : undefined;
    };
    switch (kind) {
        case "Pod": return at(["spec"]);
        case "PodTemplate": return at(["template", "spec"]);
        case "Deployment": case "ReplicaSet": case "StatefulSet": case "DaemonSet": case "Job": case "ReplicationController":
            return at(["spec", "template", "spec"]);
        case "CronJob": return at(["spec", "jobTemplate", "spec", "template", "spec"]);
        default: return undefined;
    }
}

/**
 * Every ConfigMap, Secret, ServiceAccount and PersistentVolumeClaim the pod template of `obj` references:
 * volumes (configMap, secret, persistentVolumeClaim, projected sources), env `valueFrom` and `envFrom` of every
 * container, init and ephemeral container, `serviceAccountName` (or the deprecated `serviceAccount`) and
 * `imagePullSecrets`. Sorted by key, then field. The implicit `default` ServiceAccount is not a reference.
 */
export function podTemplateReferences(obj: Obj): DependencyRef[] {
    const pod = podSpecOf(obj);
    if (!pod) return [];
    const md = isObj(obj.metadata) ? obj.metadata : {};
    const namespace = str(md.namespace) ?? DEFAULT_NAMESPACE;
    const out: DependencyRef[] = [];
    const add = (kind: DependencyKind, name: unknown, field: string, optional: unknown) => {
        const n = str(name);
        if (n) out.push({ kind, namespace, name: n, field: `${pod.field}.${field}`, optional: optional === true });
    };
    const s = pod.spec;
    const sa = str(s.serviceAccountName) ?? str(s.serviceAccount);
    if (sa && sa !== "default") add("ServiceAccount", sa, str(s.serviceAccountName) ? "serviceAccountName" : "serviceAccount", false);
    arr(s.imagePullSecrets).forEach((r, i) => { if (isObj(r)) add("Secret", r.name, `imagePullSecrets[${i}].name`, false); });
    arr(s.volumes).forEach((v, i) => {
        if (!isObj(v)) return;
        const f = `volumes[${i}]`;
        if (isObj(v.configMap)) add("ConfigMap", v.configMap.name, `${f}.configMap.name`, v.configMap.optional);
        if (isObj(v.secret)) add("Secret", v.secret.secretName, `${f}.secret.secretName`, v.secret.optional);
        if (isObj(v.persistentVolumeClaim)) add("PersistentVolumeClaim", v.persistentVolumeClaim.claimName, `${f}.persistentVolumeClaim.claimName`, false);
        if (isObj(v.projected)) {
            arr(v.projected.sources).forEach((src, j) => {
                if (!isObj(src)) return;
                const g = `${f}.projected.sources[${j}]`;
                if (isObj(src.configMap)) add("ConfigMap", src.configMap.name, `${g}.configMap.name`, src.configMap.optional);
                if (isObj(src.secret)) add("Secret", src.secret.name, `${g}.secret.name`, src.secret.optional);
            });
        }
    });
    for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
        arr(s[list]).forEach((c, i) => {
            if (!isObj(c)) return;
            const f = `${list}[${i}]`;
            arr(c.env).forEach((e, j) => {
                if (!isObj(e) || !isObj(e.valueFrom)) return;
                const vf = e.valueFrom;
                if (isObj(vf.configMapKeyRef)) add("ConfigMap", vf.configMapKeyRef.name, `${f}.env[${j}].valueFrom.configMapKeyRef.name`, vf.configMapKeyRef.optional);
                if (isObj(vf.secretKeyRef)) add("Secret", vf.secretKeyRef.name, `${f}.env[${j}].valueFrom.secretKeyRef.name`, vf.secretKeyRef.optional);
            });
            arr(c.envFrom).forEach((e, j) => {
                if (!isObj(e)) return;
                if (isObj(e.configMapRef)) add("ConfigMap", e.configMapRef.name, `${f}.envFrom[${j}].configMapRef.name`, e.configMapRef.optional);
                if (isObj(e.secretRef)) add("Secret", e.secretRef.name, `${f}.envFrom[${j}].secretRef.name`, e.secretRef.optional);
            });
        });
    }
    return out.sort((a, b) => compareStrings(dependencyKey(a.kind, a.namespace, a.name), dependencyKey(b.kind, b.namespace, b.name))
        || compareStrings(a.field, b.field));
}

/** What one workload needs of one referenced object. */
export interface NeededDependency {
    /** {@link dependencyKey} of the referenced object. */
    key: string;
    /** Clusters whose object references it, sorted. */
    clusters: string[];
    /** Clusters where every reference to it is optional (pods start without it), sorted. */
    optionalIn: string[];
    /** Fields that reference it, sorted, deduplicated over the clusters. */
    fields: string[];
}

/**
 * What a workload's member objects (cluster → object as sent) reference, per referenced object, sorted by key.
 * Objects of kinds without a pod template give nothing.
 */
export function neededDependencies(objects: Record<string, Obj>): NeededDependency[] {
    const by = new Map<string, { clusters: Set<string>; required: Set<string>; fields: Set<string> }>();
    for (const cluster of Object.keys(objects).sort(compareStrings)) {
        for (const r of podTemplateReferences(objects[cluster])) {
            const key = dependencyKey(r.kind, r.namespace, r.name);
            let e = by.get(key);
            if (!e) by.set(key, e = { clusters: new Set(), required: new Set(), fields: new Set() });
            e.clusters.add(cluster);
            if (!r.optional) e.required.add(cluster);
            e.fields.add(r.field);
        }
    }
    return [...by.keys()].sort(compareStrings).map(key => {
        const e = by.get(key)!;
        const clusters = [...e.clusters].sort(compareStrings);
        return { key, clusters, optionalIn: clusters.filter(c => !e.required.has(c)), fields: [...e.fields].sort(compareStrings) };
    });
}

/** A workload's need of one federated dependency, as the registry holds it. */
export interface DependencyNeed {
    /** The workload, as users name it: `FederatedResource web (Deployment shop/web)`. */
    workload: string;
    mode: DependencyMode;
    need: NeededDependency;
}

/** Where a federated dependency is. */
export interface DependencyPlacement {
    /** The dependency, as users name it: `FederatedResource settings (ConfigMap shop/settings)`. */
    subject: string;
    /** Clusters it is placed in (its own placement plus what workloads pulled), sorted. */
    clusters: string[];
}

/** Clusters a `follow` workload pulls the dependency into: where it is needed and not yet placed, sorted. */
export function clustersToPull(need: DependencyNeed, dep: DependencyPlacement): string[] {
    if (need.mode !== "follow") return [];
    const placed = new Set(dep.clusters);
    return need.need.clusters.filter(c => !placed.has(c));
}

/**
 * The misplacement error of a `check` workload (undefined when none): the workload references a federated object in
 * clusters where that object is not placed, and the references there are not all optional. The message names both
 * objects, the clusters and the fixes.
 */
export function misplacement(need: DependencyNeed, dep: DependencyPlacement): string | undefined {
    if (need.mode !== "check") return undefined;
    const placed = new Set(dep.clusters);
    const optional = new Set(need.need.optionalIn);
    const missing = need.need.clusters.filter(c => !placed.has(c) && !optional.has(c));
    if (missing.length === 0) return undefined;
    return `${need.workload} references ${dep.subject} (${need.need.fields.join(", ")}) in cluster(s) ${missing.join(", ")}, ` +
        `where it is not placed (placed: ${dep.clusters.join(", ") || "none"}). Place it there too, or set ` +
        `dependencies: "follow" on the workload to place its dependencies wherever it runs.`;
}
