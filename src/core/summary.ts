import { ReplicaSchedulingSpec } from "./validate";

/**
 * The plain, fully known decision a FederatedResource or FederatedNamespace records as its inputs: what
 * `pulumi preview --diff` shows and what policy packs check. Pure data, so the policy pack can share this
 * contract without loading any component code.
 */
export interface DecisionSummary {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    /** Template labels (e.g. data-class), as policies match on them. */
    labels: Record<string, string>;
    /** Selected clusters, sorted. */
    clusters: string[];
    /** Why each member that is not selected was left out. */
    excluded: Record<string, string>;
    /** The identity (labels, region, zones) of each selected member: policies check placement against it. */
    members: Record<string, { labels: Record<string, string>; region?: string; zones: string[] }>;
    /** Paths overridden per placed cluster (user overrides plus scheduled replicas). */
    overrides: Record<string, string[]>;
    /** Clusters the user wrote overrides for (placed or not). */
    overrideClusters: string[];
    /** Labels of the object sent to each placed cluster, after overrides (policies judge these, not the template's). */
    objectLabels?: Record<string, Record<string, string>>;
    /** `spec.replicas` of the object sent to each placed cluster, after overrides and scheduling, where it is a number. */
    sentReplicas?: Record<string, number>;
    /** Template and override-value paths whose values are Outputs, resolved when applied (shown as `<output>` in images). */
    outputPaths?: string[];
    /** Container images per placed cluster after overrides. */
    images: Record<string, string[]>;
    /** Replicas per placed cluster when a replica scheduling preference applies. */
    replicas?: Record<string, number>;
    /** Replicas the planner could not place anywhere. */
    unplacedReplicas?: number;
    replicaScheduling?: ReplicaSchedulingSpec;
    namespacePlacement?: boolean;
    orphanOnDelete: boolean;
    retainReplicas: boolean;
    waitForReady: boolean;
    warnings: string[];
}

/** Plain, credential-free facts about a member, recorded as the MemberCluster's inputs (visible to policies). */
export interface MemberClusterSummary {
    clusterName: string;
    labels: Record<string, string>;
    region?: string;
    zones: string[];
    unreachable: "fail" | "skip" | "forget";
    adoptExisting: boolean;
    /** Join mode: federated objects are applied with a service account created in the member. */
    joined: boolean;
    /** Whether the kubeconfig handed in was already a secret. It is stored as a secret either way. */
    credentialsWereSecret: boolean;
}
