import * as assert from "assert";
import { ClusterPropagationStatus, clusterPropagationStatus, propagationCondition } from "../../../src/member/propagation";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:01:00Z";

describe("member/propagation: per-cluster propagation status (docs/semantics.md#propagation-status + ours)", () => {
    const desired = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", labels: { "kubefed.io/managed": "true" } }, data: { a: "1" } };
    const live = (labels: Record<string, string> | undefined, data = { a: "1" }) => ({ ...desired, metadata: { name: "cm", labels }, data });
    const cases: [string, Parameters<typeof clusterPropagationStatus>[0], string][] = [
        ["unreachable", { name: "c", outcome: "unreachable", error: "ECONNREFUSED" }, "ClusterNotReady"],
        ["bad kubeconfig", { name: "c", outcome: "configError", error: "x" }, "ClientRetrievalFailed"],
        ["403", { name: "c", outcome: "retrievalFailed", error: "HTTP 403" }, "RetrievalFailed"],
        ["absent", { name: "c", outcome: "notFound" }, "NotFound"],
        ["labelled false", { name: "c", outcome: "found", live: live({ "kubefed.io/managed": "false" }, { a: "2" }) }, "ManagedLabelFalse"],
        ["unlabelled", { name: "c", outcome: "found", live: live(undefined, { a: "2" }) }, "ManagedLabelMissing"],
        ["drifted", { name: "c", outcome: "found", live: live({ "kubefed.io/managed": "true" }, { a: "2" }) }, "Drifted"],
        ["ok", { name: "c", outcome: "found", live: live({ "kubefed.io/managed": "true" }) }, ""],
    ];
    for (const [what, obs, reason] of cases) {
        it(`${what} → ${JSON.stringify(reason)}`, () => {
            const s = clusterPropagationStatus(obs, desired);
            assert.strictEqual(s.status, reason);
            assert.strictEqual(s.name, "c");
            if (reason === "") assert.deepStrictEqual([s.exists, s.managed, s.ready, s.message], [true, true, true, ""]);
            if (reason === "Drifted") assert.deepStrictEqual(s.drifted, ["/data/a"]);
        });
    }
    it("reports generation, observedGeneration and replica counts", () => {
        const d = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "w" }, spec: { replicas: 2 } };
        const s = clusterPropagationStatus({ name: "c", outcome: "found", live: {
            ...d, metadata: { name: "w", generation: 3, labels: { "kubefed.io/managed": "true" } },
            status: { observedGeneration: 3, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 2, conditions: [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable" }] },
        } }, d);
        assert.deepStrictEqual(
            [s.status, s.generation, s.observedGeneration, s.replicas, s.readyReplicas, s.availableReplicas, s.ready],
            ["", 3, 3, 2, 1, 1, false]);
        assert.deepStrictEqual(s.conditions, [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable" }]);
    });
});

describe("member/propagation: Propagation condition (docs/semantics.md#propagation-condition)", () => {
    const e = (name: string, status: ClusterPropagationStatus["status"]): ClusterPropagationStatus =>
        ({ name, status, message: "", exists: true, managed: true, drifted: [], ready: true, conditions: [] });
    it("True with empty reason when every cluster is OK (and when there are none)", () => {
        const c = propagationCondition([e("a", ""), e("b", "")], T0);
        assert.deepStrictEqual(c, { type: "Propagation", status: "True", reason: "", message: "", lastUpdateTime: T0, lastTransitionTime: T0 });
        assert.strictEqual(propagationCondition([], T0).status, "True");
    });
    it("False/CheckClusters when any cluster is not OK, listing them", () => {
        const c = propagationCondition([e("a", ""), e("b", "ClusterNotReady"), e("c", "NotFound")], T0);
        assert.deepStrictEqual([c.status, c.reason, c.message], ["False", "CheckClusters", "b: ClusterNotReady; c: NotFound"]);
    });
    it("keeps timestamps without changes; lastUpdateTime moves when the cluster list changes", () => {
        const first = [e("a", ""), e("b", "NotFound")];
        const c0 = propagationCondition(first, T0);
        const same = propagationCondition(first, T1, { condition: c0, clusters: first });
        assert.deepStrictEqual([same.lastTransitionTime, same.lastUpdateTime], [T0, T0]);
        const changed = [e("a", "Drifted"), e("b", "NotFound")];
        const c2 = propagationCondition(changed, T1, { condition: c0, clusters: first });
        assert.deepStrictEqual([c2.lastTransitionTime, c2.lastUpdateTime], [T0, T1]);
        const fixed = propagationCondition([e("a", ""), e("b", "")], T1, { condition: c0, clusters: first });
        assert.deepStrictEqual([fixed.status, fixed.lastTransitionTime], ["True", T1]);
    });
});
