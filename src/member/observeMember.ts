/**
 * Reading a member: KubeFed's health probe (docs/semantics.md#health) and, for every object tracked by its
 * read-back, the propagation status and drift (docs/semantics.md#propagation-status). The read-back provider calls
 * it on create, update and refresh; the CLI (`status --live`) and the program's readiness probe call it directly.
 */
import { KubeClient, ObjectRef, connectAsync, describeHttpError } from "./client";
import { ClusterCondition, ProbeResult, healthConditions, isReadyConditions, probeIsReady } from "./health";
import { asMapping, plain } from "./json";
import { readObjects } from "./objects";
import { ClusterObservation, ClusterPropagationStatus, clusterPropagationStatus } from "./propagation";
import { ObjectStatus, ReadBackInputs, ReadBackOutputs, allObjects, storedInputs } from "./readBackState";

function targetText(t: ObjectRef): string {
    return `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
}

function now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Removes the drift entries under the ignored pointers. */
function withoutIgnored(s: ClusterPropagationStatus, ignore: string[] | undefined): ClusterPropagationStatus {
    if (!ignore || ignore.length === 0 || s.drifted.length === 0) return s;
    const drifted = s.drifted.filter((p) => !ignore.some((i) => p === i || p.startsWith(`${i}/`)));
    if (drifted.length === s.drifted.length) return s;
    const out = { ...s, drifted };
    if (s.status === "Drifted" && drifted.length === 0) {
        out.status = "";
        out.message = "";
    } else if (s.status === "Drifted") {
        out.message = `fields differ from what was sent: ${drifted.join(", ")}`;
    }
    return out;
}

function problemLines(clusterName: string, health: { ready: boolean; conditions: ClusterCondition[] },
                      status: Record<string, ObjectStatus>): string[] {
    const lines: string[] = [];
    if (!health.ready) {
        const c = health.conditions.find((x) => x.status === "True") ?? health.conditions[0];
        lines.push(`(cluster ${clusterName}): ${c ? c.type : "NotReady"}`);
    }
    for (const k of Object.keys(status).sort()) {
        const s = status[k];
        if (!s.status) continue;
        const detail = s.status === "Drifted" ? ` ${s.drifted.join(" ")}` : "";
        lines.push(`${k} (${targetText(s.target)}): ${s.status}${detail}`);
    }
    return lines;
}

/**
 * Probes the member and reads every tracked object. Never throws for cluster problems: they are reported.
 * `previous` carries condition timestamps and the last known version forward.
 */
export async function observeMember(inputs: ReadBackInputs, previous?: Partial<ReadBackOutputs>, raw?: Record<string, unknown>): Promise<Omit<ReadBackOutputs, "accepted">> {
    const at = now();
    const objects = allObjects(inputs);
    const keys = Object.keys(objects).filter((k) => objects[k].observe !== false);
    let version = typeof previous?.kubernetesVersion === "string" ? previous.kubernetesVersion : "";
    let client: KubeClient | undefined;
    let probe: ProbeResult;
    try {
        // async: an exec credential plugin runs without blocking the other members' reads (time-boxed in execCredentials.ts)
        client = await connectAsync(inputs.kubeconfig, inputs.context || undefined);
        probe = { kind: "responded", body: "ok" };
    } catch (e) {
        probe = { kind: "malformed", error: String((e as Error).message ?? e) };
    }
    if (client) {
        try {
            const res = await client.request("GET", "/healthz", undefined, { timeoutMs: 3000 });
            probe = res.status >= 200 && res.status < 300
                ? { kind: "responded", body: res.text }
                : { kind: "unreachable", error: `GET /healthz: ${describeHttpError(res)}` };
        } catch (e) {
            // a kubeconfig whose credential plugin fails is malformed, not offline
            probe = (e as { kubeconfigError?: boolean }).kubeconfigError
                ? { kind: "malformed", error: String((e as Error).message ?? e) }
                : { kind: "unreachable", error: String((e as Error).message ?? e) };
        }
        if (probeIsReady(probe) && inputs.health) {
            try {
                const v = await client.request("GET", "/version", undefined, { timeoutMs: 3000 });
                const gitVersion = asMapping(v.body)?.gitVersion;
                if (v.status === 200 && typeof gitVersion === "string") version = gitVersion;
            } catch {
                // keep the previous version
            }
        }
    }
    const conditions = healthConditions(probe, at, previous?.conditions);
    const ready = isReadyConditions(conditions);
    const status: Record<string, ObjectStatus> = {};
    let observations: ClusterObservation[];
    if (probe.kind === "malformed") {
        observations = keys.map(() => ({ name: inputs.clusterName, outcome: "configError", error: (probe as { error: string }).error }));
    } else if (!ready || !client) {
        // an offline member: every object is ClusterNotReady without another timeout per object
        observations = keys.map(() => ({ name: inputs.clusterName, outcome: "unreachable", error: "the cluster is not ready" }));
    } else {
        observations = await readObjects(client, inputs.clusterName, keys.map((k) => objects[k].target));
    }
    keys.forEach((k, i) => {
        const t = objects[k];
        const { name: _name, ...entry } = withoutIgnored(clusterPropagationStatus(observations[i], t.desired), t.ignore);
        status[k] = { target: t.target, ...(t.source ? { source: t.source } : {}), ...entry };
    });
    return plain({
        ...storedInputs(inputs, raw),
        conditions,
        ready,
        kubernetesVersion: version,
        status,
        problems: problemLines(inputs.clusterName, { ready, conditions }, status),
        observedAt: at,
    });
}
