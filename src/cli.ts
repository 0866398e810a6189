#!/usr/bin/env node
/**
 * `pulumi-kubefed` command line.
 *
 *   pulumi-kubefed status [--stack S] [--cwd DIR] [--json-file F] [--check] [--html FILE]
 *   pulumi-kubefed plan [--stack S] [--cwd DIR] [--policy-pack DIR] [--policy-pack-config F] [-o json]  (src/cli/plan.ts)
 *
 * Reads the stack outputs (`pulumi stack output --json --show-secrets=false`, run in DIR for stack S, or the JSON
 * file F) and prints cluster health and a table federated objects × clusters with their propagation status.
 * It uses every output entry carrying a `__kubefedStatus` marker — conventionally the `kubefed` output built with
 * `kubefedStatusOutput(...)`; the shape is documented in src/dynamic/report.ts.
 * `--check`: exit 1 unless every cluster is Ready and every object propagated.
 * Exit codes: 0 ok, 1 not healthy (with --check), 2 usage error, 3 cannot read the outputs.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { allHealthy, collectReports, renderStatus } from "./dynamic/report";
import { renderStatusHtml } from "./cli/html";
import { PLAN_USAGE, planMain } from "./cli/plan";

const USAGE = `usage: pulumi-kubefed status [--stack S] [--cwd DIR] [--json-file F] [--check]

  --stack S      stack to read (default: the selected stack)
  --cwd DIR      Pulumi project directory (default: current directory)
  --json-file F  read outputs from a file (the JSON of 'pulumi stack output --json') instead of running pulumi
  --check        exit 1 unless every cluster is Ready and every federated object is propagated
  --html FILE    also write the report as a self-contained HTML page to FILE

${PLAN_USAGE}`;

interface StatusOptions {
    stack?: string;
    cwd?: string;
    jsonFile?: string;
    check: boolean;
    html?: string;
}

/** Parses `status` arguments; throws a usage message on errors. */
export function parseStatusArgs(argv: string[]): StatusOptions {
    const o: StatusOptions = { check: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--stack": case "-s": o.stack = value(); break;
            case "--cwd": case "-C": o.cwd = value(); break;
            case "--json-file": o.jsonFile = value(); break;
            case "--check": o.check = true; break;
            case "--html": o.html = value(); break;
            default: throw new Error(`unknown argument: ${a}`);
        }
    }
    return o;
}

/** Reads the stack outputs as parsed JSON. */
export function readOutputs(o: StatusOptions): unknown {
    if (o.jsonFile) return JSON.parse(fs.readFileSync(o.jsonFile, "utf8"));
    const args = ["stack", "output", "--json", "--show-secrets=false"];
    if (o.stack) args.push("--stack", o.stack);
    const r = spawnSync(process.env.PULUMI_COMMAND || "pulumi", args, { cwd: o.cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw new Error(`cannot run pulumi: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr || r.stdout || "").trim()}`);
    return JSON.parse(r.stdout || "{}");
}

/** Entry point; returns the exit code. */
export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
        out(USAGE);
        return cmd === undefined ? 2 : 0;
    }
    if (cmd === "plan") return planMain(rest, out, err);
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
    let outputs: unknown;
    try {
        outputs = readOutputs(opts);
    } catch (e) {
        err(`pulumi-kubefed: ${(e as Error).message}\n`);
        return 3;
    }
    if (outputs && typeof outputs === "object" && (outputs as Record<string, unknown>).kubefed === "[secret]") {
        err("pulumi-kubefed: the 'kubefed' output is secret; export it without secrets (kubefedStatusOutput does)\n");
    }
    const reports = collectReports(outputs);
    out(`${renderStatus(reports)}\n`);
    if (opts.html) {
        fs.writeFileSync(opts.html, renderStatusHtml(reports, { title: `pulumi-kubefed status${opts.stack ? ` — ${opts.stack}` : ""}` }));
        out(`Wrote ${opts.html}\n`);
    }
    if (opts.check && !allHealthy(reports)) return 1;
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
