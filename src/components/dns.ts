import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
    DnsEndpoint, HostnameResolution, LoadBalancerStatus, Resolver, ValidationIssue, assertValid, dnsLabelProblem, dnsNameProblem, ingressDnsEndpoints,
    resolverFor, serviceDnsEndpoints, validateHostnameResolution, validateIngressDnsInput, validateServiceDnsInput,
} from "../core";
import { KubefedComponent, brand, componentType, prepare, raise } from "./base";
import { FederatedResource } from "./federatedResource";
import { MemberCluster } from "./memberCluster";
import { MANAGED_LABEL } from "./names";
import { ReadBackRegistry, currentReadBacks } from "./readBacks";
import { renderedKey } from "./renderedObjects";
import { elsewhere, followsElsewhere, needsClustersInShard, needsWholeObjectInShard, shardPlacementOf } from "./shard";

/** Arguments shared by the DNS record components. */
interface DnsRecordBase {
    /** The member cluster that receives the DNSEndpoint (where ExternalDNS watches). */
    dnsCluster: MemberCluster;
    /** Namespace of the DNSEndpoint; defaults to the federated object's namespace, else "default". */
    namespace?: string;
    /** TTL of the records; 0 or absent means 180 s (KubeFed's default). */
    recordTTL?: number;
    /** Also create ExternalDNS's DNSEndpoint CRD in `dnsCluster` (when ExternalDNS is not installed yet). */
    installCrd?: boolean;
    /** Resolves load-balancer hostnames to addresses. Defaults to Node's DNS, as KubeFed does; pass
     *  `async h => [h]` to keep hostnames as they are, or your own resolver in tests. Or use `resolution`. */
    resolve?: Resolver;
    /** The same choice as data (what the component package offers, where no function can be passed): `system`
     *  (Node's DNS, the default), `keep` (hostnames as they are: a name whose only target is one hostname becomes a
     *  CNAME to it, a hostname next to other targets fails the record) or `static` (from `addresses`). Not with `resolve`. */
    resolution?: HostnameResolution;
    /** With `resolution: "static"`: load-balancer hostname → its IP addresses; a hostname not listed fails the record. */
    addresses?: Record<string, string[]>;
}

/** Records computed once load balancers report, failing with an error on `resource` that names it (e.g. hostnames
 *  that resolution "keep" cannot publish). */
function recordsOf(resource: pulumi.Resource, subject: string, records: Promise<DnsEndpoint[]>): Promise<DnsEndpoint[]> {
    return records.catch(e => raise(resource, new Error(`${subject}: ${(e as Error)?.message ?? String(e)}`)));
}

/** The resolver the arguments ask for: the callback, or the resolution mode's. */
function resolverOf(args: DnsRecordBase): Resolver {
    return args.resolve ?? resolverFor(args.resolution, args.addresses);
}

/** Arguments of {@link IngressDNSRecord}. */
export interface IngressDNSRecordArgs extends DnsRecordBase {
    /** The federated Ingress whose load-balancer status is collected from each member. */
    ingress: FederatedResource;
    /** Host names to publish; each gets one A record over every cluster's load-balancer targets. */
    hosts: string[];
}

/** Arguments of {@link ServiceDNSRecord}. */
export interface ServiceDNSRecordArgs extends DnsRecordBase {
    /** The federated Service (type LoadBalancer) whose status is collected from each member. */
    service: FederatedResource;
    /** The DNS zone the records are created in. */
    domain: Domain;
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

/** KubeFed's Domain: a DNS zone that ServiceDNSRecords publish into. */
export class Domain extends KubefedComponent {
    static readonly __pulumiType = componentType("Domain");
    readonly domain: string;
    readonly nameServer?: string;
    /** The Domain's name, used as `domainRef` in record names. */
    readonly domainRef: string;
    constructor(name: string, args: DomainArgs, opts?: pulumi.ComponentResourceOptions) {
        prepare(opts, () => {
            const issues: ValidationIssue[] = [];
            const dp = dnsNameProblem(args?.domain);
            if (dp) issues.push({ severity: "error", field: "domain", message: `${dp}; use a DNS zone name such as example.com` });
            assertValid(`Domain ${name}`, issues);
            return {};
        });
        super(Domain.__pulumiType, name, { domain: args.domain, nameServer: args.nameServer ?? "" }, opts);
        this.domain = args.domain;
        this.nameServer = args.nameServer;
        this.domainRef = name;
        this.registerOutputs({ domain: this.domain });
    }
}

const DNS_API = "externaldns.k8s.io/v1alpha1";

/** Every member's load-balancer status of a federated object, keyed and ordered by cluster. */
function loadBalancers(fr: FederatedResource): pulumi.Output<{ cluster: string; loadBalancer?: LoadBalancerStatus }[]> {
    const entries = fr.clusterNames.map(c => pulumi.output((fr.resources[c] as unknown as { status?: pulumi.Input<{ loadBalancer?: LoadBalancerStatus }> }).status)
        .apply(st => ({ cluster: c, loadBalancer: st?.loadBalancer ?? undefined })));
    return pulumi.all(entries);
}

function checkBase(subject: string, args: DnsRecordBase, fr: FederatedResource | undefined, field: string, kinds: string[]): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (!args?.dnsCluster || !MemberCluster.isInstance(args.dnsCluster)) {
        issues.push({ severity: "error", field: "dnsCluster", message: "must be the MemberCluster that runs ExternalDNS" });
    }
    if (!fr || !FederatedResource.isInstance(fr)) {
        issues.push({ severity: "error", field, message: "must be a FederatedResource" });
    } else if (!kinds.includes(fr.template.kind)) {
        issues.push({ severity: "error", field, message: `is a ${fr.template.kind}; expected ${kinds.join(" or ")}` });
    } else if (args?.dnsCluster && MemberCluster.isInstance(args.dnsCluster)) {
        issues.push(...needsClustersInShard(field, [...fr.clusterNames, args.dnsCluster.clusterName]), ...needsWholeObjectInShard(field, fr, fr.clusterNames));
    }
    if (args?.namespace !== undefined) {
        const np = dnsLabelProblem(args.namespace);
        if (np) issues.push({ severity: "error", field: "namespace", message: `${np}; it is the namespace the DNSEndpoint is created in: use a Kubernetes namespace name (a DNS-1123 label such as "dns") or leave it out` });
    }
    if (args?.recordTTL !== undefined && (!Number.isInteger(args.recordTTL) || args.recordTTL < 0)) {
        issues.push({ severity: "error", field: "recordTTL", message: "must be a non-negative integer (seconds)" });
    }
    if (args) issues.push(...validateHostnameResolution(args));
    return issues;
}

/** The DNSEndpoint (and optionally its CRD) in the DNS cluster, read back by that member like a federated object
 *  (under `<component>/DNSEndpoint/<namespace>/<name>`, shown as the component's). */
function emitEndpoint(parent: pulumi.ComponentResource, type: string, name: string, objectName: string, namespace: string,
                      args: DnsRecordBase, endpoints: pulumi.Output<DnsEndpoint[]>, readBacks: ReadBackRegistry): k8s.apiextensions.CustomResource {
    const provider = args.dnsCluster.provider;
    const crd = args.installCrd ? new k8s.apiextensions.v1.CustomResourceDefinition(`${name}-crd`, dnsEndpointCrd(), { parent, provider }) : undefined;
    const sent = {
        apiVersion: DNS_API, kind: "DNSEndpoint",
        metadata: { name: objectName, namespace, labels: { [MANAGED_LABEL]: "true" } },
        spec: { endpoints },
    };
    const endpoint = new k8s.apiextensions.CustomResource(`${name}-${args.dnsCluster.clusterName}`, sent, { parent, provider, ...(crd ? { dependsOn: [crd] } : {}) });
    const target = { apiVersion: DNS_API, kind: "DNSEndpoint", name: objectName, namespace };
    readBacks.of(args.dnsCluster).track({
        name: renderedKey(name, target), secret: false, resource: endpoint,
        tracked: { target, desired: pulumi.output(sent), source: { type, name } },
    });
    return endpoint;
}

/**
 * KubeFed's IngressDNSRecord: one A record per host over the load-balancer addresses of the federated Ingress
 * in every member, published as an ExternalDNS `DNSEndpoint` named `ingress-<name>` in `dnsCluster`.
 */
export class IngressDNSRecord extends KubefedComponent {
    static readonly __pulumiType = componentType("IngressDNSRecord");
    /** The computed records (sorted and merged as KubeFed does). */
    readonly endpoints!: pulumi.Output<DnsEndpoint[]>;
    readonly dnsEndpoint!: k8s.apiextensions.CustomResource;

    constructor(name: string, args: IngressDNSRecordArgs, opts?: pulumi.ComponentResourceOptions) {
        // a workload shard keeps the record with its Ingress: another shard's Ingress, another shard's record
        if (followsElsewhere(args?.ingress)) return elsewhere<IngressDNSRecord>(IngressDNSRecord.prototype, shardPlacementOf(args.ingress)!, {}, o => brand(o, IngressDNSRecord.__pulumiType));
        const pre = prepare(opts, () => {
            const subject = `IngressDNSRecord ${name}`;
            const issues = checkBase(subject, args, args?.ingress, "ingress", ["Ingress"]);
            issues.push(...validateIngressDnsInput({ hosts: args?.hosts }));
            assertValid(subject, issues);
            const hosts = [...new Set(args.hosts)].sort();
            return { hosts };
        });
        super(IngressDNSRecord.__pulumiType, name, { hosts: pre.hosts, recordTTL: args.recordTTL ?? 0, clusters: args.ingress.clusterNames,
            dnsCluster: args.dnsCluster.clusterName }, opts);
        const { hosts } = pre;
        const resolve = resolverOf(args);
        this.endpoints = loadBalancers(args.ingress).apply(clusters =>
            recordsOf(this, `IngressDNSRecord ${name}`, ingressDnsEndpoints({ hosts, recordTTL: args.recordTTL, clusters }, resolve)));
        const namespace = args.namespace ?? args.ingress.template.metadata.namespace ?? "default";
        this.dnsEndpoint = emitEndpoint(this, "IngressDNSRecord", name, `ingress-${args.ingress.template.metadata.name}`, namespace, args, this.endpoints, currentReadBacks());
        this.registerOutputs({ endpoints: this.endpoints });
    }
}

/**
 * KubeFed's ServiceDNSRecord: zone, region and global records (CNAME fall-backs where a cluster has no
 * load-balancer address) for a federated Service, published as a `DNSEndpoint` named `service-<name>`.
 * Every member needs `region` and `zones` (as in KubeFed, where a cluster without them stops the records).
 */
export class ServiceDNSRecord extends KubefedComponent {
    static readonly __pulumiType = componentType("ServiceDNSRecord");
    readonly endpoints!: pulumi.Output<DnsEndpoint[]>;
    readonly dnsEndpoint!: k8s.apiextensions.CustomResource;

    constructor(name: string, args: ServiceDNSRecordArgs, opts?: pulumi.ComponentResourceOptions) {
        // a workload shard keeps the record with its Service: another shard's Service, another shard's record
        if (followsElsewhere(args?.service)) return elsewhere<ServiceDNSRecord>(ServiceDNSRecord.prototype, shardPlacementOf(args.service)!, {}, o => brand(o, ServiceDNSRecord.__pulumiType));
        const pre = prepare(opts, () => {
            const subject = `ServiceDNSRecord ${name}`;
            const issues = checkBase(subject, args, args?.service, "service", ["Service"]);
            if (!args?.domain || !Domain.isInstance(args.domain)) {
                issues.push({ severity: "error", field: "domain", message: "must be a Domain (new kubefed.Domain(name, { domain }))" });
            }
            if (issues.length === 0) {
                const placed = args.service.members.filter(m => args.service.clusterNames.includes(m.clusterName));
                for (const m of placed) {
                    if (!m.region || m.zones.length === 0) {
                        issues.push({ severity: "error", field: "service", message: `member cluster "${m.clusterName}" has no region or zones; set region and zones on its MemberCluster` });
                    }
                }
                if (issues.length === 0) {
                    issues.push(...validateServiceDnsInput({
                        name: args.service.template.metadata.name, namespace: args.service.template.metadata.namespace ?? "default",
                        domainRef: args.domain.domainRef, domain: args.domain.domain, dnsPrefix: args.dnsPrefix, externalName: args.externalName,
                        clusters: placed.map(m => ({ cluster: m.clusterName, region: m.region, zones: m.zones })),
                    }));
                }
            }
            assertValid(subject, issues);
            const svc = args.service;
            const svcName = svc.template.metadata.name;
            const svcNamespace = svc.template.metadata.namespace ?? "default";
            return { svc, svcName, svcNamespace };
        });
        super(ServiceDNSRecord.__pulumiType, name, { service: `${pre.svcNamespace}/${pre.svcName}`, domain: args.domain.domain,
            recordTTL: args.recordTTL ?? 0, dnsPrefix: args.dnsPrefix ?? "", externalName: args.externalName ?? "",
            clusters: pre.svc.clusterNames, dnsCluster: args.dnsCluster.clusterName }, opts);
        const { svc, svcName, svcNamespace } = pre;
        const byName = new Map(svc.members.map(m => [m.clusterName, m]));
        const domain = args.domain;
        this.endpoints = loadBalancers(svc).apply(lbs => recordsOf(this, `ServiceDNSRecord ${name}`, serviceDnsEndpoints({
            name: svcName, namespace: svcNamespace, domainRef: domain.domainRef, domain: domain.domain,
            recordTTL: args.recordTTL, dnsPrefix: args.dnsPrefix, externalName: args.externalName,
            clusters: lbs.map(l => ({ cluster: l.cluster, region: byName.get(l.cluster)!.region!, zones: byName.get(l.cluster)!.zones, loadBalancer: l.loadBalancer })),
        }, resolverOf(args))));
        this.dnsEndpoint = emitEndpoint(this, "ServiceDNSRecord", name, `service-${svcName}`, args.namespace ?? svcNamespace, args, this.endpoints, currentReadBacks());
        this.registerOutputs({ endpoints: this.endpoints });
    }
}

/** ExternalDNS's DNSEndpoint CRD (externaldns.k8s.io/v1alpha1), for clusters that do not have it yet. */
export function dnsEndpointCrd(): k8s.apiextensions.v1.CustomResourceDefinitionArgs {
    return {
        metadata: { name: "dnsendpoints.externaldns.k8s.io", annotations: { "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/external-dns/pull/2007" } },
        spec: {
            group: "externaldns.k8s.io",
            names: { kind: "DNSEndpoint", listKind: "DNSEndpointList", plural: "dnsendpoints", singular: "dnsendpoint" },
            scope: "Namespaced",
            versions: [{
                name: "v1alpha1", served: true, storage: true, subresources: { status: {} },
                schema: { openAPIV3Schema: { type: "object", properties: {
                    apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" },
                    spec: { type: "object", properties: { endpoints: { type: "array", items: { type: "object", properties: {
                        dnsName: { type: "string" }, recordTTL: { type: "integer", format: "int64" }, recordType: { type: "string" },
                        setIdentifier: { type: "string" },
                        labels: { type: "object", additionalProperties: { type: "string" } },
                        targets: { type: "array", items: { type: "string" } },
                        providerSpecific: { type: "array", items: { type: "object", properties: { name: { type: "string" }, value: { type: "string" } } } },
                    } } } } },
                    status: { type: "object", properties: { observedGeneration: { type: "integer", format: "int64" } } },
                } } },
            }],
        },
    };
}
