/**
 * `kubefedctl federate` conversion (KubeFed §7.2): an object read from a cluster or a file becomes a template by
 * dropping what the server sets. Deliberate differences: apiVersion, kind, name, namespace and annotations are
 * kept (our templates are whole objects, and Pulumi users rely on annotations); kubectl's last-applied
 * annotation is dropped since it describes another tool's apply.
 */
export function manifestToTemplate(obj: Record<string, unknown>): Record<string, unknown> {
    const out = JSON.parse(JSON.stringify(obj)) as Record<string, any>;
    delete out.status;
    const md = (out.metadata ?? {}) as Record<string, any>;
    const keep: Record<string, unknown> = {};
    if (md.name !== undefined) keep.name = md.name;
    if (md.namespace !== undefined) keep.namespace = md.namespace;
    if (md.labels && Object.keys(md.labels).length > 0) keep.labels = md.labels;
    const annotations = { ...(md.annotations ?? {}) };
    delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
    delete annotations["deployment.kubernetes.io/revision"];
    if (Object.keys(annotations).length > 0) keep.annotations = annotations;
    out.metadata = keep;
    const kind = out.kind;
    if (kind === "Namespace" && out.spec) {
        delete out.spec.finalizers;
        if (Object.keys(out.spec).length === 0) delete out.spec;
    }
    if (kind === "ServiceAccount") delete out.secrets;
    if (kind === "Service" && out.spec) {
        delete out.spec.clusterIP;
        delete out.spec.clusterIPs;
        if (Array.isArray(out.spec.ports)) for (const p of out.spec.ports) delete p.nodePort;
    }
    return out;
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
