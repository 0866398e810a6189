/**
 * `kubefed-known-at-preview` (advisory): says which judged values a preview cannot see. An image given as an
 * Output (the usual way to deploy what the program just built) is unknown until the engine resolves it, so the
 * recorded decision holds `<output>` there. It is never taken as allowed: `kubefed-overrides-and-images` judges the
 * member objects themselves during `up`, before they are created. This policy makes that visible at preview.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { DecisionSummary, UNKNOWN_IMAGE, placedClusters } from "pulumi-kubefed/core";
import { NAMES, describe, forDecision } from "./common";

/** Clusters whose images are not known at preview, with the message naming them (empty when all are known). */
export function checkKnownAtPreview(type: string, name: string, d: DecisionSummary): string[] {
    const unknown = placedClusters(d).filter(c => (d.placed[c].images ?? []).includes(UNKNOWN_IMAGE));
    if (unknown.length === 0) return [];
    const from = (d.outputPaths ?? []).length ? ` (Outputs at ${(d.outputPaths ?? []).join(", ")})` : "";
    return [`${describe(type, name, d)}: images in ${unknown.map(c => `"${c}"`).join(", ")} are Outputs${from}, unknown at ` +
        `preview. ${NAMES.overrides} judges them on each member object during up, before it is created; a disallowed ` +
        `registry then stops the update there.`];
}

export const knownAtPreviewPolicy: ResourceValidationPolicy = {
    name: NAMES.knownAtPreview,
    description: "Reports judged values (images) a preview cannot see because they are Outputs; they are judged on the member objects during up.",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateResource: forDecision((t, n, d) => checkKnownAtPreview(t, n, d)),
};
