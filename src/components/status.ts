import * as pulumi from "@pulumi/pulumi";
import { ClusterHealth, PropagationStatus, kubefedStatusOutput } from "../dynamic";
import { MemberCluster } from "./memberCluster";

/**
 * The stack output `pulumi-kubefed status` reads: every member's health and every federated object's
 * per-cluster propagation, e.g. `export const kubefed = fleetStatus(clusters, { web, shop })`.
 */
export function fleetStatus(clusters: MemberCluster[], federated: Record<string, { status?: PropagationStatus }>): pulumi.Output<unknown> {
    const health = clusters.map(c => c.health).filter((h): h is ClusterHealth => !!h);
    const propagation: Record<string, PropagationStatus> = {};
    for (const [k, v] of Object.entries(federated)) if (v.status) propagation[k] = v.status;
    return kubefedStatusOutput({ health, propagation });
}
