/** The names of what components create: child names (and the registries that catch collisions), the managed label. */
import { ChildNameRegistry } from "../core";

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
