import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ValidationIssue, assertValid } from "../core";
import { ServiceAccountToken } from "../resources/serviceAccountToken";

/**
 * The `join` mode of a MemberCluster (`kubefedctl join`, docs/semantics.md#join): the admin credentials create a federation
 * identity in the member (namespace, service account, token Secret, RBAC) and every federated object is then
 * applied with that service account's token.
 */
export interface JoinArgs {
    /** Namespace created in the member for the federation identity; default `"kube-federation-system"`. */
    namespace?: string;
    /** Service account name; default `"pulumi-kubefed-<clusterName>"`. */
    serviceAccountName?: string;
    /** `"cluster"` (default): one ClusterRole (+ binding) with `rules`. `"namespaces"`: a Role (+ binding) with the
     *  resource rules in each of `namespaces` only, plus a ClusterRole for the API server's health, version,
     *  discovery and OpenAPI endpoints and, when `rules` cover `namespaces`, for those namespace objects by name. */
    scope?: "cluster" | "namespaces";
    /** Namespaces granted with `scope: "namespaces"`; default: the join namespace. They must exist in the member
     *  (the join namespace is created by the join); not allowed with `scope: "cluster"`. */
    namespaces?: string[];
    /** RBAC rules granted to the service account. Default: all verbs on all resources of all API groups — KubeFed's
     *  rule, i.e. cluster-admin over resources. Narrow it to what the program federates, e.g.
     *  `[{ apiGroups: ["", "apps"], resources: ["configmaps", "deployments", "namespaces"], verbs: ["*"] }]`.
     *  {@link JOIN_NON_RESOURCE_RULE} (GET on health, version, discovery and OpenAPI) is always added, so the
     *  Kubernetes provider and the health probes work. */
    rules?: k8s.types.input.rbac.v1.PolicyRule[];
}

/** KubeFed's rule for a joined member: everything. */
export const JOIN_DEFAULT_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];

/** Always granted: what the Kubernetes provider (discovery, OpenAPI, version) and the health probe need. */
export const JOIN_NON_RESOURCE_RULE = {
    nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/api", "/api/*", "/apis", "/apis/*", "/openapi/*"],
    verbs: ["get"],
};

/** The default namespace of the federation identity (KubeFed's). */
export const JOIN_DEFAULT_NAMESPACE = "kube-federation-system";

/** What {@link joinMember} created. */
export interface JoinResult {
    /** Kubeconfig (JSON text, always a secret) of the service account: the admin kubeconfig's server, the CA of the
     *  token Secret and the token; cluster and context named like the cluster, user named like the service account. */
    kubeconfig: pulumi.Output<string>;
    /** Every resource created, in creation order (the ServiceAccountToken last). */
    resources: pulumi.Resource[];
}

/** The settled plain values of a {@link JoinArgs}. */
export interface JoinPlan {
    namespace: string;
    serviceAccountName: string;
    scope: "cluster" | "namespaces";
    namespaces: string[];
    /** The role name KubeFed uses: `kubefed-controller-manager:<sa>` (ClusterRole, or Role in each namespace). */
    roleName: string;
    /** With `scope: "namespaces"`: the ClusterRole `kubefed-controller-manager:<ns>:healthcheck-<sa>`. */
    healthcheckRoleName: string;
    /** Rules of the ClusterRole (cluster scope) or of each Role (namespaces scope). */
    roleRules: k8s.types.input.rbac.v1.PolicyRule[];
    /** Rules of the healthcheck ClusterRole (namespaces scope only). */
    clusterRules: k8s.types.input.rbac.v1.PolicyRule[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isPlainStringList(v: unknown): v is string[] {
    return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/** Whether a (plain) rule grants something on core-group `namespaces`. */
function coversNamespaces(rule: k8s.types.input.rbac.v1.PolicyRule): boolean {
    const groups = rule.apiGroups;
    const resources = rule.resources;
    if (!isPlainStringList(groups) || !isPlainStringList(resources)) return false;
    return (groups.includes("") || groups.includes("*")) && (resources.includes("namespaces") || resources.includes("*"));
}

/**
 * Validates `args` and computes names and rules (no resources). `join: true` is `{}`. Throws a ValidationError
 * naming each bad field.
 */
export function planJoin(subject: string, clusterName: string, args: JoinArgs): JoinPlan {
    const issues: ValidationIssue[] = [];
    const a = args ?? {};
    const namespace = a.namespace ?? JOIN_DEFAULT_NAMESPACE;
    const serviceAccountName = a.serviceAccountName ?? `pulumi-kubefed-${clusterName}`;
    const scope = a.scope ?? "cluster";
    if (typeof namespace !== "string" || !DNS_LABEL.test(namespace) || namespace.length > 63) {
        issues.push({ severity: "error", field: "join.namespace", message: `"${namespace}" is not a namespace name (a DNS label: lower-case letters, digits and '-', at most 63)` });
    }
    if (typeof serviceAccountName !== "string" || !DNS_SUBDOMAIN.test(serviceAccountName) || serviceAccountName.length > 253) {
        issues.push({ severity: "error", field: "join.serviceAccountName",
            message: `"${serviceAccountName}" is not a service account name (a DNS subdomain); set join.serviceAccountName` });
    }
    if (scope !== "cluster" && scope !== "namespaces") {
        issues.push({ severity: "error", field: "join.scope", message: `"${scope}" is not one of cluster, namespaces` });
    }
    if (a.namespaces !== undefined && scope === "cluster") {
        issues.push({ severity: "error", field: "join.namespaces", message: "is only used with scope: \"namespaces\"; remove it or set scope: \"namespaces\"" });
    }
    let namespaces: string[] = [];
    if (scope === "namespaces") {
        namespaces = a.namespaces === undefined ? [namespace] : [...new Set(a.namespaces)].sort();
        if (!isPlainStringList(a.namespaces ?? []) || namespaces.length === 0) {
            issues.push({ severity: "error", field: "join.namespaces", message: "must list at least one namespace name (or be left out: the join namespace)" });
        } else {
            namespaces.forEach((n) => {
                if (!DNS_LABEL.test(n) || n.length > 63) issues.push({ severity: "error", field: "join.namespaces", message: `"${n}" is not a namespace name` });
            });
        }
    }
    const rules = a.rules ?? JOIN_DEFAULT_RULES;
    if (!Array.isArray(rules) || rules.length === 0) {
        issues.push({ severity: "error", field: "join.rules",
            message: "must be a non-empty list of RBAC rules (leave it out for KubeFed's all-verbs-on-all-resources rule)" });
    } else {
        rules.forEach((r, i) => {
            if (!r || typeof r !== "object") {
                issues.push({ severity: "error", field: `join.rules[${i}]`, message: "is not an RBAC PolicyRule" });
                return;
            }
            if (Array.isArray(r.verbs) && r.verbs.length === 0) {
                issues.push({ severity: "error", field: `join.rules[${i}].verbs`, message: "is empty; a rule needs at least one verb (\"*\" for all)" });
            }
            if (r.verbs === undefined) issues.push({ severity: "error", field: `join.rules[${i}].verbs`, message: "is required" });
            if (r.resources === undefined && r.nonResourceURLs === undefined) {
                issues.push({ severity: "error", field: `join.rules[${i}]`, message: "names neither resources nor nonResourceURLs" });
            }
            if (r.resources !== undefined && r.nonResourceURLs !== undefined) {
                issues.push({ severity: "error", field: `join.rules[${i}]`, message: "has both resources and nonResourceURLs; split it into two rules" });
            }
        });
    }
    assertValid(subject, issues);

    const roleName = `kubefed-controller-manager:${serviceAccountName}`;
    const healthcheckRoleName = `kubefed-controller-manager:${namespace}:healthcheck-${serviceAccountName}`;
    if (scope === "cluster") {
        return { namespace, serviceAccountName, scope, namespaces, roleName, healthcheckRoleName,
            roleRules: [...rules, JOIN_NON_RESOURCE_RULE], clusterRules: [] };
    }
    // A Role cannot hold nonResourceURLs, and Namespace objects are cluster-scoped: those go to the ClusterRole.
    const resourceRules = rules.filter((r) => r.nonResourceURLs === undefined);
    const clusterRules: k8s.types.input.rbac.v1.PolicyRule[] = [...rules.filter((r) => r.nonResourceURLs !== undefined), JOIN_NON_RESOURCE_RULE];
    const nsVerbs = new Set<string>();
    for (const r of resourceRules) {
        if (coversNamespaces(r) && isPlainStringList(r.verbs)) r.verbs.forEach((v) => nsVerbs.add(v));
    }
    if (nsVerbs.size > 0) {
        // resourceNames restricts every verb except create (refused by RBAC when names are listed): namespaces can be
        // read, updated and deleted by name only; creating one needs a cluster-wide rule the user must add.
        clusterRules.push({ apiGroups: [""], resources: ["namespaces"], resourceNames: namespaces, verbs: [...nsVerbs].sort() });
    }
    return { namespace, serviceAccountName, scope, namespaces, roleName, healthcheckRoleName, roleRules: resourceRules, clusterRules };
}

/**
 * `kubefedctl join` for one member: creates, through `adminProvider` and parented to `parent` (names
 * `${name}-join-…`), the Namespace, a ServiceAccount (no automounted token), a `kubernetes.io/service-account-token`
 * Secret annotated with the service account's name, and the ClusterRole/Roles with their bindings; then a
 * {@link ServiceAccountToken} waits (≤ 60 s) until the token controller has filled that Secret. Returns a kubeconfig
 * (a secret) with the admin kubeconfig's server, the Secret's CA and the service account's token — for the member's
 * main provider — and the created resources.
 *
 * The token resource depends on every role and binding, so the service account's provider (and every object it
 * applies) comes after the RBAC on `up` and goes before it on `destroy`.
 */
export function joinMember(
    parent: pulumi.ComponentResource,
    name: string,
    clusterName: string,
    adminProvider: k8s.Provider,
    adminKubeconfig: pulumi.Output<string>,
    adminContext: pulumi.Output<string> | undefined,
    args: JoinArgs,
): JoinResult {
    const plan = planJoin(`MemberCluster ${name}`, clusterName, args);
    const opts: pulumi.CustomResourceOptions = { parent, provider: adminProvider };
    const resources: pulumi.Resource[] = [];
    const rbac: pulumi.Resource[] = [];

    const ns = new k8s.core.v1.Namespace(`${name}-join-namespace`, { metadata: { name: plan.namespace } }, opts);
    resources.push(ns);
    const sa = new k8s.core.v1.ServiceAccount(`${name}-join-sa`, {
        metadata: { name: plan.serviceAccountName, namespace: ns.metadata.name },
        automountServiceAccountToken: false,
    }, opts);
    resources.push(sa);
    const secret = new k8s.core.v1.Secret(`${name}-join-token-secret`, {
        metadata: {
            name: `${plan.serviceAccountName}-token`,
            namespace: ns.metadata.name,
            annotations: { "kubernetes.io/service-account.name": sa.metadata.name },
        },
        type: "kubernetes.io/service-account-token",
    }, opts);
    resources.push(secret);

    const subjects = [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: sa.metadata.namespace }];
    if (plan.scope === "cluster") {
        const role = new k8s.rbac.v1.ClusterRole(`${name}-join-clusterrole`, { metadata: { name: plan.roleName }, rules: plan.roleRules }, opts);
        const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-join-clusterrolebinding`, {
            metadata: { name: plan.roleName },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects,
        }, opts);
        rbac.push(role, binding);
    } else {
        for (const n of plan.namespaces) {
            // the join namespace through its resource, so the Role waits for it
            const roleNs = n === plan.namespace ? ns.metadata.name : pulumi.output(n);
            const role = new k8s.rbac.v1.Role(`${name}-join-role-${n}`, {
                metadata: { name: plan.roleName, namespace: roleNs }, rules: plan.roleRules,
            }, opts);
            const binding = new k8s.rbac.v1.RoleBinding(`${name}-join-rolebinding-${n}`, {
                metadata: { name: plan.roleName, namespace: roleNs },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects,
            }, opts);
            rbac.push(role, binding);
        }
        const role = new k8s.rbac.v1.ClusterRole(`${name}-join-healthcheck-clusterrole`, {
            metadata: { name: plan.healthcheckRoleName }, rules: plan.clusterRules,
        }, opts);
        const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-join-healthcheck-clusterrolebinding`, {
            metadata: { name: plan.healthcheckRoleName },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects,
        }, opts);
        rbac.push(role, binding);
    }
    resources.push(...rbac);

    const token = new ServiceAccountToken(`${name}-join-token`, {
        kubeconfig: adminKubeconfig,
        context: adminContext,
        namespace: secret.metadata.namespace,
        secretName: secret.metadata.name,
        secretUid: secret.metadata.uid,
        timeoutSeconds: 60,
    }, { parent, dependsOn: rbac });
    resources.push(token);

    const user = plan.serviceAccountName;
    const kubeconfig = pulumi.secret(pulumi.all([token.server, token.caData, token.token, token.insecureSkipTlsVerify, token.tlsServerName])
        .apply(([server, caData, bearer, insecure, tlsServerName]) => joinKubeconfig({ clusterName, user, server, caData, token: bearer, insecure, tlsServerName })));
    return { kubeconfig, resources };
}

/** The kubeconfig (JSON text) of a joined member. With `insecure`, no CA is written (client-go refuses both). */
export function joinKubeconfig(a: { clusterName: string; user: string; server: string; caData: string; token: string; insecure?: boolean; tlsServerName?: string }): string {
    const cluster: Record<string, unknown> = { server: a.server };
    if (a.insecure) cluster["insecure-skip-tls-verify"] = true;
    else if (a.caData) cluster["certificate-authority-data"] = a.caData;
    if (a.tlsServerName) cluster["tls-server-name"] = a.tlsServerName;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: a.clusterName, cluster }],
        users: [{ name: a.user, user: { token: a.token } }],
        contexts: [{ name: a.clusterName, context: { cluster: a.clusterName, user: a.user } }],
        "current-context": a.clusterName,
    });
}
