import { strict as assert } from "assert";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Fleet, exampleStack, getObject, plannedSteps, startFleet, startMember, stopFleet, stopMember, requireTestbed } from "../support";

// Failover as KubeFed does it (examples/failover): 50 replicas over c1, c2, c3 with c3 capped at 20 → 17/17/16.
// With c2's API server stopped, preview shows its replicas moving to the others (30/0/20) and why; up lands it
// without failing on c2; once c2 is back, the next up moves the replicas back. Replicas are read from the members.
describe("e2e: failover moves replicas off a member that is down and back", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("failover", [
            { name: "c1", region: "us-east", zones: ["us-east-1a"], nodes: 1 },
            { name: "c2", region: "us-west", zones: ["us-west-2a"], nodes: 1 },
            { name: "c3", region: "eu-central", zones: ["eu-central-1a"], nodes: 1 },
        ]);
        ({ stack } = await exampleStack("failover", "e2e", fleet));
    });
    after(async () => { await stopFleet(fleet); });

    // The decision line each FederatedResource prints as an info diagnostic in preview (what `pulumi preview` shows).
    let warnings: string[] = [];
    const decisionLines = async () => {
        const lines: string[] = [];
        warnings = [];
        await stack.preview({ onEvent: (e: EngineEvent) => {
            const d = e.diagnosticEvent;
            if (d && d.severity === "info" && d.urn?.endsWith("::api")) lines.push(d.message.trim());
            if (d && d.severity === "warning") warnings.push(d.message.trim());
        } });
        return lines;
    };
    const replicasIn = async (c: string) => (await getObject(fleet!, c, "apps/v1", "Deployment", "default", "api"))?.spec.replicas;

    it("splits 17/17/16, moves to 30/0/20 while c2 is down, and back when it returns", async () => {
        const first = await stack.up();
        assert.deepEqual(first.outputs.replicas.value, { c1: 17, c2: 17, c3: 16 });
        assert.deepEqual([await replicasIn("c1"), await replicasIn("c2"), await replicasIn("c3")], [17, 17, 16]);

        await stopMember(fleet!, "c2");
        let restarted = false;
        try {
            // Preview: c1 and c3 take c2's replicas; c2's own object is not touched; the decision says why.
            const { steps, stdout } = await plannedSteps(stack);
            assert.ok(steps.includes("update api-c1") && steps.includes("update api-c3"), `the move is planned: ${steps.join(", ")}`);
            assert.ok(!steps.some(s => s.endsWith(" api-c2")), `c2's object is left as it is: ${steps.join(", ")}`);
            // the diff of the recorded decision shows the move and why
            assert.match(stdout, /\+ failover {9}: {\n\s+\+ notReady {7}: \[\n\s+\+ {5}\[0\]: "c2"/);
            assert.match(stdout, /~ c1: 17 => 30\n\s+~ c2: 17 => 0\n\s+~ c3: 16 => 20/);
            assert.deepEqual(await decisionLines(), [
                "Deployment default/api: c1 30 · c2 0 · c3 20 [replica scheduling]; overrides: —; excluded: —; failover: not ready: c2 17 → 0 (moved: c1 +13, c3 +4)",
            ]);
            // and the member says why it is not ready, once
            assert.equal(warnings.filter(w => w.startsWith("MemberCluster c2: not ready (cluster is not reachable: ")).length, 1, warnings.join("\n"));

            // Up lands it; no step fails because c2 is down.
            const up = await stack.up();
            assert.deepEqual(up.outputs.replicas.value, { c1: 30, c2: 0, c3: 20 });
            assert.deepEqual(up.outputs.notReady.value, ["c2"]);
            assert.equal(await replicasIn("c1"), 30);
            assert.equal(await replicasIn("c3"), 20);
            const failed = Object.entries(up.summary.resourceChanges ?? {}).filter(([op]) => op === "failed");
            assert.deepEqual(failed, []);
            // Same observations, same decision: nothing to do.
            await stack.preview({ expectNoChanges: true });

            await startMember(fleet!, "c2");
            restarted = true;
            // c2 kept its object as it was while down.
            assert.equal(await replicasIn("c2"), 17);
        } finally {
            if (!restarted) await startMember(fleet!, "c2");
        }

        // c2 is ready again: the plan moves the replicas back.
        const back = await stack.up();
        assert.deepEqual(back.outputs.replicas.value, { c1: 17, c2: 17, c3: 16 });
        assert.deepEqual(back.outputs.notReady.value, []);
        assert.deepEqual([await replicasIn("c1"), await replicasIn("c2"), await replicasIn("c3")], [17, 17, 16]);
        await stack.preview({ expectNoChanges: true });
    });

    it("with failover switched off in the stack config, a member that is down keeps its share in the plan", async () => {
        await stack.setConfig("pulumi-kubefed:failover", { value: "false" });
        await stopMember(fleet!, "c2");
        try {
            const { steps } = await plannedSteps(stack);
            assert.ok(!steps.some(s => / api(-c\d)?$/.test(s)), `nothing moves: ${steps.join(", ")}`);
            assert.deepEqual(await decisionLines(), ["Deployment default/api: c1 17 · c2 17 · c3 16 [replica scheduling]; overrides: —; excluded: —"]);
        } finally {
            await startMember(fleet!, "c2");
            await stack.removeConfig("pulumi-kubefed:failover");
        }
    });
});
