import * as pulumi from "@pulumi/pulumi";
import { MemberCluster } from "./memberCluster";

/**
 * The names of a fleet's members and federated objects, for 0.1 programs that export a status value.
 *
 * @deprecated since 0.2. `pulumi-kubefed status` reads every member's read-back from the stack's checkpoint, so
 * there is nothing to export. Kept so 0.1 programs still run: it returns the member and object names only (a value
 * that never waits for read-back outputs, which are known only after the program).
 */
export function fleetStatus(clusters: MemberCluster[], federated: Record<string, { statusKey?: string }>): pulumi.Output<unknown> {
    return pulumi.output({
        version: 2,
        members: clusters.map(c => c.clusterName).sort(),
        objects: Object.keys(federated).sort(),
        readBack: "run `pulumi-kubefed status` (after `pulumi refresh` for current values)",
    });
}
