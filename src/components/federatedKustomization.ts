import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DecisionSummary, KUSTOMIZATION_KIND, dns1123LabelProblem, Placement, ValidationIssue, assertValid, placementView, decideFederatedKustomization, summarizeRenderedDecision } from "../core";
import { KubefedComponent, componentType, prepare } from "./base";
import type { FederatedNamespaceLike } from "./federationTypes";
import { refuseOutputs } from "./inputs";
import { MemberCluster, sortRecord } from "./memberCluster";
import { memberList } from "./memberList";
import { childName, claimChildNames } from "./names";
import { currentReadBacks } from "./readBacks";
import { RenderedObjects } from "./renderedObjects";
import { assertSameShard, placeInShard, registerShardDecision, shardPlacementOf } from "./shard";

/** Arguments of {@link FederatedKustomization}. */
export interface FederatedKustomizationArgs {
    /** Every member cluster of the federation. */
    clusters: MemberCluster[];
    /** The kustomization every placed member gets (a directory with a kustomization.yaml). */
    directory: string;
    /** Per cluster: an overlay directory used instead of `directory` — typically `overlays/<cluster>` with
     *  `resources: [../../base]` and that cluster's patches. */
    clusterDirectories?: Record<string, string>;
    /** KubeFed placement, as for FederatedResource. */
    placement?: Placement;
    /** Default namespace of the rendered objects: a name, or a FederatedNamespace (placement intersects with it). */
    namespace?: string | FederatedNamespaceLike;
}

/**
 * A Kustomize directory federated over member clusters: one `kubernetes:kustomize/v2:Directory` per placed member,
 * named `<name>-<cluster>`, rendered and applied through that member's provider, from the cluster's own overlay
 * when `clusterDirectories` has one. The decision records which directory each cluster gets.
 */
export class FederatedKustomization extends KubefedComponent {
    static readonly __pulumiType = componentType("FederatedKustomization");
    readonly clusterNames: string[];
    readonly directories: Record<string, k8s.kustomize.v2.Directory>;
    /** The decision every federated kind records (kind `Kustomization`, name = this component's), plus the placed
     *  clusters and the directory each one builds. */
    readonly decision: DecisionSummary & { clusters: string[]; directories: Record<string, string> };

    constructor(name: string, args: FederatedKustomizationArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => {
            const subject = `FederatedKustomization ${name}`;
            const list = memberList(subject, args?.clusters);
            const issues: ValidationIssue[] = [];
            const why = "which directory each cluster gets is part of the decision shown at preview";
            refuseOutputs(args.directory, "directory", why, issues);
            refuseOutputs(args.clusterDirectories, "clusterDirectories", why, issues);
            refuseOutputs(args.placement, "placement", "placement decides which members get the objects", issues);
            if (typeof args.namespace === "string") {
                const p = dns1123LabelProblem(args.namespace);
                if (p) issues.push({ severity: "error", field: "namespace", message: `${p}; use a namespace name such as "apps"` });
            }
            assertValid(subject, issues);
            const nsComponent = typeof args.namespace === "object" ? args.namespace : undefined;
            const ns = typeof args.namespace === "string" ? args.namespace : nsComponent?.namespaceName;
            // The decision is the core's; this component only turns it into Directory resources.
            const plan = decideFederatedKustomization(subject, {
                clusters: list.infos, directory: args.directory, clusterDirectories: args.clusterDirectories,
                placement: args.placement, ...(nsComponent ? { namespacePlacement: nsComponent.placement ?? null } : {}),
            });
            const { clusters: placed, directories, warnings } = plan;
            const summary = summarizeRenderedDecision(KUSTOMIZATION_KIND, plan, {
                name, ...(ns ? { namespace: ns } : {}), spreadConstraints: args.placement?.spreadConstraints,
                namespaced: !!nsComponent, clusterSpecific: Object.keys(args.clusterDirectories ?? {}),
            });
            const decision = { ...summary, clusters: placed, directories: sortRecord(directories) };
            claimChildNames(subject, name, placed);
            registerShardDecision(FederatedKustomization.__pulumiType, name, decision);
            // Sharded stacks: the shard of each member object (a workload layout selects it by its namespace).
            const shard = placeInShard(FederatedKustomization.__pulumiType, name, { namespace: ns }, placed);
            assertSameShard(shard, shardPlacementOf(nsComponent), "is in the namespace of");
            return { subject, members: list.members, warnings, nsComponent, ns, placed, directories, decision, shard };
        });
        super(FederatedKustomization.__pulumiType, name, { decision: pre.decision }, opts);
        const { subject, members, warnings, nsComponent, ns, placed, directories, decision } = pre;
        this.decision = decision;
        this.clusterNames = placed;
        this.directories = {};
        const byName = new Map(members.map(m => [m.clusterName, m]));
        const readBacks = currentReadBacks();
        for (const c of placed.filter(x => pre.shard.emitsIn(x))) { // a sharded stack emits only the member objects it holds
            const dep = nsComponent?.resources[c];
            const rendered = new RenderedObjects("FederatedKustomization", name, readBacks.of(byName.get(c)!)); // labels and reads back what the Directory renders
            this.directories[c] = new k8s.kustomize.v2.Directory(childName(name, c), { directory: directories[c], ...(ns ? { namespace: ns } : {}) },
                // `provider`, not `providers: [p]`: see FederatedChart (the SDK would warn of a conflict).
                { parent: this, provider: byName.get(c)!.provider, ...(dep ? { dependsOn: [dep] } : {}), transforms: rendered.transforms });
            rendered.track(this.directories[c]);
        }
        for (const w of warnings) pulumi.log.warn(`${subject}: ${w}`, this);
        // Stack policies (validateStack) see outputs only: the placement view (the whole decision is the inputs).
        this.recordPlacementView(placementView(decision));
    }
}
