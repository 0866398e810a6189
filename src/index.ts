/**
 * pulumi-kubefed: KubeFed's placement, overrides, replica scheduling and multi-cluster DNS as Pulumi components.
 * The Pulumi-free decision core is also available on its own as `pulumi-kubefed/core`.
 *
 * The export list is explicit and pinned by test/unit/api.test.ts: adding a name is an API decision.
 */
export {
    MemberCluster, MemberClusterArgs, MemberHealthProbe, Reachability, JoinArgs,
    FederatedResource, FederatedResourceArgs, FederationOptions, FederatedNamespaceLike, KubernetesObject, KubernetesInputObject, DecisionSummary,
    FederatedNamespace, FederatedNamespaceArgs,
    ReplicaSchedulingPreference, ReplicaSchedulingPreferenceArgs, ObservedReplicas,
    Domain, DomainArgs, IngressDNSRecord, IngressDNSRecordArgs, ServiceDNSRecord, ServiceDNSRecordArgs, dnsEndpointCrd,
    federate, FederateArgs, FederatedManifests, FederatedSet,
    FederatedChart, FederatedChartArgs, ChartDecision,
    FederatedKustomization, FederatedKustomizationArgs,
    TYPE_PREFIX, MANAGED_LABEL, childName,
    observeReplicas, MemberReadBack, OrphanGuard, RolloutGate,
    fleetStatus,
    observeReadiness, failoverEnabled,
    ShardContext, shardDecision, shardContext, inShard,
} from "./components";
import * as core from "./core";
/** The decision core, also importable on its own as `pulumi-kubefed/core`. */
export { core };
// The types the components' arguments and decisions are made of, so programs can name them without `core.`.
export {
    Placement, ClusterOverride, OverrideOperation, ReplicaSchedulingSpec, ClusterPreference, LabelSelector,
    LabelSelectorRequirement, PlacedCluster, MemberClusterSummary, ValidationError, ValidationIssue,
    decisionChanges, decisionLine, normalizeDecision, placedClusters, replicasOf,
    RolloutSpec, RolloutWave, DependencyMode, SpreadConstraint, SpreadField, FailoverDecision, SpreadDecision,
} from "./core";
