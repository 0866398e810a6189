import { strict as assert } from "assert";
import * as fc from "fast-check";
import { describeShard, layoutOfShards, placeObject, shardOf, shardsFor, validateShardLayout, workloadBucket } from "../../../src/core/shard";

const errors = (issues: { severity: string; message: string; field: string }[]) => issues.filter(i => i.severity === "error");

describe("core/shard: workload layouts", () => {
    it("accepts namespace, label and hash shards over every member, and combined with cluster shards", () => {
        const members = ["c1", "c2", "c3"];
        assert.deepEqual(validateShardLayout({ shop: { namespaces: ["shop"] }, rest: { namespaces: ["default", "ops"] } }, { shard: "shop", members }), []);
        assert.deepEqual(validateShardLayout({ pay: { labels: { team: ["payments"] } }, other: { labels: { team: ["search", "ads"] } } }, { members }), []);
        assert.deepEqual(validateShardLayout({ w0: { hash: { of: 2, buckets: [0] } }, w1: { hash: { of: 2, buckets: [1] } } }, { members }), []);
        assert.deepEqual(validateShardLayout({ edge: ["c3"], w0: { clusters: ["c1", "c2"], hash: { of: 2, buckets: [0] } },
            w1: { clusters: ["c1", "c2"], hash: { of: 2, buckets: [1] } } }, { members }), []);
    });

    it("refuses malformed selectors, naming the field and the fix", () => {
        const one = (layout: unknown) => errors(validateShardLayout(layout));
        assert.match(one({ a: { namespaces: [] } })[0].message, /non-empty list of namespace names/);
        assert.equal(one({ a: { namespaces: [] } })[0].field, "shards.a.namespaces");
        assert.match(one({ a: { labels: { team: "x" } } })[0].message, /map each label key to the list of its accepted values/);
        assert.match(one({ a: { hash: { of: 0, buckets: [0] } } })[0].message, /number of buckets/);
        assert.match(one({ a: { hash: { of: 2, buckets: [2] } } })[0].message, /bucket numbers from 0 to 1/);
        assert.match(one({ a: { namespace: ["x"] } })[0].message, /is not a shard setting; use clusters, namespaces, labels or hash/);
        assert.match(one({ a: {} })[0].message, /selects nothing/);
    });

    it("refuses layouts that would give an object two shards or none, before any object is seen", () => {
        const e = (layout: unknown, members?: string[]) => errors(validateShardLayout(layout, members ? { members } : {})).map(i => `${i.field}: ${i.message}`);
        assert.match(e({ a: { namespaces: ["shop"] }, b: { namespaces: ["shop", "ops"] } })[0], /shards\.b: namespace "shop" is also in shard "a"/);
        assert.match(e({ a: { hash: { of: 2, buckets: [0, 1] } }, b: { hash: { of: 2, buckets: [1] } } })[0], /bucket 1 is also in shard "a"/);
        assert.match(e({ a: { hash: { of: 3, buckets: [0, 1] } } })[0], /hash buckets 2 of 3 are in no shard/);
        assert.match(e({ a: { hash: { of: 2, buckets: [0] } }, b: { hash: { of: 3, buckets: [1, 2, 0] } } }).join("\n"), /different bucket counts \(2, 3\)/);
        assert.match(e({ a: ["c1"], b: { namespaces: ["shop"] } })[0], /shards\.b: shares clusters with shard "a", and shard "a" holds every object of its clusters/);
        assert.match(e({ a: { clusters: ["c1"], namespaces: ["x"] } }, ["c1", "c2"])[0], /member cluster "c2" is in no shard/);
    });

    it("the bucket depends on the object's identity alone: any program order, any process", () => {
        // a fixed vector: changing the hash would move every object of every hash-sharded stack
        // (first 32 bits of SHA-256 of the key, modulo the count; the values were taken once, when the layout shipped)
        assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(i => workloadBucket(`FederatedResource bench-${i}`, 4)), [3, 1, 1, 0, 1, 0, 3, 1]);
        assert.equal(workloadBucket("FederatedNamespace shop", 3), 2);
        fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 16 }),
            fc.nat(), (names, of, seed) => {
                const layout = Object.fromEntries(Array.from({ length: of }, (_, i) => [`w${i}`, { hash: { of, buckets: [i] } }]));
                const place = (order: string[]) => Object.fromEntries(order.map(n => [n, placeObject(layout, { key: `FederatedResource ${n}` }, ["c1", "c2"]).shards]));
                const shuffled = [...names].sort((a, b) => ((a.charCodeAt(0) * 31 + seed) % 7) - ((b.charCodeAt(0) * 31 + seed) % 7));
                const a = place(names);
                const b = place(shuffled);
                for (const n of names) {
                    assert.deepEqual(a[n], b[n]);
                    assert.equal(a[n].length, 1, "exactly one shard per object");
                    assert.equal(a[n][0], `w${workloadBucket(`FederatedResource ${n}`, of)}`);
                }
            }));
    });

    it("buckets spread objects: 400 objects over 4 buckets, none empty or holding more than a third", () => {
        const counts = [0, 0, 0, 0];
        for (let i = 0; i < 400; i++) counts[workloadBucket(`FederatedResource bench-${i}`, 4)]++;
        for (const c of counts) assert.ok(c > 50 && c < 134, `bucket sizes ${counts.join(", ")}`);
    });

    it("places each member object in exactly one shard, naming the object, cluster and fix otherwise", () => {
        const layout = { edge: ["c3"], shop: { clusters: ["c1", "c2"], namespaces: ["shop"] }, pay: { clusters: ["c1", "c2"], labels: { team: ["payments"] } } };
        const p = placeObject(layout, { key: "FederatedResource web", namespace: "shop" }, ["c1", "c3"]);
        assert.deepEqual(p.owners, { c1: "shop", c3: "edge" });
        assert.deepEqual(p.shards, ["edge", "shop"]);
        assert.deepEqual(p.issues, []);
        const none = placeObject(layout, { key: "FederatedResource api", namespace: "ops" }, ["c1"]);
        assert.match(none.issues[0].message, /FederatedResource api \(namespace ops\) is placed in cluster "c1" but no shard of pulumi-kubefed:shards holds it there .*add its namespace or label to one shard/);
        const two = placeObject(layout, { key: "FederatedResource pay", namespace: "shop", labels: { team: "payments" } }, ["c2"]);
        assert.match(two.issues[0].message, /selected in cluster "c2" by shards "pay" and "shop"/);
        assert.deepEqual(shardsFor(layout, { key: "x", namespace: "shop" }, "c2"), ["shop"]);
        assert.equal(shardOf(layout, "c3"), "edge");
        assert.equal(shardOf(layout, "c1"), undefined, "c1 is held by workload shards, not by one shard");
    });

    it("an object placed nowhere belongs to the workload shard selecting it (which registers and reports it)", () => {
        const p = placeObject({ a: { namespaces: ["shop"] }, b: { namespaces: ["ops"] } }, { key: "FederatedResource x", namespace: "ops" }, []);
        assert.deepEqual(p.shards, ["b"]);
    });

    it("the driver's layout keeps cluster shards as plain lists and describes workload shards", () => {
        assert.deepEqual(layoutOfShards([{ name: "b", clusters: ["c3", "c2"] }, { name: "a", clusters: [], select: { namespaces: ["shop"] } }]),
            { a: { namespaces: ["shop"] }, b: ["c2", "c3"] });
        assert.equal(describeShard({ namespaces: ["shop"], hash: { of: 4, buckets: [2, 0] } }), "every cluster; namespaces shop; buckets 0, 2 of 4");
        assert.equal(describeShard(["c2", "c1"]), "c1, c2");
    });
});
