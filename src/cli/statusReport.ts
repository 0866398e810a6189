/**
 * The status report's model (clusters' health, objects' propagation per cluster) as `pulumi-kubefed status`
 * (src/cli.ts) shows it, and its pure rendering. Built from a checkpoint by checkpoint.ts, or from 0.1 stack
 * outputs by src/compat/status.ts. No Pulumi imports here: the CLI loads this without the SDK.
 */
import { renderTable, terminalSafe, truncate } from "./table";

/** A cluster-health entry of the report. */
export interface ClusterHealthReport {
    __kubefedStatus: "ClusterHealth";
    clusterName: string;
    ready: boolean;
    kubernetesVersion: string;
    conditions: { type: string; status: string; reason?: string; message?: string; lastProbeTime?: string; lastTransitionTime?: string }[];
}

/** A per-cluster entry of a propagation report. */
export interface ClusterPropagationReport {
    name: string;
    status: string;
    message?: string;
    exists?: boolean;
    managed?: boolean;
    drifted?: string[];
    ready?: boolean;
    generation?: number;
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
}

/** A propagation entry of the report. */
export interface PropagationReport {
    __kubefedStatus: "PropagationStatus";
    /** Display name (e.g. the FederatedResource name); default: derived from `target`. */
    name?: string;
    target: { apiVersion: string; kind: string; namespace?: string; name: string };
    /** For an object a FederatedChart or FederatedKustomization rendered: that component (then `name` is its name). */
    source?: { type: string; name: string };
    propagated: boolean;
    ready: boolean;
    status: {
        conditions: { type: string; status: string; reason?: string; message?: string }[];
        clusters: ClusterPropagationReport[];
    };
}

/** Whether `v` is a plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

/** The well-formed entries of a `conditions` list read from state; each malformed one is named in `warnings`. */
export function conditionsOf(v: unknown, where: string, warnings: string[]): ClusterHealthReport["conditions"] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
        warnings.push(`${where}: conditions is not a list; ignored`);
        return [];
    }
    return v.filter((c, i) => {
        const ok = isRecord(c) && typeof c.type === "string" && typeof c.status === "string";
        if (!ok) warnings.push(`${where}: conditions[${i}] is malformed; skipped`);
        return ok;
    }) as ClusterHealthReport["conditions"];
}

/** `<Kind> <namespace>/<name>` (or the report's own name when given). */
export function objectLabel(r: PropagationReport): string {
    const t = r.target;
    const id = `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
    return r.name && r.name !== t.name ? `${r.name} (${id})` : id;
}

function conditionList(c: ClusterHealthReport): ClusterHealthReport["conditions"] {
    return Array.isArray(c.conditions) ? c.conditions.filter((x) => x && typeof x === "object") : [];
}

function entriesOf(o: PropagationReport): ClusterPropagationReport[] {
    const l = o.status?.clusters;
    return Array.isArray(l) ? l.filter((e) => e && typeof e === "object" && typeof e.name === "string") : [];
}

/** Short health word of a cluster entry: Ready, NotReady, Offline, ConfigMalformed or Unknown. */
export function healthWord(c: ClusterHealthReport): string {
    const conds = conditionList(c);
    if (conds.some((x) => x.type === "Ready" && x.status === "True")) return "Ready";
    if (conds.some((x) => x.type === "ConfigMalformed" && x.status === "True")) return "ConfigMalformed";
    if (conds.some((x) => x.type === "Offline" && x.status === "True")) return "Offline";
    if (conds.some((x) => x.type === "Ready")) return "NotReady";
    return "Unknown";
}

/** Cell text for one object in one cluster: `OK`, `OK (not ready)`, a reason, or `-` when not placed there;
 *  workloads add ready/desired replicas (`OK 3/3`). */
export function cellText(e: ClusterPropagationReport | undefined): string {
    if (!e) return "-";
    const replicas = typeof e.replicas === "number" && e.exists !== false ? ` ${e.readyReplicas ?? 0}/${e.replicas}` : "";
    if (!e.status) return `${e.ready === false ? "OK (not ready)" : "OK"}${replicas}`;
    return `${e.status}${replicas}`;
}

/** Whether everything is fine: all clusters Ready and every object propagated. */
export function allHealthy(r: { clusters: ClusterHealthReport[]; objects: PropagationReport[] }): boolean {
    return r.clusters.every((c) => healthWord(c) === "Ready") && r.objects.every((o) => o.propagated === true);
}

/** Columns of a message in the table; `-o wide` shows it whole. */
const MESSAGE_WIDTH = 60;

/** Options of {@link renderStatus}. */
export interface RenderStatusOptions {
    /** `-o wide`: whole messages, and the reasons and observation times the table leaves out. */
    wide?: boolean;
    /** When each member was last observed, by cluster name (the wide OBSERVED column). */
    observedAt?: Record<string, string>;
}

/** Renders the readable report: cluster health, then a matrix objects × clusters, then details of problems. Every
 *  value is made terminal-safe (src/cli/table.ts). */
export function renderStatus(r: { clusters: ClusterHealthReport[]; objects: PropagationReport[] }, opts: RenderStatusOptions = {}): string {
    const out: string[] = [];
    const wide = !!opts.wide;
    if (r.clusters.length === 0 && r.objects.length === 0) {
        return "No kubefed status found in this stack: run `pulumi up` first (member health and object status are read back by default).";
    }
    if (r.clusters.length > 0) {
        const rows = [wide ? ["CLUSTER", "HEALTH", "VERSION", "REASON", "OBSERVED", "MESSAGE"] : ["CLUSTER", "HEALTH", "VERSION", "MESSAGE"]];
        for (const c of r.clusters) {
            const conds = conditionList(c);
            const main = conds.find((x) => x.status === "True") ?? conds[0];
            const message = String(main?.message ?? "").replace(/\s+/g, " ");
            rows.push(wide
                ? [c.clusterName, healthWord(c), c.kubernetesVersion || "-", main?.reason || "-", opts.observedAt?.[c.clusterName] ?? "-", message]
                : [c.clusterName, healthWord(c), c.kubernetesVersion || "-", truncate(terminalSafe(message), MESSAGE_WIDTH)]);
        }
        out.push(renderTable(rows));
    }
    if (r.objects.length > 0) {
        const names = new Set<string>(r.clusters.map((c) => c.clusterName));
        for (const o of r.objects) for (const e of entriesOf(o)) names.add(e.name);
        const cols = [...names].sort();
        const rows = [["OBJECT", ...cols, "PROPAGATION", "READY", ...(wide ? ["MESSAGE"] : [])]];
        const details: string[] = [];
        for (const o of r.objects) {
            const entries = new Map(entriesOf(o).map((e) => [e.name, e]));
            const cond = (Array.isArray(o.status?.conditions) ? o.status.conditions : []).find((c) => c?.type === "Propagation");
            rows.push([
                objectLabel(o),
                ...cols.map((c) => cellText(entries.get(c))),
                cond ? `${cond.status}${cond.reason ? ` (${cond.reason})` : ""}` : "?",
                o.ready ? "yes" : "no",
                ...(wide ? [String(cond?.message ?? "")] : []),
            ]);
            for (const e of entriesOf(o)) {
                if (e.status) details.push(`  ${objectLabel(o)} @ ${e.name}: ${e.status}${e.message ? ` - ${e.message}` : ""}${wide && e.drifted?.length ? ` (${e.drifted.join(", ")})` : ""}`);
            }
        }
        if (out.length) out.push("");
        out.push(renderTable(rows));
        if (details.length) {
            out.push("", "Problems:", ...details.map((d) => terminalSafe(d)));
        }
    }
    return out.join("\n");
}
