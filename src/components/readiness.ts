/** Member readiness for failover: the library's one probe per member and run, stepped with KubeFed's thresholds when the reconcile loop hands in a health state. */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import {
    HEALTH_OUT_ENV, HEALTH_STATE_ENV, HEALTH_THRESHOLDS_ENV, HealthReport, READINESS_ENV, parseHealthState, parseReadiness, parseThresholds, stepHealth,
} from "../core/health";
import { MemberCluster } from "./memberCluster";

/**
 * Whether failover is on for this stack: the stack config `pulumi-kubefed:failover` (default true). Per
 * ReplicaSchedulingPreference it can also be switched off with `failover: false`.
 */
export function failoverEnabled(): boolean {
    return new pulumi.Config("pulumi-kubefed").getBoolean("failover") ?? true;
}

/** Members already reported not ready in this program run (one warning each, however many calls). */
const warned = new WeakSet<MemberCluster>();
/** Each member's readiness for this run (one probe per member, shared by every object and `observeReadiness`). */
const readinessByMember = new WeakMap<MemberCluster, Promise<boolean | undefined>>();
/** What this run reports to the reconcile loop (PULUMI_KUBEFED_HEALTH_OUT), filled as probes finish. */
const report: HealthReport = { probes: {}, state: {} };

/**
 * Whether `m` counts as ready in this run: undefined when its kubeconfig is not known yet (counts as ready).
 * - readiness pinned by the reconcile loop (PULUMI_KUBEFED_READINESS) wins, without a probe: the loop's `up` applies
 *   exactly what its preview showed;
 * - otherwise the member is probed once; with a health state handed in by the loop (PULUMI_KUBEFED_HEALTH_STATE)
 *   the probe steps it with KubeFed's thresholds (src/core/health.ts), else the probe decides.
 */
function readinessOf(m: MemberCluster): Promise<boolean | undefined> {
    let r = readinessByMember.get(m);
    if (!r) {
        r = (async () => {
            const pinned = parseReadiness(process.env[READINESS_ENV]);
            if (pinned && Object.hasOwn(pinned, m.clusterName)) return pinned[m.clusterName];
            const probe = await m.__probeOnce();
            if (probe === undefined) return undefined;
            const before = parseHealthState(process.env[HEALTH_STATE_ENV]);
            const after = stepHealth(before && Object.hasOwn(before, m.clusterName) ? before[m.clusterName] : undefined, probe.ready,
                parseThresholds(process.env[HEALTH_THRESHOLDS_ENV]));
            const ready = before ? after.ready : probe.ready;
            const out = process.env[HEALTH_OUT_ENV];
            if (out) {
                report.probes[m.clusterName] = probe.ready;
                report.state[m.clusterName] = after;
                try { fs.writeFileSync(out, JSON.stringify(report)); } catch { /* the loop then sees no probe and keeps its state */ }
            }
            if (!probe.ready && !warned.has(m)) {
                warned.add(m);
                const why = probe.conditions.map(c => c.message).filter(x => x).join("; ") || "the probe failed";
                const counts = ready ? "; it still counts as ready until it fails KubeFed's failure threshold (3 probes)" : "; replica scheduling plans its replicas on the ready members";
                pulumi.log.warn(`MemberCluster ${m.clusterName}: not ready (${why})${counts}`, m);
            }
            return ready;
        })();
        readinessByMember.set(m, r);
    }
    return r;
}

/**
 * Member readiness for replica-scheduling failover, read while the program runs (so `pulumi preview` shows the
 * move): cluster name -> whether the member's API server answered `/healthz` (time-boxed). Each member is probed
 * at most once per program run, however many preferences use it (the same probe backs `member.health`). Members
 * whose kubeconfig is not known yet are left out, which counts as ready. With the stack config
 * `pulumi-kubefed:failover: false` nothing is probed and the result is empty. Keys are sorted.
 *
 * Replica-scheduled objects take this observation by themselves (failover is on by default); calling it is only
 * needed to hand readiness to something else, or to keep a 0.1 program working.
 */
export async function observeReadiness(clusters: MemberCluster[]): Promise<Record<string, boolean>> {
    if (!failoverEnabled()) return {};
    const members = [...clusters].sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0));
    const results = await Promise.all(members.map(m => readinessOf(m)));
    const out: Record<string, boolean> = {};
    members.forEach((m, i) => {
        const r = results[i];
        if (r !== undefined) out[m.clusterName] = r;
    });
    return out;
}

/** Objects already told that none of their members is ready (one warning per object and run). */
const allDownWarned = new Set<string>();

/**
 * The readiness an object's failover plans with, probed by the library for its placed members. When none of them
 * is ready there is nowhere to move replicas to (and a program that cannot reach any member, e.g. a network problem
 * on the machine running it, must not zero the whole fleet): the plan stays the all-ready one, with a warning.
 */
export async function readinessFor(subject: string, placed: MemberCluster[], resource?: pulumi.Resource): Promise<Record<string, boolean> | undefined> {
    const ready = await observeReadiness(placed);
    const names = placed.map(m => m.clusterName);
    if (names.length > 0 && names.every(c => ready[c] === false)) {
        if (!allDownWarned.has(subject)) {
            allDownWarned.add(subject);
            pulumi.log.warn(`${subject}: none of its members (${names.join(", ")}) is ready, so failover has nowhere to move replicas; planned as if all were ready`, resource);
        }
        return undefined;
    }
    return ready;
}
