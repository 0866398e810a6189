/**
 * Entry point of the read-back implementations, loaded by the provider loader stored in state (src/resources/loader.ts) as
 * `pulumi-kubefed/dynamic-providers`. Keyed by {@link ProviderKind}.
 */
import { memberReadBackProvider } from "./memberReadBackProvider";
import { orphanMarkerProvider } from "./orphanMarkerProvider";
import { rolloutGateProvider } from "./rolloutGateProvider";
import { serviceAccountTokenProvider } from "./serviceAccountTokenProvider";

export const providers = {
    memberReadBack: memberReadBackProvider,
    serviceAccountToken: serviceAccountTokenProvider,
    orphanMarker: orphanMarkerProvider,
    rolloutGate: rolloutGateProvider,
};
