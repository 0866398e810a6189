#!/usr/bin/env node
/**
 * `pulumi-kubefed` command line.
 *
 *   pulumi-kubefed status [--stack S] [--cwd DIR] [--live] [-o table|json] [--check] [--state-file F] [--json-file F] [--html FILE]
 *   pulumi-kubefed plan [--stack S] [--cwd DIR] [--policy-pack DIR] [--policy-pack-config F] [-o json]  (src/cli/plan.ts)
 *   pulumi-kubefed shards preview|up|destroy|check|operator --file SHARDS.yaml  (src/cli/shards.ts)
 *
 * Shows member health and a table federated objects × clusters (propagation, drift, ready/desired replicas):
 * - by default from the stack's checkpoint (`pulumi stack export`), i.e. as of the last `pulumi up` or
 *   `pulumi refresh` — no `up` needed to see what a refresh found;
 * - with `--live`, read now from every member with the read-back's own credentials (taken from
 *   `pulumi stack export --show-secrets` in memory; nothing is printed or written);
 * - `--state-file F` reads an exported checkpoint from a file; `--json-file F` reads 0.1-style stack outputs.
 * `--check`: exit 1 when any member is not Ready or any object is not propagated, and when no status is found.
 * Exit codes: 0 ok, 1 problems (with --check), 2 usage error, 3 cannot read the stack.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { eachFlag } from "./cli/args";
import { CheckpointResource, StatusReport, checkpointResources, hasReadBack, liveReport, reportFromCheckpoint } from "./cli/checkpoint";
import { allHealthy, collectReports, renderStatus } from "./cli/statusReport";
import { renderStatusHtml } from "./cli/html";
import { PLAN_USAGE, planMain } from "./cli/plan";
import { SHARDS_USAGE, shardsMain } from "./cli/shards";

const USAGE = `usage: pulumi-kubefed status [--stack S] [--cwd DIR] [--live] [-o table|json] [--check] [--state-file F]

  --stack S       stack to read (default: the selected stack)
  --cwd DIR       Pulumi project directory (default: current directory)
  --live          read every member now instead of showing what the last up/refresh recorded
  -o, --output    table (default) or json
  --check         exit 1 unless every cluster is Ready and every federated object is propagated (or if no status)
  --state-file F  read a checkpoint exported with 'pulumi stack export' instead of running pulumi
  --json-file F   read 0.1-style stack outputs ('pulumi stack output --json') instead of running pulumi
  --html FILE     also write the report as a self-contained HTML page to FILE

${PLAN_USAGE}

${SHARDS_USAGE}`;

/** Parsed `status` arguments. */
export interface StatusOptions {
    stack?: string;
    cwd?: string;
    jsonFile?: string;
    stateFile?: string;
    live?: boolean;
    output?: "table" | "json";
    check: boolean;
    html?: string;
}

/** Parses `status` arguments; throws a usage message on errors. */
export function parseStatusArgs(argv: string[]): StatusOptions {
    const o: StatusOptions = { check: false };
    eachFlag(argv, (flag, value, a) => {
        switch (flag) {
            case "--stack": case "-s": o.stack = value(); break;
            case "--cwd": case "-C": o.cwd = value(); break;
            case "--json-file": o.jsonFile = value(); break;
            case "--state-file": o.stateFile = value(); break;
            case "--live": o.live = true; break;
            case "--output": case "-o": {
                const v = value();
                if (v !== "table" && v !== "json") throw new Error(`${flag} must be table or json, not ${v}`);
                o.output = v;
                break;
            }
            case "--check": o.check = true; break;
            case "--html": o.html = value(); break;
            default: throw new Error(`unknown argument: ${a}`);
        }
    });
    if (o.live && (o.jsonFile || o.stateFile)) throw new Error("--live reads the members; it cannot be combined with --json-file or --state-file");
    return o;
}

function runPulumi(o: StatusOptions, args: string[]): string {
    if (o.stack) args.push("--stack", o.stack);
    const r = spawnSync(process.env.PULUMI_COMMAND || "pulumi", args, { cwd: o.cwd, encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
    if (r.error) throw new Error(`cannot run pulumi: ${r.error.message}`);
    // never echo stdout here: with --show-secrets it holds credentials
    if (r.status !== 0) throw new Error(`pulumi ${args[0]} ${args[1]} failed (exit ${r.status}): ${(r.stderr || "").trim()}`);
    return r.stdout || "{}";
}

/** Reads the checkpoint's resources (with secrets in memory only for `--live`). */
export function readCheckpoint(o: StatusOptions): CheckpointResource[] {
    if (o.stateFile) return checkpointResources(JSON.parse(fs.readFileSync(o.stateFile, "utf8")));
    const args = ["stack", "export"];
    if (o.live) args.push("--show-secrets");
    return checkpointResources(JSON.parse(runPulumi(o, args)));
}

function render(report: StatusReport, o: StatusOptions, source: string): string {
    if (o.output === "json") {
        return `${JSON.stringify({ version: 2, source, observedAt: report.observedAt, clusters: report.clusters, objects: report.objects }, null, 2)}\n`;
    }
    const times = Object.values(report.observedAt).sort();
    const when = source === "live" ? "read live from the members"
        : times.length ? `as observed ${times[0] === times[times.length - 1] ? times[0] : `${times[0]} .. ${times[times.length - 1]}`} (run 'pulumi refresh' or --live for now)` : "";
    return `${renderStatus(report)}${when ? `\n\n${when}` : ""}\n`;
}

/** `status`; returns the exit code. */
export async function status(o: StatusOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
    let report: StatusReport;
    let source: string;
    try {
        if (o.jsonFile) {
            // 0.1 programs exported a `kubefed` stack output
            const r = collectReports(JSON.parse(fs.readFileSync(o.jsonFile, "utf8")));
            report = { ...r, observedAt: {} };
            source = "outputs";
        } else {
            const resources = readCheckpoint(o);
            if (o.live) {
                report = await liveReport(resources);
                source = "live";
            } else {
                report = reportFromCheckpoint(resources);
                source = "checkpoint";
            }
            if (!hasReadBack(resources)) source = "none";
        }
    } catch (e) {
        err(`pulumi-kubefed: ${(e as Error).message}\n`);
        return 3;
    }
    out(render(report, o, source));
    if (o.html) {
        fs.writeFileSync(o.html, renderStatusHtml(report, { title: `pulumi-kubefed status${o.stack ? ` — ${o.stack}` : ""}` }));
        out(`Wrote ${o.html}\n`);
    }
    const empty = report.clusters.length === 0 && report.objects.length === 0;
    if (o.check && (empty || !allHealthy(report))) return 1;
    return 0;
}

/** Entry point; resolves the exit code. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s),
                           err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
        out(USAGE);
        return cmd === undefined ? 2 : 0;
    }
    if (cmd === "plan") return planMain(rest, out, err);
    if (cmd === "shards") return shardsMain(rest, out, err);
    if (cmd !== "status") {
        err(`unknown command: ${cmd}\n${USAGE}`);
        return 2;
    }
    let opts: StatusOptions;
    try {
        opts = parseStatusArgs(rest);
    } catch (e) {
        err(`${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    return status(opts, out, err);
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`pulumi-kubefed: ${(e as Error).message}\n`);
        process.exitCode = 3;
    });
}
