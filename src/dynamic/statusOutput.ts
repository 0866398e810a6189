import * as pulumi from "@pulumi/pulumi";
import type { ClusterHealth } from "./clusterHealth";
import type { PropagationStatus } from "./propagationStatus";
import type { ClusterHealthReport, KubefedReport, PropagationReport } from "./report";

/** Inputs of {@link kubefedStatusOutput}. */
export interface KubefedStatusOutputArgs {
    /** Health resources of the member clusters. */
    health?: ClusterHealth[];
    /** Propagation read-backs; a record key (e.g. the FederatedResource name) becomes the display name. */
    propagation?: PropagationStatus[] | Record<string, PropagationStatus>;
}

/**
 * Builds the value to export as the stack output `kubefed`, the shape `pulumi-kubefed status` reads
 * (see `KubefedReport` in report.ts):
 * ```ts
 * export const kubefed = kubefedStatusOutput({ health: [h1, h2], propagation: { web: webStatus } });
 * ```
 * Only non-secret outputs are used (never `kubeconfig`/`kubeconfigs`/`clusters`), so the output is not secret and
 * `pulumi stack output --json --show-secrets=false` shows it in full.
 */
export function kubefedStatusOutput(args: KubefedStatusOutputArgs): pulumi.Output<KubefedReport> {
    const clusters = (args.health ?? []).map((h) =>
        pulumi.all([h.clusterName, h.ready, h.kubernetesVersion, h.conditions]).apply(([clusterName, ready, kubernetesVersion, conditions]): ClusterHealthReport => ({
            __kubefedStatus: "ClusterHealth", clusterName, ready, kubernetesVersion: kubernetesVersion ?? "", conditions: conditions ?? [],
        })));
    const entries: [string | undefined, PropagationStatus][] = Array.isArray(args.propagation)
        ? args.propagation.map((p) => [undefined, p])
        : Object.keys(args.propagation ?? {}).sort().map((k) => [k, (args.propagation as Record<string, PropagationStatus>)[k]]);
    const objects = entries.map(([name, p]) =>
        pulumi.all([p.target, p.propagated, p.ready, p.status]).apply(([target, propagated, ready, status]): PropagationReport => {
            const r: PropagationReport = { __kubefedStatus: "PropagationStatus", target, propagated, ready, status };
            if (name) r.name = name;
            return r;
        }));
    return pulumi.all([pulumi.all(clusters), pulumi.all(objects)]).apply(([c, o]): KubefedReport => ({
        version: 1,
        clusters: [...c].sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0)),
        objects: o,
    }));
}
