/**
 * The public components. Every name here is part of the package's API (test/unit/api.test.ts pins the list);
 * helpers the components share (planning glue, child emission, name registries) stay in their modules.
 */
export { MemberCluster, MemberClusterArgs, MemberHealthProbe, Reachability } from "./memberCluster";
export { JoinArgs } from "./join";
export {
    FederatedResource, FederatedResourceArgs, FederationOptions, FederatedNamespaceLike, KubernetesObject, KubernetesInputObject, DecisionSummary,
} from "./federatedResource";
export { FederatedNamespace, FederatedNamespaceArgs } from "./federatedNamespace";
export { ReplicaSchedulingPreference, ReplicaSchedulingPreferenceArgs, ObservedReplicas } from "./replicaSchedulingPreference";
export {
    Domain, DomainArgs, IngressDNSRecord, IngressDNSRecordArgs, ServiceDNSRecord, ServiceDNSRecordArgs, dnsEndpointCrd,
} from "./dns";
export { federate, FederateArgs, FederatedManifests, FederatedSet } from "./federateManifests";
export { FederatedChart, FederatedChartArgs, ChartDecision } from "./federatedChart";
export { FederatedKustomization, FederatedKustomizationArgs } from "./federatedKustomization";
export { MANAGED_LABEL, childName } from "./names";
// The public name of the components' type-token prefix (COMPONENT_TYPE_PREFIX inside the package).
export { COMPONENT_TYPE_PREFIX as TYPE_PREFIX } from "./base";
export { observeReplicas } from "../resources/observeReplicas";
export { MemberReadBack } from "../resources/memberReadBack";
export { OrphanGuard } from "../resources/orphanGuard";
export { RolloutGate } from "../resources/rolloutGate";
export { fleetStatus } from "./fleetStatus";
export { observeReadiness, failoverEnabled } from "./readiness";
export { ShardContext, shardDecision, shardContext, inShard } from "./shard";
