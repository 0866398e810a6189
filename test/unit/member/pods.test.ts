import * as assert from "assert";
import { analysePods, matchLabelsSelector, needsPodAnalysis, replicaObservation } from "../../../src/member/pods";

describe("member/pods: current replicas and capacity (docs/semantics.md#current-replicas-and-capacity)", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    const ago = (s: number): string => new Date(now - s * 1000).toISOString();
    const running = (ready?: "True" | "False") => ({ status: { phase: "Running", conditions: ready ? [{ type: "Ready", status: ready }] : [] } });
    const unsched = (secondsAgo: number) => ({ status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", lastTransitionTime: ago(secondsAgo) }] } });

    it("counts Running pods with any Ready condition (even Ready=False, KubeFed quirk)", () => {
        assert.deepStrictEqual(analysePods([running("True"), running("False"), running()], now), { runningAndReady: 2, unschedulable: 0, recentlyUnschedulable: 0 });
    });
    it("counts unschedulable pods only after 60 s", () => {
        const a = analysePods([unsched(61), unsched(300), unsched(59), { status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Other", lastTransitionTime: ago(999) }] } }], now);
        assert.deepStrictEqual(a, { runningAndReady: 0, unschedulable: 2, recentlyUnschedulable: 1 });
    });
    it("replicas == readyReplicas → current = ready, no pod analysis, no capacity", () => {
        const obj = { spec: { replicas: 3 }, status: { readyReplicas: 3 } };
        assert.strictEqual(needsPodAnalysis(obj), false);
        assert.deepStrictEqual(replicaObservation(obj, undefined, now), { current: 3 });
        assert.deepStrictEqual(replicaObservation({}, undefined, now), { current: 0 }, "missing → 0 on both sides");
    });
    it("replicas != readyReplicas → current from pods, capacity = replicas − unschedulable", () => {
        const obj = { spec: { replicas: 5, selector: { matchLabels: { app: "w", tier: "x" } } }, status: { readyReplicas: 1 } };
        assert.strictEqual(needsPodAnalysis(obj), true);
        assert.strictEqual(matchLabelsSelector(obj), "app=w,tier=x");
        assert.deepStrictEqual(replicaObservation(obj, [running("True"), running("False"), unsched(120), unsched(120), unsched(10)], now), { current: 2, capacity: 3 });
        assert.deepStrictEqual(replicaObservation(obj, [running("True"), unsched(10)], now), { current: 1 }, "recent ones do not count yet");
        assert.strictEqual(matchLabelsSelector({ spec: {} }), undefined);
    });
});
