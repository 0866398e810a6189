import * as assert from "assert";
import { healthConditions, isReadyConditions } from "../../../src/member/health";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:01:00Z";

describe("member/health: health conditions (docs/semantics.md#health)", () => {
    it("maps ok → Ready=True ClusterReady", () => {
        const c = healthConditions({ kind: "responded", body: "OK\n" }, T0);
        assert.deepStrictEqual(c, [{ type: "Ready", status: "True", reason: "ClusterReady", message: "/healthz responded with ok", lastProbeTime: T0, lastTransitionTime: T0 }]);
        assert.strictEqual(isReadyConditions(c), true);
    });
    it("maps another body → Ready=False ClusterNotReady + Offline=False ClusterReachable", () => {
        const c = healthConditions({ kind: "responded", body: "[-]etcd failed" }, T0);
        assert.deepStrictEqual(c.map((x) => [x.type, x.status, x.reason, x.message]), [
            ["Ready", "False", "ClusterNotReady", "/healthz responded without ok"],
            ["Offline", "False", "ClusterReachable", "cluster is reachable"],
        ]);
        assert.strictEqual(isReadyConditions(c), false);
    });
    it("maps a request error → Offline=True ClusterNotReachable with the error", () => {
        const c = healthConditions({ kind: "unreachable", error: "connect ECONNREFUSED 127.0.0.1:1" }, T0);
        assert.deepStrictEqual(c.map((x) => [x.type, x.status, x.reason, x.message]), [
            ["Offline", "True", "ClusterNotReachable", "cluster is not reachable: connect ECONNREFUSED 127.0.0.1:1"],
        ]);
    });
    it("maps a malformed config → ConfigMalformed=True ClusterConfigMalformed", () => {
        const c = healthConditions({ kind: "malformed", error: "no server" }, T0);
        assert.deepStrictEqual(c.map((x) => [x.type, x.status, x.reason]), [["ConfigMalformed", "True", "ClusterConfigMalformed"]]);
        assert.match(c[0].message, /^cluster's configuration may be malformed/);
    });
    it("keeps lastTransitionTime while type and status stay, updates lastProbeTime", () => {
        const first = healthConditions({ kind: "responded", body: "ok" }, T0);
        const again = healthConditions({ kind: "responded", body: "ok" }, T1, first);
        assert.strictEqual(again[0].lastTransitionTime, T0);
        assert.strictEqual(again[0].lastProbeTime, T1);
        const down = healthConditions({ kind: "unreachable", error: "x" }, T1, first);
        assert.strictEqual(down[0].lastTransitionTime, T1);
    });
});
