/**
 * The pulumi-kubefed policies, without the PolicyPack (index.ts serves them). Kept apart so unit tests can call
 * each policy's validateResource / validateStack directly with fake arguments.
 *
 * What the policies read: the components record a plain, fully known decision summary as their inputs (and
 * register it as an output), so every check here runs at preview time on known values:
 * - `pulumi-kubefed:index:FederatedResource` / `FederatedNamespace`: `{ decision: DecisionSummary }` (per-cluster
 *   entries keyed by cluster; the shape recorded by older versions is read too, see `normalizeDecision`);
 * - `pulumi-kubefed:index:MemberCluster`: inputs `{ clusterName, labels, region?, zones, unreachable, adoptExisting,
 *   credentialsWereSecret }`, outputs `{ clusterName, labels, region?, zones, … }`: member facts live once per
 *   member, so residency, which needs them next to each decision, is a stack policy;
 * - the emitted `kubernetes:*` children, each with an explicit `pulumi:providers:kubernetes` provider.
 *
 * Decisions that the policies recompute reuse the decision core (`src/core`): label selectors, replica
 * scheduling validation and the KubeFed replica planner.
 */
import {
    EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Secret,
    StackValidationArgs, StackValidationPolicy, UnknownValueError,
} from "@pulumi/policy";
import {
    ClusterPreference, DecisionSummary, LabelSelector, MemberClusterSummary, ReplicaSchedulingSpec, compileSelector,
    effectiveNamespace, failoverMoves, identityOverrideProblem, normalizeDecision, pathsOverlap, placedClusters, planFailover, replicasOf,
    validateReplicaScheduling,
} from "../src/core";

// ---- shapes the components record ------------------------------------------------------------------------

/** Type tokens of the components (must equal the classes' `__pulumiType`). */
export const TYPES = {
    memberCluster: "pulumi-kubefed:index:MemberCluster",
    federatedResource: "pulumi-kubefed:index:FederatedResource",
    federatedNamespace: "pulumi-kubefed:index:FederatedNamespace",
    replicaSchedulingPreference: "pulumi-kubefed:index:ReplicaSchedulingPreference",
    k8sProvider: "pulumi:providers:kubernetes",
} as const;

/** The decision summary of a FederatedResource / FederatedNamespace and a MemberCluster's recorded inputs: the
 *  contract shared with the components, declared in the (Pulumi-free) core. */
export type { DecisionSummary } from "../src/core";
export type MemberClusterProps = MemberClusterSummary;

// ---- configuration ---------------------------------------------------------------------------------------

export interface ClusterCountConfig {
    /** Fewest member clusters a subject workload must run in (default 2). */
    minClusters: number;
    /** Most member clusters (default: unbounded). */
    maxClusters?: number;
    /** Kinds the bounds apply to: `Kind` or `apiVersion/Kind` (e.g. `apps/v1/Deployment`); `*` = every kind. */
    kinds: string[];
    /** Also apply to anything with a replicaScheduling (default true). */
    includeReplicaScheduling: boolean;
}

export interface ResidencyRule {
    /** Optional name, shown in messages. */
    name?: string;
    /** Template labels the rule applies to (all must match); `{}` matches every object. */
    matchLabels?: Record<string, string>;
    /** Label-selector expressions over the template labels (In, NotIn, Exists, DoesNotExist), ANDed with matchLabels. */
    matchExpressions?: LabelSelector["matchExpressions"];
    /** Every placed cluster's region must be one of these. */
    allowedRegions?: string[];
    /** Every zone of every placed cluster must be one of these. */
    allowedZones?: string[];
    /** Every placed cluster must carry these labels. */
    requiredClusterLabels?: Record<string, string>;
}

export interface ResidencyConfig { rules: ResidencyRule[] }

export interface OverridesConfig {
    /** JSON pointers nobody may override; a path protects its sub-paths, `*` matches one segment. */
    protectedPaths: string[];
    /** Registries (or registry/path prefixes) images may come from after overrides; empty = no check.
     *  Short Docker Hub names are normalised: `nginx` is `docker.io/library/nginx`. */
    allowedRegistries: string[];
    /** Overrides written for clusters the object is not placed in are violations (default true). */
    requirePlacedOverrideClusters: boolean;
}

export interface ReplicaFeasibilityConfig {
    /** Replicas the plan may leave unplaced before it is a violation (default 0). */
    maxUnplacedReplicas: number;
}

export interface CredentialsConfig {
    /** Check that MemberCluster kubeconfigs were handed in as secrets (default true). */
    requireSecretKubeconfig: boolean;
}

export interface ExplicitProviderConfig {
    /** Type prefixes that are exempt (e.g. `kubernetes:helm.sh/v3:Release`). */
    exemptTypes: string[];
}

export interface UniqueObjectsConfig {
    /** Also compare plain `kubernetes:*` resources of the stack by provider (default true). */
    includeUnmanagedResources: boolean;
}

/** Defaults, merged under whatever `--policy-pack-config` sets (the policy server does not apply schema defaults). */
export const DEFAULTS = {
    clusterCount: { minClusters: 2, kinds: ["Deployment", "ReplicaSet", "StatefulSet"], includeReplicaScheduling: true } as ClusterCountConfig,
    residency: { rules: [] } as ResidencyConfig,
    overrides: {
        protectedPaths: ["/spec/template/spec/serviceAccountName"],
        allowedRegistries: [],
        requirePlacedOverrideClusters: true,
    } as OverridesConfig,
    replicaFeasibility: { maxUnplacedReplicas: 0 } as ReplicaFeasibilityConfig,
    credentials: { requireSecretKubeconfig: true } as CredentialsConfig,
    explicitProvider: { exemptTypes: [] } as ExplicitProviderConfig,
    uniqueObjects: { includeUnmanagedResources: true } as UniqueObjectsConfig,
};

/** Policy names, in one place (config files key on them). */
export const NAMES = {
    clusterCount: "kubefed-cluster-count",
    residency: "kubefed-placement-residency",
    overrides: "kubefed-overrides-and-images",
    replicaFeasibility: "kubefed-replica-scheduling-feasible",
    credentials: "kubefed-member-credentials-secret",
    explicitProvider: "kubefed-explicit-provider",
    uniqueObjects: "kubefed-unique-member-objects",
} as const;

function config<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    const c = (args.getConfig<Partial<T>>() ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [k, v] of Object.entries(c)) if (v !== undefined && v !== null) out[k] = v;
    return out as T;
}

// ---- helpers ---------------------------------------------------------------------------------------------

function isFederated(type: string): boolean {
    return type === TYPES.federatedResource || type === TYPES.federatedNamespace;
}

/** The decision of a FederatedResource/FederatedNamespace, or undefined for other resources. */
export function decisionOf(type: string, props: Record<string, unknown>): DecisionSummary | undefined {
    if (!isFederated(type)) return undefined;
    return normalizeDecision(props?.decision);
}

function shortType(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

/** `FederatedResource "web" (apps/v1 Deployment shop/web)`. */
export function describe(type: string, name: string, d: DecisionSummary): string {
    const obj = `${d.apiVersion} ${d.kind} ${d.namespace ? `${d.namespace}/` : ""}${d.name}`;
    return `${shortType(type)} "${name}" (${obj})`;
}

const list = (xs: Iterable<string>) => [...xs].map(x => `"${x}"`).join(", ");
const fmtLabels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(",");

function matchesKind(d: DecisionSummary, kinds: string[]): boolean {
    return kinds.some(k => k === "*" || k === d.kind || k === `${d.apiVersion}/${d.kind}`);
}

// ---- 1. cluster count --------------------------------------------------------------------------------------

/** Replicas actually sent per placed cluster (after overrides and scheduling), or undefined when the object has
 *  no numeric `spec.replicas` anywhere. */
export function replicasSent(d: DecisionSummary): Record<string, number> | undefined {
    const r = replicasOf(d);
    return Object.keys(r).length > 0 ? r : undefined;
}

export function checkClusterCount(type: string, name: string, d: DecisionSummary, cfg: ClusterCountConfig): string[] {
    const subject = matchesKind(d, cfg.kinds) || (cfg.includeReplicaScheduling && !!d.replicaScheduling);
    if (!subject) return [];
    // Judge what is sent: a cluster whose object has 0 replicas (planned by replica scheduling, or set by an
    // override) is placed but runs nothing, so only clusters that run some count.
    const replicas = replicasSent(d);
    const running = replicas ? placedClusters(d).filter(c => replicas[c] === undefined || replicas[c] > 0) : placedClusters(d);
    const what = (n: number) => replicas ? `${n === 1 ? "cluster" : "clusters"} with replicas` : `member ${n === 1 ? "cluster" : "clusters"}`;
    const shown = replicas ? running.map(c => `${c}=${replicas[c] ?? "?"}`).join(", ") : running.join(", ");
    const out: string[] = [];
    if (running.length < cfg.minClusters) {
        const others = [...placedClusters(d), ...Object.keys(d.excluded ?? {})].filter(c => !running.includes(c)).sort();
        out.push(`${describe(type, name, d)} runs in ${running.length} ${what(running.length)} (${shown || "none"}), fewer than the ` +
            `minimum of ${cfg.minClusters}. Widen its placement (clusterSelector or clusters list)` +
            (d.replicaScheduling ? " or its replicaScheduling (weights/minReplicas)" : "") +
            (others.length ? `, e.g. add ${list(others)}` : ", or add member clusters") +
            `; or lower ${NAMES.clusterCount}.minClusters.`);
    }
    if (cfg.maxClusters !== undefined && running.length > cfg.maxClusters) {
        out.push(`${describe(type, name, d)} runs in ${running.length} ${what(running.length)} (${shown}), more than the maximum ` +
            `of ${cfg.maxClusters}. Narrow its placement; or raise ${NAMES.clusterCount}.maxClusters.`);
    }
    return out;
}

// ---- 2. residency ------------------------------------------------------------------------------------------

function ruleSelector(r: ResidencyRule): LabelSelector {
    return { matchLabels: r.matchLabels ?? {}, ...(r.matchExpressions ? { matchExpressions: r.matchExpressions } : {}) };
}

/** A member's facts as residency needs them (a MemberCluster's outputs). */
export type MemberFacts = Pick<MemberClusterSummary, "labels" | "region" | "zones">;

/** Why a member breaks a rule (empty when it complies). */
function residencyProblems(m: MemberFacts, rule: ResidencyRule): string[] {
    const why: string[] = [];
    if (rule.allowedRegions) {
        if (m.region === undefined || m.region === null) why.push("has no region");
        else if (!rule.allowedRegions.includes(m.region)) why.push(`region "${m.region}"`);
    }
    if (rule.allowedZones) {
        const z = m.zones ?? [];
        const outside = z.filter(x => !rule.allowedZones!.includes(x));
        if (z.length === 0) why.push("has no zones");
        else if (outside.length) why.push(`zones ${list(outside)}`);
    }
    for (const [k, v] of Object.entries(rule.requiredClusterLabels ?? {})) {
        if (m.labels?.[k] !== v) why.push(`lacks label ${k}=${v}`);
    }
    return why;
}

/** Residency of one decision against the stack's members (cluster name → facts). */
export function checkResidency(type: string, name: string, d: DecisionSummary, members: Record<string, MemberFacts>,
                               cfg: ResidencyConfig): string[] {
    const out: string[] = [];
    (cfg.rules ?? []).forEach((rule, i) => {
        const ruleName = rule.name ? `"${rule.name}"` : `#${i}`;
        let matcher: (labels: Record<string, string>) => boolean;
        try {
            matcher = compileSelector(ruleSelector(rule), `rules[${i}]`);
        } catch (e) {
            out.push(`${NAMES.residency} rule ${ruleName} is invalid: ${(e as Error).message}; fix the policy configuration.`);
            return;
        }
        // The rule applies per cluster to the labels of the object sent there: an override can add a residency label.
        const labelsIn = (c: string) => d.placed?.[c]?.labels ?? d.labels ?? {};
        const bad: string[] = [];
        const matchedLabels = new Set<string>();
        for (const c of placedClusters(d)) {
            if (!matcher(labelsIn(c))) continue;
            matchedLabels.add(fmtLabels(labelsIn(c)));
            const m = members[c];
            if (!m) {
                bad.push(`"${c}" (unknown to the program, cannot prove its location)`);
                continue;
            }
            const why = residencyProblems(m, rule);
            if (why.length) bad.push(`"${c}" (${why.join(", ")}${matcher(d.labels ?? {}) ? "" : "; the label comes from an override"})`);
        }
        if (bad.length) {
            const allowed: string[] = [];
            if (rule.allowedRegions) allowed.push(`regions ${list(rule.allowedRegions)}`);
            if (rule.allowedZones) allowed.push(`zones ${list(rule.allowedZones)}`);
            if (rule.requiredClusterLabels) allowed.push(`cluster labels ${fmtLabels(rule.requiredClusterLabels)}`);
            const ok = Object.keys(members).sort().filter(c => residencyProblems(members[c], rule).length === 0);
            out.push(`${describe(type, name, d)} has labels ${[...matchedLabels].join(" / ") || "(none)"} matched by residency rule ` +
                `${ruleName}, which allows only ${allowed.join(" and ")}, but is placed in ${bad.join(", ")}. ` +
                `Restrict its placement to compliant clusters${ok.length ? ` (e.g. ${list(ok)})` : ""}, or fix the clusters' region/zones/labels.`);
        }
    });
    return out;
}

/** Residency over a whole stack: member facts from the MemberClusters' outputs, decisions from the federated
 *  resources; each violation is reported against the federated resource's URN. */
export function findResidencyViolations(resources: Pick<PolicyResource, "type" | "name" | "urn" | "props">[], cfg: ResidencyConfig): { message: string; urn: string }[] {
    const members: Record<string, MemberFacts> = {};
    for (const r of resources) {
        if (r.type !== TYPES.memberCluster) continue;
        const facts = safe(() => {
            const p = r.props as Record<string, unknown>;
            const cn = typeof p?.clusterName === "string" ? p.clusterName : r.name;
            const zones = Array.isArray(p?.zones) ? [...p.zones] as string[] : [];
            const labels = p?.labels && typeof p.labels === "object" ? { ...p.labels } as Record<string, string> : {};
            return { cn, facts: { labels, zones, ...(typeof p?.region === "string" ? { region: p.region } : {}) } as MemberFacts };
        });
        if (facts) members[facts.cn] = facts.facts;
    }
    const out: { message: string; urn: string }[] = [];
    for (const r of resources) {
        const d = safe(() => decisionOf(r.type, r.props as Record<string, unknown>));
        if (!d) continue;
        for (const message of checkResidency(r.type, r.name, d, members, cfg)) out.push({ message, urn: r.urn });
    }
    return out;
}

// ---- 3. overrides and images -------------------------------------------------------------------------------

function segments(p: string): string[] {
    return p === "" ? [] : p.split("/").slice(1);
}

/**
 * True when an override of `path` touches `protectedPath`: equal, inside it, or replacing a parent of it —
 * compared in the core's canonical form, so index aliases (`+0`, `00`, `-1`) and deprecated field aliases
 * (`serviceAccount` for `serviceAccountName`) do not get around it.
 */
export function touchesProtected(path: string, protectedPath: string): boolean {
    if (pathsOverlap(path, protectedPath)) return true;
    // Not JSON pointers (hand-written state): fall back to plain segments.
    const a = segments(path), b = segments(protectedPath);
    if (path.startsWith("/") && protectedPath.startsWith("/")) return false;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i] && a[i] !== "*" && b[i] !== "*") return false;
    return true;
}

/** `nginx:1.25` → `docker.io/library/nginx`; `ghcr.io/acme/app@sha256:…` → `ghcr.io/acme/app`. */
export function imageRepository(image: string): string {
    let ref = image.trim();
    const at = ref.indexOf("@");
    if (at >= 0) ref = ref.slice(0, at);
    const slash = ref.indexOf("/");
    const first = slash < 0 ? "" : ref.slice(0, slash);
    const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    let repo = ref;
    const colon = repo.lastIndexOf(":");
    if (colon > repo.lastIndexOf("/")) repo = repo.slice(0, colon);
    if (hasRegistry) return repo;
    return repo.includes("/") ? `docker.io/${repo}` : `docker.io/library/${repo}`;
}

export function imageAllowed(image: string, allowed: string[]): boolean {
    const repo = imageRepository(image);
    return allowed.some(a => {
        const p = a.replace(/\/+$/, "");
        return repo === p || repo.startsWith(`${p}/`);
    });
}

export function checkOverrides(type: string, name: string, d: DecisionSummary, cfg: OverridesConfig): string[] {
    const out: string[] = [];
    const placed = new Set(placedClusters(d));
    if (cfg.requirePlacedOverrideClusters) {
        const unplaced = (d.overrideClusters ?? []).filter(c => !placed.has(c));
        if (unplaced.length) {
            out.push(`${describe(type, name, d)} has overrides for ${list(unplaced)}, where it is not placed ` +
                `(placed: ${list(placedClusters(d)) || "none"}); the overrides have no effect. Remove them, or add the ` +
                `cluster(s) to the placement.`);
        }
    }
    const hits: string[] = [];
    const identity: string[] = [];
    for (const c of placedClusters(d)) {
        for (const p of d.placed[c].overrides ?? []) {
            const why = identityOverrideProblem(p);
            if (why) { identity.push(`"${c}": ${why}`); continue; }
            // "/spec/replicas" is written by replica scheduling itself, not by the user.
            if (p === "/spec/replicas" && d.replicaScheduling) continue;
            const prot = (cfg.protectedPaths ?? []).find(pp => touchesProtected(p, pp));
            if (prot) hits.push(`"${c}": ${p}${p === prot ? "" : ` (touches ${prot})`}`);
        }
    }
    if (identity.length) {
        out.push(`${describe(type, name, d)} overrides the object's identity in ${identity.join("; ")}: the member would get ` +
            `another object than the one the decision names. Change the template (name, namespace, kind, apiVersion) instead.`);
    }
    if (hits.length) {
        out.push(`${describe(type, name, d)} overrides protected paths in ${hits.join("; ")}. Change the template ` +
            `for every cluster instead of overriding per cluster, or remove the path from ${NAMES.overrides}.protectedPaths.`);
    }
    if ((cfg.allowedRegistries ?? []).length > 0) {
        const bad: string[] = [];
        for (const c of placedClusters(d)) {
            const imgs = (d.placed[c].images ?? []).filter(i => !imageAllowed(i, cfg.allowedRegistries));
            if (imgs.length) bad.push(`"${c}": ${imgs.join(", ")}`);
        }
        if (bad.length) {
            out.push(`${describe(type, name, d)} runs images from registries that are not allowed (after overrides) in ` +
                `${bad.join("; ")}. Allowed: ${list(cfg.allowedRegistries)}. Use an image from an allowed registry ` +
                `(fix the template or the cluster's image override).`);
        }
    }
    return out;
}

// ---- 4. replica scheduling feasibility -----------------------------------------------------------------------

/** The preference a cluster gets (own entry, else "*", else none), docs/semantics.md#replica-algorithm step 1. */
export function preferenceFor(spec: ReplicaSchedulingSpec, cluster: string): ClusterPreference | undefined {
    const prefs = spec.clusters && Object.keys(spec.clusters).length > 0 ? spec.clusters : { "*": { weight: 1 } };
    const has = (k: string) => Object.prototype.hasOwnProperty.call(prefs, k);
    return has(cluster) ? prefs[cluster] : has("*") ? prefs["*"] : undefined;
}

export function checkReplicaFeasibility(type: string, name: string, d: DecisionSummary, cfg: ReplicaFeasibilityConfig): string[] {
    const spec = d.replicaScheduling;
    if (!spec) return [];
    const out: string[] = [];
    const subject = describe(type, name, d);
    const placed = placedClusters(d);
    // Invalid values (the component refuses them too; a policy still sees hand-written or old state).
    const errors = validateReplicaScheduling(spec, placed, "replicaScheduling").filter(i => i.severity === "error");
    if (errors.length) {
        out.push(`${subject} has an invalid replicaScheduling: ${errors.map(e => `${e.field}: ${e.message}`).join("; ")}.`);
        return out;
    }
    const total = spec.totalReplicas;
    let sumMin = 0, sumMax = 0, bounded = true;
    const mins: string[] = [], maxes: string[] = [];
    for (const c of placed) {
        const p = preferenceFor(spec, c);
        if (!p) continue; // takes no part: plan 0, max effectively 0
        const min = p.minReplicas ?? 0;
        sumMin += min;
        if (min) mins.push(`${c}=${min}`);
        if (p.maxReplicas === undefined || p.maxReplicas === null) bounded = false;
        else { sumMax += p.maxReplicas; maxes.push(`${c}=${p.maxReplicas}`); }
    }
    if (sumMin > total) {
        out.push(`${subject}: the minReplicas of the placed clusters add up to ${sumMin} (${mins.join(", ")}), more than ` +
            `totalReplicas ${total}; clusters late in the planner's order get less than their minimum. ` +
            `Lower minReplicas or raise totalReplicas to at least ${sumMin}.`);
    }
    if (bounded && total > sumMax) {
        out.push(`${subject}: totalReplicas ${total} exceeds the sum of maxReplicas of the placed clusters ` +
            `(${sumMax}: ${maxes.join(", ") || "no cluster has a preference"}); ${total - sumMax} replicas can never run. ` +
            `Raise maxReplicas, place the workload in more clusters, or lower totalReplicas to ${sumMax}.`);
    }
    // What the program's plan dropped; when it was not recorded, recompute with the core planner (nothing running,
    // the members failover found not ready still not ready).
    let unplaced = d.unplacedReplicas;
    if (unplaced === undefined) {
        const { plan } = planFailover({
            totalReplicas: total, clusters: spec.clusters, availableClusters: placed, rebalance: true,
            key: d.namespace ? `${d.namespace}/${d.name}` : d.name,
            readiness: spec.failover === false ? undefined : Object.fromEntries((d.failover?.notReady ?? []).map(c => [c, false])),
        });
        unplaced = total - Object.values(plan).reduce((s, n) => s + n, 0);
    }
    if (unplaced > (cfg.maxUnplacedReplicas ?? 0) && !(bounded && total > sumMax)) {
        const got = Object.entries(replicasOf(d)).map(([c, n]) => `${c}=${n}`).join(", ");
        out.push(`${subject}: the replica plan leaves ${unplaced} of ${total} replicas unplaced` +
            `${got ? ` (planned: ${got})` : ""}; KubeFed would drop them silently. Give a placed cluster a weight above 0 ` +
            `or a higher maxReplicas, add clusters, or lower totalReplicas.` +
            failoverMoves(d).map(m => ` Failover: ${m}; the replicas move back when the member is ready again.`).join(""));
    }
    return out;
}

// ---- 5. credentials and providers --------------------------------------------------------------------------

export function checkMemberCredentials(name: string, props: Partial<MemberClusterProps>, cfg: CredentialsConfig): string[] {
    if (!cfg.requireSecretKubeconfig) return [];
    if (props.credentialsWereSecret === false) {
        const cluster = props.clusterName ?? name;
        return [`MemberCluster "${name}" (cluster "${cluster}") was given its kubeconfig as a plain value. ` +
            `Pass it as a secret, e.g. kubeconfig: config.requireSecret("${cluster}-kubeconfig") ` +
            `(pulumi config set --secret ${cluster}-kubeconfig "$(cat kubeconfig)"), so it is never handled in clear text.`];
    }
    return [];
}

/** A default provider's URN ends in `::default` or `::default_<version>`. */
export function isDefaultProviderUrn(urn: string | undefined): boolean {
    if (!urn) return false;
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    return /^default(_.*)?$/.test(name);
}

/** Provider references (`<urn>::<id>`) as recorded in state / stack resources → the provider's URN. */
export function providerUrnOfRef(ref: string): string {
    // The URN contains "::" itself; the id is what follows the last "::".
    const i = ref.lastIndexOf("::");
    return i > 0 && ref.startsWith("urn:pulumi:") && ref.slice(0, i).split("::").length >= 4 ? ref.slice(0, i) : ref;
}

export function isKubernetesResourceType(type: string): boolean {
    return type.startsWith("kubernetes:");
}

export function checkExplicitProvider(type: string, name: string, urn: string, opts: { parent?: string } | undefined,
                                      provider: { urn: string; name: string } | undefined, cfg: ExplicitProviderConfig): string[] {
    if (!isKubernetesResourceType(type)) return [];
    if ((cfg.exemptTypes ?? []).some(t => type.startsWith(t))) return [];
    if (!provider) return []; // engines always send it; absent only in synthetic calls
    if (isDefaultProviderUrn(provider.urn) || /^default(_|$)/.test(provider.name)) {
        const parent = opts?.parent ? `, child of ${opts.parent.slice(opts.parent.lastIndexOf("::") + 2)}` : "";
        return [`${type} "${name}"${parent} uses the default Kubernetes provider (${provider.urn}), i.e. the ambient ` +
            `kubeconfig/context of whoever runs Pulumi, not a member cluster. Pass { provider: member.provider } ` +
            `(the MemberCluster's provider), and set pulumi:disable-default-providers: ["kubernetes"] in the stack config.`];
    }
    return [];
}

// ---- 6. unique member objects (stack) ------------------------------------------------------------------------

function apiGroup(apiVersion: string): string {
    const s = apiVersion.lastIndexOf("/");
    return s < 0 ? "" : apiVersion.slice(0, s);
}

/** What identifies an object in a cluster: group, kind, namespace, name (the version does not). */
export function objectIdentity(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
    const g = apiGroup(apiVersion);
    return `${g ? `${kind}.${g}` : kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

interface Claim { who: string; cluster: string; object: string }

export function findDuplicateObjects(resources: Pick<PolicyResource, "type" | "name" | "urn" | "props" | "provider" | "parent">[],
                                     cfg: UniqueObjectsConfig): string[] {
    const claims = new Map<string, Claim[]>();
    const add = (key: string, c: Claim) => { const l = claims.get(key); if (l) l.push(c); else claims.set(key, [c]); };
    const federatedUrns = new Set<string>();
    // Provider URN → cluster name, via the MemberCluster that parents the provider.
    const memberOf = new Map<string, string>();
    const members = new Map<string, string>();
    for (const r of resources) {
        if (r.type === TYPES.memberCluster) {
            const cn = safe(() => r.props?.clusterName as string | undefined);
            members.set(r.urn, typeof cn === "string" ? cn : r.name);
        }
    }
    for (const r of resources) {
        if (r.type === TYPES.k8sProvider && r.parent && members.has(r.parent.urn)) memberOf.set(r.urn, members.get(r.parent.urn)!);
    }
    for (const r of resources) {
        const d = safe(() => decisionOf(r.type, r.props));
        if (!d) continue;
        federatedUrns.add(r.urn);
        const object = objectIdentity(d.apiVersion, d.kind, effectiveNamespace(d.apiVersion, d.kind, d.namespace), d.name);
        for (const c of placedClusters(d)) {
            add(`cluster:${c}|${object}`, { who: `${shortType(r.type)} "${r.name}"`, cluster: `"${c}"`, object });
        }
    }
    if (cfg.includeUnmanagedResources) {
        for (const r of resources) {
            if (!isKubernetesResourceType(r.type) || !r.provider) continue;
            if (r.parent && federatedUrns.has(r.parent.urn)) continue; // covered by its component's decision
            const id = safe(() => {
                const p = r.props as Record<string, unknown>;
                const md = (p?.metadata ?? undefined) as Record<string, unknown> | undefined;
                if (typeof p?.apiVersion !== "string" || typeof p?.kind !== "string" || typeof md?.name !== "string") return undefined;
                return objectIdentity(p.apiVersion, p.kind, effectiveNamespace(p.apiVersion, p.kind, typeof md.namespace === "string" ? md.namespace : undefined), md.name);
            });
            if (!id) continue;
            const cluster = memberOf.get(r.provider.urn);
            const key = cluster !== undefined ? `cluster:${cluster}|${id}` : `provider:${r.provider.urn}|${id}`;
            add(key, { who: `${r.type} "${r.name}"`, cluster: cluster !== undefined ? `"${cluster}"` : `provider ${r.provider.name}`, object: id });
        }
    }
    const out: string[] = [];
    for (const list_ of claims.values()) {
        const who = [...new Set(list_.map(c => c.who))];
        if (list_.length < 2) continue;
        const { cluster, object } = list_[0];
        out.push(`${object} in cluster ${cluster} is emitted by ${who.length > 1 ? who.join(" and ") : `${who[0]} ${list_.length} times`}; ` +
            `they would overwrite each other (or fail with AlreadyExists). Keep one owner: remove the object from one ` +
            `of them, narrow a placement so they do not overlap in ${cluster}, or rename one object.`);
    }
    return out;
}

/** Values unknown at preview throw from the policy proxy; skip those instead of downgrading the whole check. */
function safe<T>(f: () => T): T | undefined {
    try { return f(); } catch (e) { if (e instanceof UnknownValueError) return undefined; throw e; }
}

// ---- the policies ------------------------------------------------------------------------------------------

type Validate = (args: ResourceValidationArgs, report: ReportViolation) => void;

function forDecision(f: (type: string, name: string, d: DecisionSummary, args: ResourceValidationArgs) => string[]): Validate {
    return (args, report) => {
        const d = decisionOf(args.type, args.props);
        if (!d) return;
        for (const m of f(args.type, args.name, d, args)) report(m);
    };
}

const level = (l: EnforcementLevel = "mandatory") => l;

const stringArray = { type: "array", items: { type: "string" } } as const;
const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;

export const clusterCountPolicy: ResourceValidationPolicy = {
    name: NAMES.clusterCount,
    description: "Federated workloads run in at least minClusters (and at most maxClusters) member clusters.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            minClusters: { type: "integer", minimum: 0, default: DEFAULTS.clusterCount.minClusters },
            maxClusters: { type: "integer", minimum: 0 },
            kinds: { ...stringArray, default: DEFAULTS.clusterCount.kinds },
            includeReplicaScheduling: { type: "boolean", default: true },
        },
    },
    validateResource: forDecision((t, n, d, a) => checkClusterCount(t, n, d, config(a, DEFAULTS.clusterCount))),
};

export const residencyPolicy: StackValidationPolicy = {
    name: NAMES.residency,
    description: "Objects whose template labels match a residency rule are placed only in clusters with an allowed region/zone/labels.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            rules: {
                type: "array",
                default: [],
                items: {
                    type: "object",
                    properties: {
                        name: { type: "string" },
                        matchLabels: stringMap,
                        matchExpressions: {
                            type: "array",
                            items: {
                                type: "object",
                                properties: { key: { type: "string" }, operator: { type: "string", enum: ["In", "NotIn", "Exists", "DoesNotExist"] }, values: stringArray },
                                required: ["key", "operator"],
                            },
                        },
                        allowedRegions: stringArray,
                        allowedZones: stringArray,
                        requiredClusterLabels: stringMap,
                    },
                    additionalProperties: false,
                },
            },
        },
    },
    // A stack policy: the member facts it checks are recorded once per MemberCluster, not in every decision.
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        for (const v of findResidencyViolations(args.resources, config(args, DEFAULTS.residency))) report(v.message, v.urn);
    },
};

export const overridesPolicy: ResourceValidationPolicy = {
    name: NAMES.overrides,
    description: "Overrides only for placed clusters, never on protected paths; images only from allowed registries after overrides.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            protectedPaths: { ...stringArray, default: DEFAULTS.overrides.protectedPaths },
            allowedRegistries: { ...stringArray, default: [] },
            requirePlacedOverrideClusters: { type: "boolean", default: true },
        },
    },
    validateResource: forDecision((t, n, d, a) => checkOverrides(t, n, d, config(a, DEFAULTS.overrides))),
};

export const replicaFeasibilityPolicy: ResourceValidationPolicy = {
    name: NAMES.replicaFeasibility,
    description: "Replica scheduling is feasible over the placed clusters (Σmin ≤ total ≤ Σmax) and drops no replicas.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            maxUnplacedReplicas: { type: "integer", minimum: 0, default: 0 },
        },
    },
    validateResource: forDecision((t, n, d, a) => checkReplicaFeasibility(t, n, d, config(a, DEFAULTS.replicaFeasibility))),
};

/** Raw (secret-preserving) view of remediation props; undefined when not available. */
function rawProps(props: unknown): Record<string, unknown> | undefined {
    // @pulumi/policy wraps props in a proxy that throws on unknown values; its target holds the raw values.
    type Proxied = { __isSpecialProxy?: unknown; __getSpecialProxyTarget?: unknown };
    let p: unknown = props;
    for (let i = 0; i < 3 && p && typeof p === "object" && (p as Proxied).__isSpecialProxy === true; i++) p = (p as Proxied).__getSpecialProxyTarget;
    return p && typeof p === "object" ? p as Record<string, unknown> : undefined;
}

export const credentialsPolicy: ResourceValidationPolicy = {
    name: NAMES.credentials,
    description: "Member-cluster kubeconfigs are secrets. (Validation cannot see secretness of provider inputs; " +
        "it checks MemberCluster.credentialsWereSecret. With enforcementLevel \"remediate\" a plain kubeconfig on a " +
        "Kubernetes provider is wrapped as a secret.)",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            requireSecretKubeconfig: { type: "boolean", default: true },
        },
    },
    validateResource: (args, report) => {
        if (args.type !== TYPES.memberCluster) return;
        for (const m of checkMemberCredentials(args.name, args.props as Partial<MemberClusterProps>, config(args, DEFAULTS.credentials))) report(m);
    },
    // Remediation is the only place @pulumi/policy hands secrets over as `Secret` objects.
    remediateResource: (args) => {
        if (args.type !== TYPES.k8sProvider) return undefined;
        const raw = rawProps(args.props);
        if (!raw || !Object.prototype.hasOwnProperty.call(raw, "kubeconfig")) return undefined;
        const kc = raw.kubeconfig;
        if (kc instanceof Secret || kc === undefined || kc === null) return undefined;
        return { ...raw, kubeconfig: new Secret(kc) };
    },
};

export const explicitProviderPolicy: ResourceValidationPolicy = {
    name: NAMES.explicitProvider,
    description: "Every Kubernetes resource uses an explicit provider (a member cluster's), never the default provider.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            exemptTypes: { ...stringArray, default: [] },
        },
    },
    validateResource: (args, report) => {
        for (const m of checkExplicitProvider(args.type, args.name, args.urn, args.opts, args.provider, config(args, DEFAULTS.explicitProvider))) report(m);
    },
};

export const uniqueObjectsPolicy: StackValidationPolicy = {
    name: NAMES.uniqueObjects,
    description: "No two federated resources (or plain Kubernetes resources) emit the same object (cluster, kind, namespace, name).",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            includeUnmanagedResources: { type: "boolean", default: true },
        },
    },
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        for (const m of findDuplicateObjects(args.resources, config(args, DEFAULTS.uniqueObjects))) report(m);
    },
};

export const policies = [
    clusterCountPolicy, residencyPolicy, overridesPolicy, replicaFeasibilityPolicy, credentialsPolicy,
    explicitProviderPolicy, uniqueObjectsPolicy,
];
