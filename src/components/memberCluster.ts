/**
 * MemberCluster: a member's identity and its one Kubernetes provider, built by {@link memberProvider}; its read-back
 * is registered with the program's {@link programReadBacks}. Its arguments are checked in memberArgs.ts, member lists
 * in memberList.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterInfo, MemberClusterSummary } from "../core";
import { MemberHealthProbe, clusterHealthAlias, healthProbe } from "../compat/components";
import { MemberReadBack } from "../resources/memberReadBack";
import { resolveInput } from "../resources/observeReplicas";
import { KubefedComponent, componentType, prepare } from "./base";
import { JoinArgs, joinMember, planJoin } from "./join";
import { MemberClusterArgs, validateMemberArgs } from "./memberArgs";
import { MemberProbeResult, probeMember } from "./memberProbe";
import { MemberTracker, programReadBacks } from "./readBacks";
import { registerShardMember, shardContext } from "./shard";

export type { MemberClusterArgs, Reachability } from "./memberArgs";
export type { MemberHealthProbe } from "../compat/components";

/**
 * A member cluster of the federation: its identity (name, labels, region, zones) and exactly one Kubernetes
 * provider built from a secret kubeconfig. The provider's `clusterIdentifier` is the cluster name, so rotating
 * credentials updates the provider instead of replacing every object in the cluster.
 */
export class MemberCluster extends KubefedComponent {
    static readonly __pulumiType = componentType("MemberCluster");

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
    /** @internal Whether `health` was asked for (default true). */
    declare readonly __healthOn: boolean;

    /** KubeFed-style health and the status of every federated object in this member, refreshed by
     *  `pulumi refresh` (read it with `pulumi-kubefed status`). Its outputs are known only after the program has
     *  declared everything, so don't export them from the program. */
    get readBack(): MemberReadBack | undefined {
        const tracker = programReadBacks.existing(this);
        return this.__healthOn ? tracker?.ensure() : tracker?.existing();
    }

    /**
     * @deprecated since 0.2: `pulumi-kubefed status` shows health from the read-back. Kept for 0.1 programs that
     * export `member.health.ready`: it probes the member while the program runs (time-boxed), because the read-back's
     * own outputs are known only after the program and an export waiting on them could never finish.
     */
    get health(): MemberHealthProbe | undefined {
        if (!this.__healthOn) return undefined;
        if (!this.__probe) {
            this.hidden("__probe", healthProbe([this.kubeconfig, this.context], () => this.__probeOnce()));
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
                return probeMember(this.clusterName, kubeconfig, context);
            })();
            this.hidden("__probeResult", result);
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
        if (!pulumi.Output.isInstance(args.kubeconfig)) {
            pulumi.log.warn(`MemberCluster ${name}: kubeconfig is a plain value; it is stored as a secret, ` +
                `but pass it as one (e.g. config.requireSecret) so it is never printed by your own program.`, this);
        }
        this.clusterName = clusterName;
        this.labels = labels;
        this.region = args.region;
        this.zones = zones;
        const built = memberProvider(this, name, clusterName, args, joinArgs, local);
        this.kubeconfig = built.kubeconfig;
        this.context = built.context;
        this.provider = built.provider;
        const notHere = built.notHere;
        if (notHere) Object.defineProperty(this, "provider", { enumerable: false, get(): never { throw new Error(notHere); } });
        this.adminProvider = built.adminProvider;
        this.joinResources = built.joinResources;
        const healthOn = args.health !== false && local;
        const kc = this.kubeconfig;
        const ctx = this.context;
        this.hidden("__healthOn", healthOn);
        // The member's read-back collects the objects every component of this program emits into it (readBacks.ts).
        const tracker = new MemberTracker((objects, secretObjects, dependsOn) => new MemberReadBack(`${name}-readback`, {
            clusterName, kubeconfig: kc, context: ctx, health: healthOn, objects, secretObjects,
        }, { parent: this, dependsOn, aliases: [clusterHealthAlias(name)] }));
        programReadBacks.register(this, tracker);
        if (healthOn) tracker.ensure();
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

/** A copy of `r` with keys in sorted order, so what reaches state and diffs is deterministic. */
export function sortRecord<V>(r: Record<string, V>): Record<string, V> {
    const out: Record<string, V> = {};
    for (const k of Object.keys(r).sort()) out[k] = r[k];
    return out;
}

/** What {@link memberProvider} built. */
interface MemberProvider {
    provider: k8s.Provider;
    kubeconfig: pulumi.Output<string>;
    context?: pulumi.Output<string>;
    adminProvider?: k8s.Provider;
    joinResources?: pulumi.Resource[];
    /** Why there is no provider (a member outside this stack's shard): reading `provider` throws it. */
    notHere?: string;
}

/**
 * The member's provider: none for a member outside this stack's shard, the one given
 * (bring your own), or one built from the kubeconfig — in join mode from the joined service account's, with the given
 * credentials only creating the federation identity through `<name>-admin`.
 */
function memberProvider(member: MemberCluster, name: string, clusterName: string, args: MemberClusterArgs,
                        joinArgs: JoinArgs | undefined, local: boolean): MemberProvider {
    const kubeconfig = pulumi.secret(pulumi.output(args.kubeconfig));
    const context = args.context === undefined ? undefined : pulumi.output(args.context);
    if (!local) {
        const ctx = shardContext()!;
        return {
            provider: undefined as unknown as k8s.Provider, kubeconfig, context,
            notHere: `MemberCluster ${name}: cluster "${clusterName}" belongs to another shard than this stack's ` +
                `("${ctx.shard}": ${[...ctx.clusters].sort().join(", ")}), so its provider is not created here; ` +
                `guard resources of your own with kubefed.inShard(member)`,
        };
    }
    // bring your own provider: its settings are its owner's; the kubeconfig serves the read-back only
    if (args.provider) return { provider: args.provider, kubeconfig, context };
    const reach = args.unreachable ?? "fail";
    // `upsertExistingObjects` is known to providers from 4.29 on; older ones ignore it and, with server-side
    // apply, always adopt existing objects.
    const adoption: Record<string, unknown> = { upsertExistingObjects: !!args.adoptExisting };
    const flags = {
        clusterIdentifier: clusterName,
        skipUpdateUnreachable: reach !== "fail",
        deleteUnreachable: reach === "forget",
    };
    let out: Omit<MemberProvider, "provider"> = { kubeconfig, context };
    if (joinArgs) {
        // the given credentials only create the federation identity; everything else runs as that identity
        const adminProvider = new k8s.Provider(`${name}-admin`, {
            ...(adoption as object), ...(args.providerArgs ?? {}), kubeconfig, context: args.context, ...flags,
        }, { parent: member });
        const joined = joinMember(member, name, clusterName, adminProvider, kubeconfig, context, joinArgs);
        out = { kubeconfig: joined.kubeconfig, adminProvider, joinResources: joined.resources };
    }
    const provider = new k8s.Provider(name, {
        ...(adoption as object),
        ...(args.providerArgs ?? {}),
        kubeconfig: out.kubeconfig,
        context: out.context,
        ...flags,
    }, { parent: member });
    return { ...out, provider };
}
