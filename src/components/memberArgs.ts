/** A MemberCluster's arguments and their checks, made before it registers (base.ts `prepare`). */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { ValidationIssue, assertValid, validateClusters } from "../core";
import type { JoinArgs } from "./join";

/** What a member does when its API server cannot be reached (maps onto the Kubernetes provider's flags). */
export type Reachability = "fail" | "skip" | "forget";

/** Arguments of {@link MemberCluster}. Identity fields (labels, region, zones) are plain values: placement is
 *  decided from them while the program runs, so `pulumi preview` can show the decision. */
export interface MemberClusterArgs {
    /** Kubeconfig contents (or a path to a kubeconfig file). Pass a secret, e.g. `config.requireSecret(...)`;
     *  a plain value is wrapped as a secret anyway so it never lands in state in clear text. Any kubeconfig the
     *  Kubernetes provider accepts works, including `exec` credential plugins (EKS, GKE, AKS). With `provider`, this
     *  is only what the read-back (health, status, drift, orphaning) uses. */
    kubeconfig: pulumi.Input<string>;
    /** Bring your own provider: an existing Kubernetes provider for this member (e.g. made by an EKS or GKE
     *  component). Every federated object then uses it; `kubeconfig` is still needed for the read-back.
     *  `providerArgs`, `unreachable`, `adoptExisting` and `join` then belong to that provider and are refused here. */
    provider?: k8s.Provider;
    /** Context inside the kubeconfig; defaults to its current context. */
    context?: pulumi.Input<string>;
    /** Cluster name used by placement, overrides and replica preferences. Defaults to the resource name. */
    clusterName?: string;
    /** Labels matched by placement cluster selectors (KubeFedCluster labels). */
    labels?: Record<string, string>;
    /** Region of the cluster (used by ServiceDNSRecord and data-residency policies). */
    region?: string;
    /** Zones of the cluster (used by ServiceDNSRecord and data-residency policies). */
    zones?: string[];
    /** Behaviour when the API server is unreachable: `fail` (default) fails changes to this member; `skip` keeps
     *  its state and skips its changes with a warning; `forget` also drops its objects from state on refresh. */
    unreachable?: Reachability;
    /** Adopt objects that already exist in the member instead of failing with AlreadyExists (KubeFed's
     *  `adoptResources: Enabled`). Off by default: taking over someone else's object should be explicit. */
    adoptExisting?: boolean;
    /** Probe the member's health (`/healthz`, `/version`) on create and on `pulumi refresh`, as KubeFed's cluster
     *  controller does; the result is `health`. Default true. */
    health?: boolean;
    /** Join mode, `kubefedctl join`'s equivalent (`true` = defaults): `kubeconfig` is then only the admin credentials
     *  that create a namespace, service account, token Secret and RBAC in the member (through a second provider,
     *  `<name>-admin`), and `provider` — which every federated object uses — runs with that service account's token.
     *  The default RBAC is KubeFed's (all verbs on all resources); narrow it with `join.rules`. */
    join?: JoinArgs | boolean;
    /** Extra arguments for the member's Kubernetes provider (e.g. `namespace`, `kubeClientSettings`). */
    providerArgs?: Omit<k8s.ProviderArgs, "kubeconfig" | "context" | "clusterIdentifier">;
}

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

