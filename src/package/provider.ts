/**
 * The cross-language package's provider: the schema comes from @pulumi/pulumi's analyzer over `./schema.ts`
 * (`ComponentProvider.getSchema`), and `construct` builds the same components a TypeScript program builds, from
 * the schema-shaped arguments another language sends. No decision is taken here: arguments are only resolved and
 * reshaped (resource references to the components they name, one field per alternative to the TypeScript union).
 * Over 350 lines because it is one mapping, a case per component kind, each next to the helpers it shares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConstructResult } from "@pulumi/pulumi/provider";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import type {
    ClusterOverride, DecisionSummary as CoreDecision, DependencyMode as CoreDependencyMode, DnsEndpoint as CoreDnsEndpoint,
    HostnameResolution as CoreResolution, Placement as CorePlacement, ReplicaSchedulingSpec as CoreRsp, RolloutSpec as CoreRollout,
    RolloutWave as CoreWave,
} from "../core";
import { Domain, IngressDNSRecord, IngressDNSRecordArgs, ServiceDNSRecord, ServiceDNSRecordArgs } from "../components/dns";
import { ChartDecision as CoreChartDecision, FederatedChart, FederatedChartArgs } from "../components/federatedChart";
import { FederatedKustomization, FederatedKustomizationArgs } from "../components/federatedKustomization";
import { FederatedNamespace, FederatedNamespaceArgs } from "../components/federatedNamespace";
import { FederatedResource, FederatedResourceArgs, KubernetesObject } from "../components/federatedResource";
import { MemberCluster, MemberClusterArgs } from "../components/memberCluster";
import { recordPerComponent } from "../components/placementRecord";
import { MemberTracker, ReadBackRegistry, withReadBacks } from "../components/readBacks";
import { ReplicaSchedulingPreference, ReplicaSchedulingPreferenceArgs } from "../components/replicaSchedulingPreference";
import { MemberReadBack } from "../resources/memberReadBack";
import { setOwn } from "../core/ownProperties";
import * as schema from "./schema";

// The schema's shapes must stay assignable to what the components take and give (checked by tsc, so they cannot
// drift apart): the decision the components record is what the schema promises, and schema arguments are valid
// component arguments.
const _schemaDecision = (d: CoreDecision): schema.DecisionSummary => d;
const _corePlacement = (p: schema.Placement): CorePlacement => p;
const _coreOverrides = (o: schema.ClusterOverride[]): ClusterOverride[] => o;
const _coreRsp = (s: schema.ReplicaSchedulingSpec): CoreRsp => s;
const _schemaEndpoints = (e: CoreDnsEndpoint[]): schema.DnsEndpoint[] => e;
const _coreResolution = (r: schema.HostnameResolution): CoreResolution => r;
const _schemaChartDecision = (d: CoreChartDecision): schema.ChartDecision => d;
const _schemaKustomizationDecision = (d: FederatedKustomization["decision"]): schema.KustomizationDecision => d;
// The schema's wave is one interface with both alternatives optional (the TypeScript wave is a union): rolloutArg
// refuses neither/both and builds the union; schemaDrift.test.ts checks the field names both ways.
const _coreRolloutTimeout = (r: schema.RolloutSpec): CoreRollout["timeoutSeconds"] => r.timeoutSeconds;
const _coreDependencies = (m: schema.DependencyMode): CoreDependencyMode => m;
const _coreObserved = (o: schema.ObservedReplicas): NonNullable<ReplicaSchedulingPreferenceArgs["observed"]> => o;
// The other direction, field by field (a field added on one side only fails the build, unless listed as a gap with
// its reason), is test/unit/package/schemaDrift.test.ts.

/** Components built by this process, by URN: another component's arguments reference them. */
interface Built<T> { name: string; component: T }
const members = new Map<string, Built<MemberCluster>>();
const namespaces = new Map<string, Built<FederatedNamespace>>();
const preferences = new Map<string, Built<ReplicaSchedulingPreference>>();
const resources = new Map<string, Built<FederatedResource>>();
const domains = new Map<string, Built<Domain>>();

/** The SDK's view of an Output (its promise fields are internal in the typings, stable in the runtime). */
interface OutputState { isKnown: Promise<boolean>; isSecret: Promise<boolean>; promise(): Promise<unknown> }
const state = (o: unknown): OutputState => o as OutputState;

/** An Output's value once known; `undefined` stays for unknown values, which the components then refuse by field. */
async function settle(v: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(v)) {
        const o = state(v);
        // Secrets and values unknown at preview stay Outputs: the components take them where values may be Outputs
        // and name the field where they may not.
        const [known, secret] = await Promise.all([o.isKnown, o.isSecret]);
        if (!known || secret) return v;
        return settle(await o.promise());
    }
    if (Array.isArray(v)) return Promise.all(v.map(settle));
    if (v !== null && typeof v === "object" && !pulumi.Resource.isInstance(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) setOwn(out, k, await settle(e));
        return out;
    }
    return v;
}

/** The URN of a resource reference as the SDK hands it over (a URN string, or a rehydrated resource). */
async function urnOf(ref: unknown): Promise<string | undefined> {
    if (typeof ref === "string") return ref;
    if (pulumi.Resource.isInstance(ref)) return state((ref as pulumi.Resource).urn).promise() as Promise<string>;
    return undefined;
}

function refError(subject: string, field: string, what: string): Error {
    return new Error(`${subject}: ${field}: is not a ${what} of this package; pass the ${what} resource itself ` +
        `(e.g. \${east} in YAML, the resource object in Python, Go or .NET) declared in the same program`);
}

/** The components a list of references names; anything but a list is left to the component, which says what it needs. */
async function resolveRefs<T>(subject: string, field: string, refs: unknown, table: Map<string, Built<T>>, what: string): Promise<Built<T>[] | undefined> {
    if (!Array.isArray(refs)) return undefined;
    const out: Built<T>[] = [];
    for (const [i, r] of refs.entries()) {
        const hit = table.get((await urnOf(r)) ?? "");
        if (!hit) throw refError(subject, `${field}[${i}]`, what);
        out.push(hit);
    }
    return out;
}

async function resolveRef<T>(subject: string, field: string, ref: unknown, table: Map<string, Built<T>>, what: string): Promise<Built<T>> {
    const hit = table.get((await urnOf(ref)) ?? "");
    if (!hit) throw refError(subject, field, what);
    return hit;
}

/**
 * The read-backs of one federated component built here: per member, a read-back of its own for this component's
 * objects (the component is constructed with it through `withReadBacks`). A TypeScript program lists every object in one read-back per
 * member once the program is done; a package's provider never learns when the calling program is done, so each
 * component reads back its own objects (health stays with the member's own read-back). `pulumi-kubefed status`
 * joins them by cluster. A shared read-back per member cannot be had here: `construct` answers only once every
 * resource it registered is registered (the SDK's provider server waits for them), the program can pass a member to
 * a later component only after the member's `construct` answered, and nothing tells the provider the program ended.
 * So each of these read-backs holds the member's kubeconfig (a secret), as docs/other-languages.md explains.
 */
function readBacksFor(component: string, kind: string, built: Built<MemberCluster>[] | undefined): ReadBackRegistry {
    const registry = new ReadBackRegistry(`${kind} ${component}`);
    for (const { name: memberName, component: m } of built ?? []) {
        registry.register(m, new MemberTracker((objects, secretObjects, dependsOn) => new MemberReadBack(
            `${memberName}-readback-${kind}-${component}`,
            { clusterName: m.clusterName, kubeconfig: m.kubeconfig, context: m.context, health: false, objects, secretObjects },
            { parent: m, dependsOn })));
    }
    return registry;
}

/**
 * The kubeconfig as text. Pulumi YAML reads a JSON-looking config value (a kubeconfig in JSON) as an object, and a
 * YAML program may write one inline: either is turned back into its JSON text, keeping it secret.
 */
function kubeconfigText(v: unknown): pulumi.Input<string> {
    const text = (x: unknown): string => (typeof x === "string" || x === undefined || x === null ? (x as string) : JSON.stringify(x));
    return pulumi.Output.isInstance(v) ? (v as pulumi.Output<unknown>).apply(text) : text(v);
}

/** The federation options shared by FederatedNamespace and FederatedResource, in the components' shapes. */
function federationOptions(a: Record<string, unknown>) {
    return {
        placement: a.placement as CorePlacement | undefined,
        overrides: a.overrides as ClusterOverride[] | undefined,
        orphanOnDelete: a.orphanOnDelete as boolean | undefined,
        waitForReady: a.waitForReady as boolean | undefined,
        forceOwnership: a.forceOwnership as boolean | undefined,
        status: a.status as boolean | undefined,
        logDecision: a.logDecision as boolean | undefined,
    };
}

/** Refuses two fields given for one alternative (the schema's stand-in for a TypeScript union). */
function oneOf(subject: string, a: Record<string, unknown>, first: string, second: string, what: string): void {
    if (a[first] !== undefined && a[second] !== undefined) {
        throw new Error(`${subject}: ${second}: cannot be combined with ${first}; pass ${what}, not both`);
    }
}

const given = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * A rollout in the component's shape. The TypeScript wave is `{name, clusters}` or `{name, clusterSelector}`; the
 * schema has both fields optional in one type, so a wave with neither or both is refused here, naming the wave.
 * Anything else malformed is left to the component, which names the field and the fix.
 */
function rolloutArg(subject: string, rollout: unknown): { rollout?: CoreRollout } {
    if (!given(rollout)) return {};
    const r = rollout as Record<string, unknown>;
    if (typeof r !== "object" || !Array.isArray(r.waves)) return { rollout: r as unknown as CoreRollout };
    const waves = r.waves.map((w: unknown, i: number) => {
        if (w === null || typeof w !== "object" || Array.isArray(w)) return w;
        const { clusters, clusterSelector, ...rest } = w as Record<string, unknown>;
        const field = `rollout.waves[${i}]`;
        if (given(clusters) && given(clusterSelector)) {
            throw new Error(`${subject}: ${field}.clusterSelector: cannot be combined with clusters; give the wave member names (clusters) or a selector (clusterSelector), not both`);
        }
        if (!given(clusters) && !given(clusterSelector)) {
            throw new Error(`${subject}: ${field}: has neither clusters nor clusterSelector; give the wave member names (clusters) or a selector (clusterSelector)`);
        }
        return { ...rest, ...(given(clusters) ? { clusters } : { clusterSelector }) };
    }) as CoreWave[];
    return { rollout: { ...(r as unknown as CoreRollout), waves } };
}

/** The members a chart or kustomization is given: their rendered objects go to the members' own read-backs (no
 *  per-component registry). */
async function plainMembers(subject: string, refs: unknown): Promise<MemberCluster[]> {
    return ((await resolveRefs(subject, "clusters", refs, members, "MemberCluster")) ?? []).map(b => b.component);
}

/** The namespace of a chart or kustomization: the federated namespace, or one by name. */
async function namespaceArg(subject: string, a: Record<string, unknown>): Promise<{ namespace?: string | FederatedNamespace }> {
    oneOf(subject, a, "namespace", "namespaceName", "the FederatedNamespace or a namespace name");
    if (a.namespace !== undefined) return { namespace: (await resolveRef(subject, "namespace", a.namespace, namespaces, "FederatedNamespace")).component };
    return a.namespaceName !== undefined ? { namespace: a.namespaceName as string } : {};
}

/** The replica scheduling of a chart or resource: the preference resource, or an inline spec. */
async function schedulingArg(subject: string, a: Record<string, unknown>): Promise<{ replicaScheduling?: ReplicaSchedulingPreference | CoreRsp }> {
    oneOf(subject, a, "replicaScheduling", "replicaSchedulingSpec", "the preference resource or an inline spec");
    if (a.replicaScheduling !== undefined) {
        return { replicaScheduling: (await resolveRef(subject, "replicaScheduling", a.replicaScheduling, preferences, "ReplicaSchedulingPreference")).component };
    }
    return a.replicaSchedulingSpec !== undefined ? { replicaScheduling: a.replicaSchedulingSpec as CoreRsp } : {};
}

/** The options shared by the DNS records, in the components' shapes. */
async function dnsOptions(subject: string, a: Record<string, unknown>) {
    return {
        dnsCluster: (await resolveRef(subject, "dnsCluster", a.dnsCluster, members, "MemberCluster")).component,
        ...(a.namespace !== undefined ? { namespace: a.namespace as string } : {}),
        ...(a.recordTTL !== undefined ? { recordTTL: a.recordTTL as number } : {}),
        ...(a.installCrd !== undefined ? { installCrd: a.installCrd as boolean } : {}),
        ...(a.resolution !== undefined ? { resolution: a.resolution as CoreResolution } : {}),
        ...(a.addresses !== undefined ? { addresses: a.addresses as Record<string, string[]> } : {}),
    };
}

async function remember<T extends pulumi.Resource>(table: Map<string, Built<T>>, name: string, component: T): Promise<T> {
    table.set((await state(component.urn).promise()) as string, { name, component });
    return component;
}

/** Builds one component from schema-shaped inputs; returns it and its schema outputs. */
export async function constructComponent(name: string, type: string, inputs: pulumi.Inputs,
                                         opts: pulumi.ComponentResourceOptions): Promise<ConstructResult> {
    const kind = type.split(":")[2];
    // Other languages read a component's outputs, and this process never sees their program end: every component
    // here records its placement view in its own outputs (placementRecord.ts).
    recordPerComponent();
    const a = (await settle(inputs ?? {})) as Record<string, unknown>;
    switch (kind) {
        case "MemberCluster": {
            const args: MemberClusterArgs = {
                kubeconfig: kubeconfigText(a.kubeconfig),
                ...(a.context !== undefined ? { context: a.context as pulumi.Input<string> } : {}),
                ...(a.clusterName !== undefined ? { clusterName: a.clusterName as string } : {}),
                ...(a.labels !== undefined ? { labels: a.labels as Record<string, string> } : {}),
                ...(a.region !== undefined ? { region: a.region as string } : {}),
                ...(a.zones !== undefined ? { zones: a.zones as string[] } : {}),
                ...(a.unreachable !== undefined ? { unreachable: a.unreachable as schema.Reachability } : {}),
                ...(a.adoptExisting !== undefined ? { adoptExisting: a.adoptExisting as boolean } : {}),
                ...(a.health !== undefined ? { health: a.health as boolean } : {}),
                ...(a.join !== undefined ? { join: a.join as boolean } : {}),
            };
            const m = await remember(members, name, new MemberCluster(name, args, opts));
            return { urn: m.urn, state: { clusterName: m.clusterName, labels: m.labels, region: m.region, zones: m.zones } };
        }
        case "FederatedNamespace": {
            const subject = `FederatedNamespace ${name}`;
            const built = await resolveRefs(subject, "clusters", a.clusters, members, "MemberCluster");
            const args: FederatedNamespaceArgs = {
                clusters: (built ?? []).map(b => b.component), ...federationOptions(a),
                ...(a.namespaceName !== undefined ? { namespaceName: a.namespaceName as string } : {}),
                ...(a.metadata !== undefined ? { metadata: a.metadata as schema.NamespaceMetadata } : {}),
            };
            const ns = await remember(namespaces, name, withReadBacks(readBacksFor(name, "namespace", built), () => new FederatedNamespace(name, args, opts)));
            return { urn: ns.urn, state: { namespaceName: ns.namespaceName, clusterNames: ns.clusterNames, decision: ns.decision, statusKey: ns.statusKey } };
        }
        case "FederatedResource": {
            const subject = `FederatedResource ${name}`;
            const built = await resolveRefs(subject, "clusters", a.clusters, members, "MemberCluster");
            const args: FederatedResourceArgs = {
                clusters: (built ?? []).map(b => b.component), ...federationOptions(a),
                template: a.template as KubernetesObject,
                ...(a.namespace !== undefined
                    ? { namespace: (await resolveRef(subject, "namespace", a.namespace, namespaces, "FederatedNamespace")).component } : {}),
                ...(await schedulingArg(subject, a)),
                ...(a.retainReplicas !== undefined ? { retainReplicas: a.retainReplicas as boolean } : {}),
                ...(a.dependencies !== undefined ? { dependencies: a.dependencies as schema.DependencyMode } : {}),
                ...rolloutArg(subject, a.rollout),
                ...(a.readiness !== undefined ? { readiness: a.readiness as Record<string, boolean> } : {}),
            };
            const r = await remember(resources, name, withReadBacks(readBacksFor(name, "resource", built), () => new FederatedResource(name, args, opts)));
            return { urn: r.urn, state: { clusterNames: r.clusterNames, decision: r.recordedDecision, statusKey: r.statusKey } };
        }
        case "ReplicaSchedulingPreference": {
            const p = await remember(preferences, name, new ReplicaSchedulingPreference(name, a as unknown as ReplicaSchedulingPreferenceArgs, opts));
            return { urn: p.urn, state: { spec: p.spec } };
        }
        case "Domain": {
            const d = await remember(domains, name, new Domain(name, {
                domain: a.domain as string, ...(a.nameServer !== undefined ? { nameServer: a.nameServer as string } : {}),
            }, opts));
            return { urn: d.urn, state: { domain: d.domain, nameServer: d.nameServer, domainRef: d.domainRef } };
        }
        case "IngressDNSRecord": {
            const subject = `IngressDNSRecord ${name}`;
            const args: IngressDNSRecordArgs = {
                ...(await dnsOptions(subject, a)),
                ingress: (await resolveRef(subject, "ingress", a.ingress, resources, "FederatedResource")).component,
                hosts: a.hosts as string[],
            };
            const r = new IngressDNSRecord(name, args, opts);
            return { urn: r.urn, state: { endpoints: r.endpoints } };
        }
        case "ServiceDNSRecord": {
            const subject = `ServiceDNSRecord ${name}`;
            const args: ServiceDNSRecordArgs = {
                ...(await dnsOptions(subject, a)),
                service: (await resolveRef(subject, "service", a.service, resources, "FederatedResource")).component,
                domain: (await resolveRef(subject, "domain", a.domain, domains, "Domain")).component,
                ...(a.dnsPrefix !== undefined ? { dnsPrefix: a.dnsPrefix as string } : {}),
                ...(a.externalName !== undefined ? { externalName: a.externalName as string } : {}),
            };
            const r = new ServiceDNSRecord(name, args, opts);
            return { urn: r.urn, state: { endpoints: r.endpoints } };
        }
        case "FederatedChart": {
            const subject = `FederatedChart ${name}`;
            const args: FederatedChartArgs = {
                clusters: await plainMembers(subject, a.clusters),
                chart: a.chart as string,
                ...(await namespaceArg(subject, a)),
                ...(await schedulingArg(subject, a)),
                ...(a.version !== undefined ? { version: a.version as string } : {}),
                ...(a.releaseName !== undefined ? { releaseName: a.releaseName as string } : {}),
                ...(a.placement !== undefined ? { placement: a.placement as CorePlacement } : {}),
                ...(a.values !== undefined ? { values: a.values as Record<string, unknown> } : {}),
                ...(a.clusterValues !== undefined ? { clusterValues: a.clusterValues as Record<string, Record<string, unknown>> } : {}),
                ...(a.replicasPath !== undefined ? { replicasPath: a.replicasPath as string } : {}),
                ...(a.skipCrds !== undefined ? { skipCrds: a.skipCrds as boolean } : {}),
                ...(a.clusterValuesFrom !== undefined ? { clusterValuesFrom: a.clusterValuesFrom as Record<string, string> } : {}),
                ...(a.imageOverrides !== undefined ? { imageOverrides: a.imageOverrides as FederatedChartArgs["imageOverrides"] } : {}),
                ...(a.valueYamlFiles !== undefined ? { valueYamlFiles: a.valueYamlFiles as string[] } : {}),
                ...(a.repositoryOpts !== undefined ? { repositoryOpts: a.repositoryOpts as FederatedChartArgs["repositoryOpts"] } : {}),
            };
            const c = new FederatedChart(name, args, opts);
            return { urn: c.urn, state: { clusterNames: c.clusterNames, decision: c.recordedDecision } };
        }
        case "FederatedKustomization": {
            const subject = `FederatedKustomization ${name}`;
            const args: FederatedKustomizationArgs = {
                clusters: await plainMembers(subject, a.clusters),
                directory: a.directory as string,
                ...(await namespaceArg(subject, a)),
                ...(a.clusterDirectories !== undefined ? { clusterDirectories: a.clusterDirectories as Record<string, string> } : {}),
                ...(a.placement !== undefined ? { placement: a.placement as CorePlacement } : {}),
            };
            const k = new FederatedKustomization(name, args, opts);
            return { urn: k.urn, state: { clusterNames: k.clusterNames, decision: k.decision } };
        }
        default:
            throw new Error(`unknown component type ${type}; this package serves ${Object.keys(schema.packageComponents).join(", ")}`);
    }
}

/** Rewrites the analyzer's placeholder object types for references into resource references of this package. */
export function withResourceReferences(schemaJson: string): string {
    const s = JSON.parse(schemaJson) as { types?: Record<string, unknown> };
    const refFor = new Map(Object.entries(schema.REFERENCE_TYPES).map(([t, r]) => [`#/types/pulumi-kubefed:index:${t}`, `#/resources/${r}`]));
    const walk = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(walk);
        if (v === null || typeof v !== "object") return v;
        const o: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) o[k] = k === "$ref" && typeof e === "string" && refFor.has(e) ? refFor.get(e) : walk(e);
        return o;
    };
    const out = walk(s) as { types?: Record<string, unknown> };
    for (const t of Object.keys(schema.REFERENCE_TYPES)) delete out.types?.[`pulumi-kubefed:index:${t}`];
    return JSON.stringify(out);
}

/**
 * Language settings of the generated SDKs: Python's generator would otherwise name the module after the package
 * with a `pulumi_` prefix (`pulumi_pulumi_kubefed`); this makes it `import pulumi_kubefed`.
 */
export function withLanguageInfo(schemaJson: string): string {
    const s = JSON.parse(schemaJson) as { language?: Record<string, unknown> };
    s.language = { ...(s.language ?? {}), python: { packageName: "pulumi_kubefed" } };
    return JSON.stringify(s);
}

/** The package's provider: the analyzer's schema (with resource references and language settings), and `construct` above. */
export class KubefedComponentProvider extends ComponentProvider {
    async getSchema(): Promise<string> {
        return withLanguageInfo(withResourceReferences(await super.getSchema()));
    }
    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<ConstructResult> {
        ComponentProvider.validateResourceType("pulumi-kubefed", type);
        return constructComponent(name, type, inputs, options);
    }
}
