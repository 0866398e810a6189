/**
 * Placement (docs/semantics.md#placement): which member clusters a federated object goes to.
 */
import type { ClusterInfo, Placement } from "./types";
import { compileSelector, compileValidSelector } from "./selector";

/** Options for {@link selectClusters}. */
export interface SelectOptions {
    /** Ignore `clusters` and use only the selector (RSP `intersectWithClusterSelector`, docs/semantics.md#selected-clusters step 5). */
    selectorOnly?: boolean;
}

/** `names` sorted (code-unit order) without duplicates; an already sorted, duplicate-free array is copied as it is
 *  (the common case: cluster lists are sorted once, and sorting 10,000 of them again showed in bench:core). */
export function sortedUnique(names: readonly string[]): string[] {
    return isSortedUnique(names) ? names.slice() : Array.from(new Set(names)).sort(compareStrings);
}

/** Whether `names` is strictly increasing (code-unit order), i.e. already what {@link sortedUnique} returns. */
export function isSortedUnique(names: readonly string[]): boolean {
    for (let i = 1; i < names.length; i++) if (!(names[i - 1] < names[i])) return false;
    return true;
}

/** Code-unit order, the same as Go's byte order for the ASCII names Kubernetes allows; independent of locale. */
export function compareStrings(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorted names of the clusters in `clusters` that `placement` selects (docs/semantics.md#selected-clusters): a clusters list, even an empty one,
 * wins over the selector; an absent/null selector selects nothing; `{}` selects every cluster. With selectorOnly,
 * only the selector is considered. Names not in `clusters` are dropped (KubeFed intersects with existing clusters;
 * use {@link validatePlacement} to refuse them instead). Throws when the selector is invalid.
 */
export function selectClusters(placement: Placement | null | undefined, clusters: ClusterInfo[], opts?: SelectOptions): string[] {
    return select(placement, clusters, !!opts?.selectorOnly, false);
}

/**
 * {@link selectClusters} for a placement {@link validatePlacement} has already accepted: the selector is not
 * validated again. For the decision, which validates every input before selecting.
 */
export function selectValidatedClusters(placement: Placement | null | undefined, clusters: ClusterInfo[], opts?: SelectOptions): string[] {
    return select(placement, clusters, !!opts?.selectorOnly, true);
}

function select(placement: Placement | null | undefined, clusters: ClusterInfo[], selectorOnly: boolean, validated: boolean): string[] {
    const list = placement?.clusters;
    if (!selectorOnly && list !== null && list !== undefined) {
        const known = new Set(clusters.map(c => c.name));
        return sortedUnique(list.map(c => c?.name).filter((n): n is string => typeof n === "string" && known.has(n)));
    }
    const selector = placement?.clusterSelector;
    const matches = validated ? compileValidSelector(selector) : compileSelector(selector, "placement.clusterSelector");
    const out: string[] = [];
    for (const c of clusters) if (matches(c.labels)) out.push(c.name);
    return isSortedUnique(out) ? out : sortedUnique(out); // `out` is ours: no copy needed when already sorted
}

/**
 * Namespaced resources: the resource's placement intersected with its federated namespace's (docs/semantics.md#namespaces). The
 * namespace placement is always evaluated normally (a clusters list wins); `opts` applies to the resource's
 * placement only. A null/absent namespace placement selects nothing, as a FederatedNamespace without placement
 * does; when the namespace is not federated at all, call {@link selectClusters} instead.
 */
export function selectNamespacedClusters(placement: Placement | null | undefined, namespacePlacement: Placement | null | undefined,
                                         clusters: ClusterInfo[], opts?: SelectOptions): string[] {
    const own = selectClusters(placement, clusters, opts);
    if (own.length === 0) return own;
    const ns = new Set(selectClusters(namespacePlacement, clusters));
    return own.filter(n => ns.has(n));
}
