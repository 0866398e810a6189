import { strict as assert } from "assert";
import { ClusterInfo, ValidationError, mergeValues, decideFederatedChart } from "../../../src/core";

const clusters: ClusterInfo[] = [{ name: "a", labels: { env: "prod" } }, { name: "b", labels: { env: "prod" } }, { name: "c", labels: { env: "dev" } }];
const base = { replicaCount: 1, image: { repository: "nginx", tag: "1.25" }, message: "hello", list: [1, 2] };

describe("chart: values merge (Helm's rules)", () => {
    it("maps merge recursively, scalars and lists replace, null removes", () => {
        assert.deepEqual(mergeValues(base, { image: { tag: "1.27" }, list: [3], message: null }),
            { replicaCount: 1, image: { repository: "nginx", tag: "1.27" }, list: [3] });
    });
    it("inputs are not changed", () => {
        const b = JSON.parse(JSON.stringify(base));
        mergeValues(b, { image: { tag: "x" } });
        assert.deepEqual(b, base);
    });

    it("mergeValues keeps a key named __proto__ as a value key and merges into it", () => {
        const merged = mergeValues(JSON.parse('{"__proto__": {"a": 1}}'), JSON.parse('{"__proto__": {"b": 2}, "c": 3}'));
        assert.equal(JSON.stringify(merged), '{"__proto__":{"a":1,"b":2},"c":3}');
        assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    });
});

describe("chart: decideFederatedChart", () => {
    it("places by selector and gives each cluster the shared values merged with its own", () => {
        const p = decideFederatedChart({ clusters, placement: { clusterSelector: { matchLabels: { env: "prod" } } }, values: base,
            clusterValues: { b: { message: "hi from b", image: { tag: "1.27" } } }, key: "shop/hello" });
        assert.deepEqual(p.clusters, ["a", "b"]);
        assert.deepEqual(p.values.a, base);
        assert.deepEqual(p.values.b, { ...base, message: "hi from b", image: { repository: "nginx", tag: "1.27" } });
        assert.deepEqual(p.warnings, []);
    });
    it("values for a cluster that is not placed warn", () => {
        const p = decideFederatedChart({ clusters, placement: { clusters: [{ name: "a" }] }, clusterValues: { c: { x: 1 } }, key: "k" });
        assert.ok(p.warnings.some(w => w.startsWith(`clusterValues["c"]`) && /not placed/.test(w)), p.warnings.join("\n"));
    });
    it("values for an unknown cluster are an error", () => {
        assert.throws(() => decideFederatedChart({ clusters, placement: { clusterSelector: {} }, clusterValues: { zz: {} }, key: "k" }),
            (e: unknown) => e instanceof ValidationError && /clusterValues\["zz"\]: unknown cluster/.test(e.message));
    });
    it("replica scheduling writes each cluster's replicas at the named values path", () => {
        const p = decideFederatedChart({ clusters, values: base, replicaScheduling: { totalReplicas: 4, intersectWithClusterSelector: true },
            placement: { clusterSelector: { matchLabels: { env: "prod" } } }, replicasPath: "web.replicas", key: "shop/hello" });
        assert.deepEqual(p.clusters, ["a", "b"]);
        assert.deepEqual(p.replicas, { a: 2, b: 2 });
        assert.deepEqual((p.values.a as any).web, { replicas: 2 });
        assert.equal(p.unplacedReplicas, 0);
    });
    it("replica scheduling without replicasPath is an error saying what to set", () => {
        assert.throws(() => decideFederatedChart({ clusters, replicaScheduling: { totalReplicas: 2 }, key: "k" }),
            (e: unknown) => e instanceof ValidationError && /replicasPath: is required with replicaScheduling/.test(e.message));
    });
    it("a cluster's values setting the scheduled path is an error naming both", () => {
        assert.throws(() => decideFederatedChart({ clusters, replicaScheduling: { totalReplicas: 2 }, replicasPath: "replicaCount",
            clusterValues: { a: { replicaCount: 0 } }, key: "k" }),
        (e: unknown) => e instanceof ValidationError && /clusterValues\["a"\]\.replicaCount: is set, but replicaScheduling/.test(e.message));
    });
});
