import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, exampleStack, getObject, plannedSteps, requireTestbed, startFleet, stopFleet } from "../support";

// examples/rollout: 3 members in 2 waves, staging (c3) then prod (c1, c2), on a fleet with a scheduler, a
// controller-manager and kwok nodes, so Deployments really become ready (or not).
describe("e2e: progressive rollout in waves", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("rollout");
        ({ stack } = await exampleStack("rollout", "e2e", fleet, { timeoutSeconds: "40" }));
    });
    after(async () => { await stopFleet(fleet); });

    const versionIn = async (c: string) =>
        (await getObject(fleet!, c, "apps/v1", "Deployment", "default", "web"))?.spec.template.metadata.labels.version;

    it("shows the waves, stops at a wave that never becomes ready, then rolls a good version out everywhere", async () => {
        // The decision shows the waves (preview output).
        const first = await stack.preview();
        assert.match(first.stdout, /waves: staging \(c3\) → prod \(c1, c2\) \(timeout 40s each\)/);

        const up1 = await stack.up();
        assert.deepEqual(up1.outputs.waves.value, ["staging: c3", "prod: c1, c2"]);
        for (const c of ["c1", "c2", "c3"]) assert.equal(await versionIn(c), "1");
        const ready = await getObject(fleet!, "c1", "apps/v1", "Deployment", "default", "web");
        assert.equal(ready.status.readyReplicas, 2, "prod was created only after staging was ready, and waited for itself");
        await stack.preview({ expectNoChanges: true });

        // Version 2 can never be scheduled: the staging wave does not become ready within the timeout.
        await stack.setConfig("version", { value: "2" });
        await stack.setConfig("broken", { value: "true" });
        const { steps } = await plannedSteps(stack);
        assert.ok(steps.includes("update web-c3") && steps.includes("update web-rollout-staging"), steps.join(", "));
        let failure = "";
        try {
            await stack.up();
        } catch (e) {
            failure = String((e as Error).message ?? e);
        }
        // Kept for the README's sample.
        fs.writeFileSync(path.join(process.env.KUBEFED_E2E_ARTIFACTS ?? os.tmpdir(), "kubefed-rollout-failure.txt"), failure);
        assert.match(failure, /rollout wave "staging" of FederatedResource web \(Deployment default\/web\) did not become ready within 40s in cluster\(s\) c3/);
        assert.match(failure, /Unschedulable/, "says why: the pods cannot be scheduled");
        assert.match(failure, /later wave\(s\) "prod" keep their previous version/);
        assert.equal(await versionIn("c3"), "2", "wave 1 got the update");
        assert.equal(await versionIn("c1"), "1", "wave 2 keeps the previous version");
        assert.equal(await versionIn("c2"), "1", "wave 2 keeps the previous version");

        // A good version rolls out to every wave.
        await stack.setConfig("version", { value: "3" });
        await stack.setConfig("broken", { value: "false" });
        await stack.up();
        for (const c of ["c1", "c2", "c3"]) {
            assert.equal(await versionIn(c), "3");
            const d = await getObject(fleet!, c, "apps/v1", "Deployment", "default", "web");
            assert.equal(d.status.updatedReplicas, 2, `${c} runs the new version`);
        }
        await stack.preview({ expectNoChanges: true });
    });
});
