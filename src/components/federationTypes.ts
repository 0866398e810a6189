/** The argument types of the federated kinds (FederatedResource, FederatedNamespace, and the namespace they share). */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ClusterOverride, DependencyMode, Placement, ReplicaSchedulingSpec, RolloutSpec } from "../core";
import type { MemberCluster } from "./memberCluster";
import type { ReplicaSchedulingPreference } from "./replicaSchedulingPreference";

/** A Kubernetes object used as a template: plain data with apiVersion, kind and metadata.name. */
export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
    [field: string]: unknown;
}

/**
 * A typed `@pulumi/kubernetes` input object used as a template, e.g. a `k8s.types.input.apps.v1.Deployment`. Its
 * values may be Outputs like any template's; apiVersion, kind, metadata.name/namespace/generateName and labels must
 * still be plain (they are checked while the program runs, naming the field).
 */
export interface KubernetesInputObject {
    // `| undefined` inside the Input: newer @pulumi/kubernetes types declare `Input<"apps/v1" | undefined>`
    apiVersion?: pulumi.Input<string | undefined>;
    kind?: pulumi.Input<string | undefined>;
    metadata?: pulumi.Input<k8s.types.input.meta.v1.ObjectMeta | undefined>;
}

/** Options shared by every federated kind. */
export interface FederationOptions {
    /** Every member cluster of the federation (the candidates for placement). */
    clusters: MemberCluster[];
    /** KubeFed placement: an explicit `clusters` list (wins, even when empty) or a `clusterSelector`
     *  (`{}` selects every cluster; absent selects none). */
    placement?: Placement;
    /** Per-cluster JSON-patch overrides (KubeFed semantics: missing op = replace). */
    overrides?: ClusterOverride[];
    /** Leave the objects in the members when this resource is deleted or a cluster is deselected,
     *  with the managed label removed (KubeFed's `kubefed.io/orphan: "true"`). */
    orphanOnDelete?: boolean;
    /** Wait for each member object to become ready (Pulumi's await logic). Default true; false adds
     *  `pulumi.com/skipAwait: "true"`. */
    waitForReady?: boolean;
    /** Take ownership of the fields we set even when someone else changed them in the member (server-side apply
     *  with force, `pulumi.com/patchForce`), so `up` repairs drift as KubeFed's sync controller does. Default
     *  true; false makes such an `up` fail with a field conflict instead. */
    forceOwnership?: boolean;
    /** Read back per-cluster propagation status and drift (on `up` when something changed, and on
     *  `pulumi refresh`) through each member's read-back; see it with `pulumi-kubefed status`. Default true. */
    status?: boolean;
    /** Print the one-line decision of this object as an info diagnostic in preview and up output. Default: the
     *  stack config `pulumi-kubefed:decisionLog` if set, else the environment variable `PULUMI_KUBEFED_DECISION_LOG`
     *  (`false`/`0`/`off` turn it off), else on. */
    logDecision?: boolean;
}

/** Arguments of {@link FederatedResource}. */
export interface FederatedResourceArgs extends FederationOptions {
    /** The object to federate, any apiVersion/kind. Values may be Outputs (also secrets): each member's object
     *  is built once they resolve, and a secret stays secret there. What decides identity and placement must be
     *  plain: apiVersion, kind, metadata.name/namespace/generateName and metadata.labels. */
    template: KubernetesObject | KubernetesInputObject;
    /** The federated namespace the object lives in: it is placed only in the intersection of both placements
     *  and created after the namespace in each cluster. */
    namespace?: FederatedNamespaceLike;
    /** Replica scheduling (KubeFed RSP) for a Deployment, ReplicaSet or StatefulSet: decides the placement and
     *  `spec.replicas` per cluster. */
    replicaScheduling?: ReplicaSchedulingPreference | ReplicaSchedulingSpec;
    /** Keep the member's own `spec.replicas` on updates (KubeFed `retainReplicas`, for HPA-managed workloads). */
    retainReplicas?: boolean;
    /** Workloads: what happens with the ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims the pod
     *  template references (volumes, env, envFrom, serviceAccountName, imagePullSecrets) when they are federated in
     *  the same program. `"check"` (default): referencing one in a cluster where it is not placed is an error at
     *  preview. `"follow"`: they are also placed in every cluster this workload is placed in. `"ignore"`: neither. */
    dependencies?: DependencyMode;
    /** Progressive rollout: waves of clusters (by name or selector). A wave's member objects are created or updated
     *  only after the earlier waves' objects are ready; a wave not ready within `timeoutSeconds` fails `up`, and
     *  later waves keep their previous version. Placed clusters no wave lists form the last wave, `unlisted`. */
    rollout?: RolloutSpec;
    /** Member readiness for failover when `replicaScheduling` is a plain spec (a ReplicaSchedulingPreference
     *  brings its own `observed.ready`), e.g. `await observeReadiness(clusters)`. */
    readiness?: Record<string, boolean>;
}

/** What a FederatedResource needs from a federated namespace. */
export interface FederatedNamespaceLike {
    readonly namespaceName: string;
    readonly placement?: Placement;
    readonly resources: Record<string, pulumi.CustomResource>;
}
