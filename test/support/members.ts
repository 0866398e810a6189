/**
 * Reading (and, as someone behind Pulumi's back would, editing) objects in a fleet's members, straight from their
 * API servers, never through Pulumi. One way to list the objects the library manages: {@link listManagedObjects}.
 */
import { KubeClient, connect } from "../../src/member/client";

/** What a member read needs of a fleet: its kubeconfig and, per member, the context (default: the member's name). */
export interface Members { kubeconfig: string; clusters?: { name: string; context: string }[] }

/** The label the library puts on every member object it applies. */
export const MANAGED_SELECTOR = "kubefed.io/managed=true";

/** A kind to list. */
export interface KindRef { apiVersion: string; kind: string }

/** The kinds listed by default when looking for objects the library created (every kind the examples use). */
export const MANAGED_KINDS: readonly KindRef[] = [
    { apiVersion: "v1", kind: "Namespace" },
    { apiVersion: "v1", kind: "ConfigMap" },
    { apiVersion: "v1", kind: "Secret" },
    { apiVersion: "v1", kind: "Service" },
    { apiVersion: "apps/v1", kind: "Deployment" },
    { apiVersion: "apps/v1", kind: "StatefulSet" },
    { apiVersion: "apps/v1", kind: "ReplicaSet" },
];

/** One object found in a member. */
export interface MemberObject {
    cluster: string;
    apiVersion: string;
    kind: string;
    /** The kind's plural (its collection's last path segment, e.g. `deployments`). */
    plural: string;
    namespace?: string;
    name: string;
    /** The object as the API server returned it. */
    object: any;
}

/** A client for one member, talking to its API server directly. */
export function member(f: Members, cluster: string): KubeClient {
    return connect(f.kubeconfig, f.clusters?.find(c => c.name === cluster)?.context ?? cluster);
}

/** GET of a REST path in a member: the body, `undefined` on 404; any other status is an error. */
export async function readPath(f: Members, cluster: string, p: string): Promise<any | undefined> {
    const res = await member(f, cluster).request("GET", p);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${p} in ${cluster}: HTTP ${res.status} ${res.text}`);
    return res.body;
}

/** One object of a member, `undefined` when it (or its kind) does not exist. */
export async function getObject(f: Members, cluster: string, apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<any | undefined> {
    const c = member(f, cluster);
    const p = await c.objectPath({ apiVersion, kind, namespace, name });
    if (!p) return undefined;
    const res = await c.request("GET", p);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${p} in ${cluster}: HTTP ${res.status} ${res.text}`);
    return res.body;
}

/**
 * Every object of `kinds` in a member that carries the managed label (and `selector`, e.g.
 * `app.kubernetes.io/part-of=…`, when given), sorted by kind order, namespace and name. `namespace` narrows the
 * namespaced kinds to one namespace (default: all namespaces). A kind the member does not serve is an error.
 */
export async function listManagedObjects(f: Members, cluster: string, opts: { selector?: string; kinds?: readonly KindRef[]; namespace?: string } = {}): Promise<MemberObject[]> {
    const c = member(f, cluster);
    const selector = encodeURIComponent([MANAGED_SELECTOR, ...(opts.selector ? [opts.selector] : [])].join(","));
    const out: MemberObject[] = [];
    for (const { apiVersion, kind } of opts.kinds ?? MANAGED_KINDS) {
        const info = await c.discover(apiVersion, kind);
        if (!info) throw new Error(`list ${kind} in ${cluster}: ${apiVersion} ${kind} is not served`);
        const base = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
        const coll = info.namespaced && opts.namespace ? `${base}/namespaces/${encodeURIComponent(opts.namespace)}/${info.plural}` : `${base}/${info.plural}`;
        const res = await c.request("GET", `${coll}?labelSelector=${selector}`);
        if (res.status !== 200) throw new Error(`list ${kind} in ${cluster}: HTTP ${res.status} ${res.text?.slice(0, 200) ?? ""}`);
        const items = ((res.body as { items?: any[] })?.items ?? [])
            .map(o => ({ cluster, apiVersion, kind, plural: info.plural, namespace: o.metadata.namespace as string | undefined, name: o.metadata.name as string, object: o }))
            .sort((a, b) => `${a.namespace ?? ""}/${a.name}`.localeCompare(`${b.namespace ?? ""}/${b.name}`));
        out.push(...items);
    }
    return out;
}

/** Every managed object in a member as "Kind ns/name" (or "Kind name"), sorted. */
export async function managedObjects(f: Members, cluster: string, opts: { selector?: string; kinds?: readonly KindRef[] } = {}): Promise<string[]> {
    return (await listManagedObjects(f, cluster, opts)).map(o => `${o.kind} ${o.namespace ? o.namespace + "/" : ""}${o.name}`).sort();
}

/** Apply a JSON merge patch to a member object, as someone editing behind Pulumi's back would. */
export async function patchObject(f: Members, cluster: string, apiVersion: string, kind: string, namespace: string, name: string, patch: unknown): Promise<void> {
    const c = member(f, cluster);
    const p = await c.objectPath({ apiVersion, kind, namespace, name });
    const res = await c.request("PATCH", `${p}?fieldManager=e2e-intruder`, patch, { contentType: "application/merge-patch+json" });
    if (res.status !== 200) throw new Error(`PATCH ${p} in ${cluster}: HTTP ${res.status} ${res.text}`);
}

/** Delete a member object, as someone editing behind Pulumi's back would. */
export async function deleteObject(f: Members, cluster: string, apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void> {
    const c = member(f, cluster);
    const p = await c.objectPath({ apiVersion, kind, namespace, name });
    const res = await c.request("DELETE", p!);
    if (res.status !== 200 && res.status !== 202) throw new Error(`DELETE ${p} in ${cluster}: HTTP ${res.status} ${res.text}`);
}

/**
 * The UIDs of the quickstart's member objects (namespace, ConfigMap, Deployment) in c1 to c3, keyed
 * `<cluster> <kind>`: the upgrade tests compare them before and after to prove no object was replaced.
 */
export async function quickstartUids(f: Members): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const c of ["c1", "c2", "c3"]) {
        for (const [apiVersion, kind, ns, name] of [["v1", "Namespace", undefined, "shop"], ["v1", "ConfigMap", "shop", "settings"], ["apps/v1", "Deployment", "shop", "web"]] as const) {
            const o = await getObject(f, c, apiVersion, kind, ns, name);
            if (o) out[`${c} ${kind}`] = o.metadata.uid;
        }
    }
    return out;
}
