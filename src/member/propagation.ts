/**
 * Per-cluster propagation status of one federated object and the aggregate `Propagation` condition
 * (docs/semantics.md#propagation-status, docs/semantics.md#propagation-condition), from what one read of the member
 * found. Pure logic.
 */
import { MANAGED_LABEL } from "../core/labels";
import { driftPaths } from "./drift";
import { mapping, stableStringify } from "./json";
import { ObjectCondition, Readiness, readinessOf } from "./readiness";

/**
 * Per-cluster propagation status reasons (`status.clusters[].status`). KubeFed's own values where they apply, plus
 * three of ours for what a read-back can see:
 * | reason | when |
 * |---|---|
 * | `""` | the object exists, carries `kubefed.io/managed: "true"` and matches what we sent (OK) |
 * | `ClusterNotReady` (KubeFed) | the member's API server is unreachable (connection error or timeout) |
 * | `ClientRetrievalFailed` (KubeFed) | the kubeconfig cannot be turned into a client (malformed, unsupported auth) |
 * | `RetrievalFailed` (KubeFed) | the API server answered an error other than 404 (e.g. 401/403/500), or discovery failed |
 * | `ManagedLabelFalse` (KubeFed) | the object is labelled `kubefed.io/managed: "false"` |
 * | `NotFound` (ours) | the object (or its kind) does not exist in the member |
 * | `ManagedLabelMissing` (ours) | the object exists without `kubefed.io/managed: "true"` |
 * | `Drifted` (ours) | a field we sent has a different live value (see `drifted`) |
 * Precedence when several apply: the order of this table.
 */
export type PropagationReason =
    | "" | "ClusterNotReady" | "ClientRetrievalFailed" | "RetrievalFailed" | "ManagedLabelFalse" | "NotFound"
    | "ManagedLabelMissing" | "Drifted";

/** What a provider call observed in one member. */
export type ClusterObservation =
    | { name: string; outcome: "configError"; error: string }
    | { name: string; outcome: "unreachable"; error: string }
    | { name: string; outcome: "retrievalFailed"; error: string }
    | { name: string; outcome: "notFound"; error?: string }
    | { name: string; outcome: "found"; live: Record<string, unknown> };

/** One `status.clusters[]` entry (KubeFed shape `{name, status}` extended with what we read back). */
export interface ClusterPropagationStatus extends Partial<Omit<Readiness, "ready" | "conditions">> {
    name: string;
    /** KubeFed-style per-cluster status; `""` = OK. See {@link PropagationReason}. */
    status: PropagationReason;
    /** Human-readable detail (error text, drifted paths). `""` when OK. */
    message: string;
    exists: boolean;
    /** `kubefed.io/managed: "true"` present. */
    managed: boolean;
    /** JSON pointers of drifted fields (sorted). */
    drifted: string[];
    /** See {@link Readiness.ready}; false when the object is absent or the cluster unreachable. */
    ready: boolean;
    conditions: ObjectCondition[];
}

/** Maps one observation (and what we sent) to a status entry; see {@link PropagationReason}. */
export function clusterPropagationStatus(obs: ClusterObservation, desired: Record<string, unknown>): ClusterPropagationStatus {
    const base: ClusterPropagationStatus = {
        name: obs.name, status: "", message: "", exists: false, managed: false, drifted: [], ready: false, conditions: [],
    };
    switch (obs.outcome) {
        case "configError":
            return { ...base, status: "ClientRetrievalFailed", message: obs.error };
        case "unreachable":
            return { ...base, status: "ClusterNotReady", message: obs.error };
        case "retrievalFailed":
            return { ...base, status: "RetrievalFailed", message: obs.error };
        case "notFound":
            return { ...base, status: "NotFound", message: obs.error ?? "object not found in the cluster" };
        case "found": {
            const live = obs.live;
            const label = mapping(mapping(live?.metadata).labels)[MANAGED_LABEL];
            const drifted = driftPaths(desired, live);
            const { ready, conditions, ...facts } = readinessOf(live);
            const entry: ClusterPropagationStatus = { ...base, ...facts, exists: true, managed: label === "true", drifted, ready, conditions };
            if (label === "false") {
                entry.status = "ManagedLabelFalse";
                entry.message = `Unable to manage the object which has label ${MANAGED_LABEL}: false`;
            } else if (label !== "true") {
                entry.status = "ManagedLabelMissing";
                entry.message = `the object has no label ${MANAGED_LABEL}: "true"`;
            } else if (drifted.length > 0) {
                entry.status = "Drifted";
                entry.message = `fields differ from what was sent: ${drifted.join(", ")}`;
            }
            return entry;
        }
    }
}

/** The aggregate condition (`status.conditions[type=Propagation]`). */
export interface PropagationCondition {
    type: "Propagation";
    status: "True" | "False";
    /** `""` when every cluster is OK, else `CheckClusters` (docs/semantics.md#propagation-condition). */
    reason: "" | "CheckClusters";
    /** Non-OK clusters as `name: status`, `""` when OK (ours; KubeFed has no message). */
    message: string;
    lastUpdateTime: string;
    lastTransitionTime: string;
}

/**
 * docs/semantics.md#propagation-condition: `status: "True"` iff every cluster entry is OK, otherwise `False` with reason `CheckClusters`.
 * `lastTransitionTime` changes when status or reason changes; `lastUpdateTime` also when the per-cluster
 * list (name → status) changed. Both are kept from `previous` otherwise.
 */
export function propagationCondition(
    clusters: ClusterPropagationStatus[], now: string,
    previous?: { condition?: PropagationCondition; clusters?: { name: string; status: string }[] },
): PropagationCondition {
    const bad = clusters.filter((c) => c.status !== "");
    const status: "True" | "False" = bad.length === 0 ? "True" : "False";
    const reason: "" | "CheckClusters" = bad.length === 0 ? "" : "CheckClusters";
    const message = bad.map((c) => `${c.name}: ${c.status}`).join("; ");
    const prev = previous?.condition;
    const transitioned = !prev || prev.status !== status || prev.reason !== reason;
    const key = (l: { name: string; status: string }[] | undefined): string =>
        stableStringify((l ?? []).map((c) => [c.name, c.status]).sort());
    const listChanged = key(previous?.clusters) !== key(clusters);
    return {
        type: "Propagation", status, reason, message,
        lastUpdateTime: transitioned || listChanged ? now : prev!.lastUpdateTime,
        lastTransitionTime: transitioned ? now : prev!.lastTransitionTime,
    };
}
