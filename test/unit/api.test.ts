import { strict as assert } from "assert";
import * as path from "path";
import * as ts from "typescript";

// The package's public API, pinned: a name added to or dropped from an entry point (an `export` in an index file,
// an internal helper leaking through) fails here until the list below is changed on purpose. Read from the built
// declaration files, as a user's compiler sees them (`@internal` members are stripped).
const ENTRY_POINTS: Record<string, string[]> = {
    "pulumi-kubefed": [
        "ChartDecision", "ClusterOverride", "ClusterPreference", "DecisionSummary", "DependencyMode", "Domain",
        "DomainArgs", "FailoverDecision", "FederateArgs", "FederatedChart", "FederatedChartArgs",
        "FederatedKustomization", "FederatedKustomizationArgs", "FederatedManifests", "FederatedNamespace",
        "FederatedNamespaceArgs", "FederatedNamespaceLike", "FederatedResource", "FederatedResourceArgs",
        "FederatedSet", "FederationOptions", "IngressDNSRecord", "IngressDNSRecordArgs", "JoinArgs",
        "KubernetesInputObject", "KubernetesObject", "LabelSelector", "LabelSelectorRequirement", "MANAGED_LABEL", "MemberCluster",
        "MemberClusterArgs", "MemberClusterSummary", "MemberHealthProbe", "MemberReadBack", "ObservedReplicas",
        "OrphanGuard", "OverrideOperation", "PlacedCluster", "Placement", "Reachability",
        "ReplicaSchedulingPreference", "ReplicaSchedulingPreferenceArgs", "ReplicaSchedulingSpec", "RolloutGate",
        "RolloutSpec", "RolloutWave", "ServiceDNSRecord", "ServiceDNSRecordArgs", "ShardContext", "SpreadConstraint",
        "SpreadDecision", "SpreadField", "TYPE_PREFIX", "ValidationError", "ValidationIssue", "childName", "core",
        "decisionChanges", "decisionLine", "dnsEndpointCrd", "failoverEnabled", "federate", "fleetStatus", "inShard",
        "normalizeDecision", "observeReadiness", "observeReplicas", "placedClusters", "replicasOf", "shardContext",
        "shardDecision",
    ],
    "pulumi-kubefed/core": [
        "CHART_KIND", "CONTAINER_LISTS", "ChartImageOverride", "FederatedChartDecision", "FederatedChartInput", "ChildNameRegistry", "ClusterInfo", "ClusterOverride", "ClusterPreference",
        "DECISION_FILE_ENV", "DEFAULT_DNS_TTL", "DEFAULT_NAMESPACE", "DEFAULT_ROLLOUT_TIMEOUT_SECONDS",
        "DEPENDENCY_KINDS", "DEPRECATED_FIELD_ALIASES", "DecisionDifference", "DecisionSummary", "DependencyKind",
        "DependencyMode", "DependencyNeed", "DependencyPlacement", "DependencyRef", "DnsEndpoint", "ExclusionCode",
        "FORBIDDEN_OVERRIDE_PATHS", "HIDES_IMAGES", "FailoverDecision", "FailoverSchedule", "FailoverScheduleInput", "FeasibilityProblem",
        "FederatedObjectInput", "FederatedObjectDecision", "HOSTNAME_RESOLUTIONS", "HostnameResolution", "IDENTITY_PATHS", "IMAGE_COMPONENTS", "IMPLICIT_WAVE", "ImageComponent", "ImageOverride", "ImageRef", "KUSTOMIZATION_KIND", "FederatedKustomizationDecision",
        "FederatedKustomizationInput", "LabelMatcher", "LabelSelector", "LabelSelectorRequirement",
        "LoadBalancerIngress", "LoadBalancerStatus", "MANAGED_LABEL", "MemberClusterSummary", "NeededDependency",
        "NormalizedDecision", "OUTPUT_PLACEHOLDER", "ObjectSummaryOptions", "OverrideError", "OverrideOperation", "PROVIDER_LABEL", "PlacedCluster", "Placement", "PlacementDecision", "PlacementInput", "PlacementView",
        "PlannedWave", "RENDERED_IMAGES", "RenderedSummaryOptions", "ReplicaCapacity", "ReplicaFeasibility", "ReplicaSchedule", "ReplicaScheduleInput",
        "ReplicaSchedulingSpec", "Resolver", "RolloutPlan", "RolloutSpec", "RolloutWave", "RolloutWaveByName", "RolloutWaveBySelector", "SERVER_SET_FIELDS",
        "SPREAD_FIELDS", "SelectOptions", "ShardDecisionReport", "ShardLayout", "ShardMemberFacts", "ShardMismatch",
        "ShardRecord", "SpreadConstraint", "SpreadDecision", "SpreadField", "SpreadResult", "UNKNOWN_IMAGE", "ValidationError",
        "ValidationIssue", "applyOverrides", "applySpreadConstraints", "assertValid", "canonical",
        "canonicalPointer", "clustersToPull", "compareShardDecisions", "compareStrings", "compileSelector", "containerImages",
        "dealiasPointer", "decidePlacement", "decisionChanges", "decisionDigest", "decisionFeasibility", "decisionLine",
        "decodePointer", "deepFreeze", "dependencyKey", "describeSpreadConstraint", "dns1123LabelProblem",
        "dnsLabelProblem", "dnsNameProblem", "effectiveNamespace", "encodePointer", "exclusionCode", "failoverMoves",
        "firstDifference", "fnv1_32", "formatImage", "identityOverrideProblem", "imageOverrideOps", "ingressDnsEndpoints", "isJsonPointer", "isUnknownImage",
        "jsonClone", "kindScope", "knownClusterNames", "labelKeyProblem", "labelValueProblem", "loadBalancerTargets", "matchesSelector",
        "mergeDnsEndpoints", "mergeValues", "metadataMapIssues", "misplacement", "neededDependencies",
        "normalizeDecision", "objectIdentity", "objectIdentityIssues", "objectNameProblem", "objectOf", "overrideImage", "overrideTargets", "parseImage", "pathsOverlap",
        "placedClusters", "placementView", "scheduleFailover", "decideFederatedChart", "decideFederatedKustomization", "decideFederatedObject",
        "scheduleReplicas", "planRollout", "podSpecOf", "podTemplateReferences", "preferenceFor", "replicaCapacity",
        "replicaFeasibility", "replicasOf", "resolverFor", "rolloutLine", "selectClusters", "selectNamespacedClusters",
        "serviceDnsEndpoints", "shardOf", "shardRecord", "shortReason", "spreadGroupsOf", "spreadKind",
        "stripServerSetFields", "summarizeObjectDecision", "summarizeRenderedDecision", "systemResolver", "touchesReplicas", "validateClusters", "validateHostnameResolution", "validateImageOverrides", "validateIngressDnsInput",
        "validateOverrides", "validatePlacement", "validateReplicaScheduling", "validateRollout",
        "validateSelector", "validateServiceDnsInput", "validateShardLayout", "validateSpreadConstraints", "waveOf", "withPulledClusters",
        // deprecated aliases of the names above (src/compat/core.ts): "plan" names only the CLI command now
        "ChartPlan", "ChartPlanInput", "FailoverPlan", "FailoverPlanInput", "FederatedObjectPlan", "KustomizationPlan",
        "KustomizationPlanInput", "ReplicaPlan", "ReplicaPlanInput", "planFailover", "planFederatedChart",
        "planFederatedKustomization", "planFederatedObject", "planReplicas", "summarizeObjectPlan", "summarizeRenderedPlan",
    ],
    "pulumi-kubefed/dynamic-providers": ["providers"],
};

const ROOT = path.resolve(__dirname, "../../..");
const pkg = require(path.join(ROOT, "package.json"));

/** The declaration file an entry point of package.json's `exports` resolves to. */
function typesOf(entry: string): string {
    const key = entry === pkg.name ? "." : `.${entry.slice(pkg.name.length)}`;
    return path.join(ROOT, pkg.exports[key].types);
}

describe("public API", () => {
    const files = Object.keys(ENTRY_POINTS).map(typesOf);
    const program = ts.createProgram(files, { strict: true, skipLibCheck: true });
    const checker = program.getTypeChecker();
    const exportsOf = (file: string) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!);

    it("package.json exports exactly the pinned entry points", () => {
        assert.deepEqual(Object.keys(pkg.exports).filter(k => k !== "./package.json").sort(),
            Object.keys(ENTRY_POINTS).map(e => (e === pkg.name ? "." : `.${e.slice(pkg.name.length)}`)).sort());
    });

    for (const [entry, names] of Object.entries(ENTRY_POINTS)) {
        it(`${entry} exports exactly the pinned names`, () => {
            assert.deepEqual(exportsOf(typesOf(entry)).map(s => s.name).sort(), [...names].sort());
        });
    }

    it("the runtime values match the declarations (nothing exported only at run time)", () => {
        for (const [entry, names] of Object.entries(ENTRY_POINTS)) {
            const mod = require(typesOf(entry).replace(/\.d\.ts$/, ".js"));
            const values = exportsOf(typesOf(entry)).filter(s => {
                const t = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
                return (t.flags & ts.SymbolFlags.Value) !== 0;
            }).map(s => s.name).sort();
            assert.deepEqual(Object.keys(mod).filter(k => k !== "__esModule").sort(), values, entry);
            assert.ok(values.every(v => names.includes(v)));
        }
    });

    it("every public name of the main entry point carries a doc comment", () => {
        const undocumented = exportsOf(typesOf("pulumi-kubefed")).filter(s => {
            const t = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
            return s.name !== "core" && ts.displayPartsToString(t.getDocumentationComment(checker)).trim() === "";
        }).map(s => s.name);
        assert.deepEqual(undocumented, []);
    });

    it("each deprecated alias of pulumi-kubefed/core is the function it names (src/compat/core.ts)", () => {
        const core = require(path.join(ROOT, "dist/src/core"));
        const aliases: Record<string, string> = {
            planReplicas: "scheduleReplicas", planFailover: "scheduleFailover", planFederatedObject: "decideFederatedObject",
            planFederatedChart: "decideFederatedChart", planFederatedKustomization: "decideFederatedKustomization",
            summarizeObjectPlan: "summarizeObjectDecision", summarizeRenderedPlan: "summarizeRenderedDecision",
        };
        for (const [old, now] of Object.entries(aliases)) {
            assert.equal(typeof core[now], "function", now);
            assert.equal(core[old], core[now], `${old} is ${now}`);
        }
    });

    it("internals stay out of the declarations (`@internal` members are stripped)", () => {
        const member = exportsOf(typesOf("pulumi-kubefed")).find(s => s.name === "MemberCluster")!;
        const cls = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(member));
        const props = checker.getPropertiesOfType(cls).map(p => p.name);
        assert.ok(props.includes("clusterName"));
        assert.deepEqual(props.filter(p => p.startsWith("__tracker") || p.startsWith("__healthOn")), []);
    });
});
