import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, exampleStack, managedObjects, startFleet, stopFleet, requireTestbed } from "../support";

// Spread constraints (examples/spread) on a 4-cluster fleet across 2 regions: c1, c2 in us-east; c3, c4 in eu-west.
describe("e2e: spread constraints place across regions", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("spread", [
            { name: "c1", region: "us-east", zones: ["us-east-1a"], nodes: 1 },
            { name: "c2", region: "us-east", zones: ["us-east-1b"], nodes: 1 },
            { name: "c3", region: "eu-west", zones: ["eu-west-1a"], nodes: 1 },
            { name: "c4", region: "eu-west", zones: ["eu-west-1b"], nodes: 1 },
        ]);
        ({ stack } = await exampleStack("spread", "e2e", fleet));
    });
    after(async () => { await stopFleet(fleet); });

    const all = async () => Promise.all(["c1", "c2", "c3", "c4"].map(c => managedObjects(fleet!, c)));

    it("an unsatisfiable constraint fails at preview, naming it and the clusters, with nothing applied", async () => {
        await stack.setConfig("minRegions", { value: "3" });
        let message = "";
        try {
            await stack.preview();
            assert.fail("preview should fail");
        } catch (e) {
            message = String((e as Error).message ?? e);
        }
        assert.match(message, /FederatedResource web: .*placement\.spreadConstraints\[0\]: \(spreadByField region, minGroups 3\) cannot be met: the placement's clusters span 2 regions: eu-west \(c3, c4\) · us-east \(c1, c2\)/);
        assert.match(message, /Clusters available: c1 \(region us-east, zones us-east-1a\), c2 \(region us-east, zones us-east-1b\), c3 \(region eu-west, zones eu-west-1a\), c4 \(region eu-west, zones eu-west-1b\)/);
        await assert.rejects(stack.up(), /cannot be met/);
        assert.deepEqual(await all(), [[], [], [], []]);
    });

    it("\"at least 2 regions\" places across both regions, one cluster per region for web, deterministically", async () => {
        await stack.setConfig("minRegions", { value: "2" });
        const up = await stack.up();
        // web: one cluster per region (at most 2 clusters); among equals the first name in each region.
        assert.deepEqual(up.outputs.placed.value, { web: ["c1", "c3"], settings: ["c1", "c2", "c3", "c4"] });
        assert.deepEqual(up.outputs.spread.value.map((s: { groups: string[] }) => s.groups), [["eu-west", "us-east"], ["c1", "c3"]]);
        assert.deepEqual(await all(), [
            ["ConfigMap default/settings", "Deployment default/web"],
            ["ConfigMap default/settings"],
            ["ConfigMap default/settings", "Deployment default/web"],
            ["ConfigMap default/settings"],
        ]);
        await stack.preview({ expectNoChanges: true });
    });
});
