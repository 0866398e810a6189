import * as pulumi from "@pulumi/pulumi";
import { brand, isBranded, prepare } from "./errors";
import * as k8s from "@pulumi/kubernetes";
import { ClusterInfo, MemberClusterSummary, ValidationIssue, assertValid, validateClusters } from "../core";
import { MemberReadBack } from "../resources/memberReadBack";
import { observeMember } from "../member/observeMember";
import { resolveInput } from "../resources/observeReplicas";
import type { ClusterCondition } from "../member/health";
import { JoinArgs, joinMember, planJoin } from "./join";
import { TYPE_PREFIX } from "./names";
import { MemberTracker } from "./readBack";
import { registerShardMember, shardContext } from "./shard";

/** What a member does when its API server cannot be reached (maps onto the Kubernetes provider's flags). */
export type Reachability = "fail" | "skip" | "forget";

/** Arguments of {@link MemberCluster}. Identity fields (labels, region, zones) are plain values: placement is
 *  decided from them while the program runs, so `pulumi preview` can show the decision. */
export interface MemberClusterArgs {
    /** Kubeconfig contents (or a path to a kubeconfig file). Pass a secret, e.g. `config.requireSecret(...)`;
     *  a plain value is wrapped as a secret anyway so it never lands in state in clear text. Any kubeconfig the
     *  Kubernetes provider accepts works, including `exec` credential plugins (EKS, GKE, AKS). With `provider`, this
     *  is only what the read-back (health, status, drift, orphaning) uses. */
    kubeconfig: pulumi.Input<string>;
    /** Bring your own provider: an existing Kubernetes provider for this member (e.g. made by an EKS or GKE
     *  component). Every federated object then uses it; `kubeconfig` is still needed for the read-back.
     *  `providerArgs`, `unreachable`, `adoptExisting` and `join` then belong to that provider and are refused here. */
    provider?: k8s.Provider;
    /** Context inside the kubeconfig; defaults to its current context. */
    context?: pulumi.Input<string>;
    /** Cluster name used by placement, overrides and replica preferences. Defaults to the resource name. */
    clusterName?: string;
    /** Labels matched by placement cluster selectors (KubeFedCluster labels). */
    labels?: Record<string, string>;
    /** Region of the cluster (used by ServiceDNSRecord and data-residency policies). */
    region?: string;
    /** Zones of the cluster (used by ServiceDNSRecord and data-residency policies). */
    zones?: string[];
    /** Behaviour when the API server is unreachable: `fail` (default) fails changes to this member; `skip` keeps
     *  its state and skips its changes with a warning; `forget` also drops its objects from state on refresh. */
    unreachable?: Reachability;
    /** Adopt objects that already exist in the member instead of failing with AlreadyExists (KubeFed's
     *  `adoptResources: Enabled`). Off by default: taking over someone else's object should be explicit. */
    adoptExisting?: boolean;
    /** Probe the member's health (`/healthz`, `/version`) on create and on `pulumi refresh`, as KubeFed's cluster
     *  controller does; the result is `health`. Default true. */
    health?: boolean;
    /** Join mode, `kubefedctl join`'s equivalent (`true` = defaults): `kubeconfig` is then only the admin credentials
     *  that create a namespace, service account, token Secret and RBAC in the member (through a second provider,
     *  `<name>-admin`), and `provider` — which every federated object uses — runs with that service account's token.
     *  The default RBAC is KubeFed's (all verbs on all resources); narrow it with `join.rules`. */
    join?: JoinArgs | boolean;
    /** Extra arguments for the member's Kubernetes provider (e.g. `namespace`, `kubeClientSettings`). */
    providerArgs?: Omit<k8s.ProviderArgs, "kubeconfig" | "context" | "clusterIdentifier">;
}

/** What one program-time probe of a member found. */
export interface MemberProbeResult {
    ready: boolean;
    conditions: ClusterCondition[];
    kubernetesVersion: string;
}


/** A member's health as probed while the program runs (see {@link MemberCluster.health}). */
export interface MemberHealthProbe {
    ready: pulumi.Output<boolean>;
    conditions: pulumi.Output<ClusterCondition[]>;
    kubernetesVersion: pulumi.Output<string>;
}

/**
 * A member cluster of the federation: its identity (name, labels, region, zones) and exactly one Kubernetes
 * provider built from a secret kubeconfig. The provider's `clusterIdentifier` is the cluster name, so rotating
 * credentials updates the provider instead of replacing every object in the cluster.
 */
export class MemberCluster extends pulumi.ComponentResource {
    static readonly __pulumiType = `${TYPE_PREFIX}MemberCluster`;

    /** Cluster name used by placement and overrides. */
    readonly clusterName: string;
    readonly labels: Record<string, string>;
    readonly region?: string;
    readonly zones: string[];
    /** The member's Kubernetes provider. Every object this library emits into the member uses it explicitly. */
    readonly provider: k8s.Provider;
    /** The kubeconfig of `provider`, always a secret: the one given, or in join mode the service account's. */
    readonly kubeconfig: pulumi.Output<string>;
    /** The kubeconfig context, if one was given (none in join mode: the joined kubeconfig has one context). */
    readonly context?: pulumi.Output<string>;
    /** Join mode only: the provider with the admin credentials, used for the join objects only. */
    readonly adminProvider?: k8s.Provider;
    /** Join mode only: the Namespace, ServiceAccount, token Secret, roles, bindings and ServiceAccountToken. */
    readonly joinResources?: pulumi.Resource[];
    /** @internal The member's read-back (health, status, drift, orphaning). Kept off enumerable fields: the SDK
     *  serializes exported objects field by field, and read-back outputs are only known after the program. */
    declare readonly __tracker: MemberTracker;
    /** @internal Whether `health` was asked for (default true). */
    declare readonly __healthOn: boolean;

    /** Whether `obj` is a {@link MemberCluster}, also one created by another copy of this package (where `instanceof` fails). */
    static isInstance(obj: unknown): obj is MemberCluster {
        return isBranded(obj, MemberCluster.__pulumiType);
    }

    /** KubeFed-style health and the status of every federated object in this member, refreshed by
     *  `pulumi refresh` (read it with `pulumi-kubefed status`). Its outputs are known only after the program has
     *  declared everything, so don't export them from the program. */
    get readBack(): MemberReadBack | undefined {
        return this.__healthOn ? this.__tracker.ensure() : this.__tracker.existing();
    }

    /**
     * @deprecated since 0.2: `pulumi-kubefed status` shows health from the read-back. Kept for 0.1 programs that
     * export `member.health.ready`: it probes the member while the program runs (time-boxed), because the read-back's
     * own outputs are known only after the program and an export waiting on them could never finish.
     */
    get health(): MemberHealthProbe | undefined {
        if (!this.__healthOn) return undefined;
        if (!this.__probe) {
            // runs only once the kubeconfig is known (unknown in a preview before a join, as before)
            const probe = pulumi.all([this.kubeconfig, this.context]).apply(async () =>
                (await this.__probeOnce()) ?? { ready: false, conditions: [], kubernetesVersion: "" });
            // what a probe finds is not secret, though it was read with the (secret) kubeconfig
            Object.defineProperty(this, "__probe", { enumerable: false, value: {
                ready: pulumi.unsecret(probe.apply(p => p.ready)),
                conditions: pulumi.unsecret(probe.apply(p => p.conditions)),
                kubernetesVersion: pulumi.unsecret(probe.apply(p => p.kubernetesVersion)),
            } });
        }
        return this.__probe;
    }
    /** @internal */
    declare readonly __probe?: MemberHealthProbe;
    /** @internal The one program-time probe of this member (memoised: `health` and every failover share it). */
    declare readonly __probeResult?: Promise<MemberProbeResult | undefined>;

    /**
     * @internal Probes the member once per program run (`/healthz`, `/version`, time-boxed in the Kubernetes
     * client); undefined when its kubeconfig is not known yet (preview before a join). Never throws.
     */
    __probeOnce(): Promise<MemberProbeResult | undefined> {
        if (!this.__probeResult) {
            const result = (async () => {
                const kubeconfig = await resolveInput(this.kubeconfig);
                const context = this.context ? await resolveInput(this.context) : undefined;
                if (kubeconfig === undefined || (this.context && context === undefined)) return undefined;
                // A member that does not answer is asked up to three times (1 s apart): one slow /healthz on a busy
                // API server must not move replicas; a stopped one refuses at once, so this stays short.
                let last: MemberProbeResult = { ready: false, conditions: [], kubernetesVersion: "" };
                for (let attempt = 0; attempt < 3; attempt++) {
                    if (attempt > 0) await new Promise(r => setTimeout(r, 1000));
                    try {
                        const p = await observeMember({
                            clusterName: this.clusterName, kubeconfig, ...(context ? { context } : {}), health: true, objects: {}, secretObjects: {},
                        });
                        last = { ready: p.ready, conditions: p.conditions, kubernetesVersion: p.kubernetesVersion };
                    } catch {
                        last = { ready: false, conditions: [], kubernetesVersion: "" };
                    }
                    if (last.ready || last.conditions.some(c => c.type === "ConfigMalformed")) break;
                }
                return last;
            })();
            Object.defineProperty(this, "__probeResult", { enumerable: false, value: result });
        }
        return this.__probeResult!;
    }

    constructor(name: string, args: MemberClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => {
            const clusterName = args?.clusterName ?? name;
            validateMemberArgs(name, args, clusterName);
            const labels = { ...(args.labels ?? {}) };
            const zones = [...(args.zones ?? [])].sort();
            const joinArgs = args.join === true ? {} : args.join ? args.join : undefined;
            if (joinArgs) planJoin(`MemberCluster ${name}`, clusterName, joinArgs); // bad join arguments fail before anything is registered
            // credentialsWereSecret resolves before the engine records the inputs.
            const summary: Omit<MemberClusterSummary, "credentialsWereSecret"> & { credentialsWereSecret: Promise<boolean> } = {
                clusterName,
                labels: sortRecord(labels),
                ...(args.region !== undefined ? { region: args.region } : {}),
                zones,
                unreachable: args.unreachable ?? "fail",
                adoptExisting: !!args.adoptExisting,
                joined: !!joinArgs,
                credentialsWereSecret: pulumi.Output.isInstance(args.kubeconfig)
                    ? pulumi.isSecret(args.kubeconfig as pulumi.Output<string>)
                    : Promise.resolve(false),
            };
            // Sharded stacks (shard.ts): a member outside this stack's shard is part of every decision but gets no
            // provider, join objects or read-back here; the shard that owns it creates them.
            const local = registerShardMember(`MemberCluster ${name}`, { clusterName, labels, region: args.region, zones });
            return { clusterName, labels, zones, joinArgs, summary, local };
        });
        super(MemberCluster.__pulumiType, name, pre.summary, opts);
        const { clusterName, labels, zones, joinArgs, summary, local } = pre;
        brand(this, MemberCluster.__pulumiType);
        if (!pulumi.Output.isInstance(args.kubeconfig)) {
            pulumi.log.warn(`MemberCluster ${name}: kubeconfig is a plain value; it is stored as a secret, ` +
                `but pass it as one (e.g. config.requireSecret) so it is never printed by your own program.`, this);
        }
        this.clusterName = clusterName;
        this.labels = labels;
        this.region = args.region;
        this.zones = zones;
        const reach = args.unreachable ?? "fail";
        // `upsertExistingObjects` is known to providers from 4.29 on; older ones ignore it and, with server-side
        // apply, always adopt existing objects.
        const adoption: Record<string, unknown> = { upsertExistingObjects: !!args.adoptExisting };
        const flags = {
            clusterIdentifier: clusterName,
            skipUpdateUnreachable: reach !== "fail",
            deleteUnreachable: reach === "forget",
        };
        const kubeconfig = pulumi.secret(pulumi.output(args.kubeconfig));
        const context = args.context === undefined ? undefined : pulumi.output(args.context);
        if (!local) {
            this.kubeconfig = kubeconfig;
            this.context = context;
            const ctx = shardContext()!;
            this.provider = undefined as unknown as k8s.Provider; // replaced by the getter below, which explains
            Object.defineProperty(this, "provider", { enumerable: false, get(): never {
                throw new Error(`MemberCluster ${name}: cluster "${clusterName}" belongs to another shard than this stack's ` +
                    `("${ctx.shard}": ${[...ctx.clusters].sort().join(", ")}), so its provider is not created here; ` +
                    `guard resources of your own with kubefed.inShard(member)`);
            } });
        } else if (args.provider) {
            // bring your own provider: its settings are its owner's; the kubeconfig serves the read-back only
            this.kubeconfig = kubeconfig;
            this.context = context;
            this.provider = args.provider;
        } else {
            if (joinArgs) {
                // the given credentials only create the federation identity; everything else runs as that identity
                this.adminProvider = new k8s.Provider(`${name}-admin`, {
                    ...(adoption as object), ...(args.providerArgs ?? {}), kubeconfig, context: args.context, ...flags,
                }, { parent: this });
                const joined = joinMember(this, name, clusterName, this.adminProvider, kubeconfig, context, joinArgs);
                this.kubeconfig = joined.kubeconfig;
                this.joinResources = joined.resources;
            } else {
                this.kubeconfig = kubeconfig;
                this.context = context;
            }
            this.provider = new k8s.Provider(name, {
                ...(adoption as object),
                ...(args.providerArgs ?? {}),
                kubeconfig: this.kubeconfig,
                context: this.context,
                ...flags,
            }, { parent: this });
        }
        const healthOn = args.health !== false && local;
        const kc = this.kubeconfig;
        const ctx = this.context;
        Object.defineProperty(this, "__healthOn", { value: healthOn, enumerable: false });
        Object.defineProperty(this, "__tracker", {
            enumerable: false,
            value: new MemberTracker((objects, secretObjects, dependsOn) => new MemberReadBack(`${name}-readback`, {
                clusterName, kubeconfig: kc, context: ctx, health: healthOn, objects, secretObjects,
            }, {
                parent: this,
                dependsOn,
                // 0.1 had a ClusterHealth per member; the read-back takes its place in state
                aliases: [{ name: `${name}-health`, type: "pulumi-nodejs:dynamic/kubefed:ClusterHealth" }],
            })),
        });
        if (healthOn) this.__tracker.ensure();
        // The member's facts are outputs too: stack policies (residency) read them once per member, since the
        // federated objects' decisions no longer repeat them.
        this.registerOutputs({ clusterName, labels: summary.labels, ...(args.region !== undefined ? { region: args.region } : {}),
            zones, ...(local ? { provider: this.provider } : {}) });
    }

    /** The plain identity used by the decision core. */
    info(): ClusterInfo & { region?: string; zones: string[] } {
        return { name: this.clusterName, labels: { ...this.labels }, region: this.region, zones: [...this.zones] };
    }
}

function validateMemberArgs(name: string, args: MemberClusterArgs | undefined, clusterName: string): void {
    const issues: ValidationIssue[] = [];
    if (!args) {
        issues.push({ severity: "error", field: "args", message: "missing; pass at least { kubeconfig }" });
    } else {
        if (args.kubeconfig === undefined || args.kubeconfig === null || args.kubeconfig === "") {
            issues.push({ severity: "error", field: "kubeconfig",
                message: "is required; pass the member's kubeconfig as a secret, e.g. config.requireSecret(\"kubeconfig\")" });
        }
        // Placement is decided from labels, region and zones while the program runs; an Output (known only once
        // applied) cannot be used there. Said plainly, instead of judging the Output's own fields as labels.
        const outputs = (["labels", "region", "zones"] as const).filter(f => holdsOutput(args[f]));
        for (const f of outputs) {
            issues.push({ severity: "error", field: f, message: `is an Output (or holds one), but ${f} must be plain values: placement ` +
                "(cluster selectors, spread constraints, rollout waves, DNS records) is decided from them while the program runs, " +
                "so preview shows which clusters get which objects before anything is applied. Pass plain values (e.g. " +
                "config.requireObject(...)), or create the MemberCluster inside the Output's apply if it really comes from another resource" });
        }
        if (!outputs.includes("labels")) issues.push(...validateClusters([{ name: clusterName, labels: args.labels ?? {} }], "clusterName"));
        if (args.provider !== undefined) {
            if (!pulumi.ProviderResource.isInstance(args.provider)) {
                issues.push({ severity: "error", field: "provider", message: "must be a Kubernetes provider (new k8s.Provider(...)) or left out" });
            }
            for (const f of ["providerArgs", "unreachable", "adoptExisting", "join"] as const) {
                if (args[f] !== undefined && args[f] !== false) {
                    issues.push({ severity: "error", field: f, message: `cannot be combined with provider: set it on the provider you pass (or drop provider)` });
                }
            }
        }
        if (args.unreachable !== undefined && !["fail", "skip", "forget"].includes(args.unreachable)) {
            issues.push({ severity: "error", field: "unreachable",
                message: `"${args.unreachable}" is not one of fail, skip, forget` });
        }
        if (args.zones !== undefined && !outputs.includes("zones") && (!Array.isArray(args.zones) || args.zones.some(z => typeof z !== "string" || !z))) {
            issues.push({ severity: "error", field: "zones", message: "must be a list of non-empty strings" });
        }
        if (args.region !== undefined && !outputs.includes("region") && (typeof args.region !== "string" || !args.region)) {
            issues.push({ severity: "error", field: "region", message: "must be a non-empty string" });
        }
    }
    assertValid(`MemberCluster ${name}`, issues);
}

/** Whether `v` is an Output or a Promise, or a list or map holding one at the top level (label values, zones). */
function holdsOutput(v: unknown): boolean {
    const isOutput = (x: unknown) => pulumi.Output.isInstance(x) || (x !== null && typeof x === "object" && typeof (x as { then?: unknown }).then === "function");
    if (isOutput(v)) return true;
    return v !== null && typeof v === "object" && Object.values(v as object).some(isOutput);
}

/** A copy of `r` with keys in sorted order, so what reaches state and diffs is deterministic. */
export function sortRecord<V>(r: Record<string, V>): Record<string, V> {
    const out: Record<string, V> = {};
    for (const k of Object.keys(r).sort()) out[k] = r[k];
    return out;
}

/** Member lists already checked, by the array the program passed: a program hands the same list to every component,
 *  so the list is validated once, and the core's per-list memo (keyed by {@link clusterInfos}' array) hits. `given`
 *  is a copy of the list as checked: an element replaced in place (`clusters[1] = clusters[0]`, a duplicate) must
 *  be checked again, so the copy is compared element by element (O(members), nothing allocated on a hit). */
const checkedLists = new WeakMap<MemberCluster[], { given: MemberCluster[]; sorted: MemberCluster[] }>();
const infosOfSorted = new WeakMap<MemberCluster[], ClusterInfo[]>();

/** The core's view of members returned by {@link sortedMembers}: the same array for the same list. */
export function clusterInfos(members: MemberCluster[]): ClusterInfo[] {
    let infos = infosOfSorted.get(members);
    if (!infos) {
        infos = members.map(m => ({ name: m.clusterName, labels: m.labels, region: m.region, zones: m.zones }));
        infosOfSorted.set(members, infos);
    }
    return infos;
}

/** Check a list of members for duplicate cluster names; returns the members sorted by cluster name. */
export function sortedMembers(subject: string, clusters: MemberCluster[] | undefined, field = "clusters"): MemberCluster[] {
    const hit = Array.isArray(clusters) ? checkedLists.get(clusters) : undefined;
    if (hit && sameElements(hit.given, clusters!)) return hit.sorted;
    const issues: ValidationIssue[] = [];
    if (!Array.isArray(clusters) || clusters.length === 0) {
        issues.push({ severity: "error", field, message: "must list the MemberCluster objects of the federation" });
    } else {
        clusters.forEach((c, i) => {
            if (!MemberCluster.isInstance(c)) {
                issues.push({ severity: "error", field: `${field}[${i}]`, message: "is not a MemberCluster; pass the objects returned by new MemberCluster(...)" });
            }
        });
        if (issues.length === 0) issues.push(...validateClusters(clusters.map(c => ({ name: c.clusterName, labels: c.labels })), field));
    }
    assertValid(subject, issues);
    const members = [...clusters!].sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0));
    checkedLists.set(clusters!, { given: [...clusters!], sorted: members });
    return members;
}

function sameElements<T>(a: T[], b: T[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}
