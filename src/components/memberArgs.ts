/** The checks of a MemberCluster's arguments, made before it registers (base.ts `prepare`). */
import * as pulumi from "@pulumi/pulumi";
import { ValidationIssue, assertValid, validateClusters } from "../core";
import type { MemberClusterArgs } from "./memberCluster";

export function validateMemberArgs(name: string, args: MemberClusterArgs | undefined, clusterName: string): void {
    const issues: ValidationIssue[] = [];
    if (!args) {
        issues.push({ severity: "error", field: "args", message: "missing; pass at least { kubeconfig }" });
    } else {
        if (args.kubeconfig === undefined || args.kubeconfig === null || args.kubeconfig === "") {
            issues.push({ severity: "error", field: "kubeconfig",
                message: "is required; pass the member's kubeconfig as a secret, e.g. config.requireSecret(\"kubeconfig\")" });
        }
        // Placement is decided from labels, region and zones while the program runs; an Output (known only once
        // applied) cannot be used there. Said plainly, instead of judging the Output's own fields as labels.
        const outputs = (["labels", "region", "zones"] as const).filter(f => holdsOutput(args[f]));
        for (const f of outputs) {
            issues.push({ severity: "error", field: f, message: `is an Output (or holds one), but ${f} must be plain values: placement ` +
                "(cluster selectors, spread constraints, rollout waves, DNS records) is decided from them while the program runs, " +
                "so preview shows which clusters get which objects before anything is applied. Pass plain values (e.g. " +
                "config.requireObject(...)), or create the MemberCluster inside the Output's apply if it really comes from another resource" });
        }
        if (!outputs.includes("labels")) issues.push(...validateClusters([{ name: clusterName, labels: args.labels ?? {} }], "clusterName"));
        if (args.provider !== undefined) {
            if (!pulumi.ProviderResource.isInstance(args.provider)) {
                issues.push({ severity: "error", field: "provider", message: "must be a Kubernetes provider (new k8s.Provider(...)) or left out" });
            }
            for (const f of ["providerArgs", "unreachable", "adoptExisting", "join"] as const) {
                if (args[f] !== undefined && args[f] !== false) {
                    issues.push({ severity: "error", field: f, message: `cannot be combined with provider: set it on the provider you pass (or drop provider)` });
                }
            }
        }
        if (args.unreachable !== undefined && !["fail", "skip", "forget"].includes(args.unreachable)) {
            issues.push({ severity: "error", field: "unreachable",
                message: `"${args.unreachable}" is not one of fail, skip, forget` });
        }
        if (args.zones !== undefined && !outputs.includes("zones") && (!Array.isArray(args.zones) || args.zones.some(z => typeof z !== "string" || !z))) {
            issues.push({ severity: "error", field: "zones", message: "must be a list of non-empty strings" });
        }
        if (args.region !== undefined && !outputs.includes("region") && (typeof args.region !== "string" || !args.region)) {
            issues.push({ severity: "error", field: "region", message: "must be a non-empty string" });
        }
    }
    assertValid(`MemberCluster ${name}`, issues);
}

/** Whether `v` is an Output or a Promise, or a list or map holding one at the top level (label values, zones). */
function holdsOutput(v: unknown): boolean {
    const isOutput = (x: unknown) => pulumi.Output.isInstance(x) || (x !== null && typeof x === "object" && typeof (x as { then?: unknown }).then === "function");
    if (isOutput(v)) return true;
    return v !== null && typeof v === "object" && Object.values(v as object).some(isOutput);
}

