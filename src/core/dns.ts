/**
 * Multi-cluster DNS endpoints (docs/semantics.md#dns-endpoints; KubeFed v0.6.1 `pkg/controller/dnsendpoint/{common,ingress,service}.go`):
 * turns per-cluster load-balancer status into external-dns `DNSEndpoint` records.
 */
import { promises as dnsPromises } from "dns";
import { isIP } from "net";
import { compareStrings } from "./placement";
import { ValidationError, ValidationIssue } from "./errors";

/** One `status.loadBalancer.ingress` entry of a Service or Ingress. */
export interface LoadBalancerIngress { ip?: string; hostname?: string }
/** A Service's or Ingress's `status.loadBalancer`. */
export interface LoadBalancerStatus { ingress?: LoadBalancerIngress[] }
/** One external-dns endpoint (`DNSEndpoint.spec.endpoints[]`). */
export interface DnsEndpoint { dnsName: string; targets: string[]; recordType: string; recordTTL: number; labels?: Record<string, string> }
/** Resolves a hostname to IP addresses. Rejecting fails the whole computation, as in KubeFed. */
export type Resolver = (hostname: string) => Promise<string[]>;

/** TTL used when `recordTTL` is absent or 0 (KubeFed `defaultDNSTTL`). */
export const DEFAULT_DNS_TTL = 180;

/** Node's resolver with the semantics of Go's `net.LookupHost`: every address, IPv4 and IPv6. */
export const systemResolver: Resolver = async hostname => {
    const addrs = await dnsPromises.lookup(hostname, { all: true });
    return addrs.map(a => a.address);
};

/** LB targets of one cluster: per ingress entry its ip (if non-empty), then its hostname (if non-empty). */
export function loadBalancerTargets(lb: LoadBalancerStatus | undefined | null): string[] {
    const out: string[] = [];
    for (const i of lb?.ingress ?? []) {
        if (i?.ip) out.push(i.ip);
        if (i?.hostname) out.push(i.hostname);
    }
    return out;
}

/** Sorted, de-duplicated strings (byte order, like Go's sort of strings). */
function sortUnique(xs: Iterable<string>): string[] {
    return Array.from(new Set(xs)).sort(compareStrings);
}

/** Resolves non-IP targets with a per-call memo (one lookup per hostname), then sorts and de-duplicates. */
function makeTargetResolver(resolve: Resolver) {
    const memo = new Map<string, Promise<string[]>>();
    return async (targets: string[]): Promise<string[]> => {
        const out: string[] = [];
        for (const t of targets) {
            if (isIP(t) !== 0) {
                out.push(t);
                continue;
            }
            let p = memo.get(t);
            if (!p) {
                p = resolve(t).then(a => {
                    if (!Array.isArray(a)) throw new ValidationError(`load-balancer hostname ${t}`, [{ severity: "error", field: "resolver", message: `returned ${typeof a}; it must return an array of addresses` }]);
                    return a;
                }, e => {
                    const err = new ValidationError(`load-balancer hostname ${t}`, [{ severity: "error", field: "status.loadBalancer.ingress[].hostname", message: `cannot be resolved (${(e as Error)?.message ?? String(e)}); check DNS or the resolver passed in` }]);
                    err.message = `failed to resolve load-balancer hostname ${t}: ${(e as Error)?.message ?? String(e)}`;
                    throw err;
                });
                memo.set(t, p);
            }
            out.push(...await p);
        }
        return sortUnique(out);
    };
}

/**
 * KubeFed's `DedupeAndMergeEndpoints`: sort by dnsName; drop empty-string targets, then endpoints without
 * targets; merge endpoints with equal dnsName — an A record wins over a CNAME (the CNAME is discarded), equal
 * types union their targets (sorted, de-duplicated), the first endpoint's TTL and labels are kept.
 */
export function mergeDnsEndpoints(endpoints: DnsEndpoint[]): DnsEndpoint[] {
    const cleaned = endpoints
        .map(e => ({ ...e, targets: e.targets.filter(t => t !== "") }))
        .filter(e => e.targets.length > 0)
        .sort((a, b) => compareStrings(a.dnsName, b.dnsName)); // stable: "first" is the first in input order
    const out: DnsEndpoint[] = [];
    for (const e of cleaned) {
        const prev = out.length > 0 ? out[out.length - 1] : undefined;
        if (!prev || prev.dnsName !== e.dnsName) {
            out.push(e);
        } else if (prev.recordType === e.recordType) {
            prev.targets = sortUnique([...prev.targets, ...e.targets]);
        } else if (prev.recordType === "CNAME" && e.recordType === "A") {
            out[out.length - 1] = e;
        } // else: prev is A (or another type) and e a CNAME: the A wins, e is dropped.
    }
    return out.map(normalizeEndpoint);
}

/** Fixed key order and sorted targets, so results compare and serialise deterministically. */
function normalizeEndpoint(e: DnsEndpoint): DnsEndpoint {
    const out: DnsEndpoint = { dnsName: e.dnsName, targets: sortUnique(e.targets), recordType: e.recordType, recordTTL: e.recordTTL };
    if (e.labels && Object.keys(e.labels).length > 0) {
        const labels: Record<string, string> = {};
        for (const k of Object.keys(e.labels).sort(compareStrings)) labels[k] = e.labels[k];
        out.labels = labels;
    }
    return out;
}

/**
 * Record types from what the records hold. KubeFed resolves every load-balancer hostname, so its A records hold
 * addresses only, and it points a name at another name only with a CNAME (the fall-back one level up). A hostname
 * that stays a hostname (resolution "keep", or a resolver that returns names) is therefore published the way KubeFed
 * publishes names: a record whose only target is one hostname becomes a CNAME to it. A CNAME is the only record of
 * its name and has one target, so a name that would hold a kept hostname next to other targets (an address, or
 * another cluster's or load-balancer entry's hostname) cannot be published as KubeFed means it (every cluster's
 * endpoints behind the name) and is refused, rather than publishing an A record holding a hostname (which
 * ExternalDNS and resolvers reject) or silently dropping a cluster. Runs after {@link mergeDnsEndpoints}, so a kept
 * hostname counts as an endpoint there (it wins over the CNAME fall-backs of clusters without endpoints).
 */
function hostnameRecords(endpoints: DnsEndpoint[]): DnsEndpoint[] {
    const issues: ValidationIssue[] = [];
    const out = endpoints.map(e => {
        if (e.recordType !== "A") return e;
        const names = e.targets.filter(t => isIP(t) === 0);
        if (names.length === 0) return e;
        if (e.targets.length === 1) return { ...e, recordType: "CNAME" };
        const others = e.targets.filter(t => isIP(t) !== 0);
        issues.push({ severity: "error", field: "resolution", message: `the records of ${e.dnsName} would hold the load-balancer hostname(s) ` +
            `${names.join(", ")}${others.length > 0 ? ` next to the address(es) ${others.join(", ")}` : " together"}, but hostnames kept as they are ` +
            `(resolution "keep") can only be published as a CNAME, which holds exactly one name and nothing else. Use resolution ` +
            `"system" (resolve them, as KubeFed does) or "static" (their addresses from addresses)` });
        return e;
    });
    if (issues.length > 0) throw new ValidationError("DNS records", issues);
    return out;
}

function ttlOf(recordTTL: number | undefined): number {
    return recordTTL ? recordTTL : DEFAULT_DNS_TTL;
}

/**
 * docs/semantics.md#dns-endpoints, ingress: one A record per host over every cluster's load-balancer targets (hosts with no target anywhere
 * get no record). Load-balancer hostnames are resolved to IPs with `resolve`, by default Node's DNS
 * (`dns.promises.lookup`, all addresses, like Go's `net.LookupHost` in KubeFed); any lookup failure rejects.
 * To stay offline pass a resolver: `async () => []` drops hostname targets, `async h => [h]` keeps them as-is.
 * Endpoints come back sorted by dnsName and merged as {@link mergeDnsEndpoints} describes.
 */
export async function ingressDnsEndpoints(input: { hosts: string[]; recordTTL?: number; clusters: { cluster: string; loadBalancer?: LoadBalancerStatus }[] },
                                          resolve: Resolver = systemResolver): Promise<DnsEndpoint[]> {
    const ttl = ttlOf(input.recordTTL);
    const resolveTargets = makeTargetResolver(resolve);
    const targets: string[] = [];
    for (const c of input.clusters ?? []) targets.push(...loadBalancerTargets(c.loadBalancer));
    const endpoints: DnsEndpoint[] = [];
    if (targets.length > 0) {
        const resolved = await resolveTargets(targets);
        for (const host of input.hosts ?? []) {
            endpoints.push({ dnsName: host, targets: resolved.slice(), recordType: "A", recordTTL: ttl });
        }
    }
    return hostnameRecords(mergeDnsEndpoints(endpoints));
}

/**
 * docs/semantics.md#dns-endpoints, service: per cluster, one record per zone (`<prefix>.<zone>.<region>.<domain>`), one for its region
 * (`<prefix>.<region>.<domain>`) and the global one (`<prefix>.<domain>`), where prefix is
 * `<name>.<namespace>.<domainRef>.svc` (with `externalName`, `<externalName>.<namespace>.<domainRef>.svc` and a
 * `serviceName: <name>` label on those records). Each is an A record of the cluster's resolved targets or, when the
 * cluster has none, a CNAME one level up (the global level has nowhere to go, so it gets no record). With
 * `dnsPrefix`, also `CNAME <dnsPrefix>.<domain>` → `<prefix>.<domain>`. After merging, clusters of one zone or region
 * share A records and a cluster without endpoints only contributes CNAMEs where nobody provides an A record.
 * Hostname resolution as in {@link ingressDnsEndpoints} (pass a resolver to turn Node's DNS off).
 */
export async function serviceDnsEndpoints(input: {
    name: string; namespace: string; domainRef: string; domain: string; recordTTL?: number; dnsPrefix?: string; externalName?: string;
    clusters: { cluster: string; region: string; zones: string[]; loadBalancer?: LoadBalancerStatus }[];
}, resolve: Resolver = systemResolver): Promise<DnsEndpoint[]> {
    const ttl = ttlOf(input.recordTTL);
    const resolveTargets = makeTargetResolver(resolve);
    const prefix = [input.externalName ? input.externalName : input.name, input.namespace, input.domainRef, "svc"].join(".");
    const labels = input.externalName ? { serviceName: input.name } : undefined;
    const domain = input.domain;
    const endpoints: DnsEndpoint[] = [];
    const record = async (dnsName: string, targets: string[], upLevel: string) => {
        const ep: DnsEndpoint = targets.length > 0
            ? { dnsName, targets: await resolveTargets(targets), recordType: "A", recordTTL: ttl }
            : { dnsName, targets: [upLevel], recordType: "CNAME", recordTTL: ttl };
        if (labels) ep.labels = { ...labels };
        endpoints.push(ep);
    };
    for (const c of input.clusters ?? []) {
        const targets = loadBalancerTargets(c.loadBalancer);
        const regionName = [prefix, c.region, domain].join(".");
        const globalName = [prefix, domain].join(".");
        for (const zone of c.zones ?? []) await record([prefix, zone, c.region, domain].join("."), targets, regionName);
        await record(regionName, targets, globalName);
        await record(globalName, targets, ""); // an empty CNAME target is dropped by the merge
    }
    if (input.dnsPrefix) {
        endpoints.push({ dnsName: `${input.dnsPrefix}.${domain}`, targets: [`${prefix}.${domain}`], recordType: "CNAME", recordTTL: ttl });
    }
    return hostnameRecords(mergeDnsEndpoints(endpoints));
}

// ---- input checks (issue 10: nothing invalid ends up in a DNS name) -----------------------------------------


const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Why `name` is not a DNS name we can publish (RFC 1123 labels of lowercase letters, digits and '-', each at most
 * 63 characters, at most 253 in all; one trailing dot allowed; a leading `*.` when `wildcard`), or undefined.
 */
export function dnsNameProblem(name: unknown, opts: { wildcard?: boolean } = {}): string | undefined {
    if (typeof name !== "string" || name === "") return "must be a non-empty DNS name";
    let n = name.endsWith(".") ? name.slice(0, -1) : name;
    if (opts.wildcard && n.startsWith("*.")) n = n.slice(2);
    if (n.length > 253) return `"${name}" is longer than 253 characters`;
    const bad = n.split(".").find(l => l.length > 63 || !DNS_LABEL.test(l));
    if (bad !== undefined) {
        return `"${name}" is not a valid DNS name: label "${bad}" must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit`;
    }
    return undefined;
}

/** Why `label` cannot be one label of a DNS name (a region or zone, a service or namespace name), or undefined. */
export function dnsLabelProblem(label: unknown): string | undefined {
    if (typeof label !== "string" || label === "") return "must be a non-empty DNS label";
    if (label.length > 63 || !DNS_LABEL.test(label)) {
        return `"${label}" cannot be part of a DNS name: use 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit`;
    }
    return undefined;
}

/** Host names of an IngressDNSRecord: valid DNS names (a leading `*.` is allowed). */
export function validateIngressDnsInput(input: { hosts: unknown }): ValidationIssue[] {
    if (!Array.isArray(input.hosts) || input.hosts.length === 0) return [{ severity: "error", field: "hosts", message: "must list at least one host name" }];
    const issues: ValidationIssue[] = [];
    input.hosts.forEach((h, i) => {
        const p = dnsNameProblem(h, { wildcard: true });
        if (p) issues.push({ severity: "error", field: `hosts[${i}]`, message: `${p}; fix the host name` });
    });
    return issues;
}

/**
 * The parts a ServiceDNSRecord puts into record names — `<name>.<namespace>.<domainRef>.svc.<zone>.<region>.<domain>`
 * and `<dnsPrefix>.<domain>` — must each be valid there: prefix, external name, domain, every placed cluster's
 * region and zones, and the longest resulting name must fit in 253 characters.
 */
export function validateServiceDnsInput(input: {
    name: string; namespace: string; domainRef: string; domain: string; dnsPrefix?: string; externalName?: string;
    clusters: { cluster: string; region?: string; zones?: string[] }[];
}): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const err = (field: string, message: string) => issues.push({ severity: "error", field, message });
    const dp = dnsNameProblem(input.domain);
    if (dp) err("domain", `${dp}; fix the Domain's domain`);
    if (input.dnsPrefix !== undefined && input.dnsPrefix !== "") {
        const p = dnsNameProblem(input.dnsPrefix);
        if (p) err("dnsPrefix", `${p}; it becomes <dnsPrefix>.${input.domain} — fix the prefix`);
    }
    if (input.externalName !== undefined && input.externalName !== "") {
        const p = dnsLabelProblem(input.externalName);
        if (p) err("externalName", `${p}; fix externalName`);
    }
    const np = dnsLabelProblem(input.namespace);
    if (np) err("namespace", `the Service's namespace ${np}; it is part of every record name — use a Kubernetes namespace name (a DNS-1123 label)`);
    if (!input.externalName) {
        const sp = dnsLabelProblem(input.name);
        if (sp) err("service", `the Service's name ${sp}; it is part of every record name — rename the Service or set externalName`);
    }
    const dr = dnsLabelProblem(input.domainRef);
    if (dr) err("domain", `the Domain's component name ${dr}; rename the Domain component`);
    let longest = 0;
    const prefix = [input.externalName || input.name, input.namespace, input.domainRef, "svc"].join(".");
    for (const c of input.clusters) {
        const rp = dnsLabelProblem(c.region);
        if (rp) err(`clusters["${c.cluster}"].region`, `region ${rp}; fix the MemberCluster's region`);
        for (const z of c.zones ?? []) {
            const zp = dnsLabelProblem(z);
            if (zp) err(`clusters["${c.cluster}"].zones`, `zone ${zp}; fix the MemberCluster's zones`);
            longest = Math.max(longest, [prefix, z, c.region ?? "", input.domain].join(".").length);
        }
    }
    if (longest > 253) err("domain", `the longest record name would be ${longest} characters, more than DNS allows (253); shorten the service, namespace, Domain name, zones or domain`);
    return issues;
}

// ---- hostname resolution as data (schema-friendly: the component package cannot pass a function) -----------

/** How load-balancer hostnames become record targets, without a callback: `system` resolves them with Node's DNS
 *  (KubeFed's behaviour, the default), `keep` publishes the hostnames as they are, `static` takes the addresses
 *  from a fixed map (hostname → addresses), and a hostname missing from the map fails the record. */
export const HOSTNAME_RESOLUTIONS = ["system", "keep", "static"] as const;
/** One of {@link HOSTNAME_RESOLUTIONS}. */
export type HostnameResolution = (typeof HOSTNAME_RESOLUTIONS)[number];

/** Checks `resolution` and `addresses` (and that no callback `resolve` is given with them). */
export function validateHostnameResolution(input: { resolution?: unknown; addresses?: unknown; resolve?: unknown }): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const err = (field: string, message: string) => issues.push({ severity: "error", field, message });
    const { resolution, addresses } = input;
    if (resolution !== undefined && !(HOSTNAME_RESOLUTIONS as readonly unknown[]).includes(resolution)) {
        err("resolution", `"${String(resolution)}" is not one of ${HOSTNAME_RESOLUTIONS.join(", ")}`);
    }
    if (input.resolve !== undefined && (resolution !== undefined || addresses !== undefined)) {
        err("resolve", "cannot be combined with resolution or addresses; pass a resolver function or a resolution mode, not both");
    }
    if (addresses !== undefined) {
        if (addresses === null || typeof addresses !== "object" || Array.isArray(addresses)) {
            err("addresses", "must be a map of hostname to a list of IP addresses");
        } else {
            if (resolution !== "static") err("addresses", `is only read with resolution "static"; set resolution: "static" or remove addresses`);
            for (const [h, a] of Object.entries(addresses as Record<string, unknown>).sort(([x], [y]) => compareStrings(x, y))) {
                if (!Array.isArray(a) || a.length === 0 || a.some(x => typeof x !== "string" || isIP(x) === 0)) {
                    err(`addresses["${h}"]`, "must be a non-empty list of IP addresses, e.g. [\"10.0.0.9\"]");
                }
            }
        }
    } else if (resolution === "static") {
        err("addresses", `is required with resolution "static": map each load-balancer hostname to its addresses`);
    }
    return issues;
}

/** The resolver a resolution mode stands for (checked input, see {@link validateHostnameResolution}). */
export function resolverFor(resolution: HostnameResolution | undefined, addresses: Record<string, string[]> | undefined): Resolver {
    if (resolution === "keep") return async h => [h];
    if (resolution === "static") {
        const map = addresses ?? {};
        return async h => {
            if (!Object.prototype.hasOwnProperty.call(map, h)) {
                throw new Error(`it is not in addresses (resolution "static"); add "${h}" to addresses`);
            }
            return [...map[h]];
        };
    }
    return systemResolver;
}
