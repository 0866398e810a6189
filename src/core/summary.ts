import type { DecisionSummary, PlacedCluster } from "./types";
import { ownEntry } from "./ownProperties";
import { ExclusionCode, exclusionCode } from "./exclusions";

/**
 * The replica moves failover made, e.g. `c2 not ready: 17 → 0 (c1 +13, c3 +4)`; empty without failover. Shared by
 * the decision line, `pulumi-kubefed plan` and the policy pack, so all say the same thing.
 */
export function failoverMoves(d: Pick<DecisionSummary, "failover" | "placed">): string[] {
    const f = d.failover;
    if (!f || !Array.isArray(f.notReady) || f.notReady.length === 0) return [];
    const gains = Object.keys(f.replicasIfReady ?? {}).sort(cmp)
        .filter(c => !f.notReady.includes(c))
        .map(c => [c, (ownEntry(d.placed, c)?.replicas ?? 0) - (ownEntry(f.replicasIfReady, c) ?? 0)] as const)
        .filter(([, n]) => n !== 0)
        .map(([c, n]) => `${c} ${n > 0 ? "+" : ""}${n}`);
    const lost = f.notReady.map(c => `${c} ${ownEntry(f.replicasIfReady, c) ?? 0} → ${ownEntry(d.placed, c)?.replicas ?? 0}`);
    return [`not ready: ${lost.join(", ")}${gains.length ? ` (moved: ${gains.join(", ")})` : ""}`];
}

/** Placed clusters of a decision, sorted. */
export function placedClusters(d: Pick<DecisionSummary, "placed">): string[] {
    return Object.keys(d.placed ?? {}).sort(cmp);
}

/** Replicas per placed cluster, for clusters that have a replica count (empty when none has). */
export function replicasOf(d: Pick<DecisionSummary, "placed">): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of placedClusters(d)) {
        const r = d.placed[c].replicas;
        if (typeof r === "number") out[c] = r;
    }
    return out;
}

function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** A recorded list as it was stored (unchecked, as before), or an empty one. */
const stringList = (v: unknown): string[] => (Array.isArray(v) ? v as string[] : []);

function isRecord(v: unknown): v is Record<string, unknown> {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

/**
 * What a federated component records as its outputs: the part of its decision that stack policies judge (the engine
 * hands them outputs only): the object's identity and labels, where it is placed (with the labels sent there when
 * overrides changed them) and, for a dependency, which workloads pulled it where. The whole decision is recorded
 * once, as the component's inputs (what `pulumi preview --diff`, resource policies and `pulumi-kubefed plan`
 * read); recording it again as outputs made every federated object carry it twice in the checkpoint, which every
 * engine step rewrites. {@link normalizeDecision} reads it back as a decision.
 */
export interface PlacementView {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    /** Placed clusters, sorted; an entry holds `labels` only where overrides made them differ from the template's. */
    placed: Record<string, { labels?: Record<string, string> }>;
    pulledBy?: Record<string, string[]>;
}

/** The {@link PlacementView} of a decision. */
export function placementView(d: DecisionSummary): PlacementView {
    const placed: PlacementView["placed"] = {};
    for (const c of placedClusters(d)) {
        const labels = ownEntry(d.placed, c)?.labels;
        placed[c] = labels ? { labels } : {};
    }
    return {
        apiVersion: d.apiVersion, kind: d.kind, name: d.name, ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
        labels: d.labels, placed, ...(d.pulledBy ? { pulledBy: d.pulledBy } : {}),
    };
}

/**
 * Reads a recorded decision of any shape: the current one (`placed`), a {@link PlacementView} (component outputs;
 * what it leaves out reads as empty), or the one recorded before `placed` (parallel `clusters` / `overrides` /
 * `images` / `replicas` / `members`), so tools comparing an old state with a new preview work across the upgrade.
 * Returns undefined when `raw` is not a decision.
 */
export function normalizeDecision(raw: unknown): DecisionSummary | undefined {
    if (!isRecord(raw) || typeof raw.kind !== "string" || typeof raw.name !== "string") return undefined;
    if (isRecord(raw.placed)) return isRecord(raw.excluded) ? raw as unknown as DecisionSummary : fromView(raw, raw.placed);
    if (!Array.isArray(raw.clusters)) return undefined;
    const placed: Record<string, PlacedCluster> = {};
    for (const c of [...raw.clusters].map(String).sort(cmp)) {
        const r = isRecord(raw.replicas) ? ownEntry(raw.replicas, c) : undefined;
        placed[c] = {
            ...(typeof r === "number" ? { replicas: r } : {}),
            overrides: stringList(isRecord(raw.overrides) ? ownEntry(raw.overrides, c) : undefined),
            images: stringList(isRecord(raw.images) ? ownEntry(raw.images, c) : undefined),
        };
    }
    const { clusters: _c, overrides: _o, images: _i, replicas: _r, members: _m, ...rest } = raw;
    return { ...rest, placed, excluded: isRecord(raw.excluded) ? raw.excluded : {}, overrideClusters: raw.overrideClusters ?? [] } as DecisionSummary;
}

/** A {@link PlacementView} read as a decision: the lists and maps it leaves out are empty (never missing), so code
 *  written for a whole decision can walk it; its booleans stay unset. */
function fromView(raw: Record<string, unknown>, placedRaw: Record<string, unknown>): DecisionSummary {
    const placed: Record<string, PlacedCluster> = {};
    for (const c of Object.keys(placedRaw).sort(cmp)) {
        const e = isRecord(placedRaw[c]) ? placedRaw[c] as Record<string, unknown> : {};
        placed[c] = { ...e, overrides: stringList(e.overrides), images: stringList(e.images) } as PlacedCluster;
    }
    return { ...raw, labels: isRecord(raw.labels) ? raw.labels : {}, placed, excluded: {}, overrideClusters: stringList(raw.overrideClusters),
        warnings: stringList(raw.warnings) } as unknown as DecisionSummary;
}

/** `Deployment shop/web`. */
export function objectOf(d: Pick<DecisionSummary, "kind" | "name" | "namespace">): string {
    return `${d.kind} ${d.namespace ? `${d.namespace}/` : ""}${d.name}`;
}

/** The last segment of a JSON pointer: "/spec/template/spec/containers/0/image" → "image". */
function shortPath(p: string): string {
    const seg = p.split("/").filter(s => s !== "");
    return (seg[seg.length - 1] ?? p).replace(/~1/g, "/").replace(/~0/g, "~");
}

/** A few words for an exclusion reason recorded by the components (the full text stays in the record): its code
 *  (see `exclusionCode`), in words. */
export function shortReason(reason: string): string {
    const code = exclusionCode(reason);
    return code === undefined ? reason : SHORT[code];
}
const SHORT: Record<ExclusionCode, string> = {
    "selector": "selector", "not-listed": "not listed", "no-placement": "no placement", "namespace": "namespace",
    "replica-scheduling": "replica scheduling", "spread": "spread",
};

/**
 * The one-line decision of a federated object, e.g.
 * `web (Deployment shop/web): c1 3 · c2 3 · c3 0 [replica scheduling]; overrides: c1 env; excluded: c4 (selector)`.
 * Overrides are shown by their last path segment (full paths are in the record and in `pulumi-kubefed plan`).
 */
export function decisionLine(resourceName: string, d: DecisionSummary): string {
    const id = objectOf(d);
    const head = resourceName === d.name ? id : `${resourceName} (${id})`;
    const clusters = placedClusters(d);
    const placed = clusters.length === 0 ? "no cluster"
        : clusters.map(c => typeof d.placed[c].replicas === "number" ? `${c} ${d.placed[c].replicas}` : c).join(" · ");
    const rsp = d.replicaScheduling ? " [replica scheduling]" : "";
    const unplaced = d.unplacedReplicas ? ` (${d.unplacedReplicas} unplaced)` : "";
    const ov = clusters
        .map(c => [c, [...new Set((d.placed[c].overrides ?? [])
            // replica scheduling's own /spec/replicas is shown as the replica count already
            .filter(p => !(d.replicaScheduling && p === "/spec/replicas"))
            .map(shortPath))]] as const)
        .filter(([, ps]) => ps.length > 0)
        .map(([c, ps]) => `${c} ${ps.join(", ")}`);
    const ex = Object.keys(d.excluded ?? {}).sort(cmp).map(c => `${c} (${shortReason(d.excluded[c])})`);
    const waves = d.rollout ? `; waves: ${d.rollout.waves.map(w => `${w.name} (${w.clusters.join(", ")})`).join(" → ") || "—"} (timeout ${d.rollout.timeoutSeconds}s each)` : "";
    const deps = d.dependencies ? `; dependencies: ${d.dependencies.mode}${d.dependencies.references.length ? ` ${d.dependencies.references.join(", ")}` : ""}` : "";
    const extra = [
        ...failoverMoves(d).map(m => `; failover: ${m}`),
        ...(d.spread && d.spread.length > 0 ? [`; spread: ${d.spread.map(s => `${s.constraint.spreadByLabel !== undefined ? `label ${s.constraint.spreadByLabel}` : s.constraint.spreadByField} ${s.groups.join(", ") || "—"}`).join(" · ")}`] : []),
    ].join("");
    return `${head}: ${placed}${rsp}${unplaced}; overrides: ${ov.length ? ov.join(" · ") : "—"}; excluded: ${ex.length ? ex.join(" · ") : "—"}${extra}${waves}${deps}`;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
    return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/**
 * What changed between two decisions of the same object, one short phrase per change, sorted by cluster:
 * `+c4`, `+c4 3`, `−c1 (selector)`, `c2 5 → 3`, `c2 overrides +image −env`, `c2 images nginx:1.25 → nginx:1.27`.
 * Empty when the placement, replicas, overrides and images are the same.
 */
export function decisionChanges(before: DecisionSummary, after: DecisionSummary): string[] {
    const out: string[] = [];
    const names = [...new Set([...placedClusters(before), ...placedClusters(after)])].sort(cmp);
    for (const c of names) {
        const o = ownEntry(before.placed, c), n = ownEntry(after.placed, c);
        if (!o && n) {
            out.push(`+${c}${typeof n.replicas === "number" ? ` ${n.replicas}` : ""}`);
            continue;
        }
        if (o && !n) {
            const why = ownEntry(after.excluded, c);
            out.push(`−${c}${why ? ` (${shortReason(why)})` : ""}`);
            continue;
        }
        if (!o || !n) continue;
        if (o.replicas !== n.replicas) {
            const why = after.failover?.notReady?.includes(c) ? " (not ready)" : before.failover?.notReady?.includes(c) ? " (ready again)" : "";
            out.push(`${c} ${o.replicas ?? "-"} → ${n.replicas ?? "-"}${why}`);
        }
        if (!sameList(o.overrides, n.overrides)) {
            const added = (n.overrides ?? []).filter(p => !(o.overrides ?? []).includes(p)).map(p => `+${shortPath(p)}`);
            const removed = (o.overrides ?? []).filter(p => !(n.overrides ?? []).includes(p)).map(p => `−${shortPath(p)}`);
            out.push(`${c} overrides ${[...added, ...removed].join(" ") || "reordered"}`);
        }
        if (!sameList(o.images, n.images)) out.push(`${c} images ${(o.images ?? []).join(",") || "-"} → ${(n.images ?? []).join(",") || "-"}`);
    }
    return out;
}
