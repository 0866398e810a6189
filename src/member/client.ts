/**
 * The one Kubernetes client of this package: everything read or written outside the Kubernetes provider (health,
 * status, drift, orphaning, join token, replica observation, CLI) goes through {@link connect} / {@link connectAsync}.
 *
 * Transport, TLS, proxies and credentials are `@kubernetes/client-node` (pinned 1.4.0: 2.x needs Node 22): the
 * selected context (kubeconfig.ts) is loaded into a `KubeConfig`, each request is a `RequestContext` authenticated by
 * `KubeConfig.applySecurityAuthentication` and sent by the library's `IsomorphicFetchHttpLibrary`. What the library
 * leaves out or gets differently from client-go (and therefore from the Kubernetes provider) is added here and in
 * kubeconfig.ts and execCredentials.ts; here: plain `http://` servers (client-node refuses them unless
 * `insecure-skip-tls-verify`), per-request timeouts, one re-run of an exec plugin after a 401, discovery.
 *
 * client-node is an ES module; Node ≥ 20.19 `require`s it. It is loaded on first use (it takes ~0.5 s), so importing
 * this package stays cheap.
 */
import type * as K8s from "@kubernetes/client-node";
import { EXEC_MARK, execCredentialAsync, execCredentialSync, forgetExecCredential } from "./execCredentials";
import { asMapping } from "./json";
import { ConnectOptions, KubeConnection, Prepared, prepare } from "./kubeconfig";
import { isKubeconfigError, kubeconfigError } from "./kubeconfigError";

let k8sModule: typeof K8s | undefined;

/** `@kubernetes/client-node`, required once on first use. */
function k8s(): typeof K8s {
    if (!k8sModule) k8sModule = require("@kubernetes/client-node") as typeof K8s;
    return k8sModule;
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
            forgetExecCredential(exec);
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
