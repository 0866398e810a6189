/**
 * A FederatedResource's arguments to its decision, before it registers: {@link planResource} checks the inputs,
 * plans with the core, summarizes the decision the component records, claims child names, checks dependencies and
 * the shard record, and starts the observations the library takes itself (failover's readiness, rebalancing).
 */
import {
    ClusterInfo, ClusterOverride, DecisionSummary, FederatedObjectDecision, Placement, ReplicaSchedulingSpec, RolloutPlan,
    ValidationIssue, assertValid, dependencyKey, objectOf, overrideTargets, decideFederatedObject, podTemplateReferences,
    summarizeObjectDecision,
} from "../core";
import { validateDependencyMode } from "../core/dependencies";
import { dependencyKeyOf, dependencyRegistry } from "./dependencies";
import type { FederatedNamespaceLike, FederatedResourceArgs, FederationOptions, KubernetesObject } from "./federationTypes";
import { OutputSlots, fixedTemplatePath, refuseOutputs, takeOutputs } from "./inputs";
import type { MemberCluster } from "./memberCluster";
import { MemberList, memberList } from "./memberList";
import { claimChildNames } from "./names";
import { failoverEnabled, readinessFor } from "./readiness";
import { ObservedReplicas, ReplicaSchedulingPreference } from "./replicaSchedulingPreference";
import { observeReplicas } from "../resources/observeReplicas";
import { rolloutPlanFor } from "./rollout";
import { ShardPlacement, assertSameShard, placeInShard, registerShardDecision, shardPlacementOf } from "./shard";
import { checkTemplate, takeOverrideOutputs } from "./templateChecks";

/** What {@link planResource} hands the constructor. */
export interface ResourcePlan {
    subject: string;
    list: MemberList;
    /** The Outputs taken out of the template and overrides, put back into each member's object. */
    slots: OutputSlots;
    template: KubernetesObject;
    overrides: ClusterOverride[] | undefined;
    rsp: ReplicaSchedulingSpec | undefined;
    /** The plan at construction: with the readiness the program gave, else with every member ready. */
    plan: FederatedObjectDecision;
    decision: DecisionSummary;
    rollout: RolloutPlan | undefined;
    /** `FederatedResource <name> (<Kind> <ns>/<name>)`: how dependency messages name it. */
    who: string;
    /** Its dependency key when it is a ConfigMap, Secret, ServiceAccount or PVC a workload may reference. */
    depKey: string | undefined;
    /** The plan and decision after the library's own observations; undefined when there is nothing to observe. */
    applied: Promise<Applied> | undefined;
    /** Which shard of a sharded stack holds it (every one when the stack is not sharded). */
    placement: ShardPlacement;
}

/** Checks and plans a FederatedResource (bad input throws here, at construction, before anything is registered). */
export function planResource(type: string, name: string, args: FederatedResourceArgs): ResourcePlan {
    const subject = `FederatedResource ${name}`;
    const list = memberList(subject, args?.clusters);
    const members = list.members;
    const rsp = ReplicaSchedulingPreference.isInstance(args.replicaScheduling) ? args.replicaScheduling.spec : args.replicaScheduling;
    const observed = ReplicaSchedulingPreference.isInstance(args.replicaScheduling) ? args.replicaScheduling.observed : undefined;
    // Failover can be switched off for the whole stack; per preference, `failover: false` is in the spec.
    const given = args.readiness ?? observed?.ready;
    const readiness = failoverEnabled() ? given : undefined;
    // Outputs in values become placeholders for planning; what decides identity and placement must be plain.
    const slots = new OutputSlots();
    const inputIssues: ValidationIssue[] = [];
    const plainTemplate = takeOutputs(args?.template, "template", slots, inputIssues, fixedTemplatePath) as KubernetesObject;
    const overrides = takeOverrideOutputs(args?.overrides, slots, inputIssues);
    refuseOutputs(args?.placement, "placement", "placement decides which members get the object", inputIssues);
    refuseOutputs(rsp, "replicaScheduling", "replica scheduling decides placement and replicas per member", inputIssues);
    inputIssues.push(...validateDependencyMode(args?.dependencies));
    assertValid(subject, inputIssues);
    const template = checkTemplate(subject, plainTemplate, args.namespace, rsp);
    const planInput = {
        template, infos: list.infos, placement: args.placement, overrides,
        namespacePlacement: args.namespace ? (args.namespace.placement ?? null) : undefined,
        replicaScheduling: rsp, currentReplicas: observed?.currentReplicas, estimatedCapacity: observed?.estimatedCapacity,
    };
    // Validated and planned now (bad input fails here, at construction). Without readiness given, this is
    // the plan with every member ready; the plan this run applies follows the library's own probe (below).
    const plan = planFor(subject, { ...planInput, readiness });
    const rollout = rolloutPlanFor(subject, args.rollout, members, plan.clusters, args.waitForReady, name);
    if (rollout) plan.warnings.push(...rollout.warnings);
    const depMode = args.dependencies ?? "check";
    const decide = (p: FederatedObjectDecision): DecisionSummary => {
        const d = summarize(template, list.infos, p, { ...args, overrides }, rsp, slots.paths);
        if (rollout) {
            d.rollout = { waves: rollout.waves.map(w => ({ name: w.name, clusters: w.clusters, ...(w.implicit ? { implicit: true } : {}) })),
                timeoutSeconds: rollout.timeoutSeconds };
        }
        if (depMode !== "check") {
            const refs = podTemplateReferences(template as unknown as Record<string, unknown>);
            d.dependencies = { mode: depMode, references: [...new Set(refs.map(r => dependencyKey(r.kind, r.namespace, r.name)))] };
        }
        return d;
    };
    const decision = decide(plan);
    claimChildNames(subject, name, plan.clusters);
    // Federated dependencies: misplacement is refused before anything is registered; `follow` grows them.
    const who = `${subject} (${objectOf(decision)})`;
    const registry = dependencyRegistry();
    const depKey = dependencyKeyOf(template);
    // Sharded stacks: which shard holds it (refused when none or two would); it follows its namespace's shard.
    const placement = placeInShard(type, name,
        { namespace: template.metadata.namespace, labels: template.metadata.labels }, plan.clusters, { who, growable: !!depKey });
    assertSameShard(placement, shardPlacementOf(args.namespace), "is in the namespace of");
    if (depKey) registry.checkDependency(depKey, who, plan.clusters);
    registry.addWorkload(who, depMode, plan.objects);
    // The shard record holds what the program declares (readiness given, else every member ready): each shard
    // probes the members itself, and a probe must not make two shards' records differ.
    registerShardDecision(type, name, decision, { template, overrides });
    const observe = rsp ? observationsFor(subject, rsp, members, given, observed, plan) : undefined;
    const applied: Promise<Applied> | undefined = observe?.then(o => {
        const p = o ? planFor(subject, { ...planInput, ...o }) : plan;
        samePlacement(subject, plan, p);
        if (rollout && p !== plan) p.warnings.push(...rollout.warnings);
        return { plan: p, decision: p === plan ? decision : decide(p) };
    });
    return { subject, list, slots, template, overrides, rsp, plan, decision, rollout, who, depKey, applied, placement };
}

/** A plan and its decision after the observations the library takes itself (readiness, and replicas to rebalance). */
export interface Applied {
    plan: FederatedObjectDecision;
    decision: DecisionSummary;
}

/**
 * What the library observes itself for a replica-scheduled object, after construction: readiness of the placed
 * members (failover, on by default) unless the program gave it (`readiness`, `observed.ready`) or failover is off
 * (stack config or `failover: false`); with `rebalance: true`, current replicas and capacity unless `observed`
 * gave them. Undefined when there is nothing to observe (the plan as given is the plan applied).
 */
function observationsFor(subject: string, rsp: ReplicaSchedulingSpec, members: MemberCluster[], given: Record<string, boolean> | undefined,
                         observed: ObservedReplicas | undefined, plan: FederatedObjectDecision): Promise<Partial<ObservedInput> | undefined> | undefined {
    const on = failoverEnabled();
    const probe = on && rsp.failover !== false && (given === undefined || given === null);
    const rebalance = rsp.rebalance === true && observed?.currentReplicas === undefined && observed?.estimatedCapacity === undefined;
    const placed = members.filter(m => plan.clusters.includes(m.clusterName));
    if ((!probe && !rebalance) || placed.length === 0) return undefined;
    const t = plan.objects[plan.clusters[0]] as unknown as KubernetesObject;
    return (async () => {
        const [ready, seen] = await Promise.all([
            probe ? readinessFor(subject, placed) : Promise.resolve(on ? given : undefined),
            rebalance ? observeReplicas(placed, { apiVersion: t.apiVersion, kind: t.kind, namespace: t.metadata.namespace ?? "default", name: t.metadata.name })
                : Promise.resolve(undefined),
        ]);
        return {
            readiness: ready,
            currentReplicas: seen?.currentReplicas ?? observed?.currentReplicas,
            estimatedCapacity: seen?.estimatedCapacity ?? observed?.estimatedCapacity,
        };
    })().catch((e: unknown) => {
        throw new Error(`${subject}: observing the members failed: ${(e as Error).message}`);
    });
}

/** Observations a plan takes. */
interface ObservedInput {
    readiness: Record<string, boolean> | undefined;
    currentReplicas: Record<string, number> | undefined;
    estimatedCapacity: Record<string, number> | undefined;
}

/** Observations never change placement (a member that is not ready stays placed with 0 replicas): the member objects
 *  are created before the probe, so a plan that places differently is a bug, and fails loudly. */
function samePlacement(subject: string, before: FederatedObjectDecision, after: FederatedObjectDecision): void {
    if (before.clusters.join(",") !== after.clusters.join(",")) {
        throw new Error(`${subject}: internal error: observations changed placement (${before.clusters.join(", ")} → ${after.clusters.join(", ")})`);
    }
}

/** Plan with the core and turn its validation errors into errors naming this component. */
export function planFor(subject: string, p: {
    template: KubernetesObject; infos: ClusterInfo[]; placement?: Placement; overrides?: ClusterOverride[];
    namespacePlacement?: Placement | null; replicaScheduling?: ReplicaSchedulingSpec;
    currentReplicas?: Record<string, number>; estimatedCapacity?: Record<string, number>;
    readiness?: Record<string, boolean>;
}): FederatedObjectDecision {
    try {
        return decideFederatedObject({
            template: p.template as unknown as Record<string, unknown>,
            placement: p.placement,
            namespacePlacement: p.namespacePlacement,
            overrides: p.overrides,
            clusters: p.infos,
            replicaScheduling: p.replicaScheduling,
            currentReplicas: p.currentReplicas,
            estimatedCapacity: p.estimatedCapacity,
            readiness: p.readiness,
        });
    } catch (e) {
        // Name the component first: the core names only the Kubernetes object.
        const err = new Error(`${subject}: ${(e as Error).message}`);
        (err as Error & { cause?: unknown }).cause = e;
        throw err;
    }
}

/** The recorded decision of a FederatedResource / FederatedNamespace: built by the core, as for every kind. */
export function summarize(template: KubernetesObject, infos: ClusterInfo[], plan: FederatedObjectDecision,
                          args: FederationOptions & { retainReplicas?: boolean; namespace?: FederatedNamespaceLike },
                          rsp: ReplicaSchedulingSpec | undefined, outputPaths: string[] = []): DecisionSummary {
    return summarizeObjectDecision(template as unknown as Record<string, unknown>, plan, {
        // named clusters (placed or not), and the placed clusters a selector matches
        overrideClusters: overrideTargets(args.overrides, infos, plan.clusters),
        orphanOnDelete: !!args.orphanOnDelete, retainReplicas: !!args.retainReplicas, waitForReady: args.waitForReady !== false,
        namespaced: args.namespace !== undefined, replicaScheduling: rsp, spreadConstraints: args.placement?.spreadConstraints, outputPaths,
    });
}
