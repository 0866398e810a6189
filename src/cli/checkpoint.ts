/**
 * Builds the status report (`statusReport.ts`) from a stack's checkpoint (`pulumi stack export`), or live from the members
 * with the credentials the checkpoint holds. No Pulumi SDK imports: the CLI loads this on its own.
 *
 * Sources, newest release first:
 * - `MemberReadBack` (0.2+): one per member: health plus `status[key]` per federated object;
 * - `ClusterHealth` / `PropagationStatus` (0.1): one per member / one per federated object (read by src/compat/status.ts).
 */
import { observeMember } from "../member/observeMember";
import { ObjectStatus, ReadBackInputs, readBackInputsOf } from "../member/readBackState";
import { ClusterHealthReport, ClusterPropagationReport, PropagationReport, conditionsOf, isRecord } from "./statusReport";
import { LEGACY_STATUS_TYPES, legacyStatusEntry } from "../compat/status";
import { propagationCondition } from "../member/propagation";

/** Type token prefix of the library's dynamic resources (MemberReadBack; 0.1's status resources). Not the
 *  components' `TYPE_PREFIX` (`pulumi-kubefed:index:`). */
const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic/kubefed:";

/** A resource of a checkpoint, as `pulumi stack export` prints it. */
export interface CheckpointResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** What `pulumi-kubefed status` shows. */
export interface StatusReport {
    clusters: ClusterHealthReport[];
    objects: PropagationReport[];
    /** When each member was last observed (ISO time), by cluster name. */
    observedAt: Record<string, string>;
    /** Malformed checkpoint entries that were skipped, each naming the resource and field (not part of `-o json`). */
    warnings?: string[];
}

/** The resources of a parsed `pulumi stack export` (its `deployment.resources`). */
export function checkpointResources(exported: unknown): CheckpointResource[] {
    const d = (exported as { deployment?: { resources?: unknown } } | undefined)?.deployment;
    // entries that are not objects cannot be ours; skipping them here spares every reader a null check
    return Array.isArray(d?.resources) ? (d!.resources as unknown[]).filter(isRecord) as unknown as CheckpointResource[] : [];
}

function nameOf(urn: unknown): string {
    return typeof urn === "string" ? urn.split("::").pop() ?? urn : "(no urn)";
}


/** The well-formed conditions of a checkpoint entry (objects with a string type and status); the others are
 *  reported in `warnings`. */

/** The well-formed per-object entries of a read-back's `status` (each with a target naming kind and name, and a
 *  string status: a missing status must not read as "OK"); the others are reported in `warnings`. */
function objectStatusesOf(v: unknown, where: string, warnings: string[]): Record<string, ObjectStatus> {
    if (v === undefined || v === null) return {};
    if (!isRecord(v)) {
        warnings.push(`${where}: status is not an object; ignored`);
        return {};
    }
    const out: Record<string, ObjectStatus> = {};
    for (const key of Object.keys(v).sort()) {
        const e = v[key];
        const t = isRecord(e) ? e.target : undefined;
        if (!isRecord(e) || !isRecord(t) || typeof t.kind !== "string" || typeof t.name !== "string" || typeof e.status !== "string") {
            warnings.push(`${where}: status.${key} is malformed (needs a target with kind and name, and a status); skipped`);
            continue;
        }
        out[key] = { ...e, message: typeof e.message === "string" ? e.message : "", drifted: Array.isArray(e.drifted) ? e.drifted.map(String) : [] } as ObjectStatus;
    }
    return out;
}

/** Propagation of an object over these entries, as the read-back computes it (also used by `--cluster`, so a
 *  filtered view and its `--check` judge only the clusters shown). */
export function propagationOver(entries: ClusterPropagationReport[]): Pick<PropagationReport, "propagated" | "ready"> & { condition: PropagationReport["status"]["conditions"][number] } {
    const cond = propagationCondition(entries.map((e) => ({ ...e, status: (e.status ?? "") as never, message: e.message ?? "",
        exists: !!e.exists, managed: !!e.managed, drifted: e.drifted ?? [], ready: !!e.ready, conditions: [] })), "");
    const propagated = cond.status === "True";
    return { propagated, ready: propagated && entries.every((e) => e.ready),
        condition: { type: "Propagation", status: cond.status, reason: cond.reason, message: cond.message } };
}

function byName<T>(items: T[], key: (t: T) => string): T[] {
    return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** One member's observed outputs (the shape MemberReadBack stores). */
interface MemberObservation {
    clusterName: string;
    ready: boolean;
    kubernetesVersion: string;
    conditions: ClusterHealthReport["conditions"];
    health: boolean;
    status: Record<string, ObjectStatus>;
    observedAt?: string;
}

/** The rendering component of a status entry, when it names one. */
function sourceOf(v: unknown): PropagationReport["source"] {
    const o = (v ?? {}) as Record<string, unknown>;
    return typeof o.type === "string" && o.type && typeof o.name === "string" && o.name ? { type: o.type, name: o.name } : undefined;
}

/** Joins per-member observations into the report: clusters, and objects × clusters. */
export function reportFromObservations(members: MemberObservation[]): StatusReport {
    const clusters: ClusterHealthReport[] = [];
    const observedAt: Record<string, string> = {};
    const objects = new Map<string, { target: PropagationReport["target"]; source?: PropagationReport["source"]; entries: ClusterPropagationReport[] }>();
    for (const m of byName(members, (x) => x.clusterName)) {
        if (m.health !== false) {
            clusters.push({ __kubefedStatus: "ClusterHealth", clusterName: m.clusterName, ready: !!m.ready,
                kubernetesVersion: m.kubernetesVersion ?? "", conditions: Array.isArray(m.conditions) ? m.conditions : [] });
        }
        if (m.observedAt) observedAt[m.clusterName] = m.observedAt;
        for (const key of Object.keys(m.status ?? {}).sort()) {
            const s = m.status[key];
            const o = objects.get(key) ?? { target: s.target, ...(sourceOf(s.source) ? { source: sourceOf(s.source) } : {}), entries: [] };
            const { target: _t, conditions: _c, source: _s, ...rest } = s;
            o.entries.push({ name: m.clusterName, ...rest });
            objects.set(key, o);
        }
    }
    const out: PropagationReport[] = [];
    for (const key of [...objects.keys()].sort()) {
        const o = objects.get(key)!;
        const entries = byName(o.entries, (e) => e.name);
        const p = propagationOver(entries);
        out.push({
            // a rendered object is shown under its component: `hello (Deployment apps/hello-hello)`
            __kubefedStatus: "PropagationStatus", name: o.source ? o.source.name : key, target: o.target, ...(o.source ? { source: o.source } : {}),
            propagated: p.propagated, ready: p.ready, status: { conditions: [p.condition], clusters: entries },
        });
    }
    return { clusters, objects: out, observedAt };
}

/** The report as of the checkpoint: what the last `up` or `pulumi refresh` observed. Malformed entries (a damaged
 *  or hand-edited checkpoint) are skipped and named in `warnings`, never thrown on. */
export function reportFromCheckpoint(resources: CheckpointResource[]): StatusReport {
    const members: MemberObservation[] = [];
    const legacyHealth: ClusterHealthReport[] = [];
    const legacyObjects: PropagationReport[] = [];
    const warnings: string[] = [];
    for (const r of resources) {
        if (!isRecord(r) || typeof r.type !== "string") continue;
        const o = isRecord(r.outputs) ? r.outputs : {};
        const where = `${r.type.slice(r.type.lastIndexOf(":") + 1)} ${nameOf(r.urn)}`;
        if (r.type === `${DYNAMIC_TYPE_PREFIX}MemberReadBack`) {
            members.push({
                clusterName: String(o.clusterName ?? r.id ?? nameOf(r.urn)), ready: o.ready === true,
                kubernetesVersion: String(o.kubernetesVersion ?? ""), conditions: conditionsOf(o.conditions, where, warnings),
                health: o.health !== false, status: objectStatusesOf(o.status, where, warnings),
                observedAt: typeof o.observedAt === "string" ? o.observedAt : undefined,
            });
        } else if (LEGACY_STATUS_TYPES.some(t => r.type === `${DYNAMIC_TYPE_PREFIX}${t}`)) {
            const e = legacyStatusEntry(r.type.slice(DYNAMIC_TYPE_PREFIX.length), o, { id: r.id, name: nameOf(r.urn) }, where, warnings);
            if (e && "cluster" in e) legacyHealth.push(e.cluster);
            if (e && "object" in e) legacyObjects.push(e.object);
        }
    }
    const report = reportFromObservations(members);
    report.clusters = byName([...report.clusters, ...legacyHealth], (c) => c.clusterName);
    report.objects = byName([...report.objects, ...legacyObjects], (o) => o.name ?? "");
    if (warnings.length) report.warnings = warnings;
    return report;
}

/**
 * The report read now from the members, with the credentials held by each MemberReadBack in a checkpoint exported
 * with `--show-secrets`. Members are read in parallel; a member that cannot be read is reported, never thrown.
 */
export async function liveReport(resources: CheckpointResource[]): Promise<StatusReport> {
    const readers = resources.filter((r) => r.type === `${DYNAMIC_TYPE_PREFIX}MemberReadBack` && r.outputs);
    const members = await Promise.all(readers.map(async (r): Promise<MemberObservation> => {
        const outputs = revealSecrets(r.outputs) as Record<string, unknown>;
        const inputs: ReadBackInputs = readBackInputsOf(outputs);
        const o = await observeMember(inputs, outputs as never);
        return { clusterName: o.clusterName, ready: o.ready, kubernetesVersion: o.kubernetesVersion, conditions: o.conditions,
            health: o.health, status: o.status, observedAt: o.observedAt };
    }));
    return reportFromObservations(members);
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A checkpoint exported with `--show-secrets` keeps each secret as `{<sig>: …, plaintext: "<JSON>"}`: the values,
 *  in memory only. */
export function revealSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(revealSecrets);
    if (!v || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o) {
        if (typeof o.plaintext === "string") return revealSecrets(JSON.parse(o.plaintext));
        throw new Error("the checkpoint's secrets are encrypted: --live needs them (is PULUMI_CONFIG_PASSPHRASE set?)");
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revealSecrets(x)]));
}

/** Whether the checkpoint holds anything this command can read. */
export function hasReadBack(resources: CheckpointResource[]): boolean {
    return resources.some((r) => ["MemberReadBack", ...LEGACY_STATUS_TYPES].some((t) => r.type === `${DYNAMIC_TYPE_PREFIX}${t}`));
}
