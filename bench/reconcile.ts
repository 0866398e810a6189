/**
 * Reaction time of the reconcile loop (issue 22), on a local fleet with the real engine: README's
 * ReplicaSchedulingPreference program (examples/replica-scheduling: 50 replicas over c1, c2, c3, c3 capped at 20),
 * `pulumi-kubefed reconcile` running at the default interval (30 s), then
 * - c2's API server stopped → until c1 runs its failover share (spec.replicas 30 read from c1);
 * - c2 started again → until the all-up split is back (c1 17, c2 17, c3 16 read from the members);
 * - `spec.replicas` of c1 changed behind the loop's back → until it is repaired.
 * The stop lands at a random point of the loop's cycle, as a failure would. Prints the figures and the loop's log.
 * Run: `npm run bench:reconcile` (with the test bed: `source testbed/env.sh`). Env: BENCH_INTERVAL (default 30s).
 */
import { spawn } from "child_process";
import * as path from "path";
import { cpus, loadavg } from "os";
import { E2E_PASSPHRASE, ROOT, exampleStack, getObject, patchObject, startFleet, startMember, stopFleet, stopMember } from "../test/support";

async function main(): Promise<void> {
    const fleet = await startFleet("bench-reconcile", [
        { name: "c1", region: "us-east", zones: ["us-east-1a"], nodes: 1 },
        { name: "c2", region: "us-west", zones: ["us-west-2a"], nodes: 1 },
        { name: "c3", region: "eu-central", zones: ["eu-central-1a"], nodes: 1 },
    ]);
    const log: string[] = [];
    let loop: ReturnType<typeof spawn> | undefined;
    try {
        const { stack, backend } = await exampleStack("replica-scheduling", "bench", fleet);
        await stack.up();
        const replicas = async (c: string) => (await getObject(fleet, c, "apps/v1", "Deployment", "default", "api").catch(() => undefined))?.spec?.replicas as number | undefined;
        const until = async (what: string, ok: () => Promise<boolean>, limitMs = 600_000): Promise<number> => {
            const start = Date.now();
            while (!(await ok())) {
                if (Date.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs / 1000} s\n${log.join("")}`);
                await new Promise(r => setTimeout(r, 500));
            }
            return (Date.now() - start) / 1000;
        };
        const interval = process.env.BENCH_INTERVAL ?? "30s";
        loop = spawn(process.execPath, [path.join(ROOT, "dist", "src", "cli.js"), "reconcile", "--stack", "bench", "--cwd", path.join(ROOT, "examples", "replica-scheduling"), "--interval", interval], {
            env: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: E2E_PASSPHRASE, PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_SKIP_UPDATE_CHECK: "true" },
        });
        loop.stdout!.on("data", (d: Buffer) => log.push(String(d)));
        loop.stderr!.on("data", (d: Buffer) => log.push(String(d)));
        // let the loop settle into its rhythm, then fail at a random point of its cycle
        await until("first cycle", async () => log.some(l => / #1: /.test(l)));
        await new Promise(r => setTimeout(r, Math.random() * 30_000));
        await stopMember(fleet, "c2");
        const down = await until("failover", async () => (await replicas("c1")) === 30 && (await replicas("c3")) === 20);
        await new Promise(r => setTimeout(r, Math.random() * 30_000));
        await startMember(fleet, "c2");
        const back = await until("back", async () => (await replicas("c1")) === 17 && (await replicas("c2")) === 17 && (await replicas("c3")) === 16);
        await new Promise(r => setTimeout(r, Math.random() * 30_000));
        await patchObject(fleet, "c1", "apps/v1", "Deployment", "default", "api", { spec: { replicas: 5 } });
        const drift = await until("drift", async () => (await replicas("c1")) === 17);
        console.log(`reconcile loop, interval ${interval}; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
        console.log(`c2 stopped → c1 runs 30 (c3 20):      ${down.toFixed(1)} s`);
        console.log(`c2 started → 17/17/16 again:          ${back.toFixed(1)} s`);
        console.log(`c1 scaled to 5 behind its back → 17:   ${drift.toFixed(1)} s`);
        console.log(`\nthe loop's log:\n${log.join("")}`);
    } finally {
        if (loop && loop.exitCode === null) {
            const exited = new Promise(r => loop!.on("close", r));
            loop.kill("SIGTERM");
            await exited;
        }
        await stopFleet(fleet);
    }
}

main().catch(e => { console.error(e); process.exitCode = 1; });
