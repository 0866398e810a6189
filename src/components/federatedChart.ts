import * as pulumi from "@pulumi/pulumi";
import { brand, isBranded, prepare } from "./errors";
import * as k8s from "@pulumi/kubernetes";
import { ChartPlan, ClusterInfo, Placement, ReplicaSchedulingSpec, ValidationIssue, assertValid, planFederatedChart } from "../core";
import { FederatedNamespaceLike } from "./federatedResource";
import { refuseOutputs } from "./inputs";
import { MemberCluster, sortRecord, sortedMembers } from "./memberCluster";
import { TYPE_PREFIX, childName, claimChildNames } from "./names";
import { RenderedObjects } from "./renderedObjects";
import { ReplicaSchedulingPreference } from "./replicaSchedulingPreference";
import { inShard, registerShardDecision } from "./shard";

/** Arguments of {@link FederatedChart}. */
export interface FederatedChartArgs {
    /** Every member cluster of the federation. */
    clusters: MemberCluster[];
    /** The chart: a path to a chart directory or archive (or any reference the Kubernetes provider's Helm v4 Chart accepts). */
    chart: string;
    /** Chart version, for repository or OCI references. */
    version?: string;
    /** Release name in every member; defaults to the component name. */
    releaseName?: string;
    /** Namespace of the release: a name, or a FederatedNamespace (releases then go only where it is placed, after it). */
    namespace?: string | FederatedNamespaceLike;
    /** KubeFed placement, as for FederatedResource. */
    placement?: Placement;
    /** Values every release gets. Plain data: the decision shows each cluster's values at preview. */
    values?: Record<string, unknown>;
    /** Per cluster: values deep-merged over `values` (Helm's merge: maps merge, everything else replaces, null removes). */
    clusterValues?: Record<string, Record<string, unknown>>;
    /** Replica scheduling: the replicas of each cluster are written at `replicasPath` in its values. */
    replicaScheduling?: ReplicaSchedulingPreference | ReplicaSchedulingSpec;
    /** Dotted values path receiving each cluster's replicas, e.g. `replicaCount`. Required with replicaScheduling. */
    replicasPath?: string;
    /** Skip the chart's `crds/` directory. */
    skipCrds?: boolean;
}

/** What a FederatedChart records as its input (and output): what `preview --diff` and policies see. */
export interface ChartDecision {
    chart: string;
    releaseName: string;
    namespace?: string;
    clusters: string[];
    /** The merged values per placed cluster. */
    values: Record<string, Record<string, unknown>>;
    replicas?: Record<string, number>;
    unplacedReplicas?: number;
    warnings: string[];
}

/**
 * A Helm chart federated over member clusters: one `kubernetes:helm.sh/v4:Chart` per placed member, named
 * `<name>-<cluster>`, rendered and applied through that member's provider with the shared values merged with the
 * cluster's own. Placement, namespace and replica scheduling work as for FederatedResource; the recorded decision
 * shows which cluster gets which values.
 */
export class FederatedChart extends pulumi.ComponentResource {
    static readonly __pulumiType = `${TYPE_PREFIX}FederatedChart`;
    /** Whether `obj` is a {@link FederatedChart}, also one created by another copy of this package (where `instanceof` fails). */
    static isInstance(obj: unknown): obj is FederatedChart {
        return isBranded(obj, FederatedChart.__pulumiType);
    }
    /** Placed clusters, sorted. */
    readonly clusterNames: string[];
    /** The Chart per placed cluster. */
    readonly charts: Record<string, k8s.helm.v4.Chart>;
    readonly decision: ChartDecision;

    constructor(name: string, args: FederatedChartArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => {
            const subject = `FederatedChart ${name}`;
            const members = sortedMembers(subject, args?.clusters);
            const issues: ValidationIssue[] = [];
            if (typeof args.chart !== "string" || args.chart === "") {
                issues.push({ severity: "error", field: "chart", message: "must be a chart path or reference, e.g. \"./charts/hello\"" });
            }
            const why = "chart values are part of the decision shown at preview";
            refuseOutputs(args.values, "values", why, issues);
            refuseOutputs(args.clusterValues, "clusterValues", why, issues);
            refuseOutputs(args.placement, "placement", "placement decides which members get a release", issues);
            const rsp = ReplicaSchedulingPreference.isInstance(args.replicaScheduling) ? args.replicaScheduling.spec : args.replicaScheduling;
            refuseOutputs(rsp, "replicaScheduling", "replica scheduling decides placement and replicas per member", issues);
            const ns = typeof args.namespace === "string" ? args.namespace : args.namespace?.namespaceName;
            const nsComponent = typeof args.namespace === "object" ? args.namespace : undefined;
            const releaseName = args.releaseName ?? name;
            assertValid(subject, issues);
            const infos: ClusterInfo[] = members.map(m => ({ name: m.clusterName, labels: m.labels }));
            let plan: ChartPlan;
            try {
                plan = planFederatedChart({
                    clusters: infos, placement: args.placement,
                    namespacePlacement: nsComponent ? (nsComponent.placement ?? null) : undefined,
                    values: args.values, clusterValues: args.clusterValues, replicaScheduling: rsp, replicasPath: args.replicasPath,
                    key: `${ns ?? "default"}/${releaseName}`,
                });
            } catch (e) {
                const err = new Error(`${subject}: ${(e as Error).message}`);
                (err as Error & { cause?: unknown }).cause = e;
                throw err;
            }
            const decision: ChartDecision = {
                chart: args.chart, releaseName, ...(ns ? { namespace: ns } : {}), clusters: plan.clusters,
                values: sortRecord(plan.values), warnings: plan.warnings,
                ...(plan.replicas ? { replicas: sortRecord(plan.replicas), unplacedReplicas: plan.unplacedReplicas ?? 0 } : {}),
            };
            claimChildNames(subject, name, plan.clusters);
            registerShardDecision(FederatedChart.__pulumiType, name, decision);
            return { subject, members, ns, nsComponent, releaseName, plan, decision };
        });
        super(FederatedChart.__pulumiType, name, { decision: pre.decision }, opts);
        const { subject, members, ns, nsComponent, releaseName, plan, decision } = pre;
        brand(this, FederatedChart.__pulumiType);
        this.decision = decision;
        this.clusterNames = plan.clusters;
        this.charts = {};
        const byName = new Map(members.map(m => [m.clusterName, m]));
        for (const c of plan.clusters.filter(x => inShard(x))) { // a sharded stack emits only its own clusters
            const dep = nsComponent?.resources[c];
            const rendered = new RenderedObjects("FederatedChart", name, byName.get(c)!); // labels and reads back what the Chart renders
            // `provider`, not `providers: [p]`: the Chart is a remote component, for which the SDK copies the list's
            // entry into `provider` as well and then warns of a conflict between the two.
            this.charts[c] = new k8s.helm.v4.Chart(childName(name, c), {
                chart: args.chart, name: releaseName, values: plan.values[c],
                ...(args.version ? { version: args.version } : {}),
                ...(ns ? { namespace: ns } : {}),
                ...(args.skipCrds ? { skipCrds: true } : {}),
            }, { parent: this, provider: byName.get(c)!.provider, ...(dep ? { dependsOn: [dep] } : {}), transforms: rendered.transforms });
            rendered.track(this.charts[c]);
        }
        for (const w of plan.warnings) pulumi.log.warn(`${subject}: ${w}`, this);
        this.registerOutputs({ clusterNames: this.clusterNames, decision });
    }
}
