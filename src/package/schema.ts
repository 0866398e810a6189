/**
 * The cross-language package's schema, written as TypeScript for @pulumi/pulumi's schema analyzer
 * (`provider/experimental`): `pulumi package get-schema package/` infers the package schema from these classes and
 * interfaces. Every shape here is schema-friendly: no unions (one explicit field per alternative), no callbacks, other
 * components passed as resource references, and string enums as `as const` objects.
 *
 * The classes are declarations only (abstract): the package's provider (`./provider.ts`) builds the very same
 * components TypeScript programs use (`MemberCluster`, `FederatedResource`, … from `pulumi-kubefed`), with the same
 * type tokens, children, recorded decisions and errors. TypeScript users keep using those classes directly.
 *
 * One file over 350 lines on purpose: the analyzer follows plugin/index.ts to this one module for the whole
 * schema, and these declarations restate the components' argument types in its terms
 * (test/unit/package/schemaDrift.test.ts keeps the two in step field by field), so the repetition `duplicates`
 * shows against src/core/types.ts is the point.
 */
import * as pulumi from "@pulumi/pulumi";

const TOKEN = "pulumi-kubefed:index:";

/**
 * Any JSON value (the schema's `Any`). The analyzer infers `Any` only from TypeScript's `any`, which this alias
 * resolves to; it is used for Kubernetes objects and JSON-patch values, which have no fixed shape.
 */
export type JsonValue = ReturnType<typeof JSON.parse>;

/** A reference to a `MemberCluster` of this package (a resource reference in the schema). */
export interface MemberClusterReference {}
/** A reference to a `FederatedNamespace` of this package (a resource reference in the schema). */
export interface FederatedNamespaceReference {}
/** A reference to a `ReplicaSchedulingPreference` of this package (a resource reference in the schema). */
export interface ReplicaSchedulingPreferenceReference {}
/** A reference to a `FederatedResource` of this package (a resource reference in the schema). */
export interface FederatedResourceReference {}
/** A reference to a `Domain` of this package (a resource reference in the schema). */
export interface DomainReference {}

/** What a member does when its API server cannot be reached (maps onto the Kubernetes provider's flags). */
export const Reachability = {
    /** Changes to this member fail (default). */
    Fail: "fail",
    /** Its state is kept and its changes skipped with a warning (`skipUpdateUnreachable`). */
    Skip: "skip",
    /** Like skip, and `refresh` drops its objects from state (`deleteUnreachable`). */
    Forget: "forget",
} as const;
/** What a member does when its API server cannot be reached. */
export type Reachability = (typeof Reachability)[keyof typeof Reachability];

/** A label-selector operator. */
export const SelectorOperator = { In: "In", NotIn: "NotIn", Exists: "Exists", DoesNotExist: "DoesNotExist" } as const;
/** A label-selector operator. */
export type SelectorOperator = (typeof SelectorOperator)[keyof typeof SelectorOperator];

/** A JSON-patch operation; absent means replace. */
export const OverrideOp = { Add: "add", Remove: "remove", Replace: "replace" } as const;
/** A JSON-patch operation; absent means replace. */
export type OverrideOp = (typeof OverrideOp)[keyof typeof OverrideOp];

/** What a workload does with the federated ConfigMaps, Secrets, ServiceAccounts and PVCs its pod template references. */
export const DependencyMode = {
    /** Referencing one in a cluster where it is not placed is an error at preview (default). */
    Check: "check",
    /** They are also placed in every cluster this workload is placed in. */
    Follow: "follow",
    /** Neither. */
    Ignore: "ignore",
} as const;
/** What a workload does with the federated objects its pod template references. */
export type DependencyMode = (typeof DependencyMode)[keyof typeof DependencyMode];

/** What a spread constraint groups member clusters by. */
export const SpreadField = {
    /** Each cluster is its own group. */
    Cluster: "cluster",
    Region: "region",
    /** Each of the cluster's zones. */
    Zone: "zone",
    /** The cluster label `provider`. */
    Provider: "provider",
} as const;
/** What a spread constraint groups member clusters by. */
export type SpreadField = (typeof SpreadField)[keyof typeof SpreadField];

/** How a DNS record turns load-balancer hostnames into targets (the TypeScript API's `resolve` callback, as data). */
export const HostnameResolution = {
    /** Resolve them with Node's DNS, as KubeFed does (default). */
    System: "system",
    /** Publish the hostnames as they are. */
    Keep: "keep",
    /** Take the addresses from `addresses`; a hostname missing there fails the record. */
    Static: "static",
} as const;
/** How a DNS record turns load-balancer hostnames into targets. */
export type HostnameResolution = (typeof HostnameResolution)[keyof typeof HostnameResolution];

/** One `matchExpressions` entry of a label selector. */
export interface LabelSelectorRequirement {
    key: string;
    operator: SelectorOperator;
    values?: string[];
}

/** A Kubernetes label selector over the members' labels; `{}` selects every member. */
export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: LabelSelectorRequirement[];
}

/** A member named in `placement.clusters`. */
export interface ClusterName {
    name: string;
}

/** A Karmada spread constraint: exactly one of `spreadByField` and `spreadByLabel`. */
export interface SpreadConstraint {
    /** Group clusters by their name (`cluster`), `region`, `zone` (each of their zones) or `provider` label. */
    spreadByField?: SpreadField;
    /** Group clusters by the value of this cluster label. */
    spreadByLabel?: string;
    /** Fewest groups the placement must span (default 1). */
    minGroups?: number;
    /** Most groups the placement may span (default: no limit). */
    maxGroups?: number;
}

/** KubeFed placement: `clusters`, when present, wins even when empty; otherwise `clusterSelector` (absent selects none). */
export interface Placement {
    clusters?: ClusterName[];
    clusterSelector?: LabelSelector;
    /** Karmada-style spread constraints applied to the clusters picked above. */
    spreadConstraints?: SpreadConstraint[];
}

/** One JSON-patch operation of a cluster's overrides. */
export interface OverrideOperation {
    /** add, remove or replace (default). */
    op?: OverrideOp;
    /** JSON pointer, e.g. `/spec/replicas`. */
    path: string;
    /** The value for add/replace. */
    value?: JsonValue;
}

/** The overrides of one member cluster. */
export interface ClusterOverride {
    /** One member cluster (exactly one of clusterName and clusterSelector). */
    clusterName?: string;
    /** Every member whose labels match ({} matches all). */
    clusterSelector?: LabelSelector;
    /** JSON-patch operations (a missing op means replace). */
    clusterOverrides?: OverrideOperation[];
    /** Registry, repository, tag or digest changes of the pod template's containers. */
    imageOverrides?: ImageOverride[];
}

/** The part of an image reference an image override changes. */
export const ImageComponent = {
    /** e.g. registry.example.com */
    Registry: "registry",
    /** e.g. shop/web */
    Repository: "repository",
    /** e.g. 1.27 */
    Tag: "tag",
    /** e.g. sha256:... */
    Digest: "digest",
} as const;
/** The part of an image reference an image override changes. */
export type ImageComponent = (typeof ImageComponent)[keyof typeof ImageComponent];

/** What an image override does to its part. */
export const ImageOverrideOp = {
    /** Set the part (added where the image has none); the default. */
    Replace: "replace",
    /** Drop the part (registry, tag or digest). */
    Remove: "remove",
} as const;
/** What an image override does to its part. */
export type ImageOverrideOp = (typeof ImageOverrideOp)[keyof typeof ImageOverrideOp];

/** One change to the images of every container and init container (or of the containers named). */
export interface ImageOverride {
    component: ImageComponent;
    op?: ImageOverrideOp;
    value?: string;
    /** Only these containers, by name. */
    containers?: string[];
}

/** A ReplicaSchedulingPreference entry for one cluster (or `*`). */
export interface ClusterPreference {
    minReplicas?: number;
    maxReplicas?: number;
    weight?: number;
}

/** KubeFed's ReplicaSchedulingPreference spec. */
export interface ReplicaSchedulingSpec {
    /** Replicas to spread over the clusters. */
    totalReplicas: number;
    /** Move running replicas to follow the preferences (default false). */
    rebalance?: boolean;
    /** Schedule only over the clusters the placement's selector picks. */
    intersectWithClusterSelector?: boolean;
    /** Preferences by cluster name or `*`; absent means `{"*": {weight: 1}}`. */
    clusters?: Record<string, ClusterPreference>;
    /** Plan only over the members observed ready (default true); false plans as if every member were ready. */
    failover?: boolean;
}

/** Replica counts observed in the members (docs/semantics.md#current-replicas-and-capacity). */
export interface ObservedReplicas {
    currentReplicas?: Record<string, number>;
    estimatedCapacity?: Record<string, number>;
    /** Member readiness (cluster -> ready) for failover; a cluster without an entry counts as ready. */
    ready?: Record<string, boolean>;
}

/** Labels and annotations of the namespace objects. */
export interface NamespaceMetadata {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

/** What a federated object gets in one placed cluster. */
export interface PlacedCluster {
    replicas?: number;
    overrides: string[];
    images: string[];
    labels?: Record<string, string>;
}

/** Why replicas moved: placed members observed not ready, and the replicas each would get were all ready. */
export interface FailoverDecision {
    notReady: string[];
    replicasIfReady: Record<string, number>;
}

/** One spread constraint and the groups the placed clusters span under it. */
export interface SpreadDecision {
    constraint: SpreadConstraint;
    groups: string[];
}

/** One rollout wave as planned: its placed clusters (`implicit` for the last wave of clusters no wave lists). */
export interface PlannedWave {
    name: string;
    clusters: string[];
    implicit?: boolean;
}

/** The progressive rollout as planned: the waves in order, and how long each may take to become ready. */
export interface RolloutDecision {
    waves: PlannedWave[];
    timeoutSeconds: number;
}

/** How the objects a workload's pod template references are treated (recorded when not `check`), and those found. */
export interface DependenciesDecision {
    mode: DependencyMode;
    references: string[];
}

/** The decision every federated kind records: what `preview --diff` and policies see. */
export interface DecisionSummary {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    placed: Record<string, PlacedCluster>;
    excluded: Record<string, string>;
    overrideClusters: string[];
    outputPaths?: string[];
    unplacedReplicas?: number;
    replicaScheduling?: ReplicaSchedulingSpec;
    /** Members observed not ready got 0 replicas, planned on the ready ones; absent when all were ready. */
    failover?: FailoverDecision;
    /** The placement's spread constraints and the groups the placed clusters span. */
    spread?: SpreadDecision[];
    namespacePlacement?: boolean;
    orphanOnDelete: boolean;
    retainReplicas: boolean;
    waitForReady: boolean;
    warnings: string[];
    /** The progressive rollout's waves. */
    rollout?: RolloutDecision;
    /** How referenced ConfigMaps, Secrets, ServiceAccounts and PVCs are treated, when not `check`. */
    dependencies?: DependenciesDecision;
    /** Clusters a `dependencies: follow` workload pulled this object into, with the workloads that did. A TypeScript
     *  program records it once the program is done; the package's `decision` output never has it (see README). */
    pulledBy?: Record<string, string[]>;
}

/** One rollout wave: a `name` and exactly one of `clusters` and `clusterSelector`. */
export interface RolloutWave {
    /** Stable name of the wave (a DNS-1123 label). */
    name: string;
    /** Member cluster names in this wave. */
    clusters?: string[];
    /** Or: the members whose labels match this selector (`{}` = all). */
    clusterSelector?: LabelSelector;
}

/** Progressive rollout: a wave's member objects are created or updated only after every earlier wave is ready. */
export interface RolloutSpec {
    waves: RolloutWave[];
    /** Seconds each wave may take to become ready before the rollout stops; default 600. */
    timeoutSeconds?: number;
}

/** Arguments of {@link MemberCluster}. */
export interface MemberClusterArgs {
    /** Kubeconfig contents or path; pass a secret. */
    kubeconfig: pulumi.Input<string>;
    /** Context inside the kubeconfig; defaults to its current context. */
    context?: pulumi.Input<string>;
    /** Name used by placement and overrides; defaults to the resource name. */
    clusterName?: string;
    /** Labels matched by placement cluster selectors. */
    labels?: Record<string, string>;
    region?: string;
    zones?: string[];
    /** fail (default), skip or forget. */
    unreachable?: Reachability;
    /** Adopt objects that already exist in the member (default false). */
    adoptExisting?: boolean;
    /** Read back the member's health (default true). */
    health?: boolean;
    /** Join mode with KubeFed's default RBAC (all verbs on all resources). */
    join?: boolean;
}

/** Options shared by every federated kind. */
export interface FederationOptions {
    /** Every member cluster of the federation. */
    clusters: MemberClusterReference[];
    placement?: Placement;
    overrides?: ClusterOverride[];
    orphanOnDelete?: boolean;
    waitForReady?: boolean;
    forceOwnership?: boolean;
    status?: boolean;
    logDecision?: boolean;
}

/** Arguments of {@link FederatedNamespace}. */
export interface FederatedNamespaceArgs extends FederationOptions {
    /** Name of the namespace in the members; defaults to the resource name. */
    namespaceName?: string;
    metadata?: NamespaceMetadata;
}

/** Arguments of {@link FederatedResource}. */
export interface FederatedResourceArgs extends FederationOptions {
    /** The Kubernetes object to federate (apiVersion, kind, metadata.name, …). */
    template: JsonValue;
    /** The federated namespace the object lives in. */
    namespace?: FederatedNamespaceReference;
    /** Replica scheduling by a ReplicaSchedulingPreference resource. */
    replicaScheduling?: ReplicaSchedulingPreferenceReference;
    /** Replica scheduling by an inline spec (instead of `replicaScheduling`). */
    replicaSchedulingSpec?: ReplicaSchedulingSpec;
    /** Keep the member's own `spec.replicas` on updates. */
    retainReplicas?: boolean;
    /** Workloads: what happens with the federated ConfigMaps, Secrets, ServiceAccounts and PVCs the pod template
     *  references: check (default), follow or ignore. */
    dependencies?: DependencyMode;
    /** Progressive rollout: waves of clusters (by name or selector). */
    rollout?: RolloutSpec;
    /** Member readiness (cluster -> ready) for failover with `replicaSchedulingSpec` (a ReplicaSchedulingPreference
     *  brings its own `observed.ready`). */
    readiness?: Record<string, boolean>;
}

/** Arguments of {@link ReplicaSchedulingPreference}. */
export interface ReplicaSchedulingPreferenceArgs extends ReplicaSchedulingSpec {
    observed?: ObservedReplicas;
}

/** Arguments shared by the DNS records. */
export interface DnsRecordOptions {
    /** The member cluster that receives the DNSEndpoint (where ExternalDNS watches). */
    dnsCluster: MemberClusterReference;
    /** Namespace of the DNSEndpoint; defaults to the federated object's namespace, else "default". */
    namespace?: string;
    /** TTL of the records in seconds; 0 or absent means 180 (KubeFed's default). */
    recordTTL?: number;
    /** Also create ExternalDNS's DNSEndpoint CRD in `dnsCluster`. */
    installCrd?: boolean;
    /** system (default), keep or static. */
    resolution?: HostnameResolution;
    /** With resolution static: load-balancer hostname to its IP addresses. */
    addresses?: Record<string, string[]>;
}

/** Arguments of {@link IngressDNSRecord}. */
export interface IngressDNSRecordArgs extends DnsRecordOptions {
    /** The federated Ingress whose load-balancer status is collected from each member. */
    ingress: FederatedResourceReference;
    /** Host names to publish; each gets one A record over every cluster's load-balancer targets. */
    hosts: string[];
}

/** Arguments of {@link ServiceDNSRecord}. */
export interface ServiceDNSRecordArgs extends DnsRecordOptions {
    /** The federated Service (type LoadBalancer) whose status is collected from each member. */
    service: FederatedResourceReference;
    /** The DNS zone the records are created in. */
    domain: DomainReference;
    /** Adds `CNAME <dnsPrefix>.<domain>` pointing at the global record. */
    dnsPrefix?: string;
    /** Publish under this name instead of the Service's name (records get label serviceName). */
    externalName?: string;
}

/** Arguments of {@link Domain}. */
export interface DomainArgs {
    /** The DNS zone, e.g. `example.com`. */
    domain: string;
    /** The zone's name server (informational, as in KubeFed). */
    nameServer?: string;
}

/** One ExternalDNS endpoint (`DNSEndpoint.spec.endpoints[]`). */
export interface DnsEndpoint {
    dnsName: string;
    targets: string[];
    recordType: string;
    recordTTL: number;
    labels?: Record<string, string>;
}

/** Arguments of {@link FederatedChart}. */
export interface FederatedChartArgs {
    /** Every member cluster of the federation. */
    clusters: MemberClusterReference[];
    /** A path to a chart directory or archive, or any reference the Kubernetes provider's Helm v4 Chart accepts. */
    chart: string;
    /** Chart version, for repository or OCI references. */
    version?: string;
    /** Release name in every member; defaults to the resource name. */
    releaseName?: string;
    /** The federated namespace of the releases (they then go only where it is placed, after it). */
    namespace?: FederatedNamespaceReference;
    /** A namespace by name (instead of `namespace`). */
    namespaceName?: string;
    placement?: Placement;
    /** Values every release gets. */
    values?: Record<string, JsonValue>;
    /** Per cluster: values deep-merged over `values` (Helm's merge). */
    clusterValues?: Record<string, Record<string, JsonValue>>;
    /** Replica scheduling by a ReplicaSchedulingPreference resource. */
    replicaScheduling?: ReplicaSchedulingPreferenceReference;
    /** Replica scheduling by an inline spec (instead of `replicaScheduling`). */
    replicaSchedulingSpec?: ReplicaSchedulingSpec;
    /** Dotted values path receiving each cluster's replicas, e.g. `replicaCount`; required with replica scheduling. */
    replicasPath?: string;
    /** Skip the chart's `crds/` directory. */
    /** Values filled from each cluster's facts: fact (name, region, zones, labels.<key>) -> dotted values path. */
    clusterValuesFrom?: Record<string, string>;
    /** Paths of YAML values files, merged in order under `values`. */
    valueYamlFiles?: string[];
    /** The chart repository. */
    repositoryOpts?: RepositoryOpts;
    /** The image overrider for the chart's image values, per cluster by name or selector. (An Input: Go's SDK
     *  generator refers to the entries' input struct, which it generates only for a property that is not plain.) */
    imageOverrides?: pulumi.Input<pulumi.Input<ChartImageOverride>[]>;
    skipCrds?: boolean;
}

/** What a FederatedChart records: the decision every kind records (kind `Chart`), plus which cluster gets which values. */
export interface ChartDecision extends DecisionSummary {
    chart: string;
    releaseName: string;
    clusters: string[];
    /** The merged values per placed cluster. */
    values: Record<string, Record<string, JsonValue>>;
    replicas?: Record<string, number>;
    /** The values files merged under `values`, as given. */
    valueYamlFiles?: string[];
    /** The chart repository, when one was given. */
    repository?: string;
}

/** The image overrider for a chart's image values (registry, repository, tag, digest at valuesPath). */
export interface ChartImageOverride {
    clusterName?: string;
    clusterSelector?: LabelSelector;
    /** Dotted values path of the image map; default image. */
    valuesPath?: string;
    imageOverrides: ImageOverride[];
}

/** A chart repository, as Helm's `--repo` and its credentials take it. */
export interface RepositoryOpts {
    /** The repository URL. */
    repo?: string;
    username?: string;
    /** Kept secret. */
    password?: pulumi.Input<string>;
}

/** Arguments of {@link FederatedKustomization}. */
export interface FederatedKustomizationArgs {
    /** Every member cluster of the federation. */
    clusters: MemberClusterReference[];
    /** The kustomization every placed member gets (a directory with a kustomization.yaml). */
    directory: string;
    /** Per cluster: an overlay directory used instead of `directory`. */
    clusterDirectories?: Record<string, string>;
    placement?: Placement;
    /** The federated namespace of the rendered objects (placement intersects with it). */
    namespace?: FederatedNamespaceReference;
    /** A default namespace by name (instead of `namespace`). */
    namespaceName?: string;
}

/** What a FederatedKustomization records: the decision every kind records (kind `Kustomization`), plus which
 *  directory each cluster gets. */
export interface KustomizationDecision extends DecisionSummary {
    clusters: string[];
    directories: Record<string, string>;
}

/** A member cluster of the federation: its identity and one Kubernetes provider built from a secret kubeconfig. */
export abstract class MemberCluster extends pulumi.ComponentResource {
    declare readonly clusterName: pulumi.Output<string>;
    declare readonly labels: pulumi.Output<Record<string, string>>;
    declare readonly region: pulumi.Output<string | undefined>;
    declare readonly zones: pulumi.Output<string[]>;
    constructor(name: string, args: MemberClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}MemberCluster`, name, args, opts);
    }
}

/** A namespace in its selected member clusters. */
export abstract class FederatedNamespace extends pulumi.ComponentResource {
    declare readonly namespaceName: pulumi.Output<string>;
    declare readonly clusterNames: pulumi.Output<string[]>;
    declare readonly decision: pulumi.Output<DecisionSummary>;
    declare readonly statusKey: pulumi.Output<string | undefined>;
    constructor(name: string, args: FederatedNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}FederatedNamespace`, name, args, opts);
    }
}

/** A Kubernetes object of any kind federated over member clusters. */
export abstract class FederatedResource extends pulumi.ComponentResource {
    declare readonly clusterNames: pulumi.Output<string[]>;
    declare readonly decision: pulumi.Output<DecisionSummary>;
    declare readonly statusKey: pulumi.Output<string | undefined>;
    constructor(name: string, args: FederatedResourceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}FederatedResource`, name, args, opts);
    }
}

/** KubeFed's ReplicaSchedulingPreference, passed as `replicaScheduling` of a FederatedResource. */
export abstract class ReplicaSchedulingPreference extends pulumi.ComponentResource {
    declare readonly spec: pulumi.Output<ReplicaSchedulingSpec>;
    constructor(name: string, args: ReplicaSchedulingPreferenceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}ReplicaSchedulingPreference`, name, args, opts);
    }
}

/** KubeFed's Domain: a DNS zone that ServiceDNSRecords publish into. */
export abstract class Domain extends pulumi.ComponentResource {
    declare readonly domain: pulumi.Output<string>;
    declare readonly nameServer: pulumi.Output<string | undefined>;
    /** The Domain's name, used as `domainRef` in record names. */
    declare readonly domainRef: pulumi.Output<string>;
    constructor(name: string, args: DomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}Domain`, name, args, opts);
    }
}

/** KubeFed's IngressDNSRecord: one A record per host over the federated Ingress's load balancers, as a DNSEndpoint. */
export abstract class IngressDNSRecord extends pulumi.ComponentResource {
    /** The computed records (sorted and merged as KubeFed does). */
    declare readonly endpoints: pulumi.Output<DnsEndpoint[]>;
    constructor(name: string, args: IngressDNSRecordArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}IngressDNSRecord`, name, args, opts);
    }
}

/** KubeFed's ServiceDNSRecord: zone, region and global records of a federated Service, as a DNSEndpoint. */
export abstract class ServiceDNSRecord extends pulumi.ComponentResource {
    /** The computed records (sorted and merged as KubeFed does). */
    declare readonly endpoints: pulumi.Output<DnsEndpoint[]>;
    constructor(name: string, args: ServiceDNSRecordArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}ServiceDNSRecord`, name, args, opts);
    }
}

/** A Helm chart federated over member clusters: one Helm v4 Chart per placed member, values per cluster. */
export abstract class FederatedChart extends pulumi.ComponentResource {
    declare readonly clusterNames: pulumi.Output<string[]>;
    declare readonly decision: pulumi.Output<ChartDecision>;
    constructor(name: string, args: FederatedChartArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}FederatedChart`, name, args, opts);
    }
}

/** A Kustomize directory federated over member clusters: one Kustomize Directory per placed member. */
export abstract class FederatedKustomization extends pulumi.ComponentResource {
    declare readonly clusterNames: pulumi.Output<string[]>;
    declare readonly decision: pulumi.Output<KustomizationDecision>;
    constructor(name: string, args: FederatedKustomizationArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TOKEN}FederatedKustomization`, name, args, opts);
    }
}

/** The component classes served by the package, by schema name. */
export const packageComponents = {
    MemberCluster, FederatedNamespace, FederatedResource, ReplicaSchedulingPreference,
    Domain, IngressDNSRecord, ServiceDNSRecord, FederatedChart, FederatedKustomization,
};

/** Schema types standing for resource references, and the resource each stands for. */
export const REFERENCE_TYPES: Record<string, string> = {
    MemberClusterReference: `${TOKEN}MemberCluster`,
    FederatedNamespaceReference: `${TOKEN}FederatedNamespace`,
    ReplicaSchedulingPreferenceReference: `${TOKEN}ReplicaSchedulingPreference`,
    FederatedResourceReference: `${TOKEN}FederatedResource`,
    DomainReference: `${TOKEN}Domain`,
};
