/**
 * Kubernetes label selectors (`metav1.LabelSelector`) as KubeFed uses them to select member clusters by their
 * labels (docs/semantics.md#selected-clusters).
 */
import type { LabelSelector, Labels } from "./types";
import { ValidationError, ValidationIssue } from "./errors";
import { labelKeyProblem, labelValueProblem } from "./labels";

const OPERATORS = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/**
 * Problems with a selector, in the words of apimachinery's `LabelSelectorAsSelector` plus the fix.
 * A null/absent selector is valid (it selects nothing).
 */
export function validateSelector(selector: LabelSelector | null | undefined, field: string): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (selector === null || selector === undefined) return issues;
    const err = (f: string, message: string) => issues.push({ severity: "error", field: f, message });
    if (typeof selector !== "object" || Array.isArray(selector)) {
        err(field, "must be an object with matchLabels and/or matchExpressions");
        return issues;
    }
    const ml = selector.matchLabels;
    if (ml !== undefined && ml !== null) {
        if (typeof ml !== "object" || Array.isArray(ml)) {
            err(`${field}.matchLabels`, "must be a map of label key to value");
        } else {
            for (const [k, v] of Object.entries(ml)) {
                const kp = labelKeyProblem(k);
                if (kp) err(`${field}.matchLabels["${k}"]`, `${kp}; fix the key`);
                const vp = labelValueProblem(v);
                if (vp) err(`${field}.matchLabels["${k}"]`, `${vp}; fix the value`);
            }
        }
    }
    const me = selector.matchExpressions;
    if (me !== undefined && me !== null) {
        if (!Array.isArray(me)) {
            err(`${field}.matchExpressions`, "must be a list of {key, operator, values}");
        } else {
            me.forEach((r, i) => {
                const f = `${field}.matchExpressions[${i}]`;
                if (!r || typeof r !== "object") {
                    err(f, "must be an object {key, operator, values?}");
                    return;
                }
                const kp = labelKeyProblem(r.key);
                if (kp) err(`${f}.key`, `${kp}; fix the key`);
                const values = r.values;
                if (values !== undefined && values !== null && !Array.isArray(values)) {
                    err(`${f}.values`, "must be a list of strings");
                    return;
                }
                const n = values ? values.length : 0;
                if (!OPERATORS.has(r.operator as string)) {
                    err(`${f}.operator`, `"${String(r.operator)}" is not a valid label selector operator; use In, NotIn, Exists or DoesNotExist`);
                } else if ((r.operator === "In" || r.operator === "NotIn") && n === 0) {
                    err(`${f}.values`, `values set can't be empty for operator ${r.operator}; list at least one value or use Exists/DoesNotExist`);
                } else if ((r.operator === "Exists" || r.operator === "DoesNotExist") && n > 0) {
                    err(`${f}.values`, `values set must be empty for operator ${r.operator}; remove values or use In/NotIn`);
                }
                (values ?? []).forEach((v, j) => {
                    const vp = labelValueProblem(v);
                    if (vp) err(`${f}.values[${j}]`, `${vp}; fix the value`);
                });
            });
        }
    }
    return issues;
}

/** A compiled selector: true when the labels match. */
export type LabelMatcher = (labels: Labels) => boolean;

const NOTHING: LabelMatcher = () => false;
const EVERYTHING: LabelMatcher = () => true;

/**
 * Compiles a selector into a matcher with Kubernetes semantics: null/absent selects nothing, a selector with no
 * requirements selects everything, requirements are ANDed, NotIn is also true when the label is absent.
 * Throws a ValidationError listing the problems when the selector is invalid (KubeFed's `ComputePlacementFailed`).
 */
export function compileSelector(selector: LabelSelector | null | undefined, field = "clusterSelector"): LabelMatcher {
    if (selector === null || selector === undefined) return NOTHING;
    const issues = validateSelector(selector, field);
    if (issues.length > 0) {
        const err = new ValidationError("label selector", issues);
        err.message = `invalid label selector: ${issues.map(i => `${i.field}: ${i.message}`).join("; ")}`;
        throw err;
    }
    return compileValidSelector(selector);
}

/** {@link compileSelector} for a selector {@link validateSelector} has already accepted (the decision validates
 *  every placement first, and validating the same selector again per selection showed in bench:core). */
export function compileValidSelector(selector: LabelSelector | null | undefined): LabelMatcher {
    if (selector === null || selector === undefined) return NOTHING;
    const checks: LabelMatcher[] = [];
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
        checks.push(l => !!l && Object.prototype.hasOwnProperty.call(l, k) && l[k] === v);
    }
    for (const r of selector.matchExpressions ?? []) {
        const key = r.key;
        const values = new Set(r.values ?? []);
        const has = (l: Labels) => !!l && Object.prototype.hasOwnProperty.call(l, key);
        switch (r.operator) {
            case "In": checks.push(l => has(l) && values.has(l![key])); break;
            case "NotIn": checks.push(l => !has(l) || !values.has(l![key])); break;
            case "Exists": checks.push(l => has(l)); break;
            case "DoesNotExist": checks.push(l => !has(l)); break;
        }
    }
    if (checks.length === 0) return EVERYTHING;
    if (checks.length === 1) return checks[0];
    return l => {
        for (const c of checks) if (!c(l)) return false;
        return true;
    };
}

/** True when `labels` match `selector` (null/absent selector: false). Throws on an invalid selector. */
export function matchesSelector(selector: LabelSelector | null | undefined, labels: Labels): boolean {
    return compileSelector(selector)(labels);
}
