import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byName, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";

// The README's quickstart program, as written there, and the result the README states for it.
describe("README quickstart (mocked engine)", () => {
    beforeEach(reset);

    it("lands web in east and west with west's image overridden, the namespace everywhere", async () => {
        const kubeconfig = pulumi.secret("apiVersion: v1\nkind: Config\n");
        const east = new kubefed.MemberCluster("east", { kubeconfig, context: "east", labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] });
        const west = new kubefed.MemberCluster("west", { kubeconfig, context: "west", labels: { tier: "prod" }, region: "us-west", zones: ["us-west-2a"] });
        const eu = new kubefed.MemberCluster("eu", { kubeconfig, context: "eu", labels: { tier: "staging" }, region: "eu-central", zones: ["eu-central-1a"] });
        const clusters = [east, west, eu];
        const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });
        const web = new kubefed.FederatedResource("web", {
            clusters, namespace: shop,
            template: {
                apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
                spec: { replicas: 2, selector: { matchLabels: { app: "web" } },
                        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } } },
            },
            placement: { clusterSelector: { matchLabels: { tier: "prod" } } },
            overrides: [{ clusterName: "west", clusterOverrides: [{ path: "/spec/template/spec/containers/0/image", value: "nginx:1.27" }] }],
        });
        await settle(web, shop, ...Object.values(web.resources), ...Object.values(shop.resources));
        assert.deepEqual(shop.clusterNames, ["east", "eu", "west"]);
        assert.deepEqual(web.clusterNames, ["east", "west"]);
        assert.equal(byName("web-east").inputs.spec.template.spec.containers[0].image, "nginx:1.25");
        assert.equal(byName("web-west").inputs.spec.template.spec.containers[0].image, "nginx:1.27");
        for (const c of ["web-east", "web-west"]) assert.equal(byName(c).inputs.metadata.labels["kubefed.io/managed"], "true");
        assert.equal(byName("web", "pulumi-kubefed:index:FederatedResource").inputs.decision.excluded.eu, "labels do not match placement.clusterSelector");
        assert.deepEqual(Object.fromEntries(Object.entries(web.decision.placed).map(([c, p]) => [c, p.images])), { east: ["nginx:1.25"], west: ["nginx:1.27"] });
    });

    it("the ReplicaSchedulingPreference example splits 9 as east 4, west 4, eu 1", async () => {
        const kubeconfig = pulumi.secret("x");
        const clusters = ["east", "west", "eu"].map(n => new kubefed.MemberCluster(n, { kubeconfig }));
        const rsp = new kubefed.ReplicaSchedulingPreference("web", { totalReplicas: 9, clusters: { "*": { weight: 1 }, eu: { weight: 1, maxReplicas: 1 } } });
        const web = new kubefed.FederatedResource("web", { clusters, replicaScheduling: rsp, template: {
            apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { replicas: 1 } } });
        assert.deepEqual(kubefed.replicasOf(web.decision), { east: 4, eu: 1, west: 4 });
    });

    it("the FederatedResource and FederatedNamespace examples give the stated objects", async () => {
        const kubeconfig = pulumi.secret("x");
        const [east, west, eu] = [["east", "prod"], ["west", "prod"], ["eu", "staging"]].map(([n, tier]) =>
            new kubefed.MemberCluster(n, { kubeconfig, labels: { tier } }));
        const clusters = [east, west, eu];
        const cm = new kubefed.FederatedResource("settings", {
            clusters,
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { mode: "normal" } },
            placement: { clusters: [{ name: "east" }, { name: "eu" }] },
            overrides: [{ clusterName: "eu", clusterOverrides: [
                { path: "/data/mode", value: "gdpr" },
                { op: "add", path: "/data/region", value: "eu" },
            ] }],
        });
        const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusters: [{ name: "east" }, { name: "eu" }] } });
        const web = new kubefed.FederatedResource("web", { clusters, namespace: shop,
            template: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 1 } },
            placement: { clusterSelector: { matchLabels: { tier: "prod" } } } });
        await settle(cm, shop, web, ...Object.values(cm.resources), ...Object.values(shop.resources), ...Object.values(web.resources));
        assert.deepEqual(cm.clusterNames, ["east", "eu"]);
        assert.deepEqual(byName("settings-east").inputs.data, { mode: "normal" });
        assert.deepEqual(byName("settings-eu").inputs.data, { mode: "gdpr", region: "eu" });
        assert.deepEqual(shop.clusterNames, ["east", "eu"]);
        assert.deepEqual(web.clusterNames, ["east"]);
        assert.deepEqual(byName("web-east").dependencies, [await new Promise(r => shop.resources.east.urn.apply(r))]);
    });
});
