/**
 * The decision for a Helm chart federated over member clusters: which members get a release (placement as for a
 * federated object, docs/semantics.md#placement), the values each one gets (shared values deep-merged with that cluster's values, Helm's
 * merge rules) and, with replica scheduling (docs/semantics.md#replica-scheduling), the replicas written at a values path the user names.
 */
import { ValidationIssue, assertValid } from "./errors";
import { ClusterInfo, Placement, compareStrings, selectClusters, selectNamespacedClusters } from "./placement";
import { hasOwn, ownEntry, setOwn } from "./own";
import { planReplicas } from "./planner";
import { ReplicaSchedulingSpec, validateClusters, validatePlacement, validateReplicaScheduling } from "./validate";

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Helm's values merge (`coalesce`): maps merge key by key, recursively; anything else in `over` replaces what is
 * in `base`; a `null` in `over` removes the key. Neither input is changed.
 */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const cur = hasOwn(out, k) ? out[k] : undefined;
        if (v === null) delete out[k];
        else setOwn(out, k, isPlainObject(v) && isPlainObject(cur) ? mergeValues(cur, v) : v);
    }
    return out;
}

/** Input of {@link planFederatedChart}. */
export interface ChartPlanInput {
    /** Every member cluster of the program. */
    clusters: ClusterInfo[];
    /** Where releases go (KubeFed placement semantics). */
    placement?: Placement | null;
    /** The federated namespace's placement when the chart is installed into one (intersection, docs/semantics.md#namespaces). */
    namespacePlacement?: Placement | null;
    /** Values every release gets. */
    values?: Record<string, unknown>;
    /** Per cluster: values merged over the shared ones for that cluster's release. */
    clusterValues?: Record<string, Record<string, unknown>>;
    /** Replica scheduling; needs `replicasPath`. */
    replicaScheduling?: ReplicaSchedulingSpec;
    /** Dotted values path that receives each cluster's replicas, e.g. `replicaCount` or `web.replicas`. */
    replicasPath?: string;
    /** `<namespace>/<release>`: feeds the planner's tie-break hash. */
    key: string;
}

/** Result of {@link planFederatedChart}; records keyed in sorted cluster order. */
export interface ChartPlan {
    clusters: string[];
    /** The merged values of each placed cluster's release. */
    values: Record<string, Record<string, unknown>>;
    replicas?: Record<string, number>;
    unplacedReplicas?: number;
    warnings: string[];
}

function setPath(values: Record<string, unknown>, path: string[], v: unknown): Record<string, unknown> {
    const [head, ...rest] = path;
    const out = { ...values };
    const cur = hasOwn(values, head) ? values[head] : undefined;
    setOwn(out, head, rest.length === 0 ? v : setPath(isPlainObject(cur) ? cur : {}, rest, v));
    return out;
}

function hasPath(values: Record<string, unknown> | undefined, path: string[]): boolean {
    let cur: unknown = values;
    for (const p of path) {
        if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, p)) return false;
        cur = cur[p];
    }
    return true;
}

/**
 * Validates and plans one federated chart. Throws a {@link ValidationError} (subject `chart <key>`) listing every
 * error: unknown clusters in placement or clusterValues, values that are not maps, replica scheduling without a
 * valid `replicasPath`, and a cluster's values setting the scheduled path (replica scheduling owns it).
 */
export function planFederatedChart(input: ChartPlanInput): ChartPlan {
    const subject = `chart ${input.key}`;
    const issues: ValidationIssue[] = [];
    const error = (field: string, message: string) => issues.push({ severity: "error", field, message });
    issues.push(...validateClusters(input.clusters, "clusters"));
    const known = input.clusters.map(c => c.name).sort(compareStrings);
    const namespaced = input.namespacePlacement !== undefined;
    issues.push(...validatePlacement(input.placement, known, "placement"));
    if (namespaced) issues.push(...validatePlacement(input.namespacePlacement, known, "namespacePlacement"));
    const rs = input.replicaScheduling;
    issues.push(...validateReplicaScheduling(rs, known, "replicaScheduling"));
    if (input.values !== undefined && !isPlainObject(input.values)) error("values", "must be a map of chart values");
    const path = input.replicasPath ? input.replicasPath.split(".") : undefined;
    if (input.replicasPath !== undefined && (!path || path.some(p => p === ""))) {
        error("replicasPath", `"${input.replicasPath}" is not a dotted values path; write it like "replicaCount" or "web.replicas"`);
    }
    if (rs && !input.replicasPath) error("replicasPath", "is required with replicaScheduling: name the chart value that sets the replicas, e.g. \"replicaCount\"");
    const cv = input.clusterValues ?? {};
    if (!isPlainObject(cv)) error("clusterValues", "must be a map of cluster name to values");
    else for (const [c, v] of Object.entries(cv)) {
        if (!known.includes(c)) error(`clusterValues["${c}"]`, `unknown cluster "${c}" (known: ${known.join(", ") || "none"}); fix the name or add the cluster`);
        if (!isPlainObject(v)) error(`clusterValues["${c}"]`, "must be a map of chart values");
        else if (rs && path && hasPath(v, path)) {
            error(`clusterValues["${c}"].${input.replicasPath}`, `is set, but replicaScheduling writes ${input.replicasPath} in every cluster; remove it here or remove replicaScheduling`);
        }
    }
    const warnings = assertValid(subject, issues).map(i => `${i.field}: ${i.message}`);

    let final: string[];
    let replicas: Record<string, number> | undefined;
    let unplaced: number | undefined;
    const normal = () => namespaced ? selectNamespacedClusters(input.placement, input.namespacePlacement, input.clusters)
        : selectClusters(input.placement, input.clusters);
    if (rs) {
        const available = rs.intersectWithClusterSelector
            ? (namespaced ? selectNamespacedClusters(input.placement, input.namespacePlacement, input.clusters, { selectorOnly: true })
                : selectClusters(input.placement, input.clusters, { selectorOnly: true }))
            : known;
        const { plan, overflow } = planReplicas({ totalReplicas: rs.totalReplicas, rebalance: rs.rebalance, clusters: rs.clusters,
            availableClusters: available, key: input.key });
        let placed = Object.keys(plan);
        if (namespaced && !rs.intersectWithClusterSelector) {
            const ns = new Set(selectClusters(input.namespacePlacement, input.clusters));
            placed = placed.filter(c => ns.has(c));
        }
        final = placed;
        replicas = {};
        let sum = 0;
        for (const c of final) { replicas[c] = plan[c] + (ownEntry(overflow, c) ?? 0); sum += replicas[c]; }
        unplaced = Math.max(0, rs.totalReplicas - sum);
        if (unplaced > 0) warnings.push(`replicaScheduling: ${unplaced} of ${rs.totalReplicas} replicas are not placed; add clusters, weights or raise maxReplicas`);
    } else {
        final = normal();
    }
    if (final.length === 0) warnings.push("placement: selects no cluster, so the chart is installed nowhere; list clusters or use a clusterSelector ({} selects all)");
    for (const c of Object.keys(cv).sort(compareStrings)) {
        if (known.includes(c) && !final.includes(c)) {
            warnings.push(`clusterValues["${c}"]: cluster "${c}" is not placed, so these values have no effect; remove them or add the cluster to the placement`);
        }
    }

    const values: Record<string, Record<string, unknown>> = {};
    for (const c of final) {
        let v = mergeValues(input.values ?? {}, ownEntry(cv, c) ?? {});
        if (replicas && path) v = setPath(v, path, replicas[c]);
        values[c] = JSON.parse(JSON.stringify(v));
    }
    const out: ChartPlan = { clusters: final, values, warnings };
    if (rs) { out.replicas = replicas; out.unplacedReplicas = unplaced; }
    return out;
}

