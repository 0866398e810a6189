/** Unit tests of `kubefed-cluster-count` (fake policy arguments, see ./helpers.ts). */
import { strict as assert } from "assert";
import { NAMES, TYPES, clusterCountPolicy } from "../policies";
import { decision, resourceArgs, violations } from "./helpers";

const FR = TYPES.federatedResource;
const fr = (name: string, d = decision(), config?: Record<string, unknown>) => resourceArgs(FR, name, { decision: d }, { config });

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe(NAMES.clusterCount, () => {
    it("flags a Deployment placed in one cluster, naming the resource, the cluster and other candidates", async () => {
        const v = await violations(clusterCountPolicy, fr("web", decision({ clusters: ["east"], images: { east: ["nginx"] }, excluded: { eu: "labels do not match placement.clusterSelector", west: "not listed in placement.clusters" } })));
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedResource "web"`, "apps/v1 Deployment shop/web", "1 member cluster (east)", "minimum of 2", `"eu", "west"`);
    });
    it("accepts a Deployment in two clusters", async () => {
        assert.deepEqual(await violations(clusterCountPolicy, fr("web")), []);
    });
    it("counts only clusters that get replicas under replica scheduling", async () => {
        const d = decision({ replicaScheduling: { totalReplicas: 5, clusters: { east: { weight: 1 } } }, replicas: { east: 5, west: 0 }, unplacedReplicas: 0 });
        const v = await violations(clusterCountPolicy, fr("web", d));
        assert.equal(v.length, 1);
        mentions(v[0], "1 cluster with replicas (east=5)", "replicaScheduling");
    });
    it("ignores kinds without replicas unless configured", async () => {
        const cm = decision({ apiVersion: "v1", kind: "ConfigMap", name: "cfg", clusters: ["east"], images: {} });
        assert.deepEqual(await violations(clusterCountPolicy, fr("cfg", cm)), []);
        const v = await violations(clusterCountPolicy, fr("cfg", cm, { kinds: ["*"] }));
        assert.equal(v.length, 1);
        mentions(v[0], "v1 ConfigMap shop/cfg");
        assert.equal((await violations(clusterCountPolicy, fr("cfg", cm, { kinds: ["v1/ConfigMap"] }))).length, 1);
    });
    it("honours minClusters and maxClusters from config", async () => {
        assert.deepEqual(await violations(clusterCountPolicy, fr("web", decision({ clusters: ["east"] }), { minClusters: 1 })), []);
        const v = await violations(clusterCountPolicy, fr("web", decision(), { maxClusters: 1 }));
        assert.equal(v.length, 1);
        mentions(v[0], "2 member clusters (east, west)", "maximum of 1");
    });
    it("ignores other resource types", async () => {
        assert.deepEqual(await violations(clusterCountPolicy, resourceArgs("kubernetes:apps/v1:Deployment", "web-east", { spec: {} })), []);
    });
});
