/**
 * Program-time reads of the members for ReplicaSchedulingPreference rebalancing: `observeReplicas` runs while the
 * program runs (the reading itself is src/member/replicas.ts), and `resolveInput` awaits an Input in memory.
 */
import * as pulumi from "@pulumi/pulumi";
import { ReplicaObservationTarget, readReplicas, safeReason } from "../member/replicas";

export type { ReplicaObservationTarget };

/** A member cluster as {@link observeReplicas} needs it (structurally compatible with `MemberCluster`). */
export interface ReplicaObservationMember {
    clusterName: string;
    kubeconfig: pulumi.Input<string>;
    context?: pulumi.Input<string>;
}

/** Result of {@link observeReplicas}: maps keyed by cluster name (sorted). */
export interface MeasuredReplicas {
    /** KubeFed's `currentReplicas`: ready replicas, or running-and-ready pods while they differ from spec.replicas. */
    currentReplicas: Record<string, number>;
    /** KubeFed's `estimatedCapacity`: only for clusters with pods unschedulable for more than 60 s. */
    estimatedCapacity: Record<string, number>;
}

/** Resolves an Input to its value; `undefined` when it is unknown (preview of a not-yet-created dependency). */
export async function resolveInput<T>(v: pulumi.Input<T> | undefined): Promise<T | undefined> {
    if (v === undefined) return undefined;
    if (pulumi.Output.isInstance(v)) {
        const o = v as pulumi.Output<T> & { isKnown: Promise<boolean>; promise(withUnknowns?: boolean): Promise<T> };
        if (!(await o.isKnown)) return undefined;
        return o.promise();
    }
    return (await v) as T;
}

/**
 * Program-time observation of current replicas and capacity for ReplicaSchedulingPreference rebalancing (KubeFed
 * docs/semantics.md#current-replicas-and-capacity), per member where the target exists:
 * - `replicas = spec.replicas` (missing → 0), `ready = status.readyReplicas` (missing → 0); if equal, current = ready;
 * - otherwise the pods matching `spec.selector.matchLabels` in the target's namespace are analysed: current = pods in
 *   phase Running with a `Ready` condition (any status); unschedulable = non-running pods with
 *   `PodScheduled=False, reason=Unschedulable` for more than 60 s; if unschedulable > 0,
 *   capacity = replicas − unschedulable.
 *
 * Members where the object (or its kind) does not exist, or whose kubeconfig is not known yet (preview before a
 * join), are left out. Members that cannot be read — unreachable, an unusable kubeconfig, a refused request (e.g. 401
 * or 403) — are left out with a warning naming the member and the reason (never a credential), as are a target
 * without `spec.selector.matchLabels` (KubeFed: "missing selector on object") and a failed pod list.
 *
 * It runs while the program runs — during `pulumi preview` too, which is the point: the rebalanced split is computed
 * before the engine plans, so `preview --diff` shows it. Kubeconfig Outputs are awaited in memory (never exported).
 * Each member is queried in parallel with a 5 s timeout per request.
 */
export async function observeReplicas(members: ReplicaObservationMember[], target: ReplicaObservationTarget): Promise<MeasuredReplicas> {
    const now = Date.now();
    const what = `${target.kind} ${target.namespace}/${target.name}`;
    // A member left out changes the replica split, so say why (never with a credential: see readReplicas).
    const leftOut = (m: ReplicaObservationMember, why: string): undefined => {
        pulumi.log.warn(`observeReplicas: cannot read ${what} in cluster ${m.clusterName}: ${why}; its replicas are not observed ` +
            `(left out of currentReplicas and estimatedCapacity)`);
        return undefined;
    };
    const results = await Promise.all(members.map(async (m): Promise<[string, { current: number; capacity?: number }] | undefined> => {
        let kubeconfig: string | undefined;
        let context: string | undefined;
        try {
            kubeconfig = await resolveInput(m.kubeconfig);
            context = await resolveInput(m.context);
        } catch (e) {
            return leftOut(m, `its kubeconfig cannot be resolved (${safeReason(e)})`);
        }
        if (!kubeconfig) {
            // unknown in a preview before the member is joined: nothing is wrong, it just cannot be read yet
            return pulumi.Output.isInstance(m.kubeconfig) ? undefined : leftOut(m, "its kubeconfig is empty; pass the member's kubeconfig");
        }
        const r = await readReplicas(m.clusterName, kubeconfig, context, target, now);
        switch (r.outcome) {
            case "observed": return [m.clusterName, r.capacity === undefined ? { current: r.current } : { current: r.current, capacity: r.capacity }];
            case "absent": return undefined;
            case "unreadable": return leftOut(m, r.why);
            case "podsUnread":
                pulumi.log.warn(`observeReplicas: ${r.warning}`);
                return undefined;
        }
    }));
    const out: MeasuredReplicas = { currentReplicas: {}, estimatedCapacity: {} };
    for (const r of results.filter((x): x is [string, { current: number; capacity?: number }] => !!x).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        out.currentReplicas[r[0]] = r[1].current;
        if (r[1].capacity !== undefined) out.estimatedCapacity[r[0]] = r[1].capacity;
    }
    return out;
}
