import { strict as assert } from "assert";
import * as fs from "fs";
import * as YAML from "yaml";
import { Stack } from "@pulumi/pulumi/automation";
import {
    Fleet, ROOT, deleteObject, eventually, exampleStack, filesUnder, getObject, managedObjects, patchObject,
    kubefedStatus as kubefedStatusIn, plannedSteps, startFleet, startMember, stopFleet, stopMember, requireTestbed,
} from "../support";

// End to end: examples/quickstart under the real Pulumi engine against three real kube-apiservers (with
// controllers and kwok nodes). Every expectation about the members is read from their API servers.
// The fleet: c1 (tier=prod, us-east), c2 (tier=prod, us-west), c3 (tier=staging, eu-central).
describe("e2e: quickstart on a real fleet", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("quickstart");
        ({ stack, backend } = await exampleStack("quickstart", "e2e", fleet));
    });
    after(async () => { await stopFleet(fleet); });

    const f = () => fleet!;
    const deployment = (c: string) => getObject(f(), c, "apps/v1", "Deployment", "shop", "web");
    const settings = (c: string) => getObject(f(), c, "v1", "ConfigMap", "shop", "settings");
    const kubefedStatus = (args: string[]) => kubefedStatusIn(stack.workspace.workDir, "e2e", backend, args);

    it("a. up places, overrides and splits exactly as declared, and nothing else", async () => {
        await stack.up();
        // Namespace everywhere; web only on prod (c1, c2) with 6 replicas split 3/3 (max 4 each);
        // settings everywhere with c3 overridden to "ci".
        assert.deepEqual(await managedObjects(f(), "c1"), ["ConfigMap shop/settings", "Deployment shop/web", "Namespace shop"]);
        assert.deepEqual(await managedObjects(f(), "c2"), ["ConfigMap shop/settings", "Deployment shop/web", "Namespace shop"]);
        assert.deepEqual(await managedObjects(f(), "c3"), ["ConfigMap shop/settings", "Namespace shop"]);
        const [w1, w2] = [await deployment("c1"), await deployment("c2")];
        assert.equal(w1.spec.replicas, 3);
        assert.equal(w2.spec.replicas, 3);
        // The override for c1 adds an env var; c2 keeps the template.
        assert.deepEqual(w1.spec.template.spec.containers[0].env, [{ name: "CANARY", value: "true" }]);
        assert.equal(w2.spec.template.spec.containers[0].env, undefined);
        assert.equal(w1.spec.template.spec.containers[0].image, "nginx:1.25");
        assert.equal((await settings("c1")).data.mode, "normal");
        assert.equal((await settings("c2")).data.mode, "normal");
        assert.equal((await settings("c3")).data.mode, "ci");
        // kwok nodes run the pods: the Deployments really become ready.
        await eventually("web ready in c1 and c2", async () =>
            (await deployment("c1")).status?.readyReplicas === 3 && (await deployment("c2")).status?.readyReplicas === 3);
    });

    it("b. a second preview right after up shows no changes", async () => {
        const res = await stack.preview({ expectNoChanges: true });
        const ops = Object.keys(res.changeSummary).filter(op => op !== "same");
        assert.deepEqual(ops, [], `unexpected changes: ${JSON.stringify(res.changeSummary)}`);
    });

    it("c. a placement change previews the delete in the old clusters and the create in the new one, and up moves it", async () => {
        await stack.setConfig("webTier", { value: "staging" });
        await stack.setConfig("totalReplicas", { value: "4" });
        const { steps, stdout } = await plannedSteps(stack);
        for (const s of ["delete web-c1", "delete web-c2", "create web-c3"]) assert.ok(steps.includes(s), `${s} missing from ${steps.join(", ")}`);
        // The diff shows the component's recorded decision changing, not just the children.
        assert.match(stdout, /~ decision: \{[\s\S]*clusters/);
        assert.ok(!steps.some(s => /(create|delete|replace) (settings|shop)-/.test(s)), `only web moves: ${steps.join(", ")}`);
        await stack.up();
        assert.equal(await deployment("c1"), undefined);
        assert.equal(await deployment("c2"), undefined);
        assert.equal((await deployment("c3")).spec.replicas, 4);
        // And back.
        await stack.removeConfig("webTier");
        await stack.removeConfig("totalReplicas");
        await stack.up();
        assert.equal(await deployment("c3"), undefined);
        assert.equal((await deployment("c1")).spec.replicas, 3);
    });

    it("d. refresh reports edits and deletes made behind Pulumi's back, status shows them without an up, and up repairs them", async () => {
        await patchObject(f(), "c2", "v1", "ConfigMap", "shop", "settings", { data: { mode: "hacked" } });
        await patchObject(f(), "c2", "apps/v1", "Deployment", "shop", "web",
            { spec: { template: { spec: { containers: [{ name: "web", image: "evil:1" }] } } } });
        await deleteObject(f(), "c1", "v1", "ConfigMap", "shop", "settings");
        // The refresh output itself names each drifted or missing object, per cluster, with the drifted fields:
        // as messages in a plain `pulumi refresh`, and as the read-backs' `problems` in `pulumi refresh --diff`.
        const refreshed = await stack.refresh();
        assert.match(refreshed.stdout, /kubefed: member c1: settings \(ConfigMap shop\/settings\): NotFound/, refreshed.stdout);
        assert.match(refreshed.stdout, /kubefed: member c2: settings \(ConfigMap shop\/settings\): Drifted \/data\/mode/);
        assert.match(refreshed.stdout, /kubefed: member c2: web \(Deployment shop\/web\): Drifted [^\n]*\/spec\/template\/spec\/containers\/0\/image/);
        assert.match(refreshed.stdout, /~ +pulumi-nodejs:dynamic\/kubefed:MemberReadBack c1-readback updated/, refreshed.stdout);
        assert.ok(!/kubefed: member c3/.test(refreshed.stdout), "c3 has nothing new to report");
        const state = await stack.exportStack();
        const readBack = (c: string) => state.deployment.resources.find((r: any) => r.urn.endsWith(`::${c}-readback`)).outputs;
        assert.equal(readBack("c1").status.settings.status, "NotFound");
        assert.equal(readBack("c2").status.settings.status, "Drifted");
        assert.ok(readBack("c2").status.settings.drifted.includes("/data/mode"), JSON.stringify(readBack("c2").status.settings));
        assert.equal(readBack("c3").status.settings.status, "");
        assert.equal(readBack("c2").status.web.status, "Drifted");
        assert.equal(readBack("c1").status.web.status, "");
        // The Kubernetes provider drops the deleted object from state on refresh.
        assert.ok(!state.deployment.resources.some((r: any) => r.urn.endsWith("::settings-c1")));
        // pulumi-kubefed status shows the drift right away, from the checkpoint: no up in between.
        const st = kubefedStatus(["--check"]);
        assert.equal(st.code, 1, st.out);
        assert.match(st.out, /\nConfigMap shop\/settings\s+NotFound\s+Drifted\s+OK\s+False \(CheckClusters\)/, st.out);
        assert.match(st.out, /Deployment shop\/web @ c2: Drifted - fields differ from what was sent: [^\n]*\/image/);

        // The preview before the repair shows the read-backs re-observing, and up repairs the members.
        await stack.up();
        assert.equal((await settings("c1")).data.mode, "normal");
        assert.equal((await settings("c2")).data.mode, "normal");
        assert.equal((await deployment("c2")).spec.template.spec.containers[0].image, "nginx:1.25");
        const ok = kubefedStatus(["--check"]);
        assert.equal(ok.code, 0, ok.out);
        assert.match(ok.out, /\nDeployment shop\/web\s+OK( \(not ready\))? \d\/3\s+OK( \(not ready\))? \d\/3\s+-\s+True/, ok.out);
        // --live reads the members now, through the read-back's own credentials, and prints none of them.
        // Once kwok has the new pods running, the live read shows every replica ready.
        let last = "";
        const live = await eventually("web ready everywhere, read live", async () => {
            const r = kubefedStatus(["--live", "-o", "json"]);
            last = r.out;
            return r.code === 0 && JSON.parse(r.stdout).objects.every((o: any) => o.ready) ? r : undefined;
        }, 120_000).catch((e) => { throw new Error(`${e.message}\nlast output: ${last.slice(0, 3000)}`); });
        const j = JSON.parse(live!.stdout);
        assert.equal(j.source, "live");
        assert.deepEqual(j.objects.map((o: any) => [o.name, o.propagated]), [["settings", true], ["shop", true], ["web", true]]);
        assert.ok(!/BEGIN|client-key|token/.test(live!.out));
        await stack.preview({ expectNoChanges: true });
    });

    it("g. with one member's API server stopped, the others are still updated, state stays intact, and the next up converges", async () => {
        await stack.setConfig("unreachable", { value: "skip" });
        await stack.up();
        await stopMember(f(), "c2");
        try {
            await stack.setConfig("settingsMode", { value: "maintenance" });
            await stack.setConfig("webImage", { value: "nginx:1.26" });
            await stack.up();
            assert.equal((await settings("c1")).data.mode, "maintenance");
            assert.equal((await deployment("c1")).spec.template.spec.containers[0].image, "nginx:1.26");
            await stack.refresh();
            const state = await stack.exportStack();
            const res = (name: string) => state.deployment.resources.find((r: any) => r.urn.endsWith(`::${name}`));
            assert.ok(res("settings-c2") && res("web-c2") && res("shop-c2"), "c2's objects stay in state");
            assert.equal(res("c2-readback").outputs.ready, false);
            assert.equal(res("c1-readback").outputs.ready, true);
            assert.equal(res("c2-readback").outputs.status.settings.status, "ClusterNotReady");
        } finally {
            await startMember(f(), "c2");
        }
        await stack.up();
        assert.equal((await settings("c2")).data.mode, "maintenance");
        assert.equal((await deployment("c2")).spec.template.spec.containers[0].image, "nginx:1.26");
        await stack.refresh();
        const state = await stack.exportStack();
        assert.equal(state.deployment.resources.find((r: any) => r.urn.endsWith("::c2-readback")).outputs.ready, true);
        await stack.preview({ expectNoChanges: true });
    });

    it("h. neither the state file nor the backend folder holds a kubeconfig, token or private key in plain text", async () => {
        const kc = YAML.parse(f().kubeconfig);
        const secrets: string[] = [];
        for (const u of kc.users) {
            for (const k of ["client-key-data", "client-certificate-data", "token"]) if (u.user?.[k]) secrets.push(u.user[k]);
            if (u.user?.["client-key-data"]) secrets.push(Buffer.from(u.user["client-key-data"], "base64").toString().split("\n")[1]);
        }
        assert.ok(secrets.length >= 3, "the fleet kubeconfig has client credentials to look for");
        const files = filesUnder(backend);
        assert.ok(files.some(p => p.endsWith(".json")), "the backend holds state");
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            for (const s of secrets) assert.ok(!text.includes(s), `${file} contains a credential in plain text`);
            assert.ok(!/BEGIN [A-Z ]*PRIVATE KEY/.test(text), `${file} contains a private key`);
        }
    });

    it("f. destroy leaves no managed object in any member", async () => {
        await stack.destroy();
        for (const c of ["c1", "c2", "c3"]) {
            await eventually(`no managed objects in ${c}`, async () => (await managedObjects(f(), c)).length === 0);
        }
    });

    it("f. orphan mode: destroy leaves the objects, with the managed label removed", async () => {
        const { stack: orphan } = await exampleStack("quickstart", "orphan", f(), { orphanOnDelete: "true" });
        await orphan.up();
        assert.deepEqual(await managedObjects(f(), "c1"), ["ConfigMap shop/settings", "Deployment shop/web", "Namespace shop"]);
        await orphan.destroy();
        for (const c of ["c1", "c2", "c3"]) assert.deepEqual(await managedObjects(f(), c), [], `${c} still has managed objects`);
        const cm = await settings("c3");
        assert.equal(cm.data.mode, "ci", "the object itself is left in place");
        assert.equal(cm.metadata.labels?.["kubefed.io/managed"], undefined);
        assert.ok(await deployment("c1"), "the Deployment is left in place");
        assert.ok(await getObject(f(), "c2", "v1", "Namespace", undefined, "shop"), "the namespace is left in place");
    });
    it("i. the repository root is the quickstart project: a preview there (type-checked) plans the same objects", async () => {
        const { stack: root } = await exampleStack("quickstart", "root", f(), {}, { workDir: ROOT });
        try {
            // Without transpile-only: the root project type-checks the quickstart with its own tsconfig.
            delete root.workspace.envVars.PULUMI_NODEJS_TRANSPILE_ONLY;
            const { steps } = await plannedSteps(root);
            const creates = steps.filter(s => s.startsWith("create ") && /-(c1|c2|c3)$/.test(s));
            assert.deepEqual(creates, [
                "create settings-c1", "create settings-c2", "create settings-c3",
                "create shop-c1", "create shop-c2", "create shop-c3", "create web-c1", "create web-c2",
            ]);
        } finally {
            await root.workspace.removeStack("root", { force: true });
            fs.rmSync(`${ROOT}/Pulumi.root.yaml`, { force: true });
        }
    });
});
