/**
 * The image overrider (Karmada's ImageOverrider, in our shape): per override entry, set or remove the registry,
 * repository, tag or digest of every container and init container of an object's pod template, or of the containers
 * named. It resolves to ordinary JSON-patch operations on each container's `image`, so the decision records the
 * paths it changed and the policies judge the images that result.
 */
import type { ImageComponent, ImageOverride, OverrideOperation } from "./types";
import { ValidationIssue } from "./errors";
import { podSpecOf } from "./dependencies";
import { OUTPUT_PLACEHOLDER } from "./summarize";

export const IMAGE_COMPONENTS: readonly ImageComponent[] = ["registry", "repository", "tag", "digest"];

/** An image reference split into its parts (`docker.io/library/` is not added: what was written stays). */
export interface ImageRef { registry?: string; repository: string; tag?: string; digest?: string }

/** Splits `[registry/]repository[:tag][@digest]`; the first segment is a registry when it has a `.` or `:` or is `localhost`. */
export function parseImage(image: string): ImageRef {
    let rest = image;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
    let registry: string | undefined;
    const slash = rest.indexOf("/");
    if (slash > 0) {
        const first = rest.slice(0, slash);
        if (first.includes(".") || first.includes(":") || first === "localhost") { registry = first; rest = rest.slice(slash + 1); }
    }
    return { ...(registry !== undefined ? { registry } : {}), repository: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export function formatImage(r: ImageRef): string {
    return `${r.registry !== undefined ? `${r.registry}/` : ""}${r.repository}${r.tag !== undefined ? `:${r.tag}` : ""}${r.digest !== undefined ? `@${r.digest}` : ""}`;
}

/** The image after one override. */
export function overrideImage(image: string, o: ImageOverride): string {
    const r = parseImage(image);
    if (o.op === "remove") {
        if (o.component === "registry") delete r.registry;
        else if (o.component === "tag") delete r.tag;
        else if (o.component === "digest") delete r.digest;
    } else {
        r[o.component] = o.value!;
    }
    return formatImage(r);
}

const PARTS: Record<ImageComponent, RegExp> = {
    registry: /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]+)?$/,
    repository: /^[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+|__[a-z0-9]+)*)*$/,
    tag: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
    digest: /^[a-z0-9]+([+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/,
};

/** Problems of a list of image overrides (field e.g. `overrides[0].imageOverrides`). */
export function validateImageOverrides(list: unknown, field: string): ValidationIssue[] {
    if (list === undefined || list === null) return [];
    const err = (f: string, message: string): ValidationIssue => ({ severity: "error", field: f, message });
    if (!Array.isArray(list)) return [err(field, "must be a list of {component, op?, value?, containers?}")];
    const out: ValidationIssue[] = [];
    list.forEach((o: Partial<ImageOverride> | null, i) => {
        const f = `${field}[${i}]`;
        if (!o || typeof o !== "object") { out.push(err(f, "must be an object {component, op?, value?, containers?}")); return; }
        const component = o.component as ImageComponent;
        if (!IMAGE_COMPONENTS.includes(component)) {
            out.push(err(`${f}.component`, `${JSON.stringify(o.component)} is not one of ${IMAGE_COMPONENTS.join(", ")}`));
            return;
        }
        if (o.op !== undefined && o.op !== "replace" && o.op !== "remove") out.push(err(`${f}.op`, `${JSON.stringify(o.op)} is not replace or remove`));
        if (o.op === "remove") {
            if (component === "repository") out.push(err(`${f}.op`, "an image always has a repository; replace it instead"));
        } else if (typeof o.value !== "string" || !PARTS[component].test(o.value)) {
            out.push(err(`${f}.value`, `${JSON.stringify(o.value)} is not a valid image ${component}; write it like ${{ registry: "registry.example.com", repository: "shop/web", tag: "1.27", digest: "sha256:<64 hex digits>" }[component]}`));
        }
        if (o.containers !== undefined && (!Array.isArray(o.containers) || o.containers.some(c => typeof c !== "string" || c === ""))) {
            out.push(err(`${f}.containers`, "must be a list of container names"));
        }
    });
    return out;
}

/**
 * The JSON-patch operations that apply `overrides` (in order) to the images of `obj`'s pod template, as it stands:
 * one `replace` of `<pod spec>/containers/<i>/image` (and `initContainers`) per container whose image changes.
 * Throws a message when the object has no pod template, or a container named is not in it.
 */
export function imageOverrideOps(obj: Record<string, unknown>, overrides: readonly ImageOverride[]): OverrideOperation[] {
    if (overrides.length === 0) return [];
    const pod = podSpecOf(obj);
    if (!pod) {
        throw new Error(`imageOverrides apply to objects with a pod template (Pod, PodTemplate, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController), not ${String(obj.kind)}; use clusterOverrides for other kinds`);
    }
    const base = `/${pod.field.split(".").join("/")}`;
    const ops: OverrideOperation[] = [];
    const names = new Set<string>();
    for (const list of ["containers", "initContainers"] as const) {
        const cs = pod.spec[list];
        if (!Array.isArray(cs)) continue;
        cs.forEach((c: unknown, i) => {
            const ctr = c as { name?: unknown; image?: unknown } | null;
            if (!ctr || typeof ctr.image !== "string") return;
            if (typeof ctr.name === "string") names.add(ctr.name);
            if (OUTPUT_PLACEHOLDER.test(ctr.image)) {
                throw new Error(`imageOverrides cannot change the image of container ${JSON.stringify(ctr.name)}: it is an Output, known only when applied; compute the image in the program, or override it with clusterOverrides`);
            }
            let image = ctr.image;
            for (const o of overrides) if (!o.containers || (typeof ctr.name === "string" && o.containers.includes(ctr.name))) image = overrideImage(image, o);
            if (image !== ctr.image) ops.push({ op: "replace", path: `${base}/${list}/${i}/image`, value: image });
        });
    }
    for (const o of overrides) {
        const missing = (o.containers ?? []).filter(n => !names.has(n));
        if (missing.length) throw new Error(`imageOverrides: container(s) ${missing.map(n => `"${n}"`).join(", ")} not in the pod template (containers: ${[...names].sort().join(", ") || "none"}); fix the names`);
    }
    return ops;
}
