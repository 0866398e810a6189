import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { DependencyMode, assertValid, fnv1_32 } from "../core";
import { validateDependencyMode } from "../core/dependencies";
import { manifestToTemplate, objectIdentityKey, objectKey } from "../core/manifests";
import { KubefedComponent, componentType, prepare } from "./base";
import { FederatedNamespace } from "./federatedNamespace";
import { FederatedResource } from "./federatedResource";
import type { FederationOptions, KubernetesObject } from "./federationTypes";

/** Arguments of {@link federate}. */
export interface FederateArgs extends Omit<FederationOptions, "overrides"> {
    /** Multi-document YAML text. */
    yaml?: string;
    /** Path of a multi-document YAML file (used when `yaml` is absent). */
    file?: string;
    /** Placement of every converted object; KubeFed's federate defaults to all clusters (`clusterSelector: {}`). */
    placement?: FederationOptions["placement"];
    /** Keep the members' own `spec.replicas` of scalable objects on updates (see FederatedResource). */
    retainReplicas?: boolean;
    /** What the workloads do with the ConfigMaps, Secrets, ServiceAccounts and PVCs their pod templates reference:
     *  `check` (default), `follow` or `ignore` (see FederatedResource). */
    dependencies?: DependencyMode;
}

/** What {@link federate} created. */
export interface FederatedSet {
    /** Federated namespaces by namespace name. */
    namespaces: Record<string, FederatedNamespace>;
    /** Federated objects by child key `<kind>-<namespace>-<name>` (lowercase; a hash suffix is added when two
     *  objects would get the same key, e.g. `ConfigMap a-b/c` and `a/b-c`). */
    resources: Record<string, FederatedResource>;
    /** The same objects by identity `<group>/<version>/<kind>/<namespace>/<name>`. */
    byObject: Record<string, FederatedResource | FederatedNamespace>;
}

interface Doc { index: number; template: KubernetesObject; identity: string; label: string }

/**
 * The `kubefedctl federate -f` equivalent, as a component (`pulumi-kubefed:index:FederatedManifests`) that
 * parents what it creates: every document of the YAML becomes a FederatedResource (a Namespace becomes a
 * FederatedNamespace that the other documents in it are placed in), with server-set fields stripped and every
 * federation option applied to each. Children keep the names the function always gave them,
 * `<prefix>-<kind>-<namespace>-<name>`, and alias their former parent, so existing stacks upgrade in place.
 */
export class FederatedManifests extends KubefedComponent implements FederatedSet {
    static readonly __pulumiType = componentType("FederatedManifests");
    readonly namespaces: Record<string, FederatedNamespace> = {};
    readonly resources: Record<string, FederatedResource> = {};
    readonly byObject: Record<string, FederatedResource | FederatedNamespace> = {};

    constructor(prefix: string, args: FederateArgs, opts?: pulumi.ComponentResourceOptions) {
        const pre = prepare(opts, () => {
            const subject = `federate ${prefix}`;
            // Checked once here, before any document: an unknown mode would otherwise fail on the first workload only.
            assertValid(subject, validateDependencyMode(args?.dependencies));
            const docs = readDocuments(subject, args);
            return { subject, docs, keys: childKeys(docs) };
        });
        super(FederatedManifests.__pulumiType, prefix, { objects: pre.docs.map(d => d.identity) }, opts);
        const { subject, docs, keys } = pre;
        const placement = args.placement ?? { clusterSelector: {} };
        const base: FederationOptions = {
            clusters: args.clusters, placement, orphanOnDelete: args.orphanOnDelete, waitForReady: args.waitForReady,
            forceOwnership: args.forceOwnership, status: args.status, logDecision: args.logDecision,
        };
        // Before this component existed, the children were created with the caller's options (parent included).
        const childOpts = (): pulumi.ComponentResourceOptions => ({
            parent: this,
            // An own `parent: undefined` means "had no parent" (the SDK sends noParent).
            aliases: [{ parent: opts?.parent }],
        });
        const create = <T>(d: Doc, f: () => T): T => {
            try { return f(); } catch (e) {
                throw new Error(`${subject}: document ${d.index} (${d.label}): ${(e as Error).message}`);
            }
        };
        // Namespaces first, so the objects inside them can be placed in them.
        for (const d of docs.filter(d => isNamespace(d.template))) {
            const t = d.template;
            const ns = create(d, () => new FederatedNamespace(`${prefix}-${keys.get(d.identity)}`, {
                ...base, namespaceName: t.metadata.name,
                metadata: { labels: t.metadata.labels, annotations: t.metadata.annotations },
            }, childOpts()));
            this.namespaces[t.metadata.name] = ns;
            this.byObject[d.identity] = ns;
        }
        for (const d of docs.filter(d => !isNamespace(d.template))) {
            const t = d.template;
            const ns = t.metadata.namespace ? this.namespaces[t.metadata.namespace] : undefined;
            const r = create(d, () => new FederatedResource(`${prefix}-${keys.get(d.identity)}`, {
                ...base, template: t, ...(ns ? { namespace: ns } : {}), retainReplicas: args.retainReplicas,
                ...(args.dependencies !== undefined ? { dependencies: args.dependencies } : {}),
            }, childOpts()));
            this.resources[keys.get(d.identity)!] = r;
            this.byObject[d.identity] = r;
        }
        this.registerOutputs({ objects: docs.map(d => d.identity) });
    }
}

/**
 * Federates every object of a multi-document YAML (see {@link FederatedManifests}); returns the component, whose
 * `namespaces` and `resources` are what this function always returned.
 */
export function federate(prefix: string, args: FederateArgs, opts?: pulumi.ComponentResourceOptions): FederatedManifests {
    return new FederatedManifests(prefix, args, opts);
}

function isNamespace(t: KubernetesObject): boolean {
    return t.apiVersion === "v1" && t.kind === "Namespace";
}

function readDocuments(subject: string, args: FederateArgs): Doc[] {
    if (!args || typeof args !== "object") throw new Error(`${subject}: arguments are required: { clusters, yaml or file, placement? }`);
    let text = args.yaml;
    if (text === undefined) {
        if (!args.file) throw new Error(`${subject}: pass yaml (the manifests as text) or file (a path to a YAML file)`);
        try {
            text = fs.readFileSync(args.file, "utf8");
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "cannot be read (permission denied)" : `cannot be read (${(e as Error).message})`;
            throw new Error(`${subject}: file "${args.file}" ${why} (resolved to ${path.resolve(args.file)}); pass the path of a YAML file, relative to the program's directory, or the text as yaml`);
        }
    }
    if (typeof text !== "string") throw new Error(`${subject}: yaml must be a string of YAML documents`);
    const docs: Doc[] = [];
    const seen = new Map<string, number>();
    YAML.parseAllDocuments(text).forEach((d, i) => {
        const n = i + 1;
        if (d.errors.length > 0) throw new Error(`${subject}: document ${n} is not valid YAML: ${d.errors[0].message}; fix the YAML`);
        const v = d.toJSON();
        if (v === null || v === undefined) return;
        if (typeof v !== "object" || Array.isArray(v)) throw new Error(`${subject}: document ${n} is not a Kubernetes object (a mapping with apiVersion, kind and metadata); fix or remove it`);
        const list = typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items);
        (list ? v.items as unknown[] : [v]).forEach((o, j) => {
            const where = list ? `document ${n}, item ${j + 1}` : `document ${n}`;
            if (!o || typeof o !== "object" || Array.isArray(o)) throw new Error(`${subject}: ${where} is not a Kubernetes object; fix or remove it`);
            const obj = o as Record<string, unknown>;
            const md = obj.metadata !== null && typeof obj.metadata === "object" ? obj.metadata as Record<string, unknown> : undefined;
            const missing = [typeof obj.apiVersion === "string" && obj.apiVersion ? "" : "apiVersion", typeof obj.kind === "string" && obj.kind ? "" : "kind",
                typeof md?.name === "string" && md.name ? "" : "metadata.name"].filter(Boolean);
            if (missing.length) throw new Error(`${subject}: ${where}${typeof obj.kind === "string" ? ` (${obj.kind})` : ""} has no ${missing.join(", ")}; every object needs apiVersion, kind and metadata.name`);
            const template = manifestToTemplate(obj) as unknown as KubernetesObject;
            const identity = objectIdentityKey(template);
            const label = `${template.kind} ${template.metadata.namespace ? `${template.metadata.namespace}/` : ""}${template.metadata.name}`;
            const prev = seen.get(identity);
            if (prev !== undefined) throw new Error(`${subject}: ${where} (${label}) appears twice (also document ${prev}); remove one of them`);
            seen.set(identity, n);
            docs.push({ index: n, template, identity, label });
        });
    });
    return docs;
}

/** Child keys: the historical `<kind>-<namespace>-<name>`, plus a hash of the identity when two objects share one. */
function childKeys(docs: Doc[]): Map<string, string> {
    const byKey = new Map<string, Doc[]>();
    for (const d of docs) {
        const k = objectKey(d.template);
        byKey.set(k, [...(byKey.get(k) ?? []), d]);
    }
    const out = new Map<string, string>();
    for (const [k, ds] of byKey) {
        for (const d of ds) out.set(d.identity, ds.length === 1 ? k : `${k}-${fnv1_32(d.identity).toString(16).padStart(8, "0")}`);
    }
    return out;
}
