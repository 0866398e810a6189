/**
 * Validators for the inputs of the decision core. They never throw; each issue says what is wrong and how to fix
 * it. Where KubeFed silently ignores a mistake (unknown cluster names) we report an error instead, on purpose:
 * a typo in a cluster name should fail the preview, not deploy to fewer clusters.
 */
import type { ClusterInfo, ClusterOverride, Placement, ReplicaSchedulingSpec } from "./types";
import { ValidationIssue } from "./errors";
import { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from "./labels";
import { replicaCapacitySums } from "./feasibility";
import { validateSelector } from "./selector";
import { validateImageOverrides } from "./images";
import { validateSpreadConstraints } from "./spread";
import { IDENTITY_PATHS, canonicalPointer, identityOverrideProblem } from "./paths";

export { validateSelector };

/** Paths no override may touch (docs/semantics.md#override-shape refuses the first four by exact match; we refuse anything that
 *  touches them, `/metadata` as a whole and `/apiVersion` too — see {@link identityOverrideProblem}). */
export const FORBIDDEN_OVERRIDE_PATHS: readonly string[] = IDENTITY_PATHS;

const MAX_INT32 = 2147483647;

/** Sets of known names, memoised per array: planning many objects passes the same list again and again. A frozen
 *  array (the decision's cached cluster names) cannot have changed, so its contents are not compared again. */
const knownSets = new WeakMap<string[], { copy: string[]; set: Set<string> }>();
function knownSet(names: string[]): Set<string> {
    const hit = knownSets.get(names);
    if (hit && (Object.isFrozen(names) || (hit.copy.length === names.length && names.every((n, i) => n === hit.copy[i])))) return hit.set;
    const set = new Set(names);
    knownSets.set(names, { copy: names.slice(), set });
    return set;
}

const err = (field: string, message: string): ValidationIssue => ({ severity: "error", field, message });
const warn = (field: string, message: string): ValidationIssue => ({ severity: "warning", field, message });

/** Duplicate names, names that are not DNS-1123 labels, invalid label keys/values. */
export function validateClusters(clusters: ClusterInfo[], field = "clusters"): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (!Array.isArray(clusters)) return [err(field, "must be a list of {name, labels?}")];
    const seen = new Set<string>();
    clusters.forEach((c, i) => {
        const f = `${field}[${i}]`;
        if (!c || typeof c !== "object") {
            issues.push(err(f, "must be an object {name, labels?}"));
            return;
        }
        const np = dns1123LabelProblem(c.name);
        if (np) issues.push(err(`${f}.name`, `${np}; rename the cluster`));
        if (typeof c.name === "string") {
            if (seen.has(c.name)) issues.push(err(`${f}.name`, `cluster "${c.name}" is listed more than once; remove the duplicate`));
            seen.add(c.name);
        }
        if (c.labels !== undefined && c.labels !== null) {
            if (typeof c.labels !== "object" || Array.isArray(c.labels)) {
                issues.push(err(`${f}.labels`, "must be a map of label key to string value"));
            } else {
                for (const [k, v] of Object.entries(c.labels)) {
                    const kp = labelKeyProblem(k);
                    if (kp) issues.push(err(`${f}.labels["${k}"]`, `${kp}; fix the key`));
                    const vp = labelValueProblem(v);
                    if (vp) issues.push(err(`${f}.labels["${k}"]`, `${vp}; fix the value`));
                }
            }
        }
    });
    return issues;
}

/**
 * Selector problems plus, for a clusters list: unknown names (error — KubeFed drops them silently; we refuse,
 * deliberately) and duplicates (error). Also warns when a selector is present but ignored because of the list.
 */
export function validatePlacement(placement: Placement | null | undefined, knownClusters: string[], field: string): ValidationIssue[] {
    if (placement === null || placement === undefined) return [];
    if (typeof placement !== "object" || Array.isArray(placement)) return [err(field, "must be an object {clusters?, clusterSelector?}")];
    const issues: ValidationIssue[] = [];
    const known = knownSet(knownClusters);
    const list = placement.clusters;
    if (list !== undefined && list !== null) {
        if (!Array.isArray(list)) {
            issues.push(err(`${field}.clusters`, "must be a list of {name}"));
        } else {
            const seen = new Set<string>();
            list.forEach((c, i) => {
                const f = `${field}.clusters[${i}].name`;
                const name = c?.name;
                if (typeof name !== "string" || name === "") {
                    issues.push(err(f, "must be a non-empty cluster name"));
                    return;
                }
                if (seen.has(name)) issues.push(err(f, `cluster "${name}" is listed more than once; remove the duplicate`));
                seen.add(name);
                if (!known.has(name)) {
                    issues.push(err(f, `unknown cluster "${name}" (known: ${knownClusters.join(", ") || "none"}); fix the name or add the cluster (KubeFed would silently skip it)`));
                }
            });
            if (placement.clusterSelector !== undefined && placement.clusterSelector !== null) {
                issues.push(warn(`${field}.clusterSelector`, list.length === 0
                    ? "is ignored because clusters is an empty list, which selects no cluster; remove clusters to use the selector"
                    : "is ignored because clusters is set; remove one of them"));
            }
        }
    }
    issues.push(...validateSelector(placement.clusterSelector, `${field}.clusterSelector`));
    issues.push(...validateSpreadConstraints(placement.spreadConstraints, `${field}.spreadConstraints`));
    return issues;
}

/** True for "" or a "/"-prefixed string whose "~" escapes are all "~0" or "~1" (RFC 6901). */
export function isJsonPointer(path: unknown): path is string {
    return typeof path === "string" && (path === "" || (path[0] === "/" && !/~(?![01])/.test(path)));
}

/** True when an override of `path` changes `/spec/replicas` (the path itself, below it, or `/spec` as a whole). */
export function touchesReplicas(path: string): boolean {
    if (typeof path !== "string" || !path.startsWith("/spec")) return false;
    if (!isJsonPointer(path)) return false;
    // "spec" and "replicas" have no escapable character, so a token decodes to one of them only when it is spelled
    // so: the raw text decides, without decoding the whole path (checked for every override of every object).
    return path === "/spec" || (path.startsWith("/spec/replicas") && (path.length === 14 || path[14] === "/"));
}

/** Largest `spec.replicas` Kubernetes accepts (an int32). */
const MAX_REPLICAS = 2147483647;

/**
 * Why a numeric `spec.replicas` value cannot be sent, or undefined. Only numbers are judged: NaN would reach the API
 * server as `null` (JSON has no NaN) and -3 or 1.5 would be sent as they are, while strings may be placeholders of
 * Outputs (the API server judges what they resolve to) and null/absent leave the default.
 */
export function replicasProblem(v: unknown): string | undefined {
    if (typeof v !== "number" || (Number.isInteger(v) && v >= 0 && v <= MAX_REPLICAS)) return undefined;
    return `is ${String(v)}; spec.replicas must be a whole number from 0 to ${MAX_REPLICAS}, e.g. 3`;
}

/** The replicas an override operation writes, when it writes `/spec/replicas` (or a `/spec` holding `replicas`). */
function overriddenReplicas(op: { op?: unknown; path: string; value?: unknown }): { has: boolean; value?: unknown } {
    if (op.op === "remove") return { has: false };
    if (op.path === "/spec/replicas") return { has: true, value: op.value };
    if (op.path === "/spec" && op.value !== null && typeof op.value === "object" && Object.prototype.hasOwnProperty.call(op.value, "replicas")) {
        return { has: true, value: (op.value as { replicas?: unknown }).replicas };
    }
    return { has: false };
}

/**
 * Same cluster twice, paths that touch the object's identity (see {@link identityOverrideProblem}), same path
 * twice for one cluster (index aliases such as `+0` count as the same path), unknown op, path not a JSON
 * pointer, unknown cluster name (error — KubeFed ignores overrides for clusters it does not know; we refuse
 * them, deliberately). With `replicaScheduling`, an override of `/spec/replicas` or `/spec` is an error: the
 * scheduler owns that field.
 */
export function validateOverrides(overrides: ClusterOverride[] | undefined, knownClusters: string[], field: string,
                                  opts: { replicaScheduling?: boolean } = {}): ValidationIssue[] {
    if (overrides === undefined || overrides === null) return [];
    if (!Array.isArray(overrides)) return [err(field, "must be a list of {clusterName, clusterOverrides}")];
    const issues: ValidationIssue[] = [];
    const known = knownSet(knownClusters);
    const clusters = new Set<string>();
    overrides.forEach((o, i) => {
        const f = `${field}[${i}]`;
        if (!o || typeof o !== "object") {
            issues.push(err(f, "must be an object {clusterName or clusterSelector, clusterOverrides?, imageOverrides?}"));
            return;
        }
        const c = o.clusterName;
        const bySelector = o.clusterSelector !== undefined && o.clusterSelector !== null;
        if (bySelector) {
            if (c !== undefined && c !== null) issues.push(err(`${f}.clusterSelector`, "is set together with clusterName; target one cluster by name or several by selector, not both"));
            issues.push(...validateSelector(o.clusterSelector, `${f}.clusterSelector`));
        } else if (typeof c !== "string" || c === "") {
            issues.push(err(`${f}.clusterName`, "must be a non-empty cluster name, or use clusterSelector ({} matches every cluster)"));
        } else {
            if (clusters.has(c)) issues.push(err(`${f}.clusterName`, `cluster "${c}" appears more than once; merge its overrides into one entry`));
            clusters.add(c);
            if (!known.has(c)) {
                issues.push(err(`${f}.clusterName`, `unknown cluster "${c}" (known: ${knownClusters.join(", ") || "none"}); fix the name or add the cluster (KubeFed would silently ignore these overrides)`));
            }
        }
        if ((o.clusterOverrides === undefined || o.clusterOverrides === null) && (o.imageOverrides === undefined || o.imageOverrides === null)) {
            issues.push(err(f, "has neither clusterOverrides nor imageOverrides; add what changes or remove the entry"));
        }
        issues.push(...validateImageOverrides(o.imageOverrides, `${f}.imageOverrides`));
        const ops = o.clusterOverrides;
        if (ops === undefined || ops === null) return;
        if (!Array.isArray(ops)) {
            issues.push(err(`${f}.clusterOverrides`, "must be a list of {op?, path, value?}"));
            return;
        }
        const paths = new Set<string>();
        ops.forEach((op, j) => {
            const g = `${f}.clusterOverrides[${j}]`;
            if (!op || typeof op !== "object") {
                issues.push(err(g, "must be an object {op?, path, value?}"));
                return;
            }
            if (op.op !== undefined && op.op !== null && !["add", "remove", "replace", ""].includes(op.op as string)) {
                issues.push(err(`${g}.op`, `unknown op "${String(op.op)}"; use add, remove or replace (absent means replace)`));
            }
            const p = op.path;
            if (!isJsonPointer(p)) {
                issues.push(err(`${g}.path`, `${JSON.stringify(p)} is not a JSON pointer; write it like "/spec/replicas" (escape "/" in keys as ~1 and "~" as ~0)`));
                return;
            }
            if (p === "") {
                issues.push(err(`${g}.path`, `"" would replace the whole object; override individual fields instead`));
                return;
            }
            const identity = identityOverrideProblem(p);
            if (identity) {
                issues.push(err(`${g}.path`, `${identity}; it cannot be overridden (name, namespace, generateName, kind and apiVersion identify the object in every cluster) — change the template instead, or override fields below /metadata such as /metadata/labels/<key>`));
            }
            if (opts.replicaScheduling && touchesReplicas(p)) {
                issues.push(err(`${g}.path`, `${p} overrides /spec/replicas, which replicaScheduling sets in every cluster; remove this override or remove replicaScheduling (use its minReplicas/maxReplicas/weight to steer a cluster's replicas)`));
            } else {
                const written = overriddenReplicas(op);
                const rp = written.has ? replicasProblem(written.value) : undefined;
                if (rp) issues.push(err(`${g}.value`, `${rp} (overriding /spec/replicas for ${bySelector ? "the selected clusters" : `cluster "${String(c)}"`}); fix the override value`));
            }
            const canon = canonicalPointer(p);
            if (paths.has(canon)) issues.push(err(`${g}.path`, `path "${p}" appears more than once ${bySelector ? "in this entry" : `for cluster "${String(c)}"`}; keep one`));
            paths.add(canon);
        });
    });
    return issues;
}

function isCount(v: unknown): v is number {
    return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_INT32;
}

/**
 * Negative/non-integer totals and min/max/weight (error), min > max (error), an entry naming no known cluster
 * (warning: KubeFed ignores it), sum of minimums > total (warning: later clusters in hash order get less), and
 * replicas that can never be placed, e.g. all weights 0 with replicas left after the minimums (warning).
 * `knownClusters` stands for the clusters the planner will see.
 */
export function validateReplicaScheduling(spec: ReplicaSchedulingSpec | undefined, knownClusters: string[], field: string): ValidationIssue[] {
    if (spec === undefined || spec === null) return [];
    if (typeof spec !== "object") return [err(field, "must be an object {totalReplicas, rebalance?, intersectWithClusterSelector?, clusters?, failover?}")];
    const issues: ValidationIssue[] = [];
    if (!isCount(spec.totalReplicas)) {
        issues.push(err(`${field}.totalReplicas`, `must be an integer between 0 and ${MAX_INT32}, got ${String(spec.totalReplicas)}`));
    }
    if (spec.failover !== undefined && spec.failover !== null && typeof spec.failover !== "boolean") {
        issues.push(err(`${field}.failover`, `must be true or false, got ${String(spec.failover)}`));
    }
    const prefs = spec.clusters;
    const known = knownSet(knownClusters);
    if (prefs !== undefined && prefs !== null) {
        if (typeof prefs !== "object" || Array.isArray(prefs)) {
            issues.push(err(`${field}.clusters`, `must be a map of cluster name (or "*") to {minReplicas?, maxReplicas?, weight?}`));
            return issues;
        }
        for (const [name, p] of Object.entries(prefs)) {
            const f = `${field}.clusters["${name}"]`;
            if (!p || typeof p !== "object") {
                issues.push(err(f, "must be an object {minReplicas?, maxReplicas?, weight?}"));
                continue;
            }
            for (const k of ["minReplicas", "maxReplicas", "weight"] as const) {
                const v = p[k];
                if (v !== undefined && v !== null && !(k === "weight" ? typeof v === "number" && Number.isSafeInteger(v) && v >= 0 : isCount(v))) {
                    issues.push(err(`${f}.${k}`, `must be a non-negative integer${k === "weight" ? "" : ` up to ${MAX_INT32}`}, got ${String(v)}`));
                }
            }
            if (isCount(p.minReplicas) && isCount(p.maxReplicas) && p.minReplicas > p.maxReplicas) {
                issues.push(err(f, `minReplicas (${p.minReplicas}) is greater than maxReplicas (${p.maxReplicas}); lower minReplicas or raise maxReplicas`));
            }
            if (name !== "*" && !known.has(name)) {
                issues.push(warn(f, `names no known cluster (known: ${knownClusters.join(", ") || "none"}); it is ignored — fix the name or remove the entry`));
            }
        }
    }
    if (issues.some(i => i.severity === "error")) return issues;

    // Static feasibility, over the known clusters with nothing running yet (docs/semantics.md#replica-algorithm):
    // one computation, shared with the decision (feasibility.ts).
    const total = spec.totalReplicas;
    const { participating, sumMin, placeable, anyWeight } = replicaCapacitySums(spec, known);
    if (sumMin > total) {
        issues.push(warn(`${field}.clusters`, `the minimums add up to ${sumMin}, more than totalReplicas (${total}); clusters late in the planner's order get less than their minimum — lower minReplicas or raise totalReplicas`));
    }
    if (total > 0) {
        if (participating === 0) {
            issues.push(warn(`${field}.clusters`, `no known cluster has a preference (and there is no "*" entry), so none of the ${total} replicas can be placed; add a "*" entry or name existing clusters`));
        } else if (placeable < total) {
            const why = !anyWeight
                ? "every weight is 0, so nothing beyond the minimums is placed; give at least one cluster a weight above 0"
                : "the clusters with weight reach their maxReplicas; raise maxReplicas, add weight to other clusters or lower totalReplicas";
            issues.push(warn(`${field}`, `only ${placeable} of ${total} replicas can be placed: ${why}`));
        }
    }
    return issues;
}
