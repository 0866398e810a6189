/**
 * The `pulumi-kubefed shards` command: its flags, per-verb help and the per-shard report (table, wide, JSON, YAML).
 * What it runs is in src/cli/shards.ts (also usable on its own, without this command line).
 */
import * as fs from "fs";
import { parseFlags } from "./args";
import { OutputFormat, parseOutputFormat, renderData } from "./output";
import { RunShardsOptions, ShardsResult, ShardsSpec, checkShards, parseShardsSpec, runShards } from "./shards";
import { renderTable, terminalSafe } from "./table";

const secs = (ms?: number) => (ms === undefined ? "" : `${(ms / 1000).toFixed(1)}s`);

/** The per-shard report as a table, then errors and failing shards' output tails; `wide` adds the whole digest
 *  and each shard's log file. Every value is made terminal-safe (src/cli/table.ts). */
export function renderShardsResult(r: ShardsResult, opts: { wide?: boolean } = {}): string {
    const step = r.command === "destroy" ? "destroy" : r.command === "up" ? "up" : "preview";
    const rows = [["SHARD", "STACK", "CLUSTERS", "PREVIEW", "UP/DESTROY", "DIGEST", "CHANGES", ...(opts.wide ? ["LOG"] : [])]];
    for (const s of r.shards) {
        const p = s.preview ? `${s.preview.ok ? "ok" : `failed (${s.preview.code})`} ${secs(s.preview.ms)}` : "-";
        const last = s.up ?? s.destroy;
        const u = last ? `${last.ok ? "ok" : `failed (${last.code})`} ${secs(last.ms)}` : s.skipped ? "skipped" : "-";
        // a record read from a stack output may lack its digest (reported as an error): show "-", do not throw
        const digest = typeof s.record?.digest === "string" ? (opts.wide ? s.record.digest : s.record.digest.slice(7, 19)) : "-";
        rows.push([s.shard, s.stack, s.holds ?? (s.clusters ?? []).join(","), p, step === "preview" ? "-" : u, digest || "-", (last ?? s.preview)?.summary || "-",
            ...(opts.wide ? [(last ?? s.preview)?.log ?? "-"] : [])]);
    }
    const notes: string[] = [];
    for (const s of r.shards) {
        if (s.skipped) notes.push(`${s.shard}: ${s.skipped}`);
        if (s.warning) notes.push(`${s.shard}: ${s.warning}`);
        for (const st of [s.preview, s.up, s.destroy]) {
            if (st && !st.ok) notes.push(`${s.shard}: failed; last lines (full log: ${st.log}):\n${(st.tail ?? "").split("\n").map(l => `    ${l}`).join("\n")}`);
        }
    }
    const errs = r.errors.map(e => `error: ${e}`);
    return terminalSafe(`${renderTable(rows)}\n${[...errs, ...notes].map(n => `${n}\n`).join("")}${r.ok ? `${step}: every shard succeeded\n` : ""}`, true);
}

const VERBS: Record<string, string> = {
    preview: "set each shard's pulumi-kubefed:shard/shards config, preview every shard, compare their decisions",
    up: "preview, refuse if any two shards' decisions differ, then 'pulumi up' every shard",
    destroy: "'pulumi destroy' every shard",
    check: "compare the kubefedShard stack outputs of the shards (stacks updated elsewhere, e.g. by the operator)",
    operator: "print Pulumi Kubernetes Operator Stack resources for the shards (the file's operator: section)",
};

const FLAGS_HELP = `  -f, --file F         the shards spec (YAML or JSON); required
  -j, --concurrency N  shards run at once (default: the spec's concurrency)
  --fail-fast          start no further shard once one failed (default: the others carry on)
  -o, --output FORMAT  table (default), wide (adds the whole digest and each shard's log file), json or yaml
  --log-dir DIR        where each shard's pulumi output is logged (default: a new temporary directory)
  exit codes: 0 ok, 1 a shard failed or the decisions differ, 2 usage`;

export const SHARDS_USAGE = `usage: pulumi-kubefed shards preview|up|destroy|check|operator --file SHARDS.yaml [--concurrency N] [--fail-fast] [-o table|wide|json|yaml] [--log-dir DIR]

${Object.entries(VERBS).map(([v, d]) => `  ${v.padEnd(9)} ${d}`).join("\n")}
${FLAGS_HELP}
`;

/** The usage of one verb of `shards`. */
function verbUsage(verb: string): string {
    return `usage: pulumi-kubefed shards ${verb} --file SHARDS.yaml [--concurrency N] [--fail-fast] [-o table|wide|json|yaml] [--log-dir DIR]

  ${VERBS[verb]}
${FLAGS_HELP}
`;
}

/** `pulumi-kubefed shards ...`; returns the exit code. */
export async function shardsMain(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
    const [sub, ...rest] = argv;
    if (sub === "--help" || sub === "-h" || sub === "help") {
        out(SHARDS_USAGE);
        return 0;
    }
    let file: string | undefined;
    let concurrency: number | undefined;
    let failFast = false;
    let output: OutputFormat = "table";
    let logDir: string | undefined;
    try {
        if (!Object.hasOwn(VERBS, sub ?? "")) throw new Error(`unknown shards command: ${sub ?? "(none)"}`);
        const { values: v } = parseFlags(rest, {
            file: { type: "string", short: "f" }, concurrency: { type: "string", short: "j" }, "fail-fast": { type: "boolean" },
            output: { type: "string", short: "o" }, "log-dir": { type: "string" },
        });
        if (v.help) {
            out(verbUsage(sub));
            return 0;
        }
        file = v.file as string | undefined;
        if (v.concurrency !== undefined) {
            concurrency = Number(v.concurrency);
            if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("--concurrency must be a positive integer");
        }
        failFast = !!v["fail-fast"];
        output = parseOutputFormat(v.output as string | undefined);
        logDir = v["log-dir"] as string | undefined;
        if (!file) throw new Error("--file is required: the shards spec (YAML or JSON)");
    } catch (e) {
        err(`${terminalSafe((e as Error).message)}\n${Object.hasOwn(VERBS, sub ?? "") ? verbUsage(sub) : SHARDS_USAGE}`);
        return 2;
    }
    const json = output === "json" || output === "yaml";
    let spec: ShardsSpec;
    try {
        spec = parseShardsSpec(fs.readFileSync(file!, "utf8"), file!);
    } catch (e) {
        err(`pulumi-kubefed shards: ${terminalSafe((e as Error).message, true)}\n`);
        return 2;
    }
    if (sub === "operator") {
        const { operatorStacks, renderManifests } = await import("./operator");
        try {
            out(renderManifests(operatorStacks(spec)));
            return 0;
        } catch (e) {
            err(`pulumi-kubefed shards operator: ${terminalSafe((e as Error).message, true)}\n`);
            return 2;
        }
    }
    const opts: RunShardsOptions = {
        failFast, concurrency, logDir,
        onEvent: json ? undefined : (e) => {
            if (e.step === "config") return;
            err(`[${terminalSafe(e.shard)}] ${e.step} ${e.state === "start" ? "started" : e.result?.ok ? `ok (${secs(e.result.ms)})` : `failed (exit ${e.result?.code})`}\n`);
        },
    };
    const r = sub === "check" ? await checkShards(spec, opts) : await runShards(sub as "preview" | "up" | "destroy", spec, opts);
    out(json ? renderData(output as "json" | "yaml", r) : renderShardsResult(r, { wide: output === "wide" }));
    return r.ok ? 0 : 1;
}
