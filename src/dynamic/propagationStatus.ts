import * as pulumi from "@pulumi/pulumi";
import * as kube from "./kube";
import * as st from "./status";
import type { ClusterPropagationStatus, PropagationCondition } from "./status";

// Rebound as plain functions so the closure serializer captures them by value, not the local modules
// (see src/dynamic/README.md).
const { observeObject } = kube;
const { containsUnknown, jsonEqual, plain, clusterPropagationStatus, propagationCondition } = st;

/** The member object whose propagation is checked (the same in every cluster). */
export interface TargetRef {
    apiVersion: string;
    kind: string;
    /** Namespace of a namespaced object; default: the context's namespace, else `default`. */
    namespace?: string;
    name: string;
}

/** One member cluster of {@link PropagationStatus}. */
export interface PropagationClusterArgs {
    /** Kubeconfig text (or path). Always stored as a secret. */
    kubeconfig: pulumi.Input<string>;
    /** Kubeconfig context; default: its current context. */
    context?: pulumi.Input<string>;
    /** Exactly the object sent to this cluster (`FederatedResource.objects[cluster]`). */
    desired: pulumi.Input<Record<string, unknown>>;
}

/** Inputs of {@link PropagationStatus}. */
export interface PropagationStatusArgs {
    /** The object to check (plain: it decides the ID and whether desired objects are stored as secrets). */
    target: TargetRef;
    /** Keyed by cluster name. */
    clusters: Record<string, PropagationClusterArgs>;
    /** Store the desired objects as secrets (automatic for `kind: Secret`). */
    secretDesired?: boolean;
}

/** KubeFed-style `status` of a federated object, as read back from the members. */
export interface PropagationStatusStatus {
    /** `[{type: "Propagation", ...}]` (§4.8). */
    conditions: PropagationCondition[];
    /** One entry per cluster, sorted by name. */
    clusters: ClusterPropagationStatus[];
}

interface EngineInputs {
    providerVersion?: string;
    target: TargetRef;
    clusters: Record<string, { context?: string; desired: Record<string, unknown> }>;
    kubeconfigs: Record<string, string>;
}

function propagationInputsOf(v: Record<string, any>): EngineInputs { // eslint-disable-line @typescript-eslint/no-explicit-any
    // During preview a whole map can be the unknown sentinel (e.g. `pulumi.secret({...})` with one unknown member):
    // pass such values through untouched; `diff` then reports a change and nothing is called.
    let clusters: EngineInputs["clusters"] = v.clusters;
    if (v.clusters && typeof v.clusters === "object") {
        clusters = {};
        for (const name of Object.keys(v.clusters).sort()) {
            const c = v.clusters[name] ?? {};
            const e: { context?: string; desired: Record<string, unknown> } = { desired: c.desired ?? {} };
            if (c.context !== undefined && c.context !== null && c.context !== "") e.context = c.context;
            clusters[name] = e;
        }
    }
    let kubeconfigs: Record<string, string> = v.kubeconfigs;
    if (v.kubeconfigs && typeof v.kubeconfigs === "object") {
        kubeconfigs = {};
        for (const name of Object.keys(v.kubeconfigs).sort()) kubeconfigs[name] = v.kubeconfigs[name];
    }
    const out: EngineInputs = { target: v.target, clusters, kubeconfigs };
    if (v.providerVersion !== undefined) out.providerVersion = v.providerVersion;
    return out;
}

/** Reads the target in every cluster (in parallel) and builds the outputs. Never throws for cluster problems. */
async function observePropagation(inputs: EngineInputs, previous?: Record<string, any>): Promise<Record<string, unknown>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const names = Object.keys(inputs.clusters).sort();
    const entries = await Promise.all(names.map(async (name) => {
        const c = inputs.clusters[name];
        const kc = inputs.kubeconfigs[name];
        const obs = typeof kc === "string" && kc !== ""
            ? await observeObject(name, kc, c.context, inputs.target, 5000)
            : { name, outcome: "configError" as const, error: "no kubeconfig for this cluster" };
        return clusterPropagationStatus(obs, c.desired);
    }));
    const condition = propagationCondition(entries, now, previous?.status
        ? { condition: previous.status.conditions?.[0], clusters: previous.status.clusters }
        : undefined);
    return plain({
        ...inputs,
        status: { conditions: [condition], clusters: entries },
        propagated: condition.status === "True",
        ready: condition.status === "True" && entries.every((e) => e.ready),
    });
}

function targetId(t: TargetRef): string {
    return `${t.apiVersion}:${t.kind}:${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
}

/** The provider of {@link PropagationStatus}: a module-level object of stateless arrow functions. */
export const propagationStatusProvider: pulumi.dynamic.ResourceProvider = {
    check: async (_olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const t = news.target;
        // unknown values (preview) are not validated
        if (!t || typeof t !== "object") {
            if (!containsUnknown(t)) failures.push({ property: "target", reason: "must be {apiVersion, kind, namespace?, name}" });
        } else for (const k of ["apiVersion", "kind", "name"]) {
            if ((typeof t[k] !== "string" || t[k] === "") && !containsUnknown(t[k])) failures.push({ property: `target.${k}`, reason: "must be a non-empty string" });
        }
        if ((!news.clusters || typeof news.clusters !== "object") && !containsUnknown(news.clusters)) {
            failures.push({ property: "clusters", reason: "must be a map of cluster name to {context?, desired}" });
        }
        return { inputs: propagationInputsOf(news), failures };
    },
    diff: async (_id: string, olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const n = propagationInputsOf(news);
        const o = propagationInputsOf(olds);
        // the target is the ID: another object is a new resource
        if (!containsUnknown(n.target) && !jsonEqual(o.target, n.target)) return { changes: true, replaces: ["target"] };
        if (containsUnknown(n)) return { changes: true };
        return { changes: !jsonEqual(o, n) };
    },
    create: async (inputs: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const i = propagationInputsOf(inputs);
        return { id: targetId(i.target), outs: await observePropagation(i) };
    },
    update: async (_id: string, olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        return { outs: await observePropagation(propagationInputsOf(news), olds) };
    },
    read: async (id: string, props: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const inputs = propagationInputsOf(props);
        return { id, props: await observePropagation(inputs, props), inputs };
    },
    delete: async () => {
        // read-only resource
    },
};

/**
 * Read-back of KubeFed propagation status for one federated object: per member cluster, whether the object exists,
 * carries `kubefed.io/managed: "true"` and still matches what we sent (drift), its generation/observedGeneration and
 * readiness, mapped to KubeFed-style `status.clusters[].status` reasons, plus the aggregate `Propagation` condition.
 *
 * Per-cluster `status` values (precedence in this order; `""` = OK):
 * `ClusterNotReady` unreachable · `ClientRetrievalFailed` unusable kubeconfig · `RetrievalFailed` other HTTP errors ·
 * `ManagedLabelFalse` labelled `"false"` · `NotFound` absent · `ManagedLabelMissing` label absent · `Drifted` a field
 * we sent differs (`drifted` lists JSON pointers). The `Propagation` condition is `True` iff all are OK, else
 * `False` with reason `CheckClusters` (§4.8).
 *
 * Checked on create, update and `pulumi refresh` (refresh returns fresh outputs and the unchanged inputs). `diff`
 * compares inputs only: a status change is never a planned change (a different `target` is a replacement: it is the
 * ID). Unreachable members are reported, never thrown.
 * Kubeconfigs are held in the secret `kubeconfigs` property (input and output), never in plain outputs.
 *
 * Type token `pulumi-nodejs:dynamic/kubefed:PropagationStatus`; ID `<apiVersion>:<kind>:<namespace>/<name>`.
 */
export class PropagationStatus extends pulumi.dynamic.Resource {
    declare readonly target: pulumi.Output<TargetRef>;
    /** `{conditions: [Propagation], clusters: [...]}` (sorted by cluster name). */
    declare readonly status: pulumi.Output<PropagationStatusStatus>;
    /** The `Propagation` condition is `True`. */
    declare readonly propagated: pulumi.Output<boolean>;
    /** Propagated and every member object is ready (see `Readiness.ready` in status.ts). */
    declare readonly ready: pulumi.Output<boolean>;

    constructor(name: string, args: PropagationStatusArgs, opts?: pulumi.CustomResourceOptions) {
        const names = Object.keys(args.clusters ?? {}).sort();
        const clusters: Record<string, unknown> = {};
        const kubeconfigs: Record<string, pulumi.Input<string>> = {};
        for (const n of names) {
            const c = args.clusters[n];
            clusters[n] = { context: c.context, desired: c.desired };
            kubeconfigs[n] = c.kubeconfig;
        }
        // `clusters` holds the desired objects: keep them secret for Secrets (or when asked to)
        const secretDesired = args.secretDesired === true || args.target?.kind === "Secret";
        const props: Record<string, unknown> = {
            providerVersion: st.PROVIDER_VERSION,
            target: args.target,
            clusters: secretDesired ? pulumi.secret(clusters) : clusters,
            kubeconfigs: pulumi.secret(kubeconfigs),
            status: undefined,
            propagated: undefined,
            ready: undefined,
        };
        const secretOutputs = secretDesired ? ["kubeconfigs", "clusters"] : ["kubeconfigs"];
        super(propagationStatusProvider, name, props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: secretOutputs }), "kubefed", "PropagationStatus");
    }
}
