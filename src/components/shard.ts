import { createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    DECISION_FILE_ENV, NormalizedDecision, ShardLayout, ShardMemberFacts, ShardRecord, ValidationError, ValidationIssue, assertValid, shardRecord,
    validateShardLayout,
} from "../core";
import { whenProgramDone } from "./programEnd";

/**
 * Sharded stacks (docs/sharding.md): the same program runs as several stacks; stack config
 * `pulumi-kubefed:shard` names this stack's shard and `pulumi-kubefed:shards` maps every shard to its member
 * clusters. Every shard computes the full decision (the core is deterministic) and emits member objects, providers
 * and read-backs only for its own clusters. The decision is recorded per shard (see {@link shardDecision}) so shards
 * can be compared before anything is applied (`pulumi-kubefed shards`).
 */


/** This stack's shard, from stack config. */
export interface ShardContext {
    shard: string;
    layout: ShardLayout;
    /** The clusters this stack emits objects for. */
    clusters: ReadonlySet<string>;
}

interface ShardState {
    context: ShardContext | undefined;
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
    return { shard: shard!, layout: l, clusters: new Set(l[shard!]) };
}

function current(): ShardState {
    if (!state) state = { context: readContext(), members: new Map(), objects: new Map(), armed: false };
    return state;
}

/** This stack's shard, or undefined when the stack is not sharded. */
export function shardContext(): ShardContext | undefined {
    return current().context;
}

/** Whether this stack emits objects for `cluster` (always, unless sharded). */
export function inShard(cluster: string | { clusterName: string }): boolean {
    const ctx = current().context;
    return !ctx || ctx.clusters.has(typeof cluster === "string" ? cluster : cluster.clusterName);
}

/**
 * Issues for a component that needs `clusters` all at once (DNS records over every member's load balancer): in a
 * sharded stack they must all be this shard's, else the component belongs in one shard that reads the others through
 * stack references (docs/sharding.md).
 */
export function needsClustersInShard(field: string, clusters: string[]): ValidationIssue[] {
    const ctx = current().context;
    if (!ctx) return [];
    const missing = [...new Set(clusters)].filter(c => !ctx.clusters.has(c)).sort();
    if (missing.length === 0) return [];
    return [{ severity: "error", field, message: `needs the members ${missing.join(", ")}, which are not in this stack's shard "${ctx.shard}" ` +
        `(${[...ctx.clusters].sort().join(", ")}); put these clusters in one shard, or build the records in one stack from the other ` +
        "shards' outputs through stack references (docs/sharding.md)" }];
}

/** Describes the layout for messages: `a: c1; b: c2, c3`. */
function describe(layout: ShardLayout): string {
    return Object.keys(layout).sort().map(s => `${s}: ${[...layout[s]].sort().join(", ")}`).join("; ");
}

/**
 * Called by MemberCluster: records the member's facts (part of the decision) and returns whether this stack emits
 * its objects. A member no shard covers is an error, since no stack would manage its objects.
 */
export function registerShardMember(subject: string, facts: ShardMemberFacts): boolean {
    const s = current();
    if (s.context) {
        const covered = Object.values(s.context.layout).some(cs => cs.includes(facts.clusterName));
        if (!covered) {
            assertValid(subject, [{ severity: "error", field: "clusterName",
                message: `cluster "${facts.clusterName}" is in no shard of pulumi-kubefed:shards (${describe(s.context.layout)}), so no stack would manage its objects; add it to one shard` }]);
        }
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
