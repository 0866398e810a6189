import * as pulumi from "@pulumi/pulumi";
import * as kube from "./kube";
import * as st from "./status";
import type { ClusterCondition } from "./status";

// Rebound as plain functions so the closure serializer captures them by value instead of capturing the local
// modules (a module reference becomes `require("<path>")`, which fails once this package is installed, because
// package.json "exports" does not expose dist/src/dynamic/*). See src/dynamic/README.md.
const { connect, describeHttpError } = kube;
const { containsUnknown, jsonEqual, plain, healthConditions, isReadyConditions, probeIsReady } = st;

/** Inputs of {@link ClusterHealth}. */
export interface ClusterHealthArgs {
    /** Cluster name (KubeFedCluster name). Also the resource ID. */
    clusterName: string;
    /** Kubeconfig text (or the path of a kubeconfig file). Always stored as a secret. */
    kubeconfig: pulumi.Input<string>;
    /** Context in the kubeconfig; default: its current context. */
    context?: pulumi.Input<string>;
}

/** Engine-side inputs (after `check`). */
interface HealthInputs {
    providerVersion?: string;
    clusterName: string;
    kubeconfig: string;
    context?: string;
}

/** Engine-side outputs. */
interface HealthOutputs extends HealthInputs {
    conditions: ClusterCondition[];
    ready: boolean;
    kubernetesVersion: string;
}

function healthInputsOf(v: Record<string, any>): HealthInputs { // eslint-disable-line @typescript-eslint/no-explicit-any
    const out: HealthInputs = { clusterName: v.clusterName, kubeconfig: v.kubeconfig };
    if (v.providerVersion !== undefined) out.providerVersion = v.providerVersion;
    if (v.context !== undefined && v.context !== null && v.context !== "") out.context = v.context;
    return out;
}

function probeTime(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** One KubeFed health probe (§6.2): `GET /healthz` with a 3 s timeout, then `/version` when healthy. Never throws. */
async function probeCluster(inputs: HealthInputs, previous?: Partial<HealthOutputs>): Promise<HealthOutputs> {
    const now = probeTime();
    let probe: st.ProbeResult;
    let version = typeof previous?.kubernetesVersion === "string" ? previous.kubernetesVersion : "";
    let client: kube.KubeClient | undefined;
    try {
        client = connect(inputs.kubeconfig, inputs.context || undefined);
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
            probe = { kind: "unreachable", error: String((e as Error).message ?? e) };
        }
        if (probeIsReady(probe!)) {
            try {
                const v = await client.request("GET", "/version", undefined, { timeoutMs: 3000 });
                if (v.status === 200 && v.body && typeof v.body.gitVersion === "string") version = v.body.gitVersion;
            } catch {
                // keep the previous version
            }
        }
    }
    const conditions = healthConditions(probe!, now, previous?.conditions);
    return plain({ ...inputs, conditions, ready: isReadyConditions(conditions), kubernetesVersion: version });
}

/**
 * The provider of {@link ClusterHealth}. One module-level object of arrow functions with no state, so the SDK
 * serializes it once per process (its WeakMap cache is keyed by this object).
 */
export const clusterHealthProvider: pulumi.dynamic.ResourceProvider = {
    check: async (_olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const failures: pulumi.dynamic.CheckFailure[] = [];
        // unknown values (preview) arrive as the sentinel string and pass these checks
        if (typeof news.clusterName !== "string" || news.clusterName === "") failures.push({ property: "clusterName", reason: "must be a non-empty string" });
        if (typeof news.kubeconfig !== "string" || news.kubeconfig === "") failures.push({ property: "kubeconfig", reason: "must be a non-empty string" });
        return { inputs: healthInputsOf(news), failures };
    },
    diff: async (_id: string, olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const n = healthInputsOf(news);
        // unknown during preview: report a change, never probe with the sentinel
        const o = healthInputsOf(olds);
        // the cluster name is the ID: a new name is a new resource
        if (o.clusterName !== n.clusterName) return { changes: true, replaces: ["clusterName"] };
        if (containsUnknown(n)) return { changes: true };
        return { changes: !jsonEqual(o, n) };
    },
    create: async (inputs: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const outs = await probeCluster(healthInputsOf(inputs));
        return { id: outs.clusterName, outs };
    },
    update: async (_id: string, olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        return { outs: await probeCluster(healthInputsOf(news), olds) };
    },
    read: async (id: string, props: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const inputs = healthInputsOf(props);
        const outs = await probeCluster(inputs, props);
        return { id, props: outs, inputs };
    },
    delete: async () => {
        // nothing to clean up: a probe has no side effects
    },
};

/**
 * KubeFed's cluster health check (KubeFedCluster `status`, §6.2) as a resource: probes `GET /healthz` (3 s timeout)
 * and `/version` on create, update and `pulumi refresh`.
 *
 * - Outputs `conditions` (`Ready`/`Offline`/`ConfigMalformed` as KubeFed maps them), `ready` (some `Ready=True`) and
 *   `kubernetesVersion` (server `gitVersion`; the last known value is kept while the cluster is not ready).
 * - An unreachable cluster never fails create/update/refresh: it is reported `Offline=True`, `ready: false`.
 *   A non-2xx `/healthz` also counts as unreachable (client-go treats it as a request error).
 * - `diff` compares inputs only, so probes never show up as changes in `preview`; outputs are unknown during the
 *   preview of a create (dynamic providers cannot preview). Refresh to re-probe.
 * - The kubeconfig is a secret input and a secret output (`additionalSecretOutputs`); no credential reaches plain
 *   outputs (error texts never quote the kubeconfig).
 * - Type token: `pulumi-nodejs:dynamic/kubefed:ClusterHealth`; ID: the cluster name (a new name replaces it).
 */
export class ClusterHealth extends pulumi.dynamic.Resource {
    /** Cluster name. */
    declare readonly clusterName: pulumi.Output<string>;
    /** KubeFedCluster-style conditions from the last probe. */
    declare readonly conditions: pulumi.Output<ClusterCondition[]>;
    /** Whether the last probe found the cluster ready (`Ready=True`). */
    declare readonly ready: pulumi.Output<boolean>;
    /** Server `gitVersion` (e.g. `v1.36.3`), `""` until a ready probe. */
    declare readonly kubernetesVersion: pulumi.Output<string>;

    constructor(name: string, args: ClusterHealthArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            providerVersion: st.PROVIDER_VERSION,
            clusterName: args.clusterName,
            kubeconfig: pulumi.secret(args.kubeconfig),
            context: args.context,
            conditions: undefined,
            ready: undefined,
            kubernetesVersion: undefined,
        };
        super(clusterHealthProvider, name, props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfig"] }), "kubefed", "ClusterHealth");
    }
}
