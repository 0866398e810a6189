import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type * as core from "../../../src/core";
import type { IngressDNSRecordArgs, ServiceDNSRecordArgs, DomainArgs } from "../../../src/components/dns";
import type { ChartDecision, FederatedChartArgs } from "../../../src/components/federatedChart";
import type { FederatedKustomization, FederatedKustomizationArgs } from "../../../src/components/federatedKustomization";
import type { FederatedNamespaceArgs } from "../../../src/components/federatedNamespace";
import type { FederatedResourceArgs } from "../../../src/components/federatedResource";
import type { MemberClusterArgs } from "../../../src/components/memberCluster";
import type { ObservedReplicas, ReplicaSchedulingPreferenceArgs } from "../../../src/components/replicaSchedulingPreference";
import type * as schema from "../../../src/package/schema";

// One type source: src/package/schema.ts restates the core's and the components' types for the schema analyzer
// (which cannot read unions, callbacks or SDK types). Checked here by tsc, both ways, field by field: a field added
// on one side and not the other fails the build unless it is listed below as a gap, with the reason. (provider.ts
// checks, at its top, that the shared fields' types are assignable.) A listed gap that is no longer one fails too.

/** Field names of `A` that `B` lacks. */
type Only<A, B> = Exclude<keyof A, keyof B>;
/**
 * The gaps between a TypeScript type and its schema restatement, both ways: `notInSchema` lists every field only
 * TypeScript has and `notInTypeScript` every field only the schema has, each with the reason, and nothing else. An
 * unlisted gap is a missing property, a listed name that is no gap is a property of type never: tsc names the field.
 */
const both = <TS, Schema>() =>
    <A extends Record<Only<TS, Schema>, string>, B extends Record<Only<Schema, TS>, string>>(
        notInSchema: A & Record<Exclude<keyof A, Only<TS, Schema>>, never>,
        notInTypeScript: B & Record<Exclude<keyof B, Only<Schema, TS>>, never>,
    ): Gaps => ({ notInSchema, notInTypeScript });
interface Gaps { notInSchema: Record<string, string>; notInTypeScript: Record<string, string> }

type RolloutDecision = NonNullable<core.DecisionSummary["rollout"]>;
type DependenciesDecision = NonNullable<core.DecisionSummary["dependencies"]>;

/** The recorded decisions and the shapes inside them (outputs), and the shapes the arguments hold. */
const shapes: Record<string, Gaps> = {
    DecisionSummary: both<core.DecisionSummary, schema.DecisionSummary>()({}, {}),
    PlacedCluster: both<core.PlacedCluster, schema.PlacedCluster>()({}, {}),
    FailoverDecision: both<core.FailoverDecision, schema.FailoverDecision>()({}, {}),
    SpreadDecision: both<core.SpreadDecision, schema.SpreadDecision>()({}, {}),
    RolloutDecision: both<RolloutDecision, schema.RolloutDecision>()({}, {}),
    PlannedWave: both<RolloutDecision["waves"][number], schema.PlannedWave>()({}, {}),
    DependenciesDecision: both<DependenciesDecision, schema.DependenciesDecision>()({}, {}),
    ChartDecision: both<ChartDecision, schema.ChartDecision>()({}, {}),
    KustomizationDecision: both<FederatedKustomization["decision"], schema.KustomizationDecision>()({}, {}),
    DnsEndpoint: both<core.DnsEndpoint, schema.DnsEndpoint>()({}, {}),
    Placement: both<core.Placement, schema.Placement>()({}, {}),
    SpreadConstraint: both<core.SpreadConstraint, schema.SpreadConstraint>()({}, {}),
    LabelSelector: both<core.LabelSelector, schema.LabelSelector>()({}, {}),
    LabelSelectorRequirement: both<core.LabelSelectorRequirement, schema.LabelSelectorRequirement>()({}, {}),
    ClusterOverride: both<core.ClusterOverride, schema.ClusterOverride>()({}, {}),
    OverrideOperation: both<core.OverrideOperation, schema.OverrideOperation>()({}, {}),
    ReplicaSchedulingSpec: both<core.ReplicaSchedulingSpec, schema.ReplicaSchedulingSpec>()({}, {}),
    ClusterPreference: both<core.ClusterPreference, schema.ClusterPreference>()({}, {}),
    ObservedReplicas: both<ObservedReplicas, schema.ObservedReplicas>()({}, {}),
    RolloutSpec: both<core.RolloutSpec, schema.RolloutSpec>()({}, {}),
    RolloutWave: both<core.RolloutWave, schema.RolloutWave>()({}, {}),
    NamespaceMetadata: both<NonNullable<FederatedNamespaceArgs["metadata"]>, schema.NamespaceMetadata>()({}, {}),
};

const RESOLVE = "a callback (hostname -> addresses); the package takes the same choice as data: resolution and addresses";

/** The components' arguments: what a program in another language can pass. */
const args: Record<string, Gaps> = {
    MemberCluster: both<MemberClusterArgs, schema.MemberClusterArgs>()({
        provider: "SDK-typed: a @pulumi/kubernetes Provider object of the calling program, which the package's provider cannot be handed",
        providerArgs: "SDK-typed: the Kubernetes provider's own argument types (k8s.ProviderArgs), not restated in this schema",
    }, {}),
    FederatedNamespace: both<FederatedNamespaceArgs, schema.FederatedNamespaceArgs>()({}, {}),
    FederatedResource: both<FederatedResourceArgs, schema.FederatedResourceArgs>()({}, {
        replicaSchedulingSpec: "the inline-spec alternative of TypeScript's replicaScheduling union, as its own field",
    }),
    FederatedChart: both<FederatedChartArgs, schema.FederatedChartArgs>()({}, {
        namespaceName: "the by-name alternative of TypeScript's namespace union, as its own field",
        replicaSchedulingSpec: "the inline-spec alternative of TypeScript's replicaScheduling union, as its own field",
    }),
    FederatedKustomization: both<FederatedKustomizationArgs, schema.FederatedKustomizationArgs>()({}, {
        namespaceName: "the by-name alternative of TypeScript's namespace union, as its own field",
    }),
    ReplicaSchedulingPreference: both<ReplicaSchedulingPreferenceArgs, schema.ReplicaSchedulingPreferenceArgs>()({}, {}),
    IngressDNSRecord: both<IngressDNSRecordArgs, schema.IngressDNSRecordArgs>()({ resolve: RESOLVE }, {}),
    ServiceDNSRecord: both<ServiceDNSRecordArgs, schema.ServiceDNSRecordArgs>()({ resolve: RESOLVE }, {}),
    Domain: both<DomainArgs, schema.DomainArgs>()({}, {}),
};

describe("package: one type source (schema.ts against the TypeScript types)", () => {
    it("gives every listed gap a reason (tsc checks that the lists are complete and current)", () => {
        for (const [name, g] of Object.entries({ ...shapes, ...args })) {
            for (const [field, why] of [...Object.entries(g.notInSchema), ...Object.entries(g.notInTypeScript)]) {
                assert.ok(why.trim().length > 10, `${name}.${field}: say why it is a gap`);
            }
        }
    });

    it("the package guide (docs/other-languages.md) names every argument TypeScript has and the package lacks", () => {
        const guide = fs.readFileSync(path.resolve(__dirname, "../../../../docs/other-languages.md"), "utf8");
        const start = guide.indexOf("## From other languages: the component package");
        assert.ok(start >= 0, "docs/other-languages.md has no package section");
        const section = guide.slice(start);
        for (const [component, g] of Object.entries(args)) {
            for (const field of Object.keys(g.notInSchema)) {
                assert.ok(section.includes(`\`${field}\``), `the package guide does not name ${component}'s \`${field}\``);
            }
        }
    });
});
