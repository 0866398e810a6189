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

    it("serves the four components under the TypeScript classes' type tokens", () => {
        assert.deepEqual(Object.keys(schema.resources).sort(), ["FederatedNamespace", "FederatedResource", "MemberCluster", "ReplicaSchedulingPreference"]
            .map(n => `pulumi-kubefed:index:${n}`));
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

    it("rewrites only the placeholder references", () => {
        const input = { types: { "pulumi-kubefed:index:MemberClusterReference": { type: "object" }, "pulumi-kubefed:index:X": { type: "object" } },
            resources: { r: { inputProperties: { a: { $ref: "#/types/pulumi-kubefed:index:MemberClusterReference" }, b: { $ref: "#/types/pulumi-kubefed:index:X" } } } } };
        const out = JSON.parse(withResourceReferences(JSON.stringify(input)));
        assert.deepEqual(out.resources.r.inputProperties, { a: { $ref: "#/resources/pulumi-kubefed:index:MemberCluster" }, b: { $ref: "#/types/pulumi-kubefed:index:X" } });
        assert.deepEqual(Object.keys(out.types), ["pulumi-kubefed:index:X"]);
    });
});
