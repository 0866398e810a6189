/**
 * `kubefed-placement-residency`: objects whose labels match a residency rule are placed only in clusters with an allowed
 * region/zone/labels. A stack policy: member facts are recorded once per MemberCluster, not in every decision.
 */
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { DecisionSummary, LabelSelector, MemberClusterSummary, compileSelector, placedClusters } from "pulumi-kubefed/core";
import {
    NAMES, TYPES, clusterOfProvider, config, describe, fmtLabels, level, list, memberObjectName, memberObjectOwner, safe, stackDecisions,
    stringArray, stringMap,
} from "./common";

export interface ResidencyRule {
    /** Optional name, shown in messages. */
    name?: string;
    /** Template labels the rule applies to (all must match); `{}` matches every object. */
    matchLabels?: Record<string, string>;
    /** Label-selector expressions over the template labels (In, NotIn, Exists, DoesNotExist), ANDed with matchLabels. */
    matchExpressions?: LabelSelector["matchExpressions"];
    /** Every placed cluster's region must be one of these. */
    allowedRegions?: string[];
    /** Every zone of every placed cluster must be one of these. */
    allowedZones?: string[];
    /** Every placed cluster must carry these labels. */
    requiredClusterLabels?: Record<string, string>;
}

export interface ResidencyConfig { rules: ResidencyRule[] }

/** Defaults (the pack applies them; see `config`). */
export const defaults: ResidencyConfig = { rules: [] };

function ruleSelector(r: ResidencyRule): LabelSelector {
    return { matchLabels: r.matchLabels ?? {}, ...(r.matchExpressions ? { matchExpressions: r.matchExpressions } : {}) };
}

/** A member's facts as residency needs them (a MemberCluster's outputs). */
export type MemberFacts = Pick<MemberClusterSummary, "labels" | "region" | "zones">;

/** Why a member breaks a rule (empty when it complies). */
function residencyProblems(m: MemberFacts, rule: ResidencyRule): string[] {
    const why: string[] = [];
    if (rule.allowedRegions) {
        if (m.region === undefined || m.region === null) why.push("has no region");
        else if (!rule.allowedRegions.includes(m.region)) why.push(`region "${m.region}"`);
    }
    if (rule.allowedZones) {
        const z = m.zones ?? [];
        const outside = z.filter(x => !rule.allowedZones!.includes(x));
        if (z.length === 0) why.push("has no zones");
        else if (outside.length) why.push(`zones ${list(outside)}`);
    }
    for (const [k, v] of Object.entries(rule.requiredClusterLabels ?? {})) {
        if (m.labels?.[k] !== v) why.push(`lacks label ${k}=${v}`);
    }
    return why;
}

/** Residency of one decision against the stack's members (cluster name → facts). */
export function checkResidency(type: string, name: string, d: DecisionSummary, members: Record<string, MemberFacts>,
                               cfg: ResidencyConfig): string[] {
    const out: string[] = [];
    (cfg.rules ?? []).forEach((rule, i) => {
        const ruleName = rule.name ? `"${rule.name}"` : `#${i}`;
        let matcher: (labels: Record<string, string>) => boolean;
        try {
            matcher = compileSelector(ruleSelector(rule), `rules[${i}]`);
        } catch (e) {
            out.push(`${NAMES.residency} rule ${ruleName} is invalid: ${(e as Error).message}; fix the policy configuration.`);
            return;
        }
        // The rule applies per cluster to the labels of the object sent there: an override can add a residency label.
        const labelsIn = (c: string) => d.placed?.[c]?.labels ?? d.labels ?? {};
        const bad: string[] = [];
        const matchedLabels = new Set<string>();
        for (const c of placedClusters(d)) {
            if (!matcher(labelsIn(c))) continue;
            matchedLabels.add(fmtLabels(labelsIn(c)));
            const m = members[c];
            if (!m) {
                bad.push(`"${c}" (unknown to the program, cannot prove its location)`);
                continue;
            }
            const why = residencyProblems(m, rule);
            if (why.length) bad.push(`"${c}" (${why.join(", ")}${matcher(d.labels ?? {}) ? "" : "; the label comes from an override"})`);
        }
        if (bad.length) {
            const allowed: string[] = [];
            if (rule.allowedRegions) allowed.push(`regions ${list(rule.allowedRegions)}`);
            if (rule.allowedZones) allowed.push(`zones ${list(rule.allowedZones)}`);
            if (rule.requiredClusterLabels) allowed.push(`cluster labels ${fmtLabels(rule.requiredClusterLabels)}`);
            const ok = Object.keys(members).sort().filter(c => residencyProblems(members[c], rule).length === 0);
            out.push(`${describe(type, name, d)} has labels ${[...matchedLabels].join(" / ") || "(none)"} matched by residency rule ` +
                `${ruleName}, which allows only ${allowed.join(" and ")}, but is placed in ${bad.join(", ")}. ` +
                `Restrict its placement to compliant clusters${ok.length ? ` (e.g. ${list(ok)})` : ""}, or fix the clusters' region/zones/labels.`);
        }
    });
    return out;
}

/** Residency over a whole stack: member facts from the MemberClusters' outputs, decisions as the stack records them
 *  (`stackDecisions`); each violation is reported against the federated component's URN. */
export function findResidencyViolations(resources: Pick<PolicyResource, "type" | "name" | "urn" | "props" | "provider" | "parent">[], cfg: ResidencyConfig): { message: string; urn: string }[] {
    const members: Record<string, MemberFacts> = {};
    for (const r of resources) {
        if (r.type !== TYPES.memberCluster) continue;
        const facts = safe(() => {
            const p = r.props as Record<string, unknown>;
            const cn = typeof p?.clusterName === "string" ? p.clusterName : r.name;
            const zones = Array.isArray(p?.zones) ? [...p.zones] as string[] : [];
            const labels = p?.labels && typeof p.labels === "object" ? { ...p.labels } as Record<string, string> : {};
            return { cn, facts: { labels, zones, ...(typeof p?.region === "string" ? { region: p.region } : {}) } as MemberFacts };
        });
        if (facts) members[facts.cn] = facts.facts;
    }
    const out: { message: string; urn: string }[] = [];
    for (const { type, name, urn, d } of stackDecisions(resources)) {
        for (const message of checkResidency(type, name, d, members, cfg)) out.push({ message, urn });
    }
    // What a chart or kustomization renders has no decision of its own: each rendered member object is judged by
    // its own labels in the cluster its provider deploys to.
    const clusterOf = providerClusters(resources);
    for (const r of resources) {
        const owner = memberObjectOwner(r.type, r.urn);
        if (owner !== "FederatedChart" && owner !== "FederatedKustomization") continue;
        const cluster = r.provider ? clusterOf.get(r.provider.urn) ?? clusterOfProvider(r.provider) : undefined;
        const obj = safe(() => {
            const p = r.props as Record<string, unknown>;
            const md = p?.metadata as Record<string, unknown> | undefined;
            const labels = md?.labels && typeof md.labels === "object" ? { ...md.labels as Record<string, string> } : {};
            return { labels, name: memberObjectName(p) ?? r.name };
        });
        if (cluster === undefined || !obj) continue;
        const d: DecisionSummary = {
            apiVersion: "", kind: owner, name: obj.name, labels: obj.labels, placed: { [cluster]: { overrides: [], images: [] } },
            excluded: {}, overrideClusters: [], orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [],
        };
        for (const message of checkResidency(r.type, r.name, d, members, cfg)) {
            out.push({ message: message.replace(describe(r.type, r.name, d), `${obj.name} rendered by a ${owner} ("${r.name}")`), urn: r.urn });
        }
    }
    return out;
}

/** Provider URN → the cluster name of the MemberCluster that parents it. */
export function providerClusters(resources: Pick<PolicyResource, "type" | "name" | "urn" | "props" | "parent">[]): Map<string, string> {
    const members = new Map<string, string>();
    for (const r of resources) {
        if (r.type !== TYPES.memberCluster) continue;
        const cn = safe(() => (r.props as Record<string, unknown>)?.clusterName);
        members.set(r.urn, typeof cn === "string" ? cn : r.name);
    }
    const out = new Map<string, string>();
    for (const r of resources) {
        if (r.type === TYPES.k8sProvider && r.parent && members.has(r.parent.urn)) out.set(r.urn, members.get(r.parent.urn)!);
    }
    return out;
}

export const residencyPolicy: StackValidationPolicy = {
    name: NAMES.residency,
    description: "Objects whose template labels match a residency rule are placed only in clusters with an allowed region/zone/labels.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            rules: {
                type: "array",
                default: [],
                items: {
                    type: "object",
                    properties: {
                        name: { type: "string" },
                        matchLabels: stringMap,
                        matchExpressions: {
                            type: "array",
                            items: {
                                type: "object",
                                properties: { key: { type: "string" }, operator: { type: "string", enum: ["In", "NotIn", "Exists", "DoesNotExist"] }, values: stringArray },
                                required: ["key", "operator"],
                            },
                        },
                        allowedRegions: stringArray,
                        allowedZones: stringArray,
                        requiredClusterLabels: stringMap,
                    },
                    additionalProperties: false,
                },
            },
        },
    },
    // A stack policy: the member facts it checks are recorded once per MemberCluster, not in every decision.
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        for (const v of findResidencyViolations(args.resources, config(args, defaults))) report(v.message, v.urn);
    },
};
