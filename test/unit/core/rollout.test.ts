import { strict as assert } from "assert";
import * as fc from "fast-check";
import { ClusterInfo, IMPLICIT_WAVE, RolloutSpec, planRollout, validateRollout, decisionLine, DecisionSummary } from "../../../src/core";

const clusters: ClusterInfo[] = [
    { name: "c1", labels: { tier: "prod" } }, { name: "c2", labels: { tier: "prod" } },
    { name: "c3", labels: { tier: "staging" } }, { name: "c4", labels: { tier: "dev" } },
];
const errors = (spec: unknown) => validateRollout(spec as RolloutSpec, clusters).filter(i => i.severity === "error").map(i => `${i.field}: ${i.message}`);

describe("rollout: validation", () => {
    it("accepts names and selectors", () => {
        assert.deepEqual(errors({ waves: [{ name: "canary", clusters: ["c3"] }, { name: "prod", clusterSelector: { matchLabels: { tier: "prod" } } }], timeoutSeconds: 60 }), []);
    });
    it("refuses an unknown cluster, naming it and the members", () => {
        assert.deepEqual(errors({ waves: [{ name: "one", clusters: ["c9"] }] }),
            [`rollout.waves[0].clusters[0]: unknown cluster "c9" (members: c1, c2, c3, c4); fix the name or add the member`]);
    });
    it("refuses a cluster in two waves, also through a selector", () => {
        const e = errors({ waves: [{ name: "canary", clusters: ["c1"] }, { name: "prod", clusterSelector: { matchLabels: { tier: "prod" } } }] });
        assert.equal(e.length, 1);
        assert.match(e[0], /^rollout\.waves\[1\]: cluster "c1" is also in wave "canary" \(waves\[0\]\)/);
    });
    it("refuses bad names, duplicate and reserved names, both or neither of clusters/selector, bad timeouts and empty waves", () => {
        assert.equal(errors({ waves: [{ name: "Bad_Name", clusters: ["c1"] }] }).length, 1);
        assert.match(errors({ waves: [{ name: "a", clusters: ["c1"] }, { name: "a", clusters: ["c2"] }] })[0], /also the name of waves\[0\]/);
        assert.match(errors({ waves: [{ name: IMPLICIT_WAVE, clusters: ["c1"] }] })[0], /reserved/);
        assert.match(errors({ waves: [{ name: "a", clusters: ["c1"], clusterSelector: {} }] })[0], /exactly one of clusters/);
        assert.match(errors({ waves: [{ name: "a" }] })[0], /exactly one of clusters/);
        assert.match(errors({ waves: [{ name: "a", clusters: ["c1"] }], timeoutSeconds: 0 })[0], /timeoutSeconds: must be a positive whole number/);
        assert.match(errors({ waves: [] })[0], /rollout\.waves: must be a non-empty list/);
        assert.match(errors({ waves: [{ name: "a", clusterSelector: { matchExpressions: [{ key: "tier", operator: "Near" }] } }] })[0], /clusterSelector/);
    });
});

describe("rollout: waves over the placed clusters", () => {
    it("keeps wave order, drops unplaced clusters and empty waves, and puts unlisted placed clusters last", () => {
        const spec: RolloutSpec = { waves: [{ name: "canary", clusters: ["c3"] }, { name: "prod", clusterSelector: { matchLabels: { tier: "prod" } } }] };
        const plan = planRollout(spec, clusters, ["c1", "c3", "c4"]);
        assert.deepEqual(plan.waves, [
            { name: "canary", clusters: ["c3"] }, { name: "prod", clusters: ["c1"] }, { name: IMPLICIT_WAVE, clusters: ["c4"], implicit: true },
        ]);
        assert.equal(plan.timeoutSeconds, 600);
        const skipped = planRollout(spec, clusters, ["c1", "c2"]);
        assert.deepEqual(skipped.waves.map(w => w.name), ["prod"]);
        assert.match(skipped.warnings[0], /wave "canary" holds no cluster the object is placed in/);
    });

    it("property: every placed cluster is in exactly one wave, and listed waves keep their order", () => {
        const names = clusters.map(c => c.name);
        fc.assert(fc.property(fc.subarray(names), fc.shuffledSubarray(names), fc.integer({ min: 1, max: 3 }), (placed, listed, k) => {
            // split the listed clusters into k waves
            const waves = Array.from({ length: k }, (_, i) => ({ name: `w${i}`, clusters: listed.filter((_, j) => j % k === i) }));
            const plan = planRollout({ waves }, clusters, placed);
            const all = plan.waves.flatMap(w => w.clusters);
            const order = plan.waves.filter(w => !w.implicit).map(w => w.name);
            return all.length === placed.length && [...all].sort().join() === [...placed].sort().join()
                && order.join() === waves.filter(w => w.clusters.some(c => placed.includes(c))).map(w => w.name).join()
                && plan.waves.every(w => w.clusters.length > 0);
        }));
    });

    it("the decision line shows the waves", () => {
        const d = { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "default", labels: {}, placed: { c1: { overrides: [], images: [] }, c3: { overrides: [], images: [] } },
            excluded: {}, overrideClusters: [], orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [],
            rollout: { waves: [{ name: "canary", clusters: ["c3"] }, { name: "prod", clusters: ["c1"] }], timeoutSeconds: 60 } } as DecisionSummary;
        assert.match(decisionLine("web", d), /; waves: canary \(c3\) → prod \(c1\) \(timeout 60s each\)$/);
    });
});
