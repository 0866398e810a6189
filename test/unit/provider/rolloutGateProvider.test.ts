import { strict as assert } from "assert";
import { podProblems, rolloutReadiness } from "../../../src/provider/rolloutGateProvider";

describe("provider/rolloutGate: when a wave counts as rolled out", () => {
    const deployment = (status: Record<string, unknown>, generation = 2) => ({ metadata: { generation }, spec: { replicas: 2 }, status });

    it("ready only when the new generation is observed and every replica is updated, ready and available", () => {
        assert.deepEqual(rolloutReadiness(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })), { ready: true, why: [] });
        assert.deepEqual(rolloutReadiness(deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })).why,
            ["generation 2 not observed yet"]);
        // the update is stuck: one new pod pending, the two old ones still serve
        assert.deepEqual(rolloutReadiness(deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 })).why,
            ["1/2 replicas updated", "2 replica(s) of the previous version still running"]);
        assert.equal(rolloutReadiness(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2,
            conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] })).ready, false);
    });

    it("DaemonSets and StatefulSets: every pod updated to the new revision", () => {
        assert.equal(rolloutReadiness({ metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 2 } }).ready, false);
        assert.deepEqual(rolloutReadiness({ metadata: { generation: 1 }, spec: { replicas: 1 },
            status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: "a", updateRevision: "b" } }).why, ["revision b not rolled out yet"]);
    });

    it("objects without status are ready when they exist", () => {
        assert.deepEqual(rolloutReadiness({ metadata: {} }), { ready: true, why: [] });
    });

    it("says why pods do not run: unschedulable or a waiting container, never more than three lines", () => {
        const pending = (n: number) => ({ metadata: { name: `web-${n}` }, status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/2 nodes are available" }] } });
        const crash = { metadata: { name: "web-9" }, status: { containerStatuses: [{ name: "web", state: { waiting: { reason: "ImagePullBackOff", message: "not found" } } }] } };
        assert.deepEqual(podProblems([pending(1), crash]), ["pod web-1: Unschedulable: 0/2 nodes are available", "pod web-9: container web ImagePullBackOff: not found"]);
        assert.equal(podProblems([1, 2, 3, 4, 5].map(pending)).length, 3);
        assert.deepEqual(podProblems([{ metadata: { name: "x" }, status: { containerStatuses: [{ name: "c", state: { waiting: { reason: "ContainerCreating" } } }] } }]), []);
    });
});
