/**
 * Integration tests of the dynamic resources against REAL kube-apiservers (testbed/fleet.js) and the REAL Pulumi
 * engine (Automation API, inline program, file backend in a temp dir). Skipped only when the testbed toolchain is
 * absent (build it with `bash testbed/setup.sh`).
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as automation from "@pulumi/pulumi/automation";
import { connect } from "../../../src/dynamic/kube";
import { Fleet, REPO, findTools, loadFleet, testbedEnv } from "./testbed";

/* eslint-disable @typescript-eslint/no-explicit-any */

const found = findTools();
const TARGET = { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "app-config" };
const CM_PATH = "/api/v1/namespaces/default/configmaps/app-config";
const desiredFor = (cluster: string) => ({
    apiVersion: "v1", kind: "ConfigMap",
    metadata: { name: "app-config", namespace: "default", labels: { app: "demo", "kubefed.io/managed": "true" } },
    data: { cluster, key: "value" },
});

describe("dynamic resources under the real engine and real kube-apiservers", function () {
    this.timeout(15 * 60_000);
    if ("missing" in found) {
        it(`SKIPPED: testbed toolchain absent (${found.missing}); build it with: bash testbed/setup.sh`, function () {
            this.skip();
        });
        return;
    }
    const tools = found.tools;
    let fleet: Fleet;
    let tmp = "";
    let fleetDir = "";
    let backendDir = "";
    let kubeconfig = "";
    let certDirs: Record<string, string> = {};
    let stack: automation.Stack;
    const savedEnv = { ...process.env };
    const log: string[] = [];
    const onOutput = (s: string): void => { log.push(s); };

    const kube = (ctx: string) => connect(kubeconfig, ctx);
    const putConfigMap = async (ctx: string, obj: Record<string, unknown>): Promise<void> => {
        const c = kube(ctx);
        const got = await c.request("GET", CM_PATH);
        const res = got.status === 404
            ? await c.request("POST", "/api/v1/namespaces/default/configmaps", obj)
            : await c.request("PUT", CM_PATH, { ...obj, metadata: { ...(obj.metadata as object), resourceVersion: got.body.metadata.resourceVersion } });
        assert.ok(res.status === 200 || res.status === 201, `write configmap in ${ctx}: ${res.status} ${res.text}`);
    };
    const getConfigMap = async (ctx: string): Promise<any> => {
        const r = await kube(ctx).request("GET", CM_PATH);
        return r.status === 404 ? undefined : r.body;
    };
    const stateResources = async (): Promise<any[]> => (await stack.exportStack()).deployment.resources ?? [];
    const outputsOf = async (type: string, name?: string): Promise<any> => {
        const r = (await stateResources()).find((x) => x.type === `pulumi-nodejs:dynamic/kubefed:${type}` && (!name || x.urn.endsWith(`::${name}`)));
        assert.ok(r, `no ${type} ${name ?? ""} in state`);
        return r.outputs;
    };
    const assertNoChangesPreview = async (): Promise<void> => {
        const p = await stack.preview({ onOutput });
        const ops = Object.entries(p.changeSummary).filter(([op, n]) => op !== "same" && (n as number) > 0);
        assert.deepStrictEqual(ops, [], `preview after up must show no changes: ${p.stdout}`);
    };

    before(async function () {
        Object.assign(process.env, testbedEnv(tools));
        process.env.PULUMI_CONFIG_PASSPHRASE = process.env.PULUMI_CONFIG_PASSPHRASE || "testbed";
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-dyn-it-"));
        fleetDir = path.join(tmp, "fleet");
        backendDir = path.join(tmp, "backend");
        fs.mkdirSync(backendDir);
        const workDir = path.join(tmp, "project");
        fs.mkdirSync(workDir);
        // the engine starts the dynamic-provider plugin in the project dir: it needs node_modules/@pulumi/pulumi there
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(workDir, "node_modules"));

        fleet = loadFleet();
        const f = await fleet.startFleet({ dir: fleetDir, clusters: 2, controllers: false, kwok: false });
        kubeconfig = fs.readFileSync(f.kubeconfig, "utf8");
        certDirs = Object.fromEntries(f.clusters.map((c) => [c.name, c.certDir]));
        for (const c of ["c1", "c2"]) await putConfigMap(c, desiredFor(c));

        // The program passes the kubeconfig as a PLAIN string: the resources must make it secret themselves.
        const { ClusterHealth, PropagationStatus, OrphanGuard, kubefedStatusOutput } = await import("../../../src/dynamic");
        const program = async () => {
            const clusters = ["c1", "c2"];
            const health = clusters.map((c) => new ClusterHealth(`health-${c}`, { clusterName: c, kubeconfig, context: c }));
            const status = new PropagationStatus("app-config", {
                target: TARGET,
                clusters: Object.fromEntries(clusters.map((c) => [c, { kubeconfig, context: c, desired: desiredFor(c) }])),
            });
            new OrphanGuard("app-config-orphan", {
                target: TARGET,
                clusters: Object.fromEntries(clusters.map((c) => [c, { kubeconfig, context: c }])),
            });
            return { kubefed: kubefedStatusOutput({ health, propagation: { "app-config": status } }) };
        };
        const auto = await import("@pulumi/pulumi/automation");
        const pulumiCommand = await auto.PulumiCommand.get({ root: tools, skipVersionCheck: true });
        stack = await auto.LocalWorkspace.createOrSelectStack(
            { stackName: "dyn", projectName: "kubefed-dynamic-it", program },
            {
                workDir,
                pulumiCommand,
                projectSettings: { name: "kubefed-dynamic-it", runtime: "nodejs", backend: { url: `file://${backendDir}` } },
                envVars: { PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE, PULUMI_BACKEND_URL: `file://${backendDir}` },
            },
        );
    });

    after(async function () {
        if (fleet && fleetDir) await fleet.stopFleet(fleetDir).catch(() => undefined);
        if (process.env.KEEP_IT_TMP) console.log(`kept ${tmp}`);
        else if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
        Object.assign(process.env, savedEnv);
    });

    afterEach(function () {
        if (this.currentTest?.state === "failed") console.log(log.join("").split("\n").slice(-80).join("\n"));
        log.length = 0;
    });

    it("up: ClusterHealth ready with the server version; PropagationStatus True; exported kubefed report", async () => {
        const up = await stack.up({ onOutput });
        const report = up.outputs.kubefed.value;
        assert.strictEqual(up.outputs.kubefed.secret, false, "the kubefed output must not be secret");
        assert.deepStrictEqual(report.clusters.map((c: any) => [c.clusterName, c.ready, c.kubernetesVersion]), [["c1", true, "v1.36.3"], ["c2", true, "v1.36.3"]]);
        assert.deepStrictEqual(report.clusters[0].conditions.map((c: any) => [c.type, c.status, c.reason]), [["Ready", "True", "ClusterReady"]]);
        const o = report.objects[0];
        assert.strictEqual(o.name, "app-config");
        assert.deepStrictEqual(o.status.clusters.map((c: any) => [c.name, c.status, c.exists, c.managed]), [["c1", "", true, true], ["c2", "", true, true]]);
        assert.deepStrictEqual([o.status.conditions[0].type, o.status.conditions[0].status], ["Propagation", "True"]);
        assert.strictEqual(o.propagated, true);
    });

    it("a second preview right after up shows no changes", async () => {
        await assertNoChangesPreview();
    });

    it("preview with kubeconfigs unknown (from a resource being created) succeeds; up then uses the real values", async () => {
        const { ClusterHealth, PropagationStatus } = await import("../../../src/dynamic");
        // `value` is computed (not an input), so it is unknown while a create is previewed
        const echoProvider: pulumi.dynamic.ResourceProvider = {
            create: async (inputs: any) => ({ id: "echo", outs: { v: inputs.v, value: inputs.v } }),
        };
        const mk = (kc: pulumi.Input<string>) => {
            new ClusterHealth("h", { clusterName: "c1", kubeconfig: kc, context: "c1" });
            new PropagationStatus("ps", { target: TARGET, clusters: { c1: { kubeconfig: kc, context: "c1", desired: desiredFor("c1") } } });
        };
        const v1 = async () => { mk(kubeconfig); };
        class Echo extends pulumi.dynamic.Resource {
            declare readonly value: pulumi.Output<string>;
        }
        const v2 = async () => {
            const echo = new Echo(echoProvider, "kc", { v: pulumi.secret(kubeconfig), value: undefined }, { additionalSecretOutputs: ["value"] });
            mk(echo.value);
        };
        const auto = await import("@pulumi/pulumi/automation");
        const s2 = await auto.LocalWorkspace.createOrSelectStack(
            { stackName: "dyn-unknown", projectName: "kubefed-dynamic-it", program: v1 },
            {
                workDir: stack.workspace.workDir,
                pulumiCommand: await auto.PulumiCommand.get({ root: tools, skipVersionCheck: true }),
                envVars: { PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE!, PULUMI_BACKEND_URL: `file://${backendDir}` },
            },
        );
        try {
            await s2.up({ onOutput });
            (s2.workspace as any).program = v2;
            const p = await s2.preview({ onOutput });
            assert.strictEqual(p.changeSummary.create, 1, p.stdout);
            assert.strictEqual(p.changeSummary.update, 2, `both resources see an unknown kubeconfig: ${p.stdout}`);
            await s2.up({ onOutput });
            const res = (await s2.exportStack()).deployment.resources ?? [];
            const h = res.find((r: any) => r.type === "pulumi-nodejs:dynamic/kubefed:ClusterHealth");
            assert.strictEqual(h.outputs.ready, true);
            const ps = res.find((r: any) => r.type === "pulumi-nodejs:dynamic/kubefed:PropagationStatus");
            assert.strictEqual(ps.outputs.propagated, true);
            const again = await s2.preview({ onOutput });
            assert.deepStrictEqual(Object.entries(again.changeSummary).filter(([op, n]) => op !== "same" && (n as number) > 0), []);
            await s2.destroy({ onOutput });
        } finally {
            await s2.workspace.removeStack("dyn-unknown", { force: true }).catch(() => undefined);
        }
    });

    it("refresh: an object deleted out of band is NotFound, an edited field is Drifted with its path", async () => {
        assert.strictEqual((await kube("c2").request("DELETE", CM_PATH)).status, 200);
        const cm = await getConfigMap("c1");
        await putConfigMap("c1", { ...cm, data: { ...cm.data, key: "edited" } });
        await stack.refresh({ onOutput });
        const outs = await outputsOf("PropagationStatus");
        const byName = Object.fromEntries(outs.status.clusters.map((c: any) => [c.name, c]));
        assert.strictEqual(byName.c2.status, "NotFound");
        assert.strictEqual(byName.c2.exists, false);
        assert.strictEqual(byName.c1.status, "Drifted");
        assert.deepStrictEqual(byName.c1.drifted, ["/data/key"]);
        assert.deepStrictEqual([outs.status.conditions[0].status, outs.status.conditions[0].reason], ["False", "CheckClusters"]);
        assert.strictEqual(outs.propagated, false);
        // refresh returned the inputs too: still no planned changes
        await assertNoChangesPreview();
    });

    it("pulumi-kubefed status prints the table from the stack outputs", async () => {
        await stack.up({ onOutput }); // re-export the refreshed status
        const out = execFileSync(process.execPath, [path.join(REPO, "dist", "src", "cli.js"), "status", "--cwd", stack.workspace.workDir, "--stack", "dyn"], {
            encoding: "utf8", env: { ...process.env, PULUMI_BACKEND_URL: `file://${backendDir}` },
        });
        assert.match(out, /^c1\s+Ready\s+v1\.36\.3/m);
        assert.match(out, /app-config \(ConfigMap default\/app-config\)|ConfigMap default\/app-config/);
        assert.match(out, /Drifted\s+NotFound\s+False \(CheckClusters\)/);
        assert.match(out, /@ c1: Drifted - fields differ from what was sent: \/data\/key/);
    });

    it("a stopped member is Offline / ClusterNotReady after refresh, without an exception", async () => {
        await putConfigMap("c1", desiredFor("c1"));
        await putConfigMap("c2", desiredFor("c2"));
        await fleet.stopMember(fleetDir, "c2");
        await stack.refresh({ onOutput });
        const h2 = await outputsOf("ClusterHealth", "health-c2");
        assert.strictEqual(h2.ready, false);
        assert.deepStrictEqual(h2.conditions.map((c: any) => [c.type, c.status, c.reason]), [["Offline", "True", "ClusterNotReachable"]]);
        assert.strictEqual(h2.kubernetesVersion, "v1.36.3", "last known version kept");
        const h1 = await outputsOf("ClusterHealth", "health-c1");
        assert.strictEqual(h1.ready, true);
        const ps = await outputsOf("PropagationStatus");
        assert.deepStrictEqual(ps.status.clusters.map((c: any) => [c.name, c.status]), [["c1", ""], ["c2", "ClusterNotReady"]]);
        await assertNoChangesPreview();
    });

    it("destroy with an unreachable member fails and keeps the OrphanGuard in state", async () => {
        await assert.rejects(stack.destroy({ onOutput }), /orphaning ConfigMap default\/app-config failed/);
        const guard = (await stateResources()).find((r) => r.type === "pulumi-nodejs:dynamic/kubefed:OrphanGuard");
        assert.ok(guard, "OrphanGuard still in state");
        // the reachable member was unlabelled already (label removal is idempotent)
        assert.strictEqual((await getConfigMap("c1")).metadata.labels?.["kubefed.io/managed"], undefined);
    });

    it("destroy (member back) leaves the objects in every member, unlabelled", async () => {
        await fleet.startMember(fleetDir, "c2");
        await stack.destroy({ onOutput });
        for (const c of ["c1", "c2"]) {
            const cm = await getConfigMap(c);
            assert.ok(cm, `configmap still in ${c}`);
            assert.deepStrictEqual(cm.metadata.labels, { app: "demo" });
            assert.deepStrictEqual(cm.data, desiredFor(c).data);
        }
        assert.strictEqual((await stateResources()).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")).length, 0);
    });

    it("the state (all checkpoints and backups) holds no kubeconfig, certificate, key or token in plaintext", () => {
        const files: string[] = [];
        const walk = (d: string): void => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else files.push(p);
            }
        };
        walk(backendDir);
        assert.ok(files.some((f) => f.endsWith("dyn.json")), `checkpoint written: ${files.join(", ")}`);
        const needles: string[] = ["BEGIN", "client-key-data", "certificate-authority-data"];
        for (const [c, dir] of Object.entries(certDirs)) {
            const key = fs.readFileSync(path.join(dir, "admin.key"), "utf8");
            needles.push(Buffer.from(key).toString("base64").slice(0, 60));
            needles.push(key.split("\n").filter((l) => l && !l.startsWith("-----"))[0].slice(0, 40));
            needles.push(Buffer.from(fs.readFileSync(path.join(dir, "admin.crt"), "utf8")).toString("base64").slice(0, 60));
            assert.ok(kubeconfig.includes(Buffer.from(key).toString("base64")), `test premise: kubeconfig of ${c} embeds the key`);
        }
        for (const f of files) {
            const text = fs.readFileSync(f, "utf8");
            for (const n of needles) assert.ok(!text.includes(n), `${path.relative(backendDir, f)} contains ${n.slice(0, 20)}...`);
        }
    });
});

describe("observeReplicas against a real kube-apiserver (§5.4)", function () {
    this.timeout(5 * 60_000);
    if ("missing" in found) {
        it(`SKIPPED: testbed toolchain absent (${found.missing})`, function () {
            this.skip();
        });
        return;
    }
    let fleet: Fleet;
    let tmp = "";
    let kubeconfig = "";
    const savedEnv = { ...process.env };
    before(async () => {
        Object.assign(process.env, testbedEnv(found.tools));
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-rs-it-"));
        fleet = loadFleet();
        const f = await fleet.startFleet({ dir: path.join(tmp, "fleet"), clusters: 2, controllers: false, kwok: false });
        kubeconfig = fs.readFileSync(f.kubeconfig, "utf8");
    });
    after(async () => {
        if (fleet && tmp) await fleet.stopFleet(path.join(tmp, "fleet")).catch(() => undefined);
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
        Object.assign(process.env, savedEnv);
    });

    it("reads readyReplicas, analyses pods via the status subresource data, leaves out absent objects", async () => {
        const { observeReplicas } = await import("../../../src/dynamic");
        const c1 = connect(kubeconfig, "c1");
        const deploy = {
            apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" },
            spec: { replicas: 4, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
        };
        assert.strictEqual((await c1.request("POST", "/apis/apps/v1/namespaces/default/deployments", deploy)).status, 201);
        const dpath = "/apis/apps/v1/namespaces/default/deployments/web/status";
        const st = await c1.request("PATCH", dpath, { status: { replicas: 4, readyReplicas: 1 } }, { contentType: "application/merge-patch+json" });
        assert.strictEqual(st.status, 200, st.text);
        const longAgo = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
        const pods: [string, any][] = [
            ["p-ready", { phase: "Running", conditions: [{ type: "Ready", status: "True" }] }],
            ["p-notready", { phase: "Running", conditions: [{ type: "Ready", status: "False" }] }],
            ["p-unsched", { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", lastTransitionTime: longAgo }] }],
        ];
        for (const [name, status] of pods) {
            const pod = { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
            const r = await c1.request("POST", "/api/v1/namespaces/default/pods", pod);
            assert.strictEqual(r.status, 201, r.text);
            const s = await c1.request("PATCH", `/api/v1/namespaces/default/pods/${name}/status`, { status }, { contentType: "application/merge-patch+json" });
            assert.strictEqual(s.status, 200, s.text);
        }
        const r = await observeReplicas([
            { clusterName: "c1", kubeconfig, context: "c1" },
            { clusterName: "c2", kubeconfig, context: "c2" },
        ], { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" });
        assert.deepStrictEqual(r, { currentReplicas: { c1: 2 }, estimatedCapacity: { c1: 3 } });
    });
});
