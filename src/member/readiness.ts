/**
 * Readiness of a live member object (generation observed, replicas ready, conditions), as status reporting and the
 * read-back see it. Pure logic.
 */
import { finiteNumber as num, mapping } from "./json";

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
