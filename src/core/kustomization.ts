/**
 * The decision for a kustomization federated over member clusters: which members get it (placement as for a
 * federated object, docs/semantics.md#placement) and which directory each one builds (an overlay per cluster, else
 * the shared one). Components only turn it into `kustomize.v2.Directory` resources.
 */
import { ValidationIssue, assertValid } from "./errors";
import { ClusterInfo, Placement, compareStrings, selectClusters, selectNamespacedClusters } from "./placement";
import { validatePlacement } from "./validate";
import { ownEntry } from "./own";

/** Input of {@link planFederatedKustomization}. */
export interface KustomizationPlanInput {
    /** Every member cluster of the program. */
    clusters: ClusterInfo[];
    /** The kustomization every placed member gets. */
    directory: string;
    /** Per cluster: an overlay directory used instead of `directory`. */
    clusterDirectories?: Record<string, string>;
    /** Where the kustomization goes; absent selects nothing. */
    placement?: Placement | null;
    /** Present when it lives in a federated namespace: the namespace's placement (undefined = not federated-namespaced). */
    namespacePlacement?: Placement | null;
}

/** Result of {@link planFederatedKustomization}. */
export interface KustomizationPlan {
    /** Placed clusters, sorted. */
    clusters: string[];
    /** Placed cluster → the directory it builds (keys sorted). */
    directories: Record<string, string>;
    /** `"<field>: <message>"`. */
    warnings: string[];
}

/** Validates the input (throwing one ValidationError naming `subject`, every field and the fix) and plans it. */
export function planFederatedKustomization(subject: string, input: KustomizationPlanInput): KustomizationPlan {
    const known = Array.from(new Set((input.clusters ?? []).map(c => c.name))).sort(compareStrings);
    const issues: ValidationIssue[] = [];
    if (typeof input.directory !== "string" || input.directory === "") {
        issues.push({ severity: "error", field: "directory", message: "must be a directory with a kustomization.yaml, e.g. \"./base\"" });
    }
    const cd = input.clusterDirectories ?? {};
    for (const [c, d] of Object.entries(cd)) {
        if (!known.includes(c)) issues.push({ severity: "error", field: `clusterDirectories["${c}"]`, message: `unknown cluster "${c}" (known: ${known.join(", ") || "none"}); fix the name or add the cluster` });
        if (typeof d !== "string" || d === "") issues.push({ severity: "error", field: `clusterDirectories["${c}"]`, message: "must be an overlay directory path" });
    }
    issues.push(...validatePlacement(input.placement, known, "placement"));
    const warnings = assertValid(subject, issues).map(i => `${i.field}: ${i.message}`);
    const placed = input.namespacePlacement !== undefined
        ? selectNamespacedClusters(input.placement, input.namespacePlacement, input.clusters)
        : selectClusters(input.placement, input.clusters);
    for (const c of Object.keys(cd).sort(compareStrings)) {
        if (known.includes(c) && !placed.includes(c)) warnings.push(`clusterDirectories["${c}"]: cluster "${c}" is not placed, so this overlay has no effect; remove it or add the cluster to the placement`);
    }
    const directories: Record<string, string> = {};
    for (const c of placed) directories[c] = ownEntry(cd, c) ?? input.directory;
    return { clusters: placed, directories, warnings };
}
