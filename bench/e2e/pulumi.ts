/**
 * Helpers shared by the end-to-end benchmark (bench/e2e.ts) and the end-to-end policy test
 * (test/e2e/policy.test.ts): drive a Pulumi project with the real CLI of the test bed against a local fleet.
 *
 * - Stacks live in a file backend in a temp dir; each stack's config is a file in that temp dir, passed with
 *   `--config-file` on every command, so nothing is left in the example directories (`pulumi stack init` writes a
 *   `Pulumi.<stack>.yaml` there, which is removed right away).
 * - The fleet is started with testbed/fleet.js in a temp dir, or an already running one is reused.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findTools, loadFleet, testbedEnv } from "../../test/integration/dynamic/testbed";
import { connect } from "../../src/dynamic/kube";

/** Root of the repository (this file runs from dist/bench/e2e). */
export const REPO = path.resolve(__dirname, "../../..");

/** Where the test-bed toolchain is, or why it can't be used. */
export function toolchain(): { tools: string; env: Record<string, string> } | { missing: string } {
    const found = findTools();
    if ("missing" in found) return found;
    return { tools: found.tools, env: testbedEnv(found.tools) };
}

/** One member of a fleet as the examples take it in their `clusters` config. */
export interface FleetCluster { name: string; context: string; labels: Record<string, string>; region?: string; zones: string[] }

/** A running fleet: its kubeconfig text, members, and how to stop it (a no-op for a reused fleet). */
export interface RunningFleet {
    dir: string;
    kubeconfig: string;
    clusters: FleetCluster[];
    reused: boolean;
    stop(): Promise<void>;
}

/** Reads a fleet's identity from `<dir>/fleet.json`. */
export function readFleet(dir: string): { kubeconfig: string; clusters: FleetCluster[] } {
    const state = JSON.parse(fs.readFileSync(path.join(dir, "fleet.json"), "utf8"));
    return {
        kubeconfig: fs.readFileSync(state.kubeconfig, "utf8"),
        clusters: state.clusters.map((c: any) => ({
            name: c.name, context: c.context ?? c.name, labels: c.labels ?? {}, region: c.region, zones: c.zones ?? [],
        })),
    };
}

/** Reuses the fleet in `reuseDir` when given, else starts one of `clusters` members in a fresh temp dir. */
export async function startOrReuseFleet(reuseDir: string | undefined, clusters = 3, prefix = "kubefed-e2e-"): Promise<RunningFleet> {
    if (reuseDir) {
        const f = readFleet(path.resolve(reuseDir));
        return { dir: path.resolve(reuseDir), ...f, reused: true, stop: async () => {} };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const fleet = loadFleet();
    await fleet.startFleet({ dir, clusters });
    const f = readFleet(dir);
    return { dir, ...f, reused: false, stop: async () => { await fleet.stopFleet(dir); } };
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
 * A stack of a Pulumi project directory in a file backend, with its config in `<workDir>/Pulumi.<stack>.yaml`.
 * The environment is the test bed's (PATH with the pinned CLI and plugins, PULUMI_HOME, offline flags), plus the
 * backend URL, a passphrase and PULUMI_NODEJS_TRANSPILE_ONLY=true.
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

/** Collections listed when looking for objects the library created (kinds the examples use). */
export const MANAGED_COLLECTIONS = [
    "/api/v1/namespaces", "/api/v1/configmaps", "/api/v1/services", "/api/v1/secrets",
    "/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets", "/apis/apps/v1/replicasets",
];

/** `<namespace>/<name> (<collection>)` of every object labelled `kubefed.io/managed=true` in the cluster of
 *  `context`, optionally narrowed by an extra label selector (e.g. `app.kubernetes.io/part-of=…`). */
export async function listManaged(kubeconfig: string, context: string, extraSelector?: string,
                                  collections: string[] = MANAGED_COLLECTIONS): Promise<string[]> {
    const client = connect(kubeconfig, context);
    const selector = encodeURIComponent(["kubefed.io/managed=true", ...(extraSelector ? [extraSelector] : [])].join(","));
    const found: string[] = [];
    for (const c of collections) {
        const res = await client.request("GET", `${c}?labelSelector=${selector}`);
        if (res.status !== 200) throw new Error(`GET ${c} in ${context}: HTTP ${res.status} ${res.text?.slice(0, 200) ?? ""}`);
        const items = ((res.body as { items?: { metadata: { name: string; namespace?: string } }[] })?.items) ?? [];
        for (const it of items) found.push(`${it.metadata.namespace ? it.metadata.namespace + "/" : ""}${it.metadata.name} (${c.split("/").pop()})`);
    }
    return found;
}
