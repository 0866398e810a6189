/**
 * pulumi-kubefed decision core: KubeFed's placement, overrides, replica scheduling and DNS semantics as plain,
 * synchronous (DNS: async) functions over plain data. Nothing here imports `@pulumi/*`; components call these
 * functions and turn the results into resources. The KubeFed behaviour implemented here: docs/semantics.md.
 * The shared data shapes live in types.ts; the names of earlier releases in src/compat/core.ts.
 * The export list is explicit and pinned by test/unit/api.test.ts.
 */
export {
    ClusterInfo, LabelSelectorRequirement, LabelSelector, SpreadField, SpreadConstraint, Placement, OverrideOperation,
    ImageComponent, ImageOverride, ClusterOverride, ClusterPreference, ReplicaSchedulingSpec, ReplicaCapacity,
    FeasibilityProblem, ReplicaFeasibility, PlacementInput, PlacementDecision, FederatedObjectInput, FederatedObjectDecision,
    PlacedCluster, DecisionSummary, FailoverDecision, SpreadDecision, MemberClusterSummary,
} from "./types";
export { ValidationIssue, ValidationError, OverrideError, assertValid } from "./errors";
export { LabelMatcher, compileSelector, matchesSelector } from "./selector";
export { SelectOptions, selectClusters, selectNamespacedClusters, compareStrings } from "./placement";
export { applyOverrides, jsonClone, deepFreeze } from "./overrides";
export {
    ReplicaScheduleInput, ReplicaSchedule, FailoverScheduleInput, FailoverSchedule, scheduleReplicas, scheduleFailover, fnv1_32,
    preferenceFor,
} from "./scheduler";
export { replicaCapacity, replicaFeasibility, decisionFeasibility } from "./feasibility";
export {
    SPREAD_FIELDS, SpreadResult, PROVIDER_LABEL, applySpreadConstraints, describeSpreadConstraint,
    spreadGroupsOf, spreadKind, validateSpreadConstraints,
} from "./spread";
export {
    LoadBalancerIngress, LoadBalancerStatus, DnsEndpoint, Resolver, DEFAULT_DNS_TTL, systemResolver,
    loadBalancerTargets, mergeDnsEndpoints, ingressDnsEndpoints, serviceDnsEndpoints, dnsNameProblem, dnsLabelProblem,
    validateIngressDnsInput, validateServiceDnsInput, HOSTNAME_RESOLUTIONS, HostnameResolution, validateHostnameResolution,
    resolverFor,
} from "./dns";
export {
    FORBIDDEN_OVERRIDE_PATHS, validateClusters, validateSelector, validatePlacement,
    validateOverrides, validateReplicaScheduling, isJsonPointer, touchesReplicas,
} from "./validate";
export {
    IDENTITY_PATHS, DEPRECATED_FIELD_ALIASES, decodePointer, encodePointer, identityOverrideProblem, canonicalPointer,
    dealiasPointer, pathsOverlap,
} from "./paths";
export {
    kindScope, effectiveNamespace, objectIdentity, objectNameProblem, SERVER_SET_FIELDS, stripServerSetFields, metadataMapIssues,
    objectIdentityIssues, ChildNameRegistry,
} from "./objects";
export { MANAGED_LABEL, dns1123LabelProblem, labelKeyProblem, labelValueProblem } from "./labels";
export { decideFederatedObject, decidePlacement, knownClusterNames, overrideTargets } from "./decision";
export { ExclusionCode, exclusionCode } from "./exclusions";
export {
    IMAGE_COMPONENTS, ImageRef, parseImage, formatImage, overrideImage, validateImageOverrides, imageOverrideOps,
} from "./images";
export {
    OUTPUT_PLACEHOLDER, UNKNOWN_IMAGE, RENDERED_IMAGES, CHART_KIND, KUSTOMIZATION_KIND, ObjectSummaryOptions, RenderedSummaryOptions,
    CONTAINER_LISTS, HIDES_IMAGES, isUnknownImage, containerImages, summarizeObjectDecision, summarizeRenderedDecision, withPulledClusters,
} from "./summarize";
export {
    failoverMoves, placedClusters, replicasOf, normalizeDecision, objectOf, shortReason, decisionLine, decisionChanges, PlacementView, placementView,
} from "./summary";
export { FederatedChartInput, FederatedChartDecision, ChartImageOverride, mergeValues, decideFederatedChart } from "./chart";
export { FederatedKustomizationInput, FederatedKustomizationDecision, decideFederatedKustomization } from "./kustomization";
export {
    DependencyKind, DependencyMode, DependencyRef, NeededDependency, DependencyNeed, DependencyPlacement, DEPENDENCY_KINDS,
    DEFAULT_NAMESPACE, dependencyKey, podSpecOf, podTemplateReferences, neededDependencies, clustersToPull, misplacement,
} from "./dependencies";
export {
    RolloutWave, RolloutWaveByName, RolloutWaveBySelector, RolloutSpec, PlannedWave, RolloutPlan, IMPLICIT_WAVE, DEFAULT_ROLLOUT_TIMEOUT_SECONDS, validateRollout,
    planRollout, waveOf, rolloutLine,
} from "./rollout";
export { ShardLayout, ShardMemberFacts, DECISION_FILE_ENV, validateShardLayout, shardOf } from "./shard";
export {
    NormalizedDecision, ShardRecord, DecisionDifference, ShardDecisionReport, ShardMismatch,
    canonical, decisionDigest, shardRecord, firstDifference, compareShardDecisions,
} from "./shardDecisions";
export {
    ReplicaPlanInput, ReplicaPlan, FailoverPlanInput, FailoverPlan, planReplicas, planFailover, FederatedObjectPlan,
    planFederatedObject, ChartPlanInput, ChartPlan, planFederatedChart, KustomizationPlanInput, KustomizationPlan,
    planFederatedKustomization, summarizeObjectPlan, summarizeRenderedPlan,
} from "../compat/core";
