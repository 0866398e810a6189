/**
 * Pure status logic of the dynamic providers: cluster health conditions (docs/semantics.md#health), drift comparison,
 * per-cluster propagation status and the aggregate `Propagation` condition (docs/semantics.md#propagation-status, docs/semantics.md#propagation-condition), readiness, and the pod
 * analysis behind current replicas / estimated capacity (docs/semantics.md#current-replicas-and-capacity).
 *
 * Pure functions over observations: no I/O, no module-level mutable state.
 */

// Internal (non-exported) constants: references to `export const` compile to `exports.X`, which would make the
// closure serializer capture this whole module. The exported names below are aliases.
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const MANAGED = "kubefed.io/managed";
const SERVER_METADATA = [
    "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink",
    "deletionTimestamp", "deletionGracePeriodSeconds",
];

/** The value the engine sends for inputs that are not known yet (preview). Same as `pulumi.runtime.unknownValue`. */
export const UNKNOWN = UNKNOWN_VALUE;

/** Whether `v` contains the engine's unknown sentinel anywhere. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN_VALUE) return true;
    if (Array.isArray(v)) return v.some((x) => containsUnknown(x));
    if (v && typeof v === "object") return Object.values(v as Record<string, unknown>).some((x) => containsUnknown(x));
    return false;
}

/** JSON text with object keys sorted (arrays keep their order); `undefined` members are dropped like JSON does. */
export function stableStringify(v: unknown): string {
    if (v === undefined) return "null";
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : stableStringify(x))).join(",")}]`;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(",")}}`;
}

/** Structural equality of JSON values (key order ignored, `undefined` members ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
    return stableStringify(a) === stableStringify(b);
}

/** A JSON round trip: drops `undefined`, functions and prototypes so the result fits a protobuf Struct. */
export function plain<T>(v: T): T {
    return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster health (docs/semantics.md#health)

export type ConditionStatus = "True" | "False" | "Unknown";

/** A KubeFedCluster status condition. */
export interface ClusterCondition {
    type: "Ready" | "Offline" | "ConfigMalformed";
    status: ConditionStatus;
    reason: string;
    message: string;
    lastProbeTime: string;
    lastTransitionTime: string;
}

/** Outcome of one health probe. */
export type ProbeResult =
    /** The kubeconfig could not be turned into a client. */
    | { kind: "malformed"; error: string }
    /** `GET /healthz` failed: connection error, timeout, or a non-2xx status (client-go treats those as errors). */
    | { kind: "unreachable"; error: string }
    /** `GET /healthz` returned 2xx with this body. */
    | { kind: "responded"; body: string };

/** Whether a probe counts as healthy: 2xx `/healthz` with body "ok" (case-insensitive). */
export function probeIsReady(probe: ProbeResult): boolean {
    return probe.kind === "responded" && probe.body.trim().toLowerCase() === "ok";
}

/**
 * KubeFed's conditions for a probe result (`pkg/controller/kubefedcluster/clusterclient.go`):
 * - malformed kubeconfig → `ConfigMalformed=True` (reason `ClusterConfigMalformed`);
 * - request error → `Offline=True` (`ClusterNotReachable`, "cluster is not reachable: <err>");
 * - body "ok" → `Ready=True` (`ClusterReady`, "/healthz responded with ok");
 * - other body → `Ready=False` (`ClusterNotReady`) and `Offline=False` (`ClusterReachable`).
 * `lastTransitionTime` is carried over from `previous` for a condition of the same type and status.
 * (KubeFed's success/failure threshold smoothing is not applied: every probe is taken as is.)
 */
export function healthConditions(probe: ProbeResult, now: string, previous?: ClusterCondition[]): ClusterCondition[] {
    const mk = (type: ClusterCondition["type"], status: ConditionStatus, reason: string, message: string): ClusterCondition => {
        const prev = (previous ?? []).find((c) => c && c.type === type && c.status === status);
        return { type, status, reason, message, lastProbeTime: now, lastTransitionTime: prev?.lastTransitionTime || now };
    };
    switch (probe.kind) {
        case "malformed":
            return [mk("ConfigMalformed", "True", "ClusterConfigMalformed", `cluster's configuration may be malformed: ${probe.error}`)];
        case "unreachable":
            return [mk("Offline", "True", "ClusterNotReachable", `cluster is not reachable: ${probe.error}`)];
        case "responded":
            if (probeIsReady(probe)) return [mk("Ready", "True", "ClusterReady", "/healthz responded with ok")];
            return [
                mk("Ready", "False", "ClusterNotReady", "/healthz responded without ok"),
                mk("Offline", "False", "ClusterReachable", "cluster is reachable"),
            ];
    }
}

/** KubeFed's definition of a ready cluster: some condition `Ready=True`. */
export function isReadyConditions(conditions: ClusterCondition[] | undefined): boolean {
    return (conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

// ---------------------------------------------------------------------------------------------------------------
// Drift

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(s: string): string {
    return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

const QUANTITY_SUFFIX: Record<string, number> = {
    "": 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** Numeric value of a Kubernetes quantity ("500m", "1Gi", "1e3", 2) or `undefined` when `v` is not one. */
export function quantityValue(v: unknown): number | undefined {
    if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
    if (typeof v !== "string") return undefined;
    const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(v.trim());
    if (!m) return undefined;
    const base = Number(m[1]) * (m[2] ? Number(`1${m[2]}`) : 1);
    return base * QUANTITY_SUFFIX[m[3] ?? ""];
}

function scalarEqual(d: unknown, l: unknown): boolean {
    if (d === l) return true;
    if ((typeof d === "string" || typeof d === "number") && (typeof l === "string" || typeof l === "number")) {
        const a = quantityValue(d);
        const b = quantityValue(l);
        if (a !== undefined && b !== undefined) return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    }
    return false;
}

/** `{}`, `[]`, or an object holding only such values (what the API server drops when it encodes omitempty). */
function isEmptyContainer(v: unknown): boolean {
    if (Array.isArray(v)) return v.length === 0;
    if (!v || typeof v !== "object") return false;
    return Object.values(v).every((x) => x === null || x === undefined || isEmptyContainer(x));
}

function collectDrift(desired: unknown, live: unknown, path: string, out: string[]): void {
    if (desired === null || desired === undefined) {
        if (live !== null && live !== undefined) out.push(path);
        return;
    }
    if (Array.isArray(desired)) {
        if (live === undefined || live === null) {
            if (desired.length > 0) out.push(path);
            return;
        }
        if (!Array.isArray(live) || live.length !== desired.length) {
            out.push(path);
            return;
        }
        desired.forEach((d, i) => collectDrift(d, live[i], `${path}/${i}`, out));
        return;
    }
    if (typeof desired === "object") {
        if (live === undefined || live === null) {
            // the API server drops empty maps/lists; `{}` vs absent is not drift
            if (!isEmptyContainer(desired)) out.push(path);
            return;
        }
        if (typeof live !== "object" || Array.isArray(live)) {
            out.push(path);
            return;
        }
        for (const [k, d] of Object.entries(desired as Record<string, unknown>)) {
            if (d === undefined) continue;
            collectDrift(d, (live as Record<string, unknown>)[k], `${path}/${pointerSegment(k)}`, out);
        }
        return;
    }
    if (!scalarEqual(desired, live)) out.push(path);
}

/**
 * JSON pointers of the fields of `desired` (the object we sent) whose live value differs. Only fields present in
 * `desired` are compared (fields the server or controllers add are ignored), recursively, including inside list
 * items; a list of a different length is reported at the list's path. Ignored: top-level `apiVersion`, `kind`,
 * `status`, and server-set metadata ({@link SERVER_METADATA_FIELDS}). Quantities compare by value ("0.5" = "500m"),
 * `{}`/`[]` equals absent, and a Secret's `stringData` is compared as base64 `data`. Result sorted.
 */
export function driftPaths(desired: Record<string, unknown>, live: Record<string, unknown>): string[] {
    const d: Record<string, unknown> = { ...(desired ?? {}) };
    delete d.apiVersion;
    delete d.kind;
    delete d.status;
    if (d.metadata && typeof d.metadata === "object") {
        const md: Record<string, unknown> = { ...(d.metadata as Record<string, unknown>) };
        for (const f of SERVER_METADATA) delete md[f];
        d.metadata = md;
    }
    if (desired?.kind === "Secret" && d.stringData && typeof d.stringData === "object") {
        const data: Record<string, unknown> = { ...((d.data as Record<string, unknown>) ?? {}) };
        for (const [k, v] of Object.entries(d.stringData as Record<string, unknown>)) {
            // own property even for a `__proto__` key (a valid Secret key; this module imports nothing, see above)
            Object.defineProperty(data, k, { value: Buffer.from(String(v), "utf8").toString("base64"), writable: true, enumerable: true, configurable: true });
        }
        d.data = data;
        delete d.stringData;
    }
    const out: string[] = [];
    collectDrift(d, live ?? {}, "", out);
    return [...new Set(out)].sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Readiness

/** A condition of a member object, reduced to what status reporting needs. */
export interface ObjectCondition {
    type: string;
    status: string;
    reason?: string;
}

/** Readiness facts of a live object. */
export interface Readiness {
    generation?: number;
    observedGeneration?: number;
    /** `spec.replicas`. */
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    conditions: ObjectCondition[];
    /**
     * Heuristic readiness: false while `status.observedGeneration < metadata.generation`; for objects with
     * `spec.replicas`, ready/available/updated replicas must reach it; for DaemonSets `numberReady` must reach
     * `desiredNumberScheduled`; a `Ready` or `Available` condition must be `True` and `Progressing` must not say
     * `ProgressDeadlineExceeded`. Objects without any of these (ConfigMaps, Services, ...) are ready when they exist.
     */
    ready: boolean;
}

/** `v` when it is a mapping, else an empty one: live objects are read field by field, each field checked. */
function mapping(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

function num(v: unknown): number | undefined {
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Readiness of a live object; see {@link Readiness.ready}. */
export function readinessOf(live: Record<string, unknown>): Readiness {
    const md = mapping(live?.metadata);
    const st = mapping(live?.status);
    const spec = mapping(live?.spec);
    const r: Readiness = { conditions: [], ready: true };
    const set = <K extends keyof Readiness>(k: K, v: Readiness[K] | undefined): void => {
        if (v !== undefined) r[k] = v;
    };
    set("generation", num(md.generation));
    set("observedGeneration", num(st.observedGeneration));
    set("replicas", num(spec.replicas));
    set("readyReplicas", num(st.readyReplicas));
    set("availableReplicas", num(st.availableReplicas));
    set("updatedReplicas", num(st.updatedReplicas));
    if (Array.isArray(st.conditions)) {
        for (const raw of st.conditions) {
            const c = mapping(raw);
            if (typeof c.type !== "string") continue;
            const oc: ObjectCondition = { type: c.type, status: String(c.status ?? "") };
            if (typeof c.reason === "string" && c.reason) oc.reason = c.reason;
            r.conditions.push(oc);
        }
        r.conditions.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    }
    let ready = true;
    if (r.generation !== undefined && r.observedGeneration !== undefined && r.observedGeneration < r.generation) ready = false;
    if (r.replicas !== undefined) {
        const want = r.replicas;
        if ((r.readyReplicas ?? 0) < want) ready = false;
        if (st.availableReplicas !== undefined && (r.availableReplicas ?? 0) < want) ready = false;
        if (st.updatedReplicas !== undefined && (r.updatedReplicas ?? 0) < want) ready = false;
    }
    if (num(st.desiredNumberScheduled) !== undefined && (num(st.numberReady) ?? 0) < (num(st.desiredNumberScheduled) ?? 0)) ready = false;
    for (const c of r.conditions) {
        if ((c.type === "Ready" || c.type === "Available") && c.status !== "True") ready = false;
        if (c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded") ready = false;
    }
    r.ready = ready;
    return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Propagation status (docs/semantics.md#propagation-status, docs/semantics.md#propagation-condition)

/**
 * Per-cluster propagation status reasons (`status.clusters[].status`). KubeFed's own values where they apply, plus
 * three of ours for what a read-back can see:
 * | reason | when |
 * |---|---|
 * | `""` | the object exists, carries `kubefed.io/managed: "true"` and matches what we sent (OK) |
 * | `ClusterNotReady` (KubeFed) | the member's API server is unreachable (connection error or timeout) |
 * | `ClientRetrievalFailed` (KubeFed) | the kubeconfig cannot be turned into a client (malformed, unsupported auth) |
 * | `RetrievalFailed` (KubeFed) | the API server answered an error other than 404 (e.g. 401/403/500), or discovery failed |
 * | `ManagedLabelFalse` (KubeFed) | the object is labelled `kubefed.io/managed: "false"` |
 * | `NotFound` (ours) | the object (or its kind) does not exist in the member |
 * | `ManagedLabelMissing` (ours) | the object exists without `kubefed.io/managed: "true"` |
 * | `Drifted` (ours) | a field we sent has a different live value (see `drifted`) |
 * Precedence when several apply: the order of this table.
 */
export type PropagationReason =
    | "" | "ClusterNotReady" | "ClientRetrievalFailed" | "RetrievalFailed" | "ManagedLabelFalse" | "NotFound"
    | "ManagedLabelMissing" | "Drifted";

/** What a provider call observed in one member. */
export type ClusterObservation =
    | { name: string; outcome: "configError"; error: string }
    | { name: string; outcome: "unreachable"; error: string }
    | { name: string; outcome: "retrievalFailed"; error: string }
    | { name: string; outcome: "notFound"; error?: string }
    | { name: string; outcome: "found"; live: Record<string, unknown> };

/** One `status.clusters[]` entry (KubeFed shape `{name, status}` extended with what we read back). */
export interface ClusterPropagationStatus extends Partial<Omit<Readiness, "ready" | "conditions">> {
    name: string;
    /** KubeFed-style per-cluster status; `""` = OK. See {@link PropagationReason}. */
    status: PropagationReason;
    /** Human-readable detail (error text, drifted paths). `""` when OK. */
    message: string;
    exists: boolean;
    /** `kubefed.io/managed: "true"` present. */
    managed: boolean;
    /** JSON pointers of drifted fields (sorted). */
    drifted: string[];
    /** See {@link Readiness.ready}; false when the object is absent or the cluster unreachable. */
    ready: boolean;
    conditions: ObjectCondition[];
}

/** Maps one observation (and what we sent) to a status entry; see {@link PropagationReason}. */
export function clusterPropagationStatus(obs: ClusterObservation, desired: Record<string, unknown>): ClusterPropagationStatus {
    const base: ClusterPropagationStatus = {
        name: obs.name, status: "", message: "", exists: false, managed: false, drifted: [], ready: false, conditions: [],
    };
    switch (obs.outcome) {
        case "configError":
            return { ...base, status: "ClientRetrievalFailed", message: obs.error };
        case "unreachable":
            return { ...base, status: "ClusterNotReady", message: obs.error };
        case "retrievalFailed":
            return { ...base, status: "RetrievalFailed", message: obs.error };
        case "notFound":
            return { ...base, status: "NotFound", message: obs.error ?? "object not found in the cluster" };
        case "found": {
            const live = obs.live;
            const label = mapping(mapping(live?.metadata).labels)[MANAGED];
            const drifted = driftPaths(desired, live);
            const { ready, conditions, ...facts } = readinessOf(live);
            const entry: ClusterPropagationStatus = { ...base, ...facts, exists: true, managed: label === "true", drifted, ready, conditions };
            if (label === "false") {
                entry.status = "ManagedLabelFalse";
                entry.message = `Unable to manage the object which has label ${MANAGED}: false`;
            } else if (label !== "true") {
                entry.status = "ManagedLabelMissing";
                entry.message = `the object has no label ${MANAGED}: "true"`;
            } else if (drifted.length > 0) {
                entry.status = "Drifted";
                entry.message = `fields differ from what was sent: ${drifted.join(", ")}`;
            }
            return entry;
        }
    }
}

/** The aggregate condition (`status.conditions[type=Propagation]`). */
export interface PropagationCondition {
    type: "Propagation";
    status: "True" | "False";
    /** `""` when every cluster is OK, else `CheckClusters` (docs/semantics.md#propagation-condition). */
    reason: "" | "CheckClusters";
    /** Non-OK clusters as `name: status`, `""` when OK (ours; KubeFed has no message). */
    message: string;
    lastUpdateTime: string;
    lastTransitionTime: string;
}

/**
 * docs/semantics.md#propagation-condition: `status: "True"` iff every cluster entry is OK, otherwise `False` with reason `CheckClusters`.
 * `lastTransitionTime` changes when status or reason changes; `lastUpdateTime` also when the per-cluster
 * list (name → status) changed. Both are kept from `previous` otherwise.
 */
export function propagationCondition(
    clusters: ClusterPropagationStatus[], now: string,
    previous?: { condition?: PropagationCondition; clusters?: { name: string; status: string }[] },
): PropagationCondition {
    const bad = clusters.filter((c) => c.status !== "");
    const status: "True" | "False" = bad.length === 0 ? "True" : "False";
    const reason: "" | "CheckClusters" = bad.length === 0 ? "" : "CheckClusters";
    const message = bad.map((c) => `${c.name}: ${c.status}`).join("; ");
    const prev = previous?.condition;
    const transitioned = !prev || prev.status !== status || prev.reason !== reason;
    const key = (l: { name: string; status: string }[] | undefined): string =>
        stableStringify((l ?? []).map((c) => [c.name, c.status]).sort());
    const listChanged = key(previous?.clusters) !== key(clusters);
    return {
        type: "Propagation", status, reason, message,
        lastUpdateTime: transitioned || listChanged ? now : prev!.lastUpdateTime,
        lastTransitionTime: transitioned ? now : prev!.lastTransitionTime,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Current replicas and capacity (docs/semantics.md#current-replicas-and-capacity)

/** Pod counts of KubeFed's pod analyzer. */
export interface PodAnalysis {
    /** Pods in phase Running that have a `Ready` condition (any status counts, as in KubeFed). */
    runningAndReady: number;
    /** Non-running pods with `PodScheduled=False, reason=Unschedulable` for more than 60 s. */
    unschedulable: number;
    /** Same, but for 60 s or less (KubeFed re-checks later). */
    recentlyUnschedulable: number;
}

/** KubeFed's `podanalyzer.AnalyzePods` (`now` in ms since the epoch). */
export function analysePods(pods: unknown[], now: number): PodAnalysis {
    const out: PodAnalysis = { runningAndReady: 0, unschedulable: 0, recentlyUnschedulable: 0 };
    for (const pod of pods ?? []) {
        const status = mapping(mapping(pod).status);
        const conds = Array.isArray(status.conditions) ? status.conditions.map(mapping) : [];
        if (status.phase === "Running") {
            if (conds.some((c) => c.type === "Ready")) out.runningAndReady++;
            continue;
        }
        for (const c of conds) {
            if (c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable") {
                const t = Date.parse(String(c.lastTransitionTime ?? ""));
                if (Number.isFinite(t) && t + 60_000 < now) out.unschedulable++;
                else out.recentlyUnschedulable++;
                break;
            }
        }
    }
    return out;
}

/** `spec.selector.matchLabels` rendered as a `labelSelector` query value, or `undefined` when missing/empty. */
export function matchLabelsSelector(obj: Record<string, unknown>): string | undefined {
    const ml = mapping(mapping(mapping(obj?.spec).selector).matchLabels);
    if (Object.keys(ml).length === 0) return undefined;
    return Object.keys(ml).sort().map((k) => `${k}=${String(ml[k])}`).join(",");
}

/** Whether docs/semantics.md#current-replicas-and-capacity needs the pods: `spec.replicas` (missing → 0) differs from `status.readyReplicas` (missing → 0). */
export function needsPodAnalysis(obj: Record<string, unknown>): boolean {
    return (num(mapping(obj?.spec).replicas) ?? 0) !== (num(mapping(obj?.status).readyReplicas) ?? 0);
}

/**
 * docs/semantics.md#current-replicas-and-capacity for one cluster: `current` = readyReplicas when it equals spec.replicas, else the running-and-ready pods;
 * `capacity` = replicas − unschedulable, only when some pods have been unschedulable for more than 60 s.
 * `pods` is required when {@link needsPodAnalysis} is true.
 */
export function replicaObservation(obj: Record<string, unknown>, pods: unknown[] | undefined, now: number): { current: number; capacity?: number } {
    const replicas = num(mapping(obj?.spec).replicas) ?? 0;
    const ready = num(mapping(obj?.status).readyReplicas) ?? 0;
    if (replicas === ready) return { current: ready };
    const a = analysePods(pods ?? [], now);
    const out: { current: number; capacity?: number } = { current: a.runningAndReady };
    if (a.unschedulable > 0) out.capacity = replicas - a.unschedulable;
    return out;
}
