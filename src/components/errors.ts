/**
 * How components report errors and recognise each other.
 *
 * Errors: a component checks its arguments and plans before it can register (the decision is its recorded input),
 * so that work runs in {@link prepare}; the component then registers and {@link unwrap} rethrows any failure as a
 * `pulumi.ResourceError` on it, which the engine shows under the component's URN. The core's
 * {@link ValidationError} (resource, field and fix) is kept as the error's `cause`.
 *
 * Recognition: `instanceof` fails when two copies of this package are loaded (two versions in node_modules, or
 * one linked twice), so every component carries a registry-symbol brand and classes check it in `isInstance`.
 */
import * as pulumi from "@pulumi/pulumi";

/** The outcome of a component's checks and planning, done before it registers. */
export type Prepared<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `fn`, capturing a failure to be raised on the component once it is registered. */
export function prepare<T>(fn: () => T): Prepared<T> {
    try {
        return { ok: true, value: fn() };
    } catch (error) {
        return { ok: false, error };
    }
}

/** The prepared value, or the failure rethrown as a `pulumi.ResourceError` on `resource`. */
export function unwrap<T>(resource: pulumi.Resource, p: Prepared<T>): T {
    if (p.ok) return p.value;
    return raise(resource, p.error);
}

/** Throws `error` as a `pulumi.ResourceError` on `resource` (its message unchanged, the original as `cause`). */
export function raise(resource: pulumi.Resource, error: unknown): never {
    if (pulumi.ResourceError.isInstance(error)) throw error;
    const err = new pulumi.ResourceError(error instanceof Error ? error.message : String(error), resource);
    (err as Error & { cause?: unknown }).cause = error;
    throw err;
}

/** Runs `fn` on a registered component; a failure becomes a `pulumi.ResourceError` on it. */
export function on<T>(resource: pulumi.Resource, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        return raise(resource, e);
    }
}

const BRAND = Symbol.for("pulumi-kubefed:component-type");

/** Marks `resource` as our component of type `type` (a registry symbol: the same in every copy of this package). */
export function brand(resource: pulumi.Resource, type: string): void {
    Object.defineProperty(resource, BRAND, { value: type, enumerable: false });
}

/** Whether `obj` is our component of type `type`, whichever copy of this package created it. */
export function isBranded(obj: unknown, type: string): boolean {
    return obj !== null && typeof obj === "object" && (obj as { [BRAND]?: unknown })[BRAND] === type;
}
