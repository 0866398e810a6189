/**
 * Per-cluster overrides (docs/semantics.md#overrides): a small RFC 6902 applier that reproduces the behaviour of the json-patch library
 * KubeFed uses (evanphx/json-patch v4), quirks included, rather than a strict RFC implementation:
 *
 * - a missing or empty `op` means `replace`;
 * - `replace` of a missing key inside an existing object succeeds and acts like `add`;
 * - any op whose parent container is missing (or is a scalar/null) fails, and one failing op fails the whole list;
 * - `add` to an array at index `-` or at index = length appends; index > length fails;
 * - negative array indices count from the end (the library's default `SupportNegativeIndices`);
 * - array indices are parsed like Go's `strconv.Atoi` (optional sign, decimal digits, leading zeros allowed);
 * - `remove` of a missing key or index fails; `remove` ignores `value`;
 * - an absent `value` sets JSON null (KubeFed serialises a null value away, and the library then stores null);
 * - values round-trip through JSON (undefined members dropped, non-finite numbers become null).
 *
 * Error messages use the library's wording (e.g. `add operation does not apply: doc is missing path: "/a/b":
 * missing value`) and always contain the failing path.
 *
 * Deliberate difference: a path that is not a JSON pointer (non-empty and not starting with "/") is refused. The
 * library would silently apply it to the root using only its last segment; KubeFed's schema does not catch it.
 */
import type { OverrideOperation } from "./types";
import { OverrideError, ValidationError } from "./errors";
import { hasOwn, setOwn } from "./ownProperties";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };


/**
 * A deep copy with JSON round-trip semantics (what KubeFed's JSON (de)serialisation does to a template or a
 * value): undefined/function members are dropped (null in arrays), non-finite numbers become null, `toJSON` is
 * honoured. Faster than `JSON.parse(JSON.stringify(v))` and safe for `__proto__` keys.
 */
export function jsonClone<T>(v: T): T {
    return cloneValue(v) as T;
}

function cloneValue(v: unknown): unknown {
    if (v === null) return null;
    switch (typeof v) {
        case "string":
        case "boolean":
            return v;
        case "number":
            return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
        case "bigint":
            throw new ValidationError("value", [{ severity: "error", field: "(bigint)", message: "a bigint cannot be represented in JSON; use a number or a string" }]);
        case "object": {
            const toJSON = (v as { toJSON?: unknown }).toJSON;
            if (typeof toJSON === "function") return cloneValue(toJSON.call(v));
            if (Array.isArray(v)) {
                const out = new Array(v.length);
                for (let i = 0; i < v.length; i++) {
                    const e = v[i];
                    out[i] = e === undefined || typeof e === "function" || typeof e === "symbol" ? null : cloneValue(e);
                }
                return out;
            }
            const out: Record<string, unknown> = {};
            for (const k of Object.keys(v as object)) {
                const e = (v as Record<string, unknown>)[k];
                if (e === undefined || typeof e === "function" || typeof e === "symbol") continue;
                setOwn(out, k, cloneValue(e));
            }
            return out;
        }
        default:
            return undefined;
    }
}

/** Freezes `v` and everything under it; used for subtrees shared between clusters' objects. */
export function deepFreeze<T>(v: T): T {
    if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
        Object.freeze(v);
        for (const k of Object.keys(v as object)) deepFreeze((v as Record<string, unknown>)[k]);
    }
    return v;
}

/** Decodes one reference token (`~1` → `/`, `~0` → `~`, left to right, as RFC 6901 requires). */
function decodeToken(t: string): string {
    return t.indexOf("~") < 0 ? t : t.replace(/~[01]/g, m => (m === "~1" ? "/" : "~"));
}

/**
 * The decoded reference tokens of a pointer that starts with "/" (without the empty first one), memoised by the
 * path string: a plan applies the same few paths (e.g. the scheduler's `/spec/replicas`) to every cluster of
 * every object. Strings are values, so the memo cannot go stale; it is emptied when it grows past a bound.
 * The arrays are shared: read them, never change them.
 */
const tokenMemo = new Map<string, readonly string[]>();
const TOKEN_MEMO_MAX = 1024;
function pointerTokens(path: string): readonly string[] {
    let tokens = tokenMemo.get(path);
    if (tokens === undefined) {
        tokens = path.split("/").slice(1).map(decodeToken);
        if (tokenMemo.size >= TOKEN_MEMO_MAX) tokenMemo.clear();
        tokenMemo.set(path, tokens);
    }
    return tokens;
}

/** Go `strconv.Atoi`: optional sign and decimal digits; undefined when that fails. */
function atoi(s: string): number | undefined {
    if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : undefined;
}

function atoiError(s: string): string {
    return `strconv.Atoi: parsing ${JSON.stringify(s)}: ${/^[+-]?[0-9]+$/.test(s) ? "value out of range" : "invalid syntax"}`;
}

function isContainer(v: unknown): v is Container {
    return v !== null && typeof v === "object";
}

/** Throws op `i`'s {@link OverrideError}. A function rather than a closure per op: applyPatch runs for every
 *  cluster of every object, and the per-op closures showed in bench:core's allocations. */
function opError(msg: string, path: unknown, i: number, cluster: string | undefined): never {
    throw new OverrideError(msg, String(path), i, cluster);
}

/** The library's message when the parent of `path` is missing (or not a container). */
function missingParent(op: string, path: string): string {
    return op === "replace"
        ? `replace operation does not apply: doc is missing path: ${path}: missing value`
        : `${op} operation does not apply: doc is missing path: "${path}": missing value`;
}

/**
 * Applies `ops` to `root` and returns the (possibly new) root. With `copyFrozen`, works copy-on-write: frozen
 * containers (subtrees shared between clusters) are shallow-copied before being changed, everything else is
 * mutated in place; `root` itself must not be frozen. On failure throws an {@link OverrideError} and the partial
 * result must be discarded.
 */
export function applyPatch(root: Record<string, unknown>, ops: readonly OverrideOperation[], copyFrozen: boolean,
                           cluster?: string): Record<string, unknown> {
    let doc = root as { [k: string]: Json };
    for (let i = 0; i < ops.length; i++) {
        const o = ops[i];
        const op = o.op === undefined || o.op === null || (o.op as string) === "" ? "replace" : o.op;
        const path = o.path;
        if (op !== "add" && op !== "remove" && op !== "replace") opError(`Unexpected kind: ${String(op)} (at path ${String(path)})`, path, i, cluster);
        if (typeof path !== "string") opError(`${op} operation failed to decode path: path must be a string, got ${typeof path}`, path, i, cluster);
        const value = op === "remove" ? undefined : (o.value === undefined ? null : cloneValue(o.value) as Json);

        if (path === "") {
            // The library only lets `replace` address the whole document; Kubernetes objects must stay objects.
            if (op !== "replace") opError(`${op} operation does not apply: doc is missing path: "": missing value`, path, i, cluster);
            if (!isContainer(value) || Array.isArray(value)) opError(`replace operation value must be an object for path ""`, path, i, cluster);
            doc = value as { [k: string]: Json };
            continue;
        }
        if (path[0] !== "/") opError(`path ${JSON.stringify(path)} is not a JSON pointer: it must start with "/" (e.g. "/spec/replicas")`, path, i, cluster);

        const tokens = pointerTokens(path);
        const key = tokens[tokens.length - 1];

        // Walk to the parent container, copying on write.
        let cur: Container = doc;
        for (let t = 0; t < tokens.length - 1; t++) {
            const part = tokens[t];
            let next: Json | undefined;
            let slot: string | number;
            if (Array.isArray(cur)) {
                let idx = atoi(part);
                if (idx === undefined) return opError(missingParent(op, path), path, i, cluster);
                if (idx < 0) {
                    if (idx < -cur.length) return opError(missingParent(op, path), path, i, cluster);
                    idx += cur.length;
                }
                if (idx >= cur.length) return opError(missingParent(op, path), path, i, cluster);
                slot = idx;
                next = cur[idx];
            } else {
                slot = part;
                next = hasOwn(cur, part) ? cur[part] : undefined;
            }
            if (!isContainer(next)) return opError(missingParent(op, path), path, i, cluster);
            if (copyFrozen && Object.isFrozen(next)) {
                next = Array.isArray(next) ? next.slice() : { ...next };
                if (typeof slot === "number") (cur as Json[])[slot] = next;
                else setOwn(cur as Record<string, unknown>, slot, next);
            }
            cur = next;
        }

        if (Array.isArray(cur)) {
            const len = cur.length;
            if (op === "add") {
                if (key === "-") { cur.push(value as Json); continue; }
                let idx = atoi(key);
                if (idx === undefined) opError(`error in add for path: '${path}': value was not a proper array index: '${key}': ${atoiError(key)}`, path, i, cluster);
                if (idx > len || idx < -(len + 1)) opError(`error in add for path: '${path}': Unable to access invalid index: ${idx}: invalid index referenced`, path, i, cluster);
                if (idx < 0) idx += len + 1;
                cur.splice(idx, 0, value as Json);
            } else if (op === "remove") {
                let idx = atoi(key);
                if (idx === undefined) opError(`error in remove for path: '${path}': ${atoiError(key)}`, path, i, cluster);
                if (idx >= len || idx < -len) opError(`error in remove for path: '${path}': Unable to access invalid index: ${idx}: invalid index referenced`, path, i, cluster);
                if (idx < 0) idx += len;
                cur.splice(idx, 1);
            } else {
                let idx = atoi(key);
                if (idx === undefined || idx >= len || idx < -len) opError(`replace operation does not apply: doc is missing key: ${path}: missing value`, path, i, cluster);
                if (idx < 0) idx += len;
                cur[idx] = value as Json;
            }
        } else {
            if (op === "remove") {
                if (!hasOwn(cur, key)) opError(`error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`, path, i, cluster);
                delete cur[key];
            } else {
                // add and replace alike: the library's object `get` never fails, so replace of a missing key adds it.
                setOwn(cur, key, value);
            }
        }
    }
    return doc;
}

/**
 * One cluster's overrides applied to a deep copy of `object` (the input is never mutated), with KubeFed's
 * json-patch semantics (docs/semantics.md#override-application, quirks listed at the top of this module). The list is applied in order and
 * all-or-nothing. Throws an {@link OverrideError} whose message names the failing path.
 */
export function applyOverrides<T extends object>(object: T, overrides: OverrideOperation[]): T {
    const copy = jsonClone(object) as unknown as Record<string, unknown>;
    if (copy === null || typeof copy !== "object" || Array.isArray(copy)) {
        throw new ValidationError("applyOverrides", [{ severity: "error", field: "object", message: "must be a JSON object; pass the Kubernetes object to override" }]);
    }
    return applyPatch(copy, overrides ?? [], false) as unknown as T;
}
