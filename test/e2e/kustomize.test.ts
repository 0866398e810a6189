import { strict as assert } from "assert";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, ROOT, exampleStack, getObject, kubefedOnStack, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 10: a Kustomize base federated to two members, c1 through its own overlay (a patch), c2 from the base.
describe("e2e: FederatedKustomization (directory per member, per-cluster patches)", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("kustomize", 2);
        ({ stack, backend } = await exampleStack("kustomize", "e2e", fleet));
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally { await stopFleet(fleet); }
    });

    it("each member gets its own rendering, and a second preview shows no changes", async () => {
        const res = await stack.up();
        assert.doesNotMatch(res.stdout, /conflict between the 'provider' field/);
        assert.deepEqual(res.outputs.kustomizeDecision.value.clusters, ["c1", "c2"]);
        assert.equal((await getObject(fleet!, "c1", "v1", "ConfigMap", "kapps", "greeting")).data.message, "hello from c1");
        assert.equal((await getObject(fleet!, "c2", "v1", "ConfigMap", "kapps", "greeting")).data.message, "hello from the base");
        const p = await stack.preview({ expectNoChanges: true });
        assert.deepEqual(Object.keys(p.changeSummary).filter(op => op !== "same"), []);
    });

    it("the rendered objects are labelled and read back: status lists them per member under the kustomization", async () => {
        for (const c of ["c1", "c2"]) {
            assert.equal((await getObject(fleet!, c, "v1", "ConfigMap", "kapps", "greeting")).metadata.labels["kubefed.io/managed"], "true", c);
        }
        const st = kubefedOnStack(["status", "-o", "json"], { workDir: path.join(ROOT, "examples", "kustomize"), stackName: "e2e", backend });
        assert.equal(st.code, 0, st.out);
        const cm = JSON.parse(st.stdout).objects.find((o: { target: { kind: string; name: string } }) => o.target.kind === "ConfigMap" && o.target.name === "greeting");
        assert.ok(cm, st.stdout);
        assert.deepEqual(cm.source, { type: "FederatedKustomization", name: cm.name });
        assert.deepEqual(cm.status.clusters.map((c: { name: string; status: string }) => [c.name, c.status]), [["c1", ""], ["c2", ""]]);
        assert.equal(cm.propagated, true);
    });
});
