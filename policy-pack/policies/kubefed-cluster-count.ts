/**
 * `kubefed-cluster-count`: federated workloads run in at least `minClusters` (and at most `maxClusters`) member clusters,
 * counting the clusters that get replicas in the recorded decision.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DecisionSummary, placedClusters, replicasOf } from "pulumi-kubefed/core";
import { NAMES, config, describe, forDecision, level, list, matchesKind, stringArray } from "./common";

export interface ClusterCountConfig {
    /** Fewest member clusters a subject workload must run in (default 2). */
    minClusters: number;
    /** Most member clusters (default: unbounded). */
    maxClusters?: number;
    /** Kinds the bounds apply to: `Kind` or `apiVersion/Kind` (e.g. `apps/v1/Deployment`); `*` = every kind. */
    kinds: string[];
    /** Also apply to anything with a replicaScheduling (default true). */
    includeReplicaScheduling: boolean;
}

/** Defaults (the pack applies them; see `config`). */
export const defaults: ClusterCountConfig = { minClusters: 2, kinds: ["Deployment", "ReplicaSet", "StatefulSet"], includeReplicaScheduling: true };

/** Replicas actually sent per placed cluster (after overrides and scheduling), or undefined when the object has
 *  no numeric `spec.replicas` anywhere. */
export function replicasSent(d: DecisionSummary): Record<string, number> | undefined {
    const r = replicasOf(d);
    return Object.keys(r).length > 0 ? r : undefined;
}

export function checkClusterCount(type: string, name: string, d: DecisionSummary, cfg: ClusterCountConfig): string[] {
    const subject = matchesKind(d, cfg.kinds) || (cfg.includeReplicaScheduling && !!d.replicaScheduling);
    if (!subject) return [];
    // Judge what is sent: a cluster whose object has 0 replicas (planned by replica scheduling, or set by an
    // override) is placed but runs nothing, so only clusters that run some count.
    const replicas = replicasSent(d);
    const running = replicas ? placedClusters(d).filter(c => replicas[c] === undefined || replicas[c] > 0) : placedClusters(d);
    const what = (n: number) => replicas ? `${n === 1 ? "cluster" : "clusters"} with replicas` : `member ${n === 1 ? "cluster" : "clusters"}`;
    const shown = replicas ? running.map(c => `${c}=${replicas[c] ?? "?"}`).join(", ") : running.join(", ");
    const out: string[] = [];
    if (running.length < cfg.minClusters) {
        const others = [...placedClusters(d), ...Object.keys(d.excluded ?? {})].filter(c => !running.includes(c)).sort();
        out.push(`${describe(type, name, d)} runs in ${running.length} ${what(running.length)} (${shown || "none"}), fewer than the ` +
            `minimum of ${cfg.minClusters}. Widen its placement (clusterSelector or clusters list)` +
            (d.replicaScheduling ? " or its replicaScheduling (weights/minReplicas)" : "") +
            (others.length ? `, e.g. add ${list(others)}` : ", or add member clusters") +
            `; or lower ${NAMES.clusterCount}.minClusters.`);
    }
    if (cfg.maxClusters !== undefined && running.length > cfg.maxClusters) {
        out.push(`${describe(type, name, d)} runs in ${running.length} ${what(running.length)} (${shown}), more than the maximum ` +
            `of ${cfg.maxClusters}. Narrow its placement; or raise ${NAMES.clusterCount}.maxClusters.`);
    }
    return out;
}

export const clusterCountPolicy: ResourceValidationPolicy = {
    name: NAMES.clusterCount,
    description: "Federated workloads run in at least minClusters (and at most maxClusters) member clusters.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            minClusters: { type: "integer", minimum: 0, default: defaults.minClusters },
            maxClusters: { type: "integer", minimum: 0 },
            kinds: { ...stringArray, default: defaults.kinds },
            includeReplicaScheduling: { type: "boolean", default: true },
        },
    },
    validateResource: forDecision((t, n, d, a) => checkClusterCount(t, n, d, config(a, defaults))),
};
