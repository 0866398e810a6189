import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { brand, isBranded, prepare } from "./errors";
import {
    ClusterOverride, DecisionSummary, DependencyMode, FederatedObjectPlan, Placement, ReplicaSchedulingSpec,
    RolloutSpec, ValidationIssue, assertValid, decisionLine, objectOf, planFederatedObject, podTemplateReferences,
    dependencyKey, overrideTargets, placementView, summarizeObjectPlan, withPulledClusters,
} from "../core";
import { dependencyKeyOf, dependencyRegistry } from "./dependencies";
import { whenProgramDone } from "./readBack";
import { rolloutGates, rolloutPlanFor } from "./rollout";
import { OrphanGuard } from "../resources/orphanGuard";
import { MemberCluster, clusterInfos, sortedMembers } from "./memberCluster";
import { TYPE_PREFIX, childName, claimChildNames, resourceClassFor } from "./names";
import { failoverEnabled, readinessFor } from "./failover";
import { ObservedReplicas, ReplicaSchedulingPreference } from "./replicaSchedulingPreference";
import { observeReplicas } from "../resources/observeReplicas";
import { ShardPlacement, assertSameShard, bindShardPlacement, elsewhere, emitsIn, placeInShard, registerShardDecision, shardPlacementOf } from "./shard";
import { ownEntry } from "../core/ownProperties";
import { validateDependencyMode } from "../core/dependencies";
import { replicasProblem } from "../core/validate";
import { OutputSlots, REPLICAS_WHY, fixedTemplatePath, refuseOutputs, restoreOutputs, takeOutputs } from "./inputs";

/** A Kubernetes object used as a template: plain data with apiVersion, kind and metadata.name. */
export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
    [field: string]: unknown;
}

/**
 * A typed `@pulumi/kubernetes` input object used as a template, e.g. a `k8s.types.input.apps.v1.Deployment`. Its
 * values may be Outputs like any template's; apiVersion, kind, metadata.name/namespace/generateName and labels must
 * still be plain (they are checked while the program runs, naming the field).
 */
export interface KubernetesInputObject {
    // `| undefined` inside the Input: newer @pulumi/kubernetes types declare `Input<"apps/v1" | undefined>`
    apiVersion?: pulumi.Input<string | undefined>;
    kind?: pulumi.Input<string | undefined>;
    metadata?: pulumi.Input<k8s.types.input.meta.v1.ObjectMeta | undefined>;
}

/** Options shared by every federated kind. */
export interface FederationOptions {
    /** Every member cluster of the federation (the candidates for placement). */
    clusters: MemberCluster[];
    /** KubeFed placement: an explicit `clusters` list (wins, even when empty) or a `clusterSelector`
     *  (`{}` selects every cluster; absent selects none). */
    placement?: Placement;
    /** Per-cluster JSON-patch overrides (KubeFed semantics: missing op = replace). */
    overrides?: ClusterOverride[];
    /** Leave the objects in the members when this resource is deleted or a cluster is deselected,
     *  with the managed label removed (KubeFed's `kubefed.io/orphan: "true"`). */
    orphanOnDelete?: boolean;
    /** Wait for each member object to become ready (Pulumi's await logic). Default true; false adds
     *  `pulumi.com/skipAwait: "true"`. */
    waitForReady?: boolean;
    /** Take ownership of the fields we set even when someone else changed them in the member (server-side apply
     *  with force, `pulumi.com/patchForce`), so `up` repairs drift as KubeFed's sync controller does. Default
     *  true; false makes such an `up` fail with a field conflict instead. */
    forceOwnership?: boolean;
    /** Read back per-cluster propagation status and drift (on `up` when something changed, and on
     *  `pulumi refresh`) through each member's read-back; see it with `pulumi-kubefed status`. Default true. */
    status?: boolean;
    /** Print the one-line decision of this object as an info diagnostic in preview and up output. Default: the
     *  stack config `pulumi-kubefed:decisionLog` if set, else the environment variable `PULUMI_KUBEFED_DECISION_LOG`
     *  (`false`/`0`/`off` turn it off), else on. */
    logDecision?: boolean;
}

/** Arguments of {@link FederatedResource}. */
export interface FederatedResourceArgs extends FederationOptions {
    /** The object to federate, any apiVersion/kind. Values may be Outputs (also secrets): each member's object
     *  is built once they resolve, and a secret stays secret there. What decides identity and placement must be
     *  plain: apiVersion, kind, metadata.name/namespace/generateName and metadata.labels. */
    template: KubernetesObject | KubernetesInputObject;
    /** The federated namespace the object lives in: it is placed only in the intersection of both placements
     *  and created after the namespace in each cluster. */
    namespace?: FederatedNamespaceLike;
    /** Replica scheduling (KubeFed RSP) for a Deployment, ReplicaSet or StatefulSet: decides the placement and
     *  `spec.replicas` per cluster. */
    replicaScheduling?: ReplicaSchedulingPreference | ReplicaSchedulingSpec;
    /** Keep the member's own `spec.replicas` on updates (KubeFed `retainReplicas`, for HPA-managed workloads). */
    retainReplicas?: boolean;
    /** Workloads: what happens with the ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims the pod
     *  template references (volumes, env, envFrom, serviceAccountName, imagePullSecrets) when they are federated in
     *  the same program. `"check"` (default): referencing one in a cluster where it is not placed is an error at
     *  preview. `"follow"`: they are also placed in every cluster this workload is placed in. `"ignore"`: neither. */
    dependencies?: DependencyMode;
    /** Progressive rollout: waves of clusters (by name or selector). A wave's member objects are created or updated
     *  only after the earlier waves' objects are ready; a wave not ready within `timeoutSeconds` fails `up`, and
     *  later waves keep their previous version. Placed clusters no wave lists form the last wave, `unlisted`. */
    rollout?: RolloutSpec;
    /** Member readiness for failover when `replicaScheduling` is a plain spec (a ReplicaSchedulingPreference
     *  brings its own `observed.ready`), e.g. `await observeReadiness(clusters)`. */
    readiness?: Record<string, boolean>;
}

/** What a FederatedResource needs from a federated namespace. */
export interface FederatedNamespaceLike {
    readonly namespaceName: string;
    readonly placement?: Placement;
    readonly resources: Record<string, pulumi.CustomResource>;
}

export type { DecisionSummary } from "../core";

/**
 * A Kubernetes object of any kind federated over member clusters: one object per selected cluster, named
 * `<name>-<cluster>`, created through that cluster's provider, with the cluster's overrides applied and the
 * managed label set. Moving placement deletes the object in the old cluster and creates it in the new one.
 */
export class FederatedResource<T extends pulumi.CustomResource = pulumi.CustomResource> extends pulumi.ComponentResource {
    static readonly __pulumiType = `${TYPE_PREFIX}FederatedResource`;
    /** Whether `obj` is a {@link FederatedResource}, also one created by another copy of this package (where `instanceof` fails). */
    static isInstance(obj: unknown): obj is FederatedResource {
        return isBranded(obj, FederatedResource.__pulumiType);
    }

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
        const pre = prepare(opts, () => {
            const subject = `FederatedResource ${name}`;
            const members = sortedMembers(subject, args?.clusters);
            const rsp = ReplicaSchedulingPreference.isInstance(args.replicaScheduling)
                ? args.replicaScheduling.spec : args.replicaScheduling;
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
                template, members, placement: args.placement, overrides,
                namespacePlacement: args.namespace ? (args.namespace.placement ?? null) : undefined,
                replicaScheduling: rsp, currentReplicas: observed?.currentReplicas, estimatedCapacity: observed?.estimatedCapacity,
            };
            // Validated and planned now (bad input fails here, at construction). Without readiness given, this is
            // the plan with every member ready; the plan this run applies follows the library's own probe (below).
            const plan = planFor(subject, { ...planInput, readiness });
            const rollout = rolloutPlanFor(subject, args.rollout, members, plan.clusters, args.waitForReady, name);
            if (rollout) plan.warnings.push(...rollout.warnings);
            const depMode = args.dependencies ?? "check";
            const decide = (p: FederatedObjectPlan): DecisionSummary => {
                const d = summarize(template, members, p, { ...args, overrides }, rsp, slots.paths);
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
            const placement = placeInShard(FederatedResource.__pulumiType, name,
                { namespace: template.metadata.namespace, labels: template.metadata.labels }, plan.clusters, { who, growable: !!depKey });
            assertSameShard(placement, shardPlacementOf(args.namespace), "is in the namespace of");
            if (depKey) registry.checkDependency(depKey, who, plan.clusters);
            registry.addWorkload(who, depMode, plan.objects);
            // The shard record holds what the program declares (readiness given, else every member ready): each shard
            // probes the members itself, and a probe must not make two shards' records differ.
            registerShardDecision(FederatedResource.__pulumiType, name, decision, { template, overrides });
            const observe = rsp ? observationsFor(subject, rsp, members, given, observed, plan) : undefined;
            const applied: Promise<Applied> | undefined = observe?.then(o => {
                const p = o ? planFor(subject, { ...planInput, ...o }) : plan;
                samePlacement(subject, plan, p);
                if (rollout && p !== plan) p.warnings.push(...rollout.warnings);
                return { plan: p, decision: p === plan ? decision : decide(p) };
            });
            return { subject, members, slots, template, overrides, plan, decision, rollout, who, registry, depKey, applied, placement };
        });
        if (!pre.placement.here) return standIn(name, pre) as FederatedResource<T>;
        // With failover (or rebalancing) observed by the library, the recorded decision is the one planned after the
        // probe: an input may be a promise, and the engine records it once it resolves (still during the program,
        // so `pulumi preview --diff` shows it).
        super(FederatedResource.__pulumiType, name, { decision: pre.applied ? pre.applied.then(a => a.decision) : pre.decision }, opts);
        const { subject, members, slots, template, overrides, plan, decision, rollout, who, registry, depKey, applied } = pre;
        brand(this, FederatedResource.__pulumiType);
        bindShardPlacement(this, pre.placement);
        this.template = template;
        this.members = members;
        this.decision = decision;
        const recorded = applied ? applied.then(a => a.decision) : Promise.resolve(decision);
        Object.defineProperty(this, "recordedDecision", { enumerable: false, value: pulumi.output(recorded) });
        this.clusterNames = plan.clusters;
        const t = plan.clusters.length > 0 ? plan.objects[plan.clusters[0]] as unknown as KubernetesObject : template;
        const gates = rollout ? rolloutGates(this, name, who, members, rollout, {
            apiVersion: t.apiVersion, kind: t.kind, name: t.metadata.name,
            ...(t.metadata.namespace !== undefined ? { namespace: t.metadata.namespace } : {}),
        }) : undefined;
        const emitOptions = {
            orphanOnDelete: !!args.orphanOnDelete,
            // with a rollout the wave gates wait for readiness, so the Kubernetes provider must not block on it
            waitForReady: args.waitForReady !== false && !rollout,
            retainReplicas: !!args.retainReplicas,
            dependsOnPerCluster: args.namespace?.resources,
            status: args.status !== false,
            forceOwnership: args.forceOwnership !== false,
            outputs: slots,
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
        let grown: DecisionSummary | undefined; // the decision over every cluster `follow` pulled it into
        if (depKey) {
            registry.addDependency({
                key: depKey, subject: who, clusters: [...plan.clusters],
                grow: (extra, by) => {
                    const more = growDependency(this, name, subject, members, { template, overrides, namespace: args.namespace },
                        [...this.clusterNames], extra, by, emitOptions);
                    grown = summarize(template, members, more.plan, { ...args, overrides }, undefined, slots.paths);
                    Object.assign(this.resources, more.resources);
                    Object.assign(this.objects, more.objects);
                    this.clusterNames.push(...Object.keys(more.resources));
                    this.clusterNames.sort();
                },
            });
        }
        const report = (p: FederatedObjectPlan, d: DecisionSummary) => {
            for (const w of p.warnings) pulumi.log.warn(`${subject}: ${w}`, this);
            logDecision(this, name, d, args.logDecision);
            if (p.clusters.length === 0) {
                const why = Object.entries(d.excluded).map(([c, r]) => `${c}: ${r}`).join("; ");
                pulumi.log.warn(`${subject}: placed in no cluster (${why})`, this);
            }
        };
        // After the probe, the line says what this run applies (and why replicas moved); a failed re-plan fails the
        // member objects, which wait for the same promise, so it is not reported twice here.
        if (applied) applied.then(a => report(a.plan, a.decision), () => undefined);
        else report(plan, decision);
        // Outputs: stack policies (validateStack) see outputs only, so the decision's placement view is recorded there
        // (placementView: identity, labels, placed clusters); the whole decision is the inputs, not stored twice. A
        // dependency's placement can still grow while the program runs (a later workload pulls it), so its outputs
        // are the final ones.
        if (depKey) {
            const final = Promise.all([recorded, whenProgramDone()]).then(([d]) => {
                const pulledBy = registry.pulledBy(depKey);
                // Recorded as placed where it is sent: stack policies (residency, unique objects) judge the outputs.
                return { decision: placementView(Object.keys(pulledBy).length > 0 ? withPulledClusters(d, grown, pulledBy) : d) };
            }, () => recorded.then(d => ({ decision: placementView(d) })));
            this.registerOutputs(final);
        } else {
            this.registerOutputs({ decision: recorded.then(placementView) });
        }
    }
}

/**
 * A FederatedResource another shard holds (src/components/shard.ts): the full decision, no URN, no member objects.
 * A dependency a later workload pulls into more clusters grows its cluster names here; emitting there is its
 * holder's job (a cluster layout keeps such objects registered in every shard: see placeInShard).
 */
function standIn(name: string, pre: { template: KubernetesObject; members: MemberCluster[]; plan: FederatedObjectPlan; decision: DecisionSummary;
    applied?: Promise<Applied>; depKey?: string; who: string; registry: ReturnType<typeof dependencyRegistry>; placement: ShardPlacement }): FederatedResource {
    const clusterNames = [...pre.plan.clusters];
    const fr = elsewhere<FederatedResource>(FederatedResource.prototype, pre.placement, {
        template: pre.template, members: pre.members, decision: pre.decision, clusterNames, resources: {}, objects: {},
    }, o => brand(o as unknown as pulumi.Resource, FederatedResource.__pulumiType));
    // the holder records the decision it applies; here a failed probe must not fail the program
    Object.defineProperty(fr, "recordedDecision", { enumerable: false, value: pulumi.output(pre.applied ? pre.applied.then(a => a.decision, () => pre.decision) : pre.decision) });
    if (pre.depKey) {
        pre.registry.addDependency({
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

/** A plan and its decision after the observations the library takes itself (readiness, and replicas to rebalance). */
interface Applied {
    plan: FederatedObjectPlan;
    decision: DecisionSummary;
}

/**
 * What the library observes itself for a replica-scheduled object, after construction: readiness of the placed
 * members (failover, on by default) unless the program gave it (`readiness`, `observed.ready`) or failover is off
 * (stack config or `failover: false`); with `rebalance: true`, current replicas and capacity unless `observed`
 * gave them. Undefined when there is nothing to observe (the plan as given is the plan applied).
 */
function observationsFor(subject: string, rsp: ReplicaSchedulingSpec, members: MemberCluster[], given: Record<string, boolean> | undefined,
                         observed: ObservedReplicas | undefined, plan: FederatedObjectPlan): Promise<Partial<ObservedInput> | undefined> | undefined {
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
function samePlacement(subject: string, before: FederatedObjectPlan, after: FederatedObjectPlan): void {
    if (before.clusters.join(",") !== after.clusters.join(",")) {
        throw new Error(`${subject}: internal error: observations changed placement (${before.clusters.join(", ")} → ${after.clusters.join(", ")})`);
    }
}

/**
 * The replicas member `c` is sent. A member that failover found not ready is sent what it would run with every
 * member ready (the decision records 0 for it): that is what it was sent while it was ready, so no step touches
 * it while it is down (and with `unreachable: "skip"` nothing fails), its pods are left as they are, and when it is
 * back the next plan gives it that share again. This replaces `ignoreChanges: ["spec.replicas"]`, which a resource
 * option must know when the object is constructed, before the probe.
 */
function replicasSent(p: FederatedObjectPlan, c: string): number {
    if (p.failover && p.failover.notReady.includes(c)) {
        const n = ownEntry(p.failover.replicasIfReady, c);
        if (n !== undefined) return n;
    }
    return ((p.objects[c] as { spec?: { replicas?: number } }).spec?.replicas) ?? 0;
}

/** Plan with the core and turn its validation errors into errors naming this component. */
export function planFor(subject: string, p: {
    template: KubernetesObject; members: MemberCluster[]; placement?: Placement; overrides?: ClusterOverride[];
    namespacePlacement?: Placement | null; replicaScheduling?: ReplicaSchedulingSpec;
    currentReplicas?: Record<string, number>; estimatedCapacity?: Record<string, number>;
    readiness?: Record<string, boolean>;
}): FederatedObjectPlan {
    try {
        return planFederatedObject({
            template: p.template as unknown as Record<string, unknown>,
            placement: p.placement,
            namespacePlacement: p.namespacePlacement,
            overrides: p.overrides,
            clusters: clusterInfos(p.members),
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

const SCALABLE = new Set(["apps/v1/Deployment", "apps/v1/ReplicaSet", "apps/v1/StatefulSet"]);

function checkTemplate(subject: string, template: KubernetesObject | undefined, ns: FederatedNamespaceLike | undefined,
                       rsp: ReplicaSchedulingSpec | undefined): KubernetesObject {
    const issues: ValidationIssue[] = [];
    if (!template || typeof template !== "object") {
        assertValid(subject, [{ severity: "error", field: "template", message: "is required: a Kubernetes object with apiVersion, kind and metadata.name" }]);
    }
    const t = template!;
    // apiVersion, kind and metadata.name are checked by the core (planFederatedObject), with the other inputs;
    // these are the checks only a FederatedResource makes.
    if (t.kind === "Namespace" && t.apiVersion === "v1") {
        issues.push({ severity: "error", field: "template.kind", message: "Namespaces are federated with FederatedNamespace, which resources can then be placed in" });
    }
    if (ns) {
        const nsName = t.metadata?.namespace;
        if (nsName !== undefined && nsName !== ns.namespaceName) {
            issues.push({ severity: "error", field: "template.metadata.namespace",
                message: `is "${nsName}" but namespace is the federated namespace "${ns.namespaceName}"; drop metadata.namespace or make them equal` });
        }
    }
    // Checked here, before the copy below: JSON turns NaN into null, which the core would take for "unset".
    const rp = t.spec !== null && typeof t.spec === "object" ? replicasProblem((t.spec as { replicas?: unknown }).replicas) : undefined;
    if (rp) issues.push({ severity: "error", field: "template.spec.replicas", message: `${rp}; fix the template (or leave spec.replicas out)` });
    if (rsp && !SCALABLE.has(`${t.apiVersion}/${t.kind}`)) {
        issues.push({ severity: "error", field: "replicaScheduling",
            message: `applies to apps/v1 Deployment, ReplicaSet or StatefulSet, not ${t.apiVersion} ${t.kind}; remove it or federate a scalable workload` });
    }
    assertValid(subject, issues);
    const copy = JSON.parse(JSON.stringify(t)) as KubernetesObject;
    if (ns && copy.metadata && typeof copy.metadata === "object") copy.metadata.namespace = ns.namespaceName;
    return copy;
}

/**
 * Override entries with Outputs in their values replaced by placeholders. Which clusters and paths are
 * overridden must be plain (the decision records them), and so must label values (policies judge them).
 */
function takeOverrideOutputs(overrides: ClusterOverride[] | undefined, slots: OutputSlots, issues: ValidationIssue[]): ClusterOverride[] | undefined {
    if (overrides === undefined || overrides === null) return overrides;
    const why = "which clusters and paths are overridden is part of the decision shown at preview";
    if (!Array.isArray(overrides)) {
        refuseOutputs(overrides, "overrides", why, issues);
        return overrides;
    }
    return overrides.map((o, i) => {
        const f = `overrides[${i}]`;
        if (!o || typeof o !== "object" || pulumi.Output.isInstance(o)) {
            refuseOutputs(o, f, why, issues);
            return o;
        }
        refuseOutputs(o.clusterName, `${f}.clusterName`, why, issues);
        refuseOutputs(o.clusterSelector, `${f}.clusterSelector`, why, issues);
        refuseOutputs(o.imageOverrides, `${f}.imageOverrides`, "the images each cluster runs are part of the decision and what the registry policy judges (to send an image from an Output, override the image path with clusterOverrides)", issues);
        if (!Array.isArray(o.clusterOverrides)) {
            refuseOutputs(o.clusterOverrides, `${f}.clusterOverrides`, why, issues);
            return o;
        }
        return {
            ...o,
            clusterOverrides: o.clusterOverrides.map((op, j) => {
                const g = `${f}.clusterOverrides[${j}]`;
                if (!op || typeof op !== "object" || pulumi.Output.isInstance(op)) {
                    refuseOutputs(op, g, why, issues);
                    return op;
                }
                refuseOutputs(op.op, `${g}.op`, why, issues);
                refuseOutputs(op.path, `${g}.path`, why, issues);
                const labels = typeof op.path === "string" && (op.path === "/metadata" || op.path.startsWith("/metadata/labels"));
                // An Output at /spec/replicas (or a /spec holding it) would be counted as running wherever it lands.
                const replicasAt = (p: string) => op.path === "/spec/replicas" ? p === `${g}.value`
                    : op.path === "/spec" && (p === `${g}.value` || p === `${g}.value.replicas`);
                const value = takeOutputs(op.value, `${g}.value`, slots, issues,
                    p => (labels ? "labels are what placement and residency policies judge" : replicasAt(p) ? REPLICAS_WHY : undefined));
                return op.value === undefined ? { ...op } : { ...op, value };
            }),
        };
    });
}

/** The recorded decision of a FederatedResource / FederatedNamespace: built by the core, as for every kind. */
export function summarize(template: KubernetesObject, members: MemberCluster[], plan: FederatedObjectPlan,
                          args: FederationOptions & { retainReplicas?: boolean; namespace?: FederatedNamespaceLike },
                          rsp: ReplicaSchedulingSpec | undefined, outputPaths: string[] = []): DecisionSummary {
    return summarizeObjectPlan(template as unknown as Record<string, unknown>, plan, {
        // named clusters (placed or not), and the placed clusters a selector matches
        overrideClusters: overrideTargets(args.overrides, clusterInfos(members), plan.clusters),
        orphanOnDelete: !!args.orphanOnDelete, retainReplicas: !!args.retainReplicas, waitForReady: args.waitForReady !== false,
        namespaced: args.namespace !== undefined, replicaScheduling: rsp, spreadConstraints: args.placement?.spreadConstraints, outputPaths,
    });
}

/** Whether the one-line decision is printed: the component option, else stack config, else env, else on. */
export function decisionLogEnabled(option: boolean | undefined): boolean {
    if (option !== undefined) return option;
    const fromConfig = new pulumi.Config("pulumi-kubefed").getBoolean("decisionLog");
    if (fromConfig !== undefined) return fromConfig;
    const env = (process.env.PULUMI_KUBEFED_DECISION_LOG ?? "").trim().toLowerCase();
    return !["false", "0", "off", "no"].includes(env);
}

/**
 * Prints the decision as one info diagnostic on the component (shown under it in preview and up output).
 *
 * It shows the decision this run will apply, not how it differs from the last one: the program never sees the
 * previous state. The engine diffs the component's recorded inputs (the decision) against the old state only
 * after the program has registered them, and hands nothing back. The alternatives are not robust: a
 * StackReference to the stack itself adds a resource to every stack and sees only stack outputs of the last
 * *completed* update (stale after a failed or partial one, and only what the user chose to export); reading the
 * checkpoint needs backend credentials and can race the update's own writes. So the change ("c2 5 → 3", "+c4",
 * "−c1 (selector)") is computed where both sides are known: `pulumi-kubefed plan` reads the old and new recorded
 * decision of every component from `pulumi preview --json`.
 */
function logDecision(resource: pulumi.Resource, name: string, decision: DecisionSummary, option: boolean | undefined): void {
    if (!decisionLogEnabled(option)) return;
    pulumi.log.info(decisionLine(name, decision), resource);
}

/** What {@link emit} created. */
export interface Emitted {
    resources: Record<string, pulumi.CustomResource>;
    /** The object sent per cluster: plain, or an Output when Outputs were put back into it. */
    objects: Record<string, pulumi.Input<Record<string, unknown>>>;
    /** The key the object is tracked under by the members' read-backs (absent when neither status nor orphan mode). */
    statusKey?: string;
    orphanGuard?: OrphanGuard;
}

/**
 * Emit one object per placed cluster, each with its member's provider, and register it with that member's
 * read-back (status, drift and, in orphan mode, unlabelling instead of deletion), which runs after the objects.
 */
export function emit(parent: pulumi.ComponentResource, name: string, members: MemberCluster[], plan: FederatedObjectPlan, o: {
    orphanOnDelete: boolean; waitForReady: boolean; retainReplicas: boolean; status: boolean; forceOwnership: boolean;
    dependsOnPerCluster?: Record<string, pulumi.CustomResource>;
    /** More resources each cluster's object waits for (a rollout's previous wave gate). */
    extraDependsOn?: Record<string, pulumi.Resource[]>;
    /** Create the orphan-mode marker (default true; false when adding clusters to an emitted object). */
    orphanGuard?: boolean;
    /** Outputs taken out of the template/overrides, put back into each member's object. */
    outputs?: OutputSlots;
    /** The `spec.replicas` each member is sent (replica scheduling with failover): a number, or an Output when it
     *  follows the library's own readiness probe. */
    replicas?: (cluster: string) => pulumi.Input<number>;
}): Emitted {
    const byName = new Map(members.map(m => [m.clusterName, m]));
    const out: Record<string, pulumi.CustomResource> = {};
    const objects: Record<string, pulumi.Input<Record<string, unknown>>> = {};
    const keepReplicas = (_c: string) => o.retainReplicas;
    // A sharded stack emits (and reads back) only the member objects it holds; the decision above is the full one.
    const clusters = plan.clusters.filter(c => emitsIn(parent, c));
    for (const cluster of clusters) {
        const member = byName.get(cluster)!;
        const obj = JSON.parse(JSON.stringify(plan.objects[cluster])) as KubernetesObject;
        if (!o.waitForReady) obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), "pulumi.com/skipAwait": "true" };
        if (o.forceOwnership) obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), "pulumi.com/patchForce": "true" };
        // Outputs go back in as nested inputs, so each keeps its own secretness and shows as computed in preview.
        const sent = o.replicas?.(cluster);
        const spec = obj.spec !== null && typeof obj.spec === "object" && !Array.isArray(obj.spec) ? obj.spec as Record<string, unknown> : undefined;
        if (spec && typeof sent === "number") spec.replicas = sent;
        let restored = o.outputs ? restoreOutputs(obj, o.outputs) : { value: obj, hasOutputs: false };
        if (spec && sent !== undefined && typeof sent !== "number") {
            const v = restored.value as KubernetesObject;
            restored = { value: { ...v, spec: { ...(v.spec as Record<string, unknown>), replicas: sent } }, hasOutputs: true };
        }
        objects[cluster] = restored.hasOutputs ? pulumi.output(restored.value) as unknown as pulumi.Output<Record<string, unknown>> : obj;
        const Ctor = resourceClassFor(obj.apiVersion, obj.kind);
        const dep = ownEntry(o.dependsOnPerCluster, cluster);
        const deps: pulumi.Resource[] = [...(dep ? [dep] : []), ...(ownEntry(o.extraDependsOn, cluster) ?? [])];
        out[cluster] = new Ctor(childName(name, cluster), restored.value, {
            parent,
            provider: member.provider,
            ...(deps.length > 0 ? { dependsOn: deps } : {}),
            ...(o.orphanOnDelete ? { retainOnDelete: true } : {}),
            // retainReplicas: the member's own spec.replicas (HPA). A member failover found not ready is not left
            // alone this way but by what it is sent (see replicasSent): this option must be known before the probe.
            ...(keepReplicas(cluster) ? { ignoreChanges: ["spec.replicas"] } : {}),
        });
    }
    const t = clusters.length > 0 ? plan.objects[clusters[0]] as unknown as KubernetesObject : undefined;
    const emitted: Emitted = { resources: out, objects };
    if (!t || (!o.status && !o.orphanOnDelete)) return emitted;
    const target = { apiVersion: t.apiVersion, kind: t.kind, name: t.metadata.name,
        ...(t.metadata.namespace !== undefined ? { namespace: t.metadata.namespace } : {}) };
    const keys = new Set<string>();
    for (const c of clusters) {
        const tracked = {
            target,
            desired: objects[c],
            ...(o.orphanOnDelete ? { orphan: true } : {}),
            // retainReplicas leaves replicas to the member (HPA), so they are not part of what must match
            ...(keepReplicas(c) ? { ignore: ["/spec/replicas"] } : {}),
            ...(o.status ? {} : { observe: false }),
        };
        // values from Outputs may be secrets: then the read-back keeps this desired object in its secret property
        const desired = objects[c];
        const secret = t.kind === "Secret" ? true
            : pulumi.Output.isInstance(desired) ? pulumi.isSecret(desired as pulumi.Output<unknown>) : false;
        keys.add(byName.get(c)!.__tracker.track({ name, tracked, secret, resource: out[c] }));
    }
    emitted.statusKey = [...keys].sort()[0];
    if (o.orphanOnDelete && o.orphanGuard !== false) {
        emitted.orphanGuard = new OrphanGuard(`${name}-orphan`, { target, clusters }, { parent, dependsOn: Object.values(out) });
    }
    return emitted;
}

/**
 * Places a federated dependency in more clusters because a `follow` workload runs there: the object is planned
 * again over its clusters plus `extra` (same template, overrides and namespace) and only the new clusters' member
 * objects are emitted, as children of the dependency with the usual `<name>-<cluster>` names.
 */
function growDependency(parent: pulumi.ComponentResource, name: string, subject: string, members: MemberCluster[],
                        p: { template: KubernetesObject; overrides?: ClusterOverride[]; namespace?: FederatedNamespaceLike },
                        current: string[], extra: string[], by: string,
                        o: Parameters<typeof emit>[4]): Emitted & { plan: FederatedObjectPlan } {
    const wanted = [...new Set([...current, ...extra])].sort();
    const plan = planFor(subject, {
        template: p.template, members, placement: { clusters: wanted.map(c => ({ name: c })) }, overrides: p.overrides,
        namespacePlacement: p.namespace ? (p.namespace.placement ?? null) : undefined,
    });
    const placed = new Set(plan.clusters);
    const blocked = extra.filter(c => !placed.has(c));
    if (blocked.length > 0) {
        throw new Error(`${subject}: ${by} needs it in cluster(s) ${blocked.join(", ")}, where its federated namespace ` +
            `"${p.namespace?.namespaceName}" is not placed; place the namespace there or change the workload's placement`);
    }
    const add = extra.filter(c => !current.includes(c)).sort();
    claimChildNames(subject, name, add);
    const sub: FederatedObjectPlan = {
        ...plan, clusters: add,
        objects: Object.fromEntries(add.map(c => [c, plan.objects[c]])),
        overridesApplied: Object.fromEntries(add.map(c => [c, ownEntry(plan.overridesApplied, c) ?? []])),
    };
    pulumi.log.info(`${subject}: also placed in ${add.join(", ")}, where ${by} runs (dependencies: "follow")`, parent);
    return { ...emit(parent, name, members, sub, { ...o, orphanGuard: false }), plan };
}
