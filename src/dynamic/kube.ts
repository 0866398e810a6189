/**
 * A minimal Kubernetes REST client built from kubeconfig text, for the dynamic providers of this package.
 *
 * Serialization rules (see `src/dynamic/README.md`): this file is captured **by value** into the `__provider` text
 * of every dynamic resource, so it must stay dependency-free at module level:
 * - only `export function` declarations calling each other directly (no `exports.x`, no imports of local modules);
 * - Node built-ins (`https`, `http`, `fs`, `path`) and `yaml` are `require`d inside the functions that use them;
 * - no module-level mutable state (discovery results are cached on the client object, i.e. per provider call).
 *
 * Supported kubeconfig features: `clusters[].cluster.{server, certificate-authority(-data), insecure-skip-tls-verify,
 * tls-server-name}`, `users[].user.{client-certificate(-data), client-key(-data), token, tokenFile, username,
 * password}`, `contexts[].context.{cluster, user, namespace}`, `current-context`. Not supported: `exec` and
 * `auth-provider` credential plugins, proxies.
 */

/** Where `yaml` was found when this module was loaded; a fallback for when the dynamic-provider host (which runs
 *  with the project directory as cwd) cannot resolve `yaml` from there. Captured by value as a plain string. */
const YAML_MODULE_PATH: string = resolveYamlPath();

function resolveYamlPath(): string {
    try {
        return require.resolve("yaml");
    } catch {
        return "";
    }
}

/** Connection settings extracted from a kubeconfig (credentials in memory only; never return these as outputs). */
export interface KubeConnection {
    /** Name of the context used. */
    contextName: string;
    /** Name of the kubeconfig cluster entry used. */
    clusterName: string;
    /** API server URL without trailing slash, e.g. `https://127.0.0.1:6443`. */
    server: string;
    /** PEM CA bundle. */
    ca?: string;
    /** PEM client certificate. */
    cert?: string;
    /** PEM client key. */
    key?: string;
    /** Bearer token. */
    token?: string;
    /** Basic auth (`username:password`). */
    basicAuth?: string;
    /** `insecure-skip-tls-verify`. */
    insecure: boolean;
    /** `tls-server-name`. */
    tlsServerName?: string;
    /** Namespace of the context (default for namespaced objects without one). */
    namespace?: string;
}

/** An error building a connection from a kubeconfig (KubeFed: `ClusterConfigMalformed`/`ClientRetrievalFailed`). */
export interface KubeconfigError extends Error {
    kubeconfigError: true;
}

/** Response of {@link KubeClient.request}. `body` is parsed JSON when the server sent JSON, else the text. */
export interface KubeResponse {
    status: number;
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    text: string;
}

export interface RequestOptions {
    /** Content type of the body; default `application/json`. Use `application/merge-patch+json` for merge patches. */
    contentType?: string;
    /** Timeout for the whole request (connect + response), default 10 000 ms. */
    timeoutMs?: number;
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
    /** Raw request. Resolves for every HTTP status; rejects on connection errors and timeouts. */
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

/** Parses YAML or JSON text. `yaml` is required lazily (see the file comment). */
export function parseYamlText(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith("{")) {
        return JSON.parse(trimmed);
    }
    let yaml: { parse(s: string): unknown } | undefined;
    const candidates = ["yaml", YAML_MODULE_PATH];
    for (const c of candidates) {
        if (!c) continue;
        try {
            yaml = require(c);
            break;
        } catch {
            // try the next one
        }
    }
    if (!yaml) {
        throw kubeconfigError("cannot load the 'yaml' module to parse the kubeconfig (install 'yaml' in the project)");
    }
    return yaml.parse(text);
}

/**
 * Reads a kubeconfig: the text itself, or — when `text` is a single line naming an existing file — that file
 * (relative paths inside it are resolved against its directory). Returns the parsed document and the base directory
 * for relative file references.
 */
export function loadKubeconfig(text: string): { doc: any; baseDir: string } { // eslint-disable-line @typescript-eslint/no-explicit-any
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
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
        if (isKubeconfigError(e)) throw e;
        // first line only: YAML errors quote the offending source lines, which may hold credentials
        throw kubeconfigError(`kubeconfig is not valid YAML: ${String((e as Error).message).split("\n")[0]}`);
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
        throw kubeconfigError("kubeconfig is not a YAML mapping");
    }
    return { doc, baseDir };
}

/** Selects the context (default: `current-context`) and extracts connection settings. Throws a
 *  {@link KubeconfigError} on anything missing or unsupported. */
export function parseKubeconfig(text: string, context?: string): KubeConnection {
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const { doc, baseDir } = loadKubeconfig(text);
    const named = (list: unknown, name: string, what: string): any => { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (!Array.isArray(list)) throw kubeconfigError(`kubeconfig has no ${what}s list`);
        const hit = list.find((e) => e && typeof e === "object" && e.name === name);
        if (!hit) throw kubeconfigError(`kubeconfig has no ${what} named "${name}"`);
        return hit[what] ?? {};
    };
    const contextName = context || doc["current-context"];
    if (!contextName || typeof contextName !== "string") {
        throw kubeconfigError("kubeconfig has no current-context and no context was given");
    }
    const ctx = named(doc.contexts, contextName, "context");
    if (!ctx.cluster) throw kubeconfigError(`context "${contextName}" names no cluster`);
    const cluster = named(doc.clusters, ctx.cluster, "cluster");
    const user = ctx.user ? named(doc.users, ctx.user, "user") : {};
    const server = cluster.server;
    if (!server || typeof server !== "string") throw kubeconfigError(`cluster "${ctx.cluster}" has no server`);
    if (!/^https?:\/\//i.test(server)) throw kubeconfigError(`cluster "${ctx.cluster}" server is not an http(s) URL`);
    const readFile = (file: string, what: string): string => {
        try {
            return fs.readFileSync(path.resolve(baseDir, file), "utf8");
        } catch (e) {
            throw kubeconfigError(`cannot read ${what} file: ${(e as Error).message}`);
        }
    };
    const b64 = (data: unknown, what: string): string => {
        if (typeof data !== "string") throw kubeconfigError(`${what} is not a string`);
        return Buffer.from(data, "base64").toString("utf8");
    };
    const pick = (obj: any, key: string, what: string): string | undefined => { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (obj[`${key}-data`]) return b64(obj[`${key}-data`], `${key}-data`);
        if (obj[key]) return readFile(obj[key], what);
        return undefined;
    };
    if (user.exec) throw kubeconfigError(`user of context "${contextName}" uses an exec credential plugin, which is not supported`);
    if (user["auth-provider"]) throw kubeconfigError(`user of context "${contextName}" uses an auth-provider, which is not supported`);
    let token: string | undefined = typeof user.token === "string" && user.token ? user.token : undefined;
    if (!token && typeof user.tokenFile === "string" && user.tokenFile) token = readFile(user.tokenFile, "tokenFile").trim();
    const conn: KubeConnection = {
        contextName,
        clusterName: ctx.cluster,
        server: server.replace(/\/+$/, ""),
        insecure: cluster["insecure-skip-tls-verify"] === true || cluster["insecure-skip-tls-verify"] === "true",
    };
    const ca = pick(cluster, "certificate-authority", "certificate-authority");
    if (ca) conn.ca = ca;
    const cert = pick(user, "client-certificate", "client-certificate");
    if (cert) conn.cert = cert;
    const key = pick(user, "client-key", "client-key");
    if (key) conn.key = key;
    if (!!conn.cert !== !!conn.key) throw kubeconfigError(`user of context "${contextName}" has a client certificate without key or vice versa`);
    if (token) conn.token = token;
    if (typeof user.username === "string" && typeof user.password === "string") conn.basicAuth = `${user.username}:${user.password}`;
    if (typeof cluster["tls-server-name"] === "string") conn.tlsServerName = cluster["tls-server-name"];
    if (typeof ctx.namespace === "string" && ctx.namespace) conn.namespace = ctx.namespace;
    return conn;
}

/** Sends one HTTP(S) request using `conn`'s credentials. Resolves for any HTTP status; rejects on network errors and
 *  when `timeoutMs` (default 10 s) elapses. */
export function kubeRequest(conn: KubeConnection, method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<KubeResponse> {
    const url = new URL(conn.server + path);
    const isHttps = url.protocol === "https:";
    const mod = (isHttps ? require("https") : require("http")) as typeof import("https");
    const timeoutMs = opts?.timeoutMs ?? 10_000;
    const headers: Record<string, string> = { Accept: "application/json" };
    let payload: Buffer | undefined;
    if (body !== undefined) {
        payload = Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
        headers["Content-Type"] = opts?.contentType ?? "application/json";
        headers["Content-Length"] = String(payload.length);
    }
    if (conn.token) headers.Authorization = `Bearer ${conn.token}`;
    else if (conn.basicAuth) headers.Authorization = `Basic ${Buffer.from(conn.basicAuth).toString("base64")}`;
    const options: import("https").RequestOptions = {
        method,
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (isHttps ? 443 : 80),
        path: url.pathname + url.search,
        headers,
        agent: false,
    };
    if (isHttps) {
        if (conn.ca) options.ca = conn.ca;
        if (conn.cert) options.cert = conn.cert;
        if (conn.key) options.key = conn.key;
        options.rejectUnauthorized = !conn.insecure;
        if (conn.tlsServerName) options.servername = conn.tlsServerName;
    }
    return new Promise<KubeResponse>((resolve, reject) => {
        let settled = false;
        // declared before the closures that use it: the closure serializer rejects forward references
        let timer: ReturnType<typeof setTimeout> | undefined;
        let req: import("http").ClientRequest | undefined;
        const finish = (err: Error | undefined, res?: KubeResponse): void => {
            if (settled) return;
            settled = true;
            if (timer) clearTimeout(timer);
            if (err) reject(err);
            else resolve(res as KubeResponse);
        };
        req = mod.request(options, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", (e: Error) => finish(e));
            res.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                let parsed: unknown = text;
                const ct = String(res.headers["content-type"] ?? "");
                if (ct.includes("json") && text) {
                    try {
                        parsed = JSON.parse(text);
                    } catch {
                        parsed = text;
                    }
                }
                finish(undefined, { status: res.statusCode ?? 0, body: parsed, text });
            });
        });
        timer = setTimeout(() => {
            const e = new Error(`request ${method} ${path} timed out after ${timeoutMs} ms`);
            (e as Error & { code?: string }).code = "ETIMEDOUT";
            req?.destroy(e);
            finish(e);
        }, timeoutMs);
        req.on("error", (e: Error) => finish(e));
        if (payload) req.write(payload);
        req.end();
    });
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
    const msg = res.body && typeof res.body === "object" && typeof res.body.message === "string" ? res.body.message : res.text;
    return `HTTP ${res.status}${msg ? `: ${String(msg).replace(/\s+/g, " ").slice(0, 200)}` : ""}`;
}

/** Builds a client for the cluster of `context` (default: current context) in `kubeconfig` text. Throws a
 *  {@link KubeconfigError} when the kubeconfig is unusable. Discovery results are cached on the returned object. */
export function connect(kubeconfig: string, context?: string): KubeClient {
    const conn = parseKubeconfig(kubeconfig, context);
    // group/version → its resource list (undefined = not served); cached on this client only
    const cache = new Map<string, Promise<{ name: string; kind: string; namespaced?: boolean }[] | undefined>>();
    const request = (method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<KubeResponse> =>
        kubeRequest(conn, method, path, body, opts);
    const discover = async (apiVersion: string, kind: string): Promise<ResourceInfo | undefined> => {
        let hit = cache.get(apiVersion);
        if (!hit) {
            hit = (async () => {
                const res = await request("GET", groupVersionPath(apiVersion));
                if (res.status === 404) return undefined;
                if (res.status !== 200 || !res.body || typeof res.body !== "object") {
                    throw new Error(`discovery of ${apiVersion} failed: ${describeHttpError(res)}`);
                }
                return Array.isArray(res.body.resources) ? res.body.resources : [];
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
        const ns = namespace || conn.namespace || "default";
        return `${base}/namespaces/${encodeURIComponent(ns)}/${info.plural}`;
    };
    const objectPath = async (ref: ObjectRef): Promise<string | undefined> => {
        const coll = await collectionPath(ref.apiVersion, ref.kind, ref.namespace);
        return coll === undefined ? undefined : `${coll}/${encodeURIComponent(ref.name)}`;
    };
    return { connection: conn, request, discover, objectPath, collectionPath };
}

/** What one read of an object in one cluster found (the shape of `ClusterObservation` in `status.ts`). */
export type ObjectObservation =
    | { name: string; outcome: "configError"; error: string }
    | { name: string; outcome: "unreachable"; error: string }
    | { name: string; outcome: "retrievalFailed"; error: string }
    | { name: string; outcome: "notFound"; error?: string }
    | { name: string; outcome: "found"; live: Record<string, unknown> };

/**
 * Reads one object from the cluster `name` (never throws): kubeconfig problems → `configError`, transport failures →
 * `unreachable`, 404 or a kind that is not served → `notFound`, other HTTP errors → `retrievalFailed`.
 */
export async function observeObject(name: string, kubeconfig: string, context: string | undefined, ref: ObjectRef, timeoutMs?: number): Promise<ObjectObservation> {
    let client: KubeClient;
    try {
        client = connect(kubeconfig, context || undefined);
    } catch (e) {
        return { name, outcome: "configError", error: String((e as Error).message ?? e) };
    }
    try {
        const path = await client.objectPath(ref);
        if (path === undefined) return { name, outcome: "notFound", error: `${ref.kind} is not served by ${ref.apiVersion} in this cluster` };
        const res = await client.request("GET", path, undefined, { timeoutMs: timeoutMs ?? 10_000 });
        if (res.status === 404) return { name, outcome: "notFound" };
        if (res.status !== 200 || !res.body || typeof res.body !== "object") {
            return { name, outcome: "retrievalFailed", error: `GET ${path}: ${describeHttpError(res)}` };
        }
        return { name, outcome: "found", live: res.body };
    } catch (e) {
        const msg = String((e as Error).message ?? e);
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
        client = connect(kubeconfig, context || undefined);
    } catch (e) {
        throw new Error(`cluster ${name}: cannot build a client: ${(e as Error).message}`);
    }
    let path: string | undefined;
    try {
        path = await client.objectPath(ref);
    } catch (e) {
        throw new Error(`cluster ${name}: ${(e as Error).message}`);
    }
    if (path === undefined) return "absent";
    let res: KubeResponse;
    try {
        res = await client.request("PATCH", path, { metadata: { labels: { "kubefed.io/managed": null } } }, { contentType: "application/merge-patch+json" });
    } catch (e) {
        throw new Error(`cluster ${name}: removing label kubefed.io/managed from ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} failed: ${(e as Error).message}`);
    }
    if (res.status === 404) return "absent";
    if (res.status < 200 || res.status >= 300) {
        throw new Error(`cluster ${name}: removing label kubefed.io/managed from ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} failed: ${describeHttpError(res)}`);
    }
    return "removed";
}
