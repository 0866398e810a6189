/**
 * The decision for a Helm chart federated over member clusters: which members get a release (placement as for a
 * federated object, docs/semantics.md#placement), the values each one gets (shared values deep-merged with that cluster's values, Helm's
 * merge rules) and, with replica scheduling (docs/semantics.md#replica-scheduling), the replicas written at a values path the user names.
 */
import type { ClusterInfo, ImageOverride, LabelSelector, PlacementDecision, PlacementInput } from "./types";
import { ValidationIssue } from "./errors";
import { decidePlacement, knownClusterNames } from "./decision";
import { compareStrings } from "./placement";
import { hasOwn, ownEntry, setOwn } from "./ownProperties";
import { formatImage, parseImage, validateImageOverrides } from "./images";
import { validateSelector } from "./selector";
import { selectClusters } from "./placement";

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

/** Input of {@link decideFederatedChart}. */
export interface FederatedChartInput extends PlacementInput {
    /** Values every release gets. */
    values?: Record<string, unknown>;
    /** Per cluster: values merged over the shared ones for that cluster's release. */
    clusterValues?: Record<string, Record<string, unknown>>;
    /**
     * Values filled from each cluster's facts, as Fleet and ApplicationSet do: fact → dotted values path, where a
     * fact is `name`, `region`, `zones` (a list) or `labels.<key>`, e.g. `{ region: "region", "labels.tier": "tier" }`.
     * Merged over `values` and under `clusterValues`; a cluster without the fact (no region, no such label) gets no
     * value there.
     */
    clusterValuesFrom?: Record<string, string>;
    /** Image changes per cluster, written into the chart's image values (see {@link ChartImageOverride}). */
    imageOverrides?: ChartImageOverride[];
    /** Dotted values path that receives each cluster's replicas, e.g. `replicaCount` or `web.replicas`. */
    replicasPath?: string;
    /** `<namespace>/<release>`: feeds the planner's tie-break hash. */
    key: string;
}

/**
 * The image overrider for a chart that exposes its image as values: at `valuesPath` (default `image`), the usual
 * `registry`, `repository`, `tag` and `digest` keys. Where the values have no `registry` key, the registry is the
 * first part of `repository` (`registry.example.com/nginx`), as in charts that template `repository:tag`.
 * Entries target clusters by name or selector and apply in the order written, after `clusterValues`.
 */
export interface ChartImageOverride {
    /** One member cluster (exactly one of clusterName and clusterSelector). */
    clusterName?: string;
    /** Every member whose labels match (`{}` matches all). */
    clusterSelector?: LabelSelector;
    /** Dotted values path of the image map; default `image`. */
    valuesPath?: string;
    /** What changes (`containers` does not apply to charts). */
    imageOverrides: ImageOverride[];
}

/** Result of {@link decideFederatedChart}: the placement every kind gets, and the values of each placed release. */
export interface FederatedChartDecision extends PlacementDecision {
    /** The merged values of each placed cluster's release (replicas written at `replicasPath`). */
    values: Record<string, Record<string, unknown>>;
}

function setPath(values: Record<string, unknown>, path: string[], v: unknown): Record<string, unknown> {
    const [head, ...rest] = path;
    const out = { ...values };
    const cur = hasOwn(values, head) ? values[head] : undefined;
    setOwn(out, head, rest.length === 0 ? v : setPath(isPlainObject(cur) ? cur : {}, rest, v));
    return out;
}

/** Keys that cannot reach a chart: Pulumi's SDK drops `__proto__`, and the others would be read as prototype members. */
const UNSENDABLE = new Set(["__proto__", "constructor", "prototype"]);

/** The values a cluster's facts fill in (`clusterValuesFrom`), or undefined when none applies. */
function factValues(from: Record<string, string>, cluster: ClusterInfo | undefined): Record<string, unknown> | undefined {
    if (!cluster) return undefined;
    let out: Record<string, unknown> | undefined;
    for (const fact of Object.keys(from).sort(compareStrings)) {
        const v = fact === "name" ? cluster.name : fact === "region" ? cluster.region
            : fact === "zones" ? (cluster.zones && cluster.zones.length > 0 ? [...cluster.zones].sort(compareStrings) : undefined)
            : ownEntry(cluster.labels ?? {}, fact.slice("labels.".length));
        if (v === undefined || v === null) continue;
        out = setPath(out ?? {}, from[fact].split("."), v);
    }
    return out;
}

/** A cluster's values after the image overrides that target it (in the order written). */
function applyImageValues(values: Record<string, unknown>, entries: ChartImageOverride[], cluster: string, clusters: ClusterInfo[]): Record<string, unknown> {
    let v = values;
    for (const e of entries) {
        const targets = e.clusterSelector !== undefined && e.clusterSelector !== null
            ? selectClusters({ clusterSelector: e.clusterSelector }, clusters) : [e.clusterName];
        if (!targets.includes(cluster)) continue;
        const path = (e.valuesPath ?? "image").split(".");
        let cur: unknown = v;
        for (const p of path) cur = isPlainObject(cur) && hasOwn(cur, p) ? cur[p] : undefined;
        const image: Record<string, unknown> = isPlainObject(cur) ? { ...cur } : {};
        for (const o of e.imageOverrides) {
            const own = hasOwn(image, "registry") || o.component !== "registry";
            if (own) {
                if (o.op === "remove") delete image[o.component];
                else image[o.component] = o.value;
            } else {
                // the registry is the first part of `repository`
                const repo = typeof image.repository === "string" ? image.repository : "";
                const ref = parseImage(repo || "x");
                if (o.op === "remove") delete ref.registry;
                else ref.registry = o.value;
                image.repository = formatImage({ ...ref, repository: repo ? ref.repository : "" }).replace(/\/$/, "");
            }
        }
        v = setPath(v, path, image);
    }
    return v;
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
export function decideFederatedChart(input: FederatedChartInput): FederatedChartDecision {
    const subject = `chart ${input.key}`;
    const issues: ValidationIssue[] = [];
    const error = (field: string, message: string) => issues.push({ severity: "error", field, message });
    const known = knownClusterNames(input.clusters);
    const rs = input.replicaScheduling;
    if (input.values !== undefined && !isPlainObject(input.values)) error("values", "must be a map of chart values");
    const path = input.replicasPath ? input.replicasPath.split(".") : undefined;
    if (input.replicasPath !== undefined && (typeof input.replicasPath !== "string" || !path || path.some(p => p === ""))) {
        error("replicasPath", `"${input.replicasPath}" is not a dotted values path; write it like "replicaCount" or "web.replicas"`);
    } else if (path?.some(p => UNSENDABLE.has(p))) {
        // Such a key would be dropped on the way to the chart (Pulumi's SDK drops __proto__), so the split would be recorded but never sent.
        error("replicasPath", `"${input.replicasPath}" has a segment named ${path.find(p => p === "__proto__" || p === "constructor" || p === "prototype")}, which cannot be sent as a chart value; name the chart's replicas value, e.g. "replicaCount"`);
    }
    if (rs && !input.replicasPath) error("replicasPath", "is required with replicaScheduling: name the chart value that sets the replicas, e.g. \"replicaCount\"");
    const from = input.clusterValuesFrom ?? {};
    if (!isPlainObject(from)) error("clusterValuesFrom", "must be a map of cluster fact (name, region, zones, labels.<key>) to a dotted values path");
    else for (const [fact, target] of Object.entries(from)) {
        const f = `clusterValuesFrom["${fact}"]`;
        const twice = Object.entries(from).find(([other, t]) => other < fact && t === target);
        if (twice) error(f, `writes ${String(target)}, as clusterValuesFrom["${twice[0]}"] does; give each fact its own values path`);
        if (!/^(name|region|zones|labels\.[^.].*)$/.test(fact)) error(f, `"${fact}" is not a cluster fact; use name, region, zones or labels.<key>`);
        if (typeof target !== "string" || target === "" || target.split(".").some(p => p === "" || UNSENDABLE.has(p))) {
            error(f, `${JSON.stringify(target)} is not a dotted values path; write it like "region" or "global.clusterTier"`);
        } else if (rs && input.replicasPath && target === input.replicasPath) {
            error(f, `writes ${target}, which replicaScheduling writes in every cluster; choose another values path`);
        }
    }
    const io = input.imageOverrides ?? [];
    if (!Array.isArray(io)) error("imageOverrides", "must be a list of {clusterName or clusterSelector, valuesPath?, imageOverrides}");
    else io.forEach((e, i) => {
        const f = `imageOverrides[${i}]`;
        if (!e || typeof e !== "object") { error(f, "must be an object {clusterName or clusterSelector, valuesPath?, imageOverrides}"); return; }
        const bySelector = e.clusterSelector !== undefined && e.clusterSelector !== null;
        if (bySelector && e.clusterName !== undefined) error(`${f}.clusterSelector`, "is set together with clusterName; target one cluster by name or several by selector, not both");
        if (bySelector) issues.push(...validateSelector(e.clusterSelector, `${f}.clusterSelector`));
        else if (typeof e.clusterName !== "string" || !known.includes(e.clusterName)) {
            error(`${f}.clusterName`, `${JSON.stringify(e.clusterName)} is not a member cluster (known: ${known.join(", ") || "none"}); fix the name, or use clusterSelector`);
        }
        if (e.valuesPath !== undefined && (typeof e.valuesPath !== "string" || e.valuesPath.split(".").some(p => p === "" || UNSENDABLE.has(p)))) {
            error(`${f}.valuesPath`, `${JSON.stringify(e.valuesPath)} is not a dotted values path; write it like "image" or "web.image"`);
        }
        if (!Array.isArray(e.imageOverrides) || e.imageOverrides.length === 0) error(`${f}.imageOverrides`, "must list at least one {component, op?, value?}");
        issues.push(...validateImageOverrides(e.imageOverrides, `${f}.imageOverrides`));
        (Array.isArray(e.imageOverrides) ? e.imageOverrides : []).forEach((o, j) => {
            if (o && Array.isArray(o.containers)) error(`${f}.imageOverrides[${j}].containers`, "does not apply to a chart (its image values name no container); use one entry per values path");
        });
    });
    const cv = input.clusterValues ?? {};
    if (!isPlainObject(cv)) error("clusterValues", "must be a map of cluster name to values");
    else for (const [c, v] of Object.entries(cv)) {
        if (!known.includes(c)) error(`clusterValues["${c}"]`, `unknown cluster "${c}" (known: ${known.join(", ") || "none"}); fix the name or add the cluster`);
        if (!isPlainObject(v)) error(`clusterValues["${c}"]`, "must be a map of chart values");
        else if (rs && path && hasPath(v, path)) {
            error(`clusterValues["${c}"].${input.replicasPath}`, `is set, but replicaScheduling writes ${input.replicasPath} in every cluster; remove it here or remove replicaScheduling`);
        }
    }
    // The same placement as every other kind (docs/semantics.md#placement): selection, namespace, spread, replica
    // scheduling and failover.
    const placed = decidePlacement(subject, {
        clusters: input.clusters, placement: input.placement, namespacePlacement: input.namespacePlacement,
        replicaScheduling: rs, currentReplicas: input.currentReplicas, estimatedCapacity: input.estimatedCapacity, readiness: input.readiness,
    }, { key: input.key, issues, nowhere: "the chart is installed nowhere" });
    const final = placed.clusters;
    const warnings = placed.warnings;
    for (const c of Object.keys(cv).sort(compareStrings)) {
        if (known.includes(c) && !final.includes(c)) {
            warnings.push(`clusterValues["${c}"]: cluster "${c}" is not placed, so these values have no effect; remove them or add the cluster to the placement`);
        }
    }

    const values: Record<string, Record<string, unknown>> = {};
    const replicas = placed.scheduled ? placed.replicas : undefined;
    for (const c of final) {
        let v = input.values ?? {};
        const facts = factValues(from, input.clusters.find(x => x.name === c));
        if (facts) v = mergeValues(v, facts);
        v = mergeValues(v, ownEntry(cv, c) ?? {});
        v = applyImageValues(v, io, c, input.clusters);
        if (replicas && path) v = setPath(v, path, replicas[c]);
        values[c] = JSON.parse(JSON.stringify(v));
    }
    return { ...placed, values };
}
