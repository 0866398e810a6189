/** Unit tests of the components: Pulumi's mocks installed when this module loads, and what the mock engine saw registered. */
import * as pulumi from "@pulumi/pulumi";
import { resetDependenciesForTests } from "../../src/components/dependencies";
import { PLACEMENTS_TYPE, resetPlacementRecordForTests } from "../../src/components/placementRecord";
import { resetShardForTests } from "../../src/components/shard";

/** One resource the program registered, as the mock monitor saw it. */
export interface Registered {
    type: string;
    name: string;
    inputs: any;
    provider?: string;
    custom: boolean;
    /** Options seen in the registration request (the mock's newResource does not receive them). */
    dependencies: string[];
    retainOnDelete: boolean;
    ignoreChanges: string[];
    parent: string;
    /** The `providers` map of the request (package → provider reference), e.g. for components such as Helm charts. */
    providers: Record<string, string>;
    /** Aliases as sent (structured alias specs: name, type, ...). */
    aliases: any[];
    additionalSecretOutputs: string[];
    /** The inputs as serialized in the request (secrets still wrapped in their signature). */
    raw: any;
}

/**
 * Mock engine shared by the component tests: records every registration. The components are fast-layer tested
 * here; the real engine and API servers prove the same behaviour in test/e2e.
 */
export const registered: Registered[] = [];

pulumi.runtime.setMocks({
    newResource(a: pulumi.runtime.MockResourceArgs) {
        const req = lastRequests.get(`${a.type}::${a.name}`);
        registered.push({ type: a.type, name: a.name, inputs: a.inputs, provider: a.provider, custom: a.custom ?? true,
            dependencies: req?.getDependenciesList() ?? [], retainOnDelete: !!req?.getRetainondelete(),
            ignoreChanges: req?.getIgnorechangesList() ?? [], parent: req?.getParent() ?? "",
            providers: Object.fromEntries((req?.getProvidersMap()?.toObject() ?? []) as [string, string][]),
            aliases: (req?.getAliasesList() ?? []).map((x: any) => x.toObject()),
            additionalSecretOutputs: req?.getAdditionalsecretoutputsList() ?? [], raw: req?.getObject()?.toJavaScript() });
        return { id: `${a.name}-id`, state: a.inputs };
    },
    call(a: pulumi.runtime.MockCallArgs) { return a.inputs; },
}, "kubefed", "test", false);

// Capture each registration request so tests can assert dependsOn, retainOnDelete and ignoreChanges.
const lastRequests = new Map<string, any>();
const monitor = (pulumi.runtime as any).getMonitor();
const original = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: any, cb: any) => {
    lastRequests.set(`${req.getType()}::${req.getName()}`, req);
    return original(req, cb);
};

/** What each component registered as its outputs (stack policies read these), by URN. */
export const registeredOutputs = new Map<string, any>();
const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
monitor.registerResourceOutputs = (req: any, cb: any) => {
    registeredOutputs.set(req.getUrn(), req.getOutputs()?.toJavaScript());
    return originalOutputs(req, cb);
};

/** The outputs a resource named `name` registered (undefined until it has). */
export function outputsOf(name: string): any {
    for (const [urn, o] of registeredOutputs) if (urn.endsWith(`::${name}`)) return o;
    return undefined;
}

/** The placement view of the federated component named `name`, as the program's placement record holds it. */
export function recordedViewOf(name: string): any {
    for (const [urn, o] of registeredOutputs) {
        if (!urn.endsWith(`${PLACEMENTS_TYPE}::kubefed-placements`)) continue;
        for (const [u, v] of Object.entries(o?.placements ?? {})) if (u.endsWith(`::${name}`)) return v;
    }
    return undefined;
}

export function reset(): void {
    registered.length = 0;
    registeredOutputs.clear();
    resetDependenciesForTests();
    resetPlacementRecordForTests();
}

/** Wait until every resource created so far has been registered with the mock engine. */
export async function settle(...resources: pulumi.Resource[]): Promise<void> {
    await Promise.all(resources.map(r => new Promise(res => r.urn.apply(res))));
    // Children register asynchronously after their parents; give the runtime a few turns.
    for (let i = 0; i < 20; i++) await new Promise(r => setImmediate(r));
}

export function byName(name: string, type?: string): Registered {
    const r = registered.find(x => x.name === name && (!type || x.type === type));
    if (!r) throw new Error(`no resource named ${name}; registered: ${registered.map(x => x.name).join(", ")}`);
    return r;
}

export function children(prefix: string, type?: string): Registered[] {
    return registered.filter(r => r.name.startsWith(prefix) && (!type || r.type === type));
}

/** Resolve an Output's value (mocks make everything known). */
export function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise(res => o.apply(v => { res(v); return v; }));
}

/** Sets (or clears, with undefined) this stack's shard and shard layout in the mocked stack config. */
export function setShard(shard: string | undefined, layout: unknown): void {
    const all = pulumi.runtime.allConfig();
    delete all["pulumi-kubefed:shard"];
    delete all["pulumi-kubefed:shards"];
    if (shard !== undefined) all["pulumi-kubefed:shard"] = shard;
    if (layout !== undefined) all["pulumi-kubefed:shards"] = JSON.stringify(layout);
    pulumi.runtime.setAllConfig(all);
    resetShardForTests();
}
