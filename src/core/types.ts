/**
 * The decision core's shared data shapes, in one module that imports nothing: the inputs a decision is made from
 * (clusters, placement, overrides, replica scheduling) and the decisions it makes (per object, and as recorded in
 * component inputs and outputs). Every other core module imports its shapes from here, so no two core modules
 * need each other for a type (no import circle). A module's own option and result types stay beside its function.
 * One file on purpose (over 350 lines): the shapes are read together, and splitting them would bring the circles back.
 */

// ---- Clusters and placement ----------------------------------------------------------------------------------------

/** A member cluster as the core sees it: its name and the labels selectors match. */
export interface ClusterInfo {
    name: string;
    labels?: Record<string, string> | null;
    /** Region, for spread constraints by region. */
    region?: string | null;
    /** Zones, for spread constraints by zone (a cluster counts in each of them). */
    zones?: string[] | null;
}

/** One `matchExpressions` entry. */
export interface LabelSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
}

/** A Kubernetes label selector. `{}` matches everything; null/absent is handled by the caller (matches nothing). */
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: LabelSelectorRequirement[];
}

/** Labels as found on a cluster; null/absent means no labels. */
export type Labels = Record<string, string> | null | undefined;

/** What a spread constraint can group clusters by (Karmada's `SpreadFieldValue`); `SPREAD_FIELDS` lists them. */
export type SpreadField = "cluster" | "region" | "zone" | "provider";

/** A Karmada spread constraint: exactly one of `spreadByField` and `spreadByLabel`. */
export interface SpreadConstraint {
    /** Group clusters by their name (`cluster`), `region`, `zone` (each of their zones) or `provider` label. */
    spreadByField?: SpreadField;
    /** Group clusters by the value of this cluster label. */
    spreadByLabel?: string;
    /** Fewest groups the placement must span (default 1). */
    minGroups?: number;
    /** Most groups the placement may span (default: no limit). */
    maxGroups?: number;
}

/** KubeFed's `spec.placement`. */
export interface Placement {
    /** Explicit cluster names. When present (non-null) it wins over the selector, even when empty. */
    clusters?: { name: string }[] | null;
    /** Label selector over the clusters' labels; null/absent selects nothing, `{}` selects all. */
    clusterSelector?: LabelSelector | null;
    /** Karmada-style spread constraints applied to the clusters picked above (region, zone, provider, cluster
     *  label or cluster; minGroups/maxGroups). Absent: KubeFed placement unchanged. See `applySpreadConstraints`. */
    spreadConstraints?: SpreadConstraint[] | null;
}

// ---- Overrides -----------------------------------------------------------------------------------------------------

/** One JSON-patch operation of a cluster's overrides. */
export interface OverrideOperation {
    /** add, remove or replace; absent/empty means replace. */
    op?: "add" | "remove" | "replace";
    /** JSON pointer, e.g. `/spec/replicas` or `/metadata/labels/app~1tier` (`~1` = `/`, `~0` = `~`). */
    path: string;
    /** The value for add/replace; absent means null. */
    value?: unknown;
}

/** One part of an image reference: `registry/repository:tag@digest`. */
export type ImageComponent = "registry" | "repository" | "tag" | "digest";

/** One change to the images of a pod template. */
export interface ImageOverride {
    /** Which part of the image reference changes. */
    component: ImageComponent;
    /** `replace` (default) sets the part, adding it where the image has none; `remove` drops it (registry, tag and
     *  digest only: an image always has a repository). */
    op?: "replace" | "remove";
    /** The new part, e.g. `registry.eu.example.com`, `shop/web`, `1.27`, `sha256:…`. Required for replace. */
    value?: string;
    /** Only these containers (and init containers), by name; absent: all of them. */
    containers?: string[];
}

/**
 * One entry of `overrides`: what changes in the clusters it targets, by `clusterName` (one member, KubeFed's
 * form) or by `clusterSelector` (every member whose labels match, Karmada's form; `{}` matches all). Entries apply
 * in the order written, each one's `imageOverrides` before its `clusterOverrides` (as Karmada applies a rule's
 * image overrider before its plaintext overrider), so a later entry wins where two change the same path.
 */
export interface ClusterOverride {
    /** One member cluster. Exactly one of clusterName and clusterSelector. */
    clusterName?: string;
    /** Every member cluster whose labels match (Kubernetes label-selector semantics). */
    clusterSelector?: LabelSelector;
    /** JSON-patch operations (KubeFed's semantics: a missing op means replace). */
    clusterOverrides?: OverrideOperation[];
    /** Registry, repository, tag or digest changes of the pod template's containers (see images.ts). */
    imageOverrides?: ImageOverride[];
}

// ---- Replica scheduling --------------------------------------------------------------------------------------------

/** A ReplicaSchedulingPreference entry for one cluster (or for "*"). */
export interface ClusterPreference {
    /** Replicas the cluster gets first, before weights are considered (default 0). */
    minReplicas?: number;
    /** Upper bound for the cluster (absent = unbounded). */
    maxReplicas?: number;
    /** Relative share of the replicas left after the minimums (default 0 = none). */
    weight?: number;
}

/** Replica-scheduling spec shape (RSP `spec` without targetKind), fixed for components and the policy pack. */
export interface ReplicaSchedulingSpec {
    /** Replicas to spread over the clusters. */
    totalReplicas: number;
    /** Move running replicas to follow the preferences (default false: keep what runs, docs/semantics.md#replica-algorithm step 4). */
    rebalance?: boolean;
    /** Schedule only over the clusters the placement's selector picks (docs/semantics.md#intersect-with-the-cluster-selector). */
    intersectWithClusterSelector?: boolean;
    /** Preferences by cluster name or "*"; absent or empty means `{"*": {weight: 1}}`. */
    clusters?: Record<string, ClusterPreference>;
    /** Plan only over the members observed ready (KubeFed's behaviour; default true). false keeps the plan as if
     *  every member were ready. Readiness comes from `observeReadiness` / `observeReplicas`. */
    failover?: boolean;
}

/** Sums of the preferences of a set of clusters (a cluster with no preference and no `"*"` takes no part). */
export interface ReplicaCapacity {
    /** Clusters that have a preference (their own or `"*"`). */
    participating: number;
    /** Σ minReplicas of the participating clusters. */
    sumMin: number;
    /** Clusters with a minimum above 0 → that minimum (sorted by cluster). */
    minimums: Record<string, number>;
    /** Whether every participating cluster has a maxReplicas. */
    bounded: boolean;
    /** Σ maxReplicas of the participating clusters that have one. */
    sumMax: number;
    /** Clusters with a maxReplicas → that maximum (sorted by cluster). */
    maximums: Record<string, number>;
    /** Replicas the weighted rounds can place at most: up to max (unbounded: Infinity) for clusters with weight,
     *  just the minimum for weight-0 clusters. */
    placeable: number;
    /** Whether some participating cluster has a weight above 0. */
    anyWeight: boolean;
}

/** One feasibility problem of a replica split. */
export interface FeasibilityProblem {
    /** `minimums`: Σ minReplicas > totalReplicas; `maximums`: totalReplicas > Σ maxReplicas (every participating
     *  cluster bounded); `unplaced`: the plan left replicas unplaced (not reported when `maximums` explains it). */
    kind: "minimums" | "maximums" | "unplaced";
    /** The input to change, e.g. `replicaScheduling.totalReplicas`. */
    field: string;
    /** What is wrong and how to fix it (without the subject). */
    message: string;
}

/** Feasibility of a replica split over its placed clusters (see `replicaFeasibility` (feasibility.ts)). */
export interface ReplicaFeasibility {
    totalReplicas: number;
    capacity: ReplicaCapacity;
    /** Replicas the plan left unplaced. */
    unplaced: number;
    problems: FeasibilityProblem[];
}

// ---- The decision for one federated unit ---------------------------------------------------------------------------

/** What decides where a federated unit goes: the same for every kind (objects, namespaces, chart releases,
 *  kustomizations), so one placement gives one set of clusters whatever is placed. */
export interface PlacementInput {
    /** Every member cluster known to the program. */
    clusters: ClusterInfo[];
    /** Where the unit goes (docs/semantics.md#selected-clusters); null/absent selects nothing. */
    placement?: Placement | null;
    /** The federated namespace's placement when the unit lives in one (undefined: not federated-namespaced). */
    namespacePlacement?: Placement | null;
    /** Replica scheduling: decides placement and the replicas per cluster. */
    replicaScheduling?: ReplicaSchedulingSpec;
    /** docs/semantics.md#current-replicas-and-capacity inputs, when known. */
    currentReplicas?: Record<string, number>;
    /** docs/semantics.md#current-replicas-and-capacity inputs, when known. */
    estimatedCapacity?: Record<string, number>;
    /** Member readiness (cluster -> ready) for failover; absent entries count as ready. */
    readiness?: Record<string, boolean>;
}

/** The placement half of a decision, computed by `decidePlacement` (decision.ts) for every kind. */
export interface PlacementDecision {
    /** Sorted final placement. */
    clusters: string[];
    /** With replica scheduling: cluster -> replicas (0-replica clusters stay placed). */
    replicas?: Record<string, number>;
    /** With replica scheduling: replicas no cluster could take. */
    unplacedReplicas?: number;
    /** Whether replica scheduling wrote the replicas (false when an empty selector intersection left the unit's own). */
    scheduled: boolean;
    /** Why each known cluster that is not placed was left out (sorted by cluster name). */
    excluded: Record<string, string>;
    /** See {@link FederatedObjectDecision.failover}. */
    failover?: { notReady: string[]; replicasIfReady: Record<string, number> };
    /** See {@link FederatedObjectDecision.spreadExcluded}. */
    spreadExcluded?: Record<string, string>;
    /** See {@link FederatedObjectDecision.spreadGroups}. */
    spreadGroups?: string[][];
    /** `"<field>: <message>"`, validation warnings first. */
    warnings: string[];
}

/** Input of `decideFederatedObject` (decision.ts). */
export interface FederatedObjectInput {
    /** A full Kubernetes object: apiVersion, kind, metadata.name (+namespace when namespaced), spec... */
    template: Record<string, unknown>;
    /** Where the object goes (docs/semantics.md#selected-clusters); null/absent selects nothing. */
    placement?: Placement | null;
    /** Present when the object lives in a federated namespace: the namespace's placement (docs/semantics.md#namespaces). undefined = not federated-namespaced. */
    namespacePlacement?: Placement | null;
    /** Per-cluster JSON-patch overrides (docs/semantics.md#overrides). */
    overrides?: ClusterOverride[];
    /** Every member cluster known to the program. */
    clusters: ClusterInfo[];
    /** RSP (docs/semantics.md#replica-scheduling): decides placement and per-cluster /spec/replicas per docs/semantics.md#writing-the-result/docs/semantics.md#intersect-with-the-cluster-selector. */
    replicaScheduling?: ReplicaSchedulingSpec;
    /** docs/semantics.md#current-replicas-and-capacity inputs, when known (fed later by status read-back). */
    currentReplicas?: Record<string, number>;
    /** docs/semantics.md#current-replicas-and-capacity inputs, when known. */
    estimatedCapacity?: Record<string, number>;
    /** Member readiness observed while the program ran (cluster -> ready); replica scheduling plans over the ready
     *  ones unless `replicaScheduling.failover` is false. Absent entries count as ready. */
    readiness?: Record<string, boolean>;
    /** Extra labels put on every emitted object after overrides (the managed label is always added last and cannot be overridden, docs/semantics.md#override-order). */
    labels?: Record<string, string>;
}

/** Result of `decideFederatedObject` (decision.ts). All records have their keys in sorted cluster order. */
export interface FederatedObjectDecision {
    /** Sorted final placement. */
    clusters: string[];
    /**
     * cluster -> desired object (docs/semantics.md#desired-object order: template copy → overrides (incl. RSP replicas overrides) → managed
     * label). Each object's root, `metadata` and its `labels`/`annotations` maps are its own; other subtrees that no
     * override touched are shared between the clusters of one plan and deep-frozen, which keeps 10,000s of objects
     * cheap. Copy before mutating deeper.
     */
    objects: Record<string, Record<string, unknown>>;
    /** When replicaScheduling is set: cluster -> replicas (plan + overflow per docs/semantics.md#writing-the-result; 0-replica clusters stay placed). */
    replicas?: Record<string, number>;
    /** totalReplicas - sum(replicas) when replicaScheduling is set (never below 0: overflow can ask for extra replicas). */
    unplacedReplicas?: number;
    /** cluster -> paths overridden there (user overrides + RSP /spec/replicas), in application order. */
    overridesApplied: Record<string, string[]>;
    /** Why each known cluster that is not placed was left out (sorted by cluster name). */
    excluded: Record<string, string>;
    /** Human-readable warnings, `"<field>: <message>"`. */
    warnings: string[];
    /** Failover (replica scheduling over observed readiness): the not-ready clusters (placed, 0 replicas, sorted)
     *  and the replicas every placed cluster would have had with all of them ready. Absent when all are ready. */
    failover?: { notReady: string[]; replicasIfReady: Record<string, number> };
    /** Spread constraints: clusters the placement picked but the constraints left out, with why. */
    spreadExcluded?: Record<string, string>;
    /** Spread constraints: the groups the placement spans, per constraint (same order as given). */
    spreadGroups?: string[][];
    /** When replicaScheduling is set: whether its minimums, maximums and weights hold totalReplicas over the
     *  placed clusters, and what the plan left unplaced (the policy pack judges the same, from the recorded decision). */
    feasibility?: ReplicaFeasibility;
}

// ---- The recorded decision (component inputs and outputs, read by the policy pack and the CLI) ---------------------

/** What a federated object gets in one placed cluster. */
export interface PlacedCluster {
    /** `spec.replicas` sent to this cluster (planned by replica scheduling, or the template's after overrides);
     *  absent for objects without a numeric `spec.replicas`. */
    replicas?: number;
    /** JSON pointers overridden here (user overrides plus `/spec/replicas` written by replica scheduling). */
    overrides: string[];
    /** Container images sent here, after overrides, sorted. */
    images: string[];
    /** The object's labels sent here, when overrides made them differ from the template's (policies judge what is
     *  sent, not the template). */
    labels?: Record<string, string>;
}

/**
 * The plain, fully known decision a FederatedResource or FederatedNamespace records as its inputs (and outputs):
 * what `pulumi preview --diff` shows and what policy packs check. Pure data, so the policy pack can share this
 * contract without loading any component code.
 *
 * Shaped for short diffs: everything per cluster is one entry of `placed` or `excluded`, keyed by cluster name,
 * so moving an object from c1 to c3 shows as "- placed.c1, + placed.c3, + excluded.c1, - excluded.c3" instead of
 * shifted array elements across several parallel maps. Member facts (labels, region, zones) are not repeated here:
 * they are recorded once per member, as each MemberCluster's inputs and outputs.
 */
export interface DecisionSummary {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    /** Template labels (e.g. data-class), as policies match on them. */
    labels: Record<string, string>;
    /** Placed clusters, keyed (and sorted) by cluster name. */
    placed: Record<string, PlacedCluster>;
    /** Why each member that is not placed was left out, keyed by cluster name. */
    excluded: Record<string, string>;
    /** Clusters the user wrote overrides for (placed or not). */
    overrideClusters: string[];
    /** Template and override-value paths whose values are Outputs, resolved when applied (shown as `<output>` in images). */
    outputPaths?: string[];
    /** Replicas the planner could not place anywhere (replica scheduling only). */
    unplacedReplicas?: number;
    replicaScheduling?: ReplicaSchedulingSpec;
    /** Failover: members observed not ready while the program ran get 0 replicas (their objects are left as they
     *  are) and their replicas are planned on the ready ones. Absent when every member was ready (or failover is off). */
    failover?: FailoverDecision;
    /** Spread constraints of the placement and the groups the placed clusters span (one entry per constraint). */
    spread?: SpreadDecision[];
    namespacePlacement?: boolean;
    orphanOnDelete: boolean;
    retainReplicas: boolean;
    waitForReady: boolean;
    warnings: string[];
    /** Progressive rollout: the waves in order with their placed clusters (the implicit last wave flagged), and how
     *  long each may take to become ready. */
    rollout?: { waves: { name: string; clusters: string[]; implicit?: boolean }[]; timeoutSeconds: number };
    /** How the federated ConfigMaps, Secrets, ServiceAccounts and PVCs the pod template references are treated,
     *  recorded when not the default (`check`), with the references found (`ConfigMap shop/settings`). */
    dependencies?: { mode: "follow" | "ignore"; references: string[] };
    /** Clusters a workload with `dependencies: "follow"` placed this object in beyond its own placement, with the
     *  workloads that needed it there. Known once the program has declared everything: in outputs only. */
    pulledBy?: Record<string, string[]>;
}

/** Why replicas moved (see {@link DecisionSummary.failover}). */
export interface FailoverDecision {
    /** Placed members observed not ready, sorted. */
    notReady: string[];
    /** Replicas each placed member would get were every member ready; compare with `placed` to see the move. */
    replicasIfReady: Record<string, number>;
}

/** One spread constraint and the groups the placement spans under it. */
export interface SpreadDecision {
    constraint: SpreadConstraint;
    /** Groups (regions, zones, label values, clusters) the placed clusters span, sorted. */
    groups: string[];
}

/** Plain, credential-free facts about a member, recorded as the MemberCluster's inputs (visible to policies). */
export interface MemberClusterSummary {
    clusterName: string;
    labels: Record<string, string>;
    region?: string;
    zones: string[];
    unreachable: "fail" | "skip" | "forget";
    adoptExisting: boolean;
    /** Join mode: federated objects are applied with a service account created in the member. */
    joined: boolean;
    /** Whether the kubeconfig handed in was already a secret. It is stored as a secret either way. */
    credentialsWereSecret: boolean;
}
