/**
 * Progressive rollout across member clusters (issue 11 item 4): the waves a federated object's member objects are
 * created or updated in. Pure: validation and the wave plan; the components turn each wave into a readiness gate
 * that the next wave's member objects depend on.
 *
 * Rules (each an error at preview unless noted):
 * - a wave has a `name` (a DNS-1123 label, unique; it names the gate resource, so it is a stable key, never an
 *   index) and exactly one of `clusters` (names of members) or `clusterSelector` (over member labels);
 * - an unknown cluster name is an error, as in placement;
 * - a member may belong to one wave only (explicitly or through a selector);
 * - placed clusters that no wave lists form an implicit last wave named {@link IMPLICIT_WAVE} (documented choice:
 *   a new member matching the placement is still rolled out, last, rather than refused or skipped);
 * - waves that hold no placed cluster are skipped (warning);
 * - `timeoutSeconds`, a positive integer, bounds how long each wave may take to become ready (default
 *   {@link DEFAULT_ROLLOUT_TIMEOUT_SECONDS}).
 */
import type { ClusterInfo, LabelSelector } from "./types";
import { ValidationIssue } from "./errors";
import { dns1123LabelProblem } from "./labels";
import { compareStrings } from "./placement";
import { compileSelector, validateSelector } from "./selector";

/** One rollout wave. */
export type RolloutWave = RolloutWaveByName | RolloutWaveBySelector;

/** A wave of member clusters named one by one. */
export interface RolloutWaveByName {
    /** Stable name of the wave (a DNS-1123 label): shown in the decision and errors, and part of the gate's name. */
    name: string;
    /** Member cluster names in this wave. */
    clusters: string[];
    /** Not with `clusters`: a wave names its clusters or selects them. */
    clusterSelector?: never;
}

/** A wave of the member clusters whose labels match a selector. */
export interface RolloutWaveBySelector {
    /** Stable name of the wave (a DNS-1123 label): shown in the decision and errors, and part of the gate's name. */
    name: string;
    /** The members whose labels match this selector (`{}` = all). */
    clusterSelector: LabelSelector;
    /** Not with `clusterSelector`. */
    clusters?: never;
}

/** Progressive rollout of one federated object. */
export interface RolloutSpec {
    /** Waves in order: a wave's member objects are created/updated only after every earlier wave is ready. */
    waves: RolloutWave[];
    /** Seconds each wave may take to become ready before the rollout stops; default 600. */
    timeoutSeconds?: number;
}

/** One wave as planned: its placed clusters. */
export interface PlannedWave {
    name: string;
    /** Placed clusters of this wave, sorted. */
    clusters: string[];
    /** The implicit last wave of placed clusters that no wave lists. */
    implicit?: boolean;
}

/** The waves of one object, in order; waves without placed clusters are left out. */
export interface RolloutPlan {
    waves: PlannedWave[];
    timeoutSeconds: number;
    /** `"<field>: <message>"` warnings. */
    warnings: string[];
}

/** Name of the implicit last wave (reserved). */
export const IMPLICIT_WAVE = "unlisted";
/** Default per-wave timeout, as the Kubernetes provider's default await. */
export const DEFAULT_ROLLOUT_TIMEOUT_SECONDS = 600;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Members of each wave (over every member cluster, placed or not), or undefined where the wave is malformed. */
function waveMembers(waves: RolloutWave[], clusters: ClusterInfo[]): (string[] | undefined)[] {
    return waves.map(w => {
        if (!isObj(w)) return undefined;
        if (Array.isArray(w.clusters) && w.clusterSelector === undefined) {
            return [...new Set(w.clusters.filter((n): n is string => typeof n === "string"))].sort(compareStrings);
        }
        if (w.clusters === undefined && isObj(w.clusterSelector)) {
            try {
                const m = compileSelector(w.clusterSelector);
                return clusters.filter(c => m(c.labels)).map(c => c.name).sort(compareStrings);
            } catch {
                return undefined;
            }
        }
        return undefined;
    });
}

/** Every problem of a rollout spec, against the program's member clusters. Never throws. */
export function validateRollout(spec: RolloutSpec | undefined, clusters: ClusterInfo[], field = "rollout"): ValidationIssue[] {
    if (spec === undefined || spec === null) return [];
    const issues: ValidationIssue[] = [];
    const error = (f: string, message: string) => issues.push({ severity: "error", field: f, message });
    if (!isObj(spec)) {
        error(field, "must be an object {waves, timeoutSeconds?}");
        return issues;
    }
    const t = spec.timeoutSeconds;
    if (t !== undefined && (typeof t !== "number" || !Number.isSafeInteger(t) || t <= 0)) {
        error(`${field}.timeoutSeconds`, `must be a positive whole number of seconds, got ${JSON.stringify(t)}`);
    }
    if (!Array.isArray(spec.waves) || spec.waves.length === 0) {
        error(`${field}.waves`, `must be a non-empty list of {name, clusters} or {name, clusterSelector}`);
        return issues;
    }
    const known = new Set(clusters.map(c => c.name));
    const knownList = [...known].sort(compareStrings).join(", ") || "none";
    const names = new Map<string, number>();
    spec.waves.forEach((w, i) => {
        const f = `${field}.waves[${i}]`;
        if (!isObj(w)) {
            error(f, "must be an object {name, clusters} or {name, clusterSelector}");
            return;
        }
        const np = dns1123LabelProblem(w.name);
        if (np) error(`${f}.name`, `${np}; the wave name is part of the rollout gate's resource name`);
        else if (w.name === IMPLICIT_WAVE) error(`${f}.name`, `"${IMPLICIT_WAVE}" is reserved for the implicit last wave of placed clusters no wave lists; choose another name`);
        else if (names.has(w.name)) error(`${f}.name`, `"${w.name}" is also the name of waves[${names.get(w.name)}]; wave names must be unique`);
        else names.set(w.name, i);
        const hasList = w.clusters !== undefined, hasSel = w.clusterSelector !== undefined;
        if (hasList === hasSel) {
            error(f, "must have exactly one of clusters (member names) or clusterSelector (over member labels)");
            return;
        }
        if (hasList) {
            if (!Array.isArray(w.clusters)) {
                error(`${f}.clusters`, "must be a list of member cluster names");
                return;
            }
            w.clusters.forEach((n, j) => {
                if (typeof n !== "string") error(`${f}.clusters[${j}]`, "must be a member cluster name");
                else if (!known.has(n)) error(`${f}.clusters[${j}]`, `unknown cluster "${n}" (members: ${knownList}); fix the name or add the member`);
            });
        } else {
            issues.push(...validateSelector(w.clusterSelector, `${f}.clusterSelector`));
        }
    });
    // A member in two waves: which one would it roll out in?
    const members = waveMembers(spec.waves, clusters);
    const waveOf = new Map<string, number>();
    members.forEach((list, i) => {
        for (const c of list ?? []) {
            const prev = waveOf.get(c);
            if (prev !== undefined) {
                error(`${field}.waves[${i}]`, `cluster "${c}" is also in wave "${spec.waves[prev].name}" (waves[${prev}]); ` +
                    `a cluster belongs to one wave, so remove it from one of them (clusters no wave lists form the implicit last wave "${IMPLICIT_WAVE}")`);
            } else {
                waveOf.set(c, i);
            }
        }
    });
    return issues;
}

/**
 * The waves of an object placed in `placed`, in order, each with its placed clusters; placed clusters no wave lists
 * form the implicit last wave. Call {@link validateRollout} first: a malformed wave is treated as empty here.
 */
export function planRollout(spec: RolloutSpec, clusters: ClusterInfo[], placed: string[], field = "rollout"): RolloutPlan {
    const placedSet = new Set(placed);
    const members = waveMembers(spec.waves, clusters);
    const waves: PlannedWave[] = [];
    const warnings: string[] = [];
    const covered = new Set<string>();
    spec.waves.forEach((w, i) => {
        const list = (members[i] ?? []).filter(c => placedSet.has(c));
        list.forEach(c => covered.add(c));
        if (list.length > 0) waves.push({ name: w.name, clusters: list });
        else warnings.push(`${field}.waves[${i}]: wave "${w.name}" holds no cluster the object is placed in, so it is skipped`);
    });
    const rest = [...placedSet].filter(c => !covered.has(c)).sort(compareStrings);
    if (rest.length > 0) waves.push({ name: IMPLICIT_WAVE, clusters: rest, implicit: true });
    return { waves, timeoutSeconds: spec.timeoutSeconds ?? DEFAULT_ROLLOUT_TIMEOUT_SECONDS, warnings };
}

/** The wave a cluster rolls out in (undefined when the cluster is not placed). */
export function waveOf(plan: RolloutPlan, cluster: string): PlannedWave | undefined {
    return plan.waves.find(w => w.clusters.includes(cluster));
}

/** `canary (c1) → rest (c2, c3)`: the waves for the decision line. */
export function rolloutLine(plan: Pick<RolloutPlan, "waves">): string {
    return plan.waves.map(w => `${w.name} (${w.clusters.join(", ")})`).join(" → ");
}
