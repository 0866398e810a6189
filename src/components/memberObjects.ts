/**
 * A federated object's member objects: {@link emit} creates one per placed cluster through its member's provider and
 * registers it with that member's read-back; {@link growDependency} adds clusters a `follow` workload pulls a
 * dependency into; {@link replicasSent} is what each member's `spec.replicas` is.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterOverride, FederatedObjectDecision } from "../core";
import { ownEntry } from "../core/ownProperties";
import { orphanMarker } from "../compat/components";
import type { OrphanGuard } from "../resources/orphanGuard";
import type { FederatedNamespaceLike, KubernetesObject } from "./federationTypes";
import { OutputSlots, restoreOutputs } from "./inputs";
import type { MemberCluster } from "./memberCluster";
import type { MemberList } from "./memberList";
import { childName, claimChildNames } from "./names";
import type { ReadBackRegistry } from "./readBacks";
import { resourceClassFor } from "./resourceClass";
import { planFor } from "./resourcePlan";
import { emitsIn } from "./shard";

/** What {@link emit} created. */
export interface Emitted {
    resources: Record<string, pulumi.CustomResource>;
    /** The object sent per cluster: plain, or an Output when Outputs were put back into it. */
    objects: Record<string, pulumi.Input<Record<string, unknown>>>;
    /** The key the object is tracked under by the members' read-backs (absent when neither status nor orphan mode). */
    statusKey?: string;
    orphanGuard?: OrphanGuard;
}

/** How {@link emit} sends and registers member objects. */
export interface EmitOptions {
    orphanOnDelete: boolean; waitForReady: boolean; retainReplicas: boolean; status: boolean; forceOwnership: boolean;
    /** Where the objects go to be read back: the registry the component took when it was constructed (readBacks.ts). */
    readBacks: ReadBackRegistry;
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
}

/**
 * Emit one object per placed cluster, each with its member's provider, and register it with that member's
 * read-back (status, drift and, in orphan mode, unlabelling instead of deletion), which runs after the objects.
 */
export function emit(parent: pulumi.ComponentResource, name: string, members: MemberCluster[], plan: FederatedObjectDecision, o: EmitOptions): Emitted {
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
        keys.add(o.readBacks.of(byName.get(c)!).track({ name, tracked, secret, resource: out[c] }));
    }
    emitted.statusKey = [...keys].sort()[0];
    if (o.orphanOnDelete && o.orphanGuard !== false) {
        // kept for stacks from 0.1, whose guards would unlabel objects still federated if deleted: see compat/components.ts
        emitted.orphanGuard = orphanMarker(parent, name, target, clusters, Object.values(out));
    }
    return emitted;
}

/**
 * Places a federated dependency in more clusters because a `follow` workload runs there: the object is planned
 * again over its clusters plus `extra` (same template, overrides and namespace) and only the new clusters' member
 * objects are emitted, as children of the dependency with the usual `<name>-<cluster>` names.
 */
export function growDependency(parent: pulumi.ComponentResource, name: string, subject: string, list: MemberList,
                               p: { template: KubernetesObject; overrides?: ClusterOverride[]; namespace?: FederatedNamespaceLike },
                               current: string[], extra: string[], by: string, o: EmitOptions): Emitted & { plan: FederatedObjectDecision } {
    const wanted = [...new Set([...current, ...extra])].sort();
    const plan = planFor(subject, {
        template: p.template, infos: list.infos, placement: { clusters: wanted.map(c => ({ name: c })) }, overrides: p.overrides,
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
    const sub: FederatedObjectDecision = {
        ...plan, clusters: add,
        objects: Object.fromEntries(add.map(c => [c, plan.objects[c]])),
        overridesApplied: Object.fromEntries(add.map(c => [c, ownEntry(plan.overridesApplied, c) ?? []])),
    };
    pulumi.log.info(`${subject}: also placed in ${add.join(", ")}, where ${by} runs (dependencies: "follow")`, parent);
    return { ...emit(parent, name, list.members, sub, { ...o, orphanGuard: false }), plan };
}

/**
 * The replicas member `c` is sent. A member that failover found not ready is sent what it would run with every
 * member ready (the decision records 0 for it): that is what it was sent while it was ready, so no step touches
 * it while it is down (and with `unreachable: "skip"` nothing fails), its pods are left as they are, and when it is
 * back the next plan gives it that share again. This replaces `ignoreChanges: ["spec.replicas"]`, which a resource
 * option must know when the object is constructed, before the probe.
 */
export function replicasSent(p: FederatedObjectDecision, c: string): number {
    if (p.failover && p.failover.notReady.includes(c)) {
        const n = ownEntry(p.failover.replicasIfReady, c);
        if (n !== undefined) return n;
    }
    return ((p.objects[c] as { spec?: { replicas?: number } }).spec?.replicas) ?? 0;
}
