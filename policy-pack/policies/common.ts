/**
 * What the policies share: the component type tokens and policy names (stable: users' stacks and config files
 * reference them), reading a recorded decision, and message helpers. Every decision the policies judge comes from
 * the decision core (`pulumi-kubefed/core`): the policies only turn its results into violations.
 */
import { EnforcementLevel, ReportViolation, ResourceValidationArgs, UnknownValueError } from "@pulumi/policy";
import { DecisionSummary, MemberClusterSummary, normalizeDecision } from "pulumi-kubefed/core";

/** Type tokens of the components (must equal the classes' `__pulumiType`). */
export const TYPES = {
    memberCluster: "pulumi-kubefed:index:MemberCluster",
    federatedResource: "pulumi-kubefed:index:FederatedResource",
    federatedNamespace: "pulumi-kubefed:index:FederatedNamespace",
    replicaSchedulingPreference: "pulumi-kubefed:index:ReplicaSchedulingPreference",
    k8sProvider: "pulumi:providers:kubernetes",
} as const;

/** The decision summary of a FederatedResource / FederatedNamespace and a MemberCluster's recorded inputs: the
 *  contract shared with the components, declared in the (Pulumi-free) core. */

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
} as const;

/** A policy's configuration: its defaults with whatever `--policy-pack-config` sets on top (the policy server does
 *  not apply schema defaults). */
export function config<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    const c = (args.getConfig<Partial<T>>() ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [k, v] of Object.entries(c)) if (v !== undefined && v !== null) out[k] = v;
    return out as T;
}

function isFederated(type: string): boolean {
    return type === TYPES.federatedResource || type === TYPES.federatedNamespace;
}

/** The decision of a FederatedResource/FederatedNamespace, or undefined for other resources. */
export function decisionOf(type: string, props: Record<string, unknown>): DecisionSummary | undefined {
    if (!isFederated(type)) return undefined;
    return normalizeDecision(props?.decision);
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
