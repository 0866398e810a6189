/**
 * Own properties of plain JSON-like objects built from user content. A key such as `__proto__` is valid in a
 * ConfigMap's or Secret's data, in Helm values and in any custom resource; plain `o[k] = v` would set the object's
 * prototype instead of a key, and the key would vanish from what is applied, compared or hashed.
 */

/** Whether `o` has `k` as an own property (not one inherited, such as `__proto__`). */
export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Sets `o[k] = v` as an own, enumerable data property, whatever the key. */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
    if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
    else o[k] = v;
}

/** `r[k]` when `k` is an own key of `r`, else undefined. Records here are keyed by cluster names, and a cluster may
 *  be called `constructor` (a valid DNS label), which `r[k]` would find on Object.prototype. */
export function ownEntry<V>(r: Readonly<Record<string, V>> | undefined | null, k: string): V | undefined {
    return r !== undefined && r !== null && hasOwn(r, k) ? r[k] : undefined;
}
