/**
 * JSON-pointer reasoning shared by the planner and the policy pack: decoding, canonical forms (array-index
 * aliases such as `+0`, `00` and `-1`, deprecated field aliases), which paths an override may not touch, and
 * whether two paths overlap. One implementation, so the component and the policies judge a path the same way.
 */

/** Decoded reference tokens of a JSON pointer (`~1` → `/`, `~0` → `~`); undefined for a non-pointer. */
export function decodePointer(path: unknown): string[] | undefined {
    if (typeof path !== "string") return undefined;
    if (path === "") return [];
    if (path[0] !== "/" || /~(?![01])/.test(path)) return undefined;
    return path.split("/").slice(1).map(t => (t.indexOf("~") < 0 ? t : t.replace(/~[01]/g, m => (m === "~1" ? "/" : "~"))));
}

/** Encodes tokens back into a JSON pointer. */
export function encodePointer(tokens: readonly string[]): string {
    return tokens.map(t => `/${t.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** Paths that identify an object in a member: an override may touch none of them, at any level. */
export const IDENTITY_PATHS: readonly string[] = ["/metadata/name", "/metadata/namespace", "/metadata/generateName", "/kind", "/apiVersion"];

/**
 * Why an override of `path` would change the identity of the object (name, namespace, generateName, kind,
 * apiVersion), or undefined when it does not. Escapes are decoded first, so `/metadata/~1…` tricks do not help;
 * `""` (the whole object), `/metadata` itself, anything under the identity fields and trailing-slash forms
 * (`/metadata/`, `/kind/`) are all refused.
 */
export function identityOverrideProblem(path: string): string | undefined {
    // Fast path: the first token of an identity path has no escapable character, so the raw prefix decides.
    if (typeof path === "string" && path !== "" && !path.startsWith("/metadata") && !path.startsWith("/kind") && !path.startsWith("/apiVersion")) return undefined;
    const t = decodePointer(path);
    if (t === undefined) return undefined; // not a pointer: reported by the syntax check
    if (t.length === 0) return `"" would replace the whole object, including its name and kind`;
    if (t[0] === "kind" || t[0] === "apiVersion") return `${path} touches /${t[0]}, which identifies the object`;
    if (t[0] !== "metadata") return undefined;
    if (t.length === 1) return `${path} replaces or removes /metadata as a whole, which would rename the object, move it to another namespace or drop its name`;
    if (t[1] === "") return `${path} addresses an empty key of /metadata (a trailing slash?)`;
    if (t[1] === "name" || t[1] === "namespace" || t[1] === "generateName") return `${path} touches /metadata/${t[1]}, which identifies the object`;
    return undefined;
}

/** Go `strconv.Atoi`-style index: optional sign, decimal digits. */
function asIndex(token: string): number | undefined {
    if (!/^[+-]?[0-9]+$/.test(token)) return undefined;
    const n = Number(token);
    return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The canonical spelling of `path`: array indices written as `+0`, `00` or negative numbers become the index
 * they address. With `doc`, indices are resolved against it (a negative index counts from the end of the
 * actual array; a numeric key of an object stays as written); without it, every numeric token is treated as a
 * possible index and a negative one becomes `*` (it may address any element). Non-pointers are returned as is.
 */
export function canonicalPointer(path: string, doc?: unknown): string {
    // Fast path: only signed or zero-padded numeric tokens change (planning many objects calls this a lot).
    if (typeof path === "string" && !/\/(?:[+-][0-9]|0[0-9])/.test(path)) return path;
    const t = decodePointer(path);
    if (t === undefined) return path;
    const out: string[] = [];
    let cur: unknown = doc;
    for (const tok of t) {
        const idx = asIndex(tok);
        if (doc !== undefined) {
            if (Array.isArray(cur) && idx !== undefined) {
                const i = idx < 0 ? idx + cur.length : idx;
                out.push(i >= 0 ? String(i) : tok);
                cur = cur[i];
            } else {
                out.push(tok);
                cur = cur !== null && typeof cur === "object" && !Array.isArray(cur) ? (cur as Record<string, unknown>)[tok] : undefined;
            }
        } else {
            out.push(idx === undefined ? tok : idx < 0 ? "*" : String(idx));
        }
    }
    return encodePointer(out);
}

/**
 * Deprecated field names Kubernetes still accepts and maps onto the current one; an override of the old name
 * changes the same thing. Each entry: the segment that must precede the alias, the alias, the current name.
 */
export const DEPRECATED_FIELD_ALIASES: readonly { after: string; alias: string; field: string }[] = [
    // PodSpec.serviceAccount is the deprecated alias of serviceAccountName.
    { after: "spec", alias: "serviceAccount", field: "serviceAccountName" },
];

/** `path` with deprecated field aliases replaced by the fields they stand for (canonical form, see above). */
export function dealiasPointer(path: string, doc?: unknown): string {
    const canon = canonicalPointer(path, doc);
    const t = decodePointer(canon);
    if (t === undefined) return canon;
    const out = t.map((tok, i) => {
        const a = DEPRECATED_FIELD_ALIASES.find(x => x.alias === tok && i > 0 && t[i - 1] === x.after);
        return a ? a.field : tok;
    });
    return encodePointer(out);
}

/**
 * True when an override of `path` changes something at `protectedPath`: equal, inside it, or replacing a
 * parent of it. Both are compared in canonical, de-aliased form; `*` in either matches one segment.
 */
export function pathsOverlap(path: string, protectedPath: string, doc?: unknown): boolean {
    const a = decodePointer(dealiasPointer(path, doc)), b = decodePointer(dealiasPointer(protectedPath, doc));
    if (a === undefined || b === undefined) return false;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i] && a[i] !== "*" && b[i] !== "*") return false;
    return true;
}
