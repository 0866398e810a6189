import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Fleet, ROOT, exampleStack, quickstartUids, installKubefed, kubefedStatus, linkDependencies, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 23: a stack made by release 0.2.0 (test/fixtures/release-0.2.0), whose federated components each recorded
// their placement view in their own outputs, upgrades to this build, where one placement record per stack holds
// them all: the first preview creates that record and touches nothing else, no member object is replaced.
const FIXTURE = path.join(ROOT, "test", "fixtures", "release-0.2.0");
const PLACEMENTS = "pulumi-kubefed:index:Placements";

describe("e2e: upgrading a stack made by release 0.2.0", function () {
    let fleet: Fleet | undefined;
    let dir: string;
    let stack: Stack;
    let backend: string;

    before(async function () {
        requireTestbed(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-upgrade-release-"));
        for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(FIXTURE, "quickstart", f), path.join(dir, f));
        linkDependencies(dir);
        installKubefed(dir, { tarball: path.join(FIXTURE, "pulumi-kubefed-0.2.0.tgz") });
        fleet = await startFleet("upgraderelease");
        ({ stack, backend } = await exampleStack("quickstart", "upgraderelease", fleet, {}, { workDir: dir }));
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally {
            await stopFleet(fleet);
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    const uids = () => quickstartUids(fleet!);
    const federated = (resources: any[]) => resources.filter(r => /^pulumi-kubefed:index:Federated/.test(r.type));

    it("the first up after upgrading only creates the placement record; no member object is replaced; status and a second preview agree", async () => {
        await stack.up();
        const before = await uids();
        assert.equal(Object.keys(before).length, 8, JSON.stringify(before));
        const old = (await stack.exportStack()).deployment.resources as any[];
        assert.ok(federated(old).every(r => r.outputs?.decision), "0.2.0 recorded each view in the component's outputs");
        assert.ok(!old.some(r => r.type === PLACEMENTS));

        installKubefed(dir, "build");
        const steps: string[] = [];
        await stack.preview({
            onEvent: (e: EngineEvent) => {
                const m = e.resourcePreEvent?.metadata;
                if (m && m.op !== "same" && m.op !== "read") steps.push(`${m.op} ${m.type} ${m.urn.split("::").pop()}`);
            },
        });
        assert.deepEqual(steps, [`create ${PLACEMENTS} kubefed-placements`], "the record is the only change");

        await stack.up();
        assert.deepEqual(await uids(), before, "every member object is the same object (same UID)");
        const now = (await stack.exportStack()).deployment.resources as any[];
        const record = now.filter(r => r.type === PLACEMENTS);
        assert.equal(record.length, 1);
        const urns = federated(now).map(r => r.urn).sort();
        assert.deepEqual(Object.keys(record[0].outputs.placements), urns, "the record holds every federated component's view");
        assert.deepEqual(Object.keys(record[0].outputs.placements[urns.find(u => u.endsWith("::web"))!].placed), ["c1", "c2"]);
        const st = kubefedStatus(dir, "upgraderelease", backend, ["--check"]);
        assert.equal(st.code, 0, st.out);
        await stack.preview({ expectNoChanges: true });
    });
});
