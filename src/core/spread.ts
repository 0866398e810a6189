/**
 * Spread constraints (Karmada `placement.spreadConstraints`): after KubeFed placement has picked the candidate
 * clusters, keep a subset that spans at least `minGroups` and at most `maxGroups` groups per constraint, where a
 * group is a region, a zone, a provider, the value of a cluster label, or a single cluster.
 *
 * Where we differ from Karmada (pkg/scheduler/core/spreadconstraint):
 * - Karmada ranks groups by cluster scores and available replicas; we have neither at preview, so among equals we
 *   prefer clusters in larger groups (more candidates), then cluster names in code-unit order: deterministic.
 * - Karmada keeps at most `maxGroups` of the `cluster` constraint and otherwise one cluster per chosen group plus the
 *   best remaining ones; we keep every candidate that does not break a maximum (KubeFed places everywhere the
 *   placement selects), so "at least 2 regions" places in all clusters of all regions.
 * - Karmada requires a `cluster` constraint next to a region constraint and schedules only cluster and region
 *   constraints; we accept any combination, and zone, provider and label constraints too.
 * - `provider` is the cluster label `provider` (MemberCluster's own `provider` argument is its Kubernetes provider);
 *   a cluster with several zones counts in each of them.
 * - Clusters without a value for a constraint's field are left out (as Karmada does), with the reason recorded.
 * - An unsatisfiable constraint is an error naming it and the clusters available (Karmada reports a scheduling
 *   failure on the binding).
 */
import type { ClusterInfo, SpreadConstraint, SpreadField } from "./types";
import { ValidationIssue } from "./errors";
import { labelKeyProblem } from "./labels";
import { compareStrings } from "./placement";

/** The fields a constraint can group clusters by (Karmada's `SpreadFieldValue`). */
export const SPREAD_FIELDS: readonly SpreadField[] = ["cluster", "region", "zone", "provider"];

/** The cluster label `spreadByField: "provider"` reads. */
export const PROVIDER_LABEL = "provider";

/** Result of {@link applySpreadConstraints}. */
export interface SpreadResult {
    /** Kept clusters, sorted. */
    clusters: string[];
    /** Candidates left out, with why (keyed and sorted by cluster). */
    excluded: Record<string, string>;
    /** Per constraint (same order): the groups the kept clusters span, sorted. */
    groups: string[][];
    /** Set when the constraints cannot be met; the placement must then fail. */
    error?: { field: string; message: string };
}

const err = (field: string, message: string): ValidationIssue => ({ severity: "error", field, message });

/** Short name of a constraint for messages: `region`, `label team`. */
export function spreadKind(c: SpreadConstraint): string {
    return c.spreadByLabel !== undefined ? `label ${c.spreadByLabel}` : String(c.spreadByField);
}

/** `spreadByField region, minGroups 2, maxGroups 2`. */
export function describeSpreadConstraint(c: SpreadConstraint): string {
    const by = c.spreadByLabel !== undefined ? `spreadByLabel ${c.spreadByLabel}` : `spreadByField ${c.spreadByField}`;
    return `${by}, minGroups ${c.minGroups ?? 1}${c.maxGroups !== undefined && c.maxGroups !== null ? `, maxGroups ${c.maxGroups}` : ""}`;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Shape problems of a constraint list (never throws); duplicates of a field or label are errors as in Karmada. */
export function validateSpreadConstraints(constraints: unknown, field: string): ValidationIssue[] {
    if (constraints === undefined || constraints === null) return [];
    if (!Array.isArray(constraints)) return [err(field, "must be a list of {spreadByField | spreadByLabel, minGroups?, maxGroups?}")];
    const issues: ValidationIssue[] = [];
    const seen = new Set<string>();
    constraints.forEach((raw: unknown, i) => {
        const f = `${field}[${i}]`;
        if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
            issues.push(err(f, "must be an object {spreadByField | spreadByLabel, minGroups?, maxGroups?}"));
            return;
        }
        const c = raw as SpreadConstraint;
        const byField = c.spreadByField !== undefined && c.spreadByField !== null;
        const byLabel = c.spreadByLabel !== undefined && c.spreadByLabel !== null;
        if (byField === byLabel) {
            issues.push(err(f, `set exactly one of spreadByField (${SPREAD_FIELDS.join(", ")}) and spreadByLabel (a cluster label key)`));
        } else if (byField && !(SPREAD_FIELDS as readonly string[]).includes(c.spreadByField as string)) {
            issues.push(err(`${f}.spreadByField`, `"${String(c.spreadByField)}" is not one of ${SPREAD_FIELDS.join(", ")}`));
        } else if (byLabel) {
            const p = labelKeyProblem(c.spreadByLabel);
            if (p) issues.push(err(`${f}.spreadByLabel`, `${p}; give a cluster label key`));
        }
        for (const k of ["minGroups", "maxGroups"] as const) {
            if (c[k] !== undefined && c[k] !== null && !isCount(c[k])) issues.push(err(`${f}.${k}`, `must be a non-negative integer, got ${String(c[k])}`));
        }
        if (isCount(c.minGroups) && isCount(c.maxGroups) && c.minGroups > c.maxGroups) {
            issues.push(err(f, `minGroups (${c.minGroups}) is greater than maxGroups (${c.maxGroups}); lower minGroups or raise maxGroups`));
        }
        if (c.maxGroups === 0) issues.push(err(`${f}.maxGroups`, "is 0, which places nowhere; raise it or remove the constraint"));
        const key = byLabel ? `label:${c.spreadByLabel}` : `field:${c.spreadByField}`;
        if (byField !== byLabel) {
            if (seen.has(key)) issues.push(err(f, `repeats the constraint on ${spreadKind(c)}; keep one per field or label`));
            seen.add(key);
        }
    });
    return issues;
}

/** The groups a cluster belongs to under a constraint (empty: the cluster has no value for it). */
export function spreadGroupsOf(cluster: ClusterInfo, c: SpreadConstraint): string[] {
    if (c.spreadByLabel !== undefined && c.spreadByLabel !== null) {
        const v = cluster.labels?.[c.spreadByLabel];
        return typeof v === "string" ? [v] : [];
    }
    switch (c.spreadByField) {
        case "cluster": return [cluster.name];
        case "region": return cluster.region ? [cluster.region] : [];
        case "zone": return [...new Set(cluster.zones ?? [])].sort(compareStrings);
        case "provider": {
            const v = cluster.labels?.[PROVIDER_LABEL];
            return typeof v === "string" && v ? [v] : [];
        }
        default: return [];
    }
}

const plural = (c: SpreadConstraint, n = 2) => c.spreadByLabel !== undefined ? `value${n === 1 ? "" : "s"} of label ${c.spreadByLabel}`
    : `${c.spreadByField}${n === 1 ? "" : "s"}`;

/**
 * Keeps the candidates that satisfy every constraint (the constraints must be valid, see
 * {@link validateSpreadConstraints}):
 * 1. candidates without a value for a constraint are left out;
 * 2. while a constraint spans fewer than `minGroups` groups, add the candidate that brings the most missing groups
 *    without exceeding any `maxGroups` (ties: the candidate whose groups hold the most candidates, then its name);
 * 3. then add every other candidate that exceeds no `maxGroups`, in the same order.
 * Deterministic for the same candidates; input order is irrelevant.
 */
export function applySpreadConstraints(candidates: string[], clusters: ClusterInfo[], constraints: SpreadConstraint[],
                                       field = "placement.spreadConstraints"): SpreadResult {
    const byName = new Map(clusters.map(c => [c.name, c]));
    const names = [...new Set(candidates)].filter(n => byName.has(n)).sort(compareStrings);
    const excluded: Record<string, string> = {};
    const groupsOf = new Map<string, string[][]>();
    const eligible: string[] = [];
    for (const n of names) {
        const gs = constraints.map(c => spreadGroupsOf(byName.get(n)!, c));
        const missing = gs.findIndex(g => g.length === 0);
        if (missing >= 0) {
            const c = constraints[missing];
            excluded[n] = `has no ${c.spreadByLabel !== undefined ? `label ${c.spreadByLabel}` : c.spreadByField === "provider" ? `${PROVIDER_LABEL} label` : c.spreadByField}, which ${field}[${missing}] spreads by`;
            continue;
        }
        groupsOf.set(n, gs);
        eligible.push(n);
    }
    // Group sizes among the eligible candidates, for the tie-break (bigger groups first: more room).
    const sizes = constraints.map((_, k) => {
        const m = new Map<string, number>();
        for (const n of eligible) for (const g of groupsOf.get(n)![k]) m.set(g, (m.get(g) ?? 0) + 1);
        return m;
    });
    const weight = new Map<string, number>();
    for (const n of eligible) {
        let w = 0;
        groupsOf.get(n)!.forEach((gs, k) => {
            let most = 0;
            for (const g of gs) most = Math.max(most, sizes[k].get(g)!);
            w += most;
        });
        weight.set(n, w);
    }
    const order = [...eligible].sort((a, b) => weight.get(b)! - weight.get(a)! || compareStrings(a, b));
    const min = constraints.map(c => c.minGroups ?? 1);
    const max = constraints.map(c => (c.maxGroups === undefined || c.maxGroups === null ? Infinity : c.maxGroups));
    const used = constraints.map(() => new Set<string>());
    const widest = constraints.map((_, k) => eligible.reduce((m, n) => Math.max(m, groupsOf.get(n)![k].length), 0));
    const chosen = new Set<string>();
    const fresh = (n: string, k: number) => {
        let count = 0;
        for (const g of groupsOf.get(n)![k]) if (!used[k].has(g)) count++;
        return count;
    };
    const fits = (n: string) => {
        for (let k = 0; k < constraints.length; k++) if (used[k].size + fresh(n, k) > max[k]) return false;
        return true;
    };
    const take = (n: string) => {
        chosen.add(n);
        groupsOf.get(n)!.forEach((gs, k) => gs.forEach(g => used[k].add(g)));
    };

    for (;;) {
        const short = constraints.map((_, k) => k).filter(k => used[k].size < min[k]);
        if (short.length === 0) break;
        // The most one cluster can bring; the first candidate (in order) that brings it is the answer.
        const ideal = short.reduce((s, k) => s + Math.min(widest[k], min[k] - used[k].size), 0);
        let best: string | undefined, bestGain = 0;
        for (const n of order) {
            if (chosen.has(n)) continue;
            const gain = short.reduce((s, k) => s + Math.min(fresh(n, k), min[k] - used[k].size), 0);
            if (gain > bestGain && fits(n)) {
                best = n;
                bestGain = gain;
                if (gain >= ideal) break;
            }
        }
        if (best === undefined) {
            const k = short[0];
            return { clusters: [], excluded, groups: constraints.map(() => []), error: unsatisfiable(field, k, constraints, eligible, names, groupsOf, byName, excluded) };
        }
        take(best);
    }
    for (const n of order) if (!chosen.has(n) && fits(n)) take(n);

    const groups = used.map(s => [...s].sort(compareStrings));
    const why = constraints.map((c, k) => `${field}[${k}] allows at most ${max[k]} ${plural(c, max[k])} (chosen: ${groups[k].join(", ")})`);
    for (const n of eligible) {
        if (chosen.has(n)) continue;
        const k = constraints.findIndex((_, j) => used[j].size + fresh(n, j) > max[j]);
        excluded[n] = `${spreadKind(constraints[k])} ${groupsOf.get(n)![k].filter(g => !used[k].has(g)).join(", ")} not chosen: ${why[k]}`;
    }
    return { clusters: [...chosen].sort(compareStrings), excluded: sortKeys(excluded), groups };
}

function unsatisfiable(field: string, k: number, constraints: SpreadConstraint[], eligible: string[], candidates: string[],
                       groupsOf: Map<string, string[][]>, byName: Map<string, ClusterInfo>, excluded: Record<string, string>): { field: string; message: string } {
    const c = constraints[k];
    const members = new Map<string, string[]>();
    for (const n of eligible) for (const g of groupsOf.get(n)![k]) members.set(g, [...(members.get(g) ?? []), n]);
    const groups = [...members.keys()].sort(compareStrings).map(g => `${g} (${members.get(g)!.join(", ")})`);
    const others = constraints.map((o, j) => (j !== k && o.maxGroups !== undefined && o.maxGroups !== null ? `${field}[${j}] (${describeSpreadConstraint(o)})` : ""))
        .filter(s => s);
    const available = candidates.length === 0 ? "none (the placement selects no cluster)"
        : candidates.map(n => {
            const info = byName.get(n)!;
            const facts = [info.region ? `region ${info.region}` : "", info.zones?.length ? `zones ${info.zones.join("/")}` : "",
                c.spreadByLabel !== undefined ? `${c.spreadByLabel}=${info.labels?.[c.spreadByLabel] ?? "-"}` : ""].filter(s => s);
            return `${n}${facts.length ? ` (${facts.join(", ")})` : ""}${excluded[n] ? " [no value]" : ""}`;
        }).join(", ");
    const span = groups.length === 0 ? `no ${plural(c)}` : `${groups.length} ${plural(c, groups.length)}: ${groups.join(" · ")}`;
    return {
        field: `${field}[${k}]`,
        message: `(${describeSpreadConstraint(c)}) cannot be met: the placement's clusters span ${span}` +
            `${others.length ? `, within the limits of ${others.join(" and ")}` : ""}. Clusters available: ${available}. ` +
            `Lower minGroups, widen the placement, or add clusters with other ${plural(c)}.`,
    };
}

function sortKeys<V>(r: Record<string, V>): Record<string, V> {
    const out: Record<string, V> = {};
    for (const k of Object.keys(r).sort(compareStrings)) out[k] = r[k];
    return out;
}
