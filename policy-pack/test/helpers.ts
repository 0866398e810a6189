/**
 * Fake @pulumi/policy arguments (the package ships no test harness). Props are wrapped with
 * the runtime's own unknownCheckingProxy, as the policy server does.
 */
import {
    PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy, unknownCheckingProxy,
} from "@pulumi/policy";
import { DecisionSummary } from "../policies";

export type { DecisionSummary };
type ResourceValidationPolicyLike = ResourceValidationPolicy;
type StackValidationPolicyLike = StackValidationPolicy;

const STACK = "urn:pulumi:test::kubefed::";

export function urnOf(type: string, name: string, parentType?: string): string {
    return `${STACK}${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

export interface FakeOpts {
    config?: Record<string, unknown>;
    provider?: { urn: string; name: string; type?: string; props?: Record<string, unknown> };
    parent?: string;
    urn?: string;
}

export function resourceArgs(type: string, name: string, props: Record<string, unknown>, o: FakeOpts = {}): ResourceValidationArgs {
    const p = unknownCheckingProxy(JSON.parse(JSON.stringify(props)));
    return {
        type, name, props: p, urn: o.urn ?? urnOf(type, name),
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, ...(o.parent ? { parent: o.parent } : {}) },
        ...(o.provider ? { provider: { type: o.provider.type ?? "pulumi:providers:kubernetes", props: o.provider.props ?? {}, urn: o.provider.urn, name: o.provider.name } } : {}),
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => (o.config ?? {}) as T,
        notApplicable: (reason?: string): never => { throw new Error(`notApplicable: ${reason}`); },
    };
}

/** Run a resource policy and return the violation messages. */
export async function violations(policy: ResourceValidationPolicyLike, args: ResourceValidationArgs): Promise<string[]> {
    const out: string[] = [];
    const vs = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const v of vs) await v(args, (m: string) => { out.push(m); });
    return out;
}

export function stackResource(type: string, name: string, props: Record<string, unknown>,
                              o: { parent?: PolicyResource; provider?: { urn: string; name: string } } = {}): PolicyResource {
    const p = unknownCheckingProxy(JSON.parse(JSON.stringify(props)));
    return {
        type, name, props: p, urn: urnOf(type, name, o.parent?.type),
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, ...(o.parent ? { parent: o.parent.urn } : {}) },
        ...(o.provider ? { provider: { type: "pulumi:providers:kubernetes", props: {}, urn: o.provider.urn, name: o.provider.name } } : {}),
        dependencies: [], propertyDependencies: {},
        ...(o.parent ? { parent: o.parent } : {}),
        isType: () => false,
        asType: () => undefined,
    } as PolicyResource;
}

export async function stackViolations(policy: StackValidationPolicyLike, resources: PolicyResource[],
                                      config: Record<string, unknown> = {}): Promise<string[]> {
    const out: string[] = [];
    const args: StackValidationArgs = {
        resources, stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => { throw new Error(`notApplicable: ${reason}`); },
    };
    await policy.validateStack(args, (m: string) => { out.push(m); });
    return out;
}

/** Convenience input for {@link decision}: per-cluster facts as parallel maps, turned into `placed` entries. */
export type DecisionInput = Partial<DecisionSummary> & {
    clusters?: string[]; replicas?: Record<string, number>; overrides?: Record<string, string[]>; images?: Record<string, string[]>;
};

/** A realistic decision: a Deployment over east/west of a three-member fleet (`FLEET`). */
export function decision(over: DecisionInput = {}): DecisionSummary {
    const { clusters = ["east", "west"], replicas, overrides = {}, images, ...rest } = over;
    const imgs = images ?? Object.fromEntries(clusters.map(c => [c, ["nginx:1.25"]]));
    const placed: DecisionSummary["placed"] = {};
    for (const c of [...clusters].sort()) {
        placed[c] = { ...(replicas && c in replicas ? { replicas: replicas[c] } : {}), overrides: overrides[c] ?? [], images: imgs[c] ?? [] };
    }
    return {
        apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop",
        labels: { app: "web" },
        placed,
        excluded: { eu: "labels do not match placement.clusterSelector" },
        overrideClusters: [],
        orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [],
        ...rest,
    };
}

/** The members of the fleet the decisions above are placed in, as MemberCluster outputs record them. */
export const FLEET: Record<string, { labels: Record<string, string>; region?: string; zones: string[] }> = {
    east: { labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] },
    eu: { labels: { tier: "prod" }, region: "eu-central", zones: ["eu-central-1a"] },
    west: { labels: { tier: "prod" }, region: "us-west", zones: ["us-west-1b"] },
};

/** MemberCluster stack resources for the given member facts. */
export function memberResources(facts: Record<string, { labels: Record<string, string>; region?: string; zones: string[] }> = FLEET): PolicyResource[] {
    return Object.entries(facts).map(([c, f]) => stackResource("pulumi-kubefed:index:MemberCluster", c, { clusterName: c, ...f }));
}
