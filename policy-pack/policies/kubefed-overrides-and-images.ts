/**
 * `kubefed-overrides-and-images`: overrides only for placed clusters, never of the object's identity or a protected path;
 * images only from allowed registries after overrides.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DecisionSummary, identityOverrideProblem, isUnknownImage, pathsOverlap, placedClusters } from "pulumi-kubefed/core";
import {
    NAMES, clusterOfProvider, config, decisionOf, describe, level, list, memberImages, memberObjectName, memberObjectOwner, stringArray,
} from "./common";

export interface OverridesConfig {
    /** JSON pointers nobody may override; a path protects its sub-paths, `*` matches one segment. */
    protectedPaths: string[];
    /** Registries (or registry/path prefixes) images may come from after overrides; empty = no check.
     *  Short Docker Hub names are normalised: `nginx` is `docker.io/library/nginx`. */
    allowedRegistries: string[];
    /** Overrides written for clusters the object is not placed in are violations (default true). */
    requirePlacedOverrideClusters: boolean;
}

/** Defaults (the pack applies them; see `config`). */
export const defaults: OverridesConfig = {
    protectedPaths: ["/spec/template/spec/serviceAccountName"],
    allowedRegistries: [],
    requirePlacedOverrideClusters: true,
};

function segments(p: string): string[] {
    return p === "" ? [] : p.split("/").slice(1);
}

/**
 * True when an override of `path` touches `protectedPath`: equal, inside it, or replacing a parent of it —
 * compared in the core's canonical form, so index aliases (`+0`, `00`, `-1`) and deprecated field aliases
 * (`serviceAccount` for `serviceAccountName`) do not get around it.
 */
export function touchesProtected(path: string, protectedPath: string): boolean {
    if (pathsOverlap(path, protectedPath)) return true;
    // Not JSON pointers (hand-written state): fall back to plain segments.
    const a = segments(path), b = segments(protectedPath);
    if (path.startsWith("/") && protectedPath.startsWith("/")) return false;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i] && a[i] !== "*" && b[i] !== "*") return false;
    return true;
}

/** `nginx:1.25` → `docker.io/library/nginx`; `ghcr.io/acme/app@sha256:…` → `ghcr.io/acme/app`. */
export function imageRepository(image: string): string {
    let ref = image.trim();
    const at = ref.indexOf("@");
    if (at >= 0) ref = ref.slice(0, at);
    const slash = ref.indexOf("/");
    const first = slash < 0 ? "" : ref.slice(0, slash);
    const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    let repo = ref;
    const colon = repo.lastIndexOf(":");
    if (colon > repo.lastIndexOf("/")) repo = repo.slice(0, colon);
    if (hasRegistry) return repo;
    return repo.includes("/") ? `docker.io/${repo}` : `docker.io/library/${repo}`;
}

export function imageAllowed(image: string, allowed: string[]): boolean {
    const repo = imageRepository(image);
    return allowed.some(a => {
        const p = a.replace(/\/+$/, "");
        return repo === p || repo.startsWith(`${p}/`);
    });
}

export function checkOverrides(type: string, name: string, d: DecisionSummary, cfg: OverridesConfig): string[] {
    const out: string[] = [];
    const placed = new Set(placedClusters(d));
    if (cfg.requirePlacedOverrideClusters) {
        const unplaced = (d.overrideClusters ?? []).filter(c => !placed.has(c));
        if (unplaced.length) {
            out.push(`${describe(type, name, d)} has overrides for ${list(unplaced)}, where it is not placed ` +
                `(placed: ${list(placedClusters(d)) || "none"}); the overrides have no effect. Remove them, or add the ` +
                `cluster(s) to the placement.`);
        }
    }
    const hits: string[] = [];
    const identity: string[] = [];
    for (const c of placedClusters(d)) {
        for (const p of d.placed[c].overrides ?? []) {
            const why = identityOverrideProblem(p);
            if (why) { identity.push(`"${c}": ${why}`); continue; }
            // "/spec/replicas" is written by replica scheduling itself, not by the user.
            if (p === "/spec/replicas" && d.replicaScheduling) continue;
            const prot = (cfg.protectedPaths ?? []).find(pp => touchesProtected(p, pp));
            if (prot) hits.push(`"${c}": ${p}${p === prot ? "" : ` (touches ${prot})`}`);
        }
    }
    if (identity.length) {
        out.push(`${describe(type, name, d)} overrides the object's identity in ${identity.join("; ")}: the member would get ` +
            `another object than the one the decision names. Change the template (name, namespace, kind, apiVersion) instead.`);
    }
    if (hits.length) {
        out.push(`${describe(type, name, d)} overrides protected paths in ${hits.join("; ")}. Change the template ` +
            `for every cluster instead of overriding per cluster, or remove the path from ${NAMES.overrides}.protectedPaths.`);
    }
    if ((cfg.allowedRegistries ?? []).length > 0) {
        const bad: string[] = [];
        for (const c of placedClusters(d)) {
            // Images not known yet (Outputs, what a chart renders) are judged on the member objects themselves.
            const imgs = (d.placed[c].images ?? []).filter(i => !isUnknownImage(i) && !imageAllowed(i, cfg.allowedRegistries));
            if (imgs.length) bad.push(`"${c}": ${imgs.join(", ")}`);
        }
        if (bad.length) {
            out.push(`${describe(type, name, d)} runs images from registries that are not allowed (after overrides) in ` +
                `${bad.join("; ")}. Allowed: ${list(cfg.allowedRegistries)}. Use an image from an allowed registry ` +
                `(fix the template or the cluster's image override).`);
        }
    }
    return out;
}

/**
 * The registry rule on one member object as the engine registers it: what lands, whichever kind emitted it (a
 * rendered chart or kustomization, a pulled dependency) and whatever was an Output in the program. At preview an
 * image that is still unknown is left to `up`, where the engine judges the resolved inputs before creating it.
 */
export function checkMemberObject(type: string, name: string, urn: string, props: Record<string, unknown>,
                                  provider: { props?: Record<string, unknown> } | undefined, cfg: OverridesConfig): string[] {
    const owner = memberObjectOwner(type, urn);
    if (!owner || (cfg.allowedRegistries ?? []).length === 0) return [];
    const bad = memberImages(props).filter(i => !isUnknownImage(i) && !imageAllowed(i, cfg.allowedRegistries));
    if (bad.length === 0) return [];
    const cluster = clusterOfProvider(provider);
    return [`${memberObjectName(props) ?? type} ${cluster !== undefined ? `in cluster "${cluster}" ` : ""}(${type} "${name}", emitted by a ` +
        `${owner}) runs images from registries that are not allowed: ${bad.join(", ")}. Allowed: ${list(cfg.allowedRegistries)}. ` +
        `Use an image from an allowed registry (fix the template, the image override, the chart values or the Output that gives the image).`];
}

export const overridesPolicy: ResourceValidationPolicy = {
    name: NAMES.overrides,
    description: "Overrides only for placed clusters, never on protected paths; images only from allowed registries after overrides.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            protectedPaths: { ...stringArray, default: defaults.protectedPaths },
            allowedRegistries: { ...stringArray, default: [] },
            requirePlacedOverrideClusters: { type: "boolean", default: true },
        },
    },
    validateResource: (args, report) => {
        const cfg = config(args, defaults);
        const d = decisionOf(args.type, args.props);
        const found = d ? checkOverrides(args.type, args.name, d, cfg)
            : checkMemberObject(args.type, args.name, args.urn, args.props, args.provider, cfg);
        for (const m of found) report(m);
    },
};
