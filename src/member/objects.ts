/**
 * Object operations on a member: read one object (never throws: what went wrong is the outcome), read many with one
 * LIST per kind and namespace, and remove the managed label (orphaning).
 */
import { MANAGED_LABEL } from "../core/labels";
import { KubeClient, KubeResponse, ObjectRef, connectAsync, describeHttpError } from "./client";
import { asMapping } from "./json";
import { isKubeconfigError } from "./kubeconfigError";
import type { ClusterObservation } from "./propagation";

/** What one read of an object in one cluster found (the shape propagation.ts maps to a status). */
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
export const REMOVE_MANAGED_LABEL_PATCH = { metadata: { labels: { [MANAGED_LABEL]: null } } };

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
        throw new Error(`cluster ${name}: removing label ${MANAGED_LABEL} from ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} failed: ${(e as Error).message}`);
    }
    if (res.status === 404) return "absent";
    if (res.status < 200 || res.status >= 300) {
        throw new Error(`cluster ${name}: removing label ${MANAGED_LABEL} from ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} failed: ${describeHttpError(res)}`);
    }
    return "removed";
}

/** Runs `fn` over `items` with at most `limit` in flight (a member with many objects is not flooded). */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}

/**
 * Reads the objects: one LIST per kind and namespace holding several of them (a member with hundreds of federated
 * Deployments answers in a few requests), a GET for the rest. Results in the order of `refs`.
 */
export async function readObjects(client: KubeClient, name: string, refs: ObjectRef[]): Promise<ClusterObservation[]> {
    const groups = new Map<string, number[]>();
    refs.forEach((r, i) => {
        const g = `${r.apiVersion}\u0000${r.kind}\u0000${r.namespace ?? ""}`;
        groups.set(g, [...(groups.get(g) ?? []), i]);
    });
    const out: ClusterObservation[] = new Array(refs.length);
    const singles: number[] = [];
    await mapLimited([...groups.values()], 8, async (idx) => {
        if (idx.length < 2) {
            singles.push(...idx);
            return;
        }
        const first = refs[idx[0]];
        let listed: Map<string, Record<string, unknown>> | undefined;
        try {
            const coll = await client.collectionPath(first.apiVersion, first.kind, first.namespace);
            if (coll !== undefined) {
                const res = await client.request("GET", coll, undefined, { timeoutMs: 30_000 });
                const items = asMapping(res.body)?.items;
                if (res.status === 200 && Array.isArray(items)) {
                    listed = new Map();
                    for (const item of items as Record<string, { name?: string }>[]) {
                        // list items carry no apiVersion/kind of their own
                        if (item?.metadata?.name) listed.set(item.metadata.name, { apiVersion: first.apiVersion, kind: first.kind, ...item });
                    }
                }
            }
        } catch {
            listed = undefined;
        }
        if (!listed) {
            singles.push(...idx); // no list (forbidden, not served, failed): read them one by one for precise reasons
            return;
        }
        for (const i of idx) {
            const live = listed.get(refs[i].name);
            out[i] = live ? { name, outcome: "found", live } : { name, outcome: "notFound" };
        }
    });
    await mapLimited(singles, 16, async (i) => {
        out[i] = await readObjectWith(client, name, refs[i]);
    });
    return out;
}
