/**
 * `pulumi-kubefed shards preview|up|destroy|check|init|operator`: runs the shards of a sharded program
 * (docs/sharding.md) as separate stacks, in parallel with bounded concurrency.
 *
 * `up` previews every shard first; each program writes its shard record and full decision to the file named by
 * `PULUMI_KUBEFED_DECISION_FILE` (src/components/shard.ts). When two shards computed different decisions the driver
 * refuses to update any shard and names both shards and the first difference. Only then are the shards updated
 * (the Automation API's `up`, which skips the preview), each in its own stack: a failing shard leaves the others'
 * state alone. `--fail-fast` stops starting shards after the first failure; by default the others carry on.
 * Config, preview, up and destroy run through the Automation API (`@pulumi/pulumi/automation`, loaded on demand);
 * `check` reads stack outputs with the CLI (`pulumi stack output`).
 *
 * Over 350 lines on purpose: the driver's steps (spec, previews, the digest check, updates, the report) share one
 * run's state and read in order; the arguments and the command text are in shardsCommand.ts, the rules in src/core.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { DECISION_FILE_ENV, ShardLayout, WorkloadSelector, describeShard, layoutOfShards, validateShardLayout } from "../core/shard";
import { NormalizedDecision, ShardMismatch, ShardRecord, compareShardDecisions } from "../core/shardDecisions";

/** One shard of a spec. */
export interface ShardSpec {
    /** The shard's name (`pulumi-kubefed:shard`). */
    name: string;
    /** The member clusters whose objects this shard's stack emits (empty for a workload shard over every member). */
    clusters: string[];
    /** A workload shard: which federated objects it holds (docs/sharding.md). */
    select?: WorkloadSelector;
    /** The stack (default: `<stackPrefix><name>`). */
    stack: string;
    /** Extra arguments for every pulumi command of this shard (e.g. `--config-file F`). */
    pulumiArgs: string[];
}

/** What the driver runs: a project directory and its shards. */
export interface ShardsSpec {
    /** The Pulumi project directory. */
    project: string;
    shards: ShardSpec[];
    /** Shards run at once (default: every shard). */
    concurrency: number;
    /** Operator settings for `shards operator` (see src/cli/operator.ts). */
    operator?: Record<string, unknown>;
}

/** The layout every shard's stack config carries as `pulumi-kubefed:shards` (a cluster shard stays a plain list). */
export function layoutOf(spec: Pick<ShardsSpec, "shards">): ShardLayout {
    return layoutOfShards(spec.shards);
}

/** What a shard holds, for reports: `c1, c2` or `every cluster; namespaces shop`. */
export function shardDescription(s: Pick<ShardSpec, "clusters" | "select">): string {
    return describeShard(s.select ? { ...(s.clusters.length ? { clusters: s.clusters } : {}), ...s.select } : s.clusters);
}

/**
 * Reads a spec (YAML or JSON):
 *
 * ```yaml
 * project: .                 # Pulumi project directory, relative to this file (default: the file's directory)
 * stackPrefix: dev-          # stack of shard s: <stackPrefix><s>, unless the shard names its stack
 * concurrency: 4             # default: every shard at once
 * shards:
 *   east: [c1]
 *   rest: { clusters: [c2, c3], stack: org/project/dev-rest, pulumiArgs: ["--config-file", "rest.yaml"] }
 * ```
 * or, shards by workload (each over every member unless it names `clusters`):
 * ```yaml
 * shards:
 *   shop: { namespaces: [shop] }
 *   teams: { labels: { team: [payments, search] } }
 *   b0: { hash: { of: 2, buckets: [0] } }
 * ```
 * Throws one error listing every problem of the layout (a cluster in two shards, an empty shard, bad names).
 */
export function parseShardsSpec(text: string, file: string): ShardsSpec {
    let raw: unknown;
    try {
        raw = YAML.parse(text);
    } catch (e) {
        throw new Error(`${file}: not YAML or JSON: ${(e as Error).message}`);
    }
    const r = (raw ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    const shardsRaw = r.shards;
    const layout: Record<string, unknown> = {};
    const shards: ShardSpec[] = [];
    const prefix = typeof r.stackPrefix === "string" ? r.stackPrefix : "";
    if (r.stackPrefix !== undefined && typeof r.stackPrefix !== "string") problems.push("stackPrefix: must be a string");
    if (shardsRaw && typeof shardsRaw === "object" && !Array.isArray(shardsRaw)) {
        for (const [name, v] of Object.entries(shardsRaw as Record<string, unknown>)) {
            const entry = Array.isArray(v) ? { clusters: v } : (v ?? {}) as Record<string, unknown>;
            const select: WorkloadSelector = {};
            for (const k of ["namespaces", "labels", "hash"] as const) if (entry[k] !== undefined) (select as Record<string, unknown>)[k] = entry[k];
            const workload = Object.keys(select).length > 0;
            for (const k of Object.keys(entry)) {
                if (!["clusters", "namespaces", "labels", "hash", "stack", "pulumiArgs"].includes(k)) problems.push(`shards.${name}.${k}: is not a shard setting (clusters, namespaces, labels, hash, stack, pulumiArgs)`);
            }
            layout[name] = workload ? { ...(entry.clusters !== undefined ? { clusters: entry.clusters } : {}), ...select } : entry.clusters;
            if (entry.stack !== undefined && (typeof entry.stack !== "string" || !entry.stack)) problems.push(`shards.${name}.stack: must be a stack name`);
            const pa = entry.pulumiArgs ?? [];
            if (!Array.isArray(pa) || pa.some(x => typeof x !== "string")) problems.push(`shards.${name}.pulumiArgs: must be a list of strings`);
            shards.push({ name, clusters: Array.isArray(entry.clusters) ? (entry.clusters as string[]) : [], ...(workload ? { select } : {}),
                stack: typeof entry.stack === "string" ? entry.stack : `${prefix}${name}`, pulumiArgs: Array.isArray(pa) ? pa as string[] : [] });
        }
    }
    for (const i of validateShardLayout(shardsRaw === undefined ? undefined : layout)) problems.push(`${i.field}: ${i.message}`);
    const stacks = new Map<string, string>();
    for (const s of shards) {
        const prev = stacks.get(s.stack);
        if (prev) problems.push(`shards.${s.name}.stack: "${s.stack}" is also the stack of shard "${prev}"; every shard needs its own stack`);
        stacks.set(s.stack, s.name);
    }
    const concurrency = r.concurrency === undefined ? shards.length : Number(r.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) problems.push("concurrency: must be a positive integer");
    if (problems.length) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
    const dir = path.dirname(path.resolve(file));
    return {
        project: path.resolve(dir, typeof r.project === "string" ? r.project : "."),
        shards: shards.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        concurrency,
        ...(r.operator && typeof r.operator === "object" ? { operator: r.operator as Record<string, unknown> } : {}),
    };
}

/** Why a shard record cannot be compared (undefined when it can): two records without a digest must not compare
 *  equal, so a missing digest is an error naming the shard. */
export function recordProblem(rec: unknown, shard: string, stack: string): string | undefined {
    const r = rec as Partial<ShardRecord> | null;
    if (!r || typeof r !== "object" || Array.isArray(r)) return `shard "${shard}" (stack ${stack}): its shard record is not an object`;
    if (typeof r.digest !== "string" || !r.digest) {
        return `shard "${shard}" (stack ${stack}): its shard record has no digest, so its decision cannot be compared; run up with this version of pulumi-kubefed`;
    }
    return undefined;
}

/** How one pulumi command of one shard went. */
export interface StepResult {
    ok: boolean;
    code: number;
    ms: number;
    /** The `Resources:` summary of the command's output (e.g. `+ 12 to create`). */
    summary: string;
    /** The last lines of the output when it failed. */
    tail?: string;
    log: string;
}

/** One shard's report. */
export interface ShardReport {
    shard: string;
    stack: string;
    clusters: string[];
    /** For a workload shard: what it holds (`every cluster; namespaces shop`). */
    holds?: string;
    preview?: StepResult;
    up?: StepResult;
    destroy?: StepResult;
    record?: ShardRecord;
    /** Not run: why (fail-fast, a decision mismatch, a failed preview). */
    skipped?: string;
    /** Set when the digest recorded by `up` differs from the preview's (inputs changed in between). */
    warning?: string;
}

/** The driver's result. */
export interface ShardsResult {
    command: "preview" | "up" | "destroy";
    shards: ShardReport[];
    mismatch?: ShardMismatch;
    /** Problems that are not one shard's (e.g. a shard that wrote no decision). */
    errors: string[];
    ok: boolean;
}

/** Options of {@link runShards}. */
export interface RunShardsOptions {
    failFast?: boolean;
    /** Overrides the spec's concurrency. */
    concurrency?: number;
    /** Environment of every pulumi command, on top of this process's. */
    env?: NodeJS.ProcessEnv;
    /** Where each shard's output is logged (default: a new temp dir). */
    logDir?: string;
    /** The pulumi executable, `<dir>/bin/pulumi` (default: `PULUMI_COMMAND`, else `pulumi` from PATH). */
    pulumi?: string;
    /** Called when a shard's step starts or ends (progress). */
    onEvent?: (e: { shard: string; step: string; state: "start" | "done"; result?: StepResult }) => void;
}

/** One pulumi command of a shard's stack: a config value, a preview, an update or a destroy. */
type ShardOp = { kind: "config"; key: string; value: string } | { kind: "preview" | "up" | "destroy" };

/** Runs `op` on the shard's stack through the Automation API (`pulumi` from `bin`, PULUMI_COMMAND or PATH) and logs
 *  its output to `o.log`. Never throws. */
async function runOp(s: ShardSpec, op: ShardOp, o: { cwd: string; env: NodeJS.ProcessEnv; log: string; bin?: string }): Promise<StepResult> {
    const t0 = Date.now();
    const { openStack, commandFailure } = await import("./automation");
    let code = 0;
    let out = "";
    try {
        const stack = await openStack({ workDir: o.cwd, stackName: s.stack, env: o.env, extraArgs: s.pulumiArgs, pulumi: o.bin });
        if (op.kind === "config") await stack.setConfig(op.key, { value: op.value });
        else {
            const r = op.kind === "preview" ? await stack.preview() : op.kind === "up" ? await stack.up() : await stack.destroy();
            out = `${r.stdout}${r.stderr}`;
        }
    } catch (e) {
        const f = commandFailure(e);
        code = f ? f.code : -1;
        out = f ? `${f.stdout}${f.stderr}` : `cannot run pulumi: ${(e as Error).message}`;
    }
    const what = op.kind === "config" ? `config set ${op.key}` : op.kind;
    fs.appendFileSync(o.log, `\n$ pulumi ${what} --stack ${s.stack}${s.pulumiArgs.length ? ` ${s.pulumiArgs.join(" ")}` : ""}   (exit ${code})\n${out}`);
    const ok = code === 0;
    return { ok, code, ms: Date.now() - t0, summary: resourceSummary(out), log: o.log,
        ...(ok ? {} : { tail: out.trimEnd().split("\n").slice(-25).join("\n") }) };
}

/** `+ 3 to create, ~ 1 to update` from the `Resources:` block of pulumi's output. */
export function resourceSummary(out: string): string {
    const lines = out.split("\n");
    const i = lines.findIndex(l => l.trim() === "Resources:");
    if (i < 0) return "";
    const parts: string[] = [];
    for (const l of lines.slice(i + 1)) {
        const t = l.trim();
        if (!t || t.startsWith("Duration")) break;
        parts.push(t);
    }
    return parts.join(", ");
}

/** A shard's report before anything ran. */
function reportOf(s: ShardSpec): ShardReport {
    return { shard: s.name, stack: s.stack, clusters: [...s.clusters].sort(), ...(s.select ? { holds: shardDescription(s) } : {}) };
}

/** Runs `work` over `items` with at most `limit` at once; `stop()` makes the remaining items skip. */
async function pool<T>(items: T[], limit: number, work: (item: T, stopped: () => boolean) => Promise<boolean>): Promise<void> {
    let next = 0;
    let stopped = false;
    const worker = async () => {
        while (next < items.length) {
            const item = items[next++];
            const ok = await work(item, () => stopped);
            if (!ok) stopped = true;
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Previews, updates or destroys every shard of `spec` (the Automation-style entry point of `pulumi-kubefed shards`).
 * Never throws for a failing shard: see `ok` and each shard's report.
 */
export async function runShards(command: "preview" | "up" | "destroy", spec: ShardsSpec, o: RunShardsOptions = {}): Promise<ShardsResult> {
    const logDir = o.logDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-shards-"));
    fs.mkdirSync(logDir, { recursive: true });
    const limit = o.concurrency ?? spec.concurrency;
    const layout = JSON.stringify(layoutOf(spec));
    const reports = new Map<string, ShardReport>(spec.shards.map(s => [s.name, reportOf(s)]));
    const decisions = new Map<string, NormalizedDecision>();
    const result: ShardsResult = { command, shards: [...reports.values()], errors: [], ok: false };
    const baseEnv = o.env ?? process.env;
    const step = async (s: ShardSpec, name: string, op: ShardOp, env: NodeJS.ProcessEnv): Promise<StepResult> => {
        o.onEvent?.({ shard: s.name, step: name, state: "start" });
        const r = await runOp(s, op, { cwd: spec.project, env, log: path.join(logDir, `${s.name}.log`), bin: o.pulumi });
        o.onEvent?.({ shard: s.name, step: name, state: "done", result: r });
        return r;
    };
    const decisionFile = (s: ShardSpec, phase: string) => path.join(logDir, `${s.name}.${phase}.decision.json`);

    if (command === "destroy") {
        await pool(spec.shards, limit, async (s, stopped) => {
            const rep = reports.get(s.name)!;
            if (stopped() && o.failFast) { rep.skipped = "not started: an earlier shard failed (--fail-fast)"; return true; }
            rep.destroy = await step(s, "destroy", { kind: "destroy" }, baseEnv);
            return rep.destroy.ok;
        });
        result.ok = result.shards.every(r => r.destroy?.ok);
        return result;
    }

    // 1. Every shard's config carries its shard name and the shared layout; then preview, collecting decisions.
    await pool(spec.shards, limit, async (s, stopped) => {
        const rep = reports.get(s.name)!;
        if (stopped() && o.failFast) { rep.skipped = "not started: an earlier shard failed (--fail-fast)"; return true; }
        for (const [k, v] of [["pulumi-kubefed:shard", s.name], ["pulumi-kubefed:shards", layout]]) {
            const set = await step(s, "config", { kind: "config", key: k, value: v }, baseEnv);
            if (!set.ok) { rep.preview = set; return false; }
        }
        const file = decisionFile(s, "preview");
        fs.rmSync(file, { force: true });
        rep.preview = await step(s, "preview", { kind: "preview" }, { ...baseEnv, [DECISION_FILE_ENV]: file });
        if (rep.preview.ok) {
            if (fs.existsSync(file)) {
                const d = JSON.parse(fs.readFileSync(file, "utf8")) as { record?: ShardRecord; decision?: NormalizedDecision; errors?: string[] };
                const bad = d.record ? recordProblem(d.record, s.name, s.stack) : undefined;
                if (d.errors?.length || !d.record || !d.decision || bad) {
                    // the program logged these as errors; pulumi preview still exits 0 for errors logged at the end
                    for (const e of d.errors ?? (bad ? [] : ["the program wrote no decision"])) result.errors.push(`shard "${s.name}": ${e}`);
                    if (bad) result.errors.push(bad);
                    rep.preview = { ...rep.preview, ok: false };
                    return false;
                }
                rep.record = d.record;
                decisions.set(s.name, d.decision);
            } else {
                result.errors.push(`shard "${s.name}": the program recorded no federation decision (does it declare MemberClusters with pulumi-kubefed?)`);
                return false;
            }
        }
        return rep.preview.ok;
    });
    // 2. All decisions must agree before anything is applied.
    const recorded = result.shards.filter(r => r.record);
    result.mismatch = compareShardDecisions(recorded.map(r => ({ shard: r.shard, record: r.record!, decision: decisions.get(r.shard) })));
    if (result.mismatch) result.errors.push(result.mismatch.message);
    const previewsOk = result.shards.every(r => r.preview?.ok) && result.errors.length === 0;
    if (command === "preview") {
        result.ok = previewsOk;
        return result;
    }
    if (result.mismatch || (o.failFast && !previewsOk) || recorded.length === 0) {
        for (const r of result.shards) if (!r.up && !r.skipped) r.skipped = result.mismatch ? "not updated: the shards' decisions differ" : "not updated: a preview failed (--fail-fast)";
        return result;
    }
    // 3. Update the shards whose preview succeeded (the others are reported, not retried).
    const digest = recorded[0].record!.digest;
    await pool(spec.shards, limit, async (s, stopped) => {
        const rep = reports.get(s.name)!;
        if (!rep.preview?.ok || !rep.record) { rep.skipped ??= "not updated: its preview failed"; return true; }
        if (stopped() && o.failFast) { rep.skipped = "not started: an earlier shard failed (--fail-fast)"; return true; }
        const file = decisionFile(s, "up");
        fs.rmSync(file, { force: true });
        rep.up = await step(s, "up", { kind: "up" }, { ...baseEnv, [DECISION_FILE_ENV]: file });
        if (fs.existsSync(file)) {
            const d = JSON.parse(fs.readFileSync(file, "utf8")) as { record: ShardRecord };
            if (d.record.digest !== digest) rep.warning = `the decision applied (${d.record.digest.slice(0, 19)}) differs from the one previewed (${digest.slice(0, 19)}): inputs changed between preview and up; run 'shards up' again`;
        }
        return rep.up.ok;
    });
    result.ok = previewsOk && result.shards.every(r => r.up?.ok && !r.warning);
    return result;
}

/** Compares the `kubefedShard` stack outputs (from `kubefed.shardDecision()`) of every shard, without running the
 *  programs: for stacks updated elsewhere (the operator, Pulumi Deployments). */
export async function checkShards(spec: ShardsSpec, o: RunShardsOptions = {}): Promise<ShardsResult> {
    const bin = o.pulumi ?? process.env.PULUMI_COMMAND ?? "pulumi";
    const result: ShardsResult = { command: "preview", shards: [], errors: [], ok: false };
    await pool(spec.shards, o.concurrency ?? spec.concurrency, async (s) => {
        const rep: ShardReport = reportOf(s);
        result.shards.push(rep);
        const out: Buffer[] = [];
        const r = await new Promise<number>((resolve) => {
            const c = spawn(bin, ["stack", "output", "kubefedShard", "--json", "--stack", s.stack, "--non-interactive"],
                { cwd: spec.project, env: o.env ?? process.env });
            c.stdout.on("data", (d: Buffer) => out.push(d));
            c.on("error", () => resolve(-1));
            c.on("close", (code) => resolve(code ?? -1));
        });
        const text = Buffer.concat(out).toString("utf8").trim();
        if (r !== 0 || !text) {
            result.errors.push(`shard "${s.name}" (stack ${s.stack}): no kubefedShard stack output; export kubefed.shardDecision() from the program and run up`);
            return true;
        }
        let rec: unknown;
        try {
            rec = JSON.parse(text);
        } catch {
            result.errors.push(`shard "${s.name}" (stack ${s.stack}): its kubefedShard stack output is not JSON`);
            return true;
        }
        const bad = recordProblem(rec, s.name, s.stack);
        if (bad) result.errors.push(bad);
        // kept for -o json even when unusable; compared only when it has a digest
        if (rec && typeof rec === "object" && !Array.isArray(rec)) rep.record = rec as ShardRecord;
        return true;
    });
    result.shards.sort((a, b) => (a.shard < b.shard ? -1 : 1));
    for (const r of result.shards) {
        if (r.record && r.record.shard !== r.shard) result.errors.push(`shard "${r.shard}" (stack ${r.stack}) recorded shard "${r.record.shard}"; its config does not match the spec`);
    }
    const comparable = result.shards.filter(r => r.record && !recordProblem(r.record, r.shard, r.stack));
    result.mismatch = compareShardDecisions(comparable.map(r => ({ shard: r.shard, record: r.record! })));
    if (result.mismatch) result.errors.push(result.mismatch.message);
    result.ok = result.errors.length === 0;
    return result;
}
