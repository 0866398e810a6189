import { strict as assert } from "assert";
import fc from "fast-check";
import { decisionChanges, decisionLine, failoverMoves, scheduleFailover, decideFederatedObject, scheduleReplicas } from "../../../src/core";

// KubeFed user guide (docs/userguide.md, ReplicaSchedulingPreference): 50 replicas over A, B and C with C capped at
// 20 gives 17/17/16; with B not ready it gives 30/0/20. Upstream plans with key "".
const guide = { totalReplicas: 50, clusters: { A: { weight: 1 }, B: { weight: 1 }, C: { weight: 1, maxReplicas: 20 } }, availableClusters: ["A", "B", "C"], key: "" };

const deployment = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "default" },
    spec: { replicas: 1, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "a", image: "x" }] } } },
};
const members = ["c1", "c2", "c3"].map(name => ({ name, labels: {} }));

describe("core: failover (replica scheduling over ready members)", () => {
    it("reproduces the KubeFed user guide: 17/17/16, and 30/0/20 with B not ready", () => {
        // which of the three gets 16 depends on the FNV hash of the names (the guide's 17/17/16 is one ordering)
        const all = scheduleFailover(guide).plan;
        assert.deepEqual(Object.values(all).sort(), [16, 17, 17]);
        const down = scheduleFailover({ ...guide, readiness: { A: true, B: false, C: true } });
        assert.deepEqual(down.plan, { A: 30, B: 0, C: 20 });
        assert.deepEqual(down.notReady, ["B"]);
        assert.deepEqual(down.planIfReady, all);
    });

    it("is exactly scheduleReplicas when every member is ready or readiness is unknown", () => {
        const cases: (Record<string, boolean> | undefined)[] = [undefined, {}, { A: true, B: true, C: true }];
        for (const readiness of cases) {
            const r = scheduleFailover({ ...guide, readiness });
            assert.deepEqual(r.plan, scheduleReplicas(guide).plan);
            assert.deepEqual(r.notReady, []);
            assert.equal(r.planIfReady, undefined);
        }
    });

    it("does not keep the current replicas of a member that is not ready (nor its capacity)", () => {
        const r = scheduleFailover({ ...guide, currentReplicas: { A: 10, B: 30, C: 10 }, estimatedCapacity: { B: 5 }, readiness: { B: false } });
        assert.equal(r.plan.B, 0);
        assert.deepEqual(r.overflow, {});
        assert.equal(r.plan.A + r.plan.C, 50);
    });

    it("plans nothing when no member is ready", () => {
        const r = scheduleFailover({ ...guide, readiness: { A: false, B: false, C: false } });
        assert.deepEqual(r.plan, { A: 0, B: 0, C: 0 });
    });

    it("keeps a not-ready member placed with 0, records why in the decision, and honours failover: false", () => {
        const input = {
            template: deployment, clusters: members, readiness: { c2: false },
            replicaScheduling: { totalReplicas: 50, clusters: { "*": { weight: 1 }, c3: { weight: 1, maxReplicas: 20 } } },
        };
        const plan = decideFederatedObject(input);
        assert.deepEqual(plan.clusters, ["c1", "c2", "c3"]);
        assert.deepEqual(plan.replicas, { c1: 30, c2: 0, c3: 20 });
        assert.deepEqual(plan.failover, { notReady: ["c2"], replicasIfReady: { c1: 17, c2: 17, c3: 16 } });
        assert.equal((plan.objects.c2.spec as { replicas: number }).replicas, 0);
        const off = decideFederatedObject({ ...input, replicaScheduling: { ...input.replicaScheduling, failover: false } });
        assert.deepEqual(off.replicas, { c1: 17, c2: 17, c3: 16 });
        assert.equal(off.failover, undefined);
        assert.throws(() => decideFederatedObject({ ...input, readiness: { c2: "no" } as unknown as Record<string, boolean> }), /readiness: must be a map/);
        assert.throws(() => decideFederatedObject({ ...input, replicaScheduling: { ...input.replicaScheduling, failover: "yes" as unknown as boolean } }),
            /replicaScheduling\.failover: must be true or false/);
    });

    it("shows the move in the decision line and in decision changes", () => {
        const placed = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([c, n]) => [c, { replicas: n, overrides: ["/spec/replicas"], images: ["x"] }]));
        const base = { apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "default", labels: {}, excluded: {}, overrideClusters: [],
            orphanOnDelete: false, retainReplicas: false, waitForReady: false, warnings: [], replicaScheduling: { totalReplicas: 50 } };
        const before = { ...base, placed: placed({ c1: 17, c2: 17, c3: 16 }) };
        const after = { ...base, placed: placed({ c1: 30, c2: 0, c3: 20 }), failover: { notReady: ["c2"], replicasIfReady: { c1: 17, c2: 17, c3: 16 } } };
        assert.deepEqual(failoverMoves(after), ["not ready: c2 17 → 0 (moved: c1 +13, c3 +4)"]);
        assert.match(decisionLine("api", after), /c1 30 · c2 0 · c3 20 \[replica scheduling\]; .*; failover: not ready: c2 17 → 0 \(moved: c1 \+13, c3 \+4\)$/);
        assert.deepEqual(decisionChanges(before, after), ["c1 17 → 30", "c2 17 → 0 (not ready)", "c3 16 → 20"]);
        assert.deepEqual(decisionChanges(after, before), ["c1 30 → 17", "c2 0 → 17 (ready again)", "c3 20 → 16"]);
        assert.deepEqual(failoverMoves(before), []);
    });

    describe("properties", () => {
        const names = ["a", "b", "c", "d", "e", "f"];
        const prefArb = fc.record({
            minReplicas: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
            maxReplicas: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
            weight: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        }).filter(p => p.minReplicas === undefined || p.maxReplicas === undefined || p.minReplicas <= p.maxReplicas);
        const inputArb = fc.record({
            totalReplicas: fc.integer({ min: 0, max: 200 }),
            rebalance: fc.boolean(),
            available: fc.subarray(names, { minLength: 1 }),
            prefs: fc.dictionary(fc.constantFrom("*", ...names), prefArb),
            current: fc.dictionary(fc.constantFrom(...names), fc.integer({ min: 0, max: 60 })),
            readiness: fc.dictionary(fc.constantFrom(...names), fc.boolean()),
            key: fc.string({ maxLength: 8 }),
        });

        it("never places replicas on a not-ready member and never more than asked", () => {
            fc.assert(fc.property(inputArb, i => {
                const r = scheduleFailover({ totalReplicas: i.totalReplicas, rebalance: i.rebalance, clusters: i.prefs, availableClusters: i.available,
                    currentReplicas: i.current, readiness: i.readiness, key: i.key });
                for (const c of i.available) if (i.readiness[c] === false) assert.equal(r.plan[c], 0, `not-ready ${c}`);
                const sum = Object.values(r.plan).reduce((s, n) => s + n, 0);
                assert.ok(sum <= i.totalReplicas, `placed ${sum} of ${i.totalReplicas}`);
                assert.ok(Object.keys(r.overflow).every(c => i.readiness[c] !== false));
            }), { numRuns: 500 });
        });

        it("places exactly the replicas asked when the ready members can hold them", () => {
            fc.assert(fc.property(inputArb, i => {
                const ready = i.available.filter(c => i.readiness[c] !== false);
                // Feasible: some ready member takes part with a weight and no maximum (weighted rounds then place all).
                const pref = (c: string) => (c in i.prefs ? i.prefs[c] : i.prefs["*"]);
                fc.pre(Object.keys(i.prefs).length > 0
                    && ready.some(c => pref(c) && (pref(c)!.weight ?? 0) > 0 && pref(c)!.maxReplicas === undefined));
                const r = scheduleFailover({ totalReplicas: i.totalReplicas, rebalance: i.rebalance, clusters: i.prefs, availableClusters: i.available,
                    currentReplicas: i.current, readiness: i.readiness, key: i.key });
                assert.equal(Object.values(r.plan).reduce((s, n) => s + n, 0), i.totalReplicas);
            }), { numRuns: 500 });
        });

        it("is deterministic: the same observations in any order give the same plan", () => {
            fc.assert(fc.property(inputArb, fc.integer(), (i, seed) => {
                const shuffled = [...i.available].sort((a, b) => ((a.charCodeAt(0) * seed) % 7) - ((b.charCodeAt(0) * seed) % 7));
                const a = scheduleFailover({ totalReplicas: i.totalReplicas, clusters: i.prefs, availableClusters: i.available, readiness: i.readiness, key: i.key });
                const b = scheduleFailover({ totalReplicas: i.totalReplicas, clusters: i.prefs, availableClusters: shuffled,
                    readiness: Object.fromEntries(Object.entries(i.readiness).reverse()), key: i.key });
                assert.deepEqual(JSON.stringify(a), JSON.stringify(b));
            }), { numRuns: 300 });
        });

        it("through decideFederatedObject: not-ready members stay placed with 0 and the total is never exceeded", () => {
            fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.dictionary(fc.constantFrom("c1", "c2", "c3"), fc.boolean()), (total, readiness) => {
                const plan = decideFederatedObject({ template: deployment, clusters: members, readiness, replicaScheduling: { totalReplicas: total } });
                assert.deepEqual(plan.clusters, ["c1", "c2", "c3"]);
                for (const [c, ok] of Object.entries(readiness)) if (!ok) assert.equal(plan.replicas![c], 0);
                const sum = Object.values(plan.replicas!).reduce((s, n) => s + n, 0);
                const anyReady = ["c1", "c2", "c3"].some(c => readiness[c] !== false);
                assert.equal(sum, anyReady ? total : 0);
            }), { numRuns: 300 });
        });
    });
});
