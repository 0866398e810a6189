/**
 * Replica-scheduling feasibility: whether a spec's minimums, maximums and weights can hold its totalReplicas over
 * a set of clusters, and what a plan left unplaced. Computed here only: the validator (over the known clusters),
 * the decision (over the placed clusters) and the policy pack (which maps the problems to violations) all call it.
 */
import type { ClusterPreference, DecisionSummary, FeasibilityProblem, ReplicaCapacity, ReplicaFeasibility, ReplicaSchedulingSpec } from "./types";
import { FailoverScheduleInput, effectivePreferences, scheduleFailover, preferenceIn } from "./scheduler";
import { isSortedUnique, sortedUnique } from "./placement";
import { failoverMoves, placedClusters, replicasOf } from "./summary";

/** The {@link ReplicaCapacity} of `spec` over `clusters`. */
export function replicaCapacity(spec: Pick<ReplicaSchedulingSpec, "clusters">, clusters: string[]): ReplicaCapacity {
    return capacityOf(spec, clusters, true);
}

/**
 * The sums of {@link replicaCapacity} over the clusters in `known` (`minimums` and `maximums` left empty), from
 * the preference entries rather than cluster by cluster: the validator checks every object's spec against every
 * known cluster, and all the clusters without an entry of their own share `"*"`. With integer preferences (always
 * so after validation) the sums are exact in any order; otherwise this sums cluster by cluster as replicaCapacity.
 */
export function replicaCapacitySums(spec: Pick<ReplicaSchedulingSpec, "clusters">, known: ReadonlySet<string>): ReplicaCapacity {
    const out: ReplicaCapacity = { participating: 0, sumMin: 0, minimums: {}, bounded: true, sumMax: 0, maximums: {}, placeable: 0, anyWeight: false };
    const effective = effectivePreferences(spec.clusters);
    let named = 0;
    // Every own key, enumerable or not: preferenceIn sees them all.
    for (const k of Object.getOwnPropertyNames(effective)) {
        const p = effective[k];
        if (!isIntegerPreference(p)) return capacityOf(spec, [...known], false);
        if (k !== "*" && known.has(k)) {
            addPreference(out, p, 1);
            named++;
        }
    }
    const star = preferenceIn(effective, "*");
    if (star && known.size > named) addPreference(out, star, known.size - named);
    return out;
}

/** Absent, or a whole number small enough that sums of any order are exact (the validator's bound). */
const isCount = (v: unknown) => v === undefined || v === null || (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff);
/** A preference whose summed fields (minReplicas, maxReplicas) are counts; weight is only compared, never summed. */
function isIntegerPreference(p: unknown): p is ClusterPreference {
    if (p === null || typeof p !== "object") return false;
    const q = p as ClusterPreference;
    return isCount(q.minReplicas) && isCount(q.maxReplicas);
}

/** Adds `n` participating clusters that plan with `p` to the sums (as the per-cluster loop does, n times). */
function addPreference(out: ReplicaCapacity, p: ClusterPreference, n: number): void {
    const min = p.minReplicas ?? 0;
    out.participating += n;
    out.sumMin += min * n;
    if (p.maxReplicas === undefined || p.maxReplicas === null) out.bounded = false;
    else out.sumMax += p.maxReplicas * n;
    if ((p.weight ?? 0) > 0) {
        out.anyWeight = true;
        out.placeable += (p.maxReplicas ?? Infinity) * n;
    } else {
        out.placeable += min * n;
    }
}

function capacityOf(spec: Pick<ReplicaSchedulingSpec, "clusters">, clusters: string[], perCluster: boolean): ReplicaCapacity {
    const out: ReplicaCapacity = { participating: 0, sumMin: 0, minimums: {}, bounded: true, sumMax: 0, maximums: {}, placeable: 0, anyWeight: false };
    const effective = effectivePreferences(spec.clusters);
    const names = isSortedUnique(clusters) ? clusters : sortedUnique(clusters); // only read: no copy needed
    for (const c of names) {
        const p = preferenceIn(effective, c);
        if (!p) continue;
        out.participating++;
        const min = p.minReplicas ?? 0;
        out.sumMin += min;
        if (min > 0 && perCluster) out.minimums[c] = min;
        if (p.maxReplicas === undefined || p.maxReplicas === null) out.bounded = false;
        else {
            out.sumMax += p.maxReplicas;
            if (perCluster) out.maximums[c] = p.maxReplicas;
        }
        if ((p.weight ?? 0) > 0) {
            out.anyWeight = true;
            out.placeable += p.maxReplicas ?? Infinity;
        } else {
            out.placeable += min;
        }
    }
    return out;
}

const entries = (m: Record<string, number>) => Object.keys(m).map(c => `${c}=${m[c]}`);

/**
 * Feasibility of `spec` over the `placed` clusters, given what the plan did (`replicas` per placed cluster and
 * `unplaced`). When `unplaced` is not known (a decision recorded without it), the plan is computed again with the
 * planner: nothing running, the members failover found not ready still not ready.
 */
export function replicaFeasibility(spec: ReplicaSchedulingSpec, placed: string[], o: {
    replicas?: Record<string, number>; unplaced?: number; failover?: DecisionSummary["failover"]; key?: string; field?: string;
} = {}): ReplicaFeasibility {
    const field = o.field ?? "replicaScheduling";
    const total = spec.totalReplicas;
    const cap = replicaCapacity(spec, placed);
    const problems: FeasibilityProblem[] = [];
    if (cap.sumMin > total) {
        problems.push({ kind: "minimums", field: `${field}.clusters`,
            message: `the minReplicas of the placed clusters add up to ${cap.sumMin} (${entries(cap.minimums).join(", ")}), more than ` +
                `totalReplicas ${total}; clusters late in the planner's order get less than their minimum. ` +
                `Lower minReplicas or raise totalReplicas to at least ${cap.sumMin}.` });
    }
    const overMax = cap.bounded && total > cap.sumMax;
    if (overMax) {
        problems.push({ kind: "maximums", field: `${field}.totalReplicas`,
            message: `totalReplicas ${total} exceeds the sum of maxReplicas of the placed clusters ` +
                `(${cap.sumMax}: ${entries(cap.maximums).join(", ") || "no cluster has a preference"}); ${total - cap.sumMax} replicas can never run. ` +
                `Raise maxReplicas, place the workload in more clusters, or lower totalReplicas to ${cap.sumMax}.` });
    }
    let unplaced = o.unplaced;
    if (unplaced === undefined || unplaced === null) {
        const input: FailoverScheduleInput = {
            totalReplicas: total, clusters: spec.clusters, availableClusters: placed, rebalance: true, key: o.key,
            readiness: spec.failover === false ? undefined : Object.fromEntries((o.failover?.notReady ?? []).map(c => [c, false])),
        };
        const { plan } = scheduleFailover(input);
        unplaced = total - Object.values(plan).reduce((s, n) => s + n, 0);
    }
    if (unplaced > 0 && !overMax) {
        const got = entries(o.replicas ?? {}).join(", ");
        const moves = o.failover ? failoverMoves({ failover: o.failover, placed: Object.fromEntries(Object.entries(o.replicas ?? {}).map(([c, n]) => [c, { replicas: n, overrides: [], images: [] }])) }) : [];
        problems.push({ kind: "unplaced", field,
            message: `the replica plan leaves ${unplaced} of ${total} replicas unplaced${got ? ` (planned: ${got})` : ""}; ` +
                `KubeFed would drop them silently. Give a placed cluster a weight above 0 or a higher maxReplicas, add clusters, ` +
                `or lower totalReplicas.` + moves.map(m => ` Failover: ${m}; the replicas move back when the member is ready again.`).join("") });
    }
    return { totalReplicas: total, capacity: cap, unplaced, problems };
}

/** Feasibility of a recorded decision's replica scheduling (undefined without one): what the policy pack judges. */
export function decisionFeasibility(d: DecisionSummary): ReplicaFeasibility | undefined {
    if (!d.replicaScheduling) return undefined;
    return replicaFeasibility(d.replicaScheduling, placedClusters(d), {
        replicas: replicasOf(d), unplaced: d.unplacedReplicas, failover: d.failover,
        key: d.namespace ? `${d.namespace}/${d.name}` : d.name,
    });
}
