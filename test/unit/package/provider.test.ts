import { strict as assert } from "assert";
import { constructComponent } from "../../../src/package/provider";

// The package's provider takes one field per alternative; both given is refused before any component is built,
// naming the component, both fields and the fix. (References are checked against the components the same
// provider built: a URN it never built is refused the same way.)
describe("package: provider argument checks", () => {
    const T = "pulumi-kubefed:index:";
    it("refuses both fields of one alternative, naming the component and both fields", async () => {
        await assert.rejects(constructComponent("hello", `${T}FederatedChart`, { chart: "./c", namespace: "urn:x", namespaceName: "apps" }, {}),
            /^Error: FederatedChart hello: namespaceName: cannot be combined with namespace; pass the FederatedNamespace or a namespace name, not both$/);
        await assert.rejects(constructComponent("web", `${T}FederatedResource`, { template: {}, replicaScheduling: "urn:x", replicaSchedulingSpec: { totalReplicas: 1 } }, {}),
            /^Error: FederatedResource web: replicaSchedulingSpec: cannot be combined with replicaScheduling; pass the preference resource or an inline spec, not both$/);
        await assert.rejects(constructComponent("greeting", `${T}FederatedKustomization`, { directory: "./d", namespace: "urn:x", namespaceName: "apps" }, {}),
            /^Error: FederatedKustomization greeting: namespaceName: cannot be combined with namespace/);
    });
    it("refuses a reference to something this package did not build, naming the field", async () => {
        await assert.rejects(constructComponent("shop", `${T}IngressDNSRecord`, { dnsCluster: "urn:pulumi:s::p::pulumi-kubefed:index:MemberCluster::nope", ingress: "urn:x", hosts: ["a.test"] }, {}),
            /^Error: IngressDNSRecord shop: dnsCluster: is not a MemberCluster of this package/);
        await assert.rejects(constructComponent("api", `${T}FederatedChart`, { chart: "./c", clusters: ["urn:nope"] }, {}),
            /^Error: FederatedChart api: clusters\[0\]: is not a MemberCluster of this package/);
    });
});
