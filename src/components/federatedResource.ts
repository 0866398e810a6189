/**
 * FederatedResource: any Kubernetes object federated over member clusters. Built in steps, in the order they run:
 * - resourcePlan.ts `planResource`: arguments to the decision (templateChecks.ts checks the template and overrides);
 * - the recorded inputs (`super`): the decision, after the library's own observations when it takes any;
 * - memberObjects.ts `emit`: one object per placed member, registered with the member's read-back (readBacks.ts);
 *   `growDependency` when a `follow` workload pulls it into more clusters;
 * - the decision log and warnings, then the placement view stack policies read (placementRecord.ts).
 * The argument types are in federationTypes.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { DecisionSummary, FederatedObjectDecision, placementView, withPulledClusters } from "../core";
import { KubefedComponent, brand, componentType, prepare } from "./base";
import { dependencyRegistry } from "./dependencies";
import type { FederatedResourceArgs, KubernetesObject } from "./federationTypes";
import type { MemberCluster } from "./memberCluster";
import { EmitOptions, emit, growDependency, replicasSent } from "./memberObjects";
import { whenProgramDone } from "./programEnd";
import { currentReadBacks } from "./readBacks";
import { ResourcePlan, planResource, summarize } from "./resourcePlan";
import { rolloutGates } from "./rollout";
import { bindShardPlacement, elsewhere } from "./shard";

export type {
    FederatedNamespaceLike, FederatedResourceArgs, FederationOptions, KubernetesInputObject, KubernetesObject,
} from "./federationTypes";
export type { DecisionSummary } from "../core";

/**
 * A Kubernetes object of any kind federated over member clusters: one object per selected cluster, named
 * `<name>-<cluster>`, created through that cluster's provider, with the cluster's overrides applied and the
 * managed label set. Moving placement deletes the object in the old cluster and creates it in the new one.
 */
export class FederatedResource<T extends pulumi.CustomResource = pulumi.CustomResource> extends KubefedComponent {
    static readonly __pulumiType = componentType("FederatedResource");

    /** Selected clusters, sorted. */
    readonly clusterNames!: string[];
    /** The emitted object per selected cluster: `new FederatedResource<k8s.apps.v1.Deployment>(…)` types them. */
    readonly resources!: Record<string, T>;
    /** The decision as planned when the component was constructed: with the readiness the program gave, else with
     *  every member ready. What this run applies after the library's own readiness probe (failover, on by default)
     *  and replica observation (`rebalance: true`) is {@link recordedDecision}. */
    readonly decision!: DecisionSummary;
    /** The decision recorded in the component's inputs (what `preview --diff`, policies and `pulumi-kubefed plan`
     *  see): {@link decision} re-planned with the members' readiness probed in this run, e.g.
     *  `api.recordedDecision.apply(kubefed.replicasOf)` for the replicas each member runs. */
    declare readonly recordedDecision: pulumi.Output<DecisionSummary>;
    /** The desired object per cluster, exactly as sent (after overrides, with the managed label); an Output
     *  when the template or the overrides hold Outputs (secret when any of them is). */
    readonly objects!: Record<string, pulumi.Input<Record<string, unknown>>>;
    /** The key this object is reported under in each member's read-back (and by `pulumi-kubefed status`). */
    readonly statusKey?: string;
    readonly template!: KubernetesObject;
    readonly members!: MemberCluster[];

    constructor(name: string, args: FederatedResourceArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => planResource(FederatedResource.__pulumiType, name, args));
        if (!pre.placement.here) return standIn(name, pre) as FederatedResource<T>;
        // With failover (or rebalancing) observed by the library, the recorded decision is the one planned after the
        // probe: an input may be a promise, and the engine records it once it resolves (still during the program,
        // so `pulumi preview --diff` shows it).
        super(FederatedResource.__pulumiType, name, { decision: pre.applied ? pre.applied.then(a => a.decision) : pre.decision }, opts);
        const { subject, list, slots, template, overrides, plan, decision, rollout, who, depKey, applied } = pre;
        const members = list.members;
        bindShardPlacement(this, pre.placement);
        this.template = template;
        this.members = members;
        this.decision = decision;
        const recorded = applied ? applied.then(a => a.decision) : Promise.resolve(decision);
        this.hidden("recordedDecision", pulumi.output(recorded));
        this.clusterNames = plan.clusters;

        // Member objects, each with its member's provider, after the previous rollout wave's gate.
        const t = plan.clusters.length > 0 ? plan.objects[plan.clusters[0]] as unknown as KubernetesObject : template;
        const gates = rollout ? rolloutGates(this, name, who, members, rollout, {
            apiVersion: t.apiVersion, kind: t.kind, name: t.metadata.name,
            ...(t.metadata.namespace !== undefined ? { namespace: t.metadata.namespace } : {}),
        }) : undefined;
        const emitOptions: EmitOptions = {
            orphanOnDelete: !!args.orphanOnDelete,
            // with a rollout the wave gates wait for readiness, so the Kubernetes provider must not block on it
            waitForReady: args.waitForReady !== false && !rollout,
            retainReplicas: !!args.retainReplicas,
            dependsOnPerCluster: args.namespace?.resources,
            status: args.status !== false,
            forceOwnership: args.forceOwnership !== false,
            outputs: slots,
            readBacks: currentReadBacks(),
        };
        // The replicas each member is sent: from the plan after the probe (a promise), or from the plan as given.
        const replicas = applied
            ? (c: string) => pulumi.output(applied.then(a => replicasSent(a.plan, c)))
            : plan.failover ? (c: string) => replicasSent(plan, c) : undefined;
        const emitted = emit(this, name, members, plan, { ...emitOptions, extraDependsOn: gates?.dependsOn, ...(replicas ? { replicas } : {}) });
        gates?.attach(emitted.resources, emitted.objects);
        this.resources = emitted.resources as Record<string, T>;
        this.objects = emitted.objects;
        this.statusKey = emitted.statusKey;

        // A federated dependency grows into the clusters `follow` workloads pull it into, also after this constructor.
        const registry = dependencyRegistry();
        let grown: DecisionSummary | undefined; // the decision over every cluster `follow` pulled it into
        if (depKey) {
            registry.addDependency({
                key: depKey, subject: who, clusters: [...plan.clusters],
                grow: (extra, by) => {
                    const more = growDependency(this, name, subject, list, { template, overrides, namespace: args.namespace },
                        [...this.clusterNames], extra, by, emitOptions);
                    grown = summarize(template, list.infos, more.plan, { ...args, overrides }, undefined, slots.paths);
                    Object.assign(this.resources, more.resources);
                    Object.assign(this.objects, more.objects);
                    this.clusterNames.push(...Object.keys(more.resources));
                    this.clusterNames.sort();
                },
            });
        }

        // The decision log and warnings. After the probe, the line says what this run applies (and why replicas
        // moved); a failed re-plan fails the member objects, which wait for the same promise, so it is not reported
        // twice here.
        const report = (p: FederatedObjectDecision, d: DecisionSummary) => {
            for (const w of p.warnings) pulumi.log.warn(`${subject}: ${w}`, this);
            this.logDecision(name, d, args.logDecision);
            if (p.clusters.length === 0) {
                const why = Object.entries(d.excluded).map(([c, r]) => `${c}: ${r}`).join("; ");
                pulumi.log.warn(`${subject}: placed in no cluster (${why})`, this);
            }
        };
        if (applied) applied.then(a => report(a.plan, a.decision), () => undefined);
        else report(plan, decision);

        // Stack policies (validateStack) see outputs only, so the decision's placement view (identity, labels, placed
        // clusters) is recorded as outputs: the program's placement record (placementRecord.ts); the whole decision
        // is the inputs, not stored twice. A dependency's placement can still grow while the program runs (a later
        // workload pulls it), so its view is the final one.
        if (depKey) {
            this.recordPlacementView(Promise.all([recorded, whenProgramDone()]).then(([d]) => {
                const pulledBy = registry.pulledBy(depKey);
                // Recorded as placed where it is sent: stack policies (residency, unique objects) judge it so.
                return placementView(Object.keys(pulledBy).length > 0 ? withPulledClusters(d, grown, pulledBy) : d);
            }, () => recorded.then(placementView)));
        } else {
            this.recordPlacementView(recorded.then(placementView));
        }
    }
}

/**
 * A FederatedResource another shard holds (src/components/shard.ts): the full decision, no URN, no member objects.
 * A dependency a later workload pulls into more clusters grows its cluster names here; emitting there is its
 * holder's job (a cluster layout keeps such objects registered in every shard: see placeInShard).
 */
function standIn(name: string, pre: ResourcePlan): FederatedResource {
    const clusterNames = [...pre.plan.clusters];
    const fr = elsewhere<FederatedResource>(FederatedResource.prototype, pre.placement, {
        template: pre.template, members: pre.list.members, decision: pre.decision, clusterNames, resources: {}, objects: {},
    }, o => brand(o, FederatedResource.__pulumiType));
    // the holder records the decision it applies; here a failed probe must not fail the program
    Object.defineProperty(fr, "recordedDecision", { enumerable: false, value: pulumi.output(pre.applied ? pre.applied.then(a => a.decision, () => pre.decision) : pre.decision) });
    if (pre.depKey) {
        dependencyRegistry().addDependency({
            key: pre.depKey, subject: pre.who, clusters: [...clusterNames],
            grow: (extra, by) => {
                const mine = extra.filter(c => pre.placement.emitsIn(c));
                if (mine.length > 0) {
                    throw new Error(`FederatedResource ${name}: ${by} pulls it into ${mine.join(", ")}, which this stack's shard holds, but the shard ` +
                        "does not hold it; declare the workload before it, or shard both by namespace (docs/sharding.md)");
                }
                clusterNames.push(...extra.filter(c => !clusterNames.includes(c)));
                clusterNames.sort();
            },
        });
    }
    return fr;
}
