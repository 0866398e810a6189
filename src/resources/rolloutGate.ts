import * as pulumi from "@pulumi/pulumi";
import type { ObjectRef } from "../member/client";
import { ROLLOUT_GATE_VERSION } from "../provider/versions";
import { providerLoader } from "./loader";

/** Inputs of {@link RolloutGate}. */
export interface RolloutGateArgs {
    /** The federated resource, as users name it (for messages). */
    resource: string;
    /** The wave's name. */
    wave: string;
    /** Names of the waves after this one (for messages). */
    laterWaves: string[];
    /** The member object the wave waits for (the same in every cluster). */
    target: ObjectRef;
    /** The wave's clusters, sorted. */
    clusters: string[];
    /** Per cluster: the member's kubeconfig and context. Stored as a secret. */
    members: pulumi.Input<Record<string, pulumi.Input<{ kubeconfig: pulumi.Input<string>; context?: pulumi.Input<string> }>>>;
    /** Digest of the wave's member objects as sent: a new digest makes the gate wait again. Secret when they are. */
    revision: pulumi.Input<string>;
    /** How long the wave may take to become ready. */
    timeoutSeconds: number;
}

/**
 * The readiness gate of one rollout wave of a federated object. It depends on the wave's member objects and the
 * next wave's member objects depend on it. On create and update (whenever what the wave was sent changes) it polls
 * the object in each of the wave's clusters until it runs the new version; after `timeoutSeconds` it fails with a
 * message naming the wave, the resource, the clusters and why, so `up` stops and later waves keep their previous
 * version. Refresh and delete do nothing. The members' kubeconfigs are a secret input and output, never quoted.
 * Type token `pulumi-nodejs:dynamic/kubefed:RolloutGate`.
 */
export class RolloutGate extends pulumi.dynamic.Resource {
    constructor(name: string, args: RolloutGateArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            providerVersion: ROLLOUT_GATE_VERSION,
            resource: args.resource,
            wave: args.wave,
            laterWaves: args.laterWaves,
            target: args.target,
            clusters: args.clusters,
            members: pulumi.secret(args.members),
            revision: args.revision,
            timeoutSeconds: args.timeoutSeconds,
        };
        super(providerLoader("rolloutGate"), name, props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["members"] }), "kubefed", "RolloutGate");
    }
}
