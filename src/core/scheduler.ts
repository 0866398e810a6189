/**
 * KubeFed's replica planner (docs/semantics.md#replica-algorithm, `pkg/controller/util/planner/planner.go`), re-stated in TypeScript.
 */
import type { ClusterPreference } from "./types";
import { ValidationError } from "./errors";
import { compareStrings, sortedUnique } from "./placement";

/**
 * The preference a cluster plans with (docs/semantics.md#replica-algorithm step 1): its own entry, else `"*"`,
 * else none (the cluster gets 0 and takes no further part). Absent or empty preferences mean `{"*": {weight: 1}}`.
 * The planner, the validator and the feasibility check all look preferences up here.
 */
export function preferenceFor(prefs: Record<string, ClusterPreference> | undefined | null, cluster: string): ClusterPreference | undefined {
    return preferenceIn(effectivePreferences(prefs), cluster);
}

const DEFAULT_PREFERENCES: Record<string, ClusterPreference> = Object.freeze({ "*": Object.freeze({ weight: 1 }) }) as Record<string, ClusterPreference>;
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** `prefs`, or the default `{"*": {weight: 1}}` when absent or empty. Resolve once, then look clusters up with
 *  {@link preferenceIn}: callers that look up every cluster of a fleet avoid re-checking emptiness each time. */
export function effectivePreferences(prefs: Record<string, ClusterPreference> | undefined | null): Record<string, ClusterPreference> {
    if (prefs) for (const k in prefs) if (hasOwn(prefs, k)) return prefs; // an own enumerable key: not empty
    return DEFAULT_PREFERENCES;
}

/** {@link preferenceFor} over preferences already resolved by {@link effectivePreferences}. */
export function preferenceIn(effective: Record<string, ClusterPreference>, cluster: string): ClusterPreference | undefined {
    return hasOwn(effective, cluster) ? effective[cluster] : hasOwn(effective, "*") ? effective["*"] : undefined;
}

/** Input of {@link scheduleReplicas}. */
export interface ReplicaScheduleInput {
    /** Replicas to distribute. */
    totalReplicas: number;
    /** false (default): clusters keep replicas they currently run when possible (docs/semantics.md#replica-algorithm step 4). */
    rebalance?: boolean;
    /** Preferences by cluster name or "*"; absent or empty means `{"*": {weight: 1}}` (docs/semantics.md#planner-input). */
    clusters?: Record<string, ClusterPreference>;
    /** The clusters that may receive replicas (order is irrelevant; duplicates are ignored). */
    availableClusters: string[];
    /** Replicas currently running per cluster (docs/semantics.md#current-replicas-and-capacity), when known. */
    currentReplicas?: Record<string, number>;
    /** Replicas each cluster can run (docs/semantics.md#current-replicas-and-capacity), when known. */
    estimatedCapacity?: Record<string, number>;
    /** `"<namespace>/<name>"` of the workload (just the name when cluster-scoped); feeds the tie-break hash. */
    key?: string;
}

/** Output of {@link scheduleReplicas}; both records have their keys in sorted cluster-name order. */
export interface ReplicaSchedule {
    /** Replicas per available cluster (every available cluster is present, possibly with 0). */
    plan: Record<string, number>;
    /** Extra replicas that would be nice in a capacity-limited cluster (docs/semantics.md#replica-algorithm step 5/6); only positive entries. */
    overflow: Record<string, number>;
}

const FNV_OFFSET_32 = 0x811c9dc5; // 2166136261
const FNV_PRIME_32 = 0x01000193; // 16777619

/**
 * FNV-1 (not 1a) 32-bit hash of the UTF-8 bytes of `s`: per byte, multiply then XOR — Go's `hash/fnv.New32`.
 * Encodes UTF-8 by hand to avoid allocating a Buffer per call (the planner hashes every cluster of every object).
 */
export function fnv1_32(s: string): number {
    return fnv1Update(FNV_OFFSET_32, s) >>> 0;
}

/** FNV-1 of `name + key` without building the concatenated string (the planner hashes every cluster of every
 *  object). Hashing is byte by byte, so this equals `fnv1_32(name + key)` unless a surrogate pair spans the
 *  two strings: then the concatenation is hashed. */
function fnv1NameKey(name: string, key: string): number {
    const last = name.charCodeAt(name.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) return fnv1_32(name + key);
    return fnv1Update(fnv1Update(FNV_OFFSET_32, name), key) >>> 0;
}

/** The FNV-1 state `h` after the UTF-8 bytes of `s` (not yet made unsigned). */
function fnv1Update(h: number, s: string): number {
    for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) {
            h = Math.imul(h, FNV_PRIME_32) ^ c;
            continue;
        }
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
            const d = s.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) {
                c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
                i++;
            }
        }
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate: Go writes U+FFFD
        const bytes = c < 0x800 ? [0xc0 | (c >> 6), 0x80 | (c & 0x3f)]
            : c < 0x10000 ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
                : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
        for (const b of bytes) h = Math.imul(h, FNV_PRIME_32) ^ b;
    }
    return h;
}

/** ceil(a * b / c) for non-negative integers, exact even when a * b exceeds 2^53 (weights are int64 in KubeFed). */
function ceilMulDiv(a: number, b: number, c: number): number {
    const p = a * b;
    // For a safe-integer p the correctly rounded p / c cannot hide a fractional part (it is at least 1/c).
    if (Number.isSafeInteger(p)) return Math.ceil(p / c);
    return Number((BigInt(a) * BigInt(b) + BigInt(c) - 1n) / BigInt(c));
}

/** Throws unless `v` is a count; the field is `what`, followed by `"<cluster>"` when given (the name is only put
 *  into the message on failure: the planner checks every cluster of every object). */
function checkCount(v: unknown, what: string, cluster?: string): void {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
        const field = cluster === undefined ? what : `${what} "${cluster}"`;
        throw new ValidationError("replica plan", [{ severity: "error", field, message: `must be a non-negative integer, got ${String(v)}; pass a whole number of replicas` }]);
    }
}

/** A participating cluster and its running state in the planner (fields instead of per-name Maps: the planner
 *  runs for every federated object, and the Maps were a large share of bench:core's allocations). */
interface Pref {
    name: string;
    hash: number;
    min: number;
    max: number | undefined;
    weight: number;
    /** Replicas planned so far. */
    planned: number;
    /** Step 4's preallocation not yet consumed by the weighted rounds. */
    pre: number;
    /** Replicas beyond the capacity (step 5), when capped by it. */
    overflow: number | undefined;
}

function lookup(m: Record<string, number> | undefined, k: string): number | undefined {
    return m !== undefined && Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined;
}

/**
 * KubeFed's planner exactly (docs/semantics.md#replica-algorithm), including the FNV-1 (not 1a) tie-break over clusterName + key:
 * 1. each available cluster takes its own preference, else "*", else gets 0 and takes no further part;
 * 2. order by weight descending, then hash ascending;
 * 3. minimums in that order (capped by what remains and by capacity);
 * 4. without rebalance, clusters keep current replicas above their minimum (capped by max, capacity, remaining);
 * 5. weighted rounds with rounding up, caps by max/capacity (capacity excess recorded as overflow), consuming
 *    the replicas preallocated in step 4 first, until nothing remains or nothing changes;
 * 6. without rebalance, overflow is trimmed to the replicas left unplaced.
 * Unplaceable replicas are dropped silently (sum(plan) may be below totalReplicas).
 * Throws a RangeError for negative or non-integer counts (KubeFed's API validation would refuse them).
 */
export function scheduleReplicas(input: ReplicaScheduleInput): ReplicaSchedule {
    checkCount(input.totalReplicas, "totalReplicas");
    const key = input.key ?? "";
    const capacity = input.estimatedCapacity;
    const current = input.currentReplicas;
    for (const m of [capacity, current]) {
        if (m) for (const k of Object.keys(m)) checkCount(m[k], "replicas for cluster", k);
    }

    const available = sortedUnique(input.availableClusters);
    const effective = effectivePreferences(input.clusters);
    // Parallel to `available`: the cluster's planner state, undefined when it has no preference (it gets 0).
    const byIndex: (Pref | undefined)[] = new Array(available.length);

    let prefs: Pref[] = [];
    for (let i = 0; i < available.length; i++) {
        const name = available[i];
        const p = preferenceIn(effective, name);
        if (!p) continue;
        const min = p.minReplicas ?? 0, weight = p.weight ?? 0, max = p.maxReplicas ?? undefined;
        checkCount(min, "minReplicas of", name);
        checkCount(weight, "weight of", name);
        if (max !== undefined) checkCount(max, "maxReplicas of", name);
        const pref: Pref = { name, hash: fnv1NameKey(name, key), min, max, weight, planned: 0, pre: 0, overflow: undefined };
        byIndex[i] = pref;
        prefs.push(pref);
    }
    // Input order is irrelevant: (weight, hash) is a total order unless two names collide in FNV-1, where the
    // name breaks the tie so the result stays deterministic.
    prefs.sort((a, b) => b.weight - a.weight || a.hash - b.hash || compareStrings(a.name, b.name));

    let remaining = input.totalReplicas;

    // Step 3: minimums.
    for (const p of prefs) {
        let m = Math.min(p.min, remaining);
        const cap = lookup(capacity, p.name);
        if (cap !== undefined) m = Math.min(m, cap);
        remaining -= m;
        p.planned = m;
    }

    // Step 4: keep what is running when not rebalancing.
    if (!input.rebalance) {
        for (const p of prefs) {
            const planned = p.planned;
            const count = lookup(current, p.name);
            if (count !== undefined && count > planned) {
                let target = count;
                if (p.max !== undefined) target = Math.min(p.max, target);
                const cap = lookup(capacity, p.name);
                if (cap !== undefined) target = Math.min(cap, target);
                const extra = Math.max(0, Math.min(target - planned, remaining));
                remaining -= extra;
                p.pre = extra;
                p.planned = planned + extra;
            }
        }
    }

    // Step 5: weighted rounds.
    let modified = true;
    while (modified && remaining > 0) {
        modified = false;
        let weightSum = 0;
        for (const p of prefs) weightSum += p.weight;
        if (weightSum <= 0) break;
        const next: Pref[] = [];
        const distribute = remaining;
        for (const p of prefs) {
            const start = p.planned;
            let extra = Math.min(ceilMulDiv(distribute, p.weight, weightSum), remaining);
            const pre = p.pre;
            const used = Math.min(extra, pre);
            p.pre = pre - used;
            extra -= used;
            if (used > 0) modified = true;

            let total = start + extra;
            let full = false;
            if (p.max !== undefined && total > p.max) {
                total = p.max;
                full = true;
            }
            const cap = lookup(capacity, p.name);
            if (cap !== undefined && total > cap) {
                p.overflow = total - cap;
                total = cap;
                full = true;
            }
            if (!full) next.push(p);
            remaining -= total - start;
            p.planned = total;
            if (total > start) modified = true;
        }
        prefs = next;
    }

    // Step 6.
    const planOut: Record<string, number> = {};
    for (let i = 0; i < available.length; i++) planOut[available[i]] = byIndex[i]?.planned ?? 0;
    const overflowOut: Record<string, number> = {};
    for (let i = 0; i < available.length; i++) {
        let v = byIndex[i]?.overflow;
        if (v === undefined) continue;
        if (!input.rebalance) v = Math.min(v, remaining);
        if (v > 0) overflowOut[available[i]] = v;
    }
    return { plan: planOut, overflow: overflowOut };
}

/** Input of {@link scheduleFailover}: a plan input plus what was observed about each member's readiness. */
export interface FailoverScheduleInput extends ReplicaScheduleInput {
    /** Readiness per cluster as observed while the program ran; a cluster without an entry counts as ready
     *  (unknown, e.g. its kubeconfig is not known yet in preview). */
    readiness?: Record<string, boolean>;
}

/** Output of {@link scheduleFailover}. */
export interface FailoverSchedule extends ReplicaSchedule {
    /** Available clusters observed not ready, sorted: they are in `plan` with 0 and never in `overflow`. */
    notReady: string[];
    /** The plan had every available cluster been ready (only when some is not): the difference is what moved. */
    planIfReady?: Record<string, number>;
}

/**
 * KubeFed's failover (its scheduler plans over ready clusters only): the planner runs over the ready available
 * clusters; not-ready ones get 0 and their current replicas are not kept (docs/semantics.md#replica-algorithm, step 4 keeps only what runs on
 * ready clusters). Deterministic for the same observations. With nobody not ready it is exactly {@link scheduleReplicas}.
 */
export function scheduleFailover(input: FailoverScheduleInput): FailoverSchedule {
    // No observations (the common case at preview): nothing to filter, and no need to sort the clusters here too.
    if (input.readiness === undefined || input.readiness === null) return { ...scheduleReplicas(input), notReady: [] };
    const readiness = input.readiness;
    const available = sortedUnique(input.availableClusters);
    const notReady = available.filter(c => readiness[c] === false);
    if (notReady.length === 0) return { ...scheduleReplicas(input), notReady };
    const down = new Set(notReady);
    const drop = (m: Record<string, number> | undefined) =>
        m === undefined ? undefined : Object.fromEntries(Object.entries(m).filter(([k]) => !down.has(k)));
    const ready = scheduleReplicas({
        ...input, availableClusters: available.filter(c => !down.has(c)),
        currentReplicas: drop(input.currentReplicas), estimatedCapacity: drop(input.estimatedCapacity),
    });
    const plan: Record<string, number> = {};
    for (const c of available) plan[c] = down.has(c) ? 0 : ready.plan[c];
    return { plan, overflow: ready.overflow, notReady, planIfReady: scheduleReplicas(input).plan };
}
