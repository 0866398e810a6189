import { strict as assert } from "assert";
import fc from "fast-check";
import { ClusterPreference, ReplicaScheduleInput, ValidationError, fnv1_32, scheduleReplicas } from "../../../src/core";

type Prefs = Record<string, ClusterPreference>;

/*
 * Table cases ported from KubeFed's own planner tests:
 * kubernetes-retired/kubefed pkg/controller/util/planner/planner_test.go (TestEqual, TestEqualWithExisting,
 * TestWithExistingAndCapacity, TestMin, TestMax, TestWeight). Upstream calls Plan with key "" — so do we — and
 * the expected maps are upstream's, copied by hand (including the "hash dependent" ones and the known-odd
 * `A: 0, B: 50` case upstream marks with a TODO).
 */
function check(prefs: Prefs, total: number, clusters: string[], expected: Record<string, number>) {
    const r = scheduleReplicas({ totalReplicas: total, clusters: prefs, availableClusters: clusters, key: "" });
    assert.deepEqual(r.plan, expected);
    assert.deepEqual(r.overflow, {});
}
function checkExisting(prefs: Prefs, total: number, clusters: string[], existing: Record<string, number>, expected: Record<string, number>) {
    const r = scheduleReplicas({ totalReplicas: total, clusters: prefs, availableClusters: clusters, currentReplicas: existing, key: "" });
    assert.deepEqual(r.overflow, {});
    assert.deepEqual(r.plan, expected);
}
function checkCapacity(rebalance: boolean, prefs: Prefs, total: number, clusters: string[], existing: Record<string, number>,
                       capacity: Record<string, number>, expected: Record<string, number>, expectedOverflow: Record<string, number>) {
    const r = scheduleReplicas({ totalReplicas: total, rebalance, clusters: prefs, availableClusters: clusters, currentReplicas: existing, estimatedCapacity: capacity, key: "" });
    assert.deepEqual(r.plan, expected);
    assert.deepEqual(r.overflow, expectedOverflow);
}

describe("planner: FNV-1 tie-break hash", () => {
    it("matches the spec's anchors for A..D with key \"\" (docs/semantics.md#replica-algorithm step 2)", () => {
        assert.equal(fnv1_32("A"), 0x050c5d5e);
        assert.equal(fnv1_32("B"), 0x050c5d5d);
        assert.equal(fnv1_32("C"), 0x050c5d5c);
        assert.equal(fnv1_32("D"), 0x050c5d5b);
    });
    it("matches published FNV-1 (not 1a) 32-bit test vectors", () => {
        assert.equal(fnv1_32(""), 0x811c9dc5);
        assert.equal(fnv1_32("a"), 0x050c5d7e); // FNV-1a("a") would be 0xe40c292c
        assert.equal(fnv1_32("foobar"), 0x31f0b262);
    });
    it("hashes the UTF-8 bytes (a non-ASCII name equals its byte-wise hash)", () => {
        // "é" is C3 A9 in UTF-8: hash the two bytes by hand.
        let h = 0x811c9dc5;
        for (const b of [0xc3, 0xa9]) h = (Math.imul(h, 0x01000193) ^ b) >>> 0;
        assert.equal(fnv1_32("é"), h);
    });
});

describe("planner: upstream TestEqual", () => {
    it("50 over A,B,C", () => check({ "*": { weight: 1 } }, 50, ["A", "B", "C"], { A: 16, B: 17, C: 17 }));
    it("50 over A,B", () => check({ "*": { weight: 1 } }, 50, ["A", "B"], { A: 25, B: 25 }));
    it("1 over A,B", () => check({ "*": { weight: 1 } }, 1, ["A", "B"], { A: 0, B: 1 }));
    it("1 over A,B,C,D", () => check({ "*": { weight: 1 } }, 1, ["A", "B", "C", "D"], { A: 0, B: 0, C: 0, D: 1 }));
    it("1 over A", () => check({ "*": { weight: 1 } }, 1, ["A"], { A: 1 }));
    it("1 over nothing", () => check({ "*": { weight: 1 } }, 1, [], {}));
});

describe("planner: upstream TestEqualWithExisting", () => {
    const w = { "*": { weight: 1 } };
    const cases: [number, string[], Record<string, number>, Record<string, number>][] = [
        [50, ["A", "B", "C"], { C: 30 }, { A: 10, B: 10, C: 30 }],
        [50, ["A", "B"], { A: 30 }, { A: 30, B: 20 }],
        [15, ["A", "B"], { A: 0, B: 8 }, { A: 7, B: 8 }],
        [15, ["A", "B"], { A: 1, B: 8 }, { A: 7, B: 8 }],
        [15, ["A", "B"], { A: 4, B: 8 }, { A: 7, B: 8 }],
        [15, ["A", "B"], { A: 5, B: 8 }, { A: 7, B: 8 }],
        [15, ["A", "B"], { A: 6, B: 8 }, { A: 7, B: 8 }],
        [15, ["A", "B"], { A: 7, B: 8 }, { A: 7, B: 8 }],
        [500000, ["A", "B"], { A: 300000 }, { A: 300000, B: 200000 }],
        [50, ["A", "B"], { A: 10 }, { A: 25, B: 25 }],
        [50, ["A", "B"], { A: 10, B: 70 }, { A: 0, B: 50 }], // upstream: "TODO: Should be 10:40"
        [1, ["A", "B"], { A: 30 }, { A: 1, B: 0 }],
        [50, ["A", "B"], { A: 10, B: 20 }, { A: 25, B: 25 }],
    ];
    for (const [total, clusters, existing, expected] of cases) {
        it(`${total} over ${clusters.join(",")} with existing ${JSON.stringify(existing)}`, () => checkExisting(w, total, clusters, existing, expected));
    }
});

describe("planner: upstream TestWithExistingAndCapacity", () => {
    it("rebalance, C capacity 10", () => checkCapacity(true, { "*": { weight: 1 } }, 50, ["A", "B", "C"], {}, { C: 10 }, { A: 20, B: 20, C: 10 }, { C: 7 }));
    it("rebalance, B capacity 10, A unavailable", () =>
        checkCapacity(true, { A: { weight: 10000 }, B: { weight: 1 } }, 50, ["B", "C"], {}, { B: 10 }, { B: 10, C: 0 }, { B: 40 }));
    it("rebalance, A:1 B:2, B capacity 10", () =>
        checkCapacity(true, { A: { weight: 1 }, B: { weight: 2 } }, 60, ["A", "B", "C"], {}, { B: 10 }, { A: 50, B: 10, C: 0 }, { B: 30 }));
    it("rebalance, max and capacity together", () =>
        checkCapacity(true, { A: { weight: 10000, maxReplicas: 10 }, B: { weight: 1 }, C: { weight: 1, maxReplicas: 21 }, D: { weight: 1, maxReplicas: 10 } },
            71, ["A", "B", "C", "D"], {}, { C: 10 }, { A: 10, B: 41, C: 10, D: 10 }, { C: 11 }));
    it("no rebalance, both capacity-limited", () =>
        checkCapacity(false, { A: { weight: 1 }, B: { weight: 1 } }, 60, ["A", "B", "C"], {}, { A: 10, B: 10 }, { A: 10, B: 10, C: 0 }, { A: 20, B: 20 }));
    it("no rebalance, overflow trimmed to nothing", () =>
        checkCapacity(false, { A: { weight: 1 }, B: { weight: 5 } }, 60, ["A", "B", "C"], {}, { B: 10 }, { A: 50, B: 10, C: 0 }, {}));
    it("no rebalance, minimums capped by capacity", () =>
        checkCapacity(false, { "*": { minReplicas: 20, weight: 0 } }, 50, ["A", "B", "C"], {}, { B: 10 }, { A: 20, B: 10, C: 20 }, {}));
    it("rebalance, minimums then capacity", () =>
        checkCapacity(true, { "*": { minReplicas: 20, weight: 1 } }, 60, ["A", "B"], {}, { B: 10 }, { A: 50, B: 10 }, { B: 15 }));
});

describe("planner: upstream TestMin", () => {
    it("min 2 each, weight 0", () => check({ "*": { minReplicas: 2, weight: 0 } }, 50, ["A", "B", "C"], { A: 2, B: 2, C: 2 }));
    it("min 20 each over 50: A is last in hash order", () => check({ "*": { minReplicas: 20, weight: 0 } }, 50, ["A", "B", "C"], { A: 10, B: 20, C: 20 }));
    it("own entry beats *", () => check({ "*": { minReplicas: 20, weight: 0 }, A: { minReplicas: 100, weight: 1 } }, 50, ["A", "B", "C"], { A: 50, B: 0, C: 0 }));
    it("min with max", () => check({ "*": { minReplicas: 10, weight: 1, maxReplicas: 12 } }, 50, ["A", "B", "C"], { A: 12, B: 12, C: 12 }));
});

describe("planner: upstream TestMax", () => {
    it("max 2", () => check({ "*": { weight: 1, maxReplicas: 2 } }, 50, ["A", "B", "C"], { A: 2, B: 2, C: 2 }));
    it("weight 0 places nothing", () => check({ "*": { weight: 0, maxReplicas: 2 } }, 50, ["A", "B", "C"], { A: 0, B: 0, C: 0 }));
});

describe("planner: upstream TestWeight", () => {
    it("1:2", () => check({ A: { weight: 1 }, B: { weight: 2 } }, 60, ["A", "B", "C"], { A: 20, B: 40, C: 0 }));
    it("10000:1", () => check({ A: { weight: 10000 }, B: { weight: 1 } }, 50, ["A", "B", "C"], { A: 50, B: 0, C: 0 }));
    it("entries for unavailable clusters are ignored", () => check({ A: { weight: 10000 }, B: { weight: 1 } }, 50, ["B", "C"], { B: 50, C: 0 }));
    it("max on the heavy cluster", () => check({ A: { weight: 10000, maxReplicas: 10 }, B: { weight: 1 }, C: { weight: 1 } }, 50, ["A", "B", "C"], { A: 10, B: 20, C: 20 }));
    it("two maxes", () => check({ A: { weight: 10000, maxReplicas: 10 }, B: { weight: 1 }, C: { weight: 1, maxReplicas: 10 } }, 50, ["A", "B", "C"], { A: 10, B: 30, C: 10 }));
    it("three maxes", () => check({ A: { weight: 10000, maxReplicas: 10 }, B: { weight: 1 }, C: { weight: 1, maxReplicas: 21 }, D: { weight: 1, maxReplicas: 10 } },
        71, ["A", "B", "C", "D"], { A: 10, B: 30, C: 21, D: 10 }));
    it("five clusters", () => check({ A: { weight: 10000, maxReplicas: 10 }, B: { weight: 1 }, C: { weight: 1, maxReplicas: 21 }, D: { weight: 1, maxReplicas: 10 }, E: { weight: 1 } },
        91, ["A", "B", "C", "D", "E"], { A: 10, B: 25, C: 21, D: 10, E: 25 }));
});

/* Rules of docs/semantics.md#planner-input/docs/semantics.md#replica-algorithm not covered by an upstream case; expectations derived by hand from the spec. */
describe("planner: spec rules (docs/semantics.md#planner-input, docs/semantics.md#replica-algorithm)", () => {
    it("absent or empty clusters means {\"*\": {weight: 1}} (docs/semantics.md#planner-input)", () => {
        // Same as upstream "50 over A,B,C" with * weight 1.
        assert.deepEqual(scheduleReplicas({ totalReplicas: 50, availableClusters: ["A", "B", "C"] }).plan, { A: 16, B: 17, C: 17 });
        assert.deepEqual(scheduleReplicas({ totalReplicas: 50, clusters: {}, availableClusters: ["A", "B", "C"] }).plan, { A: 16, B: 17, C: 17 });
    });
    it("a cluster without own entry and without * gets 0 (step 1)", () => {
        // Only B participates: it takes everything.
        assert.deepEqual(scheduleReplicas({ totalReplicas: 7, clusters: { B: { weight: 3 } }, availableClusters: ["A", "B"] }).plan, { A: 0, B: 7 });
    });
    it("weight orders before hash (step 2)", () => {
        // 1 replica: D would win a tie on hash (0x...5b < 0x...5e), but A's larger weight puts it first: ceil(1*2/3) = 1.
        assert.deepEqual(scheduleReplicas({ totalReplicas: 1, clusters: { A: { weight: 2 }, D: { weight: 1 } }, availableClusters: ["A", "D"] }).plan, { A: 1, D: 0 });
    });
    it("result keys are sorted and input order is irrelevant", () => {
        const r = scheduleReplicas({ totalReplicas: 50, clusters: { "*": { weight: 1 } }, availableClusters: ["C", "A", "B", "A"] });
        assert.deepEqual(Object.keys(r.plan), ["A", "B", "C"]);
        assert.deepEqual(r.plan, { A: 16, B: 17, C: 17 });
    });
    it("all weights 0 leaves the remainder unplaced (step 5/7)", () => {
        // Minimums 3 each over 2 clusters = 6; nothing more can be placed.
        assert.deepEqual(scheduleReplicas({ totalReplicas: 10, clusters: { "*": { minReplicas: 3 } }, availableClusters: ["A", "B"] }).plan, { A: 3, B: 3 });
    });
    it("the key changes the tie-break (hash of name + key)", () => {
        // With 1 replica over two equal clusters the winner is the one with the smaller fnv1(name + key).
        for (const key of ["", "ns/web", "default/api", "x"]) {
            const expectA = fnv1_32("A" + key) < fnv1_32("B" + key);
            const r = scheduleReplicas({ totalReplicas: 1, availableClusters: ["A", "B"], key });
            assert.deepEqual(r.plan, expectA ? { A: 1, B: 0 } : { A: 0, B: 1 }, key);
        }
    });
    it("weights whose product with the total exceeds 2^53 are still exact", () => {
        // A: ceil(1e9 * 2^52 / (2^52 + 1)) = 1e9 (since 1e9/(2^52+1) < 1); B then gets 0 of the 0 left.
        const big = 2 ** 52;
        const r = scheduleReplicas({ totalReplicas: 1e9, rebalance: true, clusters: { A: { weight: big }, B: { weight: 1 } }, availableClusters: ["A", "B"] });
        assert.deepEqual(r.plan, { A: 1e9, B: 0 });
    });
    it("rejects negative and fractional counts", () => {
        assert.throws(() => scheduleReplicas({ totalReplicas: -1, availableClusters: ["A"] }), ValidationError);
        assert.throws(() => scheduleReplicas({ totalReplicas: 1.5, availableClusters: ["A"] }), ValidationError);
        assert.throws(() => scheduleReplicas({ totalReplicas: 1, clusters: { A: { weight: -1 } }, availableClusters: ["A"] }), ValidationError);
    });
});

/*
 * An independent, deliberately naive re-statement of docs/semantics.md#replica-algorithm, used as an oracle. It shares no code with the
 * implementation: BigInt FNV-1 over Buffer bytes, BigInt ceil division, plain objects and `in` lookups.
 */
function naivePlan(input: ReplicaScheduleInput): { plan: Record<string, number>; overflow: Record<string, number> } {
    const fnv1 = (s: string): bigint => {
        let h = 2166136261n;
        for (const b of Buffer.from(s, "utf8")) h = ((h * 16777619n) % 4294967296n) ^ BigInt(b);
        return h;
    };
    const prefs: Prefs = input.clusters && Object.keys(input.clusters).length > 0 ? input.clusters : { "*": { weight: 1 } };
    const cur = input.currentReplicas ?? {};
    const cap = input.estimatedCapacity ?? {};
    const plan: Record<string, number> = {};
    const over: Record<string, number> = {};
    type P = { name: string; min: number; max?: number; w: number; h: bigint };
    let ps: P[] = [];
    for (const name of new Set(input.availableClusters)) {
        const p = name in prefs ? prefs[name] : "*" in prefs ? prefs["*"] : undefined;
        if (p === undefined) { plan[name] = 0; continue; }
        ps.push({ name, min: p.minReplicas ?? 0, max: p.maxReplicas, w: p.weight ?? 0, h: fnv1(name + (input.key ?? "")) });
    }
    ps.sort((x, y) => (x.w !== y.w ? y.w - x.w : x.h !== y.h ? (x.h < y.h ? -1 : 1) : x.name < y.name ? -1 : 1));
    let left = input.totalReplicas;
    for (const p of ps) {
        let m = Math.min(p.min, left);
        if (p.name in cap) m = Math.min(m, cap[p.name]);
        plan[p.name] = m;
        left -= m;
    }
    const pre: Record<string, number> = {};
    if (!input.rebalance) {
        for (const p of ps) {
            if (p.name in cur && cur[p.name] > plan[p.name]) {
                let target = cur[p.name];
                if (p.max !== undefined && p.max < target) target = p.max;
                if (p.name in cap && cap[p.name] < target) target = cap[p.name];
                let extra = Math.min(target - plan[p.name], left);
                if (extra < 0) extra = 0;
                pre[p.name] = extra;
                plan[p.name] += extra;
                left -= extra;
            }
        }
    }
    let changed = true;
    while (changed && left > 0) {
        changed = false;
        const W = ps.reduce((s, p) => s + p.w, 0);
        if (W === 0) break;
        const D = left;
        const stay: P[] = [];
        for (const p of ps) {
            let share = Number((BigInt(D) * BigInt(p.w) + BigInt(W) - 1n) / BigInt(W));
            if (share > left) share = left;
            const used = Math.min(share, pre[p.name] ?? 0);
            if (used > 0) { changed = true; pre[p.name] -= used; }
            share -= used;
            const before = plan[p.name];
            let after = before + share;
            let full = false;
            if (p.max !== undefined && after > p.max) { after = p.max; full = true; }
            if (p.name in cap && after > cap[p.name]) { over[p.name] = after - cap[p.name]; after = cap[p.name]; full = true; }
            if (!full) stay.push(p);
            left -= after - before;
            if (after > before) changed = true;
            plan[p.name] = after;
        }
        ps = stay;
    }
    const overflow: Record<string, number> = {};
    for (const [k, v] of Object.entries(over)) {
        const t = input.rebalance ? v : Math.min(v, left);
        if (t > 0) overflow[k] = t;
    }
    return { plan, overflow };
}

const sortKeys = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const NAMES = ["A", "B", "C", "D", "east-1", "west-2", "ü-3", "z"];
const prefArb = fc.record({
    minReplicas: fc.option(fc.nat(25), { nil: undefined }),
    maxReplicas: fc.option(fc.nat(60), { nil: undefined }),
    weight: fc.option(fc.oneof(fc.nat(5), fc.constant(10000)), { nil: undefined }),
}, { requiredKeys: [] });
const countsArb = fc.dictionary(fc.constantFrom(...NAMES), fc.nat(80), { maxKeys: 5 });
const inputArb: fc.Arbitrary<ReplicaScheduleInput> = fc.record({
    totalReplicas: fc.oneof(fc.nat(30), fc.nat(300)),
    rebalance: fc.boolean(),
    clusters: fc.dictionary(fc.constantFrom("*", ...NAMES), prefArb, { maxKeys: 6 }),
    availableClusters: fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: NAMES.length }),
    currentReplicas: countsArb,
    estimatedCapacity: countsArb,
    key: fc.oneof(fc.constant(""), fc.string({ maxLength: 12 })),
});

describe("planner: properties (fast-check)", () => {
    it("agrees with the naive model of docs/semantics.md#replica-algorithm on thousands of inputs", () => {
        fc.assert(fc.property(inputArb, input => {
            const got = scheduleReplicas(input);
            const want = naivePlan(input);
            assert.deepEqual(got.plan, sortKeys(want.plan));
            assert.deepEqual(got.overflow, sortKeys(want.overflow));
        }), { numRuns: 5000 });
    });

    it("never places more than totalReplicas", () => {
        fc.assert(fc.property(inputArb, input => {
            const { plan } = scheduleReplicas(input);
            assert.ok(Object.values(plan).reduce((s, n) => s + n, 0) <= input.totalReplicas);
        }), { numRuns: 2000 });
    });

    it("respects maxReplicas and capacity whenever min <= max", () => {
        fc.assert(fc.property(inputArb, input => {
            const { plan } = scheduleReplicas(input);
            for (const [c, n] of Object.entries(plan)) {
                const p = input.clusters?.[c] ?? input.clusters?.["*"];
                if (p && p.maxReplicas !== undefined && (p.minReplicas ?? 0) <= p.maxReplicas) assert.ok(n <= p.maxReplicas, `${c}: ${n} > max`);
                const cap = input.estimatedCapacity?.[c];
                if (cap !== undefined) assert.ok(n <= cap, `${c}: ${n} > capacity`);
            }
        }), { numRuns: 2000 });
    });

    it("gives every participating cluster its minimum when the minimums fit and no capacity limits them", () => {
        fc.assert(fc.property(inputArb, input => {
            const i = { ...input, estimatedCapacity: {} };
            const prefs = i.clusters && Object.keys(i.clusters).length > 0 ? i.clusters : { "*": { weight: 1 } };
            const pref = (c: string) => (c in prefs ? prefs[c] : prefs["*"]);
            const part = i.availableClusters.filter(c => pref(c) !== undefined);
            if (part.some(c => (pref(c)!.minReplicas ?? 0) > (pref(c)!.maxReplicas ?? Infinity))) return;
            if (part.reduce((s, c) => s + (pref(c)!.minReplicas ?? 0), 0) > i.totalReplicas) return;
            const { plan } = scheduleReplicas(i);
            for (const c of part) assert.ok(plan[c] >= (pref(c)!.minReplicas ?? 0), `${c} below its minimum`);
        }), { numRuns: 2000 });
    });

    it("places everything when rebalancing over unbounded positive weights", () => {
        fc.assert(fc.property(fc.nat(500), fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1 }), fc.string(), (total, avail, key) => {
            const { plan } = scheduleReplicas({ totalReplicas: total, rebalance: true, clusters: { "*": { weight: 1 } }, availableClusters: avail, key });
            assert.equal(Object.values(plan).reduce((s, n) => s + n, 0), total);
        }), { numRuns: 500 });
    });

    it("is independent of the order of availableClusters and deterministic", () => {
        fc.assert(fc.property(inputArb, fc.func(fc.integer()), (input, rank) => {
            const shuffled = [...input.availableClusters].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
            const a = scheduleReplicas(input);
            const b = scheduleReplicas({ ...input, availableClusters: shuffled });
            const c = scheduleReplicas(input);
            assert.deepEqual(b, a);
            assert.deepEqual(c, a);
            assert.deepEqual(Object.keys(a.plan), [...Object.keys(a.plan)].sort());
            assert.deepEqual(JSON.stringify(b), JSON.stringify(a)); // key order too
        }), { numRuns: 1000 });
    });
});
