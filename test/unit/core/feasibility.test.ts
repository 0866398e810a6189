import { strict as assert } from "assert";
import fc from "fast-check";
import {
    ClusterPreference, ValidationError, decisionFeasibility, decideFederatedKustomization, decideFederatedObject, replicaCapacity,
    replicaFeasibility, validateReplicaScheduling,
} from "../../../src/core";

const clusters = ["a", "b", "c"].map(name => ({ name, labels: { tier: name === "c" ? "dev" : "prod" } }));
const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: { replicas: 1 } };

describe("core: replica-scheduling feasibility (one computation for validator, plan and policy pack)", () => {
    it("sums the preferences each cluster plans with (own entry, else \"*\", else none)", () => {
        const cap = replicaCapacity({ clusters: { a: { minReplicas: 2, maxReplicas: 3, weight: 1 }, "*": { minReplicas: 1, weight: 0 } } }, ["c", "a", "b"]);
        assert.deepEqual(cap, { participating: 3, sumMin: 4, minimums: { a: 2, b: 1, c: 1 }, bounded: false, sumMax: 3, maximums: { a: 3 }, placeable: 5, anyWeight: true });
        assert.equal(replicaCapacity({ clusters: { a: { weight: 1 } } }, ["b"]).participating, 0, "no entry and no \"*\": takes no part");
    });

    it("reports minimums above the total, a total above the maximums, and unplaced replicas (not when the maximums explain them)", () => {
        const f = replicaFeasibility({ totalReplicas: 2, clusters: { "*": { minReplicas: 2, weight: 1 } } }, ["a", "b"], { unplaced: 0 });
        assert.deepEqual(f.problems.map(p => [p.kind, p.field]), [["minimums", "replicaScheduling.clusters"]]);
        const g = replicaFeasibility({ totalReplicas: 9, clusters: { "*": { maxReplicas: 2, weight: 1 } } }, ["a", "b"], { unplaced: 5 });
        assert.deepEqual(g.problems.map(p => p.kind), ["maximums"]);
        assert.match(g.problems[0].message, /totalReplicas 9 exceeds the sum of maxReplicas of the placed clusters \(4: a=2, b=2\); 5 replicas can never run/);
        const h = replicaFeasibility({ totalReplicas: 4, clusters: { a: { weight: 0 } } }, ["a"], { unplaced: 4, replicas: { a: 0 } });
        assert.deepEqual(h.problems.map(p => p.kind), ["unplaced"]);
        assert.match(h.problems[0].message, /leaves 4 of 4 replicas unplaced \(planned: a=0\)/);
    });

    it("plans again when a recorded decision lacks unplacedReplicas (old state), with the same result as the plan", () => {
        const rs = { totalReplicas: 7, clusters: { a: { weight: 1, maxReplicas: 2 }, b: { weight: 0 } } };
        const plan = decideFederatedObject({ template: deployment, placement: { clusterSelector: {} }, clusters, replicaScheduling: rs });
        assert.ok(plan.feasibility && plan.feasibility.unplaced > 0);
        const placed = Object.fromEntries(plan.clusters.map(c => [c, { replicas: plan.replicas![c], overrides: [], images: [] }]));
        const recorded = { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop", labels: {}, placed, excluded: {},
            overrideClusters: [], replicaScheduling: rs, orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [] };
        assert.deepEqual(decisionFeasibility({ ...recorded, unplacedReplicas: plan.unplacedReplicas })!.problems, plan.feasibility.problems);
        assert.deepEqual(decisionFeasibility(recorded)!.problems, plan.feasibility.problems, "recomputed");
    });

    // The validator sums from the preference entries (all clusters without their own share "*") instead of cluster by
    // cluster; its warnings must carry exactly the sums replicaCapacity computes over the same known clusters.
    it("the validator's static feasibility agrees with replicaCapacity over the known clusters (random specs)", () => {
        const pool = ["a", "b", "c", "d", "e", "f"];
        const count = fc.option(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(2147483647)), { nil: undefined });
        const pref = fc.record({ minReplicas: count, maxReplicas: count, weight: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }, { requiredKeys: [] })
            .filter(p => p.minReplicas === undefined || p.maxReplicas === undefined || p.minReplicas <= p.maxReplicas);
        const prefs = fc.option(fc.dictionary(fc.constantFrom(...pool, "*", "x"), pref, { maxKeys: 5 }), { nil: undefined });
        const hidden = fc.option(fc.tuple(fc.constantFrom(...pool), pref), { nil: undefined }); // a non-enumerable entry
        const known = fc.array(fc.constantFrom(...pool), { maxLength: 8 }); // unsorted, with duplicates
        fc.assert(fc.property(prefs, hidden, known, fc.integer({ min: 0, max: 40 }), (clusters, extra, names, total) => {
            let spec: { totalReplicas: number; clusters?: Record<string, ClusterPreference> } = { totalReplicas: total, clusters };
            if (extra && clusters && !(extra[0] in clusters)) {
                const withHidden = { ...clusters };
                Object.defineProperty(withHidden, extra[0], { value: extra[1], enumerable: false });
                spec = { totalReplicas: total, clusters: withHidden };
            }
            const cap = replicaCapacity(spec, names);
            const warnings = validateReplicaScheduling(spec, names, "rs").filter(i => !/names no known cluster/.test(i.message));
            assert.ok(warnings.every(i => i.severity === "warning"), JSON.stringify(warnings));
            const text = warnings.map(i => i.message).join("\n");
            const mins = /the minimums add up to (\d+)/.exec(text);
            assert.equal(mins ? Number(mins[1]) : undefined, cap.sumMin > total ? cap.sumMin : undefined, text);
            assert.equal(/no known cluster has a preference/.test(text), total > 0 && cap.participating === 0, text);
            const only = /only (\S+) of \d+ replicas can be placed: (every weight is 0)?/.exec(text);
            const short = total > 0 && cap.participating > 0 && cap.placeable < total;
            assert.equal(only ? Number(only[1]) : undefined, short ? cap.placeable : undefined, text);
            if (short) assert.equal(!!only![2], !cap.anyWeight, text);
        }), { numRuns: 2000, seed: 20261201 });
    });
});

describe("core: decideFederatedKustomization", () => {
    it("places by the placement, gives each cluster its overlay or the shared directory, and warns about unplaced overlays", () => {
        const p = decideFederatedKustomization("FederatedKustomization k", {
            clusters, directory: "./base", clusterDirectories: { a: "./overlays/a", c: "./overlays/c" },
            placement: { clusterSelector: { matchLabels: { tier: "prod" } } },
        });
        assert.deepEqual(p.clusters, ["a", "b"]);
        assert.deepEqual(p.directories, { a: "./overlays/a", b: "./base" });
        assert.equal(p.warnings.length, 1);
        assert.match(p.warnings[0], /^clusterDirectories\["c"\]: cluster "c" is not placed/);
    });

    it("refuses an unknown cluster and a missing directory, naming the fields", () => {
        assert.throws(() => decideFederatedKustomization("FederatedKustomization k", { clusters, directory: "", clusterDirectories: { mars: "x" }, placement: { clusterSelector: {} } }),
            (e: unknown) => e instanceof ValidationError && e.issues.map(i => i.field).join() === "directory,clusterDirectories[\"mars\"]");
    });
});
