/**
 * What the policies share: the component type tokens and policy names (stable: users' stacks and config files
 * reference them), reading a recorded decision, and message helpers. Every decision the policies judge comes from
 * the decision core (`pulumi-kubefed/core`): the policies only turn its results into violations.
 */
import { EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationArgs, UnknownValueError } from "@pulumi/policy";
import { CONTAINER_LISTS, DecisionSummary, HIDES_IMAGES, MemberClusterSummary, UNKNOWN_IMAGE, normalizeDecision } from "pulumi-kubefed/core";

/** Type tokens of the components (must equal the classes' `__pulumiType`). */
export const TYPES = {
    memberCluster: "pulumi-kubefed:index:MemberCluster",
    federatedResource: "pulumi-kubefed:index:FederatedResource",
    federatedNamespace: "pulumi-kubefed:index:FederatedNamespace",
    replicaSchedulingPreference: "pulumi-kubefed:index:ReplicaSchedulingPreference",
    federatedChart: "pulumi-kubefed:index:FederatedChart",
    federatedKustomization: "pulumi-kubefed:index:FederatedKustomization",
    /** The program's placement record: every federated component's placement view, by the component's URN. */
    placements: "pulumi-kubefed:index:Placements",
    k8sProvider: "pulumi:providers:kubernetes",
} as const;

/** The decision summary of a FederatedResource / FederatedNamespace and a MemberCluster's recorded inputs: the
 *  contract shared with the components, declared in the (Pulumi-free) core. */
export type { DecisionSummary } from "pulumi-kubefed/core";
export type MemberClusterProps = MemberClusterSummary;

/** Policy names, in one place (config files key on them). */
export const NAMES = {
    clusterCount: "kubefed-cluster-count",
    residency: "kubefed-placement-residency",
    overrides: "kubefed-overrides-and-images",
    replicaFeasibility: "kubefed-replica-scheduling-feasible",
    credentials: "kubefed-member-credentials-secret",
    explicitProvider: "kubefed-explicit-provider",
    uniqueObjects: "kubefed-unique-member-objects",
    knownAtPreview: "kubefed-known-at-preview",
} as const;

/** A policy's configuration: its defaults with whatever `--policy-pack-config` sets on top (the policy server does
 *  not apply schema defaults). */
export function config<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    const c = (args.getConfig<Partial<T>>() ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [k, v] of Object.entries(c)) if (v !== undefined && v !== null) out[k] = v;
    return out as T;
}

/** Every federated kind records its decision in one shape (the core's DecisionSummary). */
const FEDERATED: ReadonlySet<string> = new Set([TYPES.federatedResource, TYPES.federatedNamespace, TYPES.federatedChart, TYPES.federatedKustomization]);

function isFederated(type: string): boolean {
    return FEDERATED.has(type);
}

/** The decision of a federated component (resource, namespace, chart, kustomization), or undefined for other resources. */
export function decisionOf(type: string, props: Record<string, unknown>): DecisionSummary | undefined {
    if (!isFederated(type)) return undefined;
    return normalizeDecision(props?.decision);
}

/** A federated component's decision as a stack policy judges it. */
export interface StackDecision { type: string; name: string; urn: string; d: DecisionSummary }

/**
 * The decision of every federated component of a stack, in the order of `resources`. Stack policies see outputs only:
 * a program records every component's placement view once, in the outputs of its placement record (type
 * {@link TYPES.placements}, keyed by the component's URN), and the components register none; components built by
 * the package's provider for other languages (and by older versions) hold the view in their own outputs. The record
 * wins: after an upgrade the engine keeps a component's older outputs.
 */
export function stackDecisions(resources: Pick<PolicyResource, "type" | "name" | "urn" | "props">[]): StackDecision[] {
    const recorded = new Map<string, unknown>();
    for (const r of resources) {
        if (r.type !== TYPES.placements) continue;
        const views = safe(() => (r.props as Record<string, unknown>)?.placements);
        if (!views || typeof views !== "object") continue;
        for (const urn of Object.keys(views)) {
            const v = safe(() => (views as Record<string, unknown>)[urn]);
            if (v !== undefined) recorded.set(urn, v);
        }
    }
    const out: StackDecision[] = [];
    for (const r of resources) {
        if (!isFederated(r.type)) continue;
        const d = safe(() => normalizeDecision(recorded.has(r.urn) ? recorded.get(r.urn) : (r.props as Record<string, unknown>)?.decision));
        if (d) out.push({ type: r.type, name: r.name, urn: r.urn, d });
    }
    return out;
}

export function shortType(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

/** `FederatedResource "web" (apps/v1 Deployment shop/web)`. */
export function describe(type: string, name: string, d: DecisionSummary): string {
    const obj = `${d.apiVersion} ${d.kind} ${d.namespace ? `${d.namespace}/` : ""}${d.name}`;
    return `${shortType(type)} "${name}" (${obj})`;
}

export const list = (xs: Iterable<string>) => [...xs].map(x => `"${x}"`).join(", ");
export const fmtLabels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(",");

export function matchesKind(d: DecisionSummary, kinds: string[]): boolean {
    return kinds.some(k => k === "*" || k === d.kind || k === `${d.apiVersion}/${d.kind}`);
}

export function isKubernetesResourceType(type: string): boolean {
    return type.startsWith("kubernetes:");
}

/** Values unknown at preview throw from the policy proxy; skip those instead of downgrading the whole check. */
export function safe<T>(f: () => T): T | undefined {
    try { return f(); } catch (e) { if (e instanceof UnknownValueError) return undefined; throw e; }
}

type Validate = (args: ResourceValidationArgs, report: ReportViolation) => void;

/** A resource validation over the decision of FederatedResources / FederatedNamespaces (others are skipped). */
export function forDecision(f: (type: string, name: string, d: DecisionSummary, args: ResourceValidationArgs) => string[]): Validate {
    return (args, report) => {
        const d = decisionOf(args.type, args.props);
        if (!d) return;
        for (const m of f(args.type, args.name, d, args)) report(m);
    };
}

/** Every policy is mandatory unless the pack's configuration says otherwise. */
export const level = (l: EnforcementLevel = "mandatory") => l;

export const stringArray = { type: "array", items: { type: "string" } } as const;
export const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;

/** A federated component's type token in a URN's type chain (`…::pulumi-kubefed:index:FederatedChart$kubernetes:…::name`). */
const FEDERATED_IN_URN = /::(?:[^:]+\$)*pulumi-kubefed:index:(Federated[A-Za-z]+)\$/;

/**
 * Whether a resource is a member object the library emitted: a Kubernetes resource (not a provider, not a
 * component) below a federated component, whether the component created it (objects, namespaces, pulled
 * dependencies) or rendered it (charts, kustomizations). Returns the component's short type, or undefined.
 */
export function memberObjectOwner(type: string, urn: string): string | undefined {
    if (!type.startsWith("kubernetes:") || type.startsWith("kubernetes:helm.sh/") || type.startsWith("kubernetes:kustomize/")
        || type.startsWith("kubernetes:yaml/")) return undefined;
    return FEDERATED_IN_URN.exec(urn)?.[1];
}

/** The member cluster a provider deploys to: the `clusterIdentifier` a MemberCluster gives its provider. */
export function clusterOfProvider(provider: { props?: Record<string, unknown> } | undefined): string | undefined {
    const id = safe(() => provider?.props?.clusterIdentifier);
    return typeof id === "string" && id !== "" ? id : undefined;
}


/** `o[k]`, or `unknown` when the policy server marks it unknown (preview, an Output not yet resolved). */
function read(o: Record<string, unknown>, k: string): { value?: unknown; unknown?: true } {
    try { return { value: o[k] }; } catch (e) { if (e instanceof UnknownValueError) return { unknown: true }; throw e; }
}

/**
 * Container images of a member object's inputs, wherever its pod template is, sorted and unique; an image (or a
 * container list, spec or template) that is still unknown is reported as {@link UNKNOWN_IMAGE}, never skipped
 * silently. Other unknown fields (a secret env value) do not hide the known images.
 */
export function memberImages(props: Record<string, unknown>): string[] {
    const images = new Set<string>();
    const visit = (v: unknown, key: string) => {
        if (Array.isArray(v)) {
            for (let i = 0; i < v.length; i++) {
                const e = read(v as unknown as Record<string, unknown>, String(i));
                if (e.unknown) { if (CONTAINER_LISTS.has(key)) images.add(UNKNOWN_IMAGE); continue; }
                if (CONTAINER_LISTS.has(key) && e.value && typeof e.value === "object") {
                    const img = read(e.value as Record<string, unknown>, "image");
                    if (img.unknown) images.add(UNKNOWN_IMAGE);
                    else if (typeof img.value === "string") images.add(img.value);
                }
                visit(e.value, "");
            }
        } else if (v && typeof v === "object") {
            for (const k of Object.keys(v)) {
                const e = read(v as Record<string, unknown>, k);
                if (e.unknown) { if (HIDES_IMAGES.has(k)) images.add(UNKNOWN_IMAGE); continue; }
                visit(e.value, k);
            }
        }
    };
    visit(props, "");
    return [...images].sort();
}

/** `Deployment shop/web` of a member object's inputs (what a message names), or undefined while unknown. */
export function memberObjectName(props: Record<string, unknown>): string | undefined {
    return safe(() => {
        const md = props?.metadata as Record<string, unknown> | undefined;
        if (typeof props?.kind !== "string" || typeof md?.name !== "string") return undefined;
        return `${props.kind} ${typeof md.namespace === "string" ? `${md.namespace}/` : ""}${md.name}`;
    });
}
