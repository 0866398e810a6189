import * as assert from "assert";
import { quantityValue, driftPaths } from "../../../src/member/drift";
import { healthConditions, isReadyConditions } from "../../../src/member/health";
import { UNKNOWN, containsUnknown, jsonEqual, stableStringify } from "../../../src/member/json";
import { analysePods, matchLabelsSelector, needsPodAnalysis, replicaObservation } from "../../../src/member/pods";
import { ClusterPropagationStatus, clusterPropagationStatus, propagationCondition } from "../../../src/member/propagation";
import { readinessOf } from "../../../src/member/readiness";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:01:00Z";

describe("member/observations: health conditions (docs/semantics.md#health)", () => {
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

describe("member/observations: drift", () => {
    const desired = {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "web", namespace: "default", labels: { app: "web", "kubefed.io/managed": "true" }, resourceVersion: "1" },
        spec: {
            replicas: 3,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web" } },
                spec: { containers: [{ name: "c", image: "nginx:1", resources: { limits: { cpu: "0.5", memory: "1Gi" } }, ports: [{ containerPort: 80 }] }] },
            },
        },
    };
    const live = () => JSON.parse(JSON.stringify({
        ...desired,
        metadata: { ...desired.metadata, resourceVersion: "999", uid: "u", generation: 2, annotations: { "deployment.kubernetes.io/revision": "1" } },
        spec: {
            ...desired.spec,
            strategy: { type: "RollingUpdate" },
            template: {
                metadata: { labels: { app: "web" }, creationTimestamp: null },
                spec: {
                    containers: [{ name: "c", image: "nginx:1", imagePullPolicy: "IfNotPresent", resources: { limits: { cpu: "500m", memory: "1Gi" } }, ports: [{ containerPort: 80, protocol: "TCP" }] }],
                    restartPolicy: "Always",
                },
            },
        },
        status: { replicas: 3 },
    }));

    it("ignores fields added by the server, server metadata, and equal quantities", () => {
        assert.deepStrictEqual(driftPaths(desired, live()), []);
    });
    it("reports changed scalars, list items and labels as JSON pointers (sorted, escaped)", () => {
        const l = live();
        l.spec.replicas = 5;
        l.spec.template.spec.containers[0].image = "nginx:2";
        delete l.metadata.labels["kubefed.io/managed"];
        assert.deepStrictEqual(driftPaths(desired, l), [
            "/metadata/labels/kubefed.io~1managed",
            "/spec/replicas",
            "/spec/template/spec/containers/0/image",
        ]);
    });
    it("reports a list whose length changed at the list path", () => {
        const l = live();
        l.spec.template.spec.containers.push({ name: "sidecar", image: "x" });
        assert.deepStrictEqual(driftPaths(desired, l), ["/spec/template/spec/containers"]);
    });
    it("treats {} and [] like absent, null in desired as 'must be absent'", () => {
        assert.deepStrictEqual(driftPaths({ metadata: { annotations: {} }, spec: { items: [] } }, { metadata: {} }), []);
        assert.deepStrictEqual(driftPaths({ spec: { x: null } }, { spec: { x: 1 } }), ["/spec/x"]);
        assert.deepStrictEqual(driftPaths({ spec: { x: { y: 1 } } }, { spec: { x: "str" } }), ["/spec/x"]);
    });
    it("compares a Secret's stringData as base64 data", () => {
        const d = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "hello" } };
        assert.deepStrictEqual(driftPaths(d, { metadata: { name: "s" }, data: { a: Buffer.from("hello").toString("base64") } }), []);
        assert.deepStrictEqual(driftPaths(d, { metadata: { name: "s" }, data: { a: "eA==" } }), ["/data/a"]);
    });
    it("parses quantities", () => {
        assert.strictEqual(quantityValue("500m"), 0.5);
        assert.strictEqual(quantityValue("1Gi"), 1024 ** 3);
        assert.strictEqual(quantityValue("1e3"), 1000);
        assert.strictEqual(quantityValue(2), 2);
        assert.strictEqual(quantityValue("nginx"), undefined);
        assert.deepStrictEqual(driftPaths({ a: 1 }, { a: "1" }), []);
        assert.deepStrictEqual(driftPaths({ a: "1k" }, { a: "1000" }), []);
        assert.deepStrictEqual(driftPaths({ a: "1Ki" }, { a: "1000" }), ["/a"]);
    });
});

describe("member/observations: per-cluster propagation status (docs/semantics.md#propagation-status + ours)", () => {
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

describe("member/observations: readiness heuristic", () => {
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

describe("member/observations: Propagation condition (docs/semantics.md#propagation-condition)", () => {
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

describe("member/observations: current replicas and capacity (docs/semantics.md#current-replicas-and-capacity)", () => {
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

describe("member/observations: helpers", () => {
    it("detects unknowns anywhere", () => {
        assert.strictEqual(containsUnknown({ a: [{ b: UNKNOWN }] }), true);
        assert.strictEqual(containsUnknown({ a: [{ b: "x" }] }), false);
    });
    it("compares JSON structurally", () => {
        assert.strictEqual(stableStringify({ b: 1, a: [2, { d: 1, c: undefined }] }), '{"a":[2,{"d":1}],"b":1}');
        assert.strictEqual(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
        assert.strictEqual(jsonEqual([1, 2], [2, 1]), false);
    });
});
