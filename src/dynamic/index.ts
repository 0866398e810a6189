/**
 * Dynamic resources and helpers that read state back from member clusters (KubeFed status semantics):
 * - {@link ClusterHealth}: KubeFedCluster health conditions (§6.2);
 * - {@link PropagationStatus}: per-cluster propagation status, drift and the `Propagation` condition (§4.4, §4.8);
 * - {@link OrphanGuard}: orphan-mode deletion (removes the managed label, leaves the objects) (§4.7);
 * - {@link observeReplicas}: program-time current replicas / capacity for RSP rebalancing (§5.4);
 * - {@link kubefedStatusOutput}: the `kubefed` stack output read by `pulumi-kubefed status`.
 * All talk to the API servers with a small built-in REST client (./kube) using the kubeconfig's certs/token.
 */
export { ClusterHealth, ClusterHealthArgs, clusterHealthProvider } from "./clusterHealth";
export { PropagationStatus, PropagationStatusArgs, PropagationClusterArgs, PropagationStatusStatus, TargetRef, propagationStatusProvider } from "./propagationStatus";
export { OrphanGuard, OrphanGuardArgs, OrphanGuardClusterArgs, orphanGuardProvider } from "./orphanGuard";
export { ServiceAccountToken, ServiceAccountTokenArgs, serviceAccountTokenProvider } from "./serviceAccountToken";
export { observeReplicas, resolveInput, ObservedReplicas, ReplicaObservationMember, ReplicaObservationTarget } from "./replicas";
export { kubefedStatusOutput, KubefedStatusOutputArgs } from "./statusOutput";
export { KubefedReport, ClusterHealthReport, PropagationReport, ClusterPropagationReport, collectReports, renderStatus } from "./report";
export {
    ClusterCondition, ClusterPropagationStatus, PropagationCondition, PropagationReason, Readiness, ObjectCondition,
    PodAnalysis, MANAGED_LABEL, driftPaths, healthConditions, clusterPropagationStatus, propagationCondition, readinessOf,
    analysePods, replicaObservation,
} from "./status";
export { KubeClient, KubeConnection, KubeResponse, RequestOptions, ResourceInfo, ObjectRef, ConnectOptions, connect, connectAsync, parseKubeconfig } from "./kube";
