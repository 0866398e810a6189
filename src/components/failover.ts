import * as pulumi from "@pulumi/pulumi";
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

/**
 * Member readiness for replica-scheduling failover, read while the program runs (so `pulumi preview` shows the
 * move): cluster name -> whether the member's API server answered `/healthz` (time-boxed). Each member is probed
 * at most once per program run, however many preferences use it (the same probe backs `member.health`). Members
 * whose kubeconfig is not known yet are left out, which counts as ready. With the stack config
 * `pulumi-kubefed:failover: false` nothing is probed and the result is empty. Keys are sorted.
 */
export async function observeReadiness(clusters: MemberCluster[]): Promise<Record<string, boolean>> {
    if (!failoverEnabled()) return {};
    const members = [...clusters].sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0));
    const results = await Promise.all(members.map(m => m.__probeOnce()));
    const out: Record<string, boolean> = {};
    members.forEach((m, i) => {
        const r = results[i];
        if (r === undefined) return;
        out[m.clusterName] = r.ready;
        if (!r.ready && !warned.has(m)) {
            warned.add(m);
            const why = r.conditions.map(c => c.message).filter(x => x).join("; ") || "the probe failed";
            pulumi.log.warn(`MemberCluster ${m.clusterName}: not ready (${why}); replica scheduling plans its replicas on the ready members`, m);
        }
    });
    return out;
}
