/**
 * Outputs and secrets inside templates and override values. The decision (placement, scheduling, which paths
 * are overridden) is taken on plain data while the program runs, so preview can show it: every Output in a
 * value position is swapped for a placeholder string, the core plans with the placeholders, and each member's
 * object is then rebuilt with the Outputs put back where the placeholders ended up. Secretness and unknowns
 * therefore travel with each value into the member object (and nowhere else: the decision only records paths).
 */
import * as pulumi from "@pulumi/pulumi";
import { OUTPUT_PLACEHOLDER, ValidationIssue } from "../core";
import { setOwn } from "../core/ownProperties";

/** Placeholder text: NUL-delimited so it cannot be mistaken for user data (NUL is not valid in Kubernetes strings). */
const PREFIX = "\u0000kubefed:output:";
const SUFFIX = "\u0000";
const PLACEHOLDER = OUTPUT_PLACEHOLDER; // the core recognises it too (images hidden by an Output)

/** The Outputs taken out of one component's inputs, by placeholder. */
export class OutputSlots {
    readonly values = new Map<string, pulumi.Input<unknown>>();
    /** Where each Output was found (`template.spec…`, `overrides[0].clusterOverrides[1].value`), for the decision. */
    readonly paths: string[] = [];

    add(value: pulumi.Input<unknown>, path: string): string {
        const key = `${PREFIX}${this.values.size}${SUFFIX}`;
        this.values.set(key, value);
        this.paths.push(path);
        return key;
    }
}

/** True for a placeholder string. */
export function isPlaceholder(v: unknown): v is string {
    return typeof v === "string" && PLACEHOLDER.test(v);
}

function isOutputLike(v: unknown): boolean {
    return pulumi.Output.isInstance(v) || (v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function");
}

/**
 * A copy of `v` with every Output/Promise replaced by a placeholder recorded in `slots`. `fixed(path)` returns
 * why a path must be plain (it decides identity or placement), or undefined when an Output is fine there; such
 * Outputs become errors naming the field and the reason.
 */
export function takeOutputs(v: unknown, path: string, slots: OutputSlots, issues: ValidationIssue[],
                            fixed: (path: string) => string | undefined): unknown {
    if (typeof v === "function") {
        issues.push({ severity: "error", field: path, message: "is a function; use plain data or an Output" });
        return undefined;
    }
    if (v === null || typeof v !== "object") return v;
    if (pulumi.Resource.isInstance(v)) {
        issues.push({ severity: "error", field: path, message: "is a resource; pass one of its outputs (e.g. resource.id or a property) instead" });
        return undefined;
    }
    if (isOutputLike(v)) {
        const why = fixed(path);
        if (why) {
            issues.push({ severity: "error", field: path, message: `is an Output, but ${why}, which must be known while the program runs (also at preview); use a plain value (e.g. from config)` });
            return undefined;
        }
        return slots.add(v as pulumi.Input<unknown>, path);
    }
    if (Array.isArray(v)) return v.map((e, i) => takeOutputs(e, `${path}[${i}]`, slots, issues, fixed));
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) {
        if (e === undefined) continue;
        if (k === "__proto__") {
            // Pulumi's SDK drops such a key from resource inputs without a word: refuse it rather than lose it.
            issues.push({ severity: "error", field: `${path}.${k}`, message: "is a key named __proto__, which Pulumi cannot send to a resource (its SDK drops the key); rename the key" });
            continue;
        }
        setOwn(out, k, takeOutputs(e, `${path}.${k}`, slots, issues, fixed));
    }
    return out;
}

/** Why replica counts must be plain: how many clusters run a workload is decided and judged at preview. */
export const REPLICAS_WHY = "replica counts are what replica scheduling and the cluster-count policy judge (a cluster given 0 replicas runs nothing)";

/** Why a template path must be plain, or undefined. */
export function fixedTemplatePath(path: string): string | undefined {
    if (path === "template" || path === "template.metadata") return "it holds the object's identity";
    if (/^template\.(apiVersion|kind)$/.test(path) || /^template\.metadata\.(name|namespace|generateName)$/.test(path)) {
        return `${path.slice("template.".length)} identifies the object in every member`;
    }
    if (/^template\.metadata\.labels(\.|\[|$)/.test(path)) return "labels are what placement and residency policies judge";
    if (path === "template.spec" || path === "template.spec.replicas") return REPLICAS_WHY;
    return undefined;
}

/** Refuses Outputs anywhere under `v` (placement, replica scheduling, override paths…), saying why. */
export function refuseOutputs(v: unknown, path: string, why: string, issues: ValidationIssue[]): void {
    takeOutputs(v, path, new OutputSlots(), issues, () => why);
}

/**
 * `obj` with placeholders swapped back for their Outputs, as nested inputs (so each value keeps its own
 * secretness and unknown-ness in the resource's inputs); `hasOutputs` tells whether there were any.
 */
export function restoreOutputs(obj: Record<string, unknown>, slots: OutputSlots): { value: Record<string, unknown>; hasOutputs: boolean } {
    if (slots.values.size === 0) return { value: obj, hasOutputs: false };
    let found = false;
    const walk = (v: unknown): unknown => {
        if (isPlaceholder(v)) {
            found = true;
            return slots.values.get(v);
        }
        if (Array.isArray(v)) return v.map(walk);
        if (v !== null && typeof v === "object") {
            const out: Record<string, unknown> = {};
            for (const [k, e] of Object.entries(v)) setOwn(out, k, walk(e));
            return out;
        }
        return v;
    };
    const value = walk(obj) as Record<string, unknown>;
    return found ? { value, hasOutputs: true } : { value: obj, hasOutputs: false };
}
