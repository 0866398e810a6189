import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Fleet, ROOT, exampleStack, getObject, kubefedStatus, installKubefed, linkDependencies, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 20: a stack of charts, kustomizations and a Deployment made by the previous build (test/fixtures/previous-build)
// upgrades to this one without any member object replaced or deleted (UIDs compared); afterwards the chart's and the
// kustomization's objects carry the managed label and are read back, and a second preview shows no changes.
const FIXTURE = path.join(ROOT, "test", "fixtures", "previous-build");

function installProject(dir: string, source: "fixture" | "build"): void {
    installKubefed(dir, source === "build" ? "build" : { tarball: path.join(FIXTURE, "pulumi-kubefed-20ac3ab.tgz") });
}

const OBJECTS = [
    ["apps/v1", "Deployment", "hello-hello"], ["v1", "ConfigMap", "hello-hello"], ["v1", "ConfigMap", "greeting"], ["apps/v1", "Deployment", "web"],
] as const;

describe("e2e: upgrading a stack of charts, kustomizations and objects made by the previous build", function () {
    let fleet: Fleet | undefined;
    let dir: string;
    let stack: Stack;
    let backend: string;

    before(async function () {
        requireTestbed(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-upgrade-kinds-"));
        for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(FIXTURE, "program", f), path.join(dir, f));
        linkDependencies(dir);
        installProject(dir, "fixture");
        fleet = await startFleet("upgradekinds", 2);
        ({ stack, backend } = await exampleStack("quickstart", "upgradekinds", fleet, {
            chartDir: path.join(ROOT, "examples", "charts", "hello"), kustomizeDir: path.join(ROOT, "examples", "kustomize", "base"),
        }, { workDir: dir }));
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally {
            await stopFleet(fleet);
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    const members = async (): Promise<Record<string, { uid: string; managed?: string }>> => {
        const out: Record<string, { uid: string; managed?: string }> = {};
        for (const c of ["c1", "c2"]) {
            for (const [apiVersion, kind, name] of OBJECTS) {
                const o = await getObject(fleet!, c, apiVersion, kind, "default", name);
                if (o) out[`${c} ${kind} ${name}`] = { uid: o.metadata.uid, managed: o.metadata.labels?.["kubefed.io/managed"] };
            }
        }
        return out;
    };

    it("the first up after upgrading replaces and deletes no member object; chart and kustomization objects are then labelled and read back", async () => {
        await stack.up();
        const before = await members();
        assert.equal(Object.keys(before).length, 8, JSON.stringify(before));
        assert.equal(before["c1 ConfigMap greeting"].managed, undefined, "the previous build did not label kustomization objects");

        installProject(dir, "build");
        const steps: string[] = [];
        await stack.preview({
            onEvent: (e: EngineEvent) => {
                const m = e.resourcePreEvent?.metadata;
                if (m && m.op !== "same" && m.op !== "read") steps.push(`${m.op} ${m.type} ${m.urn.split("::").pop()}`);
            },
        });
        const touched = steps.filter(s => / kubernetes:(?!helm|kustomize)/.test(s) && !/^update /.test(s));
        assert.deepEqual(touched, [], `member objects may only be updated in place: ${steps.join(", ")}`);

        await stack.up();
        const after = await members();
        for (const [k, v] of Object.entries(before)) assert.equal(after[k]?.uid, v.uid, `${k} is the same object (same UID)`);
        for (const [k, v] of Object.entries(after)) assert.equal(v.managed, "true", `${k} carries the managed label`);
        const st = kubefedStatus(dir, "upgradekinds", backend, ["-o", "json"]);
        assert.equal(st.code, 0, st.out);
        const names = (JSON.parse(st.stdout).objects as { name: string; target: { kind: string; name: string } }[]).map(o => `${o.name} ${o.target.kind} ${o.target.name}`).sort();
        for (const want of ["hello Deployment hello-hello", "greeting ConfigMap greeting", "web Deployment web"]) assert.ok(names.includes(want), `status lists ${want}: ${names.join(", ")}`);
        await stack.preview({ expectNoChanges: true });
    });
});
