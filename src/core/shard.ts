/**
 * Sharded stacks, the layouts side: one program run as several stacks, each emitting the member objects it holds
 * (a subset of the clusters, or of the workloads). The decisions every shard computes and compares: shardDecisions.ts.
 *
 * Pure logic only (no `@pulumi/*`): the layout's rules, which shard holds an object, and their refusals. Components (src/components/shard.ts), the driver
 * (src/cli/shards.ts) and the operator manifests all use these functions, so they agree on what a shard is.
 */
import { createHash } from "crypto";
import { ValidationIssue } from "./errors";
import { dns1123LabelProblem } from "./labels";

/** Env var the driver sets: the program writes its shard record and full decision there at the end of the run. */
export const DECISION_FILE_ENV = "PULUMI_KUBEFED_DECISION_FILE";

/**
 * Which federated objects a workload shard holds. Every criterion given must match (a shard with `namespaces` and
 * `labels` holds the objects in those namespaces that carry those labels).
 */
export interface WorkloadSelector {
    /** The object's namespace (its template's `metadata.namespace`; a FederatedNamespace's own name) is one of these. */
    namespaces?: string[];
    /** Label key → accepted values: the object's template carries each key with one of its values. */
    labels?: Record<string, string[]>;
    /** The object's bucket, a stable hash of its identity (`<component type> <name>`, see {@link workloadBucket}),
     *  modulo `of`, is one of `buckets`. */
    hash?: { of: number; buckets: number[] };
}

/** One shard of a layout given as an object: its member clusters (default: every member) and, for a workload shard,
 *  which federated objects it holds in them. */
export interface ShardSelector extends WorkloadSelector {
    clusters?: string[];
}

/**
 * Shard name → what that shard's stack emits: a list of member clusters (a cluster shard: every object's member
 * objects in those clusters), or a {@link ShardSelector} (a workload shard: the selected objects' member objects, in
 * its clusters or in every member).
 */
export type ShardLayout = Record<string, string[] | ShardSelector>;

/** The identity of a federated object as workload shards select it. */
export interface WorkloadIdentity {
    /** `<component type> <name>`, e.g. `FederatedResource web`: the key of the object in the decision. */
    key: string;
    namespace?: string;
    labels?: Record<string, string>;
}

/** The facts of one member that decisions depend on. */
export interface ShardMemberFacts {
    clusterName: string;
    labels: Record<string, string>;
    region?: string;
    zones: string[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const WORKLOAD_KEYS = ["namespaces", "labels", "hash"] as const;

/** The clusters a layout entry names; undefined for a workload shard over every member. */
export function shardClusters(entry: string[] | ShardSelector | undefined): string[] | undefined {
    if (Array.isArray(entry)) return entry;
    return entry?.clusters;
}

/** Whether a layout entry selects workloads (namespaces, labels or hash buckets) rather than whole clusters. */
export function isWorkloadShard(entry: string[] | ShardSelector | undefined): entry is ShardSelector {
    return !!entry && !Array.isArray(entry) && WORKLOAD_KEYS.some(k => entry[k] !== undefined);
}

/** Whether any shard of the layout selects workloads. */
export function isWorkloadLayout(layout: ShardLayout): boolean {
    return Object.values(layout).some(isWorkloadShard);
}

/**
 * The bucket of a federated object among `of`: the first 32 bits of SHA-256 of its identity key, modulo `of`. It
 * depends on the key alone, so an object keeps its bucket whatever the program declares before or after it.
 */
export function workloadBucket(key: string, of: number): number {
    return createHash("sha256").update(key).digest().readUInt32BE(0) % of;
}

/** Whether the entry's workload criteria select the object (true for a cluster shard). */
function selects(entry: string[] | ShardSelector, o: WorkloadIdentity): boolean {
    if (!isWorkloadShard(entry)) return true;
    if (entry.namespaces && !(o.namespace !== undefined && entry.namespaces.includes(o.namespace))) return false;
    for (const [k, vs] of Object.entries(entry.labels ?? {})) {
        const v = o.labels ? Object.prototype.hasOwnProperty.call(o.labels, k) ? o.labels[k] : undefined : undefined;
        if (v === undefined || !vs.includes(v)) return false;
    }
    if (entry.hash && !entry.hash.buckets.includes(workloadBucket(o.key, entry.hash.of))) return false;
    return true;
}

/** The shards (sorted) that hold the object's member object in `cluster`. */
export function shardsFor(layout: ShardLayout, o: WorkloadIdentity, cluster: string): string[] {
    return Object.keys(layout).sort(cmp).filter(s => {
        const cs = shardClusters(layout[s]);
        return (!cs || cs.includes(cluster)) && selects(layout[s], o);
    });
}

/** Describes a layout entry for tables and messages: `c1, c2` or `every cluster; namespaces shop`. */
export function describeShard(entry: string[] | ShardSelector): string {
    const cs = shardClusters(entry);
    const parts = [cs ? [...cs].sort(cmp).join(", ") : "every cluster"];
    if (isWorkloadShard(entry)) {
        if (entry.namespaces) parts.push(`namespaces ${[...entry.namespaces].sort(cmp).join(", ")}`);
        for (const k of Object.keys(entry.labels ?? {}).sort(cmp)) parts.push(`label ${k} in ${entry.labels![k].join(", ")}`);
        if (entry.hash) parts.push(`buckets ${[...entry.hash.buckets].sort((a, b) => a - b).join(", ")} of ${entry.hash.of}`);
    }
    return parts.join("; ");
}

/** Where a federated object's member objects live in a layout. */
export interface ObjectPlacement {
    /** Placed cluster → the shard that emits its member object there. */
    owners: Record<string, string>;
    /** The shards holding the object, sorted: those of `owners`; for an object placed nowhere, the workload shards
     *  that select it (so one of them registers and reports it). */
    shards: string[];
    /** Clusters no shard or several shards hold, as errors naming the object and the fix. */
    issues: ValidationIssue[];
}

/**
 * Which shard emits the object's member object in each of its placed `clusters`: exactly one must (no stack would
 * manage it, or two would fight over it). Every shard computes this for every object, so all refuse the same layout.
 */
export function placeObject(layout: ShardLayout, o: WorkloadIdentity, clusters: string[]): ObjectPlacement {
    const owners: Record<string, string> = {};
    const issues: ValidationIssue[] = [];
    const shards = new Set<string>();
    const what = `${o.key}${o.namespace !== undefined ? ` (namespace ${o.namespace})` : ""}`;
    for (const c of [...clusters].sort(cmp)) {
        const hit = shardsFor(layout, o, c);
        if (hit.length === 1) {
            owners[c] = hit[0];
            shards.add(hit[0]);
        } else if (hit.length === 0) {
            issues.push({ severity: "error", field: "shards", message: `${what} is placed in cluster "${c}" but no shard of pulumi-kubefed:shards ` +
                `holds it there (${Object.keys(layout).sort(cmp).map(s => `${s}: ${describeShard(layout[s])}`).join("; ")}); add its namespace or ` +
                `label to one shard, or shard by hash ({"hash": {"of": N, "buckets": [...]}}) so every object has a shard` });
        } else {
            issues.push({ severity: "error", field: "shards", message: `${what} is selected in cluster "${c}" by shards ${hit.map(h => `"${h}"`).join(" and ")} ` +
                "of pulumi-kubefed:shards; each object belongs to exactly one shard per cluster (two stacks would manage it): make their selectors disjoint" });
        }
    }
    if (clusters.length === 0) {
        for (const s of Object.keys(layout).sort(cmp)) if (isWorkloadShard(layout[s]) && selects(layout[s], o)) shards.add(s);
    }
    return { owners, shards: [...shards].sort(cmp), issues };
}

function isNameList(v: unknown): v is string[] {
    return Array.isArray(v) && v.every(x => typeof x === "string" && !!x);
}

/** Problems of one object entry (a {@link ShardSelector}). */
function selectorIssues(at: string, e: Record<string, unknown>, err: (f: string, m: string) => void): void {
    for (const k of Object.keys(e)) {
        if (![...WORKLOAD_KEYS, "clusters"].includes(k)) err(`${at}.${k}`, `is not a shard setting; use clusters, namespaces, labels or hash`);
    }
    if (e.clusters !== undefined && (!isNameList(e.clusters) || e.clusters.length === 0)) err(`${at}.clusters`, "must be a non-empty list of member cluster names (leave it out for every member)");
    if (e.namespaces !== undefined && (!isNameList(e.namespaces) || e.namespaces.length === 0)) err(`${at}.namespaces`, "must be a non-empty list of namespace names");
    if (e.labels !== undefined) {
        const l = e.labels as Record<string, unknown>;
        if (!l || typeof l !== "object" || Array.isArray(l) || Object.keys(l).length === 0 || Object.values(l).some(v => !isNameList(v) || v.length === 0)) {
            err(`${at}.labels`, "must map each label key to the list of its accepted values, e.g. {\"team\": [\"payments\"]}");
        }
    }
    if (e.hash !== undefined) {
        const h = e.hash as { of?: unknown; buckets?: unknown };
        const ofOk = h && typeof h === "object" && Number.isInteger(h.of) && (h.of as number) >= 1;
        if (!ofOk) err(`${at}.hash.of`, "must be the number of buckets (a positive integer, the same in every hash shard)");
        else if (!Array.isArray(h.buckets) || h.buckets.length === 0 || h.buckets.some(b => !Number.isInteger(b) || b < 0 || b >= (h.of as number))) {
            err(`${at}.hash.buckets`, `must be a non-empty list of bucket numbers from 0 to ${(h.of as number) - 1}`);
        }
    }
    if (e.clusters === undefined && !WORKLOAD_KEYS.some(k => e[k] !== undefined)) err(at, "selects nothing; give it clusters, or namespaces, labels or hash (docs/sharding.md)");
}

/** Layout-wide rules of workload shards that can be checked without the objects: one bucket count; a whole-cluster
 *  shard and a workload shard never share a cluster; a bucket or a namespace in two shards over the same clusters. */
function workloadLayoutIssues(field: string, layout: ShardLayout, err: (f: string, m: string) => void): void {
    const names = Object.keys(layout).sort(cmp);
    const overlap = (a: string, b: string) => {
        const ca = shardClusters(layout[a]);
        const cb = shardClusters(layout[b]);
        return !ca || !cb || ca.some(c => cb.includes(c));
    };
    const ofs = new Set(names.map(n => (layout[n] as ShardSelector).hash?.of).filter((x): x is number => x !== undefined));
    if (ofs.size > 1) err(field, `hash shards use different bucket counts (${[...ofs].sort((a, b) => a - b).join(", ")}); use the same "of" in every hash shard`);
    for (let i = 0; i < names.length; i++) {
        for (const b of names.slice(i + 1)) {
            const a = names[i];
            if (!overlap(a, b)) continue;
            const ea = layout[a];
            const eb = layout[b];
            if (!isWorkloadShard(ea) || !isWorkloadShard(eb)) {
                const whole = !isWorkloadShard(ea) ? a : b;
                err(`${field}.${b}`, `shares clusters with shard "${a}", and shard "${whole}" holds every object of its clusters; give the workload shards clusters of their own, or select workloads in every shard`);
                continue;
            }
            const same = (k: keyof WorkloadSelector) => (ea[k] === undefined) === (eb[k] === undefined);
            if (!WORKLOAD_KEYS.every(same)) continue; // different kinds of criteria: checked per object
            const nsBoth = ea.namespaces?.find(n => eb.namespaces!.includes(n));
            const bucketBoth = ea.hash?.buckets.find(x => eb.hash!.buckets.includes(x));
            if (ea.namespaces && nsBoth === undefined) continue;
            if (ea.hash && ofs.size === 1 && bucketBoth === undefined) continue;
            if (ea.labels) continue; // label values may differ by key: checked per object
            err(`${field}.${b}`, nsBoth !== undefined ? `namespace "${nsBoth}" is also in shard "${a}" over the same clusters; a namespace belongs to one shard`
                : `bucket ${bucketBoth} is also in shard "${a}" over the same clusters; a bucket belongs to one shard`);
        }
    }
    const hashShards = names.filter(n => (layout[n] as ShardSelector).hash && !(layout[n] as ShardSelector).namespaces && !(layout[n] as ShardSelector).labels);
    if (ofs.size === 1 && hashShards.length > 0 && hashShards.every(n => !shardClusters(layout[n]))) {
        const of = [...ofs][0];
        const covered = new Set(hashShards.flatMap(n => (layout[n] as ShardSelector).hash!.buckets));
        const missing = Array.from({ length: of }, (_, i) => i).filter(i => !covered.has(i));
        if (missing.length > 0) err(field, `hash buckets ${missing.join(", ")} of ${of} are in no shard, so no stack would manage their objects; add them to a shard`);
    }
}

/**
 * Checks a layout: at least one shard, shard names are DNS labels (they become stack names), every cluster in at
 * most one shard, no empty shard, and (when given) `shard` is one of them and every cluster of `members` is covered
 * by exactly one shard while every cluster of the layout is a member.
 */
export function validateShardLayout(layout: unknown, o: { shard?: string; members?: string[]; field?: string } = {}): ValidationIssue[] {
    const field = o.field ?? "shards";
    const issues: ValidationIssue[] = [];
    const err = (f: string, message: string) => issues.push({ severity: "error", field: f, message });
    if (!layout || typeof layout !== "object" || Array.isArray(layout)) {
        err(field, "must map each shard name to the list of its member clusters, e.g. {\"east\": [\"c1\"], \"rest\": [\"c2\", \"c3\"]}");
        return issues;
    }
    const entries = Object.entries(layout as Record<string, unknown>);
    if (entries.length === 0) err(field, "lists no shard; add at least one shard with its clusters");
    const owner = new Map<string, string>();
    for (const [name, entry] of entries.sort(([a], [b]) => cmp(a, b))) {
        let clusters = entry;
        const p = dns1123LabelProblem(name);
        if (p) err(`${field}.${name}`, `shard name ${p}; use a lowercase DNS label such as "east"`);
        if (clusters && typeof clusters === "object" && !Array.isArray(clusters)) {
            selectorIssues(`${field}.${name}`, clusters as Record<string, unknown>, err);
            if (isWorkloadShard(clusters as ShardSelector)) continue; // workload shards share clusters: checked below and per object
            clusters = (clusters as ShardSelector).clusters;
            if (!isNameList(clusters)) continue;
        }
        if (!Array.isArray(clusters) || clusters.some(c => typeof c !== "string" || !c)) {
            err(`${field}.${name}`, "must be a list of member cluster names, or a workload selector ({\"namespaces\": [...]}, {\"labels\": {...}}, {\"hash\": {\"of\": N, \"buckets\": [...]}})");
            continue;
        }
        if (clusters.length === 0) err(`${field}.${name}`, "has no cluster; give it at least one or remove it");
        for (const c of clusters as string[]) {
            const prev = owner.get(c);
            if (prev !== undefined && prev !== name) {
                err(`${field}.${name}`, `cluster "${c}" is also in shard "${prev}"; a cluster belongs to exactly one shard (both stacks would manage its objects)`);
            } else if (prev === name) {
                err(`${field}.${name}`, `lists cluster "${c}" twice`);
            } else {
                owner.set(c, name);
            }
        }
    }
    if (issues.length === 0 && entries.some(([, e]) => isWorkloadShard(e as ShardSelector))) {
        workloadLayoutIssues(field, layout as ShardLayout, err);
        for (const [name, e] of entries) {
            const cs = shardClusters(e as ShardSelector);
            if (isWorkloadShard(e as ShardSelector) && cs) for (const c of cs) if (!owner.has(c)) owner.set(c, name);
        }
        const everywhere = entries.some(([, e]) => isWorkloadShard(e as ShardSelector) && !shardClusters(e as ShardSelector));
        if (everywhere && o.members) for (const c of o.members) if (!owner.has(c)) owner.set(c, "(every cluster)");
    }
    if (o.shard !== undefined && !Object.prototype.hasOwnProperty.call(layout, o.shard)) {
        err("shard", `"${o.shard}" is not a shard of the layout (shards: ${entries.map(([n]) => n).sort(cmp).join(", ") || "none"}); fix pulumi-kubefed:shard or the layout`);
    }
    if (o.members) {
        const members = new Set(o.members);
        for (const c of [...o.members].sort(cmp)) {
            if (!owner.has(c)) err(field, `member cluster "${c}" is in no shard, so no stack would manage its objects; add it to one shard`);
        }
        for (const [c, s] of [...owner.entries()].sort(([a], [b]) => cmp(a, b))) {
            if (!members.has(c)) err(`${field}.${s}`, `cluster "${c}" is not a member cluster of the program (members: ${[...members].sort(cmp).join(", ")}); fix the name or add the MemberCluster`);
        }
    }
    return issues;
}

/** One shard as a driver spec lists it: a name, its clusters and, for a workload shard, its selector. */
export interface NamedShard {
    name: string;
    /** Empty for a workload shard over every member. */
    clusters: string[];
    select?: WorkloadSelector;
}

/**
 * The layout every shard's stack config carries as `pulumi-kubefed:shards`, keys and clusters sorted. A cluster shard
 * stays a plain list, so the layout (and the config) of existing cluster shards is unchanged.
 */
export function layoutOfShards(shards: NamedShard[]): ShardLayout {
    const out: ShardLayout = {};
    for (const s of [...shards].sort((a, b) => cmp(a.name, b.name))) {
        out[s.name] = s.select ? { ...(s.clusters.length ? { clusters: [...s.clusters].sort(cmp) } : {}), ...s.select } : [...s.clusters].sort(cmp);
    }
    return out;
}

/** The cluster shard that owns `cluster`, if any (workload shards hold objects, not whole clusters). */
export function shardOf(layout: ShardLayout, cluster: string): string | undefined {
    for (const [s, e] of Object.entries(layout)) if (!isWorkloadShard(e) && shardClusters(e)?.includes(cluster)) return s;
    return undefined;
}
