/**
 * `npm run bench:scale`: one stack against sharded stacks run by the driver (`runShards`, src/cli/shards.ts), side
 * by side in one run, on the same local fleet: examples/bench-kubefed with COUNT federated Deployments placed in
 * every one of CLUSTERS members (`waitForReady: false`, status and health on as by default).
 *
 *   baseline  examples/bench-baseline, the hand-written one-provider-per-member program, in one stack (the same
 *             Deployments, written without the library): `pulumi preview`, then `pulumi up --skip-preview`
 *   single    the library in one stack: the same two commands
 *   sharded   SHARDS cluster shards (the members split round-robin), run by the driver with CONCURRENCY at once: it
 *             previews every shard, compares their decisions, then runs `pulumi up --skip-preview` in each
 *   workload  SHARDS workload shards over every member (`{"hash": {"of": SHARDS, "buckets": [i]}}`), run the same way
 *
 * After each sharded up, every stack's state is read: every FederatedResource component a shard registered must have
 * a member object in it (cluster shards carry only what they hold), and workload shards must register each of the
 * COUNT components exactly once in all. The Deployments every program leaves in the members are read back and must
 * be identical across programs (labels, annotations, spec). Ratios are printed against the baseline (`preview` + `up`
 * wall and CPU), with the issue-23 target: workload shards ≥ 2× faster than the baseline.
 *
 * The size of issue 23 that fits a 2-core machine:
 * `SCALE_CLUSTERS=3 SCALE_COUNT=400 SCALE_SHARDS=4 SCALE_CONCURRENCY=2 SCALE_PROGRAMS=baseline,single,workload SCALE_LIGHT_FLEET=1 npm run bench:scale`
 *
 * Printed per program: preview and up wall time and CPU time (of every process the CLI started: language host,
 * program, plugins; the API servers are not in it), state bytes after up (`pulumi stack export`; for shards the sum and
 * the largest), and the program's own peak memory (maxRSS of the Node process running the program, written by the
 * program itself; for shards the largest). The ratio single / sharded of up wall time is the headline (target ≥ 3),
 * and neither program may peak above 2 GB. After each up, every member must hold the COUNT Deployments; after destroy,
 * none.
 *
 * Environment: SCALE_CLUSTERS (default 10), SCALE_COUNT (default 1000), SCALE_SHARDS (default: one per cluster),
 * SCALE_CONCURRENCY (default: every shard at once), SCALE_PROGRAMS ("single,sharded"), SCALE_FLEET_DIR (reuse a running
 * fleet started with testbed/fleet.js), SCALE_LIGHT_FLEET=1 (start API servers only: no kwok nodes, no controllers; the
 * objects are the same, nothing schedules pods), SCALE_DESTROY=0 (no timed destroy: the bench Deployments are deleted
 * from the members directly and the stacks removed; destroy is then reported as 0 CPU), BENCH_JSON (write the raw results there), BENCH_KEEP=1 (keep the temp
 * dir with every CLI log). No assertion on times: exits 0 when every run succeeded, 1 on errors.
 *
 * Run: `npm run bench:scale` (after `bash testbed/setup.sh`), e.g.
 * `SCALE_CLUSTERS=4 SCALE_COUNT=100 SCALE_LIGHT_FLEET=1 npm run bench:scale`.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ShardsSpec, runShards } from "../src/cli/shards";
import { CliStack, Fleet, ROOT, childrenCpuMs, listManagedObjects, member, startOrReuseFleet, toolchain } from "../test/support";

const CLUSTERS = Math.max(1, Number(process.env.SCALE_CLUSTERS ?? 10));
const COUNT = Math.max(1, Number(process.env.SCALE_COUNT ?? 1000));
const SHARDS = Math.max(1, Number(process.env.SCALE_SHARDS ?? CLUSTERS));
const CONCURRENCY = Math.max(1, Number(process.env.SCALE_CONCURRENCY ?? SHARDS));
const PROGRAMS = (process.env.SCALE_PROGRAMS ?? "single,sharded").split(",").map(s => s.trim());
const PROJECT = path.join(ROOT, "examples", "bench-kubefed");
const BASELINE = path.join(ROOT, "examples", "bench-baseline");
const PART_OF = "app.kubernetes.io/part-of=kubefed-bench";

interface Measure { wallMs: number; cpuMs: number }
interface Result {
    program: string; stacks: number; preview: Measure; up: Measure; destroy: Measure;
    stateBytes: number; stateBytesMax: number; peakRssMb: number; peakRssSumMb: number;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function log(msg: string): void {
    process.stderr.write(`[bench:scale ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; m: Measure }> {
    const t0 = Date.now();
    const c0 = childrenCpuMs();
    const value = await f();
    return { value, m: { wallMs: Date.now() - t0, cpuMs: childrenCpuMs() - c0 } };
}

async function checkMembers(fleet: Fleet, want: number): Promise<void> {
    for (const c of fleet.clusters) {
        const found = (await listManagedObjects(fleet, c.name, { selector: PART_OF, kinds: [{ apiVersion: "apps/v1", kind: "Deployment" }] })).length;
        if (found !== want) throw new Error(`${c.name} holds ${found} bench Deployments, expected ${want}`);
    }
}

/**
 * Without controllers (SCALE_LIGHT_FLEET) no garbage collector runs, so a Deployment that Pulumi deleted with its
 * default foreground propagation keeps its `foregroundDeletion` finalizer and stays, terminating, forever (the
 * provider does not wait, the objects skip await). Remove that finalizer, as the garbage collector would once the
 * (absent) dependents are gone.
 */
async function finishDeletions(fleet: Fleet): Promise<void> {
    for (const c of fleet.clusters) {
        const client = member(fleet, c.name);
        const res = await client.request("GET", `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(PART_OF)}`);
        for (const it of ((res.body as { items?: { metadata: { name: string; namespace: string; deletionTimestamp?: string } }[] })?.items ?? [])) {
            if (!it.metadata.deletionTimestamp) continue;
            await client.request("PATCH", `/apis/apps/v1/namespaces/${it.metadata.namespace}/deployments/${it.metadata.name}`,
                { metadata: { finalizers: null } }, { contentType: "application/merge-patch+json" });
        }
    }
}

/**
 * SCALE_DESTROY=0: instead of `pulumi destroy` (as slow as an `up`, and not what the bench compares), delete the bench
 * Deployments from the members directly and remove the stack with its state; the next program starts from empty
 * members all the same (checked).
 */
const DESTROY = process.env.SCALE_DESTROY !== "0";
async function wipeMembers(fleet: Fleet): Promise<Measure> {
    const t0 = Date.now();
    for (const c of fleet.clusters) {
        const client = member(fleet, c.name);
        const res = await client.request("GET", `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(PART_OF)}`);
        const namespaces = new Set(((res.body as { items?: { metadata: { namespace: string } }[] })?.items ?? []).map(it => it.metadata.namespace));
        for (const ns of [...namespaces].sort()) {
            await client.request("DELETE", `/apis/apps/v1/namespaces/${ns}/deployments?labelSelector=${encodeURIComponent(PART_OF)}`);
        }
    }
    await finishDeletions(fleet);
    return { wallMs: Date.now() - t0, cpuMs: 0 };
}

/** Sorted-key JSON, for comparing objects read back. */
function canonicalJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
    if (v && typeof v === "object") return `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
    return JSON.stringify(v);
}

/** A digest of every bench Deployment in every member as read back (name, labels, annotations but the controller's
 *  revision, spec): every program must leave the very same objects. */
let reference: { program: string; digest: string } | undefined;
async function checkSameObjects(program: string, fleet: Fleet): Promise<void> {
    const h = createHash("sha256");
    for (const c of fleet.clusters) {
        const res = await member(fleet, c.name).request("GET", `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(PART_OF)}`);
        const items = ((res.body as { items?: { metadata: { name: string; namespace: string; labels?: unknown; annotations?: Record<string, string> }; spec: unknown }[] })?.items ?? [])
            .map(it => {
                const ann = { ...(it.metadata.annotations ?? {}) };
                delete ann["deployment.kubernetes.io/revision"];
                return canonicalJson({ cluster: c.name, name: `${it.metadata.namespace}/${it.metadata.name}`, labels: it.metadata.labels, annotations: ann, spec: it.spec });
            }).sort();
        for (const i of items) h.update(`${i}\n`);
    }
    const digest = h.digest("hex");
    if (!reference) {
        reference = { program, digest };
        log(`${program}: members read back (sha256 ${digest.slice(0, 12)}): the reference for the other programs`);
        return;
    }
    if (reference.digest !== digest) throw new Error(`the Deployments ${program} left in the members differ from those of ${reference.program}: the comparison would not be fair`);
    log(`${program}: members read back identical to ${reference.program} (sha256 ${digest.slice(0, 12)})`);
}

/** Every FederatedResource component registered in a shard's state has a member object there; returns how many. */
function checkShardHolds(shard: string, state: string): number {
    const res = ((JSON.parse(state) as { deployment?: { resources?: { urn: string; type: string; parent?: string }[] } }).deployment?.resources) ?? [];
    const comps = res.filter(r => r.type === "pulumi-kubefed:index:FederatedResource").map(r => r.urn);
    const withObject = new Set(res.filter(r => r.type.startsWith("kubernetes:") && r.parent).map(r => r.parent!));
    const empty = comps.filter(u => !withObject.has(u));
    if (empty.length > 0) throw new Error(`shard ${shard} registered ${empty.length} FederatedResource components with no member object in it, e.g. ${empty[0]}`);
    return comps.length;
}

/** Peak RSS (MB) of the program runs recorded in `dir` for `stacks` during up (not preview). */
function peakRss(dir: string, stacks: string[]): { max: number; sum: number } {
    let max = 0;
    let sum = 0;
    for (const s of stacks) {
        const f = path.join(dir, `${s}.jsonl`);
        if (!fs.existsSync(f)) continue;
        const peak = Math.max(0, ...fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map(l => JSON.parse(l).maxRssKb / 1024));
        max = Math.max(max, peak);
        sum += peak;
    }
    return { max, sum };
}

async function stateOf(st: CliStack): Promise<string> {
    const r = await st.must(["stack", "export"], false);
    return r.out.slice(r.out.indexOf("{"));
}

async function stateBytes(st: CliStack): Promise<number> {
    return Buffer.byteLength(await stateOf(st));
}

async function main(): Promise<number> {
    const tc = toolchain();
    if ("missing" in tc) {
        log(`test bed missing (${tc.missing}): run bash testbed/setup.sh`);
        return 1;
    }
    if (tc.env.PULUMI_KUBEFED_TOOLS) process.env.PULUMI_KUBEFED_TOOLS = tc.env.PULUMI_KUBEFED_TOOLS;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-bench-scale-"));
    const memDir = path.join(work, "memory");
    fs.mkdirSync(memDir);
    const env: Record<string, string> = { ...tc.env, BENCH_MEMORY_DIR: memDir, KUBECONFIG: path.join(work, "no-ambient-kubeconfig") };
    const light = process.env.SCALE_LIGHT_FLEET === "1";
    if (!process.env.SCALE_FLEET_DIR) log(`starting ${CLUSTERS} members${light ? " (API servers only)" : ""}`);
    const fleet = await startOrReuseFleet(process.env.SCALE_FLEET_DIR, CLUSTERS, "", {
        dir: path.join(work, "fleet"), ...(light ? { kwok: false, controllers: false } : {}),
    });
    const members = fleet.clusters.slice(0, CLUSTERS);
    const config = { kubeconfig: fleet.kubeconfig, clusters: members, count: COUNT, waitForReady: false };
    log(`${COUNT} federated Deployments × ${members.length} members = ${COUNT * members.length} member objects; ${SHARDS} shards, ${CONCURRENCY} at once; work dir ${work}`);
    const results: Result[] = [];
    let failed = false;
    try {
        await checkMembers({ ...fleet, clusters: members }, 0);
        for (const program of PROGRAMS) {
            if (program === "single" || program === "baseline") {
                const st = new CliStack(program === "baseline" ? BASELINE : PROJECT, `scale-${program}`, work, env);
                await st.init(config, ["kubeconfig"]);
                log(`${program}: preview`);
                const preview = await timed(() => st.must(["preview"]));
                log(`${program}: up (preview ${fmt(preview.m.wallMs)})`);
                const up = await timed(() => st.must(["up", "--yes", "--skip-preview"]));
                log(`${program}: up ${fmt(up.m.wallMs)}`);
                await checkMembers({ ...fleet, clusters: members }, COUNT);
                await checkSameObjects(program, { ...fleet, clusters: members });
                const bytes = await stateBytes(st);
                const rss = peakRss(memDir, [st.name]);
                const destroy = DESTROY ? (await timed(() => st.must(["destroy", "--yes", "--skip-preview"]))).m : await wipeMembers({ ...fleet, clusters: members });
                await finishDeletions({ ...fleet, clusters: members });
                await checkMembers({ ...fleet, clusters: members }, 0);
                await st.remove();
                results.push({ program, stacks: 1, preview: preview.m, up: up.m, destroy, stateBytes: bytes, stateBytesMax: bytes,
                    peakRssMb: rss.max, peakRssSumMb: rss.sum });
            } else if (program === "sharded" || program === "workload") {
                const layout: Record<string, string[]> = {};
                if (program === "sharded") members.forEach((m, i) => { (layout[`s${i % Math.min(SHARDS, members.length)}`] ??= []).push(m.name); });
                else for (let i = 0; i < SHARDS; i++) layout[`w${i}`] = [];
                const stacks: Record<string, CliStack> = {};
                for (const s of Object.keys(layout)) {
                    stacks[s] = new CliStack(PROJECT, `scale-${s}`, work, env);
                    await stacks[s].init(config, ["kubeconfig"]);
                }
                const spec: ShardsSpec = {
                    project: PROJECT, concurrency: CONCURRENCY,
                    shards: Object.entries(layout).map(([name, clusters], i) => ({ name, clusters, stack: stacks[name].name,
                        ...(program === "workload" ? { select: { hash: { of: SHARDS, buckets: [i] } } } : {}),
                        pulumiArgs: ["--config-file", stacks[name].configFile] })),
                };
                const anyEnv = stacks[Object.keys(layout)[0]].env;
                const t0 = Date.now();
                const c0 = childrenCpuMs();
                let upStart: { t: number; c: number } | undefined;
                log(`${program}: driver up (${spec.shards.length} shards, ${CONCURRENCY} at once)`);
                const r = await runShards("up", spec, { env: anyEnv, logDir: path.join(work, "shard-logs"), onEvent: (e) => {
                    if (e.step === "up" && e.state === "start" && !upStart) upStart = { t: Date.now(), c: childrenCpuMs() };
                    if (e.state === "done" && e.step !== "config") log(`  ${e.shard} ${e.step} ${e.result?.ok ? "ok" : "FAILED"} ${fmt(e.result?.ms ?? 0)}`);
                } });
                const end = { t: Date.now(), c: childrenCpuMs() };
                if (!r.ok || !upStart) throw new Error(`the driver failed: ${r.errors.join("; ")} ${r.shards.map(s => `${s.shard}: ${s.up?.tail ?? s.preview?.tail ?? s.skipped ?? ""}`).join("\n")}`);
                await checkMembers({ ...fleet, clusters: members }, COUNT);
                await checkSameObjects(program, { ...fleet, clusters: members });
                let bytes = 0;
                let bytesMax = 0;
                let components = 0;
                for (const [name, st] of Object.entries(stacks)) {
                    const state = await stateOf(st);
                    components += checkShardHolds(name, state);
                    const b = Buffer.byteLength(state);
                    bytes += b;
                    bytesMax = Math.max(bytesMax, b);
                }
                log(`${program}: every component a shard registered has a member object there; ${components} components in all`);
                if (program === "workload" && components !== COUNT) throw new Error(`workload shards registered ${components} FederatedResource components in all, expected each of the ${COUNT} once`);
                const rss = peakRss(memDir, Object.values(stacks).map(s => s.name));
                let destroy: Measure;
                if (DESTROY) {
                    const d = await timed(() => runShards("destroy", spec, { env: anyEnv, logDir: path.join(work, "shard-logs") }));
                    if (!d.value.ok) throw new Error("the driver's destroy failed");
                    destroy = d.m;
                } else {
                    destroy = await wipeMembers({ ...fleet, clusters: members });
                }
                await finishDeletions({ ...fleet, clusters: members });
                await checkMembers({ ...fleet, clusters: members }, 0);
                for (const st of Object.values(stacks)) await st.remove();
                results.push({ program, stacks: spec.shards.length,
                    preview: { wallMs: upStart.t - t0, cpuMs: upStart.c - c0 }, up: { wallMs: end.t - upStart.t, cpuMs: end.c - upStart.c },
                    destroy, stateBytes: bytes, stateBytesMax: bytesMax, peakRssMb: rss.max, peakRssSumMb: rss.sum });
            } else {
                throw new Error(`unknown program ${program} in SCALE_PROGRAMS (baseline, single, sharded, workload)`);
            }
        }
    } catch (e) {
        failed = true;
        log(`error: ${(e as Error).message}`);
    } finally {
        await fleet.stop();
        if (!process.env.BENCH_KEEP && !failed) fs.rmSync(work, { recursive: true, force: true });
    }
    print(results, members.length);
    if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ clusters: members.length, count: COUNT, shards: SHARDS, concurrency: CONCURRENCY, results }, null, 2));
    return failed ? 1 : 0;
}

function print(results: Result[], clusters: number): void {
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
    const rows = [["program", "stacks", "preview wall", "preview CPU", "up wall", "up CPU", "destroy wall", "state bytes (sum / largest)", "peak program RSS (largest / sum)"]];
    for (const r of results) {
        rows.push([r.program, String(r.stacks), fmt(r.preview.wallMs), fmt(r.preview.cpuMs), fmt(r.up.wallMs), fmt(r.up.cpuMs), fmt(r.destroy.wallMs),
            `${mb(r.stateBytes)} / ${mb(r.stateBytesMax)}`, `${r.peakRssMb.toFixed(0)} MB / ${r.peakRssSumMb.toFixed(0)} MB`]);
    }
    const w = rows[0].map((_, i) => Math.max(...rows.map(x => x[i].length)));
    process.stdout.write(`\nbench:scale: ${COUNT} federated Deployments × ${clusters} members, ${SHARDS} shards (${CONCURRENCY} at once), ${os.cpus().length} CPUs\n`);
    process.stdout.write(rows.map(x => x.map((c, i) => c.padEnd(w[i])).join("  ")).join("\n") + "\n");
    const baseline = results.find(r => r.program === "baseline");
    if (baseline) {
        const both = (r: Result, k: "wallMs" | "cpuMs") => r.preview[k] + r.up[k];
        for (const r of results.filter(x => x !== baseline)) {
            const wall = both(baseline, "wallMs") / both(r, "wallMs");
            const cpu = both(baseline, "cpuMs") / both(r, "cpuMs");
            process.stdout.write(`baseline / ${r.program} (preview + up): wall ${wall.toFixed(2)}×, CPU ${cpu.toFixed(2)}×` +
                (r.program === "workload" ? ` (target ≥ 2× wall: ${wall >= 2 ? "met" : "not met"})` : "") + "\n");
        }
    }
    const single = results.find(r => r.program === "single");
    const sharded = results.find(r => r.program === "sharded");
    if (single && sharded) {
        const ratio = single.up.wallMs / sharded.up.wallMs;
        const both = (single.preview.wallMs + single.up.wallMs) / (sharded.preview.wallMs + sharded.up.wallMs);
        process.stdout.write(`up wall single / sharded: ${ratio.toFixed(2)} (target ≥ 3: ${ratio >= 3 ? "met" : "not met"}); ` +
            `preview + up: ${both.toFixed(2)}; up CPU: ${(single.up.cpuMs / sharded.up.cpuMs).toFixed(2)}\n`);
    }
    // the hand-written program does not record its memory (only examples/bench-kubefed writes BENCH_MEMORY_DIR)
    for (const r of results.filter(x => x.program !== "baseline")) {
        process.stdout.write(`${r.program}: peak program memory ${r.peakRssMb.toFixed(0)} MB (limit 2048 MB: ${r.peakRssMb <= 2048 ? "met" : "not met"})\n`);
    }
}

main().then(code => { process.exitCode = code; }, (e) => { log(`error: ${(e as Error).stack}`); process.exitCode = 1; });
