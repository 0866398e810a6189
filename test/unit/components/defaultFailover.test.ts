import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { byName, registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import { HEALTH_OUT_ENV, HEALTH_STATE_ENV, HealthReport, READINESS_ENV } from "../../../src/core/health";

// Failover on by default (issue 22): a plain synchronous program, no `observed`, no `observeReadiness`. The library
// probes each placed member once and the replicas each member is sent follow the probe. A member whose API server
// refuses connections is probed for real (port 9 on localhost); the others' probe results are handed in.
const refused = pulumi.secret([
    "apiVersion: v1", "kind: Config", "current-context: c",
    "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9', insecure-skip-tls-verify: true}}]",
    "users: [{name: u, user: {token: t}}]", "contexts: [{name: c, context: {cluster: c, user: u}}]", "",
].join("\n"));
const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const ready = (m: kubefed.MemberCluster) => {
    Object.defineProperty(m, "__probeResult", { enumerable: false, value: Promise.resolve({ ready: true, conditions: [], kubernetesVersion: "v1.31.0" }) });
    return m;
};
/** c1 and c3 answer, c2 refuses connections (or answers too, with `allUp`). */
const fleet = (allUp = false) => [
    ready(new kubefed.MemberCluster("c1", { kubeconfig: kc("c1"), unreachable: "skip" })),
    allUp ? ready(new kubefed.MemberCluster("c2", { kubeconfig: kc("c2"), unreachable: "skip" }))
        : new kubefed.MemberCluster("c2", { kubeconfig: refused, unreachable: "skip" }),
    ready(new kubefed.MemberCluster("c3", { kubeconfig: kc("c3"), unreachable: "skip" })),
];
const deployment = (name: string) => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "default", labels: { app: name } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "a", image: "x:1" }] } } },
});
// KubeFed's user-guide case: 50 replicas, c3 capped at 20.
const spec = { totalReplicas: 50, clusters: { "*": { weight: 1 }, c3: { weight: 1, maxReplicas: 20 } } };
const recordedOf = (name: string) => registered.find(r => r.type === "pulumi-kubefed:index:FederatedResource" && r.name === name)!.inputs.decision;
const outputOf = <T>(o: pulumi.Output<T>) => new Promise<T>(res => o.apply(v => { res(v); return v; }));

describe("components: failover on by default, from a synchronous program (mocked engine)", function () {
    this.timeout(30000);
    const saved = { ...process.env };
    beforeEach(() => { reset(); resetProgramEndForTests(); });
    afterEach(() => {
        for (const k of [READINESS_ENV, HEALTH_STATE_ENV, HEALTH_OUT_ENV]) {
            if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
        }
    });

    it("a member whose probe fails gets 0 replicas in the decision, the others take its share, and the decision says why", async () => {
        const clusters = fleet();
        const rsp = new kubefed.ReplicaSchedulingPreference("api", spec);
        const api = new kubefed.FederatedResource("api", { clusters, replicaScheduling: rsp, template: deployment("api") });
        await settle(api, ...Object.values(api.resources));
        // validated and planned at construction with every member ready...
        assert.deepEqual(kubefed.replicasOf(api.decision), { c1: 17, c2: 17, c3: 16 });
        // ...recorded and applied after the probe
        const recorded = recordedOf("api");
        assert.deepEqual(kubefed.replicasOf(recorded), { c1: 30, c2: 0, c3: 20 });
        assert.deepEqual(recorded.failover, { notReady: ["c2"], replicasIfReady: { c1: 17, c2: 17, c3: 16 } });
        assert.deepEqual(await outputOf(api.recordedDecision), recorded);
        assert.match(kubefed.decisionLine("api", recorded), /c1 30 · c2 0 · c3 20 \[replica scheduling\].*failover: not ready: c2 17 → 0 \(moved: c1 \+13, c3 \+4\)$/);
        // what each member is sent: the ready ones their failover share, the down one what it ran (no step touches it)
        assert.equal(byName("api-c1").inputs.spec.replicas, 30);
        assert.equal(byName("api-c3").inputs.spec.replicas, 20);
        assert.equal(byName("api-c2").inputs.spec.replicas, 17);
        for (const c of ["c1", "c2", "c3"]) assert.deepEqual(byName(`api-${c}`).ignoreChanges, [], `no ignoreChanges on api-${c}`);
    });

    it("all members ready: the decision and the objects are the all-ready split, with no failover recorded", async () => {
        const clusters = fleet(true);
        const api = new kubefed.FederatedResource("up", { clusters, replicaScheduling: spec, template: deployment("up") });
        await settle(api, ...Object.values(api.resources));
        const recorded = recordedOf("up");
        const split = kubefed.replicasOf(recorded);
        assert.deepEqual(Object.values(split).sort(), [16, 17, 17]); // the tie-break hash depends on the name
        assert.equal(recorded.failover, undefined);
        assert.deepEqual(recorded, api.decision);
        assert.deepEqual(["c1", "c2", "c3"].map(c => byName(`up-${c}`).inputs.spec.replicas), ["c1", "c2", "c3"].map(c => split[c]));
    });

    it("a FederatedChart moves replicas off the member whose probe fails, at replicasPath", async () => {
        const clusters = fleet();
        const chart = new kubefed.FederatedChart("hello", { clusters, chart: "./charts/hello", replicaScheduling: spec, replicasPath: "web.replicas",
            values: { web: { image: "x:1" } } });
        await settle(chart);
        const recorded = registered.find(r => r.type === "pulumi-kubefed:index:FederatedChart" && r.name === "hello")!.inputs.decision;
        assert.deepEqual(recorded.replicas, { c1: 30, c2: 0, c3: 20 });
        assert.deepEqual(recorded.failover.notReady, ["c2"]);
        const sent = (c: string) => registered.find(r => r.type === "kubernetes:helm.sh/v4:Chart" && r.name === `hello-${c}`)!.inputs.values;
        assert.deepEqual(sent("c1"), { web: { image: "x:1", replicas: 30 } });
        assert.deepEqual(sent("c3"), { web: { image: "x:1", replicas: 20 } });
        assert.deepEqual(sent("c2"), { web: { image: "x:1", replicas: recorded.failover.replicasIfReady.c2 } }, "the down member keeps its all-ready share");
        assert.deepEqual(recorded.failover.replicasIfReady, chart.decision.replicas);
    });

    it("failover: false in the preference: nothing is probed and the all-ready split is applied", async () => {
        const clusters = fleet();
        let probed = false;
        const orig = clusters[1].__probeOnce.bind(clusters[1]);
        clusters[1].__probeOnce = () => { probed = true; return orig(); };
        const off = new kubefed.FederatedResource("off", { clusters, template: deployment("off"),
            replicaScheduling: new kubefed.ReplicaSchedulingPreference("off", { ...spec, failover: false }) });
        await settle(off, ...Object.values(off.resources));
        assert.deepEqual(kubefed.replicasOf(recordedOf("off")), kubefed.replicasOf(off.decision));
        assert.ok(kubefed.replicasOf(off.decision).c2 > 0);
        assert.equal(byName("off-c2").inputs.spec.replicas, kubefed.replicasOf(off.decision).c2);
        assert.equal(probed, false);
    });

    it("explicit readiness wins over the probe (observeReadiness programs keep working)", async () => {
        const clusters = fleet();
        const api = new kubefed.FederatedResource("given", { clusters, template: deployment("given"),
            replicaScheduling: new kubefed.ReplicaSchedulingPreference("given", { ...spec, observed: { ready: { c1: true, c2: true, c3: true } } }) });
        await settle(api, ...Object.values(api.resources));
        assert.equal(recordedOf("given").failover, undefined);
        assert.ok(kubefed.replicasOf(recordedOf("given")).c2 > 0);
    });

    it("under the reconcile loop: a ready member turns not ready only after KubeFed's failure threshold; readiness pinned by the loop is not probed", async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-health-")), "health.json");
        process.env[HEALTH_OUT_ENV] = out;
        // two failed probes so far: the third (this run) crosses the threshold of 3
        process.env[HEALTH_STATE_ENV] = JSON.stringify({ c2: { ready: true, failures: 2, successes: 0 } });
        const a = fleet();
        const third = new kubefed.FederatedResource("third", { clusters: a, replicaScheduling: spec, template: deployment("third") });
        await settle(third, ...Object.values(third.resources));
        assert.deepEqual(kubefed.replicasOf(recordedOf("third")), { c1: 30, c2: 0, c3: 20 });
        const report = JSON.parse(fs.readFileSync(out, "utf8")) as HealthReport;
        assert.equal(report.probes.c2, false);
        assert.deepEqual(report.state.c2, { ready: false, failures: 3, successes: 0 });

        // one failure so far: the second keeps it ready
        reset();
        process.env[HEALTH_STATE_ENV] = JSON.stringify({ c2: { ready: true, failures: 0, successes: 5 } });
        const b = fleet();
        const first = new kubefed.FederatedResource("first", { clusters: b, replicaScheduling: spec, template: deployment("first") });
        await settle(first, ...Object.values(first.resources));
        assert.equal(recordedOf("first").failover, undefined);
        assert.ok(kubefed.replicasOf(recordedOf("first")).c2 > 0);
        assert.deepEqual((JSON.parse(fs.readFileSync(out, "utf8")) as HealthReport).state.c2, { ready: true, failures: 1, successes: 0 });

        // the loop's up applies what its preview showed: pinned readiness, no probe
        reset();
        delete process.env[HEALTH_STATE_ENV];
        process.env[READINESS_ENV] = JSON.stringify({ c1: true, c2: false, c3: true });
        const c = fleet(true);
        const pinned = new kubefed.FederatedResource("pinned", { clusters: c, replicaScheduling: spec, template: deployment("pinned") });
        await settle(pinned, ...Object.values(pinned.resources));
        assert.deepEqual(kubefed.replicasOf(recordedOf("pinned")), { c1: 30, c2: 0, c3: 20 });
    });
});
