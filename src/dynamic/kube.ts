/**
 * The one Kubernetes client of this package: everything read or written outside the Kubernetes provider (health,
 * status, drift, orphaning, join token, replica observation, CLI) goes through {@link connect} / {@link connectAsync}.
 *
 * Transport, TLS, proxies and credentials are `@kubernetes/client-node` (pinned 1.4.0: 2.x needs Node 22): the
 * selected context is loaded into a `KubeConfig`, each request is a `RequestContext` authenticated by
 * `KubeConfig.applySecurityAuthentication` and sent by the library's `IsomorphicFetchHttpLibrary`. This file adds
 * what the library leaves out or gets differently from client-go (and therefore from the Kubernetes provider):
 * - kubeconfig text (YAML/JSON) **or** a path to a file, parsed without ever quoting its content in errors;
 * - only the selected context is validated, and every problem is a {@link KubeconfigError} raised by `connect`;
 * - `tokenFile` and relative file references resolved against the kubeconfig's directory;
 * - plain `http://` servers (client-node refuses them unless `insecure-skip-tls-verify`);
 * - exec credential plugins run here, not by client-node (whose runner has no timeout, sets no
 *   `KUBERNETES_EXEC_INFO` and reports raw errors): time-boxed (default 10 s, `ConnectOptions.execTimeoutMs` or env
 *   `PULUMI_KUBEFED_EXEC_TIMEOUT_MS`), `command` resolved on PATH or against the kubeconfig's directory, result cached
 *   in memory until `expirationTimestamp` (or a 401), failures reported with the context, cluster and the plugin's
 *   own stderr, never with a credential.
 * `auth-provider` users are left to client-node (`oidc`, `azure`, `gcp`); other auth-providers are refused.
 *
 * client-node is an ES module; Node ≥ 20.19 `require`s it. It is loaded on first use (it takes ~0.5 s), so importing
 * this package stays cheap.
 */
import * as childProcess from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type * as K8s from "@kubernetes/client-node";
import type { ClusterObservation } from "./observations";

let k8sModule: typeof K8s | undefined;

/** `@kubernetes/client-node`, required once on first use. */
function k8s(): typeof K8s {
    if (!k8sModule) k8sModule = require("@kubernetes/client-node") as typeof K8s;
    return k8sModule;
}

/** What a client is connected to (no credentials: safe to log and to return as outputs). */
export interface KubeConnection {
    /** Name of the context used. */
    contextName: string;
    /** Name of the kubeconfig cluster entry used. */
    clusterName: string;
    /** Name of the kubeconfig user entry used (`""` when the context names none). */
    userName: string;
    /** API server URL without trailing slash, e.g. `https://127.0.0.1:6443`. */
    server: string;
    /** PEM CA bundle (`certificate-authority(-data)`); public data, not a credential. */
    ca?: string;
    /** `insecure-skip-tls-verify`. */
    insecure: boolean;
    /** `tls-server-name`. */
    tlsServerName?: string;
    /** `proxy-url`. */
    proxyUrl?: string;
    /** Namespace of the context (default for namespaced objects without one). */
    namespace?: string;
    /** How the user authenticates. */
    auth: "none" | "token" | "tokenFile" | "basic" | "clientCertificate" | "exec" | "authProvider";
}

/** An error building a connection from a kubeconfig (KubeFed: `ClusterConfigMalformed`/`ClientRetrievalFailed`). */
export interface KubeconfigError extends Error {
    kubeconfigError: true;
}

/** Response of {@link KubeClient.request}. `body` is parsed JSON when the server sent JSON, else the text. */
export interface KubeResponse {
    status: number;
    body: unknown;
    text: string;
}

export interface RequestOptions {
    /** Content type of the body; default `application/json`. Use `application/merge-patch+json` for merge patches. */
    contentType?: string;
    /** Timeout for the whole request (connect + response), default 10 000 ms. */
    timeoutMs?: number;
}

/** Options of {@link connect} / {@link connectAsync}. */
export interface ConnectOptions {
    /** Time limit of one run of an exec credential plugin; default env `PULUMI_KUBEFED_EXEC_TIMEOUT_MS`, else 10 000. */
    execTimeoutMs?: number;
}

/** Where a kind is served: its plural resource name and whether it is namespaced. */
export interface ResourceInfo {
    plural: string;
    namespaced: boolean;
}

/** Reference to one object. */
export interface ObjectRef {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
}

/** A client bound to one cluster. Create one per provider call: discovery results are cached on it. */
export interface KubeClient {
    readonly connection: KubeConnection;
    /** Raw request. Resolves for every HTTP status; rejects on connection errors and timeouts (plain errors), and
     *  with a {@link KubeconfigError} when credentials cannot be obtained (e.g. an exec plugin fails on refresh). */
    request(method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<KubeResponse>;
    /** Plural and scope of `kind` in `apiVersion` (`/api/v1` or `/apis/<group>/<version>`); `undefined` when the
     *  group/version or the kind is not served. Rejects on connection errors and unexpected statuses. */
    discover(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
    /** REST path of an object, or `undefined` when its kind is not served. */
    objectPath(ref: ObjectRef): Promise<string | undefined>;
    /** REST path of a collection (e.g. pods in a namespace), or `undefined` when the kind is not served. */
    collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string | undefined>;
}

/** Makes an error flagged as a kubeconfig problem. */
export function kubeconfigError(message: string): KubeconfigError {
    const e = new Error(message) as KubeconfigError;
    e.kubeconfigError = true;
    return e;
}

/** Whether `e` was raised because the kubeconfig could not be turned into a client. */
export function isKubeconfigError(e: unknown): boolean {
    return !!e && typeof e === "object" && (e as { kubeconfigError?: unknown }).kubeconfigError === true;
}

/** Parses YAML or JSON text. */
export function parseYamlText(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith("{")) return JSON.parse(trimmed);
    return YAML.parse(text);
}

/**
 * Reads a kubeconfig: the text itself, or — when `text` is a single line naming an existing file — that file
 * (relative paths inside it are resolved against its directory). Returns the parsed document and the base directory
 * for relative file references (the current directory for kubeconfig text).
 */
export function loadKubeconfig(text: string): { doc: Mapping; baseDir: string } {
    if (typeof text !== "string" || text.trim() === "") {
        throw kubeconfigError("kubeconfig is empty");
    }
    let content = text;
    let baseDir = process.cwd();
    const single = text.trim();
    if (!single.includes("\n") && !single.startsWith("{") && !single.includes(": ")) {
        let isFile = false;
        try {
            isFile = fs.statSync(single).isFile();
        } catch {
            isFile = false;
        }
        if (!isFile) {
            // never echo the value: it may be a (base64) credential
            throw kubeconfigError("kubeconfig is neither kubeconfig text nor the path of an existing file");
        }
        content = fs.readFileSync(single, "utf8");
        baseDir = path.dirname(path.resolve(single));
    }
    let doc: unknown;
    try {
        doc = parseYamlText(content);
    } catch (e) {
        // first line only: YAML errors quote the offending source lines, which may hold credentials
        throw kubeconfigError(`kubeconfig is not valid YAML: ${String((e as Error).message).split("\n")[0]}`);
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
        throw kubeconfigError("kubeconfig is not a YAML mapping");
    }
    return { doc: doc as Mapping, baseDir };
}

/** A YAML/JSON mapping as parsed: every field is checked where it is read. */
export type Mapping = Record<string, unknown>;

/** `v` when it is a mapping (not null, not an array), else undefined. */
export function asMapping(v: unknown): Mapping | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Mapping : undefined;
}

/** An exec credential plugin as configured (`users[].user.exec`), with `command` resolved. */
interface ExecPlan {
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
interface ExecCredential {
    token?: string;
    cert?: string;
    key?: string;
    /** ms since epoch; undefined = valid until rejected with a 401. */
    expiresAt?: number;
}

/** Everything needed to build a client for one context; internal. */
interface Prepared {
    conn: KubeConnection;
    cluster: K8s.Cluster;
    user: K8s.User;
    context: K8s.Context;
    exec?: ExecPlan;
}

const EXEC_API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];
/** auth-provider names client-node 1.4.0 implements. */
const AUTH_PROVIDERS = ["oidc", "azure", "gcp"];
/** auth-provider name of users whose exec plugin this file runs (client-node's authenticators ignore it). */
const EXEC_MARK = "pulumi-kubefed-exec";

/** Process-wide cache of exec credentials, keyed by {@link ExecPlan.key}. */
const execCache = new Map<string, ExecCredential>();
/** Exec plugin runs in flight (async), so concurrent clients run a plugin once. */
const execInFlight = new Map<string, Promise<ExecCredential>>();

/** Forgets every cached exec credential (tests; credential rotation). */
export function clearExecCredentialCache(): void {
    execCache.clear();
}

function defaultExecTimeoutMs(opts?: ConnectOptions): number {
    const fromOpts = opts?.execTimeoutMs;
    if (typeof fromOpts === "number" && fromOpts > 0) return fromOpts;
    const fromEnv = Number(process.env.PULUMI_KUBEFED_EXEC_TIMEOUT_MS);
    return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 10_000;
}

/** Selects the context and validates it into a {@link Prepared}; throws a {@link KubeconfigError}. */
function prepare(text: string, context: string | undefined, opts?: ConnectOptions): Prepared {
    const { doc, baseDir } = loadKubeconfig(text);
    const named = (list: unknown, name: string, what: string): Mapping => {
        if (!Array.isArray(list)) throw kubeconfigError(`kubeconfig has no ${what}s list`);
        const hit = list.map(asMapping).find((e) => e?.name === name);
        if (!hit) throw kubeconfigError(`kubeconfig has no ${what} named "${name}"`);
        const v = asMapping(hit[what] ?? {});
        if (!v) throw kubeconfigError(`kubeconfig ${what} "${name}" is not a mapping`);
        return v;
    };
    const contextName = context || doc["current-context"];
    if (!contextName || typeof contextName !== "string") {
        throw kubeconfigError("kubeconfig has no current-context and no context was given");
    }
    const ctx = named(doc.contexts, contextName, "context");
    if (!ctx.cluster || typeof ctx.cluster !== "string") throw kubeconfigError(`context "${contextName}" names no cluster`);
    const clusterName: string = ctx.cluster;
    const userName: string = typeof ctx.user === "string" ? ctx.user : "";
    const cluster = named(doc.clusters, clusterName, "cluster");
    const user: Mapping = userName ? named(doc.users, userName, "user") : {};
    const where = `context "${contextName}" (cluster "${clusterName}"${userName ? `, user "${userName}"` : ""})`;
    const server = cluster.server;
    if (!server || typeof server !== "string") throw kubeconfigError(`cluster "${clusterName}" has no server`);
    if (!/^https?:\/\/[^/]/i.test(server)) throw kubeconfigError(`cluster "${clusterName}" server is not an http(s) URL`);
    const readFile = (file: unknown, what: string): Buffer => {
        if (typeof file !== "string") throw kubeconfigError(`${where}: ${what} is not a string`);
        try {
            return fs.readFileSync(path.resolve(baseDir, file));
        } catch (e) {
            throw kubeconfigError(`${where}: cannot read ${what} file: ${(e as Error).message}`);
        }
    };
    /** base64 of `<key>-data` or of the file `<key>` (client-node wants base64). */
    const pick = (obj: Mapping, key: string): string | undefined => {
        const data = obj[`${key}-data`];
        if (data !== undefined && data !== null && data !== "") {
            if (typeof data !== "string") throw kubeconfigError(`${where}: ${key}-data is not a string`);
            return data.replace(/\s+/g, "");
        }
        if (obj[key]) return readFile(obj[key], key).toString("base64");
        return undefined;
    };

    const insecure = cluster["insecure-skip-tls-verify"] === true || cluster["insecure-skip-tls-verify"] === "true";
    const caData = pick(cluster, "certificate-authority");
    const tlsServerName = typeof cluster["tls-server-name"] === "string" && cluster["tls-server-name"] ? cluster["tls-server-name"] as string : undefined;
    let proxyUrl: string | undefined;
    if (cluster["proxy-url"] !== undefined && cluster["proxy-url"] !== "") {
        const p = cluster["proxy-url"];
        if (typeof p !== "string" || !/^(https?|socks5?h?):\/\/[^/]/i.test(p)) {
            throw kubeconfigError(`cluster "${clusterName}": proxy-url must be an http, https or socks5 URL`);
        }
        proxyUrl = p;
    }

    const certData = pick(user, "client-certificate");
    const keyData = pick(user, "client-key");
    if (!!certData !== !!keyData) throw kubeconfigError(`${where}: client certificate without key or vice versa`);
    let token: string | undefined = typeof user.token === "string" && user.token ? user.token : undefined;
    let auth: KubeConnection["auth"] = token ? "token" : "none";
    const tokenFile = user.tokenFile ?? user["token-file"];
    if (!token && tokenFile) {
        token = readFile(tokenFile, "tokenFile").toString("utf8").trim();
        if (!token) throw kubeconfigError(`${where}: tokenFile is empty`);
        auth = "tokenFile";
    }
    const basic = typeof user.username === "string" && user.username !== "" && typeof user.password === "string";
    if (!token && basic) auth = "basic";
    if (auth === "none" && certData) auth = "clientCertificate";
    const secrets = [token, typeof user.password === "string" ? user.password : undefined, keyData]
        .filter((s): s is string => typeof s === "string" && s.length >= 4);

    let authProvider: unknown;
    let exec: ExecPlan | undefined;
    const ap = user["auth-provider"];
    const apMap = asMapping(ap);
    const apExec = asMapping(apMap?.config)?.exec;
    const execSpec = user.exec ?? (apMap && (apMap.name === "exec" || apExec) ? apExec : undefined);
    if (execSpec !== undefined && execSpec !== null) {
        exec = execPlan(execSpec, where, baseDir, defaultExecTimeoutMs(opts), { server, insecure, tlsServerName, caData, proxyUrl }, secrets);
        if (!token) auth = "exec";
    } else if (ap !== undefined && ap !== null) {
        if (!apMap || typeof apMap.name !== "string") throw kubeconfigError(`${where}: auth-provider has no name`);
        if (!AUTH_PROVIDERS.includes(apMap.name)) {
            throw kubeconfigError(`${where}: auth-provider "${apMap.name}" is not supported (supported: ${AUTH_PROVIDERS.join(", ")}; use an exec credential plugin)`);
        }
        authProvider = ap;
        if (!token) auth = "authProvider";
    }

    const conn: KubeConnection = {
        contextName, clusterName, userName,
        server: server.replace(/\/+$/, ""),
        insecure,
        auth,
    };
    if (caData) conn.ca = Buffer.from(caData, "base64").toString("utf8");
    if (tlsServerName) conn.tlsServerName = tlsServerName;
    if (proxyUrl) conn.proxyUrl = proxyUrl;
    if (typeof ctx.namespace === "string" && ctx.namespace) conn.namespace = ctx.namespace;

    const k8sCluster: K8s.Cluster = {
        name: clusterName,
        server: conn.server,
        caData,
        // client-node refuses http:// servers unless TLS verification is off; there is no TLS to verify on them
        skipTLSVerify: insecure || conn.server.toLowerCase().startsWith("http:"),
        tlsServerName,
        proxyUrl,
    };
    const k8sUser: K8s.User = {
        name: userName || "<none>",
        certData,
        keyData,
        token,
        username: basic ? String(user.username) : undefined,
        password: basic ? String(user.password) : undefined,
        impersonateUser: typeof user.as === "string" && user.as ? user.as : undefined,
        authProvider: exec ? { name: EXEC_MARK, config: {} } : authProvider,
    };
    const k8sContext: K8s.Context = { name: contextName, cluster: clusterName, user: k8sUser.name, namespace: conn.namespace };
    return { conn, cluster: k8sCluster, user: k8sUser, context: k8sContext, exec };
}

/** Validates `users[].user.exec` and resolves its command. */
function execPlan(raw: unknown, where: string, baseDir: string, timeoutMs: number,
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
function execCredentialSync(plan: ExecPlan): ExecCredential {
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
function execCredentialAsync(plan: ExecPlan): Promise<ExecCredential> {
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

/** Selects the context (default: `current-context`) and returns what the client will connect to, without
 *  credentials and without running any exec plugin. Throws a {@link KubeconfigError} on anything missing, unreadable
 *  or unsupported. */
export function parseKubeconfig(text: string, context?: string): KubeConnection {
    return prepare(text, context).conn;
}

/** Splits `apiVersion` into group and version (`"v1"` → core). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
    const i = apiVersion.lastIndexOf("/");
    if (i < 0) return { group: "", version: apiVersion };
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Discovery path of a group/version: `/api/v1` for the core group, else `/apis/<group>/<version>`. */
export function groupVersionPath(apiVersion: string): string {
    const { group, version } = splitApiVersion(apiVersion);
    return group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** Short, single-line description of an HTTP failure. */
export function describeHttpError(res: KubeResponse): string {
    const message = asMapping(res.body)?.message;
    const msg = typeof message === "string" ? message : res.text;
    return `HTTP ${res.status}${msg ? `: ${String(msg).replace(/\s+/g, " ").slice(0, 200)}` : ""}`;
}

/** Builds the client of a prepared context. */
function makeClient(p: Prepared): KubeClient {
    const lib = k8s();
    const kc = new lib.KubeConfig();
    kc.loadFromOptions({ clusters: [p.cluster], users: [p.user], contexts: [p.context], currentContext: p.context.name });
    const exec = p.exec;
    if (exec) {
        kc.addAuthenticator({
            isAuthProvider: (u: K8s.User) => !!u && u.authProvider?.name === EXEC_MARK,
            applyAuthentication: async (_u: K8s.User, o: import("https").RequestOptions) => {
                const cred = await execCredentialAsync(exec);
                if (cred.cert && cred.key) {
                    o.cert = cred.cert;
                    o.key = cred.key;
                }
                if (cred.token) o.headers = { ...(o.headers ?? {}), Authorization: `Bearer ${cred.token}` };
            },
        });
    }
    const http = new lib.IsomorphicFetchHttpLibrary();
    const send = async (method: string, urlPath: string, body: unknown, opts: RequestOptions | undefined, retried: boolean): Promise<KubeResponse> => {
        const ctx = new lib.RequestContext(p.conn.server + urlPath, method.toUpperCase() as K8s.HttpMethod);
        ctx.setHeaderParam("Accept", "application/json");
        if (body !== undefined) {
            ctx.setHeaderParam("Content-Type", opts?.contentType ?? "application/json");
            ctx.setBody(typeof body === "string" ? body : JSON.stringify(body));
        }
        try {
            await kc.applySecurityAuthentication(ctx);
        } catch (e) {
            if (isKubeconfigError(e)) throw e;
            throw kubeconfigError(`${exec?.where ?? `context "${p.conn.contextName}"`}: cannot get credentials: ${String((e as Error).message ?? e).split("\n")[0].slice(0, 300)}`);
        }
        const timeoutMs = opts?.timeoutMs ?? 10_000;
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), timeoutMs);
        ctx.setSignal(abort.signal);
        let res: KubeResponse;
        try {
            const r = await http.send(ctx).toPromise();
            const text = await r.body.text();
            let parsed: unknown = text;
            if (String(r.headers["content-type"] ?? "").includes("json") && text) {
                try {
                    parsed = JSON.parse(text);
                } catch {
                    parsed = text;
                }
            }
            res = { status: r.httpStatusCode, body: parsed, text };
        } catch (e) {
            if (abort.signal.aborted) {
                const t = new Error(`request ${method} ${urlPath} timed out after ${timeoutMs} ms`);
                (t as Error & { code?: string }).code = "ETIMEDOUT";
                throw t;
            }
            throw e;
        } finally {
            clearTimeout(timer);
        }
        // an exec credential may have been revoked before its expiry: run the plugin again, once
        if (res.status === 401 && exec && !retried) {
            execCache.delete(exec.key);
            return send(method, urlPath, body, opts, true);
        }
        return res;
    };
    const request = (method: string, urlPath: string, body?: unknown, opts?: RequestOptions): Promise<KubeResponse> =>
        send(method, urlPath, body, opts, false);

    // group/version → its resource list (undefined = not served); cached on this client only
    const cache = new Map<string, Promise<{ name: string; kind: string; namespaced?: boolean }[] | undefined>>();
    const discover = async (apiVersion: string, kind: string): Promise<ResourceInfo | undefined> => {
        let hit = cache.get(apiVersion);
        if (!hit) {
            hit = (async () => {
                const res = await request("GET", groupVersionPath(apiVersion));
                if (res.status === 404) return undefined;
                const body = asMapping(res.body);
                if (res.status !== 200 || !body) {
                    throw new Error(`discovery of ${apiVersion} failed: ${describeHttpError(res)}`);
                }
                return Array.isArray(body.resources) ? body.resources as { name: string; kind: string; namespaced?: boolean }[] : [];
            })();
            cache.set(apiVersion, hit);
            hit.catch(() => cache.delete(apiVersion));
        }
        const list = await hit;
        const r = (list ?? []).find((x) => x && x.kind === kind && typeof x.name === "string" && !x.name.includes("/"));
        return r ? { plural: r.name, namespaced: r.namespaced === true } : undefined;
    };
    const collectionPath = async (apiVersion: string, kind: string, namespace?: string): Promise<string | undefined> => {
        const info = await discover(apiVersion, kind);
        if (!info) return undefined;
        const base = groupVersionPath(apiVersion);
        if (!info.namespaced) return `${base}/${info.plural}`;
        const ns = namespace || p.conn.namespace || "default";
        return `${base}/namespaces/${encodeURIComponent(ns)}/${info.plural}`;
    };
    const objectPath = async (ref: ObjectRef): Promise<string | undefined> => {
        const coll = await collectionPath(ref.apiVersion, ref.kind, ref.namespace);
        return coll === undefined ? undefined : `${coll}/${encodeURIComponent(ref.name)}`;
    };
    return { connection: { ...p.conn }, request, discover, objectPath, collectionPath };
}

/**
 * Builds a client for the cluster of `context` (default: current context) in `kubeconfig` (text or a file path).
 * Throws a {@link KubeconfigError} when the kubeconfig is unusable. When the user has an exec credential plugin and no
 * valid credential is cached, the plugin runs **synchronously** here (time-boxed, see {@link ConnectOptions}), so its
 * failure is a `KubeconfigError` of `connect`; prefer {@link connectAsync} in async code to keep the event loop free.
 * Discovery results are cached on the returned object.
 */
export function connect(kubeconfig: string, context?: string, opts?: ConnectOptions): KubeClient {
    const p = prepare(kubeconfig, context, opts);
    if (p.exec) execCredentialSync(p.exec);
    return makeClient(p);
}

/** {@link connect}, but an exec credential plugin runs asynchronously. Rejects with a {@link KubeconfigError} when
 *  the kubeconfig is unusable or the plugin is missing, fails or hangs. */
export async function connectAsync(kubeconfig: string, context?: string, opts?: ConnectOptions): Promise<KubeClient> {
    const p = prepare(kubeconfig, context, opts);
    if (p.exec) await execCredentialAsync(p.exec);
    return makeClient(p);
}

/** What one read of an object in one cluster found (the shape of `ClusterObservation` in `observations.ts`). */
export type ObjectObservation = ClusterObservation;

/**
 * Reads one object from the cluster `name` (never throws): kubeconfig problems (including a failing exec plugin) →
 * `configError`, transport failures → `unreachable`, 404 or a kind that is not served → `notFound`, other HTTP
 * errors → `retrievalFailed`.
 */
export async function observeObject(name: string, kubeconfig: string, context: string | undefined, ref: ObjectRef, timeoutMs?: number): Promise<ObjectObservation> {
    let client: KubeClient;
    try {
        client = await connectAsync(kubeconfig, context || undefined);
    } catch (e) {
        return { name, outcome: "configError", error: String((e as Error).message ?? e) };
    }
    return readObjectWith(client, name, ref, timeoutMs);
}

/** {@link observeObject} with a client already connected (several reads share its discovery and credentials). */
export async function readObjectWith(client: KubeClient, name: string, ref: ObjectRef, timeoutMs?: number): Promise<ObjectObservation> {
    try {
        const p = await client.objectPath(ref);
        if (p === undefined) return { name, outcome: "notFound", error: `${ref.kind} is not served by ${ref.apiVersion} in this cluster` };
        const res = await client.request("GET", p, undefined, { timeoutMs: timeoutMs ?? 10_000 });
        if (res.status === 404) return { name, outcome: "notFound" };
        const live = asMapping(res.body);
        if (res.status !== 200 || !live) {
            return { name, outcome: "retrievalFailed", error: `GET ${p}: ${describeHttpError(res)}` };
        }
        return { name, outcome: "found", live };
    } catch (e) {
        const msg = String((e as Error).message ?? e);
        if (isKubeconfigError(e)) return { name, outcome: "configError", error: msg };
        // discovery answered with an unexpected HTTP status: the server is reachable
        if (msg.startsWith("discovery of ")) return { name, outcome: "retrievalFailed", error: msg };
        return { name, outcome: "unreachable", error: msg };
    }
}

/** The managed-label removal patch (JSON merge patch) used for orphaning. */
export const REMOVE_MANAGED_LABEL_PATCH = { metadata: { labels: { "kubefed.io/managed": null } } };

/**
 * Removes the `kubefed.io/managed` label from one object (JSON merge patch). Resolves `"removed"`, or `"absent"` when
 * the object or its kind does not exist (404). Throws on kubeconfig problems, unreachable clusters and other HTTP
 * errors, so the caller can keep its state and let the user retry.
 */
export async function removeManagedLabel(name: string, kubeconfig: string, context: string | undefined, ref: ObjectRef): Promise<"removed" | "absent"> {
    let client: KubeClient;
    try {
        client = await connectAsync(kubeconfig, context || undefined);
    } catch (e) {
        throw new Error(`cluster ${name}: cannot build a client: ${(e as Error).message}`);
    }
    let p: string | undefined;
    try {
        p = await client.objectPath(ref);
    } catch (e) {
        throw new Error(`cluster ${name}: ${(e as Error).message}`);
    }
    if (p === undefined) return "absent";
    let res: KubeResponse;
    try {
        res = await client.request("PATCH", p, REMOVE_MANAGED_LABEL_PATCH, { contentType: "application/merge-patch+json" });
    } catch (e) {
        throw new Error(`cluster ${name}: removing label kubefed.io/managed from ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} failed: ${(e as Error).message}`);
    }
    if (res.status === 404) return "absent";
    if (res.status < 200 || res.status >= 300) {
        throw new Error(`cluster ${name}: removing label kubefed.io/managed from ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} failed: ${describeHttpError(res)}`);
    }
    return "removed";
}
