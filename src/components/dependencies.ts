import * as pulumi from "@pulumi/pulumi";
import {
    DependencyMode, DependencyNeed, clustersToPull, dependencyKey, misplacement, neededDependencies, DEPENDENCY_KINDS,
} from "../core";
import { assertSameShard } from "./shard";

/** A federated ConfigMap, Secret, ServiceAccount or PVC of this program, as the registry holds it. */
export interface RegisteredDependency {
    /** `ConfigMap shop/settings`. */
    key: string;
    /** `FederatedResource settings (ConfigMap shop/settings)`. */
    subject: string;
    /** Placed clusters (its own placement, then what workloads pulled), kept sorted. */
    clusters: string[];
    /** Places the object in more clusters (emits its member objects there); throws when it cannot. */
    grow(clusters: string[], by: string): void;
}

/**
 * The program's federated dependencies and the workloads' needs of them. Either side may be declared first: a
 * workload declared after its ConfigMap grows the ConfigMap's placement then, one declared before it is remembered
 * and applied when the ConfigMap is declared. The extra member objects are children of the dependency's component
 * with the usual names (`<name>-<cluster>`), so which side comes first never changes a URN and no object gets two
 * resources. Misplacement (a `check` workload referencing it where it is not) is an error as soon as both are known.
 */
class DependencyRegistry {
    private readonly deps = new Map<string, RegisteredDependency>();
    private readonly needs = new Map<string, DependencyNeed[]>();
    /** dependency key -> cluster -> workloads that pulled it there. */
    readonly pulled = new Map<string, Map<string, Set<string>>>();

    /**
     * Throws when a workload declared earlier references this object where it will not be placed (its own
     * placement plus what `follow` workloads pull). Called before the dependency's component registers anything.
     */
    checkDependency(key: string, subject: string, clusters: string[]): void {
        const needs = this.needs.get(key) ?? [];
        for (const n of needs) assertSameShard(n.workload, subject, `references ${key} of`); // workload shards keep both together
        const all = new Set(clusters);
        for (const n of needs) for (const c of clustersToPull(n, { subject, clusters })) all.add(c);
        const final = { subject, clusters: [...all].sort() };
        const problems = needs.map(n => misplacement(n, final)).filter((m): m is string => !!m);
        if (problems.length > 0) throw new Error(problems.join("\n"));
    }

    /** Registers a dependency (after its own member objects) and places it where earlier `follow` workloads need it. */
    addDependency(d: RegisteredDependency): void {
        // The first component federating an object owns it; a second one is refused by the API server, not here.
        if (this.deps.has(d.key)) return;
        this.deps.set(d.key, d);
        for (const n of this.needs.get(d.key) ?? []) this.pull(n, d);
    }

    /**
     * Registers a workload's needs (called before its component registers anything): throws when a `check`
     * workload references a federated object where it is not placed, then grows what `follow` pulls.
     */
    addWorkload(workload: string, mode: DependencyMode, objects: Record<string, Record<string, unknown>>): void {
        if (mode === "ignore") return;
        const needs = neededDependencies(objects).map(need => ({ workload, mode, need }));
        const problems = needs.map(n => {
            const d = this.deps.get(n.need.key);
            if (d) assertSameShard(workload, d.subject, `references ${d.key} of`);
            return d ? misplacement(n, d) : undefined;
        }).filter((m): m is string => !!m);
        if (problems.length > 0) throw new Error(problems.join("\n"));
        for (const n of needs) {
            const list = this.needs.get(n.need.key) ?? [];
            list.push(n);
            this.needs.set(n.need.key, list);
            const d = this.deps.get(n.need.key);
            if (d) this.pull(n, d);
        }
    }

    private pull(n: DependencyNeed, d: RegisteredDependency): void {
        const pull = clustersToPull(n, d);
        if (pull.length === 0) return;
        d.grow(pull, n.workload);
        d.clusters = [...new Set([...d.clusters, ...pull])].sort();
        let by = this.pulled.get(d.key);
        if (!by) this.pulled.set(d.key, by = new Map());
        for (const c of pull) {
            const s = by.get(c) ?? new Set<string>();
            s.add(n.workload);
            by.set(c, s);
        }
    }

    /** Where workloads pulled a dependency: cluster -> workloads, sorted. */
    pulledBy(key: string): Record<string, string[]> {
        const out: Record<string, string[]> = {};
        const by = this.pulled.get(key);
        for (const c of [...(by?.keys() ?? [])].sort()) out[c] = [...by!.get(c)!].sort();
        return out;
    }
}

// One registry per program run: keyed by the stack resource (unit tests with mocks run several programs).
const registries = new WeakMap<object, DependencyRegistry>();
let fallback = new DependencyRegistry();

export function dependencyRegistry(): DependencyRegistry {
    const stack = pulumi.runtime.getStackResource();
    if (!stack) return fallback;
    let r = registries.get(stack);
    if (!r) registries.set(stack, r = new DependencyRegistry());
    return r;
}

/** Test hook: start with an empty registry (mocks run several programs in one process). */
export function resetDependenciesForTests(): void {
    fallback = new DependencyRegistry();
}

/** The registry key of a federated object when it is of a kind pod templates reference, else undefined. */
export function dependencyKeyOf(t: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string | undefined {
    const kind = DEPENDENCY_KINDS[`${t.apiVersion}/${t.kind}`];
    return kind ? dependencyKey(kind, t.metadata.namespace, t.metadata.name) : undefined;
}
