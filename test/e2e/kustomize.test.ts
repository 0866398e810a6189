import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, exampleStack, getObject, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 10: a Kustomize base federated to two members, c1 through its own overlay (a patch), c2 from the base.
describe("e2e: FederatedKustomization (directory per member, per-cluster patches)", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("kustomize", 2);
        ({ stack } = await exampleStack("kustomize", "e2e", fleet));
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
});
