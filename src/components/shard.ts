import { createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    DECISION_FILE_ENV, NormalizedDecision, ShardLayout, ShardMemberFacts, ShardRecord, ValidationError, ValidationIssue, assertValid, shardRecord,
    validateShardLayout,
} from "../core";
import { WorkloadIdentity, describeShard, isWorkloadLayout, placeObject, shardClusters, shardsFor } from "../core/shard";
import { whenProgramDone } from "./programEnd";

/**
 * Sharded stacks (docs/sharding.md): the same program runs as several stacks; stack config
 * `pulumi-kubefed:shard` names this stack's shard and `pulumi-kubefed:shards` maps every shard to its member
 * clusters, or to the workloads it holds (namespaces, labels, hash buckets). Every shard computes the full decision (the
 * core is deterministic) and emits member objects, providers and read-backs only for what it holds; in a workload
 * layout (and for cluster shards, objects with nothing placed in its clusters) it registers no component for the
 * objects of other shards either. The decision is recorded per shard (see {@link shardDecision}) so shards
 * can be compared before anything is applied (`pulumi-kubefed shards`).
 *
 * One file over 350 lines on purpose: the shard context, an object's placement in a shard, the stand-ins for what
 * other shards hold and the shard record are the one place components learn what "this shard" means; the pure rules
 * are in src/core/shard.ts and shardDecisions.ts.
 */


/** This stack's shard, from stack config. */
export interface ShardContext {
    shard: string;
    layout: ShardLayout;
    /** The clusters this stack emits objects for (a workload shard over every member: every member, as declared). */
    clusters: ReadonlySet<string>;
    /** Whether any shard of the layout selects workloads (namespaces, labels, hash buckets). */
    workloads: boolean;
}

interface ShardState {
    context: ShardContext | undefined;
    /** A workload shard with no `clusters`: it holds its objects in every member. */
    everyCluster: boolean;
    /** Where each federated object lives, by its registry subject and by component (for dependencies and DNS). */
    placed: Map<string, ShardPlacement>;
    members: Map<string, ShardMemberFacts>;
    objects: Map<string, unknown>;
    armed: boolean;
}

let state: ShardState | undefined;

function version(): string {
    // dist/src/components/shard.js → the package root (also when installed under node_modules)
    try {
        return (JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8")) as { version?: string }).version ?? "unknown";
    } catch {
        return "unknown";
    }
}

function readContext(): ShardContext | undefined {
    const cfg = new pulumi.Config("pulumi-kubefed");
    const shard = cfg.get("shard");
    let layout: unknown;
    try {
        layout = cfg.getObject<unknown>("shards");
    } catch (e) {
        throw new ValidationError("stack config pulumi-kubefed:shards", [{ severity: "error", field: "shards", message: `is not valid JSON (${(e as Error).message})` }]);
    }
    if (shard === undefined && layout === undefined) return undefined;
    const subject = "stack config pulumi-kubefed";
    if (layout === undefined) {
        assertValid(subject, [{ severity: "error", field: "shards", message: `is missing while pulumi-kubefed:shard is "${shard}"; set it to the layout every shard shares, e.g. {"${shard}": ["c1"], "rest": ["c2", "c3"]}` }]);
    }
    if (shard === undefined) {
        const names = Object.keys(layout as Record<string, unknown>).sort().join(", ");
        assertValid(subject, [{ severity: "error", field: "shard", message: `is missing while pulumi-kubefed:shards is set; set it to this stack's shard (one of: ${names})` }]);
    }
    assertValid(subject, validateShardLayout(layout, { shard }));
    const l = layout as ShardLayout;
    return { shard: shard!, layout: l, clusters: new Set(shardClusters(l[shard!]) ?? []), workloads: isWorkloadLayout(l) };
}

function current(): ShardState {
    if (!state) {
        const context = readContext();
        state = { context, everyCluster: !!context && !shardClusters(context.layout[context.shard]), placed: new Map(),
            members: new Map(), objects: new Map(), armed: false };
    }
    return state;
}

/** This stack's shard, or undefined when the stack is not sharded. */
export function shardContext(): ShardContext | undefined {
    return current().context;
}

/** Components of other shards: what the program gets instead of them (see {@link elsewhere}). */
const standIns = new WeakSet<object>();
/** The placement of each component (or stand-in), for what depends on it. */
const placements = new WeakMap<object, ShardPlacement>();

/**
 * Whether this stack emits objects for `cluster` (a name or a MemberCluster), or holds a federated component (a
 * workload shard holds only its own objects; another shard's component has no URN here, so resources of your own
 * must not depend on it). Always true unless sharded.
 */
export function inShard(what: string | { clusterName: string } | object): boolean {
    const s = current();
    const ctx = s.context;
    if (!ctx) return true;
    if (typeof what === "string" || typeof (what as { clusterName?: unknown }).clusterName === "string") {
        return s.everyCluster || ctx.clusters.has(typeof what === "string" ? what : (what as { clusterName: string }).clusterName);
    }
    return !standIns.has(what);
}

/** Where one federated object's member objects live, and whether this stack holds it. */
export interface ShardPlacement {
    /** Whether this stack registers the object's component (it emits a member object, or may have to). */
    here: boolean;
    /** The shards holding the object (sorted). */
    shards: string[];
    /** Whether this stack emits the object's member object in `cluster` (also for clusters a dependency grows into). */
    emitsIn(cluster: string): boolean;
    /** `<type> <name>` and what the layout selects by. */
    identity: WorkloadIdentity;
}

const UNSHARDED: ShardPlacement = { here: true, shards: [], emitsIn: () => true, identity: { key: "" } };

/**
 * Where a federated object goes in this stack's layout, called before its component registers: throws (naming the
 * object, the cluster and the fix) when no shard or two shards would emit one of its member objects. `here` is false
 * when another shard holds it: in a workload layout when its workload is another shard's, in a cluster layout when
 * nothing of it is placed in this shard's clusters. `growable` (a ConfigMap, Secret, ServiceAccount or PVC a later
 * workload may pull into more clusters) keeps it registered in every cluster shard, where such growth is emitted.
 */
export function placeInShard(type: string, name: string, identity: { namespace?: string; labels?: Record<string, string> }, clusters: string[],
                             o: { who?: string; growable?: boolean } = {}): ShardPlacement {
    const s = current();
    const ctx = s.context;
    if (!ctx) return UNSHARDED;
    const id: WorkloadIdentity = { key: `${type.replace(/^pulumi-kubefed:index:/, "")} ${name}`, ...identity };
    let p: ShardPlacement;
    if (!ctx.workloads) {
        const mine = clusters.some(c => ctx.clusters.has(c));
        p = { here: mine || !!o.growable, shards: [...new Set(clusters.map(c => Object.keys(ctx.layout).find(k => shardClusters(ctx.layout[k])!.includes(c))!))].sort(),
            emitsIn: c => ctx.clusters.has(c), identity: id };
    } else {
        const r = placeObject(ctx.layout, id, clusters);
        assertValid(`${id.key}`, r.issues);
        const own = (c: string) => { const h = shardsFor(ctx.layout, id, c); return h.length === 1 && h[0] === ctx.shard; };
        p = { here: r.shards.includes(ctx.shard), shards: r.shards, emitsIn: own, identity: id };
    }
    s.placed.set(o.who ?? id.key, p);
    return p;
}

/** Records the component (or its stand-in) with its placement, for components that follow it (DNS records, objects
 *  in a FederatedNamespace). */
export function bindShardPlacement(component: object, p: ShardPlacement): void {
    if (p !== UNSHARDED) placements.set(component, p);
}

/** Whether this stack emits `component`'s member object in `cluster` (its placement; else whether it holds `cluster`). */
export function emitsIn(component: object, cluster: string): boolean {
    const p = placements.get(component);
    return p ? p.emitsIn(cluster) : inShard(cluster);
}

/** The placement recorded for a component, if sharded. */
export function shardPlacementOf(component: unknown): ShardPlacement | undefined {
    return component && typeof component === "object" ? placements.get(component) : undefined;
}

/**
 * What a program gets instead of a component another shard holds: an object of the component's class with the
 * given (full-decision) fields, no URN and no children. `kubefed.inShard(it)` is false.
 */
export function elsewhere<T extends object>(proto: object, p: ShardPlacement, fields: Record<string, unknown>, mark: (o: T) => void): T {
    const o = Object.create(proto) as T;
    Object.assign(o, fields);
    mark(o);
    standIns.add(o);
    placements.set(o, p);
    return o;
}

/**
 * Whether a component that follows `component` (a DNS record and its Service or Ingress) belongs to another shard:
 * in a workload layout it goes where `component` goes. (In a cluster layout it must be declared in a shard holding
 * every cluster it needs, as before: see {@link needsClustersInShard}.)
 */
export function followsElsewhere(component: unknown): boolean {
    return !!current().context?.workloads && !!component && typeof component === "object" && standIns.has(component);
}

/** The layout entries of `shards`, for messages. */
function where(layout: ShardLayout, shards: string[]): string {
    return shards.map(x => `"${x}" (${describeShard(layout[x])})`).join(", ") || "no shard";
}

/**
 * In a workload layout, `follower` (a workload referencing a federated ConfigMap, Secret..., or an object in a
 * FederatedNamespace) must be held by the shard of `leader` in every cluster they share: across stacks nothing
 * orders their creation, and a dependency's growth is emitted by its own component. Throws naming both and the
 * layout that keeps them together.
 */
export function assertSameShard(follower: string | ShardPlacement | undefined, leader: string | ShardPlacement | undefined, what: string): void {
    const s = current();
    const ctx = s.context;
    if (!ctx?.workloads) return;
    const f = typeof follower === "string" ? s.placed.get(follower) : follower;
    const l = typeof leader === "string" ? s.placed.get(leader) : leader;
    if (!f || !l) return;
    const bad = Object.keys(ctx.layout).length > 0 && f.shards.join(",") !== l.shards.join(",")
        && !(f.shards.length === 0 || l.shards.length === 0);
    if (!bad) return;
    const ns = f.identity.namespace ?? l.identity.namespace;
    throw new Error(`${f.identity.key} (shard ${where(ctx.layout, f.shards)}) ${what} ${l.identity.key} (shard ` +
        `${where(ctx.layout, l.shards)} of pulumi-kubefed:shards); objects that depend on each other must be in one shard (another stack would ` +
        `create one of them, in no particular order). Shard by namespace${ns ? ` (e.g. {"${f.shards[0]}": {"namespaces": ["${ns}"]}})` : ""}, ` +
        "or give both templates one label and shard by it (docs/sharding.md)");
}

/**
 * Issues for a component that needs `clusters` all at once (DNS records over every member's load balancer): in a
 * sharded stack they must all be this shard's, else the component belongs in one shard that reads the others through
 * stack references (docs/sharding.md).
 */
export function needsClustersInShard(field: string, clusters: string[]): ValidationIssue[] {
    const s = current();
    const ctx = s.context;
    if (!ctx) return [];
    const missing = [...new Set(clusters)].filter(c => !inShard(c)).sort();
    if (missing.length === 0) return [];
    return [{ severity: "error", field, message: `needs the members ${missing.join(", ")}, which are not in this stack's shard "${ctx.shard}" ` +
        `(${describeShard(ctx.layout[ctx.shard])}); put these clusters in one shard${ctx.workloads ? "" : ", or shard by workload over every cluster " +
        "({\"a\": {\"namespaces\": [...]}}: the record then stays with its service)"}, or build the records in one stack from the other ` +
        "shards' outputs through stack references (docs/sharding.md)" }];
}

/**
 * Issues for a DNS record that follows `fr` (its Service or Ingress) into fr's shard: in a workload layout, that
 * shard must hold fr's member object in every cluster, since the record reads every member's load balancer.
 */
export function needsWholeObjectInShard(field: string, fr: object, clusters: string[]): ValidationIssue[] {
    const ctx = current().context;
    const p = shardPlacementOf(fr);
    if (!ctx?.workloads || !p) return [];
    const others = clusters.filter(c => !shardsFor(ctx.layout, p.identity, c).includes(p.shards[0])).sort();
    if (p.shards.length <= 1 && others.length === 0) return [];
    return [{ severity: "error", field, message: `reads the load balancer of ${p.identity.key} in every member, but its member objects are in ` +
        `several shards (${where(ctx.layout, p.shards)}); use a layout where one workload shard holds it in every cluster ` +
        "(a workload shard without clusters, e.g. {\"a\": {\"namespaces\": [...]}}), or build the records from stack references (docs/sharding.md)" }];
}

/** Describes the layout for messages: `a: c1; b: c2, c3`. */
function describe(layout: ShardLayout): string {
    return Object.keys(layout).sort().map(s => `${s}: ${describeShard(layout[s])}`).join("; ");
}

/**
 * Called by MemberCluster: records the member's facts (part of the decision) and returns whether this stack emits
 * its objects. A member no shard covers is an error, since no stack would manage its objects.
 */
export function registerShardMember(subject: string, facts: ShardMemberFacts): boolean {
    const s = current();
    if (s.context) {
        const covered = Object.values(s.context.layout).some(e => { const cs = shardClusters(e); return !cs || cs.includes(facts.clusterName); });
        if (!covered) {
            assertValid(subject, [{ severity: "error", field: "clusterName",
                message: `cluster "${facts.clusterName}" is in no shard of pulumi-kubefed:shards (${describe(s.context.layout)}), so no stack would manage its objects; add it to one shard` }]);
        }
        if (s.everyCluster) (s.context.clusters as Set<string>).add(facts.clusterName);
    }
    s.members.set(facts.clusterName, { clusterName: facts.clusterName, labels: { ...facts.labels },
        ...(facts.region !== undefined ? { region: facts.region } : {}), zones: [...facts.zones] });
    arm(s);
    return inShard(facts.clusterName);
}

/**
 * Called by the federated components: records one object's decision under `<type> <name>`, with the template and
 * overrides it was planned from (what each member's object is built from; values from Outputs are placeholders,
 * since they are not known at preview). A Secret's data values are never recorded, not even as plain hashes: see
 * {@link secretValueDigest}.
 */
export function registerShardDecision(type: string, name: string, decision: unknown, from: { template?: unknown; overrides?: unknown } = {}): void {
    const s = current();
    const kind = (from.template as { kind?: unknown } | undefined)?.kind;
    const mask = kind === "Secret" ? maskSecretValues : (v: unknown) => v;
    const entry = JSON.parse(JSON.stringify({ decision, ...(from.template !== undefined ? { template: mask(from.template) } : {}),
        ...(from.overrides !== undefined ? { overrides: kind === "Secret" ? maskOverrides(from.overrides) : from.overrides } : {}) })) as unknown;
    s.objects.set(`${type.replace(/^pulumi-kubefed:index:/, "")} ${name}`, entry);
}

/** Env var holding the key Secret values are digested with in the shard decision (see {@link secretValueDigest}). */
const SECRET_DIGEST_KEY_ENV = "PULUMI_KUBEFED_SECRET_DIGEST_KEY";
/** What a Secret value is recorded as when no digest key is set. */
const SECRET_NOT_RECORDED = "(secret value: not recorded)";

/**
 * What the shard decision records for one Secret value at `field` (e.g. `stringData.password`). The decision is
 * hashed into a stack output and written to the driver's decision file, and a plain (even salted-by-path) SHA-256 of
 * a password is a dictionary lookup away from the password. So:
 * - with `PULUMI_KUBEFED_SECRET_DIGEST_KEY` set (the `pulumi-kubefed shards` driver passes its environment to every
 *   shard), an HMAC-SHA256 of field and value under that key: shards with different values still disagree, and
 *   without the key — which is in no state, output or file — the digest cannot be checked against guesses;
 * - without it, a fixed marker: the Secret's keys (and so added or removed entries) are still compared, its values
 *   are not (a shard fed a different value is then not caught by the shard check).
 * Non-Secret objects are recorded as before, so their digests do not change; Secret objects' digests did change
 * (they used to hold unkeyed `sha256:` prefixes of the values).
 */
function secretValueDigest(field: string, v: unknown): string {
    const key = process.env[SECRET_DIGEST_KEY_ENV];
    if (!key) return SECRET_NOT_RECORDED;
    return `hmac-sha256:${createHmac("sha256", key).update(`${field}\u0000${JSON.stringify(v) ?? ""}`).digest("hex").slice(0, 32)}`;
}

function maskSecretValues(t: unknown): unknown {
    const o = { ...(t as Record<string, unknown>) };
    for (const k of ["data", "stringData"]) {
        const m = o[k];
        if (m && typeof m === "object") {
            o[k] = Object.fromEntries(Object.entries(m as Record<string, unknown>).map(([key, v]) => [key, secretValueDigest(`${k}.${key}`, v)]));
        } else if (m !== undefined) {
            o[k] = secretValueDigest(k, m); // not a map (refused later by the API server), but never recorded in clear
        }
    }
    return o;
}

function maskOverrides(overrides: unknown): unknown {
    if (!Array.isArray(overrides)) return overrides;
    return overrides.map((o: { clusterName?: unknown; clusterOverrides?: { path?: unknown; value?: unknown }[] }) => ({
        ...o, clusterOverrides: (o?.clusterOverrides ?? []).map(op => (op && op.value !== undefined
            ? { ...op, value: secretValueDigest(`overrides.${String(o?.clusterName)}.${String(op.path)}`, op.value) } : op)),
    }));
}

/** The full decision registered so far, normalized (the same in every shard of a program). */
export function normalizedDecision(): NormalizedDecision {
    const s = current();
    const members: Record<string, ShardMemberFacts> = {};
    for (const k of [...s.members.keys()].sort()) members[k] = s.members.get(k)!;
    const objects: Record<string, unknown> = {};
    for (const k of [...s.objects.keys()].sort()) objects[k] = s.objects.get(k);
    return { version: version(), members, objects };
}

/**
 * This stack's shard record: the shard, its clusters, the digest of the full decision (with the library version)
 * and a short digest per object. Export it as a stack output, after every component is declared, so each shard
 * records its decision and `pulumi-kubefed shards check` can compare stacks:
 *
 * ```ts
 * export const kubefedShard = kubefed.shardDecision();
 * ```
 */
export function shardDecision(): ShardRecord {
    const s = current();
    const clusters = s.context ? [...s.context.clusters] : [...s.members.keys()];
    return shardRecord(normalizedDecision(), s.context?.shard, clusters);
}

/**
 * At the end of the program: checks that the layout names only member clusters, prints the digest, and (for the
 * driver) writes the record and the full decision to `PULUMI_KUBEFED_DECISION_FILE`.
 */
function arm(s: ShardState): void {
    if (s.armed || (!s.context && !process.env[DECISION_FILE_ENV])) return;
    s.armed = true;
    const file = process.env[DECISION_FILE_ENV];
    whenProgramDone().then(() => {
        if (s.context) {
            const issues = validateShardLayout(s.context.layout, { shard: s.context.shard, members: [...s.members.keys()] });
            if (issues.some(i => i.severity === "error")) {
                const errors = issues.map(i => `stack config pulumi-kubefed:${i.field}: ${i.message}`);
                pulumi.log.error(errors.join("\n"));
                if (file) fs.writeFileSync(file, JSON.stringify({ errors }));
                return;
            }
        }
        const record = shardDecision();
        const where = s.context ? `shard "${s.context.shard}" (${record.clusters.join(", ")})` : "unsharded stack";
        pulumi.log.info(`pulumi-kubefed ${where}: decision ${record.digest} over ${record.objects} federated objects and ` +
            `${s.members.size} members (pulumi-kubefed ${record.version})`);
        if (file) fs.writeFileSync(file, JSON.stringify({ record, decision: normalizedDecision() }));
    }, () => { /* the program failed: its own error is what the user sees */ });
}

/** Test hook: forget the shard config and registrations (mocks run several programs in one process). */
export function resetShardForTests(): void {
    state = undefined;
}
