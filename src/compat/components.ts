/**
 * What the components still create or accept only because 0.1 stacks and programs exist. Each entry says why it
 * stays; test/e2e/upgrade.test.ts and upgradeKinds.test.ts upgrade a stack made by the released 0.1.0 package.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ObjectRef } from "../member/client";
import type { ClusterCondition } from "../member/health";
import { OrphanGuard } from "../resources/orphanGuard";

/**
 * The alias that takes 0.1's per-member `ClusterHealth` (`<member>-health`) into the member's read-back
 * (`<member>-readback`), so an upgraded stack updates it instead of replacing it.
 */
export function clusterHealthAlias(member: string): pulumi.Alias {
    return { name: `${member}-health`, type: "pulumi-nodejs:dynamic/kubefed:ClusterHealth" };
}

/** A member's health as probed while the program runs (see `MemberCluster.health`, deprecated since 0.2). */
export interface MemberHealthProbe {
    ready: pulumi.Output<boolean>;
    conditions: pulumi.Output<ClusterCondition[]>;
    kubernetesVersion: pulumi.Output<string>;
}

/**
 * `member.health` of 0.1 programs that export `member.health.ready`: the member's one program-time probe as Outputs.
 * Not the read-back's outputs, which are known only after the program: an export waiting on them could never finish.
 * `after`: the probe runs only once these are known (the kubeconfig is unknown in a preview before a join).
 */
export function healthProbe(after: pulumi.Input<unknown>[],
                            probeOnce: () => Promise<{ ready: boolean; conditions: ClusterCondition[]; kubernetesVersion: string } | undefined>): MemberHealthProbe {
    const probe = pulumi.all(after).apply(async () => (await probeOnce()) ?? { ready: false, conditions: [], kubernetesVersion: "" });
    // what a probe finds is not secret, though it was read with the (secret) kubeconfig
    return {
        ready: pulumi.unsecret(probe.apply(p => p.ready)),
        conditions: pulumi.unsecret(probe.apply(p => p.conditions)),
        kubernetesVersion: pulumi.unsecret(probe.apply(p => p.kubernetesVersion)),
    };
}

/**
 * The orphan-mode marker of a federated object (`<name>-orphan`, `pulumi-nodejs:dynamic/kubefed:OrphanGuard`).
 *
 * Why it is still created, per object in orphan mode, though it guards nothing (the member read-backs unlabel):
 * 0.1 created a guard per orphaning object whose state holds 0.1's whole provider code, and the engine runs a
 * dynamic resource's delete with the code stored in its state. Were it no longer declared, the next `up` would
 * delete 0.1's guard and so run 0.1's delete, which unlabels the member objects — objects that are still federated.
 * Declared, it is updated in place and its state then holds the loader of this package, whose delete does nothing
 * (src/provider/orphanMarkerProvider.ts). A program cannot tell which objects have a 0.1 guard in state (the program
 * never sees the state), nor whether a stack has had an `up` since 0.1, so it is declared for every object in orphan
 * mode: one stateless, credential-free resource each. Dropping it is safe only in a release that requires an `up`
 * with 0.2 or later first.
 */
export function orphanMarker(parent: pulumi.Resource, name: string, target: ObjectRef, clusters: string[],
                             memberObjects: pulumi.Resource[]): OrphanGuard {
    return new OrphanGuard(`${name}-orphan`, { target, clusters }, { parent, dependsOn: memberObjects });
}
