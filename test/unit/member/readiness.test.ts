import * as assert from "assert";
import { readinessOf } from "../../../src/member/readiness";

describe("member/readiness: readiness heuristic", () => {
    it("objects without status are ready when they exist", () => {
        assert.strictEqual(readinessOf({ kind: "ConfigMap" }).ready, true);
    });
    it("a rollout in progress (observedGeneration < generation) is not ready", () => {
        assert.strictEqual(readinessOf({ metadata: { generation: 2 }, spec: { replicas: 1 }, status: { observedGeneration: 1, readyReplicas: 1 } }).ready, false);
    });
    it("replicas must be ready, available and updated", () => {
        const ok = { metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2, conditions: [{ type: "Available", status: "True" }] } };
        assert.strictEqual(readinessOf(ok).ready, true);
        assert.strictEqual(readinessOf({ ...ok, status: { ...ok.status, updatedReplicas: 1 } }).ready, false);
        assert.strictEqual(readinessOf({ ...ok, status: { ...ok.status, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] } }).ready, false);
        assert.strictEqual(readinessOf({ spec: { replicas: 0 } }).ready, true);
    });
    it("DaemonSets: numberReady must reach desiredNumberScheduled", () => {
        assert.strictEqual(readinessOf({ status: { desiredNumberScheduled: 3, numberReady: 2 } }).ready, false);
        assert.strictEqual(readinessOf({ status: { desiredNumberScheduled: 3, numberReady: 3 } }).ready, true);
    });
});
