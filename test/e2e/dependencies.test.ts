import { strict as assert } from "assert";
import { Fleet, exampleStack, getObject, managedObjects, requireTestbed, startFleet, stopFleet } from "../support";

// examples/dependencies: a ConfigMap placed in c1 only, and a Deployment placed everywhere that reads it (envFrom).
describe("e2e: dependencies follow the workload", function () {
    let fleet: Fleet | undefined;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("deps", 3);
    });
    after(async () => { await stopFleet(fleet); });

    const settingsIn = async (c: string) => getObject(fleet!, c, "v1", "ConfigMap", "default", "settings");

    it("places the workload's ConfigMap wherever the workload is, whichever is declared first", async () => {
        const { stack } = await exampleStack("dependencies", "follow", fleet!, { dependencies: "follow" });
        const up = await stack.up();
        assert.deepEqual(up.outputs.apiClusters.value, ["c1", "c2", "c3"]);
        assert.deepEqual(up.outputs.settingsClusters.value, ["c1", "c2", "c3"]);
        for (const c of ["c1", "c2", "c3"]) {
            const cm = await settingsIn(c);
            assert.ok(cm, `ConfigMap default/settings exists in ${c}`);
            assert.equal(cm.data.greeting, "hello");
            assert.equal(cm.metadata.labels["kubefed.io/managed"], "true");
        }
        assert.match(up.stdout, /FederatedResource settings: also placed in c2, c3, where FederatedResource api \(Deployment default\/api\) runs/);
        await stack.preview({ expectNoChanges: true });
        // Declaring the workload first gives the same resources: nothing to change.
        await stack.setConfig("workloadFirst", { value: "true" });
        await stack.preview({ expectNoChanges: true });
        await stack.destroy();
        for (const c of ["c1", "c2", "c3"]) assert.equal(await settingsIn(c), undefined);
    });

    for (const workloadFirst of [false, true]) {
        it(`refuses a misplaced ConfigMap at preview, with nothing applied (${workloadFirst ? "workload" : "ConfigMap"} declared first)`, async () => {
            const { stack } = await exampleStack("dependencies", `check${workloadFirst ? "w" : "c"}`, fleet!,
                { dependencies: "check", workloadFirst: String(workloadFirst) });
            let failure = "";
            try {
                await stack.preview();
            } catch (e) {
                failure = String((e as Error).message ?? e);
            }
            assert.match(failure, /FederatedResource api \(Deployment default\/api\) references FederatedResource settings \(ConfigMap default\/settings\) \(spec\.template\.spec\.containers\[0\]\.envFrom\[0\]\.configMapRef\.name\) in cluster\(s\) c2, c3, where it is not placed \(placed: c1\)/);
            assert.match(failure, /dependencies: "follow"/, "names the fix");
            for (const c of ["c1", "c2", "c3"]) assert.deepEqual(await managedObjects(fleet!, c), [], `nothing applied in ${c}`);
            const state = await stack.exportStack();
            assert.ok((state.deployment.resources ?? []).length === 0, "no resource in the state");
        });
    }
});
