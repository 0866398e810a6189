/**
 * End-to-end benchmark: `pulumi preview` and `pulumi up` of N federated Deployments over 3 member clusters
 * (examples/bench-kubefed) against a hand-written program that creates the same objects with one Kubernetes
 * provider per cluster (examples/bench-baseline), with the real Pulumi CLI of the test bed against a local fleet.
 *
 * Per repetition and program: fresh stack → `preview` → `up --skip-preview` → `destroy --skip-preview` (each timed
 * as wall clock of the CLI process, so language host, plugin start and program run are included), then the stack
 * is removed. The order of the programs alternates between repetitions. After `up` the bench checks that every
 * member holds the N Deployments (labelled kubefed.io/managed=true) and that labels, annotations and spec read back
 * are the same for every program (else it stops: the comparison would not be fair), and after `destroy` that none
 * is left. Besides wall time it reports the CPU time of each CLI call's process tree, which is much less sensitive
 * to other load on the machine (the API servers' work is not in it; it is the same for both programs).
 *
 * Programs (same Deployments — byte-identical templates, same names, labels, annotations, same await setting):
 *   baseline           examples/bench-baseline: 3 k8s.Provider + 3·N k8s.apps.v1.Deployment
 *   kubefed            examples/bench-kubefed with `status: false, health: false`: the library's components and
 *                      decision, no read-back. Same objects and same provider work as the baseline: the headline
 *                      ratio kubefed / baseline compares these two.
 *   kubefed-defaults   examples/bench-kubefed with the library defaults: additionally one MemberReadBack per member
 *                      (health, status and drift of every federated object in it, read back after the objects are
 *                      applied) — extra work the baseline does not do.
 * Also printed: the bytes of the checkpoint after `up` (`pulumi stack export`), per federated object, and issue 23's
 * targets (status+health off ≤ 1.20×, defaults ≤ 1.25× of the baseline's preview + up; state per object with
 * status+health off ≤ 1.10×).
 * `waitForReady` is false in both programs (`pulumi.com/skipAwait`), so pod scheduling does not dominate. The
 * baseline also sends what the library adds by default: the kubefed.io/managed label and `pulumi.com/patchForce`
 * (FederatedResource.forceOwnership, default true); the read-back check catches any other difference.
 * Measured: with the file backend, `up`/`destroy` time is dominated by checkpoint writes
 * (the whole state after every step); PULUMI_SKIP_CHECKPOINTS=true (passed through) shows the rest.
 *
 * Environment: BENCH_REPS (default 2), BENCH_COUNTS (comma list of sizes, default "50,200"; BENCH_COUNT for one), BENCH_PROGRAMS
 * (comma list, default "baseline,kubefed,kubefed-defaults"), BENCH_FLEET_DIR (reuse a running fleet started with
 * testbed/fleet.js; default: start one in a temp dir and stop it at the end), BENCH_WARMUP=0 (skip the untimed
 * warm-up preview of each program), BENCH_JSON (write the raw results there), BENCH_KEEP=1 (keep the temp dir).
 * No assertion on times: exits 0 when every run succeeded, 1 on errors.
 *
 * Run: `npm run build && node dist/bench/e2e.js` (after `bash testbed/setup.sh`).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliStack, Fleet, ROOT, getObject, listManagedObjects, startOrReuseFleet, toolchain } from "../test/support";

const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 2));
/** Sizes run one after the other (BENCH_COUNTS, or BENCH_COUNT for one size): federated Deployments per program. */
const COUNTS = (process.env.BENCH_COUNTS ?? process.env.BENCH_COUNT ?? "50,200").split(",").map(x => Math.max(1, Number(x.trim()))).filter(Number.isFinite);
let COUNT = COUNTS[0];
const PHASES = ["preview", "up", "destroy"] as const;
type Phase = typeof PHASES[number];

interface Program { id: string; dir: string; config: Record<string, unknown>; note: string }
const PROGRAMS: Program[] = [
    { id: "baseline", dir: "examples/bench-baseline", config: {}, note: "hand-written, 3 providers" },
    { id: "kubefed", dir: "examples/bench-kubefed", config: { status: false, health: false }, note: "library, status+health off" },
    { id: "kubefed-defaults", dir: "examples/bench-kubefed", config: {}, note: "library defaults (status+health on)" },
];

/** times: wall clock (ms); cpu: CPU time (ms) of the CLI process tree (the fleet's API servers are not in it). */
interface Run {
    program: string; rep: number; order: number; times: Record<Phase, number>; cpu: Record<Phase, number>; resources: number; stateBytes: number;
    /** Where the checkpoint's bytes go: per resource type, and per part of each entry (see {@link stateBreakdown}). */
    breakdown: StateBreakdown;
}

/** Bytes of the exported checkpoint by resource type (`count`, `bytes` of the entries as exported, 4-space
 *  indented) and, summed over all entries, by field of an entry (`inputs`, `outputs`, `stackTrace`, ...). */
interface StateBreakdown { byType: Record<string, { count: number; bytes: number }>; byField: Record<string, Record<string, number>> }

/** What each resource costs in the checkpoint: each entry re-serialized as `pulumi stack export` writes it (JSON,
 *  4-space indent, at the depth of `deployment.resources[i]`), so the parts add up to about the file's size. */
function stateBreakdown(file: string): StateBreakdown {
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { deployment?: { resources?: Record<string, unknown>[] } };
    const size = (lines: string[], depth: number) => lines.reduce((n, l) => n + l.length + 1 + 4 * depth, 0);
    const out: StateBreakdown = { byType: {}, byField: {} };
    for (const r of doc.deployment?.resources ?? []) {
        const type = String(r.type);
        const t = (out.byType[type] ??= { count: 0, bytes: 0 });
        t.count++;
        t.bytes += size(JSON.stringify(r, null, 4).split("\n"), 3);
        const f = (out.byField[type] ??= {});
        // a field's lines inside the entry's braces (already indented one level deeper than the braces)
        for (const [k, v] of Object.entries(r)) f[k] = (f[k] ?? 0) + size(JSON.stringify({ [k]: v }, null, 4).split("\n").slice(1, -1), 3);
    }
    return out;
}

const fmt = (ms: number) => (ms / 1000).toFixed(1);
const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function log(msg: string): void {
    process.stderr.write(`[bench:e2e ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** The two template files must be identical but for their two header lines. */
function checkTemplates(): void {
    const body = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8").split("\n").slice(2).join("\n");
    if (body("examples/bench-kubefed/template.ts") !== body("examples/bench-baseline/template.ts")) {
        throw new Error("examples/bench-kubefed/template.ts and examples/bench-baseline/template.ts differ: the comparison would not be fair");
    }
}

async function countDeployments(fleet: Fleet): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of fleet.clusters) {
        out[c.name] = (await listManagedObjects(fleet, c.name, { selector: "app.kubernetes.io/part-of=kubefed-bench", kinds: [{ apiVersion: "apps/v1", kind: "Deployment" }] })).length;
    }
    return out;
}

/** Sorted-key JSON, for comparing objects read back. */
function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (v && typeof v === "object") return `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(",")}}`;
    return JSON.stringify(v);
}

/** What one program sent, read back from the first member: labels, annotations (without the controller's
 *  revision) and spec of the first and last Deployment. Every program must produce the same. */
let reference: { program: string; fingerprint: string } | undefined;
async function checkSameObjects(program: string, fleet: Fleet): Promise<void> {
    const c = fleet.clusters[0];
    const parts: string[] = [];
    for (const name of [`bench-0`, `bench-${COUNT - 1}`]) {
        const obj = await getObject(fleet, c.name, "apps/v1", "Deployment", "default", name);
        if (!obj) throw new Error(`${program}: Deployment default/${name} not found in ${c.name}`);
        const { labels, annotations } = obj.metadata;
        const ann = { ...(annotations ?? {}) };
        delete ann["deployment.kubernetes.io/revision"];
        parts.push(canonical({ labels, annotations: ann, spec: obj.spec }));
    }
    const fingerprint = parts.join("\n");
    if (!reference) reference = { program, fingerprint };
    else if (reference.fingerprint !== fingerprint) {
        throw new Error(`unfair comparison: the Deployments of ${program} differ from those of ${reference.program}:\n` +
            `${reference.program}: ${reference.fingerprint}\n${program}: ${fingerprint}`);
    }
}

function resourceCount(out: string): number {
    const m = /\+\s+(\d+)\s+(?:to create|created)/.exec(out);
    return m ? Number(m[1]) : NaN;
}

async function cycle(p: Program, rep: number, order: number, fleet: Fleet, work: string, env: Record<string, string>): Promise<Run> {
    const stack = new CliStack(path.join(ROOT, p.dir), `bench-${p.id}-r${rep}-${process.pid}`, work, env);
    await stack.initForFleet(fleet, { count: COUNT, waitForReady: false, ...p.config });
    let destroyed = false;
    try {
        const times = {} as Record<Phase, number>;
        const cpu = {} as Record<Phase, number>;
        const pv = await stack.must(["preview"]);
        times.preview = pv.ms;
        cpu.preview = pv.cpuMs;
        const up = await stack.must(["up", "--yes", "--skip-preview"]);
        times.up = up.ms;
        cpu.up = up.cpuMs;
        const after = await countDeployments(fleet);
        const short = Object.entries(after).filter(([, n]) => n !== COUNT);
        if (short.length > 0) throw new Error(`${p.id}: after up expected ${COUNT} Deployments per member, found ${JSON.stringify(after)}`);
        await checkSameObjects(p.id, fleet);
        // The checkpoint as `pulumi stack export` writes it: what every engine step rewrites on file/S3 backends.
        const exported = path.join(work, `${p.id}-r${rep}-${COUNT}.state.json`);
        await stack.must(["stack", "export", "--file", exported], false);
        const stateBytes = fs.statSync(exported).size;
        const breakdown = stateBreakdown(exported);
        const down = await stack.must(["destroy", "--yes", "--skip-preview"]);
        times.destroy = down.ms;
        cpu.destroy = down.cpuMs;
        destroyed = true;
        // With skipAwait the provider does not wait for the deletion to finish (garbage collection of the
        // ReplicaSets and pods); wait here, untimed, so the next run starts from an empty fleet.
        let left = await countDeployments(fleet);
        for (const deadline = Date.now() + 120_000; Object.values(left).some(n => n !== 0) && Date.now() < deadline;) {
            await new Promise(r => setTimeout(r, 1000));
            left = await countDeployments(fleet);
        }
        if (Object.values(left).some(n => n !== 0)) throw new Error(`${p.id}: 120 s after destroy Deployments are left: ${JSON.stringify(left)}`);
        const run: Run = { program: p.id, rep, order, times, cpu, resources: resourceCount(up.out), stateBytes, breakdown };
        log(`${p.id} rep ${rep}: ${PHASES.map(ph => `${ph} ${fmt(times[ph])} s (cpu ${fmt(cpu[ph])} s)`).join(", ")}; ${run.resources} resources; state ${stateBytes} bytes`);
        return run;
    } finally {
        if (!destroyed) await stack.run(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
        await stack.remove();
    }
}

function pad(s: string, n: number, right = false): string {
    return right ? s.padStart(n) : s.padEnd(n);
}

type Metric = "times" | "cpu";
const METRIC_TITLE: Record<Metric, string> = {
    times: "wall clock (s) of each CLI call",
    cpu: "CPU time (s, user + system) of each CLI call and the processes it ran (language host, program, plugins)",
};

function table(programs: Program[], runs: Run[], metric: Metric, lines: string[]): Record<string, Record<Phase | "previewUp", number>> {
    lines.push(METRIC_TITLE[metric]);
    lines.push(`${pad("program", 18)}${pad("rep", 5)}${pad("order", 7)}${pad("resources", 11)}${PHASES.map(ph => pad(ph, 10, true)).join("")}${pad("preview+up", 12, true)}`);
    for (const r of runs) {
        const v = r[metric];
        lines.push(`${pad(r.program, 18)}${pad(String(r.rep), 5)}${pad(String(r.order), 7)}${pad(String(r.resources), 11)}` +
            `${PHASES.map(ph => pad(fmt(v[ph]), 10, true)).join("")}${pad(fmt(v.preview + v.up), 12, true)}`);
    }
    const med: Record<string, Record<Phase | "previewUp", number>> = {};
    for (const p of programs) {
        const rs = runs.filter(r => r.program === p.id);
        const m = {} as Record<Phase | "previewUp", number>;
        for (const ph of PHASES) m[ph] = median(rs.map(r => r[metric][ph]));
        m.previewUp = median(rs.map(r => r[metric].preview + r[metric].up));
        med[p.id] = m;
        lines.push(`${pad(`median ${p.id}`, 41)}${PHASES.map(ph => pad(fmt(m[ph]), 10, true)).join("")}${pad(fmt(m.previewUp), 12, true)}   ${p.note}`);
    }
    if (med.baseline) {
        for (const p of programs.filter(x => x.id !== "baseline")) {
            const cells = [...PHASES, "previewUp" as const].map(ph => pad((med[p.id][ph] / med.baseline[ph]).toFixed(2), ph === "previewUp" ? 12 : 10, true));
            lines.push(`${pad(`ratio ${p.id} / baseline`, 41)}${cells.join("")}`);
        }
    }
    lines.push("");
    return med;
}

function report(programs: Program[], runs: Run[], fleet: Fleet, wallMs: number): string {
    const lines: string[] = [];
    lines.push(`pulumi-kubefed e2e benchmark: ${COUNT} Deployments × ${fleet.clusters.length} clusters (${COUNT * fleet.clusters.length} objects), ` +
        `${REPS} repetition(s), waitForReady false in both programs`);
    lines.push(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load avg now ${os.loadavg().map(l => l.toFixed(2)).join(" ")}; ` +
        `fleet ${fleet.reused ? "reused" : "started"} in ${fleet.dir}; total wall ${fmt(wallMs)} s`);
    lines.push("");
    const wall = table(programs, runs, "times", lines);
    const cpu = table(programs, runs, "cpu", lines);
    lines.push("state after up (bytes of `pulumi stack export`), per federated object");
    const state: Record<string, number> = {};
    for (const p of programs) {
        state[p.id] = median(runs.filter(r => r.program === p.id).map(r => r.stateBytes));
        lines.push(`${pad(p.id, 18)}${pad(String(state[p.id]), 12, true)}${pad((state[p.id] / COUNT).toFixed(0), 10, true)} per object` +
            `${state.baseline ? `   ratio ${(state[p.id] / state.baseline).toFixed(2)}` : ""}`);
    }
    lines.push("");
    lines.push("state by resource type, bytes per federated object (first repetition): type ×count bytes [largest fields]");
    for (const p of programs) {
        const b = runs.find(r => r.program === p.id)?.breakdown;
        if (!b) continue;
        lines.push(p.id);
        for (const [type, t] of Object.entries(b.byType).sort((x, y) => y[1].bytes - x[1].bytes)) {
            const fields = Object.entries(b.byField[type] ?? {}).sort((x, y) => y[1] - x[1]).slice(0, 5)
                .map(([k, n]) => `${k} ${(n / COUNT).toFixed(0)}`).join(", ");
            lines.push(`  ${pad(type, 46)}${pad(`×${t.count}`, 7, true)}${pad((t.bytes / COUNT).toFixed(0), 9, true)}   [${fields}]`);
        }
    }
    lines.push("");
    const verdict = (r: number, target: number) => `${r.toFixed(2)} (target ≤ ${target.toFixed(2)}: ${r <= target ? "met" : "NOT met"})`;
    // issue 23's targets
    if (wall.baseline && wall.kubefed) {
        lines.push(`status+health off / baseline, preview + up: wall ${verdict(wall.kubefed.previewUp / wall.baseline.previewUp, 1.20)}, ` +
            `CPU ${(cpu.kubefed.previewUp / cpu.baseline.previewUp).toFixed(2)}`);
        lines.push(`status+health off / baseline, state per object: ${verdict(state.kubefed / state.baseline, 1.10)}`);
    }
    if (wall.baseline && wall["kubefed-defaults"]) {
        lines.push(`defaults / baseline, preview + up:          wall ${verdict(wall["kubefed-defaults"].previewUp / wall.baseline.previewUp, 1.25)}, ` +
            `CPU ${(cpu["kubefed-defaults"].previewUp / cpu.baseline.previewUp).toFixed(2)}`);
    }
    return lines.join("\n");
}

async function main(): Promise<void> {
    const t0 = Date.now();
    checkTemplates();
    const tc = toolchain();
    if ("missing" in tc) throw new Error(`test-bed toolchain not usable: ${tc.missing}`);
    // The fleet module looks for the toolchain through these variables too.
    Object.assign(process.env, tc.env);
    const wanted = (process.env.BENCH_PROGRAMS ?? "baseline,kubefed,kubefed-defaults").split(",").map(s => s.trim()).filter(Boolean);
    const programs = PROGRAMS.filter(p => wanted.includes(p.id));
    const unknown = wanted.filter(w => !PROGRAMS.some(p => p.id === w));
    if (unknown.length > 0 || programs.length === 0) throw new Error(`BENCH_PROGRAMS: unknown ${unknown.join(", ")} (known: ${PROGRAMS.map(p => p.id).join(", ")})`);

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-bench-e2e-"));
    log(`work dir ${work} (stack state, config and CLI logs)`);
    const fleetDir = process.env.BENCH_FLEET_DIR;
    log(fleetDir ? `reusing the fleet in ${fleetDir}` : "starting a fleet of 3 clusters");
    const fleet = await startOrReuseFleet(fleetDir, 3, "kubefed-bench-fleet-");
    let stopping = false;
    let ok = false;
    const stop = async () => {
        if (stopping) return;
        stopping = true;
        await fleet.stop().catch(e => log(`stopping the fleet: ${e.message}`));
        if (ok && process.env.BENCH_KEEP !== "1") fs.rmSync(work, { recursive: true, force: true });
        else log(`kept ${work} (CLI logs: *.log)`);
    };
    process.once("SIGINT", () => { void stop().then(() => process.exit(130)); });
    process.once("SIGTERM", () => { void stop().then(() => process.exit(143)); });
    try {
        log(`fleet ${fleet.clusters.map(c => c.name).join(", ")} in ${fleet.dir}`);
        const leftovers = await countDeployments(fleet);
        if (Object.values(leftovers).some(n => n > 0)) throw new Error(`the fleet already holds bench Deployments: ${JSON.stringify(leftovers)}`);
        if (process.env.BENCH_WARMUP !== "0") {
            // Untimed: fills the page cache and ts-node's caches, and starts the plugins once.
            for (const dir of [...new Set(programs.map(p => p.dir))]) {
                const p = programs.find(x => x.dir === dir)!;
                const s = new CliStack(path.join(ROOT, dir), `bench-warmup-${process.pid}`, work, tc.env);
                await s.init({ kubeconfig: fleet.kubeconfig, clusters: fleet.clusters, count: COUNT, waitForReady: false, ...p.config }, ["kubeconfig"]);
                try {
                    log(`warm-up preview of ${dir}`);
                    await s.must(["preview"]);
                } finally {
                    await s.remove();
                }
            }
        }
        const all: Record<number, Run[]> = {};
        const texts: string[] = [];
        for (const n of COUNTS) {
            COUNT = n;
            reference = undefined;
            const runs: Run[] = [];
            for (let rep = 1; rep <= REPS; rep++) {
                const order = rep % 2 === 1 ? programs : [...programs].reverse();
                let i = 0;
                for (const p of order) runs.push(await cycle(p, rep, ++i, fleet, work, tc.env));
            }
            all[n] = runs;
            const text = report(programs, runs, fleet, Date.now() - t0);
            texts.push(text);
            process.stdout.write(`\n${text}\n`);
        }
        if (COUNTS.length > 1) process.stdout.write(`\n(${COUNTS.length} sizes: ${COUNTS.join(", ")} federated Deployments; tables above)\n`);
        if (process.env.BENCH_JSON) {
            fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ counts: COUNTS, reps: REPS, clusters: fleet.clusters.map(c => c.name), runs: all }, null, 2));
        }
        ok = true;
    } finally {
        await stop();
    }
}

main().catch((e) => {
    process.stderr.write(`bench:e2e failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
});
