import * as pulumi from "@pulumi/pulumi";
import { asMapping, connect, describeHttpError } from "./kube";
import { matchLabelsSelector, needsPodAnalysis, replicaObservation } from "./observations";

/** A member cluster as {@link observeReplicas} needs it (structurally compatible with `MemberCluster`). */
export interface ReplicaObservationMember {
    clusterName: string;
    kubeconfig: pulumi.Input<string>;
    context?: pulumi.Input<string>;
}

/** The workload whose replicas are observed (same name in every member). */
export interface ReplicaObservationTarget {
    apiVersion: string;
    kind: string;
    namespace: string;
    name: string;
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
 * Members that are unreachable, whose kubeconfig is unusable or unknown, or where the object (or its kind) does not
 * exist are left out. A target without `spec.selector.matchLabels` (KubeFed: "missing selector on object") or a failed
 * pod list leaves that member out with a warning.
 *
 * It runs while the program runs — during `pulumi preview` too, which is the point: the rebalanced split is computed
 * before the engine plans, so `preview --diff` shows it. Kubeconfig Outputs are awaited in memory (never exported).
 * Each member is queried in parallel with a 5 s timeout per request.
 */
export async function observeReplicas(members: ReplicaObservationMember[], target: ReplicaObservationTarget): Promise<MeasuredReplicas> {
    const now = Date.now();
    const results = await Promise.all(members.map(async (m): Promise<[string, { current: number; capacity?: number }] | undefined> => {
        try {
            const kubeconfig = await resolveInput(m.kubeconfig);
            const context = await resolveInput(m.context);
            if (!kubeconfig) return undefined;
            const client = connect(kubeconfig, context || undefined);
            const path = await client.objectPath(target);
            if (!path) return undefined;
            const res = await client.request("GET", path, undefined, { timeoutMs: 5000 });
            const obj = asMapping(res.body);
            if (res.status !== 200 || !obj) return undefined;
            let pods: unknown[] | undefined;
            if (needsPodAnalysis(obj)) {
                const selector = matchLabelsSelector(obj);
                if (!selector) {
                    pulumi.log.warn(`observeReplicas: ${target.kind} ${target.namespace}/${target.name} in cluster ${m.clusterName}: missing selector on object`);
                    return undefined;
                }
                const liveNamespace = asMapping(obj.metadata)?.namespace;
                const podsPath = await client.collectionPath("v1", "Pod", typeof liveNamespace === "string" ? liveNamespace : target.namespace);
                if (!podsPath) return undefined;
                const pr = await client.request("GET", `${podsPath}?labelSelector=${encodeURIComponent(selector)}`, undefined, { timeoutMs: 5000 });
                const items = asMapping(pr.body)?.items;
                if (pr.status !== 200 || !Array.isArray(items)) {
                    pulumi.log.warn(`observeReplicas: listing pods in cluster ${m.clusterName} failed: ${describeHttpError(pr)}`);
                    return undefined;
                }
                pods = items;
            }
            return [m.clusterName, replicaObservation(obj, pods, now)];
        } catch {
            return undefined; // unreachable or unusable kubeconfig: left out
        }
    }));
    const out: MeasuredReplicas = { currentReplicas: {}, estimatedCapacity: {} };
    for (const r of results.filter((x): x is [string, { current: number; capacity?: number }] => !!x).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        out.currentReplicas[r[0]] = r[1].current;
        if (r[1].capacity !== undefined) out.estimatedCapacity[r[0]] = r[1].capacity;
    }
    return out;
}
