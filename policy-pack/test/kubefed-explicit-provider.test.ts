/** Unit tests of `kubefed-explicit-provider` (fake policy arguments, see ./helpers.ts). */
import { strict as assert } from "assert";
import { NAMES, TYPES, explicitProviderPolicy, isDefaultProviderUrn } from "../policies";
import { resourceArgs, urnOf, violations } from "./helpers";

const FR = TYPES.federatedResource;

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe(NAMES.explicitProvider, () => {
    const parent = urnOf(FR, "web");
    const child = (provider: { urn: string; name: string }, config?: Record<string, unknown>) =>
        resourceArgs("kubernetes:apps/v1:Deployment", "web-east", { metadata: { name: "web" } }, { provider, parent, config });
    const defaultProvider = { urn: urnOf(TYPES.k8sProvider, "default_4_32_0"), name: "default_4_32_0" };
    const memberProvider = { urn: urnOf(TYPES.k8sProvider, "east", TYPES.memberCluster), name: "east" };

    it("flags a Kubernetes resource on the default provider", async () => {
        const v = await violations(explicitProviderPolicy, child(defaultProvider));
        assert.equal(v.length, 1);
        mentions(v[0], `kubernetes:apps/v1:Deployment "web-east"`, "child of web", "default_4_32_0", "disable-default-providers");
    });
    it("accepts a member provider, ignores non-Kubernetes types and honours exemptTypes", async () => {
        assert.deepEqual(await violations(explicitProviderPolicy, child(memberProvider)), []);
        assert.deepEqual(await violations(explicitProviderPolicy, child(defaultProvider, { exemptTypes: ["kubernetes:apps/"] })), []);
        assert.deepEqual(await violations(explicitProviderPolicy, resourceArgs(TYPES.memberCluster, "east", {}, { provider: defaultProvider })), []);
    });
    it("recognises default provider URNs", () => {
        assert.ok(isDefaultProviderUrn("urn:pulumi:s::p::pulumi:providers:kubernetes::default"));
        assert.ok(isDefaultProviderUrn("urn:pulumi:s::p::pulumi:providers:kubernetes::default_4_32_0"));
        assert.ok(!isDefaultProviderUrn("urn:pulumi:s::p::pulumi-kubefed:index:MemberCluster$pulumi:providers:kubernetes::default-east"));
    });
});
