/**
 * Current replicas and capacity of a workload in one member (docs/semantics.md#current-replicas-and-capacity):
 * KubeFed's pod analyzer over the pods of its selector. Pure logic; reading them is replicas.ts.
 */
import { finiteNumber as num, mapping } from "./json";

/** Pod counts of KubeFed's pod analyzer. */
export interface PodAnalysis {
    /** Pods in phase Running that have a `Ready` condition (any status counts, as in KubeFed). */
    runningAndReady: number;
    /** Non-running pods with `PodScheduled=False, reason=Unschedulable` for more than 60 s. */
    unschedulable: number;
    /** Same, but for 60 s or less (KubeFed re-checks later). */
    recentlyUnschedulable: number;
}

/** KubeFed's `podanalyzer.AnalyzePods` (`now` in ms since the epoch). */
export function analysePods(pods: unknown[], now: number): PodAnalysis {
    const out: PodAnalysis = { runningAndReady: 0, unschedulable: 0, recentlyUnschedulable: 0 };
    for (const pod of pods ?? []) {
        const status = mapping(mapping(pod).status);
        const conds = Array.isArray(status.conditions) ? status.conditions.map(mapping) : [];
        if (status.phase === "Running") {
            if (conds.some((c) => c.type === "Ready")) out.runningAndReady++;
            continue;
        }
        for (const c of conds) {
            if (c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable") {
                const t = Date.parse(String(c.lastTransitionTime ?? ""));
                if (Number.isFinite(t) && t + 60_000 < now) out.unschedulable++;
                else out.recentlyUnschedulable++;
                break;
            }
        }
    }
    return out;
}

/** `spec.selector.matchLabels` rendered as a `labelSelector` query value, or `undefined` when missing/empty. */
export function matchLabelsSelector(obj: Record<string, unknown>): string | undefined {
    const ml = mapping(mapping(mapping(obj?.spec).selector).matchLabels);
    if (Object.keys(ml).length === 0) return undefined;
    return Object.keys(ml).sort().map((k) => `${k}=${String(ml[k])}`).join(",");
}

/** Whether docs/semantics.md#current-replicas-and-capacity needs the pods: `spec.replicas` (missing → 0) differs from `status.readyReplicas` (missing → 0). */
export function needsPodAnalysis(obj: Record<string, unknown>): boolean {
    return (num(mapping(obj?.spec).replicas) ?? 0) !== (num(mapping(obj?.status).readyReplicas) ?? 0);
}

/**
 * docs/semantics.md#current-replicas-and-capacity for one cluster: `current` = readyReplicas when it equals spec.replicas, else the running-and-ready pods;
 * `capacity` = replicas − unschedulable, only when some pods have been unschedulable for more than 60 s.
 * `pods` is required when {@link needsPodAnalysis} is true.
 */
export function replicaObservation(obj: Record<string, unknown>, pods: unknown[] | undefined, now: number): { current: number; capacity?: number } {
    const replicas = num(mapping(obj?.spec).replicas) ?? 0;
    const ready = num(mapping(obj?.status).readyReplicas) ?? 0;
    if (replicas === ready) return { current: ready };
    const a = analysePods(pods ?? [], now);
    const out: { current: number; capacity?: number } = { current: a.runningAndReady };
    if (a.unschedulable > 0) out.capacity = replicas - a.unschedulable;
    return out;
}
