/** Unit tests of `kubefed-replica-scheduling-feasible` (fake policy arguments, see ./helpers.ts). */
import { strict as assert } from "assert";
import { NAMES, TYPES, replicaFeasibilityPolicy } from "../policies";
import { decision, resourceArgs, violations } from "./helpers";

const FR = TYPES.federatedResource;
const fr = (name: string, d = decision(), config?: Record<string, unknown>) => resourceArgs(FR, name, { decision: d }, { config });

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe(NAMES.replicaFeasibility, () => {
    const rsp = (spec: any, replicas: Record<string, number>, unplaced = 0) =>
        decision({ replicaScheduling: spec, replicas, unplacedReplicas: unplaced, overrides: { east: ["/spec/replicas"], west: ["/spec/replicas"] } });

    it("flags minimums above totalReplicas, naming the clusters", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 5, clusters: { east: { minReplicas: 4, weight: 1 }, "*": { minReplicas: 3 } } }, { east: 4, west: 1 })));
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedResource "web"`, "add up to 7 (east=4, west=3)", "totalReplicas 5");
    });
    it("flags totalReplicas above the sum of maximums when every placed cluster has one", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 30, clusters: { "*": { maxReplicas: 10, weight: 1 } } }, { east: 10, west: 10 }, 10)));
        assert.equal(v.length, 1, v.join("\n"));
        mentions(v[0], "totalReplicas 30 exceeds", "(20: east=10, west=10)", "10 replicas can never run");
    });
    it("flags replicas the plan leaves unplaced", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 6, clusters: { east: { minReplicas: 1 }, west: { minReplicas: 1 } } }, { east: 1, west: 1 }, 4)));
        assert.equal(v.length, 1);
        mentions(v[0], "leaves 4 of 6 replicas unplaced", "planned: east=1, west=1");
        assert.deepEqual(await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 6, clusters: { east: { minReplicas: 1 }, west: { minReplicas: 1 } } }, { east: 1, west: 1 }, 4), { maxUnplacedReplicas: 4 })), []);
    });
    it("recomputes the plan with the core planner when the decision did not record unplaced replicas", async () => {
        const d = rsp({ totalReplicas: 6, clusters: { east: { weight: 0 }, west: { weight: 0 } } }, { east: 0, west: 0 });
        delete (d as any).unplacedReplicas;
        const v = await violations(replicaFeasibilityPolicy, fr("web", d));
        assert.equal(v.length, 1);
        mentions(v[0], "leaves 6 of 6 replicas unplaced");
    });
    it("explains unplaced replicas caused by failover, with the same words as the decision line", async () => {
        const d = rsp({ totalReplicas: 50, clusters: { "*": { weight: 1, maxReplicas: 30 } } }, { east: 30, west: 0 }, 20);
        d.failover = { notReady: ["west"], replicasIfReady: { east: 25, west: 25 } };
        const v = await violations(replicaFeasibilityPolicy, fr("web", d));
        assert.equal(v.length, 1, v.join("\n"));
        mentions(v[0], "leaves 20 of 50 replicas unplaced", "Failover: not ready: west 25 → 0 (moved: east +5);");
        // recomputed through the core failover planner when unplaced replicas were not recorded
        delete (d as any).unplacedReplicas;
        mentions((await violations(replicaFeasibilityPolicy, fr("web", d)))[0], "leaves 20 of 50 replicas unplaced");
    });
    it("accepts a feasible split and ignores resources without replica scheduling", async () => {
        assert.deepEqual(await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 10, clusters: { east: { minReplicas: 2, maxReplicas: 6, weight: 1 }, west: { maxReplicas: 6, weight: 1 } } }, { east: 5, west: 5 }))), []);
        assert.deepEqual(await violations(replicaFeasibilityPolicy, fr("web")), []);
    });
    it("reports an invalid spec through the core validator", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 4, clusters: { east: { minReplicas: 5, maxReplicas: 2 } } }, { east: 2 })));
        assert.equal(v.length, 1);
        mentions(v[0], "invalid replicaScheduling", "minReplicas (5) is greater than maxReplicas (2)");
    });
});
