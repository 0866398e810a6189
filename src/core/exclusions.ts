/**
 * Why a member cluster is left out of a placement: one table of reason codes and the text a decision records for
 * each (the text is what `preview --diff` shows; the code is what tools read back).
 */

/** Why a known cluster is not placed, by code (0: placed). Spread constraints give their own reasons. */
export const EXCLUSION_REASONS: readonly string[] = [
    "",
    "labels do not match placement.clusterSelector (replica scheduling intersects with it)",
    "not listed in placement.clusters",
    "placement has neither clusters nor clusterSelector, which selects no cluster",
    "labels do not match placement.clusterSelector",
    "not in the federated namespace's placement",
    "not chosen by replica scheduling",
];
export const NOT_IN_NAMESPACE = 5, NOT_CHOSEN = 6;

/** Why a cluster is left out, as a code: the recorded decision keeps the reason's text (its details), and tools
 *  read the code back with {@link exclusionCode} from the one table that wrote the text. */
export type ExclusionCode = "selector" | "not-listed" | "no-placement" | "namespace" | "replica-scheduling" | "spread";
const EXCLUSION_CODES: readonly (ExclusionCode | "")[] = ["", "selector", "not-listed", "no-placement", "selector", "namespace", "replica-scheduling"];
const CODE_OF_REASON = new Map<string, ExclusionCode>(EXCLUSION_REASONS.map((r, i) => [r, EXCLUSION_CODES[i]] as [string, ExclusionCode]).filter(([r]) => r !== ""));

/**
 * The code of a recorded exclusion reason: the reasons this core writes (matched exactly), and a spread
 * constraint's, which names its constraint (`placement.spreadConstraints[i]`). Undefined for other text (a reason
 * recorded by another tool).
 */
export function exclusionCode(reason: string): ExclusionCode | undefined {
    return CODE_OF_REASON.get(reason) ?? (reason.includes("spreadConstraints[") ? "spread" : undefined);
}
