import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, eventually, exampleStack, getObject, member, plannedSteps, startFleet, stopFleet, requireTestbed } from "../support";

// Status-driven scheduling (docs/semantics.md#current-replicas-and-capacity feeding docs/semantics.md#replica-algorithm): c2 has one simulated node with 2 CPUs, so of the 3
// replicas planned there (1 CPU each) one stays Pending/Unschedulable. Once that has lasted a minute,
// the next preview shows the planner giving c1 one more replica, and up applies it.
describe("e2e: replica scheduling follows the members' capacity", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("rebalance", [
            { name: "c1", region: "us-east", zones: ["us-east-1a"], labels: { tier: "prod" }, nodes: 2, nodeCpu: "4" },
            { name: "c2", region: "us-west", zones: ["us-west-2a"], labels: { tier: "prod" }, nodes: 1, nodeCpu: "2" },
        ]);
        ({ stack } = await exampleStack("rebalance", "e2e", fleet));
    });
    after(async () => { await stopFleet(fleet); });

    const replicasIn = async (c: string) => (await getObject(fleet!, c, "apps/v1", "Deployment", "default", "api"))?.spec.replicas;
    const readyIn = async (c: string) => (await getObject(fleet!, c, "apps/v1", "Deployment", "default", "api"))?.status?.readyReplicas ?? 0;

    it("splits evenly while nothing is known, then moves replicas toward the cluster that can run them", async () => {
        await stack.up();
        assert.equal(await replicasIn("c1"), 3);
        assert.equal(await replicasIn("c2"), 3);
        await eventually("3 ready in c1 and 2 in c2", async () => (await readyIn("c1")) === 3 && (await readyIn("c2")) === 2, 120000);
        // One pod in c2 cannot be scheduled: 2 CPUs, 1 CPU per pod.
        const pods = await member(fleet!, "c2").request("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dapi");
        const unschedulable = (pods.body as any).items.filter((p: any) =>
            (p.status.conditions ?? []).some((c: any) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable"));
        assert.equal(unschedulable.length, 1);

        // KubeFed only trusts an Unschedulable condition older than 60 s; until then the plan stays put.
        const since = Date.parse(unschedulable[0].status.conditions.find((c: any) => c.type === "PodScheduled").lastTransitionTime);
        const wait = since + 62000 - Date.now();
        if (wait > 0) await new Promise(r => setTimeout(r, wait));

        // Observed: c1 runs 3, c2 runs 2 with capacity 2 → the planner gives c1 4 and keeps c2's overflow
        // (KubeFed writes plan + overflow, so c2 stays at 3: its pending pod may still be scheduled later).
        const { steps } = await plannedSteps(stack);
        assert.ok(steps.includes("update api-c1"), `preview shows the move: ${steps.join(", ")}`);
        assert.ok(!steps.includes("update api-c2"), `c2 keeps its replicas: ${steps.join(", ")}`);
        const up = await stack.up();
        assert.deepEqual(up.outputs.replicas.value, { c1: 4, c2: 3 });
        assert.deepEqual(up.outputs.capacity.value, { c2: 2 });
        assert.equal(await replicasIn("c1"), 4);
        assert.equal(await replicasIn("c2"), 3);
        // The six replicas asked for now run: four in c1, two in c2.
        await eventually("4 ready in c1", async () => (await readyIn("c1")) === 4, 120000);
        assert.equal(await readyIn("c2"), 2);
        // Stable: with the same observations the next preview changes nothing.
        await stack.preview({ expectNoChanges: true });
    });
});
