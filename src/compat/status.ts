/**
 * What `pulumi-kubefed status` still reads from 0.1 programs, kept apart from the current model (src/cli/statusReport.ts):
 * - the `kubefed` stack output (`status --json-file`, a saved `pulumi stack output --json`);
 * - the `ClusterHealth` and `PropagationStatus` resources of a 0.1 checkpoint (0.2 records a MemberReadBack per
 *   member instead; src/cli/checkpoint.ts reads both).
 *
 * A 0.1 program exports (conventionally as the top-level stack output `kubefed`):
 * ```
 * { "version": 1,
 *   "clusters": [ { "__kubefedStatus": "ClusterHealth", "clusterName": "c1", "ready": true,
 *                   "kubernetesVersion": "v1.36.3", "conditions": [ {type, status, reason, message, ...} ] } ],
 *   "objects":  [ { "__kubefedStatus": "PropagationStatus", "name": "web",
 *                   "target": {apiVersion, kind, namespace?, name}, "propagated": false, "ready": false,
 *                   "status": { "conditions": [ {type: "Propagation", status, reason, message, ...} ],
 *                               "clusters": [ {name, status, message, exists, managed, drifted, ready, ...} ] } } ] }
 * ```
 * Every object carrying a `__kubefedStatus` marker anywhere in the stack outputs is collected, so entries can
 * also be exported individually or nested elsewhere; `kubefed` is just the conventional place.
 */
import {
    ClusterHealthReport, ClusterPropagationReport, PropagationReport, conditionsOf, isRecord, objectLabel,
} from "../cli/statusReport";

/** The `kubefed` stack output. */
export interface KubefedReport {
    version: 1;
    clusters: ClusterHealthReport[];
    objects: PropagationReport[];
}

/** Collects every marked entry found anywhere in `outputs` (a parsed `pulumi stack output --json`). Secret values
 *  appear there as the string "[secret]" and are skipped naturally. Clusters sorted by name, objects by label. */
export function collectReports(outputs: unknown): { clusters: ClusterHealthReport[]; objects: PropagationReport[] } {
    const clusters = new Map<string, ClusterHealthReport>();
    const objects = new Map<string, PropagationReport>();
    const seen = new Set<unknown>();
    const walk = (v: unknown): void => {
        if (!v || typeof v !== "object" || seen.has(v)) return;
        seen.add(v);
        if (Array.isArray(v)) {
            v.forEach(walk);
            return;
        }
        const o = v as Record<string, unknown>;
        if (o.__kubefedStatus === "ClusterHealth" && typeof o.clusterName === "string") {
            clusters.set(o.clusterName, o as unknown as ClusterHealthReport);
            return;
        }
        if (o.__kubefedStatus === "PropagationStatus" && o.target && typeof o.target === "object") {
            const r = o as unknown as PropagationReport;
            objects.set(objectLabel(r), r);
            return;
        }
        Object.values(o).forEach(walk);
    };
    walk(outputs);
    const byKey = <T>(m: Map<string, T>): T[] => [...m.keys()].sort().map((k) => m.get(k) as T);
    return { clusters: byKey(clusters), objects: byKey(objects) };
}

/** The resource types of a 0.1 checkpoint that carry status (without the `pulumi-nodejs:dynamic/kubefed:` prefix). */
export const LEGACY_STATUS_TYPES: readonly string[] = ["ClusterHealth", "PropagationStatus"];

/**
 * The report entry of one 0.1 status resource (`type` one of {@link LEGACY_STATUS_TYPES}), from its outputs; `name`
 * is the resource's name, `id` its id. Malformed entries give nothing and are named in `warnings` (`where` says which).
 */
export function legacyStatusEntry(type: string, o: Record<string, unknown>, r: { id?: string; name: string }, where: string, warnings: string[]):
    { cluster: ClusterHealthReport } | { object: PropagationReport } | undefined {
    if (type === "ClusterHealth") {
        return { cluster: { __kubefedStatus: "ClusterHealth", clusterName: String(o.clusterName ?? r.id ?? r.name), ready: o.ready === true,
            kubernetesVersion: String(o.kubernetesVersion ?? ""), conditions: conditionsOf(o.conditions, where, warnings) } };
    }
    if (type !== "PropagationStatus" || !(o.status || o.target)) return undefined;
    const t = o.target;
    const st = isRecord(o.status) ? o.status : undefined;
    if (!isRecord(t) || typeof t.kind !== "string" || typeof t.name !== "string" || !st) {
        warnings.push(`${where}: target or status is malformed; skipped`);
        return undefined;
    }
    const clusters = (Array.isArray(st.clusters) ? st.clusters : []).filter((e, i) => {
        const ok = isRecord(e) && typeof e.name === "string";
        if (!ok) warnings.push(`${where}: status.clusters[${i}] is malformed; skipped`);
        return ok;
    }) as ClusterPropagationReport[];
    return { object: { __kubefedStatus: "PropagationStatus", name: r.name.replace(/-status$/, ""),
        target: t as PropagationReport["target"], propagated: o.propagated === true, ready: o.ready === true,
        status: { conditions: conditionsOf(st.conditions, where, warnings), clusters } } };
}
