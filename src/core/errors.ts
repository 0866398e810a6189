/**
 * The decision core's one error type, {@link ValidationError}, and the validation issues it carries.
 *
 * Validators never throw: they return {@link ValidationIssue}s so that callers (components, the policy pack)
 * can show every problem at once. {@link assertValid} turns error-severity issues into a {@link ValidationError};
 * everything else the core throws is a ValidationError too (an {@link OverrideError} is one), naming what was
 * checked (the subject), the field and the fix. Components rethrow it as a `pulumi.ResourceError` on themselves.
 */

/** One problem found by a validator. */
export interface ValidationIssue {
    /** "error" blocks planning; "warning" is reported and planning continues. */
    severity: "error" | "warning";
    /** Dotted path of the offending input, e.g. `placement.clusters[2].name`. */
    field: string;
    /** What is wrong AND how to fix it. */
    message: string;
}

/** What the core throws: every error-severity issue, one per message line `"<subject>: <field>: <message>"`. */
export class ValidationError extends Error {
    /** The error-severity issues, in the order the validators reported them. */
    readonly issues: ValidationIssue[];
    /** What was validated, e.g. `Deployment default/web`. */
    readonly subject: string;

    constructor(subject: string, issues: ValidationIssue[]) {
        super(issues.map(i => `${subject}: ${i.field}: ${i.message}`).join("\n"));
        this.name = "ValidationError";
        this.subject = subject;
        this.issues = issues;
    }
}

/**
 * Throws one {@link ValidationError} listing every error-severity issue, each line `"<subject>: <field>: <message>"`.
 * Returns the warnings (in input order) when there is no error.
 */
export function assertValid(subject: string, issues: ValidationIssue[]): ValidationIssue[] {
    const errors = issues.filter(i => i.severity === "error");
    if (errors.length > 0) throw new ValidationError(subject, errors);
    return issues.filter(i => i.severity === "warning");
}

/**
 * A JSON-patch override that could not be applied. The message names the path (and the cluster when known),
 * in the words of the json-patch library KubeFed uses, so users searching for KubeFed errors find the same text.
 */
export class OverrideError extends ValidationError {
    /** The JSON pointer of the failing operation. */
    readonly path: string;
    /** Index of the failing operation in the cluster's override list. */
    readonly index: number;
    /** The member cluster whose overrides failed, when known. */
    readonly cluster?: string;

    constructor(message: string, path: string, index: number, cluster?: string) {
        const where = cluster === undefined ? "overrides" : `overrides for cluster "${cluster}"`;
        super(where, [{ severity: "error", field: path, message }]);
        // The json-patch library's wording, as KubeFed shows it (the path is in the text already).
        this.message = cluster === undefined ? message : `${where}: ${message}`;
        this.name = "OverrideError";
        this.path = path;
        this.index = index;
        this.cluster = cluster;
    }
}
