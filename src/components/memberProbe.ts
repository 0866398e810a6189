/** One program-time probe of a member (`/healthz`, `/version`): what `member.health` and failover's readiness read. */
import { observeMember } from "../member/observeMember";
import type { ClusterCondition } from "../member/health";

/** What one program-time probe of a member found. */
export interface MemberProbeResult {
    ready: boolean;
    conditions: ClusterCondition[];
    kubernetesVersion: string;
}

/**
 * Probes a member (time-boxed in the Kubernetes client). Never throws: a member that cannot be read is not ready.
 * A member that does not answer is asked up to three times (1 s apart): one slow /healthz on a busy API server must
 * not move replicas; a stopped one refuses at once, so this stays short.
 */
export async function probeMember(clusterName: string, kubeconfig: string, context: string | undefined): Promise<MemberProbeResult> {
    let last: MemberProbeResult = { ready: false, conditions: [], kubernetesVersion: "" };
    for (let attempt = 0; attempt < 3; attempt++) {
        if (attempt > 0) await new Promise(r => setTimeout(r, 1000));
        try {
            const p = await observeMember({
                clusterName, kubeconfig, ...(context ? { context } : {}), health: true, objects: {}, secretObjects: {},
            });
            last = { ready: p.ready, conditions: p.conditions, kubernetesVersion: p.kubernetesVersion };
        } catch {
            last = { ready: false, conditions: [], kubernetesVersion: "" };
        }
        if (last.ready || last.conditions.some(c => c.type === "ConfigMalformed")) break;
    }
    return last;
}
