/**
 * pulumi-kubefed decision core: KubeFed's placement, overrides, replica planning and DNS semantics as plain,
 * synchronous (DNS: async) functions over plain data. Nothing here imports `@pulumi/*`; components call these
 * functions and turn the results into resources. The KubeFed behaviour implemented here: docs/semantics.md.
 * The export list is explicit and pinned by test/unit/api.test.ts.
 */
export { ValidationIssue, ValidationError, OverrideError, assertValid } from "./errors";
export { LabelSelectorRequirement, LabelSelector, LabelMatcher, compileSelector, matchesSelector } from "./selector";
export { Placement, ClusterInfo, SelectOptions, selectClusters, selectNamespacedClusters, compareStrings } from "./placement";
export { OverrideOperation, ClusterOverride, applyOverrides, jsonClone, deepFreeze } from "./overrides";
export {
    ClusterPreference, ReplicaPlanInput, ReplicaPlan, FailoverPlanInput, FailoverPlan, planReplicas, planFailover, fnv1_32,
    preferenceFor,
} from "./planner";
export {
    ReplicaCapacity, FeasibilityProblem, ReplicaFeasibility, replicaCapacity, replicaFeasibility, decisionFeasibility,
} from "./feasibility";
export {
    SPREAD_FIELDS, SpreadField, SpreadConstraint, SpreadResult, PROVIDER_LABEL, applySpreadConstraints, describeSpreadConstraint,
    spreadGroupsOf, spreadKind, validateSpreadConstraints,
} from "./spread";
export {
    LoadBalancerIngress, LoadBalancerStatus, DnsEndpoint, Resolver, DEFAULT_DNS_TTL, systemResolver,
    loadBalancerTargets, mergeDnsEndpoints, ingressDnsEndpoints, serviceDnsEndpoints, dnsNameProblem, dnsLabelProblem,
    validateIngressDnsInput, validateServiceDnsInput, HOSTNAME_RESOLUTIONS, HostnameResolution, validateHostnameResolution,
    resolverFor,
} from "./dns";
export {
    ReplicaSchedulingSpec, FORBIDDEN_OVERRIDE_PATHS, validateClusters, validateSelector, validatePlacement,
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
export { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from "./labels";
export {
    MANAGED_LABEL, FederatedObjectInput, FederatedObjectPlan, PlacementInput, PlacementDecision, planFederatedObject, decidePlacement,
    knownClusterNames, overrideTargets,
} from "./decision";
export { ExclusionCode, exclusionCode } from "./exclusions";
export {
    ImageComponent, IMAGE_COMPONENTS, ImageOverride, ImageRef, parseImage, formatImage, overrideImage, validateImageOverrides, imageOverrideOps,
} from "./images";
export {
    OUTPUT_PLACEHOLDER, UNKNOWN_IMAGE, RENDERED_IMAGES, CHART_KIND, KUSTOMIZATION_KIND, ObjectSummaryOptions, RenderedSummaryOptions,
    CONTAINER_LISTS, HIDES_IMAGES, isUnknownImage, containerImages, summarizeObjectPlan, summarizeRenderedPlan, withPulledClusters,
} from "./summarize";
export {
    PlacedCluster, DecisionSummary, FailoverDecision, SpreadDecision, failoverMoves, MemberClusterSummary, placedClusters, replicasOf, normalizeDecision, objectOf, shortReason,
    PlacementView, placementView,
    decisionLine, decisionChanges,
} from "./summary";
export { ChartPlanInput, ChartPlan, ChartImageOverride, mergeValues, planFederatedChart } from "./chart";
export { KustomizationPlanInput, KustomizationPlan, planFederatedKustomization } from "./kustomization";
export {
    DependencyKind, DependencyMode, DependencyRef, NeededDependency, DependencyNeed, DependencyPlacement, DEPENDENCY_KINDS,
    DEFAULT_NAMESPACE, dependencyKey, podSpecOf, podTemplateReferences, neededDependencies, clustersToPull, misplacement,
} from "./dependencies";
export {
    RolloutWave, RolloutWaveByName, RolloutWaveBySelector, RolloutSpec, PlannedWave, RolloutPlan, IMPLICIT_WAVE, DEFAULT_ROLLOUT_TIMEOUT_SECONDS, validateRollout,
    planRollout, waveOf, rolloutLine,
} from "./rollout";
export {
    ShardLayout, ShardMemberFacts, NormalizedDecision, ShardRecord, DecisionDifference, ShardDecisionReport, ShardMismatch,
    DECISION_FILE_ENV, canonical, decisionDigest, shardRecord, validateShardLayout, shardOf, firstDifference, compareShardDecisions,
} from "./shard";
