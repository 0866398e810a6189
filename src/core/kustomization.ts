/**
 * The decision for a kustomization federated over member clusters: which members get it (placement as for a
 * federated object, docs/semantics.md#placement) and which directory each one builds (an overlay per cluster, else
 * the shared one). Components only turn it into `kustomize.v2.Directory` resources.
 */
import type { PlacementDecision, PlacementInput } from "./types";
import { ValidationIssue } from "./errors";
import { decidePlacement, knownClusterNames } from "./decision";
import { compareStrings } from "./placement";
import { ownEntry } from "./ownProperties";

/** Input of {@link decideFederatedKustomization}. */
export interface FederatedKustomizationInput extends Omit<PlacementInput, "replicaScheduling" | "currentReplicas" | "estimatedCapacity" | "readiness"> {
    /** The kustomization every placed member gets. */
    directory: string;
    /** Per cluster: an overlay directory used instead of `directory`. */
    clusterDirectories?: Record<string, string>;
}

/** Result of {@link decideFederatedKustomization}: the placement every kind gets, and each cluster's directory. */
export interface FederatedKustomizationDecision extends PlacementDecision {
    /** Placed cluster → the directory it builds (keys sorted). */
    directories: Record<string, string>;
}

/** Validates the input (throwing one ValidationError naming `subject`, every field and the fix) and plans it. */
export function decideFederatedKustomization(subject: string, input: FederatedKustomizationInput, key = subject): FederatedKustomizationDecision {
    const known = knownClusterNames(input.clusters ?? []);
    const issues: ValidationIssue[] = [];
    if (typeof input.directory !== "string" || input.directory === "") {
        issues.push({ severity: "error", field: "directory", message: "must be a directory with a kustomization.yaml, e.g. \"./base\"" });
    }
    const cd = input.clusterDirectories ?? {};
    for (const [c, d] of Object.entries(cd)) {
        if (!known.includes(c)) issues.push({ severity: "error", field: `clusterDirectories["${c}"]`, message: `unknown cluster "${c}" (known: ${known.join(", ") || "none"}); fix the name or add the cluster` });
        if (typeof d !== "string" || d === "") issues.push({ severity: "error", field: `clusterDirectories["${c}"]`, message: "must be an overlay directory path" });
    }
    // The same placement as every other kind (docs/semantics.md#placement), spread constraints included.
    const placement = decidePlacement(subject, { clusters: input.clusters, placement: input.placement, namespacePlacement: input.namespacePlacement },
        { key, issues, nowhere: "the kustomization is applied nowhere" });
    const placed = placement.clusters;
    for (const c of Object.keys(cd).sort(compareStrings)) {
        if (known.includes(c) && !placed.includes(c)) placement.warnings.push(`clusterDirectories["${c}"]: cluster "${c}" is not placed, so this overlay has no effect; remove it or add the cluster to the placement`);
    }
    const directories: Record<string, string> = {};
    for (const c of placed) directories[c] = ownEntry(cd, c) ?? input.directory;
    return { ...placement, directories };
}
