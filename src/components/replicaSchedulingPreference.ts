import type * as pulumi from "@pulumi/pulumi";
import { ReplicaSchedulingSpec, assertValid, validateReplicaScheduling } from "../core";
import { KubefedComponent, componentType, prepare } from "./base";

/** Replica counts observed in the members (docs/semantics.md#current-replicas-and-capacity), fed to the planner on the next `up`. */
export interface ObservedReplicas {
    /** Ready replicas per cluster where the workload exists. */
    currentReplicas?: Record<string, number>;
    /** Replicas a cluster can actually schedule, where some pods are unschedulable. */
    estimatedCapacity?: Record<string, number>;
    /** Member readiness (cluster -> ready), e.g. `await observeReadiness(clusters)`: replicas are planned over the
     *  ready members only (failover; switch off with `failover: false` or the stack config
     *  `pulumi-kubefed:failover: false`). A cluster without an entry counts as ready. */
    ready?: Record<string, boolean>;
}

/** Arguments of {@link ReplicaSchedulingPreference}: KubeFed's RSP spec plus optional observations. */
export interface ReplicaSchedulingPreferenceArgs extends ReplicaSchedulingSpec {
    /** Observed replicas and capacity, e.g. from `observeReplicas(...)`; with `rebalance: true` replicas move
     *  away from clusters that cannot schedule them. */
    observed?: ObservedReplicas;
}

/**
 * KubeFed's ReplicaSchedulingPreference: how many replicas a federated Deployment, ReplicaSet or StatefulSet
 * runs in total and how they are spread (weights, minimums, maximums, `"*"` for every other cluster).
 * Pass it as `replicaScheduling` of a FederatedResource; the split appears in that resource's decision.
 */
export class ReplicaSchedulingPreference extends KubefedComponent {
    static readonly __pulumiType = componentType("ReplicaSchedulingPreference");
    readonly spec: ReplicaSchedulingSpec;
    readonly observed?: ObservedReplicas;

    constructor(name: string, args: ReplicaSchedulingPreferenceArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => {
            const { observed, ...spec } = args ?? ({} as ReplicaSchedulingPreferenceArgs);
            // Cluster names are checked against the members by the FederatedResource that uses this preference.
            const issues = validateReplicaScheduling(spec as ReplicaSchedulingSpec, [], "spec")
                .filter(i => i.severity === "error");
            assertValid(`ReplicaSchedulingPreference ${name}`, issues);
            const clean = JSON.parse(JSON.stringify(spec)) as ReplicaSchedulingSpec;
            return { observed, clean };
        });
        // Only capacity is recorded: ready counts move with every rollout and would make each preview show a change,
        // while the replicas they lead to are in the FederatedResource's decision anyway.
        super(ReplicaSchedulingPreference.__pulumiType, name,
            { spec: pre.clean, estimatedCapacity: pre.observed?.estimatedCapacity ?? {} }, opts);
        const { observed, clean } = pre;
        this.spec = clean;
        this.observed = observed;
        this.registerOutputs({ spec: clean });
    }
}
