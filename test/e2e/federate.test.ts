import { strict as assert } from "assert";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Fleet, exampleStack, getObject, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 10: federate() became a component that parents its children. A stack created by the former function
// (examples/federate with legacy=true builds exactly its resources) upgrades with no replacement of member objects:
// the children alias their former parent. Checked by the planned steps and by the members' object uids.
describe("e2e: federate() upgrade from the function to the component", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("federate", 2);
        ({ stack } = await exampleStack("federate", "e2e", fleet, { legacy: "true" }));
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally { await stopFleet(fleet); }
    });
    const f = () => fleet!;

    it("an existing stack upgrades in place: only the new component is created, no member object is replaced", async () => {
        await stack.up();
        const uid = async (c: string) => (await getObject(f(), c, "v1", "ConfigMap", "shop", "settings")).metadata.uid;
        const before = [await uid("c1"), await uid("c2")];
        await stack.setConfig("legacy", { value: "false" });
        const steps: string[] = [];
        await stack.preview({ onEvent: (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m && m.op !== "same" && m.op !== "read") steps.push(`${m.op} ${m.type} ${m.urn.split("::").pop()}`);
        } });
        // Only the new component is created; provider resources may be updated (plugin bookkeeping), nothing else.
        const others = steps.filter(s => !/^update pulumi:providers:/.test(s));
        assert.deepEqual(others, ["create pulumi-kubefed:index:FederatedManifests app"], `planned: ${steps.join(", ")}`);
        await stack.up();
        assert.deepEqual([await uid("c1"), await uid("c2")], before, "the member objects were not recreated");
        await stack.preview({ expectNoChanges: true });
    });
});
