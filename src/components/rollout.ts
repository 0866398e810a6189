import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { ClusterInfo, RolloutPlan, RolloutSpec, assertValid, planRollout, validateRollout } from "../core";
import { RolloutGate } from "../resources/rolloutGate";
import { stableStringify } from "../member/json";
import type { MemberCluster } from "./memberCluster";
import { claimRolloutGateNames, rolloutGateName } from "./names";
import { emitsIn } from "./shard";

/** Validates `rollout` against the members (throwing an error naming the component), plans the waves and claims
 *  the names of their gates for component `name` (before anything is registered, so a collision is refused at preview). */
export function rolloutPlanFor(subject: string, spec: RolloutSpec | undefined, members: MemberCluster[], placed: string[],
                               waitForReady: boolean | undefined, name: string): RolloutPlan | undefined {
    if (spec === undefined || spec === null) return undefined;
    const infos: ClusterInfo[] = members.map(m => ({ name: m.clusterName, labels: m.labels }));
    const issues = validateRollout(spec, infos, "rollout");
    if (waitForReady === false) {
        issues.push({ severity: "error", field: "waitForReady", message: "is false, but rollout waits for each wave to be ready before the next; remove waitForReady: false or the rollout" });
    }
    assertValid(subject, issues);
    const plan = planRollout(spec, infos, placed, "rollout");
    claimRolloutGateNames(subject, name, plan.waves.map(w => w.name));
    return plan;
}

/** The gates of a rollout and what the member objects of each cluster must depend on. */
export interface RolloutGates {
    gates: Record<string, RolloutGate>;
    /** cluster -> the gate of the previous wave (absent for the first wave). */
    dependsOn: Record<string, pulumi.Resource[]>;
    /** Hand over the emitted member objects and what each was sent, once emitted. */
    attach(resources: Record<string, pulumi.CustomResource>, objects: Record<string, pulumi.Input<Record<string, unknown>>>): void;
}

/**
 * One {@link RolloutGate} per wave, named `<name>-rollout-<wave>` (the wave's name is its stable key). Gate k
 * depends on wave k's member objects and waits until they are ready; wave k+1's member objects depend on gate k.
 * The gates are created before the member objects they wait for, so those come in through a promise.
 */
export function rolloutGates(parent: pulumi.Resource, name: string, subject: string, members: MemberCluster[],
                             plan: RolloutPlan, target: { apiVersion: string; kind: string; name: string; namespace?: string }): RolloutGates {
    const byName = new Map(members.map(m => [m.clusterName, m]));
    let give!: (v: { resources: Record<string, pulumi.CustomResource>; objects: Record<string, pulumi.Input<Record<string, unknown>>> }) => void;
    const emitted = new Promise<{ resources: Record<string, pulumi.CustomResource>; objects: Record<string, pulumi.Input<Record<string, unknown>>> }>(r => { give = r; });
    const gates: Record<string, RolloutGate> = {};
    const dependsOn: Record<string, pulumi.Resource[]> = {};
    // A sharded stack gates only the member objects it holds: waves are ordered within a shard, not across shards.
    const waves = plan.waves.map(w => ({ ...w, clusters: w.clusters.filter(c => emitsIn(parent, c)) })).filter(w => w.clusters.length > 0);
    waves.forEach((w, k) => {
        const sent = pulumi.output(emitted.then(e => {
            const pick: Record<string, pulumi.Input<Record<string, unknown>>> = {};
            for (const c of w.clusters) pick[c] = e.objects[c];
            return pick;
        }));
        // A digest of what the wave was sent: the gate waits again exactly when that changes (secret if any value is).
        const revision = sent.apply(o => createHash("sha256").update(stableStringify(o)).digest("hex"));
        const creds: Record<string, { kubeconfig: pulumi.Output<string>; context?: pulumi.Output<string> }> = {};
        for (const c of w.clusters) {
            const m = byName.get(c)!;
            creds[c] = { kubeconfig: m.kubeconfig, ...(m.context ? { context: m.context } : {}) };
        }
        const gate = new RolloutGate(rolloutGateName(name, w.name), {
            resource: subject, wave: w.name, laterWaves: waves.slice(k + 1).map(x => x.name), target,
            clusters: w.clusters, members: creds, revision, timeoutSeconds: plan.timeoutSeconds,
        }, { parent, dependsOn: emitted.then(e => w.clusters.map(c => e.resources[c] as pulumi.Resource)) as Promise<pulumi.Resource[]> });
        gates[w.name] = gate;
        const next = waves[k + 1];
        if (next) for (const c of next.clusters) dependsOn[c] = [gate];
    });
    return { gates, dependsOn, attach: (resources, objects) => give({ resources, objects }) };
}
