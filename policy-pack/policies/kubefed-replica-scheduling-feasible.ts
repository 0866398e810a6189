/**
 * `kubefed-replica-scheduling-feasible`: replica scheduling is valid and feasible over the placed clusters (Σmin ≤ total ≤ Σmax) and
 * drops no more than `maxUnplacedReplicas` replicas. The core decides (`decisionFeasibility`, the same function the
 * component's plan uses); this policy only reports its problems.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DecisionSummary, decisionFeasibility, placedClusters, validateReplicaScheduling } from "pulumi-kubefed/core";
import { NAMES, config, describe, forDecision, level } from "./common";

export interface ReplicaFeasibilityConfig {
    /** Replicas the plan may leave unplaced before it is a violation (default 0). */
    maxUnplacedReplicas: number;
}

/** Defaults (the pack applies them; see `config`). */
export const defaults: ReplicaFeasibilityConfig = { maxUnplacedReplicas: 0 };

export function checkReplicaFeasibility(type: string, name: string, d: DecisionSummary, cfg: ReplicaFeasibilityConfig): string[] {
    const spec = d.replicaScheduling;
    if (!spec) return [];
    const subject = describe(type, name, d);
    // Invalid values (the component refuses them before it registers; a policy still sees hand-written or old state).
    const errors = validateReplicaScheduling(spec, placedClusters(d), "replicaScheduling").filter(i => i.severity === "error");
    if (errors.length) return [`${subject} has an invalid replicaScheduling: ${errors.map(e => `${e.field}: ${e.message}`).join("; ")}.`];
    const f = decisionFeasibility(d)!;
    return f.problems
        .filter(p => p.kind !== "unplaced" || f.unplaced > (cfg.maxUnplacedReplicas ?? 0))
        .map(p => `${subject}: ${p.message}`);
}

export const replicaFeasibilityPolicy: ResourceValidationPolicy = {
    name: NAMES.replicaFeasibility,
    description: "Replica scheduling is feasible over the placed clusters (Σmin ≤ total ≤ Σmax) and drops no replicas.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            maxUnplacedReplicas: { type: "integer", minimum: 0, default: 0 },
        },
    },
    validateResource: forDecision((t, n, d, a) => checkReplicaFeasibility(t, n, d, config(a, defaults))),
};

