/**
 * `--cluster` / `--object` for `status` and `plan`: the same report, restricted to some clusters (columns and
 * cluster rows) and some objects (rows). Filtering happens on the model, so table, wide, JSON and YAML show the
 * same selection.
 */
import { StatusReport, propagationOver } from "./checkpoint";
import type { PlanModel, PlanObject } from "./planModel";

/** What to keep; an absent list keeps everything. */
export interface Filters {
    clusters?: string[];
    objects?: string[];
}

/** The filtered model and the filter names that matched nothing (to be reported: likely a typo). */
export interface Filtered<T> {
    value: T;
    unmatched: string[];
}

/** Whether `name` selects an object known by these names: its own name, `namespace/name`, or `Kind/name` (kubectl's
 *  form, kind case-insensitive). */
function selects(name: string, o: { own?: string; kind?: string; namespace?: string; name?: string }): boolean {
    if (name === o.own || name === o.name) return true;
    if (o.namespace && name === `${o.namespace}/${o.name}`) return true;
    const slash = name.indexOf("/");
    return slash > 0 && !!o.kind && name.slice(0, slash).toLowerCase() === o.kind.toLowerCase() && name.slice(slash + 1) === o.name;
}

/** The status report restricted to `f`. Objects placed in none of the selected clusters are left out. */
export function filterStatus(r: StatusReport, f: Filters): Filtered<StatusReport> {
    const cs = f.clusters ? new Set(f.clusters) : undefined;
    const known = new Set<string>(r.clusters.map((c) => c.clusterName));
    for (const o of r.objects) for (const e of o.status?.clusters ?? []) known.add(e.name);
    let objects = r.objects;
    if (f.objects) {
        const names = f.objects;
        objects = objects.filter((o) => names.some((n) => selects(n, { own: o.name, ...o.target })));
    }
    const matchedObjects = new Set((f.objects ?? []).filter((n) => r.objects.some((o) => selects(n, { own: o.name, ...o.target }))));
    if (cs) {
        objects = objects.flatMap((o) => {
            const entries = (o.status?.clusters ?? []).filter((e) => cs.has(e.name));
            if (entries.length === 0) return [];
            const p = propagationOver(entries);
            const others = (o.status?.conditions ?? []).filter((c) => c.type !== "Propagation");
            return [{ ...o, propagated: p.propagated, ready: p.ready, status: { conditions: [p.condition, ...others], clusters: entries } }];
        });
    }
    const value: StatusReport = {
        clusters: cs ? r.clusters.filter((c) => cs.has(c.clusterName)) : r.clusters,
        objects,
        observedAt: cs ? Object.fromEntries(Object.entries(r.observedAt).filter(([k]) => cs.has(k))) : r.observedAt,
        ...(r.warnings ? { warnings: r.warnings } : {}),
    };
    const unmatched = [...(f.clusters ?? []).filter((c) => !known.has(c)).map((c) => `--cluster ${c}`),
        ...(f.objects ?? []).filter((n) => !matchedObjects.has(n)).map((n) => `--object ${n}`)];
    return { value, unmatched };
}

function planNames(o: PlanObject): { own: string; kind?: string; namespace?: string; name?: string } {
    const d = o.decision ?? o.previous;
    return { own: o.resource, kind: d?.kind, namespace: d?.namespace, name: d?.name };
}

function touches(o: PlanObject, cs: Set<string>): boolean {
    for (const d of [o.decision, o.previous]) {
        if (!d) continue;
        if ([...Object.keys(d.placed ?? {}), ...Object.keys(d.excluded ?? {})].some((c) => cs.has(c))) return true;
    }
    return false;
}

/** The plan restricted to `f`: columns of the selected clusters, objects placed or left out there. Blockers and
 *  warnings stay: they block or concern the whole update. */
export function filterPlan(m: PlanModel, f: Filters): Filtered<PlanModel> {
    const cs = f.clusters ? new Set(f.clusters) : undefined;
    let objects = m.objects;
    if (f.objects) {
        const names = f.objects;
        objects = objects.filter((o) => names.some((n) => selects(n, planNames(o))));
    }
    if (cs) objects = objects.filter((o) => touches(o, cs));
    const unmatched = [...(f.clusters ?? []).filter((c) => !m.clusters.includes(c)).map((c) => `--cluster ${c}`),
        ...(f.objects ?? []).filter((n) => !m.objects.some((o) => selects(n, planNames(o)))).map((n) => `--object ${n}`)];
    return { value: { ...m, clusters: cs ? m.clusters.filter((c) => cs.has(c)) : m.clusters, objects }, unmatched };
}
