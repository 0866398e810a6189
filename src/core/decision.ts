/**
 * The composite decision for one federated object: placement (docs/semantics.md#placement), replica scheduling (docs/semantics.md#writing-the-result/docs/semantics.md#intersect-with-the-cluster-selector), overrides
 * (docs/semantics.md#overrides) and the desired object per member cluster (docs/semantics.md#desired-object).
 *
 * Deliberate differences from KubeFed (each also noted where it happens):
 * - template `metadata.annotations` are KEPT (KubeFed drops them with an `AnnotationsNotSupported` event): Pulumi
 *   users rely on annotations such as `pulumi.com/skipAwait`, and there is no member controller to fight;
 * - a core-group apiVersion is emitted as `v1` (KubeFed's computed default is the string `/v1`);
 * - unknown cluster names in `placement.clusters` and in `overrides` are errors (KubeFed drops them silently);
 * - without readiness information every given cluster counts as ready (KubeFed plans over ready clusters only);
 *   a not-ready cluster stays placed with 0 replicas instead of leaving the placement, so its object is kept;
 * - `placement.spreadConstraints` (Karmada's, see spread.ts) narrow the placement, or the RSP's available clusters;
 * - RSP with `intersectWithClusterSelector`: available clusters = selector-only placement ∩ namespace placement
 *   (docs/semantics.md#intersect-with-the-cluster-selector); otherwise every cluster is available and the RSP result decides placement (docs/semantics.md#writing-the-result), then intersected
 *   with the namespace placement (docs/semantics.md#namespaces) when namespaced.
 * KubeFed behaviour kept: template `metadata.finalizers` are dropped (with a warning); the managed label
 * `kubefed.io/managed: "true"` is put last and cannot be overridden; clusters the RSP gives 0 replicas stay placed.
 */
import { ValidationError, ValidationIssue, OverrideError, assertValid } from "./errors";
import { labelKeyProblem, labelValueProblem } from "./labels";
import { ClusterOverride, OverrideOperation, applyPatch, deepFreeze, jsonClone } from "./overrides";
import { ClusterInfo, Placement, compareStrings, selectClusters, selectValidatedClusters } from "./placement";
import { imageOverrideOps } from "./images";
import { planFailover } from "./planner";
import { ReplicaFeasibility, replicaFeasibility } from "./feasibility";
import { SpreadConstraint, applySpreadConstraints } from "./spread";
import { metadataMapIssues, objectIdentityIssues, stripServerSetFields } from "./objects";
import { canonicalPointer } from "./paths";
import {
    ReplicaSchedulingSpec, replicasProblem, validateClusters, validateOverrides, validatePlacement, validateReplicaScheduling,
} from "./validate";
import { ownEntry } from "./own";
import { EXCLUSION_REASONS, NOT_CHOSEN, NOT_IN_NAMESPACE } from "./exclusions";

/** The label KubeFed puts on every propagated object (docs/semantics.md#names). */
export const MANAGED_LABEL = "kubefed.io/managed";

/** Input of {@link planFederatedObject}. */
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

/** Result of {@link planFederatedObject}. All records have their keys in sorted cluster order. */
export interface FederatedObjectPlan {
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

/** A fresh top-level metadata object with fresh labels/annotations maps (callers commonly add to those). */
function ownMetadata(meta: Record<string, unknown>): Record<string, unknown> {
    const md: Record<string, unknown> = { ...meta };
    if (isPlainObject(meta.labels)) md.labels = { ...meta.labels };
    if (isPlainObject(meta.annotations)) md.annotations = { ...meta.annotations };
    return md;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Cluster-list validation (and the sorted name list) is memoised per array: a program plans many objects over
 * the same member list, and re-checking every name and label per object would dominate the cost. The cached
 * result is reused only while the array holds the same cluster objects with the same names and the same label
 * entries (keys and values, compared in place, so a label changed in place is validated again).
 */
interface ClusterFacts {
    /** Per cluster: the cluster, its name, its label map, the number of label entries, then each key and value. */
    snapshot: unknown[];
    issues: ValidationIssue[];
    /** Sorted unique names. */
    known: string[];
    /** name -> its position in `known`, for per-object flags instead of per-object Sets. */
    index: Map<string, number>;
    /** Exclusion records seen for this list, by their reason codes (see {@link exclusionReasons}). */
    exclusions: Map<string, Record<string, string> | null>;
}
const clusterCache = new WeakMap<ClusterInfo[], ClusterFacts>();
const hasOwn = Object.prototype.hasOwnProperty;

/** Appends one cluster's entry of {@link ClusterFacts.snapshot}. */
function pushSnapshot(out: unknown[], c: ClusterInfo): void {
    const labels = c?.labels;
    out.push(c, c?.name, labels, 0);
    const at = out.length - 1;
    let n = 0;
    if (labels) for (const k in labels) if (hasOwn.call(labels, k)) { out.push(k, labels[k]); n++; }
    out[at] = n;
}

/** Whether `clusters` still matches `snapshot` entry by entry: walks each label map once, allocates nothing. */
function sameSnapshot(clusters: ClusterInfo[], snapshot: unknown[]): boolean {
    let j = 0;
    for (let i = 0; i < clusters.length; i++) {
        const c = clusters[i];
        const labels = c?.labels;
        if (j + 4 > snapshot.length || snapshot[j] !== c || snapshot[j + 1] !== c?.name || snapshot[j + 2] !== labels) return false;
        const n = snapshot[j + 3] as number;
        j += 4;
        let m = 0;
        if (labels) {
            for (const k in labels) {
                if (!hasOwn.call(labels, k)) continue;
                if (m >= n || snapshot[j + 2 * m] !== k || snapshot[j + 2 * m + 1] !== labels[k]) return false;
                m++;
            }
        }
        if (m !== n) return false;
        j += 2 * n;
    }
    return j === snapshot.length;
}

function clusterFacts(clusters: ClusterInfo[]): ClusterFacts {
    if (!Array.isArray(clusters)) return { snapshot: [], issues: validateClusters(clusters, "clusters"), known: [], index: new Map(), exclusions: new Map() };
    const hit = clusterCache.get(clusters);
    if (hit && sameSnapshot(clusters, hit.snapshot)) return hit;
    const snapshot: unknown[] = [];
    for (const c of clusters) pushSnapshot(snapshot, c);
    const known = Array.from(new Set(clusters.map(c => c?.name).filter((n): n is string => typeof n === "string"))).sort(compareStrings);
    // `known` is frozen: it is shared by every plan over this list, and the validators skip re-checking a frozen list.
    const facts = { snapshot, issues: validateClusters(clusters, "clusters"), known: Object.freeze(known) as string[], index: new Map(known.map((n, i) => [n, i])),
        exclusions: new Map() };
    clusterCache.set(clusters, facts);
    return facts;
}

/**
 * The problems of a cluster list (duplicate names, names that are not DNS-1123 labels, bad label keys/values), from
 * the same per-list memo every plan over that list uses: a caller that checks a list first and then plans with the
 * same array validates it once. Fields are `clusters[<index in this array>]...`.
 */
export function clusterListIssues(clusters: ClusterInfo[]): ValidationIssue[] {
    return clusterFacts(clusters).issues;
}

function countIssues(m: Record<string, number> | undefined, field: string): ValidationIssue[] {
    if (m === undefined || m === null) return [];
    if (!isPlainObject(m)) return [{ severity: "error", field, message: "must be a map of cluster name to a replica count" }];
    const out: ValidationIssue[] = [];
    for (const [k, v] of Object.entries(m)) {
        if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
            out.push({ severity: "error", field: `${field}["${k}"]`, message: `must be a non-negative integer, got ${String(v)}` });
        }
    }
    return out;
}

// Reason codes and texts: exclusions.ts (one table, read back by `exclusionCode`).
/** Bounds of the per-cluster-list memo of exclusion records: records kept (fewer for long lists, so records ×
 *  clusters stays under EXCLUSION_MEMO_CELLS), and the longest list memoised. */
const EXCLUSION_MEMO_RECORDS = 256, EXCLUSION_MEMO_CELLS = 1 << 18, EXCLUSION_MEMO_CLUSTERS = 4096;

/**
 * The reason each known cluster is not in `placed`: the first filter (docs/semantics.md#placement) that dropped it.
 * `own` is the object's own selection as the placement step computed it (undefined: every known cluster, as when
 * replica scheduling decides placement), `ns` the namespace placement's (undefined: not namespaced); reusing them
 * spares selecting the clusters a second time.
 *
 * Objects placed alike have the same record (one entry for most of the fleet), and building it key by key was the
 * largest self time in bench:core. The record is a function of the cluster list and one reason code per cluster,
 * so it is memoised on the list's facts by those codes (a record seen twice is kept) and handed out as a copy.
 */
function exclusionReasons(input: PlacementInput, facts: ClusterFacts, placed: string[], own: string[] | undefined,
                          ns: string[] | undefined, spreadExcluded?: Record<string, string>): Record<string, string> {
    const PLACED = 1, OWN = 2, NS = 4;
    const { known, index } = facts;
    const codes = new Uint8Array(known.length); // membership flags first, then reason codes
    const mark = (names: string[], bit: number) => {
        for (const n of names) {
            const i = index.get(n);
            if (i !== undefined) codes[i] |= bit;
        }
    };
    if (own) mark(own, OWN);
    else codes.fill(OWN);
    mark(placed, PLACED);
    if (ns) mark(ns, NS);
    const rs = input.replicaScheduling;
    const placement = input.placement;
    // Outside the object's own selection, the reason depends only on how the placement selects.
    const notOwn = rs ? 1 : placement?.clusters ? 2 : !placement?.clusterSelector ? 3 : 4;
    for (let i = 0; i < known.length; i++) {
        const f = codes[i];
        codes[i] = f & PLACED ? 0 : !(f & OWN) ? notOwn : ns && !(f & NS) ? NOT_IN_NAMESPACE : NOT_CHOSEN;
    }
    if (spreadExcluded || known.length > EXCLUSION_MEMO_CLUSTERS) return exclusionRecord(known, codes, spreadExcluded);
    const key = String.fromCharCode.apply(null, codes as unknown as number[]);
    const seen = facts.exclusions.get(key);
    if (seen) return { ...seen };
    const out = exclusionRecord(known, codes);
    if (seen === null) facts.exclusions.set(key, { ...out });
    else {
        if (facts.exclusions.size >= Math.min(EXCLUSION_MEMO_RECORDS, EXCLUSION_MEMO_CELLS / known.length)) facts.exclusions.clear();
        facts.exclusions.set(key, null);
    }
    return out;
}

/** The exclusion record for reason `codes` (one per known cluster), with the spread constraints' reasons where they left a cluster out. */
function exclusionRecord(known: readonly string[], codes: Uint8Array, spreadExcluded?: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < known.length; i++) {
        const code = codes[i];
        if (code === 0) continue;
        const c = known[i];
        out[c] = (code === NOT_CHOSEN ? ownEntry(spreadExcluded, c) : undefined) || EXCLUSION_REASONS[code];
    }
    return out;
}

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

/** The placement half of a decision, computed by {@link decidePlacement} for every kind. */
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
    /** See {@link FederatedObjectPlan.failover}. */
    failover?: { notReady: string[]; replicasIfReady: Record<string, number> };
    /** See {@link FederatedObjectPlan.spreadExcluded}. */
    spreadExcluded?: Record<string, string>;
    /** See {@link FederatedObjectPlan.spreadGroups}. */
    spreadGroups?: string[][];
    /** `"<field>: <message>"`, validation warnings first. */
    warnings: string[];
}

/** Problems of the placement inputs (clusters, placements, replica scheduling, observations). */
function placementIssues(input: PlacementInput, facts: ClusterFacts): ValidationIssue[] {
    const issues: ValidationIssue[] = [...facts.issues];
    const known = facts.known;
    issues.push(...validatePlacement(input.placement, known, "placement"));
    if (input.namespacePlacement !== undefined) issues.push(...validatePlacement(input.namespacePlacement, known, "namespacePlacement"));
    const rs = input.replicaScheduling;
    issues.push(...validateReplicaScheduling(rs, known, "replicaScheduling"));
    issues.push(...countIssues(input.currentReplicas, "currentReplicas"));
    issues.push(...countIssues(input.estimatedCapacity, "estimatedCapacity"));
    if (input.readiness !== undefined && input.readiness !== null
        && (!isPlainObject(input.readiness) || Object.values(input.readiness).some(v => typeof v !== "boolean"))) {
        issues.push({ severity: "error", field: "readiness", message: "must be a map of cluster name to true/false" });
    }
    if (rs && !rs.intersectWithClusterSelector && input.placement !== undefined && input.placement !== null
        && ((input.placement.clusters !== undefined && input.placement.clusters !== null)
            || (input.placement.clusterSelector !== undefined && input.placement.clusterSelector !== null))) {
        issues.push({ severity: "warning", field: "placement", message: "is ignored because replicaScheduling decides placement; set replicaScheduling.intersectWithClusterSelector to schedule only over the selector's clusters" });
    }
    return issues;
}

/**
 * Placement over validated inputs (docs/semantics.md#placement): selection, namespace intersection, spread
 * constraints, replica scheduling with failover, and why each other cluster is left out. `key` feeds the
 * planner's tie-break hash; `nowhere` ends the warning given when nothing is selected.
 */
function placeValidated(subject: string, input: PlacementInput, facts: ClusterFacts, key: string, warnings: string[],
                        nowhere: string): PlacementDecision & { own?: string[]; nsSelected?: string[] } {
    const clusters = input.clusters;
    const known = facts.known;
    const index = facts.index;
    const rs = input.replicaScheduling;
    const namespaced = input.namespacePlacement !== undefined;
    // Spread constraints narrow a candidate set; an unsatisfiable one fails the plan (at preview).
    const spread = input.placement?.spreadConstraints ?? undefined;
    let spreadExcluded: Record<string, string> | undefined;
    let spreadGroups: string[][] | undefined;
    const spreadOver = (candidates: string[]): string[] => {
        if (!spread || spread.length === 0) return candidates;
        const r = applySpreadConstraints(candidates, clusters, spread as SpreadConstraint[], "placement.spreadConstraints");
        if (r.error) assertValid(subject, [{ severity: "error", field: r.error.field, message: r.error.message }]);
        spreadExcluded = r.excluded;
        spreadGroups = r.groups;
        return r.clusters;
    };

    // Placement and replicas. Each selection is computed once, reused below and by the exclusion reasons; the
    // placements were validated above, so their selectors are not validated again.
    const own = rs && !rs.intersectWithClusterSelector ? undefined
        : selectValidatedClusters(input.placement, clusters, { selectorOnly: !!rs });
    const nsSelected = namespaced ? selectValidatedClusters(input.namespacePlacement, clusters) : undefined;
    let nsFlags: Uint8Array | undefined; // 1 per known cluster the namespace placement selects
    /** `names` (in their order) that the namespace placement selects too; all of them when not namespaced. */
    const inNamespace = (names: string[]): string[] => {
        if (!nsSelected) return names;
        if (!nsFlags) {
            nsFlags = new Uint8Array(known.length);
            for (const n of nsSelected) {
                const i = index.get(n);
                if (i !== undefined) nsFlags[i] = 1;
            }
        }
        const flags = nsFlags;
        return names.filter(n => {
            const i = index.get(n);
            return i !== undefined && flags[i] === 1;
        });
    };
    // Without replica scheduling `own` is the normal selection; with it, `own` ignores placement.clusters.
    const normalPlacement = () => inNamespace(own && !rs ? own : selectValidatedClusters(input.placement, clusters));
    let final: string[];
    let failover: FederatedObjectPlan["failover"];
    let replicas: Record<string, number> | undefined;
    let unplaced: number | undefined;
    let scheduled = false; // true when the RSP result drives /spec/replicas overrides
    if (rs) {
        let available = own ? inNamespace(own) : known; // own: the selector's clusters (intersectWithClusterSelector)
        if (spread && spread.length > 0) {
            // Spread over the clusters the object can actually land in: without intersectWithClusterSelector the
            // namespace placement still filters the result below, so it is applied first here.
            if (!rs.intersectWithClusterSelector) available = inNamespace(available);
            available = spreadOver(available);
        }
        if (rs.intersectWithClusterSelector && available.length === 0) {
            // KubeFed's scheduler leaves the object alone when the intersection is empty.
            final = normalPlacement();
            replicas = {};
            unplaced = rs.totalReplicas;
            warnings.push("replicaScheduling: the placement's clusterSelector (∩ the namespace placement) selects no cluster, so replicas are not scheduled and the template's own spec.replicas applies; fix the selector or turn intersectWithClusterSelector off");
        } else {
            const { plan, overflow, notReady, planIfReady } = planFailover({
                totalReplicas: rs.totalReplicas, rebalance: rs.rebalance, clusters: rs.clusters, availableClusters: available,
                currentReplicas: input.currentReplicas, estimatedCapacity: input.estimatedCapacity, key,
                readiness: rs.failover === false ? undefined : input.readiness ?? undefined,
            });
            // Every available cluster is in the plan, including those without a preference (plan 0): KubeFed's
            // scheduler writes them all into placement with a 0 override (replicascheduler.go `schedule`). The spec's
            // docs example "selector picks A,B,C; RSP lists C,D → placement C" does not match that code; we follow
            // the code.
            let placed = Object.keys(plan); // sorted by planReplicas
            if (!rs.intersectWithClusterSelector) placed = inNamespace(placed);
            final = placed;
            scheduled = true;
            replicas = {};
            let sum = 0;
            for (const c of final) {
                const n = plan[c] + (ownEntry(overflow, c) ?? 0);
                replicas[c] = n;
                sum += n;
            }
            unplaced = Math.max(0, rs.totalReplicas - sum);
            if (planIfReady) {
                const placedSet = new Set(final);
                const ifReady: Record<string, number> = {};
                for (const c of final) ifReady[c] = planIfReady[c];
                failover = { notReady: notReady.filter(c => placedSet.has(c)), replicasIfReady: ifReady };
                if (failover.notReady.length === 0) failover = undefined;
            }
            if (unplaced > 0 && !warnings.some(w => w.startsWith("replicaScheduling: only "))) {
                warnings.push(`replicaScheduling: ${unplaced} of ${rs.totalReplicas} replicas are not placed on the ${final.length} available cluster(s); add clusters, weights or raise maxReplicas`);
            }
        }
    } else {
        final = spreadOver(normalPlacement());
    }
    if (final.length === 0) {
        warnings.push(`placement: selects no cluster, so ${nowhere}; list clusters or use a clusterSelector ({} selects all)`);
    }
    const out: PlacementDecision & { own?: string[]; nsSelected?: string[] } = {
        clusters: final, scheduled, warnings, own, nsSelected,
        excluded: exclusionReasons(input, facts, final, own, nsSelected, spreadExcluded),
    };
    if (rs) { out.replicas = replicas; out.unplacedReplicas = unplaced; }
    if (failover) out.failover = failover;
    if (spreadExcluded) out.spreadExcluded = spreadExcluded;
    if (spreadGroups) out.spreadGroups = spreadGroups;
    return out;
}

/**
 * The override entries that apply to each placed cluster, in the order written: an entry names one cluster or
 * selects clusters by label. Clusters no entry targets are absent.
 */
function overrideEntries(overrides: ClusterOverride[] | undefined, clusters: ClusterInfo[], placed: string[]): Map<string, { entry: ClusterOverride; index: number }[]> {
    const out = new Map<string, { entry: ClusterOverride; index: number }[]>();
    if (!overrides || overrides.length === 0) return out;
    const isPlaced = new Set(placed);
    overrides.forEach((entry, index) => {
        const targets = entry.clusterSelector !== undefined && entry.clusterSelector !== null
            ? selectValidatedClusters({ clusterSelector: entry.clusterSelector }, clusters)
            : typeof entry.clusterName === "string" ? [entry.clusterName] : [];
        for (const c of targets) {
            if (!isPlaced.has(c)) continue;
            const l = out.get(c);
            if (l) l.push({ entry, index });
            else out.set(c, [{ entry, index }]);
        }
    });
    return out;
}

/**
 * The clusters an override list targets that matter to a decision: every cluster named (placed or not: an
 * override for an unplaced cluster is worth a warning and a policy), and the placed clusters a selector matches.
 */
export function overrideTargets(overrides: ClusterOverride[] | undefined, clusters: ClusterInfo[], placed: string[]): string[] {
    const out = new Set<string>();
    const isPlaced = new Set(placed);
    for (const o of overrides ?? []) {
        if (!o) continue;
        if (o.clusterSelector !== undefined && o.clusterSelector !== null) {
            for (const c of selectClusters({ clusterSelector: o.clusterSelector }, clusters)) if (isPlaced.has(c)) out.add(c);
        } else if (typeof o.clusterName === "string") out.add(o.clusterName);
    }
    return [...out].sort(compareStrings);
}

/** Sorted unique names of a cluster list (memoised with its validation). */
export function knownClusterNames(clusters: ClusterInfo[]): string[] {
    return clusterFacts(clusters).known;
}

/**
 * The one placement decision of every federated kind: validates the placement inputs together with the kind's own
 * `issues` (one {@link ValidationError} naming `subject` lists them all) and places the unit exactly as
 * {@link planFederatedObject} places an object. `key` (`<namespace>/<name>`) feeds the planner's tie-break hash.
 */
export function decidePlacement(subject: string, input: PlacementInput, o: { key: string; issues?: ValidationIssue[]; nowhere?: string }): PlacementDecision {
    const facts = clusterFacts(input.clusters);
    const warnings = assertValid(subject, [...(o.issues ?? []), ...placementIssues(input, facts)]).map(i => `${i.field}: ${i.message}`);
    const { own: _own, nsSelected: _ns, ...out } = placeValidated(subject, input, facts, o.key, warnings, o.nowhere ?? "the unit is deployed nowhere");
    return out;
}

/**
 * Plans one federated object: validates every input (throwing one {@link ValidationError}, subject
 * `"<kind> <ns>/<name>"`, listing all errors), computes the final placement, the replica split when
 * `replicaScheduling` is set, and each placed cluster's desired object. Overrides are applied per cluster; a
 * failing override throws an {@link OverrideError} whose message names the object, the cluster and the path.
 */
export function planFederatedObject(input: FederatedObjectInput): FederatedObjectPlan {
    const t = input?.template;
    if (!isPlainObject(t)) {
        throw new ValidationError("<unknown object>", [{ severity: "error", field: "template", message: "is required: a Kubernetes object with apiVersion, kind and metadata.name" }]);
    }
    const issues: ValidationIssue[] = [];
    const error = (field: string, message: string) => issues.push({ severity: "error", field, message });
    const warning = (field: string, message: string) => issues.push({ severity: "warning", field, message });

    const kind = typeof t.kind === "string" ? t.kind : "";
    const meta = isPlainObject(t.metadata) ? t.metadata : undefined;
    const name = typeof meta?.name === "string" ? meta.name : "";
    const ns = typeof meta?.namespace === "string" ? meta.namespace : "";
    const subject = `${kind || "<no kind>"} ${ns ? `${ns}/` : ""}${name || "<no name>"}`;
    const namespaced = input.namespacePlacement !== undefined;

    if (typeof t.apiVersion !== "string" || t.apiVersion === "") error("template.apiVersion", `must be a non-empty string such as "apps/v1"`);
    if (!kind) error("template.kind", `must be a non-empty string such as "Deployment"`);
    if (!meta) error("template.metadata", "must be an object with at least a name");
    else if (!name) error("template.metadata.name", "must be set: member objects keep the template's name");
    if (namespaced && !ns) error("template.metadata.namespace", "must be set: the object lives in a federated namespace");
    if (meta && meta.finalizers !== undefined && meta.finalizers !== null && !(Array.isArray(meta.finalizers) && meta.finalizers.length === 0)) {
        warning("template.metadata.finalizers", "cannot be set via the template (as in KubeFed) and are dropped; add finalizers in the member clusters instead");
    }

    const facts = clusterFacts(input.clusters);
    const known = facts.known;
    const index = facts.index;
    issues.push(...placementIssues(input, facts));
    const rs = input.replicaScheduling;
    issues.push(...validateOverrides(input.overrides, known, "overrides", { replicaScheduling: !!rs }));
    if (meta) issues.push(...objectIdentityIssues(t, "template.metadata"));
    const rp = isPlainObject(t.spec) ? replicasProblem(t.spec.replicas) : undefined;
    if (rp) error("template.spec.replicas", `${rp}; fix the template (or leave spec.replicas out)`);
    if (input.labels !== undefined && input.labels !== null) {
        if (!isPlainObject(input.labels)) error("labels", "must be a map of label key to string value");
        else for (const [k, v] of Object.entries(input.labels)) {
            const kp = labelKeyProblem(k);
            if (kp) error(`labels["${k}"]`, `${kp}; fix the key`);
            const vp = labelValueProblem(v);
            if (vp) error(`labels["${k}"]`, `${vp}; fix the value`);
            if (k === MANAGED_LABEL) warning(`labels["${k}"]`, `is always set to "true" on member objects; remove it`);
        }
    }
    const warnings = assertValid(subject, issues).map(i => `${i.field}: ${i.message}`);
    const placedBy = placeValidated(subject, input, facts, ns ? `${ns}/${name}` : name, warnings, "the object is deployed nowhere");
    const { clusters: final, replicas, unplacedReplicas: unplaced, failover, spreadExcluded, spreadGroups } = placedBy;
    const scheduled = placedBy.scheduled;

    (input.overrides ?? []).forEach((o, i) => {
        if (o && (o.clusterSelector === undefined || o.clusterSelector === null) && typeof o.clusterName === "string"
            && index.has(o.clusterName) && !final.includes(o.clusterName)) {
            warnings.push(`overrides[${i}].clusterName: cluster "${o.clusterName}" is not placed (placed: ${final.join(", ") || "none"}), so these overrides have no effect; remove them or add the cluster to the placement`);
        }
    });

    // Desired objects (docs/semantics.md#desired-object).
    const base = jsonClone(t);
    // Fields the API server sets (a template copied from a live object) are never sent, as kubefedctl federate does.
    for (const f of stripServerSetFields(base)) {
        warnings.push(`template.${f}: is set by the API server and was removed from the template; delete it from your template`);
    }
    if (base.apiVersion === "/v1") base.apiVersion = "v1"; // deliberate: emit the core group as "v1", never "/v1"
    const baseMeta = base.metadata as Record<string, unknown>;
    delete baseMeta.finalizers; // KubeFed: FinalizersNotSupported. Annotations are deliberately kept.
    deepFreeze(base);

    // Each placed cluster's entries, in the order written: by name, or every entry whose selector matches it.
    const entries = overrideEntries(input.overrides, input.clusters, final);
    const extraLabels = input.labels ?? {};

    const objects: Record<string, Record<string, unknown>> = {};
    const overridesApplied: Record<string, string[]> = {};
    for (const c of final) {
        const mine = entries.get(c);
        // Own root, metadata, labels and annotations; everything else is shared with the other clusters (frozen)
        // until an override touches it (copy-on-write in applyPatch).
        let obj: Record<string, unknown> = { ...base, metadata: ownMetadata(baseMeta) };
        let ops: OverrideOperation[] = [];
        try {
            if (mine) {
                for (const { entry, index: i } of mine) {
                    // Image overrides resolve against the object as it stands, then the entry's own patch applies.
                    let images: OverrideOperation[];
                    try {
                        images = imageOverrideOps(obj, entry.imageOverrides ?? []);
                    } catch (e) {
                        throw new ValidationError(subject, [{ severity: "error", field: `overrides[${i}].imageOverrides`, message: `${(e as Error).message} (cluster "${c}")` }]);
                    }
                    const step = images.length > 0 ? [...images, ...(entry.clusterOverrides ?? [])] : entry.clusterOverrides ?? [];
                    if (step.length === 0) continue;
                    obj = applyPatch(obj, step, true, c);
                    ops = ops.length === 0 ? step : [...ops, ...step];
                }
            }
            // docs/semantics.md#writing-the-result: the scheduler's /spec/replicas override (op absent = replace) comes
            // last. A user override of /spec/replicas was refused above: the scheduler owns that field.
            if (scheduled && replicas) {
                const r: OverrideOperation = { path: "/spec/replicas", value: replicas[c] };
                obj = applyPatch(obj, [r], true, c);
                ops = [...ops, r];
            }
        } catch (e) {
            if (e instanceof OverrideError) e.message = `${subject}: ${e.message}`;
            throw e;
        }
        const rawMd = obj.metadata ?? {};
        if (!isPlainObject(rawMd)) throw new OverrideError(`${subject}: overrides for cluster "${c}": /metadata is not an object after the overrides`, "/metadata", -1, c);
        const md: Record<string, unknown> = Object.isFrozen(rawMd) ? { ...rawMd } : rawMd;
        obj.metadata = md;
        const labels: unknown = md.labels ?? {};
        if (!isPlainObject(labels)) throw new OverrideError(`${subject}: overrides for cluster "${c}": /metadata/labels is not an object after the overrides`, "/metadata/labels", -1, c);
        const own: Record<string, unknown> = Object.isFrozen(labels) ? { ...(labels as Record<string, unknown>) } : labels as Record<string, unknown>;
        for (const k in extraLabels) own[k] = extraLabels[k];
        own[MANAGED_LABEL] = "true";
        md.labels = own;
        // Labels and annotations added by overrides are checked like the template's (only user overrides can
        // change them: the template and the extra labels were checked above, which keeps big plans cheap).
        const userCount = ops.length - (scheduled && replicas ? 1 : 0);
        if (userCount > 0) {
            if (ops.some(o => typeof o.path === "string" && o.path.startsWith("/metadata"))) {
                const mdIssues = metadataMapIssues(md, `overrides for cluster "${c}": metadata`).filter(i => i.severity === "error");
                if (mdIssues.length > 0) throw new ValidationError(subject, mdIssues);
            }
            for (const f of stripServerSetFields(obj)) {
                warnings.push(`overrides for cluster "${c}": ${f} is set by the API server and was removed; remove that override`);
            }
        }
        objects[c] = obj;
        // Recorded in canonical form (index aliases such as +0 or -1 resolved against the template), so policies
        // compare what is actually changed.
        overridesApplied[c] = userCount > 0 ? ops.map(o => canonicalPointer(o.path, base)) : ops.map(o => o.path);
    }

    const out: FederatedObjectPlan = { clusters: final, objects, overridesApplied, excluded: placedBy.excluded, warnings };
    if (failover) out.failover = failover;
    if (spreadExcluded) out.spreadExcluded = spreadExcluded;
    if (spreadGroups) out.spreadGroups = spreadGroups;
    if (rs) {
        out.replicas = replicas;
        out.unplacedReplicas = unplaced;
        // Judged on the replicas each cluster is sent (scheduled, else the template's when nothing was scheduled), as
        // the recorded decision shows them. They are only read to describe unplaced replicas, so only built then.
        let sent: Record<string, number> | undefined;
        if (unplaced !== 0) {
            sent = {};
            for (const c of final) {
                const r = ownEntry(replicas, c) ?? (objects[c].spec as { replicas?: unknown } | undefined)?.replicas;
                if (typeof r === "number") sent[c] = r;
            }
        }
        out.feasibility = replicaFeasibility(rs, final, { replicas: sent, unplaced, failover, key: ns ? `${ns}/${name}` : name });
    }
    return out;
}
