import * as pulumi from "@pulumi/pulumi";
import * as kube from "./kube";
import * as st from "./status";
import type { TargetRef } from "./propagationStatus";

// Rebound as plain functions so the closure serializer captures them by value, not the local modules
// (see src/dynamic/README.md).
const { removeManagedLabel } = kube;
const { containsUnknown, jsonEqual, plain } = st;

/** One member cluster of {@link OrphanGuard}. */
export interface OrphanGuardClusterArgs {
    /** Kubeconfig text (or path). Always stored as a secret. */
    kubeconfig: pulumi.Input<string>;
    /** Kubeconfig context; default: its current context. */
    context?: pulumi.Input<string>;
}

/** Inputs of {@link OrphanGuard}. */
export interface OrphanGuardArgs {
    /** The member object to orphan (same in every cluster). */
    target: TargetRef;
    /** Keyed by cluster name: the clusters the object was propagated to. */
    clusters: Record<string, OrphanGuardClusterArgs>;
}

interface GuardInputs {
    providerVersion?: string;
    target: TargetRef;
    clusters: Record<string, { context?: string }>;
    kubeconfigs: Record<string, string>;
}

function guardInputsOf(v: Record<string, any>): GuardInputs { // eslint-disable-line @typescript-eslint/no-explicit-any
    // whole maps may be the unknown sentinel during preview: passed through untouched
    let clusters: GuardInputs["clusters"] = v.clusters;
    if (v.clusters && typeof v.clusters === "object") {
        clusters = {};
        for (const name of Object.keys(v.clusters).sort()) {
            const c = v.clusters[name] ?? {};
            clusters[name] = c.context !== undefined && c.context !== null && c.context !== "" ? { context: c.context } : {};
        }
    }
    let kubeconfigs: Record<string, string> = v.kubeconfigs;
    if (v.kubeconfigs && typeof v.kubeconfigs === "object") {
        kubeconfigs = {};
        for (const name of Object.keys(v.kubeconfigs).sort()) kubeconfigs[name] = v.kubeconfigs[name];
    }
    const out: GuardInputs = { target: v.target, clusters, kubeconfigs };
    if (v.providerVersion !== undefined) out.providerVersion = v.providerVersion;
    return out;
}

/** Removes the managed label in the named clusters; collects every failure and throws them together at the end. */
async function unlabel(state: GuardInputs, names: string[]): Promise<void> {
    const errors: string[] = [];
    await Promise.all(names.map(async (name) => {
        const kc = state.kubeconfigs[name];
        if (typeof kc !== "string" || kc === "") {
            errors.push(`cluster ${name}: no kubeconfig`);
            return;
        }
        try {
            await removeManagedLabel(name, kc, state.clusters[name]?.context, state.target);
        } catch (e) {
            errors.push(String((e as Error).message ?? e));
        }
    }));
    if (errors.length > 0) {
        throw new Error(`orphaning ${state.target.kind} ${state.target.namespace ? `${state.target.namespace}/` : ""}${state.target.name} failed; `
            + `the resource stays in state, retry when the clusters are reachable: ${errors.sort().join("; ")}`);
    }
}

/** The provider of {@link OrphanGuard}: a module-level object of stateless arrow functions. */
export const orphanGuardProvider: pulumi.dynamic.ResourceProvider = {
    check: async (_olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const t = news.target;
        // unknown values (preview) are not validated
        if (!t || typeof t !== "object") {
            if (!containsUnknown(t)) failures.push({ property: "target", reason: "must be {apiVersion, kind, namespace?, name}" });
        } else for (const k of ["apiVersion", "kind", "name"]) {
            if ((typeof t[k] !== "string" || t[k] === "") && !containsUnknown(t[k])) failures.push({ property: `target.${k}`, reason: "must be a non-empty string" });
        }
        return { inputs: guardInputsOf(news), failures };
    },
    diff: async (_id: string, olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const o = guardInputsOf(olds);
        const n = guardInputsOf(news);
        if (containsUnknown(n.target)) return { changes: true, replaces: ["target"] };
        // another object: replace (create the new guard, then delete the old one, which orphans the old object)
        if (!jsonEqual(o.target, n.target)) return { changes: true, replaces: ["target"] };
        if (containsUnknown(n)) return { changes: true };
        return { changes: !jsonEqual(o, n) };
    },
    create: async (inputs: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const i = guardInputsOf(inputs);
        const t = i.target;
        return { id: `${t.apiVersion}:${t.kind}:${t.namespace ? `${t.namespace}/` : ""}${t.name}`, outs: plain(i) };
    },
    update: async (_id: string, olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const o = guardInputsOf(olds);
        const n = guardInputsOf(news);
        const dropped = Object.keys(o.clusters).filter((c) => !(c in n.clusters));
        // a throw keeps the old state (with the dropped clusters), so the next `up` retries them
        await unlabel(o, dropped);
        return { outs: plain(n) };
    },
    read: async (id: string, props: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const i = guardInputsOf(props);
        return { id, props: plain(i), inputs: plain(i) };
    },
    delete: async (_id: string, props: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const s = guardInputsOf(props);
        await unlabel(s, Object.keys(s.clusters));
    },
};

/**
 * KubeFed's orphan mode (`kubefed.io/orphan: "true"`, §4.7) for one member object: when this resource is deleted,
 * the `kubefed.io/managed` label is removed (JSON merge patch `{"metadata":{"labels":{"kubefed.io/managed":null}}}`)
 * from the object in every listed cluster, and the objects are left in place. On update, clusters that were listed
 * before but are not any more are unlabelled the same way.
 *
 * - 404 (object or kind gone) is fine; an unreachable cluster or any other error makes delete/update throw, so the
 *   resource stays in state and `pulumi destroy`/`up` can be retried.
 * - A different `target` replaces the guard (the new one is created first; deleting the old one orphans the old
 *   object).
 * - Use it with `retainOnDelete: true` on the member objects (so Pulumi does not delete them) and make the guard
 *   depend on them (`dependsOn`), so it is created after them and deleted before them.
 * - Kubeconfigs are stored only in the secret `kubeconfigs` property.
 *
 * Type token `pulumi-nodejs:dynamic/kubefed:OrphanGuard`; ID `<apiVersion>:<kind>:<namespace>/<name>`.
 */
export class OrphanGuard extends pulumi.dynamic.Resource {
    declare readonly target: pulumi.Output<TargetRef>;

    constructor(name: string, args: OrphanGuardArgs, opts?: pulumi.CustomResourceOptions) {
        const names = Object.keys(args.clusters ?? {}).sort();
        const clusters: Record<string, unknown> = {};
        const kubeconfigs: Record<string, pulumi.Input<string>> = {};
        for (const n of names) {
            clusters[n] = { context: args.clusters[n].context };
            kubeconfigs[n] = args.clusters[n].kubeconfig;
        }
        const props = { providerVersion: st.PROVIDER_VERSION, target: args.target, clusters, kubeconfigs: pulumi.secret(kubeconfigs) };
        super(orphanGuardProvider, name, props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfigs"] }), "kubefed", "OrphanGuard");
    }
}
