/**
 * Drift: which fields of what was sent to a member differ from the live object (JSON pointers), with the API
 * server's normalisations (quantities, empty containers, a Secret's `stringData`) taken into account. Pure logic.
 */
import { stripServerSetFields } from "../core/objects";

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(s: string): string {
    return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

const QUANTITY_SUFFIX: Record<string, number> = {
    "": 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** Numeric value of a Kubernetes quantity ("500m", "1Gi", "1e3", 2) or `undefined` when `v` is not one. */
export function quantityValue(v: unknown): number | undefined {
    if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
    if (typeof v !== "string") return undefined;
    const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(v.trim());
    if (!m) return undefined;
    const base = Number(m[1]) * (m[2] ? Number(`1${m[2]}`) : 1);
    return base * QUANTITY_SUFFIX[m[3] ?? ""];
}

function scalarEqual(d: unknown, l: unknown): boolean {
    if (d === l) return true;
    if ((typeof d === "string" || typeof d === "number") && (typeof l === "string" || typeof l === "number")) {
        const a = quantityValue(d);
        const b = quantityValue(l);
        if (a !== undefined && b !== undefined) return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    }
    return false;
}

/** `{}`, `[]`, or an object holding only such values (what the API server drops when it encodes omitempty). */
function isEmptyContainer(v: unknown): boolean {
    if (Array.isArray(v)) return v.length === 0;
    if (!v || typeof v !== "object") return false;
    return Object.values(v).every((x) => x === null || x === undefined || isEmptyContainer(x));
}

function collectDrift(desired: unknown, live: unknown, path: string, out: string[]): void {
    if (desired === null || desired === undefined) {
        if (live !== null && live !== undefined) out.push(path);
        return;
    }
    if (Array.isArray(desired)) {
        if (live === undefined || live === null) {
            if (desired.length > 0) out.push(path);
            return;
        }
        if (!Array.isArray(live) || live.length !== desired.length) {
            out.push(path);
            return;
        }
        desired.forEach((d, i) => collectDrift(d, live[i], `${path}/${i}`, out));
        return;
    }
    if (typeof desired === "object") {
        if (live === undefined || live === null) {
            // the API server drops empty maps/lists; `{}` vs absent is not drift
            if (!isEmptyContainer(desired)) out.push(path);
            return;
        }
        if (typeof live !== "object" || Array.isArray(live)) {
            out.push(path);
            return;
        }
        for (const [k, d] of Object.entries(desired as Record<string, unknown>)) {
            if (d === undefined) continue;
            collectDrift(d, (live as Record<string, unknown>)[k], `${path}/${pointerSegment(k)}`, out);
        }
        return;
    }
    if (!scalarEqual(desired, live)) out.push(path);
}

/**
 * JSON pointers of the fields of `desired` (the object we sent) whose live value differs. Only fields present in
 * `desired` are compared (fields the server or controllers add are ignored), recursively, including inside list
 * items; a list of a different length is reported at the list's path. Ignored: top-level `apiVersion`, `kind`,
 * `status`, and the fields the API server sets (the core's `SERVER_SET_FIELDS`). Quantities compare by value
 * ("0.5" = "500m"), `{}`/`[]` equals absent, and a Secret's `stringData` is compared as base64 `data`. Result sorted.
 */
export function driftPaths(desired: Record<string, unknown>, live: Record<string, unknown>): string[] {
    const d: Record<string, unknown> = { ...(desired ?? {}) };
    delete d.apiVersion;
    delete d.kind;
    // a copy of metadata, for the server-set fields (and `status`) to be removed from
    if (d.metadata && typeof d.metadata === "object") d.metadata = { ...(d.metadata as Record<string, unknown>) };
    stripServerSetFields(d);
    if (desired?.kind === "Secret" && d.stringData && typeof d.stringData === "object") {
        const data: Record<string, unknown> = { ...((d.data as Record<string, unknown>) ?? {}) };
        for (const [k, v] of Object.entries(d.stringData as Record<string, unknown>)) {
            // own property even for a `__proto__` key (a valid Secret key)
            Object.defineProperty(data, k, { value: Buffer.from(String(v), "utf8").toString("base64"), writable: true, enumerable: true, configurable: true });
        }
        d.data = data;
        delete d.stringData;
    }
    const out: string[] = [];
    collectDrift(d, live ?? {}, "", out);
    return [...new Set(out)].sort();
}
