import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ChildNameRegistry } from "../core";

/** Type-token prefix of every component; the package segment equals the npm name (cross-language ready). */
export const TYPE_PREFIX = "pulumi-kubefed:index:";

/** KubeFed's managed label, put on every object we emit (defined by the core). */
export { MANAGED_LABEL } from "../core";

/** Name of a per-cluster child: the component name plus the stable cluster name, never a list index. */
export function childName(component: string, cluster: string): string {
    return `${component}-${cluster}`;
}

/** One registry per program: child names of every component, to catch collisions across components. */
const registry = new ChildNameRegistry();
/** Rollout gates have a type of their own, so their names only collide with other gates: a registry of their own. */
const gateRegistry = new ChildNameRegistry();

/**
 * Claims the per-cluster child names of component `name` (`<name>-<cluster>`) and throws, naming both
 * components, when another component already produces one of them (e.g. `web` on `east-1` and `web-east` on `1`).
 */
export function claimChildNames(subject: string, name: string, clusters: string[]): void {
    for (const c of clusters) {
        const child = childName(name, c);
        const prev = registry.claim(child, name, c);
        if (prev) {
            throw new Error(`${subject}: the child for member "${c}" would be named "${child}", which component "${prev.component}" ` +
                `already uses for member "${prev.key}"; the two would overwrite each other in the state. Rename one of the components.`);
        }
    }
}

/** Name of the rollout gate of wave `wave` of component `component`. */
export function rolloutGateName(component: string, wave: string): string {
    return `${component}-rollout-${wave}`;
}

/**
 * Claims the rollout gate names of component `name` ({@link rolloutGateName}, one per wave) and throws, naming both
 * components and waves, when another component's gate already has one of them (e.g. `web` with wave `rollout-a` and
 * `web-rollout` with wave `a` both make `web-rollout-rollout-a`).
 */
export function claimRolloutGateNames(subject: string, name: string, waves: string[]): void {
    for (const w of waves) {
        const child = rolloutGateName(name, w);
        const prev = gateRegistry.claim(child, name, w);
        if (prev) {
            throw new Error(`${subject}: rollout.waves: the gate of wave "${w}" would be named "${child}", which component "${prev.component}" ` +
                `already uses for the gate of its wave "${prev.key}"; the two would overwrite each other in the state. Rename one of the components or one of the waves.`);
        }
    }
}

/** The constructor shape shared by every `@pulumi/kubernetes` resource class (their args types differ). */
type ResourceCtor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The `@pulumi/kubernetes` class for a GVK: the typed class for built-in kinds (typed outputs, the token the
 * provider expects, e.g. `kubernetes:core/v1:ConfigMap`), `CustomResource` for everything else.
 */
export function resourceClassFor(apiVersion: string, kind: string): ResourceCtor {
    const slash = apiVersion.lastIndexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const moduleName = group === "" ? "core" : group.split(".")[0];
    const token = `kubernetes:${group === "" ? "core" : group}/${version}:${kind}`;
    const modules = k8s as unknown as Record<string, Record<string, Record<string, unknown> | undefined> | undefined>;
    const ctor = modules[moduleName]?.[version]?.[kind];
    // The module is chosen by the group's first label, so compare the full token to rule out look-alike groups.
    if (typeof ctor === "function" && (ctor as { __pulumiType?: unknown }).__pulumiType === token) return ctor as ResourceCtor;
    return k8s.apiextensions.CustomResource as unknown as ResourceCtor;
}
