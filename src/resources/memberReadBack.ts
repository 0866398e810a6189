import * as pulumi from "@pulumi/pulumi";
import type { ClusterCondition } from "../member/health";
import type { ObjectStatus, TrackedObject } from "../member/readBackState";
import { READBACK_VERSION } from "../provider/versions";
import { providerLoader } from "./loader";

/** One object tracked by {@link MemberReadBack}; `desired` may hold Outputs (and secrets). */
export interface TrackedObjectArgs extends Omit<TrackedObject, "desired"> {
    desired: pulumi.Input<Record<string, unknown>>;
}

/** Inputs of {@link MemberReadBack}. */
export interface MemberReadBackArgs {
    /** The member's cluster name (the resource ID). */
    clusterName: string;
    /** The member's kubeconfig (text or path). Stored once per member, always as a secret. */
    kubeconfig: pulumi.Input<string>;
    /** Context in the kubeconfig; default: its current context. */
    context?: pulumi.Input<string>;
    /** Probe `/healthz` and `/version` (KubeFed's cluster health). Default true. */
    health?: boolean;
    /** Federated objects placed in this member, keyed by a stable name (the federated object's): a map, or the
     *  compressed string `encodeObjects` makes of one (what the components send: it keeps state small). */
    objects?: pulumi.Input<Record<string, pulumi.Input<TrackedObjectArgs>> | string>;
    /** Like `objects`, for objects whose desired state holds secrets; stored as a secret. */
    secretObjects?: pulumi.Input<Record<string, pulumi.Input<TrackedObjectArgs>> | string>;
}

/**
 * The read-back of one member cluster: KubeFed's health probe (`Ready`/`Offline`/`ConfigMalformed`) and, for every
 * federated object placed in the member, whether it exists, carries the managed label, still matches what was sent
 * (drift, as JSON pointers) and is ready, with ready/desired replicas for workloads. Objects in orphan mode are
 * unlabelled when they stop being tracked here and when this resource is deleted.
 *
 * - Observed on create, update and `pulumi refresh`. Problems found since the last `up` (drift, a deleted object, an
 *   offline member) count as a change, so `pulumi refresh` lists them, per object, in its output and the next
 *   `up` re-observes after repairing; problems an `up` cannot repair are then accepted and previews stay clean.
 * - The member's credentials are held here once (secret), never per federated object.
 * - The provider code stored in state is a loader of the installed package (loader.ts).
 * - Type token `pulumi-nodejs:dynamic/kubefed:MemberReadBack`; ID: the cluster name.
 */
export class MemberReadBack extends pulumi.dynamic.Resource {
    declare readonly clusterName: pulumi.Output<string>;
    /** KubeFedCluster-style conditions from the last probe. */
    declare readonly conditions: pulumi.Output<ClusterCondition[]>;
    /** The last probe found the member ready. */
    declare readonly ready: pulumi.Output<boolean>;
    /** Server `gitVersion`, `""` until a ready probe. */
    declare readonly kubernetesVersion: pulumi.Output<string>;
    /** Per tracked object: KubeFed's per-cluster status and what was read back. */
    declare readonly status: pulumi.Output<Record<string, ObjectStatus>>;
    /** One line per problem, sorted. */
    declare readonly problems: pulumi.Output<string[]>;

    constructor(name: string, args: MemberReadBackArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            providerVersion: READBACK_VERSION,
            clusterName: args.clusterName,
            kubeconfig: pulumi.secret(args.kubeconfig),
            context: args.context,
            health: args.health !== false,
            objects: args.objects ?? {},
            secretObjects: pulumi.secret(args.secretObjects ?? {}),
            conditions: undefined,
            ready: undefined,
            kubernetesVersion: undefined,
            status: undefined,
            problems: undefined,
            accepted: undefined,
            observedAt: undefined,
        };
        super(providerLoader("memberReadBack"), name, props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfig", "secretObjects"] }), "kubefed", "MemberReadBack");
    }
}
