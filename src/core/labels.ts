/**
 * Kubernetes name and label syntax checks (apimachinery `validation.IsQualifiedName`, `IsValidLabelValue`,
 * `IsDNS1123Label`, `IsDNS1123Subdomain`), as plain predicates returning a reason or undefined, and the label
 * KubeFed puts on every member object.
 */

/** The label KubeFed puts on every propagated object (docs/semantics.md#names). */
export const MANAGED_LABEL = "kubefed.io/managed";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `name` is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63), or undefined if it is one. */
export function dns1123LabelProblem(name: unknown): string | undefined {
    if (typeof name !== "string" || name === "") return "must be a non-empty string";
    if (name.length > 63) return `"${name}" is longer than 63 characters`;
    if (!DNS1123_LABEL.test(name)) {
        return `"${name}" is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`;
    }
    return undefined;
}

/** Why `key` is not a valid label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: unknown): string | undefined {
    if (typeof key !== "string" || key === "") return "label key must be a non-empty string";
    const slash = key.indexOf("/");
    let name = key;
    if (slash >= 0) {
        const prefix = key.slice(0, slash);
        name = key.slice(slash + 1);
        if (prefix === "" || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
            return `label key "${key}" has an invalid prefix: it must be a lowercase DNS subdomain such as "example.com"`;
        }
    }
    if (name === "" || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
        return `label key "${key}" is invalid: the name part must be 1-63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
    }
    return undefined;
}

/** Why `value` is not a valid label value (empty, or up to 63 characters like a key's name part), or undefined. */
export function labelValueProblem(value: unknown): string | undefined {
    if (typeof value !== "string") return "label value must be a string";
    if (value === "") return undefined;
    if (value.length > 63 || !QUALIFIED_NAME_PART.test(value)) {
        return `label value "${value}" is invalid: use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or the empty string)`;
    }
    return undefined;
}
