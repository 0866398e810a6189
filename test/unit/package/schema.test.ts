import { strict as assert } from "assert";
import * as path from "path";
import { KubefedComponentProvider, withResourceReferences } from "../../../src/package/provider";
import { packageComponents } from "../../../src/package/schema";
import type { ComponentResourceConstructor } from "@pulumi/pulumi/provider/experimental";

// The package schema as @pulumi/pulumi's analyzer infers it from src/package/schema.ts (what `pulumi package
// get-schema plugin/` prints), checked for the shapes other languages rely on.
describe("package: inferred schema", function () {
    this.timeout(120000);
    let schema: any;
    before(async () => {
        const dirname = path.resolve(__dirname, "../../../../plugin");
        const provider = new KubefedComponentProvider({
            name: "pulumi-kubefed", dirname, version: "0.0.0-test",
            components: Object.values(packageComponents) as unknown as ComponentResourceConstructor[],
        });
        schema = JSON.parse(await provider.getSchema());
    });

    it("serves the components under the TypeScript classes' type tokens", () => {
        const kubefed = require("../../../src");
        const names = ["Domain", "FederatedChart", "FederatedKustomization", "FederatedNamespace", "FederatedResource", "IngressDNSRecord",
            "MemberCluster", "ReplicaSchedulingPreference", "ServiceDNSRecord"];
        assert.deepEqual(Object.keys(schema.resources).sort(), names.map(n => `pulumi-kubefed:index:${n}`));
        for (const n of names) assert.equal(kubefed[n].__pulumiType, `pulumi-kubefed:index:${n}`, `${n}: the TypeScript class has the schema's token`);
        for (const r of Object.values(schema.resources) as any[]) assert.equal(r.isComponent, true);
    });

    it("passes members, the namespace and a preference as resource references, not as object types", () => {
        const fr = schema.resources["pulumi-kubefed:index:FederatedResource"].inputProperties;
        assert.equal(fr.clusters.items.$ref, "#/resources/pulumi-kubefed:index:MemberCluster");
        assert.equal(fr.namespace.$ref, "#/resources/pulumi-kubefed:index:FederatedNamespace");
        assert.equal(fr.replicaScheduling.$ref, "#/resources/pulumi-kubefed:index:ReplicaSchedulingPreference");
        assert.equal(fr.replicaSchedulingSpec.$ref, "#/types/pulumi-kubefed:index:ReplicaSchedulingSpec");
        assert.ok(!JSON.stringify(schema).includes("Reference\""), "a placeholder reference type is left in the schema");
    });

    it("has typed outputs: cluster names, the decision and the status key", () => {
        const fr = schema.resources["pulumi-kubefed:index:FederatedResource"];
        assert.deepEqual(fr.properties.clusterNames, { type: "array", items: { type: "string" } });
        assert.equal(fr.properties.decision.$ref, "#/types/pulumi-kubefed:index:DecisionSummary");
        assert.equal(fr.properties.statusKey.type, "string");
        assert.deepEqual(fr.required, ["clusterNames", "decision"]);
        const placed = schema.types["pulumi-kubefed:index:DecisionSummary"].properties.placed;
        assert.equal(placed.additionalProperties.$ref, "#/types/pulumi-kubefed:index:PlacedCluster");
    });

    it("states alternatives as enums, and templates and override values as Any", () => {
        assert.deepEqual(schema.types["pulumi-kubefed:index:Reachability"].enum.map((e: any) => e.value).sort(), ["fail", "forget", "skip"]);
        assert.deepEqual(schema.types["pulumi-kubefed:index:OverrideOp"].enum.map((e: any) => e.value).sort(), ["add", "remove", "replace"]);
        assert.equal(schema.resources["pulumi-kubefed:index:FederatedResource"].inputProperties.template.$ref, "pulumi.json#/Any");
        assert.equal(schema.types["pulumi-kubefed:index:OverrideOperation"].properties.value.$ref, "pulumi.json#/Any");
    });

    it("DNS records: references for the federated object, the Domain and the DNS cluster; resolution as an enum and a static map, no callback", () => {
        const token = (n: string) => `pulumi-kubefed:index:${n}`;
        const ing = schema.resources[token("IngressDNSRecord")];
        const svc = schema.resources[token("ServiceDNSRecord")];
        assert.equal(ing.inputProperties.ingress.$ref, `#/resources/${token("FederatedResource")}`);
        assert.equal(svc.inputProperties.service.$ref, `#/resources/${token("FederatedResource")}`);
        assert.equal(svc.inputProperties.domain.$ref, `#/resources/${token("Domain")}`);
        for (const r of [ing, svc]) {
            assert.equal(r.inputProperties.dnsCluster.$ref, `#/resources/${token("MemberCluster")}`);
            assert.equal(r.inputProperties.resolution.$ref, `#/types/${token("HostnameResolution")}`);
            assert.deepEqual(r.inputProperties.addresses.additionalProperties.items.type, "string");
            assert.ok(!("resolve" in r.inputProperties), "a callback field reached the schema");
            assert.deepEqual(r.properties.endpoints.items, { $ref: `#/types/${token("DnsEndpoint")}` });
        }
        assert.deepEqual(ing.requiredInputs, ["dnsCluster", "hosts", "ingress"]);
        assert.deepEqual(svc.requiredInputs, ["dnsCluster", "domain", "service"]);
        // the enum's values are the ones the TypeScript component accepts
        const { HOSTNAME_RESOLUTIONS } = require("../../../src/core");
        assert.deepEqual(schema.types[token("HostnameResolution")].enum.map((e: any) => e.value).sort(), [...HOSTNAME_RESOLUTIONS].sort());
        assert.deepEqual(Object.keys(schema.types[token("DnsEndpoint")].properties).sort(), ["dnsName", "labels", "recordTTL", "recordType", "targets"]);
        const domain = schema.resources[token("Domain")];
        assert.deepEqual(domain.requiredInputs, ["domain"]);
        assert.deepEqual(domain.required, ["domain", "domainRef"]);
    });

    it("charts and kustomizations: members, namespace and preference as references, one field per alternative, a typed decision", () => {
        const token = (n: string) => `pulumi-kubefed:index:${n}`;
        const chart = schema.resources[token("FederatedChart")];
        const kust = schema.resources[token("FederatedKustomization")];
        for (const r of [chart, kust]) {
            assert.equal(r.inputProperties.clusters.items.$ref, `#/resources/${token("MemberCluster")}`);
            assert.equal(r.inputProperties.namespace.$ref, `#/resources/${token("FederatedNamespace")}`);
            assert.equal(r.inputProperties.namespaceName.type, "string");
            assert.equal(r.inputProperties.placement.$ref, `#/types/${token("Placement")}`);
            assert.deepEqual(r.properties.clusterNames, { type: "array", items: { type: "string" } });
            assert.deepEqual(r.required, ["clusterNames", "decision"]);
        }
        assert.equal(chart.inputProperties.replicaScheduling.$ref, `#/resources/${token("ReplicaSchedulingPreference")}`);
        assert.equal(chart.inputProperties.replicaSchedulingSpec.$ref, `#/types/${token("ReplicaSchedulingSpec")}`);
        assert.equal(chart.inputProperties.values.additionalProperties.$ref, "pulumi.json#/Any");
        assert.equal(chart.inputProperties.clusterValues.additionalProperties.additionalProperties.$ref, "pulumi.json#/Any");
        assert.equal(chart.properties.decision.$ref, `#/types/${token("ChartDecision")}`);
        assert.equal(kust.properties.decision.$ref, `#/types/${token("KustomizationDecision")}`);
        assert.deepEqual(kust.inputProperties.clusterDirectories.additionalProperties.type, "string");
        const cd = schema.types[token("ChartDecision")];
        // the decision every kind records, plus the chart's own fields
        const common = schema.types[token("DecisionSummary")].required;
        assert.deepEqual(cd.required, [...new Set([...common, "chart", "clusters", "releaseName", "values"])].sort());
        assert.deepEqual(schema.types[token("KustomizationDecision")].required, [...new Set([...common, "clusters", "directories"])].sort());
        assert.equal(cd.properties.values.additionalProperties.additionalProperties.$ref, "pulumi.json#/Any");
    });

    it("FederatedResource takes dependencies (an enum), rollout waves and readiness; placement takes spread constraints; the decision records them", () => {
        const token = (n: string) => `pulumi-kubefed:index:${n}`;
        const fr = schema.resources[token("FederatedResource")].inputProperties;
        assert.equal(fr.dependencies.$ref, `#/types/${token("DependencyMode")}`);
        assert.deepEqual(schema.types[token("DependencyMode")].enum.map((e: any) => e.value).sort(), ["check", "follow", "ignore"]);
        assert.equal(fr.rollout.$ref, `#/types/${token("RolloutSpec")}`);
        assert.equal(fr.readiness.additionalProperties.type, "boolean");
        const wave = schema.types[token("RolloutWave")];
        assert.deepEqual(Object.keys(wave.properties).sort(), ["clusterSelector", "clusters", "name"]);
        assert.deepEqual(wave.required, ["name"], "clusters and clusterSelector are one field per alternative, both optional");
        assert.equal(schema.types[token("Placement")].properties.spreadConstraints.items.$ref, `#/types/${token("SpreadConstraint")}`);
        assert.deepEqual(schema.types[token("SpreadField")].enum.map((e: any) => e.value).sort(), ["cluster", "provider", "region", "zone"]);
        assert.equal(schema.types[token("ReplicaSchedulingSpec")].properties.failover.type, "boolean");
        const d = schema.types[token("DecisionSummary")].properties;
        for (const f of ["failover", "spread", "rollout", "dependencies", "pulledBy"]) assert.ok(d[f], `DecisionSummary.${f}`);
        assert.equal(d.rollout.$ref, `#/types/${token("RolloutDecision")}`);
        assert.equal(d.spread.items.$ref, `#/types/${token("SpreadDecision")}`);
    });

    it("names the Python module pulumi_kubefed (not the generator's default pulumi_pulumi_kubefed)", () => {
        assert.deepEqual(schema.language.python, { packageName: "pulumi_kubefed" });
    });

    it("has no unions anywhere (one field per alternative)", () => {
        const unions: string[] = [];
        const walk = (v: unknown, at: string) => {
            if (v === null || typeof v !== "object") return;
            if ("oneOf" in (v as object)) unions.push(at);
            for (const [k, e] of Object.entries(v as object)) walk(e, `${at}/${k}`);
        };
        walk(schema, "#");
        assert.deepEqual(unions, []);
    });

    it("rewrites only the placeholder references", () => {
        const input = { types: { "pulumi-kubefed:index:MemberClusterReference": { type: "object" }, "pulumi-kubefed:index:X": { type: "object" } },
            resources: { r: { inputProperties: { a: { $ref: "#/types/pulumi-kubefed:index:MemberClusterReference" }, b: { $ref: "#/types/pulumi-kubefed:index:X" } } } } };
        const out = JSON.parse(withResourceReferences(JSON.stringify(input)));
        assert.deepEqual(out.resources.r.inputProperties, { a: { $ref: "#/resources/pulumi-kubefed:index:MemberCluster" }, b: { $ref: "#/types/pulumi-kubefed:index:X" } });
        assert.deepEqual(Object.keys(out.types), ["pulumi-kubefed:index:X"]);
    });
});
