/**
 * `kubefed-unique-member-objects`: no two federated resources (or plain Kubernetes resources) emit the same object
 * (cluster, kind, namespace, name). A stack policy.
 */
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { effectiveNamespace, objectIdentity, placedClusters } from "pulumi-kubefed/core";
import { NAMES, config, isKubernetesResourceType, level, safe, shortType, stackDecisions } from "./common";
import { providerClusters } from "./kubefed-placement-residency";

export interface UniqueObjectsConfig {
    /** Also compare plain `kubernetes:*` resources of the stack by provider (default true). */
    includeUnmanagedResources: boolean;
}

/** Defaults (the pack applies them; see `config`). */
export const defaults: UniqueObjectsConfig = { includeUnmanagedResources: true };

/** What identifies an object in a cluster: the core's (group, kind, namespace, name; not the version). */
export { objectIdentity };

interface Claim { who: string; cluster: string; object: string }

export function findDuplicateObjects(resources: Pick<PolicyResource, "type" | "name" | "urn" | "props" | "provider" | "parent">[],
                                     cfg: UniqueObjectsConfig): string[] {
    const claims = new Map<string, Claim[]>();
    const add = (key: string, c: Claim) => { const l = claims.get(key); if (l) l.push(c); else claims.set(key, [c]); };
    const federatedUrns = new Set<string>();
    // Provider URN → cluster name, via the MemberCluster that parents the provider.
    const memberOf = providerClusters(resources);
    for (const { type, name, urn, d } of stackDecisions(resources)) {
        federatedUrns.add(urn);
        const object = objectIdentity(d.apiVersion, d.kind, effectiveNamespace(d.apiVersion, d.kind, d.namespace), d.name);
        for (const c of placedClusters(d)) {
            add(`cluster:${c}|${object}`, { who: `${shortType(type)} "${name}"`, cluster: `"${c}"`, object });
        }
    }
    if (cfg.includeUnmanagedResources) {
        for (const r of resources) {
            if (!isKubernetesResourceType(r.type) || !r.provider) continue;
            if (r.parent && federatedUrns.has(r.parent.urn)) continue; // covered by its component's decision
            const id = safe(() => {
                const p = r.props as Record<string, unknown>;
                const md = (p?.metadata ?? undefined) as Record<string, unknown> | undefined;
                if (typeof p?.apiVersion !== "string" || typeof p?.kind !== "string" || typeof md?.name !== "string") return undefined;
                return objectIdentity(p.apiVersion, p.kind, effectiveNamespace(p.apiVersion, p.kind, typeof md.namespace === "string" ? md.namespace : undefined), md.name);
            });
            if (!id) continue;
            const cluster = memberOf.get(r.provider.urn);
            const key = cluster !== undefined ? `cluster:${cluster}|${id}` : `provider:${r.provider.urn}|${id}`;
            add(key, { who: `${r.type} "${r.name}"`, cluster: cluster !== undefined ? `"${cluster}"` : `provider ${r.provider.name}`, object: id });
        }
    }
    const out: string[] = [];
    for (const list_ of claims.values()) {
        const who = [...new Set(list_.map(c => c.who))];
        if (list_.length < 2) continue;
        const { cluster, object } = list_[0];
        out.push(`${object} in cluster ${cluster} is emitted by ${who.length > 1 ? who.join(" and ") : `${who[0]} ${list_.length} times`}; ` +
            `they would overwrite each other (or fail with AlreadyExists). Keep one owner: remove the object from one ` +
            `of them, narrow a placement so they do not overlap in ${cluster}, or rename one object.`);
    }
    return out;
}

export const uniqueObjectsPolicy: StackValidationPolicy = {
    name: NAMES.uniqueObjects,
    description: "No two federated resources (or plain Kubernetes resources) emit the same object (cluster, kind, namespace, name).",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            includeUnmanagedResources: { type: "boolean", default: true },
        },
    },
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        for (const m of findDuplicateObjects(args.resources, config(args, defaults))) report(m);
    },
};
