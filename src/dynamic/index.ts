/**
 * Read-back from the member clusters (KubeFed status semantics), outside the Kubernetes provider:
 * - {@link MemberReadBack}: one resource per member: health (docs/semantics.md#health), and the propagation status, drift and readiness
 *   of every federated object placed there (docs/semantics.md#propagation-status, docs/semantics.md#propagation-condition); orphan-mode unlabelling (docs/semantics.md#deletion-and-orphaning);
 * - {@link OrphanGuard}: marker of an object in orphan mode (kept for upgrades from 0.1);
 * - {@link ServiceAccountToken}: join mode's token read (docs/semantics.md#join);
 * - {@link observeReplicas}: program-time current replicas / capacity for RSP rebalancing (docs/semantics.md#current-replicas-and-capacity);
 * - `kube.ts`: the one Kubernetes client (kubeconfig handling, requests, discovery) everything here uses.
 * The resources store only a loader in state (loader.ts); their code lives in the *Provider modules.
 */
export { MemberReadBack, MemberReadBackArgs, TrackedObjectArgs } from "./memberReadBack";
export { ObjectStatus, TrackedObject, observeMember } from "./memberReadBackProvider";
export { OrphanGuard, OrphanGuardArgs } from "./orphanGuard";
export { RolloutGate, RolloutGateArgs } from "./rolloutGate";
export { rolloutReadiness, podProblems } from "./rolloutGateProvider";
export { ServiceAccountToken, ServiceAccountTokenArgs } from "./serviceAccountToken";
export { observeReplicas, resolveInput, MeasuredReplicas, ReplicaObservationMember, ReplicaObservationTarget } from "./replicas";
export { KubefedReport, ClusterHealthReport, PropagationReport, ClusterPropagationReport, collectReports, renderStatus } from "../cli/statusReport";
export {
    ClusterCondition, ClusterPropagationStatus, PropagationCondition, PropagationReason, Readiness, ObjectCondition,
    PodAnalysis, MANAGED_LABEL, driftPaths, healthConditions, clusterPropagationStatus, propagationCondition, readinessOf,
    analysePods, replicaObservation,
} from "./observations";
export { KubeClient, KubeConnection, KubeResponse, RequestOptions, ResourceInfo, ObjectRef, connect, parseKubeconfig } from "./kube";
