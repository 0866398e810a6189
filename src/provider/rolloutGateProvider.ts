/**
 * The implementation behind `RolloutGate` (src/resources/rolloutGate.ts): on create and update, waits until the federated object
 * is ready in every cluster of one rollout wave, or fails after the wave's timeout with a message naming the wave,
 * the resource, the clusters and why they are not ready. Later waves depend on the gate, so a failed gate stops the
 * rollout and they keep their previous version. An ordinary module, required by the loader stored in state.
 */
import { KubeClient, ObjectRef, connectAsync } from "../member/client";
import { asMapping, containsUnknown, jsonEqual, plain } from "../member/json";
import { readObjectWith } from "../member/objects";
import { matchLabelsSelector } from "../member/pods";
import { readinessOf } from "../member/readiness";

/** Engine-side inputs. */
export interface GateInputs {
    providerVersion?: string;
    /** The federated resource, as users name it: `FederatedResource web (Deployment default/web)`. */
    resource: string;
    wave: string;
    /** Waves after this one (for the message: they keep their previous version). */
    laterWaves: string[];
    target: ObjectRef;
    /** Clusters of this wave, sorted. */
    clusters: string[];
    /** Per cluster: kubeconfig and context. Secret. */
    members: Record<string, { kubeconfig: string; context?: string }>;
    /** Digest of what this wave's member objects were sent: a new one re-runs the gate. */
    revision: string;
    timeoutSeconds: number;
    /** Poll interval in milliseconds; default 2000. */
    pollMs?: number;
}

function gateInputsOf(v: Record<string, unknown>): GateInputs {
    return plain({
        providerVersion: v.providerVersion as string | undefined,
        resource: String(v.resource ?? ""),
        wave: String(v.wave ?? ""),
        laterWaves: Array.isArray(v.laterWaves) ? v.laterWaves.map(String) : [],
        target: v.target as ObjectRef,
        clusters: Array.isArray(v.clusters) ? v.clusters.map(String).sort() : [],
        members: (v.members ?? {}) as GateInputs["members"],
        revision: String(v.revision ?? ""),
        timeoutSeconds: typeof v.timeoutSeconds === "number" ? v.timeoutSeconds : 600,
        ...(typeof v.pollMs === "number" ? { pollMs: v.pollMs } : {}),
    });
}

/** What decides whether the gate runs again; credentials are left out (rotating them rolls nothing out). */
function decisive(i: GateInputs): unknown {
    return { providerVersion: i.providerVersion, resource: i.resource, wave: i.wave, target: i.target, clusters: i.clusters,
        revision: i.revision, timeoutSeconds: i.timeoutSeconds };
}

/** The fields of a live workload the gate reads. */
export type LiveWorkload = {
    metadata?: { generation?: number };
    spec?: { replicas?: number; updateStrategy?: { type?: string } };
    status?: {
        observedGeneration?: number; replicas?: number; readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number;
        desiredNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number;
        currentRevision?: string; updateRevision?: string; conditions?: { type?: string; status?: string; reason?: string }[];
    };
};

/** The fields of a live pod the gate reads. */
export type LivePod = {
    metadata?: { name?: string; deletionTimestamp?: string };
    status?: {
        conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
        containerStatuses?: { name?: string; state?: { waiting?: { reason?: string; message?: string } } }[];
        initContainerStatuses?: { name?: string; state?: { waiting?: { reason?: string; message?: string } } }[];
    };
};

/**
 * Whether a live workload runs the version last applied, and if not, why (short phrases). Ready per `readinessOf`
 * (generation observed, ready/available/updated replicas reach `spec.replicas`, DaemonSet pods ready, no failing
 * condition), and no pod of an older version left (`status.replicas` above `updatedReplicas`).
 */
export function rolloutReadiness(live: LiveWorkload): { ready: boolean; why: string[] } {
    const r = readinessOf(live);
    const st = live.status ?? {};
    const why: string[] = [];
    if (r.generation !== undefined && (r.observedGeneration === undefined || r.observedGeneration < r.generation)) {
        if (r.observedGeneration !== undefined || r.replicas !== undefined) why.push(`generation ${r.generation} not observed yet`);
    }
    if (r.replicas !== undefined) {
        const want = r.replicas;
        if ((r.updatedReplicas ?? 0) < want && st.updatedReplicas !== undefined) why.push(`${r.updatedReplicas ?? 0}/${want} replicas updated`);
        if ((r.readyReplicas ?? 0) < want) why.push(`${r.readyReplicas ?? 0}/${want} replicas ready`);
        if (st.availableReplicas !== undefined && (r.availableReplicas ?? 0) < want) why.push(`${r.availableReplicas ?? 0}/${want} available`);
        if (typeof st.replicas === "number" && typeof st.updatedReplicas === "number" && st.replicas > st.updatedReplicas) {
            why.push(`${st.replicas - st.updatedReplicas} replica(s) of the previous version still running`);
        }
    }
    if (typeof st.desiredNumberScheduled === "number" && (st.numberReady ?? 0) < st.desiredNumberScheduled) {
        why.push(`${st.numberReady ?? 0}/${st.desiredNumberScheduled} daemon pods ready`);
    }
    if (typeof st.desiredNumberScheduled === "number" && typeof st.updatedNumberScheduled === "number" && st.updatedNumberScheduled < st.desiredNumberScheduled) {
        why.push(`${st.updatedNumberScheduled}/${st.desiredNumberScheduled} daemon pods updated`);
    }
    if (typeof st.updateRevision === "string" && typeof st.currentRevision === "string" && st.updateRevision !== st.currentRevision
        && live?.spec?.updateStrategy?.type !== "OnDelete") {
        why.push(`revision ${st.updateRevision} not rolled out yet`);
    }
    for (const c of r.conditions) {
        if ((c.type === "Ready" || c.type === "Available") && c.status !== "True") why.push(`${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`);
        if (c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded") why.push("ProgressDeadlineExceeded");
    }
    const ready = r.ready && why.length === 0;
    if (!ready && why.length === 0) why.push("not ready");
    return { ready, why };
}

/** Why the workload's pods do not run: the first unschedulable or waiting reason found, e.g. `pod web-1: Unschedulable: 0/2 nodes...`. */
export function podProblems(pods: LivePod[]): string[] {
    const out: string[] = [];
    for (const p of pods ?? []) {
        const name = p?.metadata?.name ?? "?";
        if (p?.metadata?.deletionTimestamp) continue;
        for (const c of p?.status?.conditions ?? []) {
            if (c?.type === "PodScheduled" && c.status === "False") out.push(`pod ${name}: ${c.reason ?? "not scheduled"}${c.message ? `: ${String(c.message).slice(0, 200)}` : ""}`);
        }
        for (const cs of [...(p?.status?.initContainerStatuses ?? []), ...(p?.status?.containerStatuses ?? [])]) {
            const w = cs?.state?.waiting;
            if (w?.reason && w.reason !== "ContainerCreating" && w.reason !== "PodInitializing") {
                out.push(`pod ${name}: container ${cs.name} ${w.reason}${w.message ? `: ${String(w.message).slice(0, 200)}` : ""}`);
            }
        }
    }
    return [...new Set(out)].sort().slice(0, 3);
}

/** One look at the wave: per cluster, undefined when ready, else why not. Never throws. */
async function lookAtWave(i: GateInputs, clients: Map<string, KubeClient>): Promise<Record<string, string | undefined>> {
    const out: Record<string, string | undefined> = {};
    await Promise.all(i.clusters.map(async c => {
        const m = i.members[c];
        if (!m) {
            out[c] = "no credentials for this member";
            return;
        }
        let client = clients.get(c);
        if (!client) {
            try {
                client = await connectAsync(m.kubeconfig, m.context || undefined);
                clients.set(c, client);
            } catch (e) {
                out[c] = `kubeconfig problem: ${String((e as Error).message ?? e)}`;
                return;
            }
        }
        const obs = await readObjectWith(client, c, i.target, 10_000);
        if (obs.outcome !== "found") {
            out[c] = obs.outcome === "notFound" ? "the object does not exist" : `${obs.outcome}${"error" in obs && obs.error ? `: ${obs.error}` : ""}`;
            return;
        }
        const r = rolloutReadiness(obs.live as LiveWorkload);
        if (r.ready) {
            out[c] = undefined;
            return;
        }
        const why = [...r.why];
        const sel = matchLabelsSelector(obs.live);
        if (sel && i.target.namespace) {
            try {
                const res = await client.request("GET", `/api/v1/namespaces/${encodeURIComponent(i.target.namespace)}/pods?labelSelector=${encodeURIComponent(sel)}`,
                    undefined, { timeoutMs: 10_000 });
                const items = asMapping(res.body)?.items;
                if (res.status === 200 && Array.isArray(items)) why.push(...podProblems(items as LivePod[]));
            } catch {
                // the object's own status says enough
            }
        }
        out[c] = why.join("; ");
    }));
    return out;
}

/** Waits for the wave; throws the rollout-stopping message at the timeout. */
export async function awaitWave(i: GateInputs): Promise<void> {
    const deadline = Date.now() + i.timeoutSeconds * 1000;
    const clients = new Map<string, KubeClient>();
    for (;;) {
        const seen = await lookAtWave(i, clients);
        const waiting = i.clusters.filter(c => seen[c] !== undefined);
        if (waiting.length === 0) return;
        if (Date.now() >= deadline) {
            const ref = `${i.target.kind} ${i.target.namespace ? `${i.target.namespace}/` : ""}${i.target.name}`;
            const later = i.laterWaves.length > 0 ? ` The rollout stopped: later wave(s) ${i.laterWaves.map(w => `"${w}"`).join(", ")} keep their previous version.` : "";
            throw new Error(`rollout wave "${i.wave}" of ${i.resource} did not become ready within ${i.timeoutSeconds}s ` +
                `in cluster(s) ${waiting.join(", ")} (wave: ${i.clusters.join(", ")}): ` +
                waiting.map(c => `${c}: ${ref} ${seen[c]}`).join("; ").replace(/\.+$/, "") + `.${later} Fix the object (or raise rollout.timeoutSeconds) and run up again.`);
        }
        await new Promise(r => setTimeout(r, Math.min(i.pollMs ?? 2000, Math.max(0, deadline - Date.now()))));
    }
}

function idOf(i: GateInputs): string {
    return `${i.target.apiVersion}:${i.target.kind}:${i.target.namespace ? `${i.target.namespace}/` : ""}${i.target.name}:${i.wave}`;
}

export const rolloutGateProvider = {
    diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const n = decisive(gateInputsOf(news));
        if (containsUnknown(n)) return { changes: true };
        return { changes: !jsonEqual(decisive(gateInputsOf(olds)), n) };
    },
    create: async (inputs: Record<string, unknown>) => {
        const i = gateInputsOf(inputs);
        await awaitWave(i);
        return { id: idOf(i), outs: i };
    },
    update: async (_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const i = gateInputsOf(news);
        await awaitWave(i);
        return { outs: i };
    },
    read: async (id: string, props: Record<string, unknown>) => ({ id, props: gateInputsOf(props), inputs: gateInputsOf(props) }),
    delete: async () => {
        // nothing: the gate holds no object of its own
    },
};
