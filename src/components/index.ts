export * from "./memberCluster";
export * from "./federatedResource";
export * from "./federatedNamespace";
export * from "./replicaSchedulingPreference";
export * from "./dns";
export * from "./federate";
export { TYPE_PREFIX, MANAGED_LABEL, childName } from "./names";
export { observeReplicas, MemberReadBack, OrphanGuard } from "../dynamic";
export { fleetStatus } from "./status";
