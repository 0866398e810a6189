/**
 * The Pulumi Automation API (`@pulumi/pulumi/automation`, a peer dependency) as `plan` and `shards` use it: a stack
 * of a project directory, the `pulumi` they run, and what a failed command left behind. Loaded on demand, so
 * `status` and `--help` do not pay for it.
 */
import * as path from "path";
import type { EngineEvent, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

type Automation = typeof import("@pulumi/pulumi/automation");
const automation = (): Promise<Automation> => import("@pulumi/pulumi/automation");

/** Subcommands that take a stack's extra arguments (`--config-file F`, …); the Automation API also runs others
 *  (`stack select`, `version`, …) that would refuse them. */
const STACK_COMMANDS = new Set(["preview", "up", "destroy", "refresh", "config"]);

/** What opens a stack. */
export interface StackOptions {
    /** The Pulumi project directory. */
    workDir: string;
    /** The stack (default: the project's selected stack). */
    stackName?: string;
    /** Environment of every command, on top of this process's. */
    env?: NodeJS.ProcessEnv;
    /** Arguments added to every preview, up, destroy, refresh and config command of this stack. */
    extraArgs?: string[];
    /** The `pulumi` to run (default: `PULUMI_COMMAND`, else `pulumi` from PATH). */
    pulumi?: string;
}

/** The `pulumi` of `bin` (`<root>/bin/pulumi`, the layout the Automation API takes) or of PATH. */
async function pulumiCommand(a: Automation, bin: string | undefined, extraArgs: string[]): Promise<PulumiCommand> {
    let root: string | undefined;
    if (bin && bin !== "pulumi") {
        const abs = path.resolve(bin);
        if (path.basename(abs) !== "pulumi" || path.basename(path.dirname(abs)) !== "bin") {
            throw new Error(`PULUMI_COMMAND must name <dir>/bin/pulumi (the layout the Automation API runs), not ${bin}`);
        }
        root = path.dirname(path.dirname(abs));
    }
    const base = await a.PulumiCommand.get(root ? { root } : {});
    if (extraArgs.length === 0) return base;
    // `run` is the Automation API's one way to the CLI (internal in its typings, stable at run time)
    type Run = (args: string[], ...rest: unknown[]) => Promise<unknown>;
    const baseRun = (base as unknown as { run: Run }).run.bind(base);
    const wrapped = Object.create(base) as PulumiCommand & { run: Run };
    wrapped.run = (args: string[], ...rest: unknown[]) => {
        if (!STACK_COMMANDS.has(args[0])) return baseRun(args, ...rest);
        const end = args.indexOf("--");
        return baseRun(end < 0 ? [...args, ...extraArgs] : [...args.slice(0, end), ...extraArgs, ...args.slice(end)], ...rest);
    };
    return wrapped;
}

/** The stack `o.stackName` (or the selected one) of the project in `o.workDir`, through the Automation API. */
export async function openStack(o: StackOptions): Promise<Stack> {
    const a = await automation();
    const pulumiCmd = await pulumiCommand(a, o.pulumi ?? process.env.PULUMI_COMMAND, o.extraArgs ?? []);
    const envVars = Object.fromEntries(Object.entries(o.env ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
    const ws = await a.LocalWorkspace.create({ workDir: o.workDir, pulumiCommand: pulumiCmd, envVars });
    let name = o.stackName;
    if (!name) {
        name = (await ws.stack())?.name;
        if (!name) throw new Error(`no stack selected in ${o.workDir}: pass --stack`);
    }
    return a.Stack.select(name, ws);
}

/** Exit code and output of a failed Automation API command (its `CommandError`), or undefined for other errors. */
export function commandFailure(e: unknown): { code: number; stdout: string; stderr: string } | undefined {
    const r = (e as { commandResult?: { code?: unknown; stdout?: unknown; stderr?: unknown } } | null)?.commandResult;
    if (!r || typeof r !== "object") return undefined;
    return { code: typeof r.code === "number" && r.code !== 0 ? r.code : 1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}

export type { EngineEvent };
