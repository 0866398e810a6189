import * as http from "http";
import type { AddressInfo } from "net";

/** A tiny in-memory imitation of a kube-apiserver over plain HTTP, enough for the dynamic providers:
 *  `/healthz`, `/version`, discovery of core/v1 and apps/v1, GET/PATCH (merge patch) of objects, pod lists with a
 *  `labelSelector` of `k=v` terms. Records every request. */
export interface FakeApiServer {
    url: string;
    objects: Map<string, Record<string, any>>;
    requests: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[];
    healthzBody: string;
    healthzStatus: number;
    /** Stores an object under its REST path. */
    put(obj: Record<string, any>): void;
    close(): Promise<void>;
    kubeconfig(): string;
}

const RESOURCES: Record<string, { name: string; kind: string; namespaced: boolean }[]> = {
    "/api/v1": [
        { name: "configmaps", kind: "ConfigMap", namespaced: true },
        { name: "pods", kind: "Pod", namespaced: true },
        { name: "pods/status", kind: "Pod", namespaced: true },
        { name: "namespaces", kind: "Namespace", namespaced: false },
        { name: "secrets", kind: "Secret", namespaced: true },
    ],
    "/apis/apps/v1": [
        { name: "deployments", kind: "Deployment", namespaced: true },
        { name: "deployments/scale", kind: "Scale", namespaced: true },
    ],
};

export function objectPathOf(obj: Record<string, any>): string {
    const gv = obj.apiVersion.includes("/") ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
    const r = RESOURCES[gv].find((x) => x.kind === obj.kind && !x.name.includes("/"))!;
    const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace ?? "default"}` : "";
    return `${gv}${ns}/${r.name}/${obj.metadata.name}`;
}

function mergePatch(target: any, patch: any): any {
    if (!patch || typeof patch !== "object" || Array.isArray(patch)) return patch;
    const out = target && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete out[k];
        else out[k] = mergePatch(out[k], v);
    }
    return out;
}

export async function startFakeApiServer(opts: { token?: string } = {}): Promise<FakeApiServer> {
    const objects = new Map<string, Record<string, any>>();
    const requests: FakeApiServer["requests"] = [];
    const state = { healthzBody: "ok", healthzStatus: 200 };
    const json = (res: http.ServerResponse, status: number, body: unknown): void => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            requests.push({ method: req.method ?? "", url: req.url ?? "", body, headers: req.headers });
            if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return json(res, 401, { kind: "Status", message: "Unauthorized" });
            const u = new URL(req.url ?? "/", "http://x");
            const p = u.pathname;
            if (p === "/healthz") {
                res.writeHead(state.healthzStatus, { "Content-Type": "text/plain" });
                return res.end(state.healthzBody);
            }
            if (p === "/version") return json(res, 200, { gitVersion: "v1.99.0-fake", major: "1", minor: "99" });
            if (RESOURCES[p]) return json(res, 200, { kind: "APIResourceList", groupVersion: p.replace(/^\/apis?\//, ""), resources: RESOURCES[p] });
            if (p.startsWith("/apis/") && p.split("/").length === 4) return json(res, 404, { kind: "Status", message: "not found" });
            const podList = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p);
            if (podList && req.method === "GET") {
                const sel = (u.searchParams.get("labelSelector") ?? "").split(",").filter(Boolean).map((t) => t.split("="));
                const items = [...objects.values()].filter((o) => o.kind === "Pod" && o.metadata.namespace === podList[1]
                    && sel.every(([k, v]) => o.metadata.labels?.[k] === v));
                return json(res, 200, { kind: "PodList", items });
            }
            const obj = objects.get(p);
            if (req.method === "GET") return obj ? json(res, 200, obj) : json(res, 404, { kind: "Status", message: `${p} not found` });
            if (req.method === "PATCH") {
                if (!obj) return json(res, 404, { kind: "Status", message: `${p} not found` });
                if (req.headers["content-type"] !== "application/merge-patch+json") return json(res, 415, { message: "unsupported" });
                const next = mergePatch(obj, JSON.parse(body));
                objects.set(p, next);
                return json(res, 200, next);
            }
            return json(res, 405, { message: "method not allowed" });
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}`;
    const fake: FakeApiServer = {
        url, objects, requests,
        get healthzBody() { return state.healthzBody; },
        set healthzBody(v: string) { state.healthzBody = v; },
        get healthzStatus() { return state.healthzStatus; },
        set healthzStatus(v: number) { state.healthzStatus = v; },
        put(obj) { objects.set(objectPathOf(obj), JSON.parse(JSON.stringify(obj))); },
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
        kubeconfig: () => fakeKubeconfig(url, opts.token),
    };
    return fake;
}

/** A kubeconfig for `url` with context `fake` (and a token user when given). */
export function fakeKubeconfig(url: string, token?: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "current-context: fake",
        "clusters:",
        "- name: fake",
        "  cluster:",
        `    server: ${url}`,
        "contexts:",
        "- name: fake",
        "  context:",
        "    cluster: fake",
        "    user: u",
        "users:",
        "- name: u",
        "  user:",
        token ? `    token: ${token}` : "    {}",
        "",
    ].join("\n");
}

/** A URL where nothing listens (a port that was just released). */
export async function deadUrl(): Promise<string> {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return `http://127.0.0.1:${port}`;
}
