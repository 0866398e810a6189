/**
 * The implementation behind {@link MemberReadBack} (one resource per member cluster): KubeFed's cluster health probe
 * (docs/semantics.md#health) plus the propagation status and drift of every federated object placed in that member (docs/semantics.md#propagation-status, docs/semantics.md#propagation-condition), and
 * orphan-mode unlabelling (docs/semantics.md#deletion-and-orphaning).
 *
 * This is an ordinary module: the state of each resource stores only a small loader (`loader.ts`) that requires it
 * from the installed package, so refresh and delete always run the installed code, never a stale copy.
 * No `@pulumi/*` imports: the dynamic-provider host loads this without the SDK's program runtime.
 */
import { KubeClient, ObjectRef, asMapping, connectAsync, describeHttpError, readObjectWith, removeManagedLabel } from "./kube";
import { decodeObjects, encodeObjects, isEncodedObjects } from "./objectsCodec";
import {
    ClusterCondition, ClusterObservation, ClusterPropagationStatus, ProbeResult, containsUnknown, clusterPropagationStatus,
    healthConditions, isReadyConditions, jsonEqual, plain, probeIsReady,
} from "./observations";

/** One federated object as the read-back sees it in one member. */
export interface TrackedObject {
    /** The member object (same name in every member). */
    target: ObjectRef;
    /** Exactly what was sent to this member; drift is computed against it. */
    desired: Record<string, unknown>;
    /** Orphan mode: remove the managed label instead of leaving it when the object stops being tracked here. */
    orphan?: boolean;
    /** JSON pointers owned by someone else (e.g. `/spec/replicas` with `retainReplicas`): never reported as drift. */
    ignore?: string[];
    /** `false`: tracked for orphaning only, never read back (`status: false`). */
    observe?: boolean;
    /** The component that rendered the object (a FederatedChart or FederatedKustomization); absent for objects a
     *  FederatedResource or FederatedNamespace emits. Shown with the object's status. */
    source?: ObjectSource;
}

/** The component that rendered a tracked object, e.g. `{type: "FederatedChart", name: "hello"}`. */
export interface ObjectSource {
    type: string;
    name: string;
}

/** Inputs after `check`. `objects` and `secretObjects` share one key space (the federated object's name). */
export interface ReadBackInputs {
    providerVersion?: string;
    clusterName: string;
    kubeconfig: string;
    context?: string;
    /** Probe `/healthz` and `/version`. */
    health: boolean;
    objects: Record<string, TrackedObject>;
    /** Objects whose desired state holds secrets (Secrets, secret values): stored as a secret property. */
    secretObjects: Record<string, TrackedObject>;
}

/** Per-object status in this member: KubeFed's per-cluster entry plus what we read back. */
export type ObjectStatus = Omit<ClusterPropagationStatus, "name"> & { target: ObjectRef; source?: ObjectSource };

/** Outputs: the inputs plus what was observed. */
export interface ReadBackOutputs extends ReadBackInputs {
    conditions: ClusterCondition[];
    ready: boolean;
    kubernetesVersion: string;
    /** Keyed like `objects`/`secretObjects`, sorted. */
    status: Record<string, ObjectStatus>;
    /** One line per problem, sorted: `"<key>: <Reason> <detail>"` (the member itself as `"(cluster): ..."`). */
    problems: string[];
    /** Problems seen right after the last create/update, which an `up` therefore does not repair; `diff` ignores
     *  them so a fleet with a lasting problem still previews clean. */
    accepted: string[];
    observedAt: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs

function str(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v : undefined;
}

function trackedOf(v: unknown): TrackedObject | undefined {
    if (!v || typeof v !== "object") return undefined;
    const o = v as Record<string, unknown>;
    const t = (o.target ?? {}) as Record<string, unknown>;
    const target: ObjectRef = { apiVersion: String(t.apiVersion ?? ""), kind: String(t.kind ?? ""), name: String(t.name ?? "") };
    if (str(t.namespace)) target.namespace = t.namespace as string;
    const out: TrackedObject = { target, desired: (o.desired && typeof o.desired === "object" ? o.desired : {}) as Record<string, unknown> };
    if (o.orphan === true) out.orphan = true;
    if (Array.isArray(o.ignore) && o.ignore.length > 0) out.ignore = [...o.ignore].map(String).sort();
    if (o.observe === false) out.observe = false;
    const src = (o.source ?? {}) as Record<string, unknown>;
    if (str(src.type) && str(src.name)) out.source = { type: src.type as string, name: src.name as string };
    return out;
}

function objectMapOf(v: unknown): Record<string, TrackedObject> {
    const out: Record<string, TrackedObject> = {};
    if (!v || typeof v !== "object") return out;
    for (const k of Object.keys(v as object).sort()) {
        const t = trackedOf((v as Record<string, unknown>)[k]);
        if (t) out[k] = t;
    }
    return out;
}

/** Normalises inputs (or the input part of outputs). Unknown values (preview) pass through untouched. */
export function readBackInputsOf(v: Record<string, unknown>): ReadBackInputs {
    const out: ReadBackInputs = {
        clusterName: v.clusterName as string,
        kubeconfig: v.kubeconfig as string,
        health: v.health !== false,
        objects: containsUnknown(v.objects) ? v.objects as Record<string, TrackedObject> : objectMapOf(decodeObjects(v.objects)),
        secretObjects: containsUnknown(v.secretObjects) ? v.secretObjects as Record<string, TrackedObject> : objectMapOf(decodeObjects(v.secretObjects)),
    };
    if (v.providerVersion !== undefined) out.providerVersion = v.providerVersion as string;
    if (str(v.context)) out.context = v.context as string;
    return out;
}

/** The inputs as outputs store them: object maps stay encoded when the program sent them encoded. */
function stored(inputs: ReadBackInputs, raw: Record<string, unknown> | undefined): ReadBackInputs {
    const out = { ...inputs } as ReadBackInputs & Record<string, unknown>;
    for (const k of ["objects", "secretObjects"] as const) {
        if (raw && isEncodedObjects(raw[k])) (out as Record<string, unknown>)[k] = encodeObjects(inputs[k]);
    }
    return out;
}

function allObjects(i: ReadBackInputs): Record<string, TrackedObject> {
    const all: Record<string, TrackedObject> = { ...i.objects, ...i.secretObjects };
    const out: Record<string, TrackedObject> = {};
    for (const k of Object.keys(all).sort()) out[k] = all[k];
    return out;
}

function targetText(t: ObjectRef): string {
    return `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Observation

function now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Runs `fn` over `items` with at most `limit` in flight (a member with many objects is not flooded). */
async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
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
async function readObjects(client: KubeClient, name: string, refs: ObjectRef[]): Promise<ClusterObservation[]> {
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

/** Removes the drift entries under the ignored pointers. */
function withoutIgnored(s: ClusterPropagationStatus, ignore: string[] | undefined): ClusterPropagationStatus {
    if (!ignore || ignore.length === 0 || s.drifted.length === 0) return s;
    const drifted = s.drifted.filter((p) => !ignore.some((i) => p === i || p.startsWith(`${i}/`)));
    if (drifted.length === s.drifted.length) return s;
    const out = { ...s, drifted };
    if (s.status === "Drifted" && drifted.length === 0) {
        out.status = "";
        out.message = "";
    } else if (s.status === "Drifted") {
        out.message = `fields differ from what was sent: ${drifted.join(", ")}`;
    }
    return out;
}

function problemLines(clusterName: string, health: { ready: boolean; conditions: ClusterCondition[] },
                      status: Record<string, ObjectStatus>): string[] {
    const lines: string[] = [];
    if (!health.ready) {
        const c = health.conditions.find((x) => x.status === "True") ?? health.conditions[0];
        lines.push(`(cluster ${clusterName}): ${c ? c.type : "NotReady"}`);
    }
    for (const k of Object.keys(status).sort()) {
        const s = status[k];
        if (!s.status) continue;
        const detail = s.status === "Drifted" ? ` ${s.drifted.join(" ")}` : "";
        lines.push(`${k} (${targetText(s.target)}): ${s.status}${detail}`);
    }
    return lines;
}

/**
 * Probes the member and reads every tracked object. Never throws for cluster problems: they are reported.
 * `previous` carries condition timestamps and the last known version forward.
 */
export async function observeMember(inputs: ReadBackInputs, previous?: Partial<ReadBackOutputs>, raw?: Record<string, unknown>): Promise<Omit<ReadBackOutputs, "accepted">> {
    const at = now();
    const objects = allObjects(inputs);
    const keys = Object.keys(objects).filter((k) => objects[k].observe !== false);
    let version = typeof previous?.kubernetesVersion === "string" ? previous.kubernetesVersion : "";
    let client: KubeClient | undefined;
    let probe: ProbeResult;
    try {
        // async: an exec credential plugin runs without blocking the other members' reads (time-boxed in kube.ts)
        client = await connectAsync(inputs.kubeconfig, inputs.context || undefined);
        probe = { kind: "responded", body: "ok" };
    } catch (e) {
        probe = { kind: "malformed", error: String((e as Error).message ?? e) };
    }
    if (client) {
        try {
            const res = await client.request("GET", "/healthz", undefined, { timeoutMs: 3000 });
            probe = res.status >= 200 && res.status < 300
                ? { kind: "responded", body: res.text }
                : { kind: "unreachable", error: `GET /healthz: ${describeHttpError(res)}` };
        } catch (e) {
            // a kubeconfig whose credential plugin fails is malformed, not offline
            probe = (e as { kubeconfigError?: boolean }).kubeconfigError
                ? { kind: "malformed", error: String((e as Error).message ?? e) }
                : { kind: "unreachable", error: String((e as Error).message ?? e) };
        }
        if (probeIsReady(probe) && inputs.health) {
            try {
                const v = await client.request("GET", "/version", undefined, { timeoutMs: 3000 });
                const gitVersion = asMapping(v.body)?.gitVersion;
                if (v.status === 200 && typeof gitVersion === "string") version = gitVersion;
            } catch {
                // keep the previous version
            }
        }
    }
    const conditions = healthConditions(probe, at, previous?.conditions);
    const ready = isReadyConditions(conditions);
    const status: Record<string, ObjectStatus> = {};
    let observations: ClusterObservation[];
    if (probe.kind === "malformed") {
        observations = keys.map(() => ({ name: inputs.clusterName, outcome: "configError", error: (probe as { error: string }).error }));
    } else if (!ready || !client) {
        // an offline member: every object is ClusterNotReady without another timeout per object
        observations = keys.map(() => ({ name: inputs.clusterName, outcome: "unreachable", error: "the cluster is not ready" }));
    } else {
        observations = await readObjects(client, inputs.clusterName, keys.map((k) => objects[k].target));
    }
    keys.forEach((k, i) => {
        const t = objects[k];
        const { name: _name, ...entry } = withoutIgnored(clusterPropagationStatus(observations[i], t.desired), t.ignore);
        status[k] = { target: t.target, ...(t.source ? { source: t.source } : {}), ...entry };
    });
    return plain({
        ...stored(inputs, raw),
        conditions,
        ready,
        kubernetesVersion: version,
        status,
        problems: problemLines(inputs.clusterName, { ready, conditions }, status),
        observedAt: at,
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Orphan mode

/** Unlabels the given objects; a failure throws (so the resource keeps its state and the next `up` retries). */
async function orphan(inputs: ReadBackInputs, keys: string[], objects: Record<string, TrackedObject>): Promise<void> {
    if (keys.length === 0) return;
    const errors: string[] = [];
    await mapLimited(keys, 16, async (k) => {
        try {
            await removeManagedLabel(inputs.clusterName, inputs.kubeconfig, inputs.context, objects[k].target);
        } catch (e) {
            errors.push(String((e as Error).message ?? e));
        }
    });
    if (errors.length > 0) {
        throw new Error(`orphaning objects in cluster ${inputs.clusterName} failed; the read-back keeps its state, retry when ` +
            `the cluster is reachable: ${errors.sort().join("; ")}`);
    }
}

/** Tracked objects of `olds` in orphan mode that are no longer tracked as the same object in `news`. */
function droppedOrphans(olds: ReadBackInputs, news: ReadBackInputs | undefined): { keys: string[]; objects: Record<string, TrackedObject> } {
    const o = allObjects(olds);
    const n = news ? allObjects(news) : {};
    const keys = Object.keys(o).filter((k) => o[k].orphan && (!n[k] || !jsonEqual(n[k].target, o[k].target)));
    return { keys, objects: o };
}

// ---------------------------------------------------------------------------------------------------------------
// The provider

function inputPart(v: ReadBackInputs): unknown {
    return { ...v };
}

function newProblems(outs: Record<string, unknown>): string[] {
    const problems = Array.isArray(outs.problems) ? outs.problems.map(String) : [];
    const accepted = new Set(Array.isArray(outs.accepted) ? outs.accepted.map(String) : []);
    return problems.filter((p) => !accepted.has(p));
}

/** `ResourceProvider` of `pulumi-nodejs:dynamic/kubefed:MemberReadBack` (plain object, no SDK types needed). No
 *  `check`: the loader stored in state has none (it must stay small), so the program's inputs are kept as sent and
 *  every method normalises them with {@link readBackInputsOf}. */
export const memberReadBackProvider = {
    /**
     * Inputs decide, plus one rule for drift: problems observed since the last create/update (a refresh found drift,
     * a deleted object, a member gone offline) are a change. During `pulumi refresh` the engine calls this with the
     * refreshed outputs as `olds`, so those problems show in the refresh output; the next `up` re-observes them
     * after the member objects are repaired.
     */
    diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const n = readBackInputsOf(news);
        const o = readBackInputsOf(olds);
        if (!containsUnknown(n.clusterName) && o.clusterName !== n.clusterName) return { changes: true, replaces: ["clusterName"] };
        if (containsUnknown(n)) return { changes: true };
        if (!jsonEqual(inputPart(o), inputPart(n))) return { changes: true };
        return { changes: newProblems(olds).length > 0 };
    },
    create: async (inputs: Record<string, unknown>) => {
        const i = readBackInputsOf(inputs);
        const outs = await observeMember(i, undefined, inputs);
        return { id: i.clusterName, outs: { ...outs, accepted: outs.problems } };
    },
    update: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const o = readBackInputsOf(olds);
        const n = readBackInputsOf(news);
        const dropped = droppedOrphans(o, n);
        // with the new credentials: an `up` that rotates them may already have revoked the old ones
        await orphan({ ...o, kubeconfig: n.kubeconfig, ...(n.context ? { context: n.context } : { context: undefined }) }, dropped.keys, dropped.objects);
        const outs = await observeMember(n, olds as Partial<ReadBackOutputs>, news);
        return { outs: { ...outs, accepted: outs.problems } };
    },
    read: async (id: string, props: Record<string, unknown>) => {
        const i = readBackInputsOf(props);
        const outs = await observeMember(i, props as Partial<ReadBackOutputs>, props);
        // what was accepted stays accepted while it lasts; a problem that went away and comes back shows again
        const before = new Set(Array.isArray(props.accepted) ? props.accepted.map(String) : []);
        const accepted = outs.problems.filter((p) => before.has(p));
        // The engine shows a dynamic provider's stdout lines as messages, so a plain `pulumi refresh` (without
        // --diff) names what it found too. Only names, reasons and JSON pointers: never a value.
        const fresh = outs.problems.filter((p) => !before.has(p));
        if (fresh.length > 0) {
            process.stdout.write(fresh.map((p) => `kubefed: member ${i.clusterName}: ${p}\n`).join(""));
        }
        return { id, props: { ...outs, accepted }, inputs: plain(stored(i, props)) };
    },
    delete: async (_id: string, props: Record<string, unknown>) => {
        const o = readBackInputsOf(props);
        const dropped = droppedOrphans(o, undefined);
        await orphan(o, dropped.keys, dropped.objects);
    },
};
