/**
 * JSON values as the engine and the API servers hand them: the engine's unknown marker, key-order-free comparison,
 * the round trip that fits a value into a protobuf Struct, and field-by-field reading of parsed YAML/JSON.
 * No imports, no module state.
 */

/** The value the engine sends for inputs that are not known yet (preview). Same as `pulumi.runtime.unknownValue`. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `v` contains the engine's unknown sentinel anywhere. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some((x) => containsUnknown(x));
    if (v && typeof v === "object") return Object.values(v as Record<string, unknown>).some((x) => containsUnknown(x));
    return false;
}

/** JSON text with object keys sorted (arrays keep their order); `undefined` members are dropped like JSON does. */
export function stableStringify(v: unknown): string {
    if (v === undefined) return "null";
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : stableStringify(x))).join(",")}]`;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(",")}}`;
}

/** Structural equality of JSON values (key order ignored, `undefined` members ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
    return stableStringify(a) === stableStringify(b);
}

/** A JSON round trip: drops `undefined`, functions and prototypes so the result fits a protobuf Struct. */
export function plain<T>(v: T): T {
    return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** A YAML/JSON mapping as parsed: every field is checked where it is read. */
export type Mapping = Record<string, unknown>;

/** `v` when it is a mapping (not null, not an array), else undefined. */
export function asMapping(v: unknown): Mapping | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Mapping : undefined;
}

/** `v` when it is a mapping, else an empty one: live objects are read field by field, each field checked. */
export function mapping(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

/** `v` when it is a finite number, else undefined. */
export function finiteNumber(v: unknown): number | undefined {
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
