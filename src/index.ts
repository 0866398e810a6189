/**
 * pulumi-kubefed: KubeFed's placement, overrides, replica scheduling and multi-cluster DNS as Pulumi components.
 * The Pulumi-free decision core is also available on its own as `pulumi-kubefed/core`.
 */
export * from "./components";
export * as core from "./core";
export { decisionChanges, decisionLine, normalizeDecision, placedClusters, replicasOf } from "./core";
export type { RolloutSpec, RolloutWave, DependencyMode } from "./core";
