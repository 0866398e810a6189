/** Unit tests of `kubefed-unique-member-objects` (fake policy arguments, see ./helpers.ts). */
import { strict as assert } from "assert";
import { NAMES, TYPES, uniqueObjectsPolicy } from "../policies";
import { decision, stackResource, stackViolations } from "./helpers";

const FR = TYPES.federatedResource;

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe(NAMES.uniqueObjects, () => {
    const fed = (name: string, d = decision()) => stackResource(FR, name, { decision: d, clusterNames: Object.keys(d.placed) });
    it("flags two federated resources emitting the same object into the same cluster", async () => {
        const v = await stackViolations(uniqueObjectsPolicy, [fed("web"), fed("web-copy", decision({ clusters: ["west", "eu"], apiVersion: "apps/v1beta2" }))]);
        assert.equal(v.length, 1);
        mentions(v[0], "Deployment.apps shop/web", `cluster "west"`, `FederatedResource "web" and FederatedResource "web-copy"`);
    });
    it("accepts disjoint clusters, other namespaces and other kinds", async () => {
        assert.deepEqual(await stackViolations(uniqueObjectsPolicy, [
            fed("web"), fed("web-eu", decision({ clusters: ["eu"] })), fed("web-ns2", decision({ namespace: "other" })),
            fed("svc", decision({ apiVersion: "v1", kind: "Service" })),
        ]), []);
    });
    it("also compares plain Kubernetes resources on a member's provider (configurable)", async () => {
        const member = stackResource(TYPES.memberCluster, "member-west", { clusterName: "west" });
        const prov = stackResource(TYPES.k8sProvider, "member-west", {}, { parent: member });
        const f = fed("web");
        const child = stackResource("kubernetes:apps/v1:Deployment", "web-west", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" } }, { parent: f, provider: prov });
        const stray = stackResource("kubernetes:apps/v1:Deployment", "legacy-web", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" } }, { provider: prov });
        const v = await stackViolations(uniqueObjectsPolicy, [member, prov, f, child, stray]);
        assert.equal(v.length, 1, v.join("\n"));
        mentions(v[0], `cluster "west"`, `FederatedResource "web" and kubernetes:apps/v1:Deployment "legacy-web"`);
        assert.deepEqual(await stackViolations(uniqueObjectsPolicy, [member, prov, f, child, stray], { includeUnmanagedResources: false }), []);
    });
    it("skips resources whose identity is unknown at preview", async () => {
        const prov = stackResource(TYPES.k8sProvider, "p", {});
        const unknown = stackResource("kubernetes:core/v1:ConfigMap", "a", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }, { provider: prov });
        const same = stackResource("kubernetes:core/v1:ConfigMap", "b", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }, { provider: prov });
        assert.deepEqual(await stackViolations(uniqueObjectsPolicy, [prov, unknown, same]), []);
    });
});
