/**
 * Member health across program runs, as KubeFed's cluster controller keeps it (its `KubeFedCluster` health check:
 * a probe every `periodSeconds`, a ready member counts as not ready after `failureThreshold` consecutive failed
 * probes, a not-ready one as ready again after `successThreshold` consecutive successful ones). Pure: the reconcile
 * loop (src/cli/reconcile.ts) keeps the state between cycles and hands it to the program through environment
 * variables; the program (src/components/readiness.ts) takes one probe per member and steps the state with it.
 */

/** KubeFed's cluster health check defaults. */
export interface HealthThresholds {
    periodSeconds: number;
    failureThreshold: number;
    successThreshold: number;
}

export const KUBEFED_HEALTH_DEFAULTS: HealthThresholds = { periodSeconds: 10, failureThreshold: 3, successThreshold: 1 };

/** What is known of one member: whether it counts as ready, and the run of equal probe results behind it. */
export interface MemberHealth {
    ready: boolean;
    /** Consecutive failed probes (0 after a success). */
    failures: number;
    /** Consecutive successful probes (0 after a failure). */
    successes: number;
}

/** Member health by cluster name. */
export type HealthState = Record<string, MemberHealth>;

/** Env var: readiness pinned for this run (JSON cluster -> boolean); members listed are not probed. */
export const READINESS_ENV = "PULUMI_KUBEFED_READINESS";
/** Env var: the health state before this run's probes (JSON {@link HealthState}); probes step it. */
export const HEALTH_STATE_ENV = "PULUMI_KUBEFED_HEALTH_STATE";
/** Env var: a file the program writes its probes to (JSON {@link HealthReport}), for the loop. */
export const HEALTH_OUT_ENV = "PULUMI_KUBEFED_HEALTH_OUT";

/** Env var: the thresholds the loop damps with (JSON {@link HealthThresholds}); default KubeFed's. */
export const HEALTH_THRESHOLDS_ENV = "PULUMI_KUBEFED_HEALTH_THRESHOLDS";

/** Parses {@link HealthThresholds} from an env var value; KubeFed's defaults when absent or malformed. */
export function parseThresholds(text: string | undefined): HealthThresholds {
    try {
        const v = JSON.parse(text ?? "") as Partial<HealthThresholds>;
        const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
        if (v && ok(v.failureThreshold) && ok(v.successThreshold) && ok(v.periodSeconds)) {
            return { periodSeconds: v.periodSeconds!, failureThreshold: v.failureThreshold!, successThreshold: v.successThreshold! };
        }
    } catch { /* defaults */ }
    return KUBEFED_HEALTH_DEFAULTS;
}

/** What one program run reports to the loop. */
export interface HealthReport {
    /** Raw probe result per member probed in this run. */
    probes: Record<string, boolean>;
    /** The health state after those probes (what the run planned with, for members with a probe). */
    state: HealthState;
}

/**
 * One probe applied to a member's health. Without earlier state the probe decides (as a plain `pulumi up` does) and
 * a failure counts as a full run of failures. Otherwise: a ready member turns not ready after `failureThreshold`
 * consecutive failures, a not-ready member turns ready after `successThreshold` consecutive successes.
 */
export function stepHealth(prev: MemberHealth | undefined, ok: boolean, t: HealthThresholds = KUBEFED_HEALTH_DEFAULTS): MemberHealth {
    if (!prev) return ok ? { ready: true, failures: 0, successes: t.successThreshold } : { ready: false, failures: t.failureThreshold, successes: 0 };
    if (ok) {
        const successes = prev.successes + 1;
        return { ready: prev.ready || successes >= t.successThreshold, failures: 0, successes };
    }
    const failures = prev.failures + 1;
    return { ready: prev.ready && failures < t.failureThreshold, failures, successes: 0 };
}

/** Whether a member's health may still change on the next probes without a change in the member itself (a ready
 *  member that failed some probes, a not-ready one that passed some): the loop probes again after one period. */
export function healthUnsettled(h: MemberHealth): boolean {
    return h.ready ? h.failures > 0 : h.successes > 0;
}

/** Parses a {@link HealthState} or readiness map from an env var value; undefined when absent or malformed. */
export function parseHealthState(text: string | undefined): HealthState | undefined {
    if (!text) return undefined;
    try {
        const v = JSON.parse(text) as unknown;
        if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
        const out: HealthState = {};
        for (const [k, h] of Object.entries(v as Record<string, unknown>)) {
            const m = h as Partial<MemberHealth> | null;
            if (m && typeof m.ready === "boolean" && Number.isInteger(m.failures) && Number.isInteger(m.successes)) {
                out[k] = { ready: m.ready, failures: m.failures!, successes: m.successes! };
            }
        }
        return out;
    } catch {
        return undefined;
    }
}

/** Parses a readiness map (cluster -> boolean) from an env var value; undefined when absent or malformed. */
export function parseReadiness(text: string | undefined): Record<string, boolean> | undefined {
    if (!text) return undefined;
    try {
        const v = JSON.parse(text) as unknown;
        if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, b]) => typeof b === "boolean")) as Record<string, boolean>;
    } catch {
        return undefined;
    }
}
