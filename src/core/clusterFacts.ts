/**
 * What the decision knows about one cluster list, computed once per list and reused for every object placed over
 * it: the list's validation, its sorted names (and their positions), and the exclusion records objects placed alike
 * share. Split from decision.ts, which places one object; this holds what its objects have in common.
 */
import type { ValidationIssue } from "./errors";
import type { ClusterInfo, PlacementInput } from "./types";
import { compareStrings } from "./placement";
import { validateClusters } from "./validate";
import { ownEntry } from "./ownProperties";
import { EXCLUSION_REASONS, NOT_CHOSEN, NOT_IN_NAMESPACE } from "./exclusions";

/**
 * Cluster-list validation (and the sorted name list) is memoised per array: a program plans many objects over
 * the same member list, and re-checking every name and label per object would dominate the cost. The cached
 * result is reused only while the array holds the same cluster objects with the same names and the same label
 * entries (keys and values, compared in place, so a label changed in place is validated again).
 */
export interface ClusterFacts {
    /** Per cluster: the cluster, its name, its label map, the number of label entries, then each key and value. */
    snapshot: unknown[];
    issues: ValidationIssue[];
    /** Sorted unique names. */
    known: string[];
    /** name -> its position in `known`, for per-object flags instead of per-object Sets. */
    index: Map<string, number>;
    /** Exclusion records seen for this list, by their reason codes (see {@link exclusionReasons}). */
    exclusions: Map<string, Record<string, string> | null>;
}
const clusterCache = new WeakMap<ClusterInfo[], ClusterFacts>();
const hasOwn = Object.prototype.hasOwnProperty;

/** Appends one cluster's entry of {@link ClusterFacts.snapshot}. */
function pushSnapshot(out: unknown[], c: ClusterInfo): void {
    const labels = c?.labels;
    out.push(c, c?.name, labels, 0);
    const at = out.length - 1;
    let n = 0;
    if (labels) for (const k in labels) if (hasOwn.call(labels, k)) { out.push(k, labels[k]); n++; }
    out[at] = n;
}

/** Whether `clusters` still matches `snapshot` entry by entry: walks each label map once, allocates nothing. */
function sameSnapshot(clusters: ClusterInfo[], snapshot: unknown[]): boolean {
    let j = 0;
    for (let i = 0; i < clusters.length; i++) {
        const c = clusters[i];
        const labels = c?.labels;
        if (j + 4 > snapshot.length || snapshot[j] !== c || snapshot[j + 1] !== c?.name || snapshot[j + 2] !== labels) return false;
        const n = snapshot[j + 3] as number;
        j += 4;
        let m = 0;
        if (labels) {
            for (const k in labels) {
                if (!hasOwn.call(labels, k)) continue;
                if (m >= n || snapshot[j + 2 * m] !== k || snapshot[j + 2 * m + 1] !== labels[k]) return false;
                m++;
            }
        }
        if (m !== n) return false;
        j += 2 * n;
    }
    return j === snapshot.length;
}

/**
 * The problems of a cluster list (duplicate names, names that are not DNS-1123 labels, bad label keys/values), from
 * the same per-list memo every plan over that list uses: a caller that checks a list first and then plans with the
 * same array validates it once. Fields are `clusters[<index in this array>]...`.
 */
export function clusterListIssues(clusters: ClusterInfo[]): ValidationIssue[] {
    return clusterFacts(clusters).issues;
}

export function clusterFacts(clusters: ClusterInfo[]): ClusterFacts {
    if (!Array.isArray(clusters)) return { snapshot: [], issues: validateClusters(clusters, "clusters"), known: [], index: new Map(), exclusions: new Map() };
    const hit = clusterCache.get(clusters);
    if (hit && sameSnapshot(clusters, hit.snapshot)) return hit;
    const snapshot: unknown[] = [];
    for (const c of clusters) pushSnapshot(snapshot, c);
    const known = Array.from(new Set(clusters.map(c => c?.name).filter((n): n is string => typeof n === "string"))).sort(compareStrings);
    // `known` is frozen: it is shared by every plan over this list, and the validators skip re-checking a frozen list.
    const facts = { snapshot, issues: validateClusters(clusters, "clusters"), known: Object.freeze(known) as string[], index: new Map(known.map((n, i) => [n, i])),
        exclusions: new Map() };
    clusterCache.set(clusters, facts);
    return facts;
}

// Reason codes and texts: exclusions.ts (one table, read back by `exclusionCode`).
/** Bounds of the per-cluster-list memo of exclusion records: records kept (fewer for long lists, so records ×
 *  clusters stays under EXCLUSION_MEMO_CELLS), and the longest list memoised. */
const EXCLUSION_MEMO_RECORDS = 256, EXCLUSION_MEMO_CELLS = 1 << 18, EXCLUSION_MEMO_CLUSTERS = 4096;

/**
 * The reason each known cluster is not in `placed`: the first filter (docs/semantics.md#placement) that dropped it.
 * `own` is the object's own selection as the placement step computed it (undefined: every known cluster, as when
 * replica scheduling decides placement), `ns` the namespace placement's (undefined: not namespaced); reusing them
 * spares selecting the clusters a second time.
 *
 * Objects placed alike have the same record (one entry for most of the fleet), and building it key by key was the
 * largest self time in bench:core. The record is a function of the cluster list and one reason code per cluster,
 * so it is memoised on the list's facts by those codes (a record seen twice is kept) and handed out as a copy.
 */
export function exclusionReasons(input: PlacementInput, facts: ClusterFacts, placed: string[], own: string[] | undefined,
                          ns: string[] | undefined, spreadExcluded?: Record<string, string>): Record<string, string> {
    const PLACED = 1, OWN = 2, NS = 4;
    const { known, index } = facts;
    const codes = new Uint8Array(known.length); // membership flags first, then reason codes
    const mark = (names: string[], bit: number) => {
        for (const n of names) {
            const i = index.get(n);
            if (i !== undefined) codes[i] |= bit;
        }
    };
    if (own) mark(own, OWN);
    else codes.fill(OWN);
    mark(placed, PLACED);
    if (ns) mark(ns, NS);
    const rs = input.replicaScheduling;
    const placement = input.placement;
    // Outside the object's own selection, the reason depends only on how the placement selects.
    const notOwn = rs ? 1 : placement?.clusters ? 2 : !placement?.clusterSelector ? 3 : 4;
    for (let i = 0; i < known.length; i++) {
        const f = codes[i];
        codes[i] = f & PLACED ? 0 : !(f & OWN) ? notOwn : ns && !(f & NS) ? NOT_IN_NAMESPACE : NOT_CHOSEN;
    }
    if (spreadExcluded || known.length > EXCLUSION_MEMO_CLUSTERS) return exclusionRecord(known, codes, spreadExcluded);
    const key = String.fromCharCode.apply(null, codes as unknown as number[]);
    const seen = facts.exclusions.get(key);
    if (seen) return { ...seen };
    const out = exclusionRecord(known, codes);
    if (seen === null) facts.exclusions.set(key, { ...out });
    else {
        if (facts.exclusions.size >= Math.min(EXCLUSION_MEMO_RECORDS, EXCLUSION_MEMO_CELLS / known.length)) facts.exclusions.clear();
        facts.exclusions.set(key, null);
    }
    return out;
}

/** The exclusion record for reason `codes` (one per known cluster), with the spread constraints' reasons where they left a cluster out. */
function exclusionRecord(known: readonly string[], codes: Uint8Array, spreadExcluded?: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < known.length; i++) {
        const code = codes[i];
        if (code === 0) continue;
        const c = known[i];
        out[c] = (code === NOT_CHOSEN ? ownEntry(spreadExcluded, c) : undefined) || EXCLUSION_REASONS[code];
    }
    return out;
}
