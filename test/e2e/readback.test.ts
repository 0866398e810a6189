import { strict as assert } from "assert";
import * as fs from "fs";
import * as YAML from "yaml";
import { Stack } from "@pulumi/pulumi/automation";
import {
    Fleet, deleteObject, eventually, exampleStack, execKubeconfig, filesUnder, getObject, kubefedStatus,
    fleetState, managedObjects, member, startFleet, stopFleet, requireTestbed,
} from "../support";

// Issue 9 end to end, as a user on a managed fleet would meet it: every member logs in through an `exec` credential
// plugin (as EKS, GKE and AKS kubeconfigs do), and everything beyond plain apply (health, status, drift, join,
// orphaning, `pulumi-kubefed status`) has to work through it. The plugin is testbed/exec-credential.js, returning each
// member's client certificate. Every expectation about the members is read from their API servers.
describe("e2e: read-back through exec credential plugins", function () {
    let fleet: Fleet | undefined;
    const f = () => fleet!;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("readback");
    });
    after(async () => { await stopFleet(fleet); });

    /** The strings that would give a member's credentials away (the exec plugin reads them from these files). */
    let needles: string[] | undefined;
    const credentialNeedles = (): string[] => {
        if (needles) return needles;
        const state = fleetState(f());
        const out: string[] = [];
        for (const c of state.clusters) {
            const key = fs.readFileSync(`${c.certDir}/admin.key`, "utf8");
            const cert = fs.readFileSync(`${c.certDir}/admin.crt`, "utf8");
            out.push(key.split("\n")[1], cert.split("\n")[1], Buffer.from(key).toString("base64").slice(0, 60));
        }
        needles = out;
        return out;
    };
    const assertNoCredentials = (what: string, text: string): void => {
        for (const n of credentialNeedles()) assert.ok(!text.includes(n), `${what} contains a credential`);
        assert.ok(!/BEGIN [A-Z ]*PRIVATE KEY/.test(text), `${what} contains a private key`);
    };

    it("join mode through exec members: the join objects are made with the plugin's credentials, objects land, and status reports every member Ready and every object OK", async () => {
        const { stack, backend } = await exampleStack("join", "exec-join", f(), {}, { kubeconfig: execKubeconfig(f()) });
        try {
            await stack.up();
            for (const c of ["c1", "c2", "c3"]) {
                assert.equal((await getObject(f(), c, "v1", "ConfigMap", "shop", "settings"))?.data?.mode, "joined");
                assert.ok(await getObject(f(), c, "v1", "ServiceAccount", "kube-federation-system", `pulumi-kubefed-${c}`));
            }
            const st = kubefedStatus(stack.workspace.workDir, "exec-join", backend, ["--check"]);
            assert.equal(st.code, 0, st.out);
            assert.match(st.out, /^c1\s+Ready\s+v1\.36/m);
            assert.match(st.out, /\nConfigMap shop\/settings\s+OK\s+OK\s+OK\s+True\s+yes/, st.out);
        } finally {
            await stack.destroy();
        }
        for (const c of ["c1", "c2", "c3"]) {
            await eventually(`namespace shop gone from ${c}`, async () => (await getObject(f(), c, "v1", "Namespace", undefined, "shop")) === undefined, 120_000);
        }
    });

    describe("the quickstart with every member behind an exec plugin", () => {
        let stack: Stack;
        let backend: string;
        const status = (args: string[]) => kubefedStatus(stack.workspace.workDir, "exec", backend, args);
        before(async () => {
            ({ stack, backend } = await exampleStack("quickstart", "exec", f(), { unreachable: "skip" }, { kubeconfig: execKubeconfig(f()) }));
        });

        it("up: every member is Ready and every object propagated, read back through the plugin", async () => {
            await stack.up();
            assert.deepEqual(await managedObjects(f(), "c1"), ["ConfigMap shop/settings", "Deployment shop/web", "Namespace shop"]);
            const state = await stack.exportStack();
            for (const c of ["c1", "c2", "c3"]) {
                const rb = state.deployment.resources.find((r: any) => r.urn.endsWith(`::${c}-readback`));
                assert.ok(rb, `${c}-readback is in state`);
                assert.equal(rb.outputs.ready, true, JSON.stringify(rb.outputs.conditions));
                for (const [k, s] of Object.entries<any>(rb.outputs.status)) assert.equal(s.status, "", `${k} in ${c}: ${s.message}`);
            }
            const st = status(["--check"]);
            assert.equal(st.code, 0, st.out);
        });

        it("kubectl scale and delete behind Pulumi's back: refresh names both, status shows them without an up, up repairs", async () => {
            // what `kubectl scale deployment web --replicas=5` sends: a patch of the scale subresource
            const c1 = member(f(), "c1");
            const scaled = await c1.request("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale?fieldManager=kubectl-scale",
                { spec: { replicas: 5 } }, { contentType: "application/merge-patch+json" });
            assert.equal(scaled.status, 200, scaled.text);
            await deleteObject(f(), "c2", "v1", "ConfigMap", "shop", "settings");

            const refreshed = await stack.refresh();
            assert.match(refreshed.stdout, /kubefed: member c1: web \(Deployment shop\/web\): Drifted \/spec\/replicas/, refreshed.stdout);
            assert.match(refreshed.stdout, /kubefed: member c2: settings \(ConfigMap shop\/settings\): NotFound/);
            assertNoCredentials("the refresh output", refreshed.stdout + refreshed.stderr);

            const st = status(["--check"]);
            assert.equal(st.code, 1, st.out);
            assert.match(st.out, /\nDeployment shop\/web\s+Drifted \d\/5\s+OK[^\n]*False \(CheckClusters\)/, st.out);
            assert.match(st.out, /\nConfigMap shop\/settings\s+OK\s+NotFound\s+OK\s+False \(CheckClusters\)/);

            await stack.up();
            assert.equal((await getObject(f(), "c1", "apps/v1", "Deployment", "shop", "web")).spec.replicas, 3);
            assert.equal((await getObject(f(), "c2", "v1", "ConfigMap", "shop", "settings")).data.mode, "normal");
            const ok = status(["--check"]);
            assert.equal(ok.code, 0, ok.out);
            await stack.preview({ expectNoChanges: true });
        });

        it("a member whose plugin fails is ConfigMalformed with the plugin's message; the others carry on; no credential leaks", async () => {
            // The plugin of c3 cannot read its certificate any more, as a broken credential helper would fail.
            const c3 = fleetState(f()).clusters.find(c => c.name === "c3")!;
            const cert = `${c3.certDir}/admin.crt`;
            const state = await stack.exportStack();
            // Refresh the read-backs only: the Kubernetes provider's own handling of a failed login is not ours.
            const readBacks = state.deployment.resources.filter((r: any) => /::c\d-readback$/.test(r.urn)).map((r: any) => r.urn);
            assert.equal(readBacks.length, 3);
            credentialNeedles(); // read while every certificate is in place
            fs.renameSync(cert, `${cert}.away`);
            try {
                const res = await stack.refresh({ target: readBacks });
                assert.match(res.stdout, /kubefed: member c3: \(cluster c3\): ConfigMalformed/, res.stdout);
                assert.match(res.stdout, /kubefed: member c3: settings \(ConfigMap shop\/settings\): ClientRetrievalFailed/);
                assert.ok(!/kubefed: member c[12]/.test(res.stdout), "c1 and c2 have nothing new to report");
                const after = await stack.exportStack();
                const rb = (c: string) => after.deployment.resources.find((r: any) => r.urn.endsWith(`::${c}-readback`)).outputs;
                assert.equal(rb("c3").ready, false);
                const malformed = rb("c3").conditions.find((x: any) => x.type === "ConfigMalformed");
                assert.ok(malformed, JSON.stringify(rb("c3").conditions));
                assert.match(malformed.message, /cannot read the client certificate or key: ENOENT/, "the plugin's own message is reported");
                assert.equal(rb("c1").ready, true);
                assert.equal(rb("c1").status.settings.status, "");
                const st = status([]);
                assert.match(st.out, /^c3\s+ConfigMalformed/m, st.out);
                assert.match(st.out, /^c1\s+Ready/m);
                assertNoCredentials("the refresh output", res.stdout + res.stderr);
                assertNoCredentials("the status output", st.out);
                for (const file of filesUnder(backend)) assertNoCredentials(file, fs.readFileSync(file, "utf8"));
            } finally {
                fs.renameSync(`${cert}.away`, cert);
            }
            await stack.refresh({ target: readBacks });
            assert.equal(status(["--check"]).code, 0);
        });

        it("destroy through exec members leaves no managed object", async () => {
            await stack.destroy();
            for (const c of ["c1", "c2", "c3"]) {
                await eventually(`no managed objects in ${c}`, async () => (await managedObjects(f(), c)).length === 0);
                await eventually(`namespace shop gone from ${c}`, async () => (await getObject(f(), c, "v1", "Namespace", undefined, "shop")) === undefined, 120_000);
            }
        });
    });

    it("orphan mode through exec members: destroy leaves the objects, unlabelled by each member's read-back", async () => {
        const { stack } = await exampleStack("quickstart", "exec-orphan", f(), { orphanOnDelete: "true" }, { kubeconfig: execKubeconfig(f(), { apiVersion: "v1beta1" }) });
        await stack.up();
        assert.deepEqual(await managedObjects(f(), "c2"), ["ConfigMap shop/settings", "Deployment shop/web", "Namespace shop"]);
        // the state holds the exec kubeconfig once per member (its read-back), never per federated object
        const state = await stack.exportStack();
        const holders = state.deployment.resources.filter((r: any) => JSON.stringify(r.inputs ?? {}).includes('"kubeconfig"') && r.type.startsWith("pulumi-nodejs:"));
        assert.deepEqual(holders.map((r: any) => r.urn.split("::").pop()).sort(), ["c1-readback", "c2-readback", "c3-readback"]);
        await stack.destroy();
        for (const c of ["c1", "c2", "c3"]) assert.deepEqual(await managedObjects(f(), c), [], `${c} still has managed objects`);
        const cm = await getObject(f(), "c3", "v1", "ConfigMap", "shop", "settings");
        assert.equal(cm.data.mode, "ci", "the object itself is left in place");
        assert.equal(cm.metadata.labels?.["kubefed.io/managed"], undefined);
        assert.ok(YAML.stringify(cm).length > 0);
    });
});
