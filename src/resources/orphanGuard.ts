import * as pulumi from "@pulumi/pulumi";
import type { ObjectRef } from "../member/client";
import { ORPHAN_MARKER_VERSION } from "../provider/versions";
import { providerLoader } from "./loader";

/** Inputs of {@link OrphanGuard}. */
export interface OrphanGuardArgs {
    /** The member object in orphan mode (same in every cluster). */
    target: ObjectRef;
    /** The clusters it was propagated to, sorted. */
    clusters: string[];
}

/**
 * Records that a federated object is in orphan mode (KubeFed's `kubefed.io/orphan: "true"`, docs/semantics.md#deletion-and-orphaning). Since 0.2 it is a
 * marker: the unlabelling is done by each member's {@link MemberReadBack}, which holds that member's credentials once.
 * It keeps the URN of 0.1's guard, which unlabelled objects when deleted, so upgrading stacks update it in place
 * (a deleted 0.1 guard would run its stored code and unlabel objects that are still federated).
 *
 * Type token `pulumi-nodejs:dynamic/kubefed:OrphanGuard`; ID `<apiVersion>:<kind>:<namespace>/<name>`.
 */
export class OrphanGuard extends pulumi.dynamic.Resource {
    declare readonly target: pulumi.Output<ObjectRef>;

    constructor(name: string, args: OrphanGuardArgs, opts?: pulumi.CustomResourceOptions) {
        const props = { providerVersion: ORPHAN_MARKER_VERSION, target: args.target, clusters: [...args.clusters].sort() };
        super(providerLoader("orphanMarker"), name, props, opts, "kubefed", "OrphanGuard");
    }
}
