/**
 * KubeFed's cluster health (docs/semantics.md#health): the conditions of one probe of a member's `/healthz`.
 * Pure logic: the probe itself is taken by observeMember.ts.
 */

export type ConditionStatus = "True" | "False" | "Unknown";

/** A KubeFedCluster status condition. */
export interface ClusterCondition {
    type: "Ready" | "Offline" | "ConfigMalformed";
    status: ConditionStatus;
    reason: string;
    message: string;
    lastProbeTime: string;
    lastTransitionTime: string;
}

/** Outcome of one health probe. */
export type ProbeResult =
    /** The kubeconfig could not be turned into a client. */
    | { kind: "malformed"; error: string }
    /** `GET /healthz` failed: connection error, timeout, or a non-2xx status (client-go treats those as errors). */
    | { kind: "unreachable"; error: string }
    /** `GET /healthz` returned 2xx with this body. */
    | { kind: "responded"; body: string };

/** Whether a probe counts as healthy: 2xx `/healthz` with body "ok" (case-insensitive). */
export function probeIsReady(probe: ProbeResult): boolean {
    return probe.kind === "responded" && probe.body.trim().toLowerCase() === "ok";
}

/**
 * KubeFed's conditions for a probe result (`pkg/controller/kubefedcluster/clusterclient.go`):
 * - malformed kubeconfig → `ConfigMalformed=True` (reason `ClusterConfigMalformed`);
 * - request error → `Offline=True` (`ClusterNotReachable`, "cluster is not reachable: <err>");
 * - body "ok" → `Ready=True` (`ClusterReady`, "/healthz responded with ok");
 * - other body → `Ready=False` (`ClusterNotReady`) and `Offline=False` (`ClusterReachable`).
 * `lastTransitionTime` is carried over from `previous` for a condition of the same type and status.
 * (KubeFed's success/failure threshold smoothing is not applied: every probe is taken as is.)
 */
export function healthConditions(probe: ProbeResult, now: string, previous?: ClusterCondition[]): ClusterCondition[] {
    const mk = (type: ClusterCondition["type"], status: ConditionStatus, reason: string, message: string): ClusterCondition => {
        const prev = (previous ?? []).find((c) => c && c.type === type && c.status === status);
        return { type, status, reason, message, lastProbeTime: now, lastTransitionTime: prev?.lastTransitionTime || now };
    };
    switch (probe.kind) {
        case "malformed":
            return [mk("ConfigMalformed", "True", "ClusterConfigMalformed", `cluster's configuration may be malformed: ${probe.error}`)];
        case "unreachable":
            return [mk("Offline", "True", "ClusterNotReachable", `cluster is not reachable: ${probe.error}`)];
        case "responded":
            if (probeIsReady(probe)) return [mk("Ready", "True", "ClusterReady", "/healthz responded with ok")];
            return [
                mk("Ready", "False", "ClusterNotReady", "/healthz responded without ok"),
                mk("Offline", "False", "ClusterReachable", "cluster is reachable"),
            ];
    }
}

/** KubeFed's definition of a ready cluster: some condition `Ready=True`. */
export function isReadyConditions(conditions: ClusterCondition[] | undefined): boolean {
    return (conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}
