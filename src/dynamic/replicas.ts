import * as pulumi from "@pulumi/pulumi";
import { asMapping, connect, describeHttpError, isKubeconfigError } from "./kube";
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
 * One line about why a member could not be read, fit for a warning: the first line only (YAML and HTTP libraries
 * quote source lines and request options), bounded, with URL user-info, bearer tokens and PEM blocks taken out.
 * Kubeconfig errors of kube.ts never quote credential values; the rest comes from the HTTP client.
 */
function safeReason(e: unknown): string {
    const code = (e as { code?: unknown })?.code;
    const raw = String((e as Error)?.message ?? e).split("\n")[0];
    const line = raw.replace(/-----BEGIN [^-]+-----.*/g, "[redacted]")
        .replace(/\/\/[^/@\s]+@/g, "//[redacted]@")
        .replace(/(bearer|token|password)([\s=:"']+)[^\s,"']+/gi, "$1$2[redacted]")
        .slice(0, 200);
    return line || (typeof code === "string" ? code : "unknown error");
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
    // A member left out changes the replica split, so say why (never with a credential: see safeReason).
    const leftOut = (m: ReplicaObservationMember, why: string): undefined => {
        pulumi.log.warn(`observeReplicas: cannot read ${what} in cluster ${m.clusterName}: ${why}; its replicas are not observed ` +
            `(left out of currentReplicas and estimatedCapacity)`);
        return undefined;
    };
    const results = await Promise.all(members.map(async (m): Promise<[string, { current: number; capacity?: number }] | undefined> => {
        try {
            const kubeconfig = await resolveInput(m.kubeconfig);
            const context = await resolveInput(m.context);
            if (!kubeconfig) {
                // unknown in a preview before the member is joined: nothing is wrong, it just cannot be read yet
                return pulumi.Output.isInstance(m.kubeconfig) ? undefined : leftOut(m, "its kubeconfig is empty; pass the member's kubeconfig");
            }
            const client = connect(kubeconfig, context || undefined);
            const path = await client.objectPath(target);
            if (!path) return undefined; // the kind is not served there: nothing to observe
            const res = await client.request("GET", path, undefined, { timeoutMs: 5000 });
            const obj = asMapping(res.body);
            if (res.status === 404) return undefined; // not there (yet): nothing to observe
            if (res.status !== 200 || !obj) return leftOut(m, `${describeHttpError(res)}; check that its credentials may get ${target.kind} objects`);
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
        } catch (e) {
            return leftOut(m, isKubeconfigError(e) ? `its kubeconfig cannot be used (${safeReason(e)}); fix the member's kubeconfig`
                : `the API server cannot be reached (${safeReason(e)})`);
        }
    }));
    const out: MeasuredReplicas = { currentReplicas: {}, estimatedCapacity: {} };
    for (const r of results.filter((x): x is [string, { current: number; capacity?: number }] => !!x).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        out.currentReplicas[r[0]] = r[1].current;
        if (r[1].capacity !== undefined) out.estimatedCapacity[r[0]] = r[1].capacity;
    }
    return out;
}
