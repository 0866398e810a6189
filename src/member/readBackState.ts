/**
 * What a member's read-back (`MemberReadBack`) holds in state: the objects tracked in the member, its inputs and its
 * outputs, and the normalising reader every user of that state goes through (the provider on every call, the CLI
 * reading a checkpoint, the program's readiness probe). The object maps may be stored encoded (objectsCodec.ts).
 */
import type { ObjectRef } from "./client";
import type { ClusterCondition } from "./health";
import { containsUnknown } from "./json";
import { decodeObjects, encodeObjects, isEncodedObjects } from "./objectsCodec";
import type { ClusterPropagationStatus } from "./propagation";

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
export function storedInputs(inputs: ReadBackInputs, raw: Record<string, unknown> | undefined): ReadBackInputs {
    const out = { ...inputs } as ReadBackInputs & Record<string, unknown>;
    for (const k of ["objects", "secretObjects"] as const) {
        if (raw && isEncodedObjects(raw[k])) (out as Record<string, unknown>)[k] = encodeObjects(inputs[k]);
    }
    return out;
}

/** Every tracked object of both maps, sorted by key. */
export function allObjects(i: ReadBackInputs): Record<string, TrackedObject> {
    const all: Record<string, TrackedObject> = { ...i.objects, ...i.secretObjects };
    const out: Record<string, TrackedObject> = {};
    for (const k of Object.keys(all).sort()) out[k] = all[k];
    return out;
}
