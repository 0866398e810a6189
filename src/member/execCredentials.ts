/**
 * Exec credential plugins (`users[].user.exec`, ExecCredential v1 and v1beta1), run here rather than by client-node
 * (whose runner has no timeout, sets no `KUBERNETES_EXEC_INFO` and reports raw errors): time-boxed (default 10 s,
 * `ConnectOptions.execTimeoutMs` or env `PULUMI_KUBEFED_EXEC_TIMEOUT_MS`), `command` resolved on PATH or against the
 * kubeconfig's directory, the result cached in memory per process until `expirationTimestamp` (or a 401), failures
 * reported with the context, cluster and the plugin's own stderr, never with a credential.
 */
import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as path from "path";
import { asMapping } from "./json";
import { kubeconfigError } from "./kubeconfigError";

/** An exec credential plugin as configured (`users[].user.exec`), with `command` resolved. */
export interface ExecPlan {
    /** `context "c" (cluster "k", user "u")`: names only, for messages. */
    where: string;
    command: string;
    args: string[];
    env: Record<string, string>;
    apiVersion: string;
    installHint?: string;
    timeoutMs: number;
    /** Cache key (a hash of everything above and the cluster). */
    key: string;
    /** Strings never to print (static credentials of the same user entry). */
    secrets: string[];
}

/** The credential an exec plugin returned. */
export interface ExecCredential {
    token?: string;
    cert?: string;
    key?: string;
    /** ms since epoch; undefined = valid until rejected with a 401. */
    expiresAt?: number;
}

const EXEC_API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];
/** auth-provider name of users whose exec plugin this file runs (client-node's authenticators ignore it). */
export const EXEC_MARK = "pulumi-kubefed-exec";

/** Process-wide cache of exec credentials, keyed by {@link ExecPlan.key}. */
const execCache = new Map<string, ExecCredential>();
/** Exec plugin runs in flight (async), so concurrent clients run a plugin once. */
const execInFlight = new Map<string, Promise<ExecCredential>>();

/** Forgets every cached exec credential (tests; credential rotation). */
export function clearExecCredentialCache(): void {
    execCache.clear();
}
/** The time limit of one plugin run: `fromOptions` when positive, else env `PULUMI_KUBEFED_EXEC_TIMEOUT_MS`, else 10 s. */
export function defaultExecTimeoutMs(fromOptions?: number): number {
    if (typeof fromOptions === "number" && fromOptions > 0) return fromOptions;
    const fromEnv = Number(process.env.PULUMI_KUBEFED_EXEC_TIMEOUT_MS);
    return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 10_000;
}

/** Validates `users[].user.exec` and resolves its command. */
export function execPlan(raw: unknown, where: string, baseDir: string, timeoutMs: number,
    cluster: { server: string; insecure: boolean; tlsServerName?: string; caData?: string; proxyUrl?: string }, secrets: string[]): ExecPlan {
    const bad = (why: string): never => { throw kubeconfigError(`${where}: exec credential plugin: ${why}`); };
    const spec = asMapping(raw) ?? bad("exec is not a mapping");
    const rawCommand = typeof spec.command === "string" && spec.command !== "" ? spec.command : bad("no command");
    const apiVersion = typeof spec.apiVersion === "string" && EXEC_API_VERSIONS.includes(spec.apiVersion) ? spec.apiVersion : undefined;
    if (apiVersion === undefined) {
        return bad(`apiVersion ${JSON.stringify(spec.apiVersion ?? null)} is not supported (use ${EXEC_API_VERSIONS.join(" or ")})`);
    }
    if (spec.interactiveMode === "Always") bad("interactiveMode Always needs a terminal, which is not available here");
    const args: string[] = [];
    if (spec.args !== undefined && spec.args !== null) {
        const list: unknown = spec.args;
        if (!Array.isArray(list) || list.some((a: unknown) => typeof a !== "string")) return bad("args must be a list of strings");
        args.push(...(list as string[]));
    }
    const env: Record<string, string> = {};
    if (spec.env !== undefined && spec.env !== null) {
        const list: unknown = spec.env;
        if (!Array.isArray(list)) return bad("env must be a list of {name, value}");
        for (const raw of list) {
            const e = asMapping(raw);
            if (!e || typeof e.name !== "string" || e.name === "" || typeof e.value !== "string") return bad("env must be a list of {name, value} strings");
            env[e.name] = e.value;
        }
    }
    // client-go: a command with a path separator is relative to the kubeconfig's directory; a bare name is looked up on PATH
    const command = rawCommand.includes("/") ? path.resolve(baseDir, rawCommand) : rawCommand;
    const execCluster: Record<string, unknown> = { server: cluster.server };
    if (cluster.tlsServerName) execCluster["tls-server-name"] = cluster.tlsServerName;
    if (cluster.insecure) execCluster["insecure-skip-tls-verify"] = true;
    if (cluster.caData) execCluster["certificate-authority-data"] = cluster.caData;
    if (cluster.proxyUrl) execCluster["proxy-url"] = cluster.proxyUrl;
    const ext = spec.provideClusterInfo === true ? execCluster : undefined;
    const info = { apiVersion, kind: "ExecCredential", spec: { interactive: false, ...(ext ? { cluster: ext } : {}) } };
    env.KUBERNETES_EXEC_INFO = JSON.stringify(info);
    const key = crypto.createHash("sha256").update(JSON.stringify([command, args, env, apiVersion, cluster.server])).digest("hex");
    const plan: ExecPlan = { where, command, args, env, apiVersion, timeoutMs, key, secrets };
    if (typeof spec.installHint === "string" && spec.installHint.trim()) plan.installHint = spec.installHint.trim();
    return plan;
}

/** A plugin's stderr, fit for an error message: trimmed, one line, bounded, without PEM blocks or known secrets. */
function scrubStderr(stderr: string, secrets: string[]): string {
    let s = String(stderr ?? "").replace(/-----BEGIN [^-]*-----[\s\S]*?(-----END [^-]*-----|$)/g, "[PEM data removed]");
    for (const secret of secrets) if (secret) s = s.split(secret).join("[redacted]");
    s = s.replace(/\x1b\[[0-9;]*m/g, "").trim().replace(/\s*\n\s*/g, "; ");
    return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}

/** Turns the outcome of one plugin run into a credential, or throws a {@link KubeconfigError} naming the plugin. */
function execOutcome(plan: ExecPlan, r: { error?: NodeJS.ErrnoException; timedOut: boolean; code: number | null; signal: string | null; stdout: string; stderr: string }): ExecCredential {
    const name = `exec credential plugin "${plan.command}" of ${plan.where}`;
    const stderr = scrubStderr(r.stderr, plan.secrets);
    const tail = stderr ? `: ${stderr}` : "";
    if (r.timedOut) {
        throw kubeconfigError(`${name} did not finish within ${plan.timeoutMs / 1000} s and was stopped${tail}`);
    }
    if (r.error) {
        if (r.error.code === "ENOENT") {
            const hint = plan.installHint ? ` (${scrubStderr(plan.installHint, plan.secrets)})` : "";
            throw kubeconfigError(`${name}: command not found${plan.command.includes("/") ? "" : " on PATH"}${hint}`);
        }
        if (r.error.code === "EACCES") throw kubeconfigError(`${name}: command is not executable`);
        throw kubeconfigError(`${name} could not be run: ${r.error.code ?? r.error.message}`);
    }
    if (r.code !== 0) {
        throw kubeconfigError(`${name} failed (${r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`})${tail}`);
    }
    // never quote stdout: it is (or holds) the credential
    let parsed: unknown;
    try {
        parsed = JSON.parse(r.stdout);
    } catch {
        throw kubeconfigError(`${name} printed no ExecCredential JSON${tail}`);
    }
    const out = asMapping(parsed);
    if (!out || out.kind !== "ExecCredential") throw kubeconfigError(`${name} printed something other than an ExecCredential`);
    if (out.apiVersion !== plan.apiVersion) {
        throw kubeconfigError(`${name} returned apiVersion ${JSON.stringify(String(out.apiVersion ?? "")).slice(0, 80)}, but the kubeconfig asks for ${plan.apiVersion}`);
    }
    const st = asMapping(out.status);
    if (!st) throw kubeconfigError(`${name} returned an ExecCredential without status`);
    const cred: ExecCredential = {};
    if (typeof st.token === "string" && st.token) cred.token = st.token;
    const hasCert = typeof st.clientCertificateData === "string" && st.clientCertificateData !== "";
    const hasKey = typeof st.clientKeyData === "string" && st.clientKeyData !== "";
    if (hasCert !== hasKey) throw kubeconfigError(`${name} returned a client certificate without key or vice versa`);
    if (hasCert) {
        cred.cert = String(st.clientCertificateData);
        cred.key = String(st.clientKeyData);
    }
    if (!cred.token && !cred.cert) throw kubeconfigError(`${name} returned neither a token nor a client certificate and key`);
    if (st.expirationTimestamp !== undefined && st.expirationTimestamp !== null && st.expirationTimestamp !== "") {
        const t = Date.parse(String(st.expirationTimestamp));
        if (Number.isNaN(t)) throw kubeconfigError(`${name} returned an invalid expirationTimestamp`);
        cred.expiresAt = t;
    }
    return cred;
}

function cachedExecCredential(plan: ExecPlan): ExecCredential | undefined {
    const c = execCache.get(plan.key);
    if (c && (c.expiresAt === undefined || c.expiresAt > Date.now())) return c;
    if (c) execCache.delete(plan.key);
    return undefined;
}

function execEnv(plan: ExecPlan): NodeJS.ProcessEnv {
    return { ...process.env, ...plan.env };
}

/** Runs the plugin synchronously (`spawnSync`, killed after `timeoutMs`) unless a valid credential is cached. */
export function execCredentialSync(plan: ExecPlan): ExecCredential {
    const hit = cachedExecCredential(plan);
    if (hit) return hit;
    const r = childProcess.spawnSync(plan.command, plan.args, {
        env: execEnv(plan), stdio: ["ignore", "pipe", "pipe"], encoding: "utf8",
        timeout: plan.timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024, windowsHide: true,
    });
    const err = r.error as NodeJS.ErrnoException | undefined;
    const timedOut = err?.code === "ETIMEDOUT";
    const cred = execOutcome(plan, {
        error: timedOut ? undefined : err, timedOut, code: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "",
    });
    execCache.set(plan.key, cred);
    return cred;
}

/** Runs the plugin asynchronously (its process group is killed after `timeoutMs`) unless a valid credential is
 *  cached; concurrent callers share one run. */
export function execCredentialAsync(plan: ExecPlan): Promise<ExecCredential> {
    const hit = cachedExecCredential(plan);
    if (hit) return Promise.resolve(hit);
    const running = execInFlight.get(plan.key);
    if (running) return running;
    const p = new Promise<ExecCredential>((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        let done = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let child: childProcess.ChildProcess | undefined;
        const finish = (r: { error?: NodeJS.ErrnoException; timedOut: boolean; code: number | null; signal: string | null }): void => {
            if (done) return;
            done = true;
            if (timer) clearTimeout(timer);
            try {
                const cred = execOutcome(plan, { ...r, stdout, stderr });
                execCache.set(plan.key, cred);
                resolve(cred);
            } catch (e) {
                reject(e);
            }
        };
        try {
            child = childProcess.spawn(plan.command, plan.args, {
                env: execEnv(plan), stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32", windowsHide: true,
            });
        } catch (e) {
            finish({ error: e as NodeJS.ErrnoException, timedOut: false, code: null, signal: null });
            return;
        }
        child.stdout?.setEncoding("utf8");
        child.stderr?.setEncoding("utf8");
        child.stdout?.on("data", (d: string) => { if (stdout.length < 16 * 1024 * 1024) stdout += d; });
        child.stderr?.on("data", (d: string) => { if (stderr.length < 64 * 1024) stderr += d; });
        child.on("error", (e: NodeJS.ErrnoException) => finish({ error: e, timedOut: false, code: null, signal: null }));
        child.on("close", (code, signal) => finish({ timedOut: false, code, signal }));
        timer = setTimeout(() => {
            const pid = child?.pid;
            try {
                if (pid && process.platform !== "win32") process.kill(-pid, "SIGKILL"); // the plugin and its children
                else child?.kill("SIGKILL");
            } catch {
                child?.kill("SIGKILL");
            }
            finish({ timedOut: true, code: null, signal: "SIGKILL" });
        }, plan.timeoutMs);
    });
    execInFlight.set(plan.key, p);
    const clear = (): void => { execInFlight.delete(plan.key); };
    p.then(clear, clear);
    return p;
}

/** Forgets the cached credential of `plan` (the API server refused it: run the plugin again). */
export function forgetExecCredential(plan: ExecPlan): void {
    execCache.delete(plan.key);
}
