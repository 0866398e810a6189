/**
 * `pulumi-kubefed status`: member health and a table federated objects × clusters (propagation, drift, ready/desired
 * replicas):
 * - by default from the stack's checkpoint (`pulumi stack export`), i.e. as of the last `pulumi up` or
 *   `pulumi refresh` — no `up` needed to see what a refresh found;
 * - with `--live`, read now from every member with the read-back's own credentials (taken from
 *   `pulumi stack export --show-secrets` in memory; nothing is printed or written);
 * - `--state-file F` reads an exported checkpoint from a file; `--json-file F` reads 0.1-style stack outputs.
 * `--check`: exit 1 when any member is not Ready or any object is not propagated, and when no status is found.
 * `--watch`: read and render again every `--interval` until interrupted.
 * Exit codes: 0 ok, 1 problems (with --check), 2 usage error, 3 cannot read the stack.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { setTimeout as sleepFor } from "timers/promises";
import { parseFlags } from "./args";
import { CheckpointResource, StatusReport, checkpointResources, hasReadBack, liveReport, reportFromCheckpoint } from "./checkpoint";
import { Filters, filterStatus } from "./filter";
import { renderStatusHtml } from "./html";
import { OutputFormat, parseOutputFormat, renderData } from "./output";
import { allHealthy, renderStatus } from "./statusReport";
import { collectReports } from "../compat/status";
import { terminalSafe } from "./table";

export const STATUS_USAGE = `usage: pulumi-kubefed status [--stack S] [--cwd DIR] [--live] [-o table|wide|json|yaml] [--check] [--state-file F]
                             [--cluster NAME]... [--object NAME]... [--watch [--interval 5s]]

  -s, --stack S       stack to read (default: the selected stack)
  -C, --cwd DIR       Pulumi project directory (default: current directory)
  --live              read every member now instead of showing what the last up/refresh recorded
  -o, --output F      table (default), wide (whole messages, reasons, observation times), json or yaml
  --cluster NAME      only these clusters (repeatable, or a,b): their rows, columns and objects
  --object NAME       only these objects (repeatable, or a,b): name, namespace/name or Kind/name
  --check             exit 1 unless every cluster is Ready and every federated object is propagated (or if no status)
  -w, --watch         read and show the status again every --interval (default 5s) until interrupted (Ctrl-C)
  --interval D        time between reads with --watch: 500ms, 5s, 1m
  --state-file F      read a checkpoint exported with 'pulumi stack export' instead of running pulumi
  --json-file F       read 0.1-style stack outputs ('pulumi stack output --json') instead of running pulumi
  --html FILE         also write the report as a self-contained HTML page to FILE
`;

/** Parsed `status` arguments. */
export interface StatusOptions {
    stack?: string;
    cwd?: string;
    jsonFile?: string;
    stateFile?: string;
    live?: boolean;
    output?: OutputFormat;
    check: boolean;
    html?: string;
    /** `--cluster` / `--object`. */
    filters?: Filters;
    /** `--watch`: milliseconds between reads. */
    watchMs?: number;
    /** `--help`: print the usage. */
    help?: boolean;
}

/** `5s`, `500ms`, `1m`, or a number of seconds, in milliseconds; throws a usage message otherwise. */
export function parseDuration(v: string, flag = "--interval"): number {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
    const ms = m ? Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000) : NaN;
    if (!(ms >= 100)) throw new Error(`${flag}: "${v}" is not a duration of at least 100ms (e.g. 500ms, 5s, 1m)`);
    return ms;
}

/** Parses `status` arguments; throws a usage message on errors. */
export function parseStatusArgs(argv: string[]): StatusOptions {
    const { values: v } = parseFlags(argv, {
        stack: { type: "string", short: "s" }, cwd: { type: "string", short: "C" }, "json-file": { type: "string" },
        "state-file": { type: "string" }, live: { type: "boolean" }, output: { type: "string", short: "o" },
        check: { type: "boolean" }, html: { type: "string" }, cluster: { type: "string", list: true },
        object: { type: "string", list: true }, watch: { type: "boolean", short: "w" }, interval: { type: "string" },
    });
    if (v.help) return { check: false, help: true };
    const str = (k: string) => v[k] as string | undefined;
    const o: StatusOptions = { check: !!v.check };
    if (str("stack")) o.stack = str("stack");
    if (str("cwd")) o.cwd = str("cwd");
    if (str("json-file")) o.jsonFile = str("json-file");
    if (str("state-file")) o.stateFile = str("state-file");
    if (v.live) o.live = true;
    if (str("output")) o.output = parseOutputFormat(str("output"));
    if (str("html")) o.html = str("html");
    if (v.cluster || v.object) {
        o.filters = { ...(v.cluster ? { clusters: v.cluster as string[] } : {}), ...(v.object ? { objects: v.object as string[] } : {}) };
    }
    if (str("interval") && !v.watch) throw new Error("--interval is the time between reads of --watch");
    if (v.watch) o.watchMs = str("interval") ? parseDuration(str("interval")!) : 5000;
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
    if (o.output === "json" || o.output === "yaml") {
        return renderData(o.output, { version: 2, source, observedAt: report.observedAt, clusters: report.clusters, objects: report.objects });
    }
    const times = Object.values(report.observedAt).sort();
    const when = source === "live" ? "read live from the members"
        : times.length ? `as observed ${times[0] === times[times.length - 1] ? times[0] : `${times[0]} .. ${times[times.length - 1]}`} (run 'pulumi refresh' or --live for now)` : "";
    const text = renderStatus(report, { wide: o.output === "wide", observedAt: report.observedAt });
    return `${terminalSafe(`${text}${when ? `\n\n${when}` : ""}`, true)}\n`;
}

/** `status`, once; returns the exit code. */
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
        err(`pulumi-kubefed: ${terminalSafe((e as Error).message, true)}\n`);
        return 3;
    }
    for (const w of report.warnings ?? []) err(`pulumi-kubefed: warning: ${terminalSafe(w)}\n`);
    if (o.filters) {
        const f = filterStatus(report, o.filters);
        for (const u of f.unmatched) err(`pulumi-kubefed: warning: ${terminalSafe(u)} matches nothing in the report\n`);
        report = f.value;
    }
    out(render(report, o, source));
    if (o.html) {
        fs.writeFileSync(o.html, renderStatusHtml(report, { title: `pulumi-kubefed status${o.stack ? ` — ${o.stack}` : ""}` }));
        out(`Wrote ${terminalSafe(o.html)}\n`);
    }
    const empty = report.clusters.length === 0 && report.objects.length === 0;
    // a skipped entry may hide a problem: a check cannot pass over it
    if (o.check && (empty || !allHealthy(report) || (report.warnings?.length ?? 0) > 0)) return 1;
    return 0;
}

/** How {@link watchStatus} waits and stops; injectable so a test can run a few rounds without real time. */
export interface WatchControl {
    /** Aborting it (SIGINT in the CLI) ends the loop with exit code 0. */
    signal?: AbortSignal;
    /** Stop after this many rounds (tests); default: until aborted. */
    iterations?: number;
    /** Waits `ms`; default: a timer that the signal cancels. */
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    /** The time shown in each round's heading. */
    now?: () => Date;
    /** Clear the screen before each round (stdout is a terminal). */
    clear?: boolean;
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
    try {
        await sleepFor(ms, undefined, { signal });
    } catch {
        // aborted: the loop sees the signal
    }
}

/** `status --watch`: reads and renders every `o.watchMs` until the signal aborts (exit 0) or `iterations` rounds
 *  ran (the last round's exit code). A round that cannot read the stack is reported and the watch goes on. */
export async function watchStatus(o: StatusOptions, out: (s: string) => void, err: (s: string) => void, w: WatchControl = {}): Promise<number> {
    const sleep = w.sleep ?? defaultSleep;
    const now = w.now ?? (() => new Date());
    const interval = o.watchMs ?? 5000;
    let code = 0;
    for (let round = 1; !w.signal?.aborted; round++) {
        if (w.clear) out("\u001b[H\u001b[2J");
        else if (round > 1) out(o.output === "yaml" ? "---\n" : "\n");
        if (o.output !== "json" && o.output !== "yaml") out(`Every ${interval / 1000}s: pulumi-kubefed status    ${now().toISOString()}\n\n`);
        code = await status(o, out, err);
        if (w.iterations !== undefined && round >= w.iterations) return code;
        await sleep(interval, w.signal);
    }
    return 0;
}
