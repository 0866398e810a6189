import * as pulumi from "@pulumi/pulumi";
import { DecisionSummary, ValidationIssue, assertValid, placementView } from "../core";
import { KubefedComponent, brand, componentType, prepare } from "./base";
import type { FederationOptions, KubernetesObject } from "./federationTypes";
import { emit } from "./memberObjects";
import { memberList } from "./memberList";
import { claimChildNames } from "./names";
import { currentReadBacks } from "./readBacks";
import { planFor, summarize } from "./resourcePlan";
import { bindShardPlacement, elsewhere, placeInShard, registerShardDecision } from "./shard";

/** Arguments of {@link FederatedNamespace}. */
export interface FederatedNamespaceArgs extends FederationOptions {
    /** Name of the namespace in the members; defaults to the component name. */
    namespaceName?: string;
    /** Labels and annotations of the namespace objects. */
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** Namespaces KubeFed never propagates: they exist everywhere and belong to the cluster. */
const RESERVED = new Set(["default", "kube-system", "kube-public", "kube-node-lease", "kube-federation-system"]);

/**
 * A namespace in its selected member clusters. Resources placed in it (`namespace:` of FederatedResource) land
 * only in the intersection of their placement and this one, and are created after the namespace in each cluster.
 */
export class FederatedNamespace extends KubefedComponent {
    static readonly __pulumiType = componentType("FederatedNamespace");
    readonly namespaceName!: string;
    readonly placement?: FederationOptions["placement"];
    readonly clusterNames!: string[];
    /** The Namespace object per selected cluster. */
    readonly resources!: Record<string, pulumi.CustomResource>;
    readonly decision!: DecisionSummary;
    /** The key the namespace is reported under by the members' read-backs and `pulumi-kubefed status`. */
    readonly statusKey?: string;

    constructor(name: string, args: FederatedNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => {
            const subject = `FederatedNamespace ${name}`;
            const list = memberList(subject, args?.clusters);
            const nsName = args.namespaceName ?? name;
            const issues: ValidationIssue[] = [];
            if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(nsName) || nsName.length > 63) {
                issues.push({ severity: "error", field: "namespaceName", message: `"${nsName}" is not a valid namespace name (lowercase DNS label)` });
            }
            if (RESERVED.has(nsName)) {
                issues.push({ severity: "error", field: "namespaceName", message: `"${nsName}" is a system namespace that exists in every cluster and is never federated; pick your own namespace` });
            }
            assertValid(subject, issues);
            const template: KubernetesObject = {
                apiVersion: "v1", kind: "Namespace",
                metadata: { name: nsName, ...(args.metadata?.labels ? { labels: args.metadata.labels } : {}),
                    ...(args.metadata?.annotations ? { annotations: args.metadata.annotations } : {}) },
            };
            const plan = planFor(subject, { template, infos: list.infos, placement: args.placement, overrides: args.overrides });
            const decision = summarize(template, list.infos, plan, args, undefined);
            claimChildNames(subject, name, plan.clusters);
            registerShardDecision(FederatedNamespace.__pulumiType, name, decision, { template, overrides: args.overrides });
            // Sharded stacks: its shard (by its own name as namespace); objects in it must be in the same shard.
            const shard = placeInShard(FederatedNamespace.__pulumiType, name, { namespace: nsName, labels: args.metadata?.labels }, plan.clusters);
            return { subject, members: list.members, nsName, plan, decision, shard };
        });
        if (!pre.shard.here) {
            // another shard holds it: what objects in it read (name, placement), without URN or member objects
            return elsewhere<FederatedNamespace>(FederatedNamespace.prototype, pre.shard, {
                namespaceName: pre.nsName, placement: placementOf(args, pre.plan), clusterNames: pre.plan.clusters, decision: pre.decision, resources: {},
            }, o => brand(o, FederatedNamespace.__pulumiType));
        }
        super(FederatedNamespace.__pulumiType, name, { decision: pre.decision }, opts);
        const { subject, members, nsName, plan, decision } = pre;
        bindShardPlacement(this, pre.shard);
        this.namespaceName = nsName;
        this.placement = placementOf(args, plan);
        this.clusterNames = plan.clusters;
        this.decision = decision;
        const emitted = emit(this, name, members, plan, {
            orphanOnDelete: !!args.orphanOnDelete, waitForReady: args.waitForReady !== false, retainReplicas: false,
            status: args.status !== false,
            forceOwnership: args.forceOwnership !== false,
            readBacks: currentReadBacks(),
        });
        this.resources = emitted.resources;
        this.statusKey = emitted.statusKey;
        this.logDecision(name, decision, args.logDecision);
        if (plan.clusters.length === 0) pulumi.log.warn(`${subject}: placed in no cluster; set placement (clusterSelector: {} selects every cluster)`, this);
        // Stack policies (validateStack) see outputs only: the placement view (the whole decision is the inputs).
        this.recordPlacementView(placementView(decision));
    }
}

/** With spread constraints, what resources inside intersect with is where the namespace actually went. */
function placementOf(args: FederatedNamespaceArgs, plan: { clusters: string[] }): FederationOptions["placement"] {
    return args.placement?.spreadConstraints && args.placement.spreadConstraints.length > 0
        ? { clusters: plan.clusters.map(c => ({ name: c })) } : args.placement;
}
