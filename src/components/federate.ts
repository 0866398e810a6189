import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { manifestToTemplate, objectKey } from "../core/manifests";
import { FederatedNamespace } from "./federatedNamespace";
import { FederatedResource, FederationOptions, KubernetesObject } from "./federatedResource";

/** Arguments of {@link federate}. */
export interface FederateArgs extends Omit<FederationOptions, "overrides"> {
    /** Multi-document YAML text. */
    yaml?: string;
    /** Path of a multi-document YAML file (used when `yaml` is absent). */
    file?: string;
    /** Placement of every converted object; KubeFed's federate defaults to all clusters (`clusterSelector: {}`). */
    placement?: FederationOptions["placement"];
}

/** What {@link federate} created, keyed by `<kind>-<namespace>-<name>`. */
export interface FederatedSet {
    namespaces: Record<string, FederatedNamespace>;
    resources: Record<string, FederatedResource>;
}

/**
 * The `kubefedctl federate -f` equivalent: every document of the YAML becomes a FederatedResource (a Namespace
 * becomes a FederatedNamespace that the other documents in it are placed in), with server-set fields stripped.
 * Children are named `<prefix>-<kind>-<namespace>-<name>`.
 */
export function federate(prefix: string, args: FederateArgs, opts?: pulumi.ComponentResourceOptions): FederatedSet {
    const text = args.yaml ?? (args.file ? fs.readFileSync(args.file, "utf8") : undefined);
    if (text === undefined) throw new Error(`federate ${prefix}: pass yaml (text) or file (a path)`);
    const docs = YAML.parseAllDocuments(text);
    const objects: Record<string, unknown>[] = [];
    docs.forEach((d, i) => {
        if (d.errors.length > 0) throw new Error(`federate ${prefix}: document ${i + 1} is not valid YAML: ${d.errors[0].message}`);
        const v = d.toJSON();
        if (v === null || v === undefined) return;
        if (typeof v !== "object" || Array.isArray(v)) throw new Error(`federate ${prefix}: document ${i + 1} is not a Kubernetes object`);
        const items = (v as any).kind?.endsWith?.("List") && Array.isArray((v as any).items) ? (v as any).items : [v];
        objects.push(...items);
    });
    const placement = args.placement ?? { clusterSelector: {} };
    const base: FederationOptions = { clusters: args.clusters, placement, orphanOnDelete: args.orphanOnDelete, waitForReady: args.waitForReady };
    const set: FederatedSet = { namespaces: {}, resources: {} };
    const seen = new Set<string>();
    const templates = objects.map(o => manifestToTemplate(o) as unknown as KubernetesObject);
    for (const t of templates) {
        const key = objectKey(t);
        if (seen.has(key)) throw new Error(`federate ${prefix}: ${t.kind} ${t.metadata?.namespace ?? ""}/${t.metadata?.name} appears twice`);
        seen.add(key);
    }
    // Namespaces first, so the objects inside them can be placed in them.
    for (const t of templates.filter(t => t.apiVersion === "v1" && t.kind === "Namespace")) {
        set.namespaces[t.metadata.name] = new FederatedNamespace(`${prefix}-${objectKey(t)}`, {
            ...base, namespaceName: t.metadata.name,
            metadata: { labels: t.metadata.labels, annotations: t.metadata.annotations },
        }, opts);
    }
    for (const t of templates.filter(t => !(t.apiVersion === "v1" && t.kind === "Namespace"))) {
        const ns = t.metadata?.namespace ? set.namespaces[t.metadata.namespace] : undefined;
        set.resources[objectKey(t)] = new FederatedResource(`${prefix}-${objectKey(t)}`, {
            ...base, template: t, ...(ns ? { namespace: ns } : {}),
        }, opts);
    }
    return set;
}
