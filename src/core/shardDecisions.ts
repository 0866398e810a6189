/**
 * Sharded stacks, the decisions side: the normalized full decision every shard computes, its digest and the record a
 * shard publishes, and the first difference between two shards' decisions (what the driver's digest check names).
 * The layouts (which shard holds which cluster or workload) are in shard.ts. Pure logic only (no `@pulumi/*`).
 */
import { createHash } from "crypto";
import { setOwn } from "./ownProperties";
import type { ShardMemberFacts } from "./shard";

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The full decision of a program, as every shard computes it (independent of which shard runs it). */
export interface NormalizedDecision {
    /** The library's version: shards on different versions may decide differently. */
    version: string;
    /** Member facts keyed by cluster name. */
    members: Record<string, ShardMemberFacts>;
    /** Each federated object's decision keyed by `<component type> <component name>`. */
    objects: Record<string, unknown>;
}

/** What each shard records (stack output `kubefedShard`, and the file the driver reads after preview). */
export interface ShardRecord {
    /** The shard's name (absent for an unsharded stack). */
    shard?: string;
    /** The clusters this stack emits objects for, sorted. */
    clusters: string[];
    /** `sha256:<hex>` of the normalized full decision (see {@link decisionDigest}). */
    digest: string;
    version: string;
    /** Number of federated objects in the decision. */
    objects: number;
    /** One short digest per federated object, so a check from stack outputs alone can name the first object that
     *  differs. */
    objectDigests: Record<string, string>;
}


/** A deep copy with object keys sorted at every level (arrays keep their order): the canonical form hashed. */
export function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value as Record<string, unknown>).sort(cmp)) {
            const v = (value as Record<string, unknown>)[k];
            if (v !== undefined) setOwn(out, k, canonical(v));
        }
        return out;
    }
    return value;
}

function sha256(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/** `sha256:<hex>` of the canonical JSON of the decision (version included). */
export function decisionDigest(d: NormalizedDecision): string {
    return `sha256:${sha256(JSON.stringify(canonical(d)))}`;
}

/** The record of one shard: the full decision's digest plus a short digest per object. */
export function shardRecord(d: NormalizedDecision, shard: string | undefined, clusters: string[]): ShardRecord {
    const objectDigests: Record<string, string> = {};
    for (const k of Object.keys(d.objects).sort(cmp)) objectDigests[k] = sha256(JSON.stringify(canonical(d.objects[k]))).slice(0, 16);
    return {
        ...(shard !== undefined ? { shard } : {}),
        clusters: [...clusters].sort(cmp),
        digest: decisionDigest(d),
        version: d.version,
        objects: Object.keys(d.objects).length,
        objectDigests,
    };
}

/** Where two decisions first differ (keys in sorted order, depth first), with both values. */
export interface DecisionDifference {
    /** Readable path, e.g. `objects["FederatedResource web"].placed.c1.replicas`. */
    path: string;
    left: unknown;
    right: unknown;
}

function seg(at: string, key: string): string {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${at}[${JSON.stringify(key)}]`;
    return at ? `${at}.${key}` : key;
}

/** The first path (in canonical order) where `a` and `b` differ; undefined when they are equal. Absent values are
 *  reported as `undefined`. */
export function firstDifference(a: unknown, b: unknown, at = ""): DecisionDifference | undefined {
    if (a === b) return undefined;
    const isObj = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v);
    if (Array.isArray(a) && Array.isArray(b)) {
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
            const d = firstDifference(a[i], b[i], `${at}[${i}]`);
            if (d) return d;
        }
        return undefined;
    }
    if (isObj(a) && isObj(b)) {
        const ra = a as Record<string, unknown>;
        const rb = b as Record<string, unknown>;
        const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort(cmp);
        for (const k of keys) {
            const d = firstDifference(ra[k], rb[k], seg(at, k));
            if (d) return d;
        }
        return undefined;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
    return { path: at || "(root)", left: a, right: b };
}

/** One shard's result as the driver compares them. */
export interface ShardDecisionReport {
    shard: string;
    record: ShardRecord;
    /** The full normalized decision, when available (the driver has it from the preview; stack outputs don't). */
    decision?: NormalizedDecision;
}

/** A disagreement between two shards. */
export interface ShardMismatch {
    left: string;
    right: string;
    difference: DecisionDifference;
    message: string;
}

function show(v: unknown): string {
    if (v === undefined) return "(absent)";
    const s = JSON.stringify(v);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Shown instead of a value that may be (or be derived from) a Secret's data. */
const HIDDEN = "(a Secret's data: not shown)";

/** Whether `v` holds a Secret template (kind "Secret" with data or stringData) at any depth. */
function holdsSecret(v: unknown): boolean {
    if (Array.isArray(v)) return v.some(holdsSecret);
    if (!v || typeof v !== "object") return false;
    const o = v as Record<string, unknown>;
    if (o.kind === "Secret" && (o.data !== undefined || o.stringData !== undefined)) return true;
    return Object.values(o).some(holdsSecret);
}

/**
 * Whether a difference must be reported by its path only: it is in (or contains) a Secret's data, stringData or
 * overrides. Those are recorded as digests or markers, never in clear (src/components/shard.ts), but a message is
 * copied into logs and tickets, so not even those are printed.
 */
function hidesValues(d: DecisionDifference, decisions: (NormalizedDecision | undefined)[]): boolean {
    if (holdsSecret(d.left) || holdsSecret(d.right)) return true;
    for (const decision of decisions) {
        const objects = decision?.objects;
        if (!objects || typeof objects !== "object") continue;
        for (const k of Object.keys(objects)) {
            const template = (objects[k] as { template?: { kind?: unknown } } | undefined)?.template;
            if (template?.kind !== "Secret") continue;
            const at = seg("objects", k);
            for (const f of [".template.data", ".template.stringData", ".overrides"]) {
                const p = at + f;
                if (d.path === p || d.path.startsWith(`${p}.`) || d.path.startsWith(`${p}[`)) return true;
            }
        }
    }
    return false;
}

/**
 * Compares every shard against the first one (by name): undefined when all digests agree, else the first
 * mismatch, naming both shards and the first differing path of the decision (or of the per-object digests when
 * only records are available).
 */
export function compareShardDecisions(reports: ShardDecisionReport[]): ShardMismatch | undefined {
    const sorted = [...reports].sort((a, b) => cmp(a.shard, b.shard));
    const base = sorted[0];
    if (!base) return undefined;
    for (const r of sorted.slice(1)) {
        if (r.record.digest === base.record.digest) continue;
        let difference = (base.decision && r.decision ? firstDifference(base.decision, r.decision) : undefined)
            ?? (base.record.version !== r.record.version ? { path: "version", left: base.record.version, right: r.record.version } : undefined)
            ?? firstDifference(base.record.objectDigests, r.record.objectDigests, "objects")
            ?? { path: "(digest)", left: base.record.digest, right: r.record.digest };
        const hidden = hidesValues(difference, [base.decision, r.decision]);
        if (hidden) difference = { path: difference.path, left: HIDDEN, right: HIDDEN };
        const message = `shards "${base.shard}" and "${r.shard}" computed different federation decisions ` +
            `(${base.record.digest.slice(0, 19)} vs ${r.record.digest.slice(0, 19)}); first difference at ${difference.path}` +
            (hidden ? ` (${HIDDEN.slice(1, -1)}). ` : `: ${show(difference.left)} in "${base.shard}" vs ${show(difference.right)} in "${r.shard}". `) +
            "Every shard must run the same program with the same config (except pulumi-kubefed:shard) and the same library version; nothing was applied.";
        return { left: base.shard, right: r.shard, difference, message };
    }
    return undefined;
}
