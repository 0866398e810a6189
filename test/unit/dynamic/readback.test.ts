import * as assert from "assert";
import { clusterHealthProvider } from "../../../src/dynamic/clusterHealth";
import { orphanGuardProvider } from "../../../src/dynamic/orphanGuard";
import { propagationStatusProvider } from "../../../src/dynamic/propagationStatus";
import * as pulumi from "@pulumi/pulumi";
import { observeReplicas, resolveInput } from "../../../src/dynamic/replicas";
import { UNKNOWN } from "../../../src/dynamic/status";
import { FakeApiServer, deadUrl, fakeKubeconfig, startFakeApiServer } from "./fakeApiServer";

/* eslint-disable @typescript-eslint/no-explicit-any */
const P = (p: any) => p as Required<typeof clusterHealthProvider>;

describe("dynamic providers (methods called directly, fake API server)", function () {
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

    describe("ClusterHealth", () => {
        const hp = P(clusterHealthProvider);
        it("create probes /healthz and /version; outputs include the inputs", async () => {
            const inputs = (await hp.check({}, { clusterName: "a", kubeconfig: a.kubeconfig(), __provider: "x" })).inputs;
            assert.deepStrictEqual(Object.keys(inputs!).sort(), ["clusterName", "kubeconfig"]);
            const r = await hp.create(inputs);
            assert.strictEqual(r.id, "a");
            assert.strictEqual(r.outs.ready, true);
            assert.strictEqual(r.outs.kubernetesVersion, "v1.99.0-fake");
            assert.deepStrictEqual(r.outs.conditions.map((c: any) => [c.type, c.status, c.reason]), [["Ready", "True", "ClusterReady"]]);
            assert.strictEqual(r.outs.kubeconfig, a.kubeconfig());
        });
        it("an unreachable cluster is Offline, not an error (create and read)", async () => {
            const r = await hp.create({ clusterName: "d", kubeconfig: dead });
            assert.strictEqual(r.outs.ready, false);
            assert.deepStrictEqual(r.outs.conditions.map((c: any) => [c.type, c.status, c.reason]), [["Offline", "True", "ClusterNotReachable"]]);
            const rd = await hp.read("d", { ...r.outs, __provider: "p" });
            assert.strictEqual(rd.props.ready, false);
            assert.deepStrictEqual(rd.inputs, { clusterName: "d", kubeconfig: dead });
        });
        it("a malformed kubeconfig is ConfigMalformed, not an error", async () => {
            const r = await hp.create({ clusterName: "m", kubeconfig: "clusters: [" });
            assert.deepStrictEqual(r.outs.conditions.map((c: any) => c.type), ["ConfigMalformed"]);
        });
        it("a non-ok /healthz body is Ready=False, Offline=False; non-2xx counts as unreachable", async () => {
            b.healthzBody = "[-]etcd failed";
            try {
                const r = await hp.create({ clusterName: "b", kubeconfig: b.kubeconfig() });
                assert.deepStrictEqual(r.outs.conditions.map((c: any) => `${c.type}=${c.status}`), ["Ready=False", "Offline=False"]);
                b.healthzStatus = 500;
                const r2 = await hp.create({ clusterName: "b", kubeconfig: b.kubeconfig() });
                assert.deepStrictEqual(r2.outs.conditions.map((c: any) => `${c.type}=${c.status}`), ["Offline=True"]);
                assert.match(r2.outs.conditions[0].message, /HTTP 500/);
            } finally {
                b.healthzBody = "ok";
                b.healthzStatus = 200;
            }
        });
        it("read refreshes and keeps lastTransitionTime and the last known version while offline", async () => {
            const r = await hp.create({ clusterName: "a", kubeconfig: a.kubeconfig() });
            const rd = await hp.read("a", { ...r.outs, kubeconfig: dead });
            assert.strictEqual(rd.props.ready, false);
            assert.strictEqual(rd.props.kubernetesVersion, "v1.99.0-fake");
        });
        it("diff: no change for equal inputs (outputs ignored), change for new inputs, change on unknowns", async () => {
            const r = await hp.create({ clusterName: "a", kubeconfig: a.kubeconfig() });
            const olds = { ...r.outs, __provider: "old" };
            assert.strictEqual((await hp.diff("a", olds, { clusterName: "a", kubeconfig: a.kubeconfig(), __provider: "new" })).changes, false);
            assert.strictEqual((await hp.diff("a", olds, { clusterName: "a", kubeconfig: b.kubeconfig() })).changes, true);
            assert.strictEqual((await hp.diff("a", olds, { clusterName: "a", kubeconfig: a.kubeconfig(), context: "x" })).changes, true);
            assert.deepStrictEqual((await hp.diff("a", olds, { clusterName: "renamed", kubeconfig: a.kubeconfig() })).replaces, ["clusterName"]);
            const before = a.requests.length;
            assert.strictEqual((await hp.diff("a", olds, { clusterName: "a", kubeconfig: UNKNOWN })).changes, true);
            assert.strictEqual(a.requests.length, before, "diff never calls out");
        });
    });

    describe("PropagationStatus", () => {
        const pp = P(propagationStatusProvider);
        const target = { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "cm" };
        const desired = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "default", labels: { "kubefed.io/managed": "true" } }, data: { k: "v" } };
        const inputs = () => ({
            target,
            clusters: { b: { desired }, a: { desired }, dead: { desired } },
            kubeconfigs: { a: a.kubeconfig(), b: b.kubeconfig(), dead },
        });
        before(() => {
            a.put(desired);
            b.put({ ...desired, data: { k: "changed" } });
        });
        it("create reports per cluster, sorted, and the aggregate condition", async () => {
            const i = (await pp.check({}, { ...inputs(), __provider: "p" })).inputs!;
            const r = await pp.create(i);
            assert.strictEqual(r.id, "v1:ConfigMap:default/cm");
            const st = r.outs.status;
            assert.deepStrictEqual(st.clusters.map((c: any) => [c.name, c.status]), [["a", ""], ["b", "Drifted"], ["dead", "ClusterNotReady"]]);
            assert.deepStrictEqual(st.clusters[1].drifted, ["/data/k"]);
            assert.deepStrictEqual([st.conditions[0].type, st.conditions[0].status, st.conditions[0].reason], ["Propagation", "False", "CheckClusters"]);
            assert.strictEqual(r.outs.propagated, false);
            assert.ok(!JSON.stringify(st).includes("token"), "no credentials in status");
        });
        it("read returns fresh props and the inputs; an object deleted out of band is NotFound", async () => {
            const r = await pp.create(inputs());
            a.objects.clear();
            const rd = await pp.read(r.id, { ...r.outs, __provider: "p" });
            assert.deepStrictEqual(rd.props.status.clusters.map((c: any) => c.status), ["NotFound", "Drifted", "ClusterNotReady"]);
            assert.deepStrictEqual(rd.inputs, inputs());
            assert.strictEqual((await pp.diff(r.id, rd.props, { ...inputs(), __provider: "p" })).changes, false);
            a.put(desired);
        });
        it("check and diff accept whole maps that are unknown (preview), without calling out", async () => {
            const r = await pp.create(inputs());
            const before = a.requests.length;
            for (const n of [{ ...inputs(), kubeconfigs: UNKNOWN }, { ...inputs(), clusters: UNKNOWN }, { ...inputs(), target: UNKNOWN }]) {
                const c = await pp.check(r.outs, n);
                assert.deepStrictEqual(c.failures, []);
                assert.strictEqual((await pp.diff(r.id, r.outs, c.inputs)).changes, true);
            }
            assert.strictEqual(a.requests.length, before);
            assert.ok((await pp.check({}, { target: {}, clusters: 3 })).failures!.length >= 3, "known bad values still fail");
        });
        it("diff: unknown desired → change", async () => {
            const r = await pp.create(inputs());
            const n = inputs();
            (n.clusters.a as any).desired = { ...desired, data: { k: UNKNOWN } };
            assert.strictEqual((await pp.diff(r.id, r.outs, n)).changes, true);
        });
    });

    describe("OrphanGuard", () => {
        const gp = P(orphanGuardProvider);
        const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" };
        const obj = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", labels: { app: "web", "kubefed.io/managed": "true" } } };
        const path = "/apis/apps/v1/namespaces/default/deployments/web";
        it("delete unlabels in every cluster and leaves the objects", async () => {
            a.put(obj);
            b.put(obj);
            const r = await gp.create({ target, clusters: { a: {}, b: {} }, kubeconfigs: { a: a.kubeconfig(), b: b.kubeconfig() } });
            await gp.delete(r.id, r.outs);
            assert.deepStrictEqual(a.objects.get(path)!.metadata.labels, { app: "web" });
            assert.deepStrictEqual(b.objects.get(path)!.metadata.labels, { app: "web" });
            await gp.delete(r.id, r.outs); // again: still fine
            b.objects.delete(path);
            await gp.delete(r.id, r.outs); // 404 is fine
        });
        it("delete throws when a cluster is unreachable (state kept for a retry)", async () => {
            a.put(obj);
            const outs = (await gp.create({ target, clusters: { a: {}, d: {} }, kubeconfigs: { a: a.kubeconfig(), d: dead } })).outs;
            await assert.rejects(gp.delete("x", outs), /cluster d: .*retry|retry.*cluster d/s);
            assert.deepStrictEqual(a.objects.get(path)!.metadata.labels, { app: "web" }, "reachable clusters are still unlabelled");
        });
        it("update unlabels only clusters dropped from the list", async () => {
            a.put(obj);
            b.put(obj);
            const olds = (await gp.create({ target, clusters: { a: {}, b: {} }, kubeconfigs: { a: a.kubeconfig(), b: b.kubeconfig() } })).outs;
            const news = { target, clusters: { a: {} }, kubeconfigs: { a: a.kubeconfig() } };
            assert.strictEqual((await gp.diff("x", olds, news)).changes, true);
            await gp.update("x", olds, news);
            assert.strictEqual(a.objects.get(path)!.metadata.labels["kubefed.io/managed"], "true");
            assert.strictEqual(b.objects.get(path)!.metadata.labels["kubefed.io/managed"], undefined);
        });
        it("check/diff with unknown maps (preview): no failures, a change", async () => {
            const olds = { target, clusters: { a: {} }, kubeconfigs: { a: "k" } };
            const n = (await gp.check(olds, { target, clusters: { a: {} }, kubeconfigs: UNKNOWN })) as any;
            assert.deepStrictEqual(n.failures, []);
            assert.deepStrictEqual(await gp.diff("x", olds, n.inputs), { changes: true });
        });
        it("diff replaces on a new target, no change otherwise", async () => {
            const olds = { target, clusters: { a: {} }, kubeconfigs: { a: "k" }, __provider: "p" };
            assert.deepStrictEqual(await gp.diff("x", olds, { ...olds, __provider: "q" }), { changes: false });
            assert.deepStrictEqual((await gp.diff("x", olds, { ...olds, target: { ...target, name: "other" } })).replaces, ["target"]);
        });
    });

    describe("observeReplicas", () => {
        it("resolves Inputs: plain, Promise, (secret) Output; unknown Outputs resolve to undefined", async () => {
            assert.strictEqual(await resolveInput(pulumi.secret("s")), "s");
            assert.strictEqual(await resolveInput(pulumi.output("x").apply((v) => `${v}y`)), "xy");
            assert.strictEqual(await resolveInput(Promise.resolve("p")), "p");
            assert.strictEqual(await resolveInput(pulumi.output(pulumi.unknown as unknown as string)), undefined);
        });
        const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "rs" };
        const pod = (name: string, phase: string, conditions: any[]) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { app: "rs" } }, status: { phase, conditions } });
        it("implements §5.4 and leaves out clusters where the object is absent or the cluster unreachable", async () => {
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
});
