/**
 * Kubeconfig parsing: kubeconfig text (YAML/JSON) **or** the path of a file, parsed without ever quoting its content
 * in errors; only the selected context is validated, and every problem is a `KubeconfigError` (kubeconfigError.ts);
 * `tokenFile` and relative file references are resolved against the kubeconfig's directory; `auth-provider` users
 * are left to client-node (`oidc`, `azure`, `gcp`), other auth-providers refused. client.ts connects with the result.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type * as K8s from "@kubernetes/client-node";
import { EXEC_MARK, ExecPlan, defaultExecTimeoutMs, execPlan } from "./execCredentials";
import { Mapping, asMapping } from "./json";
import { kubeconfigError } from "./kubeconfigError";

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

/** Options of {@link connect} / {@link connectAsync}. */
export interface ConnectOptions {
    /** Time limit of one run of an exec credential plugin; default env `PULUMI_KUBEFED_EXEC_TIMEOUT_MS`, else 10 000. */
    execTimeoutMs?: number;
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

/** Everything needed to build a client for one context (client.ts builds it). */
export interface Prepared {
    conn: KubeConnection;
    cluster: K8s.Cluster;
    user: K8s.User;
    context: K8s.Context;
    exec?: ExecPlan;
}

/** auth-provider names client-node 1.4.0 implements. */
const AUTH_PROVIDERS = ["oidc", "azure", "gcp"];

/** Selects the context and validates it into a {@link Prepared}; throws a `KubeconfigError` (kubeconfigError.ts). */
export function prepare(text: string, context: string | undefined, opts?: ConnectOptions): Prepared {
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
        exec = execPlan(execSpec, where, baseDir, defaultExecTimeoutMs(opts?.execTimeoutMs), { server, insecure, tlsServerName, caData, proxyUrl }, secrets);
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

/** Selects the context (default: `current-context`) and returns what the client will connect to, without
 *  credentials and without running any exec plugin. Throws a `KubeconfigError` (kubeconfigError.ts) on anything missing, unreadable
 *  or unsupported. */
export function parseKubeconfig(text: string, context?: string): KubeConnection {
    return prepare(text, context).conn;
}
