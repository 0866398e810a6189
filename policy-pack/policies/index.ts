/**
 * The pulumi-kubefed policies, one file per policy (its configuration, defaults, schema and check), without the
 * PolicyPack (../index.ts serves them), so tests and other packs can use each policy's functions directly.
 */
import * as clusterCount from "./kubefed-cluster-count";
import * as residency from "./kubefed-placement-residency";
import * as overrides from "./kubefed-overrides-and-images";
import * as replicaFeasibility from "./kubefed-replica-scheduling-feasible";
import * as credentials from "./kubefed-member-credentials-secret";
import * as explicitProvider from "./kubefed-explicit-provider";
import * as uniqueObjects from "./kubefed-unique-member-objects";
import * as knownAtPreview from "./kubefed-known-at-preview";

export * from "./common";
export {
    ClusterCountConfig, checkClusterCount, clusterCountPolicy, replicasSent,
} from "./kubefed-cluster-count";
export {
    ResidencyConfig, ResidencyRule, MemberFacts, checkResidency, findResidencyViolations, residencyPolicy,
} from "./kubefed-placement-residency";
export {
    OverridesConfig, checkMemberObject, checkOverrides, imageAllowed, imageRepository, overridesPolicy, touchesProtected,
} from "./kubefed-overrides-and-images";
export { checkKnownAtPreview, knownAtPreviewPolicy } from "./kubefed-known-at-preview";
export {
    ReplicaFeasibilityConfig, checkReplicaFeasibility, replicaFeasibilityPolicy,
} from "./kubefed-replica-scheduling-feasible";
export { CredentialsConfig, checkMemberCredentials, credentialsPolicy } from "./kubefed-member-credentials-secret";
export {
    ExplicitProviderConfig, checkExplicitProvider, explicitProviderPolicy, isDefaultProviderUrn, providerUrnOfRef,
} from "./kubefed-explicit-provider";
export { UniqueObjectsConfig, findDuplicateObjects, objectIdentity, uniqueObjectsPolicy } from "./kubefed-unique-member-objects";

/** Each policy's defaults, merged under whatever `--policy-pack-config` sets. */
export const DEFAULTS = {
    clusterCount: clusterCount.defaults,
    residency: residency.defaults,
    overrides: overrides.defaults,
    replicaFeasibility: replicaFeasibility.defaults,
    credentials: credentials.defaults,
    explicitProvider: explicitProvider.defaults,
    uniqueObjects: uniqueObjects.defaults,
};

/** Every policy of the pack, in the order the pack lists them. */
export const policies = [
    clusterCount.clusterCountPolicy, residency.residencyPolicy, overrides.overridesPolicy,
    replicaFeasibility.replicaFeasibilityPolicy, credentials.credentialsPolicy, explicitProvider.explicitProviderPolicy,
    uniqueObjects.uniqueObjectsPolicy, knownAtPreview.knownAtPreviewPolicy,
];
