import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Fleet, ROOT, exampleStack, installKubefed, linkDependencies, getObject, kubefedStatus, managedObjects, quickstartUids, startFleet, stopFleet, requireTestbed } from "../support";

// A stack made by release 0.1.0 (the npm package as it was released, kept as a fixture) upgrades to this build:
// the first `up` replaces and deletes no member object, only the read-back resources change, the state shrinks, and
// the 0.1 orphan guards (which unlabel objects when deleted) are updated in place rather than deleted.
const FIXTURE = path.join(ROOT, "test", "fixtures", "release-0.1.0", "pulumi-kubefed-0.1.0.tgz");

/** A project directory with the quickstart program and `pulumi-kubefed` installed from `source`. */
function installProject(dir: string, source: "fixture" | "build"): void {
    installKubefed(dir, source === "build" ? "build" : { tarball: FIXTURE });
}

describe("e2e: upgrading a stack made by release 0.1.0", function () {
    let fleet: Fleet | undefined;
    let dir: string;
    let stack: Stack;
    let backend: string;

    before(async function () {
        requireTestbed(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-upgrade-"));
        // The quickstart as 0.1.0 shipped it: an upgrading user's program does not change with the library.
        const program = path.join(ROOT, "test", "fixtures", "release-0.1.0", "quickstart");
        for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(program, f), path.join(dir, f));
        // every other dependency as this repository has it
        linkDependencies(dir);
        installProject(dir, "fixture");
        fleet = await startFleet("upgrade");
        ({ stack, backend } = await exampleStack("quickstart", "upgrade", fleet, { orphanOnDelete: "true" }, { workDir: dir }));
    });
    after(async () => {
        await stopFleet(fleet);
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const uids = () => quickstartUids(fleet!);
    const stateBytes = async (): Promise<number> => JSON.stringify(await stack.exportStack()).length;

    it("the first up after upgrading replaces no member object, keeps the managed labels, and shrinks the state", async () => {
        await stack.up();
        const before = await uids();
        assert.equal(Object.keys(before).length, 8, JSON.stringify(before));
        const oldState = await stack.exportStack();
        const oldTypes = new Set(oldState.deployment.resources.map((r: any) => r.type));
        for (const t of ["ClusterHealth", "PropagationStatus", "OrphanGuard"]) assert.ok(oldTypes.has(`pulumi-nodejs:dynamic/kubefed:${t}`), `0.1 made a ${t}`);
        const oldBytes = await stateBytes();

        installProject(dir, "build");
        const steps: string[] = [];
        await stack.preview({
            onEvent: (e: EngineEvent) => {
                const m = e.resourcePreEvent?.metadata;
                if (m && m.op !== "same" && m.op !== "read") steps.push(`${m.op} ${m.type} ${m.urn.split("::").pop()}`);
            },
        });
        const memberSteps = steps.filter(s => / kubernetes:/.test(s));
        assert.deepEqual(memberSteps, [], `member objects must not change: ${memberSteps.join(", ")}`);
        for (const s of steps) {
            assert.match(s, /^(update|delete|create) (pulumi-nodejs:dynamic\/kubefed:(MemberReadBack|PropagationStatus|ClusterHealth|OrphanGuard)|pulumi-kubefed:index:)/,
                `only read-back resources (and component records) may change: ${s}`);
        }
        assert.ok(steps.some(s => /^update pulumi-nodejs:dynamic\/kubefed:MemberReadBack c1-readback$/.test(s)), `the health resource becomes the read-back in place: ${steps.join(", ")}`);
        assert.ok(steps.some(s => /^update pulumi-nodejs:dynamic\/kubefed:OrphanGuard settings-orphan$/.test(s)), "orphan guards are updated, not deleted");
        assert.ok(!steps.some(s => /^delete pulumi-nodejs:dynamic\/kubefed:OrphanGuard/.test(s)));

        await stack.up();
        assert.deepEqual(await uids(), before, "every member object is the same object (same UID)");
        for (const c of ["c1", "c2", "c3"]) {
            const expected = c === "c3" ? ["ConfigMap shop/settings", "Namespace shop"] : ["ConfigMap shop/settings", "Deployment shop/web", "Namespace shop"];
            assert.deepEqual(await managedObjects(fleet!, c), expected, `${c} keeps its managed labels`);
        }
        const st = kubefedStatus(dir, "upgrade", backend, ["--check"]);
        assert.equal(st.code, 0, st.out);
        const newBytes = await stateBytes();
        console.log(`      state: ${oldBytes} bytes with 0.1.0, ${newBytes} bytes after the upgrade`);
        assert.ok(newBytes < oldBytes / 2, `state ${oldBytes} -> ${newBytes} bytes`);
        await stack.preview({ expectNoChanges: true });
    });

    it("and orphan mode still works after the upgrade: destroy leaves the objects, unlabelled", async () => {
        await stack.destroy();
        for (const c of ["c1", "c2", "c3"]) assert.deepEqual(await managedObjects(fleet!, c), [], `${c} still has managed objects`);
        assert.ok(await getObject(fleet!, "c1", "apps/v1", "Deployment", "shop", "web"), "the Deployment is left in place");
    });
});
