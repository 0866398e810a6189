import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
    CHART_KIND, ChartImageOverride, FederatedChartDecision, ClusterInfo, DecisionSummary, Placement, ReplicaSchedulingSpec, ValidationIssue, assertValid, dns1123LabelProblem,
    UNKNOWN_IMAGE, mergeValues, placementView, decideFederatedChart, summarizeRenderedDecision,
} from "../core";
import { ownEntry } from "../core/ownProperties";
import { KubefedComponent, componentType, prepare } from "./base";
import type { FederatedNamespaceLike } from "./federationTypes";
import { OutputSlots, isPlaceholder, refuseOutputs, restoreOutputs, takeOutputs } from "./inputs";
import * as fs from "fs";
import * as YAML from "yaml";
import { MemberCluster, sortRecord } from "./memberCluster";
import { memberList } from "./memberList";
import { childName, claimChildNames } from "./names";
import { failoverEnabled, readinessFor } from "./readiness";
import { currentReadBacks } from "./readBacks";
import { RenderedObjects } from "./renderedObjects";
import { ReplicaSchedulingPreference } from "./replicaSchedulingPreference";
import { assertSameShard, placeInShard, registerShardDecision, shardPlacementOf } from "./shard";

/** Arguments of {@link FederatedChart}. */
export interface FederatedChartArgs {
    /** Every member cluster of the federation. */
    clusters: MemberCluster[];
    /** The chart: a path to a chart directory or archive (or any reference the Kubernetes provider's Helm v4 Chart accepts). */
    chart: string;
    /** Chart version, for repository or OCI references. */
    version?: string;
    /** Release name in every member; defaults to the component name. */
    releaseName?: string;
    /** Namespace of the release: a name, or a FederatedNamespace (releases then go only where it is placed, after it). */
    namespace?: string | FederatedNamespaceLike;
    /** KubeFed placement, as for FederatedResource. */
    placement?: Placement;
    /** Values every release gets. Leaf values may be Outputs (a password from config): each member's Chart gets the
     *  resolved value, a secret stays secret, and the decision shows `<output>` there. */
    values?: Record<string, unknown>;
    /** Per cluster: values deep-merged over `values` (Helm's merge: maps merge, everything else replaces, null removes). */
    clusterValues?: Record<string, Record<string, unknown>>;
    /** Values files (paths of YAML files, read while the program runs), merged in order under `values`, as Helm's
     *  `--values` would be: the decision shows the merged values of each cluster. */
    valueYamlFiles?: string[];
    /** The chart repository (Helm's `--repo`, credentials, CA), as `helm.v4.Chart` takes it; a password is kept secret. */
    repositoryOpts?: k8s.types.input.helm.v4.RepositoryOpts;
    /** Values filled from each cluster's facts: fact (`name`, `region`, `zones`, `labels.<key>`) → dotted values
     *  path, e.g. `{ region: "region", "labels.tier": "tier" }`. Merge order: `values`, then these, then
     *  `clusterValues` (a cluster's own values win), then the scheduled replicas. */
    clusterValuesFrom?: Record<string, string>;
    /** The image overrider for the chart's image values (`image.registry`, `image.repository`, `image.tag`,
     *  `image.digest` at `valuesPath`), per cluster by name or selector; applied after `clusterValues`. */
    imageOverrides?: ChartImageOverride[];
    /** Replica scheduling: the replicas of each cluster are written at `replicasPath` in its values. */
    replicaScheduling?: ReplicaSchedulingPreference | ReplicaSchedulingSpec;
    /** Dotted values path receiving each cluster's replicas, e.g. `replicaCount`. Required with replicaScheduling. */
    replicasPath?: string;
    /** Skip the chart's `crds/` directory. */
    skipCrds?: boolean;
}

/**
 * What a FederatedChart records as its input (and output): what `preview --diff` and policies see. It is the
 * decision every federated kind records (placed clusters with replicas, exclusions, failover, spread; kind `Chart`,
 * apiVersion `helm.sh/v4`, name = the release), plus the chart and each placed cluster's values.
 */
export interface ChartDecision extends DecisionSummary {
    chart: string;
    releaseName: string;
    namespace?: string;
    clusters: string[];
    /** The merged values per placed cluster. */
    values: Record<string, Record<string, unknown>>;
    replicas?: Record<string, number>;
    unplacedReplicas?: number;
    warnings: string[];
    /** The values files merged under `values`, as given. */
    valueYamlFiles?: string[];
    /** The chart repository, when one was given. */
    repository?: string;
}

/** Helm's release-name rule (a DNS-1123 subdomain of at most 53 characters), or undefined. */
function releaseNameProblem(v: unknown): string | undefined {
    if (typeof v !== "string" || v.length === 0 || v.length > 53 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v)) {
        return `${JSON.stringify(v)} is not a valid Helm release name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 53 characters (e.g. "hello")`;
    }
    return undefined;
}

/** `valueYamlFiles` read and merged in order (Helm's rules), or undefined when there are none. */
function readValueFiles(files: string[] | undefined, issues: ValidationIssue[]): Record<string, unknown> | undefined {
    if (files === undefined || files === null) return undefined;
    if (!Array.isArray(files)) {
        issues.push({ severity: "error", field: "valueYamlFiles", message: "must be a list of paths of YAML values files" });
        return undefined;
    }
    let out: Record<string, unknown> = {};
    files.forEach((f, i) => {
        const field = `valueYamlFiles[${i}]`;
        if (typeof f !== "string" || f === "") { issues.push({ severity: "error", field, message: "must be the path of a YAML values file" }); return; }
        let doc: unknown;
        try {
            doc = YAML.parse(fs.readFileSync(f, "utf8")) ?? {};
        } catch (e) {
            issues.push({ severity: "error", field, message: `cannot be read as YAML (${(e as Error).message.split("\n")[0]}); fix the path or the file` });
            return;
        }
        if (doc === null || typeof doc !== "object" || Array.isArray(doc)) { issues.push({ severity: "error", field, message: "must hold a map of chart values" }); return; }
        out = mergeValues(out, doc as Record<string, unknown>);
    });
    return out;
}

/** Values as recorded: each Output's placeholder shown as `<output>`, never its value. */
function shownValues(values: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
    const walk = (v: unknown): unknown => isPlaceholder(v) ? UNKNOWN_IMAGE /* "<output>", as images from Outputs are shown */
        : Array.isArray(v) ? v.map(walk)
            : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, walk(e)])) : v;
    return walk(values) as Record<string, Record<string, unknown>>;
}

/** Repository options with the password kept secret in the Chart's state, however it was given. */
function withSecretPassword(o: k8s.types.input.helm.v4.RepositoryOpts): k8s.types.input.helm.v4.RepositoryOpts {
    return o.password === undefined ? o : { ...o, password: pulumi.secret(o.password) };
}

/**
 * A Helm chart federated over member clusters: one `kubernetes:helm.sh/v4:Chart` per placed member, named
 * `<name>-<cluster>`, rendered and applied through that member's provider with the shared values merged with the
 * cluster's own. Placement, namespace and replica scheduling work as for FederatedResource; the recorded decision
 * shows which cluster gets which values.
 */
export class FederatedChart extends KubefedComponent {
    static readonly __pulumiType = componentType("FederatedChart");
    /** Placed clusters, sorted. */
    readonly clusterNames: string[];
    /** The Chart per placed cluster. */
    readonly charts: Record<string, k8s.helm.v4.Chart>;
    /** The decision as planned at construction (readiness as given, else every member ready); see
     *  {@link recordedDecision} for the one recorded and applied after the library's readiness probe. */
    readonly decision: ChartDecision;
    /** The decision recorded in the component's inputs: {@link decision} re-planned with the members' readiness. */
    declare readonly recordedDecision: pulumi.Output<ChartDecision>;

    constructor(name: string, args: FederatedChartArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => {
            const subject = `FederatedChart ${name}`;
            const list = memberList(subject, args?.clusters);
            const members = list.members;
            const issues: ValidationIssue[] = [];
            if (typeof args.chart !== "string" || args.chart === "") {
                issues.push({ severity: "error", field: "chart", message: "must be a chart path or reference, e.g. \"./charts/hello\"" });
            }
            const why = "chart values are part of the decision shown at preview";
            // Leaf values may be Outputs (placeholders while planning, put back per member); the maps themselves and
            // what decides the split must be plain.
            const slots = new OutputSlots();
            const fixed = (path: string) => (/^(values|clusterValues(\.[^.]+)?)$/.test(path) ? `${path} is a map the decision merges` : undefined);
            const values = takeOutputs(args.values, "values", slots, issues, fixed) as Record<string, unknown> | undefined;
            const clusterValues = takeOutputs(args.clusterValues, "clusterValues", slots, issues, fixed) as Record<string, Record<string, unknown>> | undefined;
            refuseOutputs(args.clusterValuesFrom, "clusterValuesFrom", why, issues);
            refuseOutputs(args.imageOverrides, "imageOverrides", "the images each cluster runs are part of the decision", issues);
            refuseOutputs(args.valueYamlFiles, "valueYamlFiles", why, issues);
            const fromFiles = readValueFiles(args.valueYamlFiles, issues);
            if (args.releaseName !== undefined) {
                const p = releaseNameProblem(args.releaseName);
                if (p) issues.push({ severity: "error", field: "releaseName", message: p });
            }
            if (typeof args.namespace === "string") {
                const p = dns1123LabelProblem(args.namespace);
                if (p) issues.push({ severity: "error", field: "namespace", message: `${p}; use a namespace name such as "apps"` });
            }
            refuseOutputs(args.placement, "placement", "placement decides which members get a release", issues);
            const rsp = ReplicaSchedulingPreference.isInstance(args.replicaScheduling) ? args.replicaScheduling.spec : args.replicaScheduling;
            const observed = ReplicaSchedulingPreference.isInstance(args.replicaScheduling) ? args.replicaScheduling.observed : undefined;
            refuseOutputs(rsp, "replicaScheduling", "replica scheduling decides placement and replicas per member", issues);
            const ns = typeof args.namespace === "string" ? args.namespace : args.namespace?.namespaceName;
            const nsComponent = typeof args.namespace === "object" ? args.namespace : undefined;
            const releaseName = args.releaseName ?? name;
            assertValid(subject, issues);
            // Region and zones too: spread constraints group clusters by them, as for every other kind.
            const infos: ClusterInfo[] = list.infos;
            const given = observed?.ready;
            const planWith = (o: { readiness?: Record<string, boolean>; currentReplicas?: Record<string, number>; estimatedCapacity?: Record<string, number> }): FederatedChartDecision => {
                try {
                    return decideFederatedChart({
                        clusters: infos, placement: args.placement,
                        namespacePlacement: nsComponent ? (nsComponent.placement ?? null) : undefined,
                        values: fromFiles ? mergeValues(fromFiles, values ?? {}) : values, clusterValues, clusterValuesFrom: args.clusterValuesFrom,
                        imageOverrides: args.imageOverrides, replicaScheduling: rsp, replicasPath: args.replicasPath,
                        key: `${ns ?? "default"}/${releaseName}`,
                        // the same observations and failover switch a FederatedResource plans with
                        currentReplicas: o.currentReplicas, estimatedCapacity: o.estimatedCapacity, readiness: o.readiness,
                    });
                } catch (e) {
                    const err = new Error(`${subject}: ${(e as Error).message}`);
                    (err as Error & { cause?: unknown }).cause = e;
                    throw err;
                }
            };
            // Validated and planned now (bad input fails at construction): with the readiness the program gave, else
            // with every member ready; the plan applied follows the library's own probe (as for FederatedResource).
            const plan = planWith({ currentReplicas: observed?.currentReplicas, estimatedCapacity: observed?.estimatedCapacity,
                readiness: failoverEnabled() ? given : undefined });
            const decide = (p: FederatedChartDecision): ChartDecision => {
                const summary = summarizeRenderedDecision(CHART_KIND, p, {
                    name: releaseName, ...(ns ? { namespace: ns } : {}), replicaScheduling: rsp, spreadConstraints: args.placement?.spreadConstraints,
                    namespaced: !!nsComponent, clusterSpecific: Object.keys(args.clusterValues ?? {}),
                });
                return {
                    ...summary,
                    chart: args.chart, releaseName, clusters: p.clusters,
                    // an Output's value is never recorded: `<output>` where it goes
                    values: sortRecord(shownValues(p.values)),
                    ...(args.valueYamlFiles?.length ? { valueYamlFiles: [...args.valueYamlFiles] } : {}),
                    ...(typeof args.repositoryOpts?.repo === "string" ? { repository: args.repositoryOpts.repo } : {}),
                    ...(p.replicas ? { replicas: sortRecord(p.replicas), unplacedReplicas: p.unplacedReplicas ?? 0 } : {}),
                };
            };
            const decision = decide(plan);
            claimChildNames(subject, name, plan.clusters);
            // The shard record holds what the program declares (see FederatedResource).
            registerShardDecision(FederatedChart.__pulumiType, name, decision);
            const probe = !!rsp && failoverEnabled() && rsp.failover !== false && (given === undefined || given === null);
            const placed = members.filter(m => plan.clusters.includes(m.clusterName));
            // Failover needs nothing but the members. Rebalancing a chart needs the workload the chart renders, which
            // only the chart knows: observe it with observeReplicas and pass it as `observed`.
            const applied: Promise<{ plan: FederatedChartDecision; decision: ChartDecision }> | undefined = probe && placed.length > 0
                ? readinessFor(subject, placed).then(ready => {
                    const p = planWith({ currentReplicas: observed?.currentReplicas, estimatedCapacity: observed?.estimatedCapacity, readiness: ready });
                    if (p.clusters.join(",") !== plan.clusters.join(",")) {
                        throw new Error(`${subject}: internal error: observations changed placement (${plan.clusters.join(", ")} → ${p.clusters.join(", ")})`);
                    }
                    return { plan: p, decision: decide(p) };
                })
                : undefined;
            // Sharded stacks: the shard of each member object (a workload layout selects it by its namespace).
            const shard = placeInShard(FederatedChart.__pulumiType, name, { namespace: ns }, plan.clusters);
            assertSameShard(shard, shardPlacementOf(nsComponent), "is in the namespace of");
            return { subject, members, ns, nsComponent, releaseName, plan, decision, slots, applied, shard };
        });
        super(FederatedChart.__pulumiType, name, { decision: pre.applied ? pre.applied.then(a => a.decision) : pre.decision }, opts);
        const { subject, members, ns, nsComponent, releaseName, plan, decision, slots, applied } = pre;
        const repositoryOpts = args.repositoryOpts ? withSecretPassword(args.repositoryOpts) : undefined;
        this.decision = decision;
        const recorded = applied ? applied.then(a => a.decision) : Promise.resolve(decision);
        this.hidden("recordedDecision", pulumi.output(recorded));
        // The values each release is sent: a member failover found not ready gets its all-ready replicas (see
        // valuesSent), so no step touches it while it is down; Outputs put back where they were.
        const valuesFor = (c: string): pulumi.Input<Record<string, unknown>> => applied
            ? pulumi.output(applied.then(a => restoreOutputs(valuesSent(a.plan, c, args.replicasPath), slots).value))
            : restoreOutputs(valuesSent(plan, c, args.replicasPath), slots).value;
        this.clusterNames = plan.clusters;
        this.charts = {};
        const byName = new Map(members.map(m => [m.clusterName, m]));
        const readBacks = currentReadBacks();
        for (const c of plan.clusters.filter(x => pre.shard.emitsIn(x))) { // a sharded stack emits only the member objects it holds
            const dep = nsComponent?.resources[c];
            const rendered = new RenderedObjects("FederatedChart", name, readBacks.of(byName.get(c)!)); // labels and reads back what the Chart renders
            // `provider`, not `providers: [p]`: the Chart is a remote component, for which the SDK copies the list's
            // entry into `provider` as well and then warns of a conflict between the two.
            this.charts[c] = new k8s.helm.v4.Chart(childName(name, c), {
                chart: args.chart, name: releaseName, values: valuesFor(c),
                ...(repositoryOpts ? { repositoryOpts } : {}),
                ...(args.version ? { version: args.version } : {}),
                ...(ns ? { namespace: ns } : {}),
                ...(args.skipCrds ? { skipCrds: true } : {}),
            }, { parent: this, provider: byName.get(c)!.provider, ...(dep ? { dependsOn: [dep] } : {}), transforms: rendered.transforms });
            rendered.track(this.charts[c]);
        }
        if (applied) applied.then(a => { for (const w of a.plan.warnings) pulumi.log.warn(`${subject}: ${w}`, this); }, () => undefined);
        else for (const w of plan.warnings) pulumi.log.warn(`${subject}: ${w}`, this);
        // Stack policies (validateStack) see outputs only: the placement view (the whole decision is the inputs).
        this.recordPlacementView(recorded.then(placementView));
    }
}

/**
 * The values release `c` is sent. A member failover found not ready gets, at `replicasPath`, what it would run with
 * every member ready (the decision records 0): what it was sent while ready, so no step touches it while it is down,
 * and the next plan gives it its share when it is back (as FederatedResource's member objects).
 */
function valuesSent(p: FederatedChartDecision, c: string, replicasPath: string | undefined): Record<string, unknown> {
    const v = p.values[c];
    const n = p.failover && p.failover.notReady.includes(c) ? ownEntry(p.failover.replicasIfReady, c) : undefined;
    if (n === undefined || !replicasPath) return v;
    const nested = replicasPath.split(".").reduceRight<unknown>((acc, k) => ({ [k]: acc }), n) as Record<string, unknown>;
    return mergeValues(v, nested);
}
