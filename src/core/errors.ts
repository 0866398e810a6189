/**
 * Error and validation-issue types shared by the decision core.
 *
 * Validators never throw: they return {@link ValidationIssue}s so that callers (components, the policy pack)
 * can show every problem at once. {@link assertValid} is the one place that turns error-severity issues into
 * an exception.
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

/** Thrown by {@link assertValid}: carries every error-severity issue, one per message line. */
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
export class OverrideError extends Error {
    /** The JSON pointer of the failing operation. */
    readonly path: string;
    /** Index of the failing operation in the cluster's override list. */
    readonly index: number;
    /** The member cluster whose overrides failed, when known. */
    readonly cluster?: string;

    constructor(message: string, path: string, index: number, cluster?: string) {
        super(cluster === undefined ? message : `overrides for cluster "${cluster}": ${message}`);
        this.name = "OverrideError";
        this.path = path;
        this.index = index;
        this.cluster = cluster;
    }
}
