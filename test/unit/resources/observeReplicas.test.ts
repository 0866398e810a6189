import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { observeReplicas, resolveInput } from "../../../src/resources/observeReplicas";
import { FakeApiServer, deadUrl, fakeKubeconfig, startFakeApiServer } from "../../support/fakeApiServer";

// Issue 20 item 8: a member observeReplicas cannot read is reported (member and reason), never with a credential.
describe("resources/observeReplicas: observeReplicas says which members it could not read", () => {
    const TOKEN = "s3cr3t-t0ken-value";
    let api: FakeApiServer;
    let warnings: string[];
    const warn = pulumi.log.warn;
    before(async () => {
        api = await startFakeApiServer({ token: TOKEN });
        api.put({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
            spec: { replicas: 2, selector: { matchLabels: { app: "web" } } }, status: { readyReplicas: 2 } });
    });
    after(async () => { await api.close(); });
    beforeEach(() => {
        warnings = [];
        pulumi.log.warn = (m: string) => { warnings.push(m); return Promise.resolve(); };
    });
    afterEach(() => { pulumi.log.warn = warn; });
    const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };

    it("reads a member it can read, and warns for a refused one, an unreachable one and an unusable kubeconfig", async () => {
        const garbage = `apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: ${TOKEN}}}]\ncurrent-context: nowhere\n`;
        const r = await observeReplicas([
            { clusterName: "good", kubeconfig: api.kubeconfig() },
            { clusterName: "refused", kubeconfig: fakeKubeconfig(api.url, "wrong-token") },
            { clusterName: "down", kubeconfig: fakeKubeconfig(await deadUrl(), TOKEN) },
            { clusterName: "broken", kubeconfig: garbage },
        ], target);
        assert.deepEqual(r.currentReplicas, { good: 2 });
        const by = (c: string) => warnings.filter(w => w.includes(`in cluster ${c}:`));
        assert.equal(by("good").length, 0);
        assert.match(by("refused")[0] ?? "", /^observeReplicas: cannot read Deployment shop\/web in cluster refused: .*401.*its replicas are not observed/);
        assert.match(by("down")[0] ?? "", /^observeReplicas: cannot read Deployment shop\/web in cluster down: the API server cannot be reached/);
        assert.match(by("broken")[0] ?? "", /^observeReplicas: cannot read Deployment shop\/web in cluster broken: its kubeconfig cannot be used .*fix the member's kubeconfig/);
        for (const w of warnings) assert.ok(!w.includes(TOKEN) && !w.includes("wrong-token"), `a credential in: ${w}`);
    });

    it("an object that does not exist in a member is no warning", async () => {
        const r = await observeReplicas([{ clusterName: "good", kubeconfig: api.kubeconfig() }], { ...target, name: "absent" });
        assert.deepEqual(r.currentReplicas, {});
        assert.deepEqual(warnings, []);
    });
});

describe("observeReplicas", function () {
    this.timeout(20_000);
    let a: FakeApiServer;
    let b: FakeApiServer;
    let dead: string;
    before(async () => {
        a = await startFakeApiServer({ token: "ta" });
        b = await startFakeApiServer();
        dead = fakeKubeconfig(await deadUrl());
    });
    after(async () => {
        await a.close();
        await b.close();
    });
    it("resolves Inputs: plain, Promise, (secret) Output; unknown Outputs resolve to undefined", async () => {
        assert.strictEqual(await resolveInput(pulumi.secret("s")), "s");
        assert.strictEqual(await resolveInput(pulumi.output("x").apply((v) => `${v}y`)), "xy");
        assert.strictEqual(await resolveInput(Promise.resolve("p")), "p");
        assert.strictEqual(await resolveInput(pulumi.output(pulumi.unknown as unknown as string)), undefined);
    });
    const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "rs" };
    const pod = (name: string, phase: string, conditions: any[]) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { app: "rs" } }, status: { phase, conditions } });
    it("implements docs/semantics.md#current-replicas-and-capacity and leaves out clusters where the object is absent or the cluster unreachable", async () => {
        const old = new Date(Date.now() - 120_000).toISOString();
        a.put({ ...target, metadata: { name: "rs", namespace: "default" }, spec: { replicas: 4, selector: { matchLabels: { app: "rs" } } }, status: { readyReplicas: 1 } });
        a.put(pod("p1", "Running", [{ type: "Ready", status: "True" }]));
        a.put(pod("p2", "Running", [{ type: "Ready", status: "False" }]));
        a.put(pod("p3", "Pending", [{ type: "PodScheduled", status: "False", reason: "Unschedulable", lastTransitionTime: old }]));
        a.put({ ...pod("other", "Running", [{ type: "Ready", status: "True" }]), metadata: { name: "other", namespace: "default", labels: { app: "x" } } });
        b.put({ ...target, metadata: { name: "rs", namespace: "default" }, spec: { replicas: 2 }, status: { readyReplicas: 2 } });
        const r = await observeReplicas([
            { clusterName: "b", kubeconfig: b.kubeconfig() },
            { clusterName: "a", kubeconfig: Promise.resolve(a.kubeconfig()) },
            { clusterName: "dead", kubeconfig: dead },
            { clusterName: "empty", kubeconfig: fakeKubeconfig(b.url), context: "fake" },
        ], { ...target });
        assert.deepStrictEqual(r, { currentReplicas: { a: 2, b: 2, empty: 2 }, estimatedCapacity: { a: 3 } });
        b.objects.clear();
        const r2 = await observeReplicas([{ clusterName: "b", kubeconfig: b.kubeconfig() }], target);
        assert.deepStrictEqual(r2, { currentReplicas: {}, estimatedCapacity: {} });
    });
});
