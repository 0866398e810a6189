/**
 * The checks only a FederatedResource makes on its template and overrides (the core checks the rest with the plan),
 * and the Outputs taken out of override values for planning (inputs.ts puts them back into each member's object).
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterOverride, ReplicaSchedulingSpec, ValidationIssue, assertValid } from "../core";
import { replicasProblem } from "../core/validate";
import type { FederatedNamespaceLike, KubernetesObject } from "./federationTypes";
import { OutputSlots, REPLICAS_WHY, refuseOutputs, takeOutputs } from "./inputs";

const SCALABLE = new Set(["apps/v1/Deployment", "apps/v1/ReplicaSet", "apps/v1/StatefulSet"]);

/** The template as planned: checked, copied, with the federated namespace set. */
export function checkTemplate(subject: string, template: KubernetesObject | undefined, ns: FederatedNamespaceLike | undefined,
                       rsp: ReplicaSchedulingSpec | undefined): KubernetesObject {
    const issues: ValidationIssue[] = [];
    if (!template || typeof template !== "object") {
        assertValid(subject, [{ severity: "error", field: "template", message: "is required: a Kubernetes object with apiVersion, kind and metadata.name" }]);
    }
    const t = template!;
    // apiVersion, kind and metadata.name are checked by the core (decideFederatedObject), with the other inputs;
    // these are the checks only a FederatedResource makes.
    if (t.kind === "Namespace" && t.apiVersion === "v1") {
        issues.push({ severity: "error", field: "template.kind", message: "Namespaces are federated with FederatedNamespace, which resources can then be placed in" });
    }
    if (ns) {
        const nsName = t.metadata?.namespace;
        if (nsName !== undefined && nsName !== ns.namespaceName) {
            issues.push({ severity: "error", field: "template.metadata.namespace",
                message: `is "${nsName}" but namespace is the federated namespace "${ns.namespaceName}"; drop metadata.namespace or make them equal` });
        }
    }
    // Checked here, before the copy below: JSON turns NaN into null, which the core would take for "unset".
    const rp = t.spec !== null && typeof t.spec === "object" ? replicasProblem((t.spec as { replicas?: unknown }).replicas) : undefined;
    if (rp) issues.push({ severity: "error", field: "template.spec.replicas", message: `${rp}; fix the template (or leave spec.replicas out)` });
    if (rsp && !SCALABLE.has(`${t.apiVersion}/${t.kind}`)) {
        issues.push({ severity: "error", field: "replicaScheduling",
            message: `applies to apps/v1 Deployment, ReplicaSet or StatefulSet, not ${t.apiVersion} ${t.kind}; remove it or federate a scalable workload` });
    }
    assertValid(subject, issues);
    const copy = JSON.parse(JSON.stringify(t)) as KubernetesObject;
    if (ns && copy.metadata && typeof copy.metadata === "object") copy.metadata.namespace = ns.namespaceName;
    return copy;
}

/**
 * Override entries with Outputs in their values replaced by placeholders. Which clusters and paths are
 * overridden must be plain (the decision records them), and so must label values (policies judge them).
 */
export function takeOverrideOutputs(overrides: ClusterOverride[] | undefined, slots: OutputSlots, issues: ValidationIssue[]): ClusterOverride[] | undefined {
    if (overrides === undefined || overrides === null) return overrides;
    const why = "which clusters and paths are overridden is part of the decision shown at preview";
    if (!Array.isArray(overrides)) {
        refuseOutputs(overrides, "overrides", why, issues);
        return overrides;
    }
    return overrides.map((o, i) => {
        const f = `overrides[${i}]`;
        if (!o || typeof o !== "object" || pulumi.Output.isInstance(o)) {
            refuseOutputs(o, f, why, issues);
            return o;
        }
        refuseOutputs(o.clusterName, `${f}.clusterName`, why, issues);
        refuseOutputs(o.clusterSelector, `${f}.clusterSelector`, why, issues);
        refuseOutputs(o.imageOverrides, `${f}.imageOverrides`, "the images each cluster runs are part of the decision and what the registry policy judges (to send an image from an Output, override the image path with clusterOverrides)", issues);
        if (!Array.isArray(o.clusterOverrides)) {
            refuseOutputs(o.clusterOverrides, `${f}.clusterOverrides`, why, issues);
            return o;
        }
        return {
            ...o,
            clusterOverrides: o.clusterOverrides.map((op, j) => {
                const g = `${f}.clusterOverrides[${j}]`;
                if (!op || typeof op !== "object" || pulumi.Output.isInstance(op)) {
                    refuseOutputs(op, g, why, issues);
                    return op;
                }
                refuseOutputs(op.op, `${g}.op`, why, issues);
                refuseOutputs(op.path, `${g}.path`, why, issues);
                const labels = typeof op.path === "string" && (op.path === "/metadata" || op.path.startsWith("/metadata/labels"));
                // An Output at /spec/replicas (or a /spec holding it) would be counted as running wherever it lands.
                const replicasAt = (p: string) => op.path === "/spec/replicas" ? p === `${g}.value`
                    : op.path === "/spec" && (p === `${g}.value` || p === `${g}.value.replicas`);
                const value = takeOutputs(op.value, `${g}.value`, slots, issues,
                    p => (labels ? "labels are what placement and residency policies judge" : replicasAt(p) ? REPLICAS_WHY : undefined));
                return op.value === undefined ? { ...op } : { ...op, value };
            }),
        };
    });
}
