/**
 * The recorded decision (`DecisionSummary`) of every federated kind, built here in the core so components, the
 * policy pack, `plan` and `status` read one shape: objects and namespaces from their {@link FederatedObjectDecision},
 * chart releases and kustomizations from their placement plus what each cluster gets.
 */
import type { DecisionSummary, FederatedObjectDecision, PlacedCluster, PlacementDecision, ReplicaSchedulingSpec, SpreadConstraint } from "./types";
import { MANAGED_LABEL } from "./labels";
import { compareStrings } from "./placement";
import { ownEntry } from "./ownProperties";

/** Placeholder of a value that is an Output while the program runs (components swap Outputs for these before
 *  planning): NUL-delimited, so it cannot be user data (NUL is not valid in Kubernetes strings). */
export const OUTPUT_PLACEHOLDER = /^\u0000kubefed:output:[0-9]+\u0000$/;

/** The image a decision records where it is not known before the engine resolves it (an Output). */
export const UNKNOWN_IMAGE = "<output>";
/** The image a decision records for what a chart or kustomization renders: judged on the rendered member objects. */
export const RENDERED_IMAGES = "<rendered>";

/** True for an image a decision cannot judge before apply ({@link UNKNOWN_IMAGE}, {@link RENDERED_IMAGES}). */
export function isUnknownImage(image: string): boolean {
    return image === UNKNOWN_IMAGE || image === RENDERED_IMAGES;
}

const isPlaceholder = (v: unknown): boolean => typeof v === "string" && OUTPUT_PLACEHOLDER.test(v);
/** Keys of a pod spec's container lists. */
export const CONTAINER_LISTS: ReadonlySet<string> = new Set(["containers", "initContainers", "ephemeralContainers"]);
/** Keys under which an Output hides a pod template's images (the whole spec, template, job template, pod spec). */
export const HIDES_IMAGES: ReadonlySet<string> = new Set(["spec", "template", "jobTemplate", ...CONTAINER_LISTS]);

/**
 * Container images of an object (any pod template, wherever it is), sorted and unique. Where an Output stands for an
 * image, a container, a container list or a subtree holding them, {@link UNKNOWN_IMAGE} is recorded: never a
 * guess, and never nothing (an empty list would pass every registry rule).
 */
export function containerImages(obj: Record<string, unknown>): string[] {
    const images: string[] = [];
    const visit = (v: unknown, key: string, parentKey: string) => {
        if (isPlaceholder(v)) {
            if (HIDES_IMAGES.has(key) || CONTAINER_LISTS.has(parentKey)) images.push(UNKNOWN_IMAGE);
            return;
        }
        if (Array.isArray(v)) {
            if (CONTAINER_LISTS.has(key)) {
                for (const c of v) {
                    const image = c && typeof c === "object" ? (c as { image?: unknown }).image : undefined;
                    if (typeof image === "string") images.push(isPlaceholder(image) ? UNKNOWN_IMAGE : image);
                }
            }
            v.forEach(e => visit(e, "", key));
        } else if (v && typeof v === "object") {
            for (const [k, e] of Object.entries(v)) visit(e, k, key);
        }
    };
    visit(obj, "", "");
    return [...new Set(images)].sort(compareStrings);
}

function sortRecord<T>(r: Record<string, T>): Record<string, T> {
    const out: Record<string, T> = {};
    for (const k of Object.keys(r).sort(compareStrings)) out[k] = r[k];
    return out;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** How a federated object or namespace was asked for, beyond its plan (recorded as given). */
export interface ObjectSummaryOptions {
    /** Clusters the user wrote overrides for, placed or not. */
    overrideClusters: string[];
    orphanOnDelete: boolean;
    retainReplicas: boolean;
    waitForReady: boolean;
    /** The object lives in a federated namespace. */
    namespaced: boolean;
    replicaScheduling?: ReplicaSchedulingSpec;
    spreadConstraints?: SpreadConstraint[] | null;
    /** Template and override-value paths whose values are Outputs. */
    outputPaths?: string[];
}

/** The fields every kind records the same way: placement, exclusions, scheduling, failover and spread. */
function placementFields(plan: Pick<PlacementDecision, "unplacedReplicas" | "failover" | "spreadGroups">, rsp: ReplicaSchedulingSpec | undefined, spread: SpreadConstraint[] | null | undefined): Partial<DecisionSummary> {
    const s: Partial<DecisionSummary> = {};
    if (rsp) {
        s.replicaScheduling = clone(rsp);
        s.unplacedReplicas = plan.unplacedReplicas ?? 0;
    }
    if (plan.failover) s.failover = clone(plan.failover);
    if (spread && spread.length > 0 && plan.spreadGroups) {
        s.spread = spread.map((constraint, i) => ({ constraint: clone(constraint), groups: plan.spreadGroups![i] ?? [] }));
    }
    return s;
}

/** The recorded decision of a federated object or namespace. */
export function summarizeObjectDecision(template: Record<string, unknown>, plan: FederatedObjectDecision, o: ObjectSummaryOptions): DecisionSummary {
    const meta = (template.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };
    const templateLabels = sortRecord(meta.labels ?? {});
    const rsp = o.replicaScheduling;
    const placed: Record<string, PlacedCluster> = {};
    for (const c of [...plan.clusters].sort(compareStrings)) {
        const obj = plan.objects[c] as { metadata?: { labels?: Record<string, string> }; spec?: { replicas?: unknown } };
        // Scheduled replicas, else what the object is sent with (replica scheduling that schedules nothing, e.g. an
        // empty intersection with the selector, leaves the template's spec.replicas in place).
        const scheduled = rsp ? ownEntry(plan.replicas, c) : undefined;
        const replicas = typeof scheduled === "number" ? scheduled
            : obj.spec && typeof obj.spec.replicas === "number" ? obj.spec.replicas : undefined;
        // labels as sent, recorded only where overrides changed them: policies judge what each cluster gets
        const { [MANAGED_LABEL]: _managed, ...sent } = obj.metadata?.labels ?? {};
        const labels = sortRecord(sent);
        placed[c] = {
            ...(typeof replicas === "number" ? { replicas } : {}),
            overrides: ownEntry(plan.overridesApplied, c) ?? [],
            images: containerImages(plan.objects[c]),
            ...(JSON.stringify(labels) !== JSON.stringify(templateLabels) ? { labels } : {}),
        };
    }
    const s: DecisionSummary = {
        apiVersion: template.apiVersion as string,
        kind: template.kind as string,
        name: meta.name as string,
        ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
        labels: templateLabels,
        placed,
        excluded: plan.excluded,
        overrideClusters: [...new Set(o.overrideClusters)].sort(compareStrings),
        orphanOnDelete: o.orphanOnDelete,
        retainReplicas: o.retainReplicas,
        waitForReady: o.waitForReady,
        warnings: plan.warnings,
    };
    if (o.outputPaths && o.outputPaths.length > 0) s.outputPaths = o.outputPaths.slice().sort(compareStrings);
    if (o.namespaced) s.namespacePlacement = true;
    return { ...s, ...placementFields(plan, rsp, o.spreadConstraints) };
}

/** apiVersion/kind a chart release and a kustomization are recorded under (what policies' `kinds` match). */
export const CHART_KIND = { apiVersion: "helm.sh/v4", kind: "Chart" } as const;
export const KUSTOMIZATION_KIND = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" } as const;

/** What a chart release or kustomization records besides its placement. */
export interface RenderedSummaryOptions {
    /** Release name, or the kustomization's component name. */
    name: string;
    namespace?: string;
    /** Labels policies match the unit by (residency rules), as given. */
    labels?: Record<string, string>;
    replicaScheduling?: ReplicaSchedulingSpec;
    spreadConstraints?: SpreadConstraint[] | null;
    namespaced: boolean;
    /** Clusters given their own values or directory. */
    clusterSpecific: string[];
}

/**
 * The recorded decision of a chart release or a kustomization, in the shape objects record: each placed cluster
 * with its replicas (when scheduled) and {@link RENDERED_IMAGES}, since what runs there is known only once the
 * chart or directory is rendered; the policy pack judges the rendered member objects themselves.
 */
export function summarizeRenderedDecision(kind: typeof CHART_KIND | typeof KUSTOMIZATION_KIND, plan: PlacementDecision, o: RenderedSummaryOptions): DecisionSummary {
    const placed: Record<string, PlacedCluster> = {};
    for (const c of [...plan.clusters].sort(compareStrings)) {
        const r = plan.scheduled ? ownEntry(plan.replicas, c) : undefined;
        placed[c] = { ...(typeof r === "number" ? { replicas: r } : {}), overrides: [], images: [RENDERED_IMAGES] };
    }
    const s: DecisionSummary = {
        ...kind, name: o.name, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
        labels: sortRecord(o.labels ?? {}), placed, excluded: plan.excluded,
        overrideClusters: [...new Set(o.clusterSpecific)].sort(compareStrings),
        orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: plan.warnings,
    };
    if (o.namespaced) s.namespacePlacement = true;
    return { ...s, ...placementFields(plan, o.replicaScheduling, o.spreadConstraints) };
}

/**
 * A dependency's decision once `follow` workloads have pulled it into more clusters: those clusters are placed
 * (with what they are sent, from `grown`, the decision over every cluster it is sent to) and no longer excluded,
 * and `pulledBy` says which workloads pulled it where. Policies judge where it lands, not where it was asked for.
 */
export function withPulledClusters(d: DecisionSummary, grown: DecisionSummary | undefined, pulledBy: Record<string, string[]>): DecisionSummary {
    const placed: Record<string, PlacedCluster> = { ...d.placed };
    const excluded: Record<string, string> = { ...d.excluded };
    for (const c of Object.keys(pulledBy)) {
        const entry = ownEntry(grown?.placed, c) ?? ownEntry(d.placed, c);
        if (!Object.prototype.hasOwnProperty.call(placed, c)) placed[c] = entry ?? { overrides: [], images: [] };
        delete excluded[c];
    }
    return { ...d, placed: sortRecord(placed), excluded: sortRecord(excluded), pulledBy: sortRecord(pulledBy) };
}
