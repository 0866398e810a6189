#!/usr/bin/env node
/**
 * `pulumi-kubefed` command line, kubectl-style: a subcommand, its flags (`--flag value`, `--flag=value`, `-fvalue`),
 * `-h`/`--help` on each, `-o table|wide|json|yaml`.
 *
 *   pulumi-kubefed status ...   member health and objects × clusters (src/cli/status.ts)
 *   pulumi-kubefed plan ...     a preview read as the federation decision (src/cli/plan.ts)
 *   pulumi-kubefed shards ...   runs the shards of a sharded program (src/cli/shards.ts)
 *   pulumi-kubefed reconcile .. refresh → preview → up in a loop, the federation's controller (src/cli/reconcile.ts)
 *   pulumi-kubefed operator ... a Pulumi Kubernetes Operator Stack for one stack (src/cli/operator.ts)
 *   pulumi-kubefed --version
 *
 * Exit codes: 0 ok, 1 problems, 2 usage error, 3 cannot read the stack or run pulumi.
 */
import * as fs from "fs";
import * as path from "path";
import { OPERATOR_USAGE, operatorMain } from "./cli/operator";
import { PLAN_USAGE, planMain } from "./cli/plan";
import { RECONCILE_USAGE, reconcileMain } from "./cli/reconcile";
import { SHARDS_USAGE, shardsMain } from "./cli/shardsCommand";
import { STATUS_USAGE, StatusOptions, parseStatusArgs, status, watchStatus } from "./cli/status";
import { terminalSafe } from "./cli/table";

const USAGE = `usage: pulumi-kubefed status|plan|shards|reconcile|operator [flags]    (pulumi-kubefed COMMAND --help for each)
       pulumi-kubefed --version

${STATUS_USAGE}
${PLAN_USAGE}
${SHARDS_USAGE}
${RECONCILE_USAGE}
${OPERATOR_USAGE}`;

/** The package's version, from its package.json (two levels up from dist/src/cli.js). */
export function packageVersion(): string {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
}

/** Entry point; resolves the exit code. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s),
                           err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
        out(USAGE);
        return cmd === undefined ? 2 : 0;
    }
    if (cmd === "--version" || cmd === "version") {
        out(`${packageVersion()}\n`);
        return 0;
    }
    if (cmd === "plan") return planMain(rest, out, err);
    if (cmd === "shards") return shardsMain(rest, out, err);
    if (cmd === "reconcile") return reconcileMain(rest, out, err);
    if (cmd === "operator") return operatorMain(rest, out, err);
    if (cmd !== "status") {
        err(`unknown command: ${terminalSafe(cmd)}\n${USAGE}`);
        return 2;
    }
    let opts: StatusOptions;
    try {
        opts = parseStatusArgs(rest);
    } catch (e) {
        err(`${terminalSafe((e as Error).message)}\n${STATUS_USAGE}`);
        return 2;
    }
    if (opts.help) {
        out(STATUS_USAGE);
        return 0;
    }
    if (opts.watchMs === undefined) return status(opts, out, err);
    // Ctrl-C ends the watch normally: it is how a watch is meant to stop
    const stop = new AbortController();
    const onInt = (): void => stop.abort();
    process.once("SIGINT", onInt);
    try {
        return await watchStatus(opts, out, err, { signal: stop.signal, clear: process.stdout.isTTY === true });
    } finally {
        process.removeListener("SIGINT", onInt);
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`pulumi-kubefed: ${terminalSafe((e as Error).message, true)}\n`);
        process.exitCode = 3;
    });
}
