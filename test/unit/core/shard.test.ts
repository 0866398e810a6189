import { strict as assert } from "assert";
import * as fc from "fast-check";
import {
    NormalizedDecision, canonical, compareShardDecisions, decisionDigest, firstDifference, shardOf, shardRecord,
    validateShardLayout,
} from "../../../src/core";

const decision = (over: Partial<NormalizedDecision> = {}): NormalizedDecision => ({
    version: "0.1.0",
    members: {
        c1: { clusterName: "c1", labels: { tier: "prod" }, region: "us-east", zones: ["a"] },
        c2: { clusterName: "c2", labels: { tier: "prod" }, zones: [] },
    },
    objects: {
        "FederatedResource web": { kind: "Deployment", name: "web", placed: { c1: { replicas: 3 }, c2: { replicas: 3 } } },
        "FederatedNamespace shop": { kind: "Namespace", name: "shop", placed: { c1: {}, c2: {} } },
    },
    ...over,
});

const errors = (issues: { severity: string; message: string; field: string }[]) => issues.filter(i => i.severity === "error");

describe("core/shard: layout", () => {
    it("accepts a layout that covers every member exactly once", () => {
        assert.deepEqual(validateShardLayout({ a: ["c1"], b: ["c2", "c3"] }, { shard: "a", members: ["c1", "c2", "c3"] }), []);
    });

    it("refuses one cluster in two shards, naming both", () => {
        const e = errors(validateShardLayout({ a: ["c1", "c2"], b: ["c2"] }));
        assert.equal(e.length, 1);
        assert.match(e[0].message, /cluster "c2" is also in shard "a"/);
        assert.equal(e[0].field, "shards.b");
    });

    it("refuses a member no shard covers and a layout cluster that is no member", () => {
        const e = errors(validateShardLayout({ a: ["c1"], b: ["c9"] }, { members: ["c1", "c2"] }));
        assert.equal(e.length, 2);
        assert.match(e[0].message, /member cluster "c2" is in no shard/);
        assert.match(e[1].message, /cluster "c9" is not a member cluster of the program/);
    });

    it("refuses an unknown shard, bad shard names, empty and malformed layouts", () => {
        assert.match(errors(validateShardLayout({ a: ["c1"] }, { shard: "b" }))[0].message, /"b" is not a shard of the layout \(shards: a\)/);
        assert.match(errors(validateShardLayout({ East: ["c1"] }))[0].message, /shard name .*DNS-1123 label/);
        assert.match(errors(validateShardLayout({}))[0].message, /lists no shard/);
        assert.match(errors(validateShardLayout({ a: [] }))[0].message, /has no cluster/);
        assert.match(errors(validateShardLayout(["c1"]))[0].message, /must map each shard name/);
        assert.match(errors(validateShardLayout({ a: "c1" }))[0].message, /must be a list of member cluster names/);
        assert.match(errors(validateShardLayout({ a: ["c1", "c1"] }))[0].message, /lists cluster "c1" twice/);
    });

    it("property: a layout partitioning the members is valid, and moving any cluster into a second shard is not", () => {
        fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { minLength: 2, maxLength: 12 }),
            fc.integer({ min: 1, max: 5 }), fc.nat(), (members, shards, pick) => {
                const layout: Record<string, string[]> = {};
                members.forEach((m, i) => { (layout[`s${i % shards}`] ??= []).push(m); });
                assert.deepEqual(errors(validateShardLayout(layout, { members })), []);
                for (const m of members) assert.equal(layout[shardOf(layout, m)!].includes(m), true);
                const names = Object.keys(layout);
                if (names.length < 2) return;
                const victim = members[pick % members.length];
                const other = names.find(n => !layout[n].includes(victim))!;
                const broken = { ...layout, [other]: [...layout[other], victim] };
                assert.ok(errors(validateShardLayout(broken, { members })).some(i => i.message.includes(`cluster "${victim}" is also in shard`)));
            }));
    });
});

describe("core/shard: digest and differences", () => {
    it("the digest ignores key order and changes with any value or the library version", () => {
        const d = decision();
        const reordered: NormalizedDecision = JSON.parse(JSON.stringify({ objects: d.objects, members: d.members, version: d.version }));
        assert.equal(decisionDigest(reordered), decisionDigest(d));
        assert.match(decisionDigest(d), /^sha256:[0-9a-f]{64}$/);
        assert.notEqual(decisionDigest(decision({ version: "0.2.0" })), decisionDigest(d));
        const changed = decision();
        (changed.objects["FederatedResource web"] as any).placed.c2.replicas = 2;
        assert.notEqual(decisionDigest(changed), decisionDigest(d));
    });

    it("canonical() keeps a key named __proto__ as a key, so it counts in the digest (fast-check found it dropped)", () => {
        const o = JSON.parse('{"b": 1, "__proto__": [], "a": {"__proto__": {"x": 1}}}');
        assert.equal(JSON.stringify(canonical(o)), '{"__proto__":[],"a":{"__proto__":{"x":1}},"b":1}');
        const d = { version: "x", members: {}, objects: { o } };
        assert.notEqual(decisionDigest(d), decisionDigest({ ...d, objects: { o: { b: 1, a: {} } } }));
    });

    it("property: canonical() is idempotent and the digest is invariant under key shuffles", () => {
        fc.assert(fc.property(fc.object({ maxDepth: 3 }), fc.nat(), (o, seed) => {
            const shuffle = (v: unknown, s: number): unknown => {
                if (Array.isArray(v)) return v.map(x => shuffle(x, s + 1));
                if (v && typeof v === "object") {
                    const ks = Object.keys(v);
                    const rot = ks.length ? s % ks.length : 0;
                    // fromEntries: a `__proto__` key (fast-check generates them) stays a key
                    return Object.fromEntries([...ks.slice(rot), ...ks.slice(0, rot)].map(k => [k, shuffle((v as Record<string, unknown>)[k], s + 1)]));
                }
                return v;
            };
            assert.deepEqual(canonical(canonical(o)), canonical(o));
            const d = { version: "x", members: {}, objects: { o } };
            assert.equal(decisionDigest({ ...d, objects: { o: shuffle(o, seed) } }), decisionDigest(d));
        }));
    });

    it("firstDifference names the first differing path in sorted order, with both values", () => {
        const a = decision();
        const b = decision();
        (b.objects["FederatedResource web"] as any).placed.c2.replicas = 2;
        (b.objects["FederatedNamespace shop"] as any).placed.c3 = {};
        // "FederatedNamespace shop" sorts before "FederatedResource web"
        assert.deepEqual(firstDifference(a, b), { path: 'objects["FederatedNamespace shop"].placed.c3', left: undefined, right: {} });
        assert.equal(firstDifference(a, decision()), undefined);
        assert.deepEqual(firstDifference({ l: [1, 2] }, { l: [1] }), { path: "l[1]", left: 2, right: undefined });
    });

    it("compareShardDecisions: equal digests pass; a mismatch names both shards and the first difference", () => {
        const a = decision();
        const b = decision();
        (b.objects["FederatedResource web"] as any).placed.c1.replicas = 4;
        const rec = (d: NormalizedDecision, s: string) => ({ shard: s, record: shardRecord(d, s, ["c1"]), decision: d });
        assert.equal(compareShardDecisions([rec(a, "x"), rec(decision(), "y"), rec(decision(), "z")]), undefined);
        const m = compareShardDecisions([rec(b, "west"), rec(a, "east"), rec(a, "eu")])!;
        assert.equal(m.left, "east");
        assert.equal(m.right, "west");
        assert.equal(m.difference.path, 'objects["FederatedResource web"].placed.c1.replicas');
        assert.match(m.message, /shards "east" and "west" computed different federation decisions/);
        assert.match(m.message, /3 in "east" vs 4 in "west"/);
        assert.match(m.message, /nothing was applied/);
    });

    it("compareShardDecisions from records alone names the version, else the first object that differs", () => {
        const a = decision();
        const b = decision({ version: "0.2.0" });
        const m = compareShardDecisions([{ shard: "a", record: shardRecord(a, "a", []) }, { shard: "b", record: shardRecord(b, "b", []) }])!;
        assert.equal(m.difference.path, "version");
        const c = decision();
        (c.objects["FederatedResource web"] as any).name = "other";
        const n = compareShardDecisions([{ shard: "a", record: shardRecord(a, "a", []) }, { shard: "b", record: shardRecord(c, "b", []) }])!;
        assert.equal(n.difference.path, 'objects["FederatedResource web"]');
    });
});
