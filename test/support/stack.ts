/**
 * Pulumi stacks for tests and benchmarks, each on a file backend of its own:
 * - through the Automation API: {@link exampleStack} (a project directory, e.g. examples/quickstart, configured for
 *   a fleet), {@link inlineStack} (an inline program), {@link plannedSteps};
 * - through the real CLI as a user types it: {@link CliStack} (timed, output captured and logged);
 * - `pulumi-kubefed` through its real entry point: {@link kubefedCli}, {@link kubefedStatus}.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { Fleet, startOrReuseFleet } from "./fleet";
import { scratchDir } from "./scratch";
import { ROOT, requireToolchain } from "./testbed";

/** The passphrase of the stacks {@link exampleStack} makes (the status CLI needs it to read their state). */
export const E2E_PASSPHRASE = "e2e-passphrase";

/** A stack of an example project (`examples/<example>`, or `opts.workDir`) on a file backend of its own, configured
 *  with the fleet's kubeconfig (secret) and clusters, plus `config`. */
export async function exampleStack(example: string, stackName: string, fleet: Fleet, config: Record<string, string> = {},
                                   opts: { kubeconfig?: string; workDir?: string } = {}): Promise<{ stack: Stack; backend: string }> {
    const backend = scratchDir(`kubefed-state-${stackName}-`);
    const workDir = opts.workDir ?? path.join(ROOT, "examples", example);
    // Stack config lives beside the project; start from none so an earlier run's settings cannot leak in.
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, {
        envVars: {
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: E2E_PASSPHRASE,
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
        },
    });
    await stack.setConfig("kubeconfig", { value: opts.kubeconfig ?? fleet.kubeconfig, secret: true });
    await stack.setConfig("clusters", { value: JSON.stringify(fleet.clusters.map(c => ({ name: c.name, labels: c.labels, region: c.region, zones: c.zones, context: c.context }))) });
    for (const [k, v] of Object.entries(config)) await stack.setConfig(k, { value: v });
    return { stack, backend };
}

/** A scratch directory for inline-program stacks: `backend/` (the file backend) and `project/` (the work dir, with
 *  the repository's node_modules linked in: the engine starts the dynamic-provider plugin there). */
export function inlineProject(tmp: string): { backendDir: string; workDir: string } {
    const backendDir = path.join(tmp, "backend");
    const workDir = path.join(tmp, "project");
    fs.mkdirSync(backendDir, { recursive: true });
    fs.mkdirSync(workDir, { recursive: true });
    if (!fs.existsSync(path.join(workDir, "node_modules"))) fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(workDir, "node_modules"));
    return { backendDir, workDir };
}

/** A stack of an inline program in an {@link inlineProject}, run by the test bed's CLI in `tools`. The passphrase
 *  is PULUMI_CONFIG_PASSPHRASE of this process (see applyTestbedEnv). */
export async function inlineStack(project: { backendDir: string; workDir: string }, tools: string, stackName: string, projectName: string,
                                  program: PulumiFn): Promise<Stack> {
    const pulumiCommand = await PulumiCommand.get({ root: tools, skipVersionCheck: true });
    const url = `file://${project.backendDir}`;
    return LocalWorkspace.createOrSelectStack(
        { stackName, projectName, program },
        {
            workDir: project.workDir,
            pulumiCommand,
            projectSettings: { name: projectName, runtime: "nodejs", backend: { url } },
            envVars: { PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE!, PULUMI_BACKEND_URL: url },
        },
    );
}

/** Gives a project directory outside the repository (a scratch copy of a program) `node_modules` with every
 *  dependency of the repository linked in, except `pulumi-kubefed` itself: the caller puts in the build under test
 *  or a released package. */
export function linkDependencies(dir: string): void {
    fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    for (const dep of fs.readdirSync(path.join(ROOT, "node_modules"))) {
        if (dep.startsWith(".") || dep === "pulumi-kubefed") continue;
        fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(dir, "node_modules", dep));
    }
}

/** The planned steps of a preview, as `op urn-name` strings (e.g. "delete web-c1"), sorted. */
export async function plannedSteps(stack: Stack): Promise<{ steps: string[]; stdout: string }> {
    const steps: string[] = [];
    const res = await stack.preview({
        diff: true,
        onEvent: (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m && m.op !== "same" && m.op !== "read") steps.push(`${m.op} ${m.urn.split("::").pop()}`);
        },
    });
    return { steps: steps.sort(), stdout: res.stdout };
}

/** Every file under a directory (e.g. a file backend: checkpoints, backups, history), for scanning for secrets. */
export function filesUnder(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...filesUnder(p));
        else out.push(p);
    }
    return out;
}

const CLI = path.join(ROOT, "dist", "src", "cli.js");

/** `pulumi-kubefed <args> --cwd <workDir> --stack <stackName>` through its real entry point, as a user runs it in a
 *  project directory, for a stack of {@link exampleStack} (its backend and passphrase). */
export function kubefedOnStack(args: string[], o: { workDir: string; stackName: string; backend: string }): { code: number; stdout: string; stderr: string; out: string } {
    const r = spawnSync(process.execPath, [CLI, ...args, "--cwd", o.workDir, "--stack", o.stackName], {
        encoding: "utf8", maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, PULUMI_BACKEND_URL: `file://${o.backend}`, PULUMI_CONFIG_PASSPHRASE: E2E_PASSPHRASE,
            PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}${r.stderr}` };
}

/** `pulumi-kubefed status <args>` for a stack of {@link exampleStack} (see {@link kubefedOnStack}). */
export function kubefedStatus(workDir: string, stackName: string, backend: string, args: string[]): { code: number; out: string; stdout: string } {
    return kubefedOnStack(["status", ...args], { workDir, stackName, backend });
}

/** `pulumi-kubefed <args>` through its real entry point in `cwd`: exit code, stdout, and stdout + stderr
 *  interleaved. Never rejects on a non-zero exit. */
export function kubefedCli(args: string[], o: { env: NodeJS.ProcessEnv; cwd: string }): Promise<{ code: number; stdout: string; out: string }> {
    return new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [CLI, ...args], { env: o.env, cwd: o.cwd });
        let stdout = "";
        let all = "";
        c.stdout.on("data", (d: Buffer) => { stdout += d; all += d; });
        c.stderr.on("data", (d: Buffer) => { all += d; });
        c.on("error", reject);
        c.on("close", (code) => resolve({ code: code ?? -1, stdout, out: all }));
    });
}

/** The JSON value printed by a command whose output may also hold warnings. */
export function jsonOf(out: string): any {
    return JSON.parse(out.slice(out.indexOf("{"), out.lastIndexOf("}") + 1));
}

/** Result of one CLI call: wall time, and CPU time (user + system) of the CLI and every process it waited for
 *  (language host, program, plugins, policy pack), NaN where /proc is not available. */
export interface CliResult { code: number; out: string; ms: number; cpuMs: number; args: string[] }

/** CPU time (ms) of this process's waited-for children so far (cutime + cstime of /proc/self/stat). */
export function childrenCpuMs(): number {
    try {
        const stat = fs.readFileSync("/proc/self/stat", "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // after "pid (comm) ": state is f[0]; utime f[11], stime f[12], cutime f[13], cstime f[14] (clock ticks)
        return (Number(f[13]) + Number(f[14])) * 10; // USER_HZ is 100 on Linux
    } catch {
        return NaN;
    }
}

/** Runs the `pulumi` of `env` (its PATH) in `cwd`; output (stdout + stderr interleaved) is collected and appended
 *  to `logFile` when given. Never rejects on a non-zero exit: callers check `code`. */
export function pulumi(args: string[], o: { cwd: string; env: NodeJS.ProcessEnv; logFile?: string; input?: string }): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const c0 = childrenCpuMs();
        const child = spawn("pulumi", args, { cwd: o.cwd, env: o.env, stdio: ["pipe", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (d: Buffer) => chunks.push(d));
        child.stderr.on("data", (d: Buffer) => chunks.push(d));
        child.on("error", reject);
        child.on("close", (code) => {
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            const cpuMs = childrenCpuMs() - c0;
            const out = Buffer.concat(chunks).toString("utf8");
            if (o.logFile) fs.appendFileSync(o.logFile, `\n$ pulumi ${args.join(" ")}   (exit ${code}, ${(ms / 1000).toFixed(1)} s)\n${out}`);
            resolve({ code: code ?? -1, out, ms, cpuMs, args });
        });
        child.stdin.end(o.input ?? "");
    });
}

/**
 * A stack of a Pulumi project directory driven through the real CLI, in a file backend under `workDir`, with its
 * config in `<workDir>/Pulumi.<stack>.yaml` (passed with `--config-file`, so nothing is left in the project
 * directory). The environment is `baseEnv` (the test bed's: PATH with the pinned CLI and plugins, PULUMI_HOME,
 * offline flags), plus the backend URL, a passphrase and PULUMI_NODEJS_TRANSPILE_ONLY=true. Every command's output
 * is appended to `<workDir>/<stack>.log`.
 */
export class CliStack {
    readonly configFile: string;
    readonly env: NodeJS.ProcessEnv;
    readonly logFile: string;

    constructor(readonly projectDir: string, readonly name: string, readonly workDir: string, baseEnv: Record<string, string>) {
        fs.mkdirSync(path.join(workDir, "state"), { recursive: true });
        this.configFile = path.join(workDir, `Pulumi.${name}.yaml`);
        this.logFile = path.join(workDir, `${name}.log`);
        this.env = {
            ...process.env, ...baseEnv,
            PULUMI_BACKEND_URL: `file://${path.join(workDir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: baseEnv.PULUMI_CONFIG_PASSPHRASE ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? "testbed",
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            NO_COLOR: "1",
        };
    }

    /** Runs `pulumi <args> --stack <name> [--config-file …]` (the flags go before a `--`); `input` is the stdin. */
    run(args: string[], withConfigFile = true, input?: string): Promise<CliResult> {
        const flags = ["--stack", this.name, ...(withConfigFile ? ["--config-file", this.configFile] : []), "--non-interactive"];
        const dd = args.indexOf("--");
        const full = dd < 0 ? [...args, ...flags] : [...args.slice(0, dd), ...flags, ...args.slice(dd)];
        return pulumi(full, { cwd: this.projectDir, env: this.env, logFile: this.logFile, input });
    }

    /** Like {@link run}, but throws (with the output's tail) on a non-zero exit. */
    async must(args: string[], withConfigFile = true, input?: string): Promise<CliResult> {
        const r = await this.run(args, withConfigFile, input);
        if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} (stack ${this.name}) exited ${r.code}:\n${tail(r.out, 40)}\n(full log: ${this.logFile})`);
        return r;
    }

    /** Creates the stack (removing the `Pulumi.<stack>.yaml` that `stack init` leaves in the project directory)
     *  and sets its config: values that are not strings are JSON-encoded; keys in `secrets` are set as secrets. */
    async init(config: Record<string, unknown>, secrets: string[] = []): Promise<void> {
        const projectFile = path.join(this.projectDir, `Pulumi.${this.name}.yaml`);
        const existed = fs.existsSync(projectFile);
        await this.must(["stack", "init", "--secrets-provider", "passphrase"], false)
            .finally(() => { if (!existed && fs.existsSync(projectFile)) fs.rmSync(projectFile); });
        for (const [k, v] of Object.entries(config)) {
            // The value goes through stdin: never on a command line (ps) or in an error message.
            const value = typeof v === "string" ? v : JSON.stringify(v);
            await this.must(["config", "set", secrets.includes(k) ? "--secret" : "--plaintext", k], true, value);
        }
    }

    /** Creates the stack configured for `fleet`: its kubeconfig (secret) and clusters, plus `config`. */
    async initForFleet(fleet: Fleet, config: Record<string, unknown> = {}): Promise<void> {
        await this.init({
            kubeconfig: fleet.kubeconfig,
            clusters: fleet.clusters.map(c => ({ name: c.name, context: c.context, labels: c.labels, region: c.region, zones: c.zones })),
            ...config,
        }, ["kubeconfig"]);
    }

    /** Removes the stack and its state (best effort). */
    async remove(): Promise<void> {
        await this.run(["stack", "rm", "--yes", "--force"], false);
        if (fs.existsSync(this.configFile)) fs.rmSync(this.configFile);
    }
}

/** The last `n` lines of `text`. */
export function tail(text: string, n: number): string {
    return text.trimEnd().split("\n").slice(-n).join("\n");
}

/**
 * In a `before` hook of a suite driving the real CLI: the test bed's environment (see requireToolchain) with no
 * ambient kubeconfig (a default provider must never reach a real cluster), a work dir `kubefed-e2e-<name>-…` for
 * {@link CliStack}s, and a fleet of c1, c2, c3 (KUBEFED_E2E_FLEET_DIR reuses a running one).
 */
export async function cliTestBed(ctx: Mocha.Context, name: string): Promise<{ env: Record<string, string>; work: string; fleet: Fleet }> {
    const { env } = requireToolchain(ctx);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `kubefed-e2e-${name}-`));
    const fleet = await startOrReuseFleet(process.env.KUBEFED_E2E_FLEET_DIR, 3, `kubefed-e2e-${name}-fleet-`)
        .catch((e) => { fs.rmSync(work, { recursive: true, force: true }); throw e; });
    return { env: { ...env, KUBECONFIG: path.join(work, "no-ambient-kubeconfig") }, work, fleet };
}

/** Lays `pulumi-kubefed` into `dir`'s node_modules as `npm install` would: from a packed tarball (an older
 *  release kept as a fixture), or this build (package.json "files": dist/src and package.json). */
export function installKubefed(dir: string, from: { tarball: string } | "build"): void {
    const pkg = path.join(dir, "node_modules", "pulumi-kubefed");
    fs.rmSync(pkg, { recursive: true, force: true });
    fs.mkdirSync(pkg, { recursive: true });
    if (from === "build") {
        fs.cpSync(path.join(ROOT, "dist", "src"), path.join(pkg, "dist", "src"), { recursive: true });
        fs.copyFileSync(path.join(ROOT, "package.json"), path.join(pkg, "package.json"));
    } else {
        execFileSync("tar", ["xzf", from.tarball, "-C", pkg, "--strip-components=1"]);
    }
}
