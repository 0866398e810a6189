/**
 * The read-back keeps every desired object of its member, in its inputs and (because `pulumi refresh` only hands a
 * provider its outputs) again in its outputs. Stored as JSON, that doubles the state of a large fleet; stored as one
 * deflated, base64 string per member it is a few percent of it (federated objects are alike, so they compress well).
 * Used by the program side (components encode) and the provider side (the read-back decodes) alike; equal content
 * always encodes the same (keys sorted).
 */
import { deflateRawSync, inflateRawSync } from "zlib";
import { stableStringify } from "./json";

const PREFIX = "kubefed-z1:";

/** Encodes a map of tracked objects for state. */
export function encodeObjects(map: Record<string, unknown>): string {
    return PREFIX + deflateRawSync(Buffer.from(stableStringify(map), "utf8"), { level: 9 }).toString("base64");
}

/** Decodes what {@link encodeObjects} made; anything else (a plain map, an unknown value) is returned as it is. */
export function decodeObjects(v: unknown): unknown {
    if (typeof v !== "string" || !v.startsWith(PREFIX)) return v;
    return JSON.parse(inflateRawSync(Buffer.from(v.slice(PREFIX.length), "base64")).toString("utf8"));
}

/** Whether `v` is an encoded map. */
export function isEncodedObjects(v: unknown): boolean {
    return typeof v === "string" && v.startsWith(PREFIX);
}
