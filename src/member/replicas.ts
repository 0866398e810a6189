/**
 * Reading a workload's current replicas and capacity in one member (docs/semantics.md#current-replicas-and-capacity):
 * the object, then the pods of its selector when they are needed. The program-side `observeReplicas`
 * (src/resources/observeReplicas.ts) runs it per member and turns what could not be read into warnings.
 */
import { connect, describeHttpError } from "./client";
import { asMapping } from "./json";
import { isKubeconfigError } from "./kubeconfigError";
import { matchLabelsSelector, needsPodAnalysis, replicaObservation } from "./pods";

/** The workload whose replicas are observed (same name in every member). */
export interface ReplicaObservationTarget {
    apiVersion: string;
    kind: string;
    namespace: string;
    name: string;
}

/** What one read of a member found. */
export type ReplicaRead =
    | { outcome: "observed"; current: number; capacity?: number }
    /** Nothing to observe: the kind is not served there, or the object does not exist (yet). */
    | { outcome: "absent" }
    /** The member could not be read (`why` names the reason and the fix, never a credential). */
    | { outcome: "unreadable"; why: string }
    /** The object was read but not its pods; `warning` says why. */
    | { outcome: "podsUnread"; warning: string };

/**
 * One line about why a member could not be read, fit for a warning: the first line only (YAML and HTTP libraries
 * quote source lines and request options), bounded, with URL user-info, bearer tokens and PEM blocks taken out.
 * Kubeconfig errors of kubeconfig.ts never quote credential values; the rest comes from the HTTP client.
 */
export function safeReason(e: unknown): string {
    const code = (e as { code?: unknown })?.code;
    const raw = String((e as Error)?.message ?? e).split("\n")[0];
    const line = raw.replace(/-----BEGIN [^-]+-----.*/g, "[redacted]")
        .replace(/\/\/[^/@\s]+@/g, "//[redacted]@")
        .replace(/(bearer|token|password)([\s=:"']+)[^\s,"']+/gi, "$1$2[redacted]")
        .slice(0, 200);
    return line || (typeof code === "string" ? code : "unknown error");
}

/**
 * Reads `target` in the member `clusterName` (5 s per request) and, while `spec.replicas` differs from
 * `status.readyReplicas`, the pods matching its `spec.selector.matchLabels`. Never throws.
 */
export async function readReplicas(clusterName: string, kubeconfig: string, context: string | undefined,
    target: ReplicaObservationTarget, now: number): Promise<ReplicaRead> {
    try {
        const client = connect(kubeconfig, context || undefined);
        const path = await client.objectPath(target);
        if (!path) return { outcome: "absent" };
        const res = await client.request("GET", path, undefined, { timeoutMs: 5000 });
        const obj = asMapping(res.body);
        if (res.status === 404) return { outcome: "absent" };
        if (res.status !== 200 || !obj) return { outcome: "unreadable", why: `${describeHttpError(res)}; check that its credentials may get ${target.kind} objects` };
        let pods: unknown[] | undefined;
        if (needsPodAnalysis(obj)) {
            const selector = matchLabelsSelector(obj);
            if (!selector) return { outcome: "podsUnread", warning: `${target.kind} ${target.namespace}/${target.name} in cluster ${clusterName}: missing selector on object` };
            const liveNamespace = asMapping(obj.metadata)?.namespace;
            const podsPath = await client.collectionPath("v1", "Pod", typeof liveNamespace === "string" ? liveNamespace : target.namespace);
            if (!podsPath) return { outcome: "absent" };
            const pr = await client.request("GET", `${podsPath}?labelSelector=${encodeURIComponent(selector)}`, undefined, { timeoutMs: 5000 });
            const items = asMapping(pr.body)?.items;
            if (pr.status !== 200 || !Array.isArray(items)) return { outcome: "podsUnread", warning: `listing pods in cluster ${clusterName} failed: ${describeHttpError(pr)}` };
            pods = items;
        }
        return { outcome: "observed", ...replicaObservation(obj, pods, now) };
    } catch (e) {
        return {
            outcome: "unreadable", why: isKubeconfigError(e) ? `its kubeconfig cannot be used (${safeReason(e)}); fix the member's kubeconfig`
                : `the API server cannot be reached (${safeReason(e)})`,
        };
    }
}
