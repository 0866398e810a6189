/**
 * Integration tests of the dynamic resources against REAL kube-apiservers (testbed/fleet.js) and the REAL Pulumi
 * engine (Automation API, inline program, file backend in a temp dir). Skipped only when the testbed toolchain is
 * absent (build it with `bash testbed/setup.sh`).
 *
 * The program declares one `MemberReadBack` per member, tracking a ConfigMap (orphan mode) and a Deployment that
 * the test creates in the members through the API (no Kubernetes provider needed): drift and deletions are made
 * behind Pulumi's back the way kubectl makes them.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as automation from "@pulumi/pulumi/automation";
import { Fleet, TESTBED_FIX, applyTestbedEnv, filesUnder, findTools, fleetState, inlineProject, inlineStack, member, readPath, skipSuite, startFleet, startMember, stopFleet, stopMember } from "../../support";


const found = findTools();
const CLUSTERS = ["c1", "c2"];
const CM_PATH = "/api/v1/namespaces/default/configmaps/app-config";
const WEB_PATH = "/apis/apps/v1/namespaces/default/deployments/web";
const MANAGED = { "kubefed.io/managed": "true" };
const desiredCm = (cluster: string) => ({
    apiVersion: "v1", kind: "ConfigMap",
    metadata: { name: "app-config", namespace: "default", labels: { app: "demo", ...MANAGED } },
    data: { cluster, key: "value" },
});
const desiredWeb = () => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web", ...MANAGED } },
    spec: {
        replicas: 2, selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } },
    },
});
const targetOf = (o: any) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const READBACK = "pulumi-nodejs:dynamic/kubefed:MemberReadBack";

describe("MemberReadBack under the real engine and real kube-apiservers", function () {
    this.timeout(15 * 60_000);
    if ("missing" in found) {
        skipSuite(`the test bed is missing (${found.missing}): ${TESTBED_FIX}`);
        return;
    }
    const tools = found.tools;
    let fleet: Fleet;
    let tmp = "";
    let backendDir = "";
    let kubeconfig = "";
    let serverVersion = "";
    let certDirs: Record<string, string> = {};
    let stack: automation.Stack;
    let restoreEnv = (): void => {};
    const log: string[] = [];
    const onOutput = (s: string): void => { log.push(s); };

    const kube = (ctx: string) => member(fleet, ctx);
    /** Creates or replaces an object through the API (as `kubectl apply` of a whole object would). */
    const putObject = async (ctx: string, collection: string, objPath: string, obj: Record<string, any>): Promise<void> => {
        const c = kube(ctx);
        const got = await c.request("GET", objPath);
        const res = got.status === 404
            ? await c.request("POST", collection, obj)
            : await c.request("PUT", objPath, { ...obj, metadata: { ...obj.metadata, resourceVersion: (got.body as any).metadata.resourceVersion } });
        assert.ok(res.status === 200 || res.status === 201, `write ${objPath} in ${ctx}: ${res.status} ${res.text}`);
    };
    const putCm = (ctx: string, obj = desiredCm(ctx)) => putObject(ctx, "/api/v1/namespaces/default/configmaps", CM_PATH, obj);
    const putWeb = (ctx: string) => putObject(ctx, "/apis/apps/v1/namespaces/default/deployments", WEB_PATH, desiredWeb());
    const getObject = (ctx: string, p: string): Promise<any> => readPath(fleet, ctx, p);
    /** `kubectl patch --type merge`. */
    const mergePatch = async (ctx: string, p: string, patch: unknown): Promise<void> => {
        const r = await kube(ctx).request("PATCH", p, patch, { contentType: "application/merge-patch+json" });
        assert.strictEqual(r.status, 200, r.text);
    };
    const stateResources = async (s = stack): Promise<any[]> => (await s.exportStack()).deployment.resources ?? [];
    const readBackOf = async (cluster: string): Promise<any> => {
        const r = (await stateResources()).find((x) => x.type === READBACK && x.urn.endsWith(`::${cluster}-readback`));
        assert.ok(r, `no ${cluster}-readback in state`);
        return r.outputs;
    };
    /** Every file of the file backend: checkpoints, backups, history. */
    const checkpointFiles = (): string[] => filesUnder(backendDir);
    const changesOf = (summary: Record<string, number | undefined>) =>
        Object.entries(summary).filter(([op, n]) => op !== "same" && (n ?? 0) > 0);
    const assertNoChangesPreview = async (): Promise<void> => {
        const p = await stack.preview({ onOutput });
        assert.deepStrictEqual(changesOf(p.changeSummary), [], `preview must show no changes: ${p.stdout}`);
    };

    before(async function () {
        restoreEnv = applyTestbedEnv(tools);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-dyn-it-"));
        const project = inlineProject(tmp);
        backendDir = project.backendDir;

        fleet = await startFleet("dyn-it", 2, { dir: path.join(tmp, "fleet"), controllers: false, kwok: false });
        kubeconfig = fleet.kubeconfig;
        certDirs = Object.fromEntries(fleetState(fleet).clusters.map((c) => [c.name, c.certDir]));
        for (const c of CLUSTERS) {
            await putCm(c);
            await putWeb(c);
        }
        serverVersion = ((await kube("c1").request("GET", "/version")).body as any).gitVersion;

        // The program passes the kubeconfig as a PLAIN string: the resource must make it secret itself.
        const { MemberReadBack } = await import("../../../src/resources/memberReadBack");
        const program = async () => {
            for (const c of CLUSTERS) {
                new MemberReadBack(`${c}-readback`, {
                    clusterName: c, kubeconfig, context: c,
                    objects: {
                        "app-config": { target: targetOf(desiredCm(c)), desired: desiredCm(c), orphan: true },
                        web: { target: targetOf(desiredWeb()), desired: desiredWeb() },
                    },
                });
            }
        };
        stack = await inlineStack(project, tools, "dyn", "kubefed-dynamic-it", program);
    });

    after(async function () {
        await stopFleet(fleet).catch(() => undefined);
        if (process.env.KEEP_IT_TMP) console.log(`kept ${tmp}`);
        else if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        restoreEnv();
    });

    afterEach(function () {
        if (this.currentTest?.state === "failed") console.log(log.join("").split("\n").slice(-80).join("\n"));
        log.length = 0;
    });

    it("up: every member Ready with the server version, every object OK", async () => {
        await stack.up({ onOutput });
        for (const c of CLUSTERS) {
            const o = await readBackOf(c);
            assert.deepStrictEqual([o.clusterName, o.ready, o.kubernetesVersion], [c, true, serverVersion]);
            assert.deepStrictEqual(o.conditions.map((x: any) => [x.type, x.status, x.reason]), [["Ready", "True", "ClusterReady"]]);
            assert.deepStrictEqual(Object.keys(o.status), ["app-config", "web"]);
            for (const [k, s] of Object.entries<any>(o.status)) {
                assert.deepStrictEqual([k, s.status, s.exists, s.managed, s.drifted], [k, "", true, true, []], `${c} ${k}: ${s.message}`);
            }
            assert.strictEqual(o.status.web.replicas, 2);
            assert.deepStrictEqual([o.problems, o.accepted], [[], []]);
        }
    });

    it("a second preview right after up shows no changes", async () => {
        await assertNoChangesPreview();
    });

    it("state: the kubeconfig is held once per member, as a secret; the stored provider code is at most 2 KB", async () => {
        // the checkpoint itself (exportStack runs `stack export --show-secrets`)
        const file = checkpointFiles().find((f) => f.endsWith(`${path.sep}dyn.json`));
        assert.ok(file, "checkpoint file");
        const checkpoint = JSON.parse(fs.readFileSync(file!, "utf8"));
        const res = (checkpoint.checkpoint.latest.resources as any[]).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
        assert.deepStrictEqual(res.map((r) => r.type), [READBACK, READBACK]);
        for (const r of res) {
            for (const part of [r.inputs, r.outputs]) {
                assert.ok(part.kubeconfig && part.kubeconfig[SECRET_SIG] && typeof part.kubeconfig.ciphertext === "string",
                    `kubeconfig of ${r.urn} is not a secret: ${JSON.stringify(part.kubeconfig).slice(0, 80)}`);
                assert.ok(typeof part.__provider === "string" && part.__provider.length > 0);
                assert.ok(part.__provider.length <= 2048, `${r.urn}: __provider is ${part.__provider.length} bytes`);
                assert.ok(!part.__provider.includes("healthConditions"), "the implementation is not stored, only its loader");
            }
        }
        const text = fs.readFileSync(file!, "utf8");
        assert.ok(!text.includes("client-key-data") && !text.includes("certificate-authority-data"), "no kubeconfig text in state");
        assert.ok(!text.includes(`"plaintext"`), "secrets are encrypted");
    });

    it("refresh after an out-of-band scale and delete: the refresh output names the drifted and missing objects per cluster", async () => {
        await mergePatch("c1", WEB_PATH, { spec: { replicas: 5 } }); // kubectl scale deployment web --replicas 5
        assert.strictEqual((await kube("c2").request("DELETE", CM_PATH)).status, 200); // kubectl delete configmap app-config
        const r = await stack.refresh({ onOutput });
        const out = r.stdout;
        if (process.env.KUBEFED_IT_VERBOSE) console.log(out);
        assert.match(out, /c1[^\n]*web[^\n]*Drifted[^\n]*\/spec\/replicas/, `the refresh output names c1's drifted web and the field:\n${out}`);
        assert.match(out, /c2[^\n]*app-config[^\n]*NotFound/, `the refresh output names c2's missing app-config:\n${out}`);
        assert.ok(!/c1[^\n]*app-config[^\n]*(NotFound|Drifted)/.test(out) && !/c2[^\n]*web[^\n]*(NotFound|Drifted)/.test(out),
            `only the objects that changed are named:\n${out}`);
        assert.strictEqual(r.summary.resourceChanges?.update, 2, `both read-backs show as changed: ${JSON.stringify(r.summary.resourceChanges)}`);

        const c1 = await readBackOf("c1");
        assert.deepStrictEqual([c1.status.web.status, c1.status.web.drifted, c1.status.web.replicas], ["Drifted", ["/spec/replicas"], 5]);
        assert.strictEqual(c1.status["app-config"].status, "");
        const c2 = await readBackOf("c2");
        assert.deepStrictEqual([c2.status["app-config"].status, c2.status["app-config"].exists], ["NotFound", false]);
        assert.strictEqual(c2.status.web.status, "");
        assert.deepStrictEqual([c1.accepted, c2.accepted], [[], []], "new problems are not accepted by a refresh");
        // so the next preview plans to re-observe both members
        const p = await stack.preview({ onOutput });
        assert.strictEqual(p.changeSummary.update, 2, p.stdout);
    });

    it("up re-observes: what was repaired is OK, what an up cannot repair is accepted, and previews are clean again", async () => {
        await mergePatch("c1", WEB_PATH, { spec: { replicas: 2 } }); // repaired (by the Kubernetes provider, in a real program)
        await stack.up({ onOutput });
        const c1 = await readBackOf("c1");
        assert.deepStrictEqual([c1.status.web.status, c1.problems], ["", []]);
        const c2 = await readBackOf("c2");
        assert.deepStrictEqual(c2.problems, ["app-config (ConfigMap default/app-config): NotFound"]);
        assert.deepStrictEqual(c2.accepted, c2.problems);
        await assertNoChangesPreview();
        // a refresh that finds the same problem shows nothing new
        const r = await stack.refresh({ onOutput });
        assert.ok(!/app-config[^\n]*NotFound/.test(r.stdout), r.stdout);
        assert.strictEqual(r.summary.resourceChanges?.update ?? 0, 0, JSON.stringify(r.summary.resourceChanges));
        await putCm("c2");
        await stack.refresh({ onOutput });
        await stack.up({ onOutput });
        assert.deepStrictEqual((await readBackOf("c2")).problems, []);
    });

    it("preview with the kubeconfig unknown (from a resource being created) succeeds; up then uses the real value", async () => {
        const { MemberReadBack } = await import("../../../src/resources/memberReadBack");
        // `value` is computed (not an input), so it is unknown while a create is previewed
        const echoProvider: pulumi.dynamic.ResourceProvider = {
            create: async (inputs: any) => ({ id: "echo", outs: { v: inputs.v, value: inputs.v } }),
        };
        const mk = (kc: pulumi.Input<string>) => new MemberReadBack("rb", {
            clusterName: "c1", kubeconfig: kc, context: "c1",
            objects: { "app-config": { target: targetOf(desiredCm("c1")), desired: desiredCm("c1") } },
        });
        class Echo extends pulumi.dynamic.Resource {
            declare readonly value: pulumi.Output<string>;
        }
        const v1 = async () => { mk(kubeconfig); };
        const v2 = async () => {
            const echo = new Echo(echoProvider, "kc", { v: pulumi.secret(kubeconfig), value: undefined }, { additionalSecretOutputs: ["value"] });
            mk(echo.value);
        };
        const s2 = await inlineStack({ backendDir, workDir: stack.workspace.workDir }, tools, "dyn-unknown", "kubefed-dynamic-it", v1);
        try {
            await s2.up({ onOutput });
            (s2.workspace as any).program = v2;
            const p = await s2.preview({ onOutput });
            assert.deepStrictEqual([p.changeSummary.create, p.changeSummary.update], [1, 1], p.stdout);
            await s2.up({ onOutput });
            const rb = (await stateResources(s2)).find((r: any) => r.type === READBACK);
            assert.deepStrictEqual([rb.outputs.ready, rb.outputs.status["app-config"].status], [true, ""]);
            const again = await s2.preview({ onOutput });
            assert.deepStrictEqual(changesOf(again.changeSummary), []);
            await s2.destroy({ onOutput });
        } finally {
            await s2.workspace.removeStack("dyn-unknown", { force: true }).catch(() => undefined);
        }
    });

    it("a stopped member is Offline and its objects ClusterNotReady after refresh, without an exception; the other carries on", async () => {
        await stopMember(fleet, "c2");
        const r = await stack.refresh({ onOutput });
        assert.match(r.stdout, /c2[^\n]*Offline/, r.stdout);
        const c2 = await readBackOf("c2");
        assert.strictEqual(c2.ready, false);
        assert.deepStrictEqual(c2.conditions.map((c: any) => [c.type, c.status, c.reason]), [["Offline", "True", "ClusterNotReachable"]]);
        assert.strictEqual(c2.kubernetesVersion, serverVersion, "last known version kept");
        assert.deepStrictEqual(Object.values<any>(c2.status).map((s) => s.status), ["ClusterNotReady", "ClusterNotReady"]);
        const c1 = await readBackOf("c1");
        assert.deepStrictEqual([c1.ready, c1.problems], [true, []]);
    });

    it("destroy with an unreachable member fails for that member and keeps its read-back in state", async () => {
        await assert.rejects(stack.destroy({ onOutput }), /orphaning objects in cluster c2 failed/);
        const left = (await stateResources()).filter((r) => r.type === READBACK).map((r) => r.urn.split("::").pop());
        assert.deepStrictEqual(left, ["c2-readback"]);
        // the reachable member's orphan-mode object was unlabelled and left in place; the other object untouched
        const cm = await getObject("c1", CM_PATH);
        assert.deepStrictEqual([cm.metadata.labels, cm.data], [{ app: "demo" }, desiredCm("c1").data]);
        assert.strictEqual((await getObject("c1", WEB_PATH)).metadata.labels["kubefed.io/managed"], "true");
    });

    it("destroy (member back) unlabels the orphan-mode object there and removes the read-back", async () => {
        await startMember(fleet, "c2");
        await stack.destroy({ onOutput });
        const cm = await getObject("c2", CM_PATH);
        assert.ok(cm, "configmap still in c2");
        assert.deepStrictEqual(cm.metadata.labels, { app: "demo" });
        assert.strictEqual((await stateResources()).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")).length, 0);
    });

    it("the state (all checkpoints and backups) holds no kubeconfig, certificate, key or token in plaintext", () => {
        const files = checkpointFiles();
        assert.ok(files.some((f) => f.endsWith("dyn.json")), `checkpoint written: ${files.join(", ")}`);
        assert.ok(files.length > 3, "backups and history are checked too");
        const needles: string[] = ["BEGIN", "client-key-data", "certificate-authority-data", "current-context"];
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

describe("observeReplicas against a real kube-apiserver (docs/semantics.md#current-replicas-and-capacity)", function () {
    this.timeout(5 * 60_000);
    if ("missing" in found) {
        skipSuite(`the test bed is missing (${found.missing}): ${TESTBED_FIX}`);
        return;
    }
    let fleet: Fleet | undefined;
    let tmp = "";
    let kubeconfig = "";
    let restoreEnv = (): void => {};
    before(async () => {
        restoreEnv = applyTestbedEnv(found.tools);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-rs-it-"));
        fleet = await startFleet("rs-it", 2, { dir: path.join(tmp, "fleet"), controllers: false, kwok: false });
        kubeconfig = fleet.kubeconfig;
    });
    after(async () => {
        await stopFleet(fleet).catch(() => undefined);
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        restoreEnv();
    });

    it("reads readyReplicas, analyses pods via the status subresource data, leaves out absent objects", async () => {
        const { observeReplicas } = await import("../../../src/resources/observeReplicas");
        const c1 = member(fleet!, "c1");
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
