import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import {
    E2E_PASSPHRASE, Fleet, ROOT, exampleStack, getObject, patchObject, plannedSteps, requireTestbed, startFleet, startMember, stopFleet, stopMember,
} from "../support";

// Failover on by default (issue 22), with the program exactly as the guide's ReplicaSchedulingPreference section writes
// it (examples/replica-scheduling: no async, no `observed`): KubeFed's user-guide case, 50 replicas over c1, c2, c3
// with c3 capped at 20. Replicas are read back from the members. Then the reconcile loop on the same stack: SIGTERM
// in the middle of its up leaves a stack that the next `pulumi up` accepts.
const EXAMPLE = path.join(ROOT, "examples", "replica-scheduling");

describe("e2e: failover by default from a synchronous program, and the reconcile loop", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("failover-default", [
            { name: "c1", region: "us-east", zones: ["us-east-1a"], nodes: 1 },
            { name: "c2", region: "us-west", zones: ["us-west-2a"], nodes: 1 },
            { name: "c3", region: "eu-central", zones: ["eu-central-1a"], nodes: 1 },
        ]);
        ({ stack, backend } = await exampleStack("replica-scheduling", "e2e", fleet));
    });
    after(async () => { await stopFleet(fleet); });

    const replicasIn = async (c: string) => (await getObject(fleet!, c, "apps/v1", "Deployment", "default", "api"))?.spec.replicas;
    const decisionLines = async () => {
        const lines: string[] = [];
        await stack.preview({ onEvent: (e: EngineEvent) => {
            const d = e.diagnosticEvent;
            if (d && d.severity === "info" && d.urn?.endsWith("::api")) lines.push(d.message.trim());
        } });
        return lines;
    };

    it("the program is the user guide's, verbatim (docs/scheduling-and-failover.md, linked from README)", () => {
        const guide = fs.readFileSync(path.join(ROOT, "docs", "scheduling-and-failover.md"), "utf8");
        const section = guide.slice(guide.indexOf("## ReplicaSchedulingPreference\n"));
        const block = /```ts\n([\s\S]*?)```/.exec(section)![1];
        assert.equal(block, fs.readFileSync(path.join(EXAMPLE, "index.ts"), "utf8"));
        assert.ok(!/async|observed|observeReadiness/.test(block));
    });

    it("all-up split; c2 stopped: preview shows and up applies 30/0/20; c2 back: the split again; nothing left after each up", async () => {
        const first = await stack.up();
        assert.deepEqual(first.outputs.replicas.value, { c1: 17, c2: 17, c3: 16 });
        assert.deepEqual([await replicasIn("c1"), await replicasIn("c2"), await replicasIn("c3")], [17, 17, 16]);
        await stack.preview({ expectNoChanges: true });

        await stopMember(fleet!, "c2");
        let restarted = false;
        try {
            const { steps, stdout } = await plannedSteps(stack);
            assert.ok(steps.includes("update api-c1") && steps.includes("update api-c3"), `the move is planned: ${steps.join(", ")}`);
            assert.ok(!steps.some(s => s.endsWith(" api-c2")), `c2's object is left as it is: ${steps.join(", ")}`);
            // preview --diff shows the recorded decision's move, with values (not unknowns), and why
            assert.match(stdout, /~ c1: 17 => 30\n\s+~ c2: 17 => 0\n\s+~ c3: 16 => 20/);
            assert.match(stdout, /\+ failover {9}: {\n\s+\+ notReady {7}: \[\n\s+\+ {5}\[0\]: "c2"/);
            assert.match(stdout, /spec\s*: {[\s\S]*?~ replicas: 17 => 30/);
            assert.deepEqual(await decisionLines(), [
                "Deployment default/api: c1 30 · c2 0 · c3 20 [replica scheduling]; overrides: —; excluded: —; failover: not ready: c2 17 → 0 (moved: c1 +13, c3 +4)",
            ]);

            const up = await stack.up();
            assert.deepEqual(up.outputs.replicas.value, { c1: 30, c2: 0, c3: 20 });
            assert.equal(await replicasIn("c1"), 30);
            assert.equal(await replicasIn("c3"), 20);
            assert.deepEqual(Object.entries(up.summary.resourceChanges ?? {}).filter(([op]) => op === "failed"), []);
            await stack.preview({ expectNoChanges: true });

            await startMember(fleet!, "c2");
            restarted = true;
            assert.equal(await replicasIn("c2"), 17, "c2 kept what it ran while it was down");
        } finally {
            if (!restarted) await startMember(fleet!, "c2");
        }
        const back = await stack.up();
        assert.deepEqual(back.outputs.replicas.value, { c1: 17, c2: 17, c3: 16 });
        assert.deepEqual([await replicasIn("c1"), await replicasIn("c2"), await replicasIn("c3")], [17, 17, 16]);
        await stack.preview({ expectNoChanges: true });
    });

    it("reconcile: SIGTERM in the middle of the loop's up leaves a stack the next pulumi up accepts, with nothing pending", async () => {
        // drift behind the loop's back: it refreshes, previews the repair and starts an up; SIGTERM lands in that up
        await patchObject(fleet!, "c1", "apps/v1", "Deployment", "default", "api", { spec: { replicas: 3 } });
        const child = spawn(process.execPath, [path.join(ROOT, "dist", "src", "cli.js"), "reconcile", "--stack", "e2e", "--cwd", EXAMPLE, "--interval", "5s"], {
            env: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: E2E_PASSPHRASE,
                PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_SKIP_UPDATE_CHECK: "true" },
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => { out += d; });
        const applying = new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no up started within 5 min:\n${out}\n${err}`)), 300_000);
            child.stderr.on("data", (d: Buffer) => {
                err += d;
                if (/applying .*update api-c1/.test(err)) { clearTimeout(timer); resolve(); }
            });
        });
        const exited = new Promise<number | null>(resolve => child.on("close", code => resolve(code)));
        await applying;
        await new Promise(r => setTimeout(r, 1500));
        child.kill("SIGTERM");
        const code = await exited;
        assert.equal(code, 0, `${out}\n${err}`);
        assert.match(err, /SIGTERM: stopping/);
        const state = (await stack.exportStack()).deployment as { pending_operations?: unknown[] };
        assert.deepEqual(state.pending_operations ?? [], [], "no pending operation is left");
        // the next up runs without `pulumi cancel` and repairs what is left
        const up = await stack.up();
        assert.deepEqual(up.outputs.replicas.value, { c1: 17, c2: 17, c3: 16 });
        assert.equal(await replicasIn("c1"), 17);
        // and the loop itself, once, finds nothing to do
        const once = spawn(process.execPath, [path.join(ROOT, "dist", "src", "cli.js"), "reconcile", "--stack", "e2e", "--cwd", EXAMPLE, "--once"], {
            env: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: E2E_PASSPHRASE,
                PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_SKIP_UPDATE_CHECK: "true" },
        });
        let onceOut = "";
        once.stdout.on("data", (d: Buffer) => { onceOut += d; });
        once.stderr.on("data", (d: Buffer) => { onceOut += d; });
        assert.equal(await new Promise(resolve => once.on("close", resolve)), 0, onceOut);
        assert.match(onceOut, /reconcile e2e #1: no changes; refresh\+preview \d+\.\ds/);
    });
});
