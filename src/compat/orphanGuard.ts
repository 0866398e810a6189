/**
 * 0.1's `OrphanGuard` state, read by the 0.2 marker (src/provider/orphanMarkerProvider.ts). In 0.1 the guard held
 * `clusters` as a map of cluster name → `{context}` (with the kubeconfigs beside it) and unlabelled the object when
 * deleted; since 0.2 it is a marker holding the sorted cluster names, updated in place so no 0.1 guard is deleted.
 */

/** The guard's `clusters` as the sorted list 0.2 stores: from a list, or from 0.1's map keyed by cluster name.
 *  Anything else (the engine's unknown marker at preview) passes through. */
export function orphanGuardClusters(v: unknown): unknown {
    if (Array.isArray(v)) return [...v].map(String).sort();
    return v && typeof v === "object" ? Object.keys(v).sort() : v;
}
