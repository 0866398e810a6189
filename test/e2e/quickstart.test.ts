import { strict as assert } from "assert";
import * as fs from "fs";
import * as YAML from "yaml";
import { Stack } from "@pulumi/pulumi/automation";
import {
    Fleet, deleteObject, eventually, exampleStack, filesUnder, getObject, haveTestbed, managedObjects, patchObject,
    plannedSteps, startFleet, startMember, stopFleet, stopMember,
} from "./support";

// End to end: examples/quickstart under the real Pulumi engine against three real kube-apiservers (with
// controllers and kwok nodes). Every expectation about the members is read from their API servers.
// The fleet: c1 (tier=prod, us-east), c2 (tier=prod, us-west), c3 (tier=staging, eu-central).
describe("e2e: quickstart on a real fleet", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;

    before(async function () {
        if (!haveTestbed()) {
            if (process.env.CI) throw new Error("the test bed is missing: run `bash testbed/setup.sh && source testbed/env.sh`");
            this.skip();
        }
        fleet = await startFleet("quickstart");
        ({ stack, backend } = await exampleStack("quickstart", "e2e", fleet));
    });
    after(async () => { await stopFleet(fleet); });

    const f = () => fleet!;
    const deployment = (c: string) => getObject(f(), c, "apps/v1", "Deployment", "shop", "web");
    const settings = (c: string) => getObject(f(), c, "v1", "ConfigMap", "shop", "settings");

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

    it("d. refresh reports edits and deletes made behind Pulumi's back, and up repairs them", async () => {
        await patchObject(f(), "c2", "v1", "ConfigMap", "shop", "settings", { data: { mode: "hacked" } });
        await patchObject(f(), "c2", "apps/v1", "Deployment", "shop", "web",
            { spec: { template: { spec: { containers: [{ name: "web", image: "evil:1" }] } } } });
        await deleteObject(f(), "c1", "v1", "ConfigMap", "shop", "settings");
        await stack.refresh();
        const state = await stack.exportStack();
        const status = (name: string) => state.deployment.resources.find((r: any) => r.urn.endsWith(`::${name}`)).outputs.status;
        const byCluster = (name: string) => Object.fromEntries(status(name).clusters.map((c: any) => [c.name, c]));
        const cm = byCluster("settings-status");
        assert.equal(cm.c1.status, "NotFound");
        assert.equal(cm.c2.status, "Drifted");
        assert.ok(cm.c2.drifted.includes("/data/mode"), JSON.stringify(cm.c2));
        assert.equal(cm.c3.status, "");
        assert.equal(status("settings-status").conditions[0].status, "False");
        assert.equal(status("settings-status").conditions[0].reason, "CheckClusters");
        const web = byCluster("web-status");
        assert.equal(web.c2.status, "Drifted");
        assert.ok(web.c2.drifted.some((p: string) => p.includes("/image")), JSON.stringify(web.c2));
        assert.equal(web.c1.status, "");
        // The Kubernetes provider drops the deleted object from state on refresh.
        assert.ok(!state.deployment.resources.some((r: any) => r.urn.endsWith("::settings-c1")));

        await stack.up();
        assert.equal((await settings("c1")).data.mode, "normal");
        assert.equal((await settings("c2")).data.mode, "normal");
        assert.equal((await deployment("c2")).spec.template.spec.containers[0].image, "nginx:1.25");
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
            assert.equal(res("c2-health").outputs.ready, false);
            assert.equal(res("c1-health").outputs.ready, true);
            const c2 = res("settings-status").outputs.status.clusters.find((c: any) => c.name === "c2");
            assert.equal(c2.status, "ClusterNotReady");
        } finally {
            await startMember(f(), "c2");
        }
        await stack.up();
        assert.equal((await settings("c2")).data.mode, "maintenance");
        assert.equal((await deployment("c2")).spec.template.spec.containers[0].image, "nginx:1.26");
        await stack.refresh();
        const state = await stack.exportStack();
        assert.equal(state.deployment.resources.find((r: any) => r.urn.endsWith("::c2-health")).outputs.ready, true);
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
});
