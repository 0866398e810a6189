/**
 * `kubefedctl federate` conversion (docs/semantics.md#federate-existing-manifests): an object read from a cluster or a file becomes a template by
 * dropping what the server sets. Deliberate differences: apiVersion, kind, name, namespace and annotations are
 * kept (our templates are whole objects, and Pulumi users rely on annotations); kubectl's last-applied
 * annotation is dropped since it describes another tool's apply.
 */
export function manifestToTemplate(obj: Record<string, unknown>): Record<string, unknown> {
    const out = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
    delete out.status;
    const md = mapping(out.metadata);
    const keep: Record<string, unknown> = {};
    if (md.name !== undefined) keep.name = md.name;
    if (md.namespace !== undefined) keep.namespace = md.namespace;
    if (Object.keys(mapping(md.labels)).length > 0) keep.labels = md.labels;
    const annotations = { ...mapping(md.annotations) };
    delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
    delete annotations["deployment.kubernetes.io/revision"];
    if (Object.keys(annotations).length > 0) keep.annotations = annotations;
    out.metadata = keep;
    const kind = out.kind;
    const spec = out.spec !== null && typeof out.spec === "object" && !Array.isArray(out.spec) ? out.spec as Record<string, unknown> : undefined;
    if (kind === "Namespace" && spec) {
        delete spec.finalizers;
        if (Object.keys(spec).length === 0) delete out.spec;
    }
    if (kind === "ServiceAccount") delete out.secrets;
    if (kind === "Service" && spec) {
        delete spec.clusterIP;
        delete spec.clusterIPs;
        if (Array.isArray(spec.ports)) for (const p of spec.ports) if (p && typeof p === "object") delete (p as Record<string, unknown>).nodePort;
    }
    return out;
}

/** `v` when it is a mapping, else an empty one. */
function mapping(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

/** A stable key for an object: `<kind>-<namespace>-<name>` in lowercase, for child names in a federated set. */
export function objectKey(obj: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): string {
    const parts = [obj.kind, obj.metadata?.namespace, obj.metadata?.name].filter(p => typeof p === "string" && p !== "");
    return (parts as string[]).join("-").toLowerCase();
}

/** What identifies an object: `<group>/<version>/<kind>/<namespace>/<name>` (core group empty), so that
 *  `ConfigMap a-b/c` and `ConfigMap a/b-c` are different objects. */
export function objectIdentityKey(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): string {
    const av = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
    const slash = av.lastIndexOf("/");
    const group = slash < 0 ? "" : av.slice(0, slash);
    const version = slash < 0 ? av : av.slice(slash + 1);
    const ns = typeof obj.metadata?.namespace === "string" ? obj.metadata.namespace : "";
    return [group, version, String(obj.kind ?? ""), ns, String(obj.metadata?.name ?? "")].join("/");
}
