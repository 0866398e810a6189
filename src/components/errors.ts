/**
 * How components report errors and recognise each other.
 *
 * Errors: a component checks its arguments and plans before it registers (the decision is its recorded input), in
 * {@link prepare}. A failure is thrown right there, before `super()`: a refused component is never registered, so
 * neither the engine's state nor a policy pack sees it with empty or half-checked inputs (an `up` that fails on it
 * leaves its previous state as it was). It is a `pulumi.ResourceError` with `hideStack`: the engine prints the
 * message (resource, field and fix) without a stack trace. As the component has no URN yet, the error is
 * attached to its parent when it has one (else the stack); the message names the component. The core's
 * {@link ValidationError} is kept as the error's `cause`. Failures after registration ({@link raise}) are
 * ResourceErrors on the component itself.
 *
 * Recognition: `instanceof` fails when two copies of this package are loaded (two versions in node_modules, or
 * one linked twice), so every component carries a registry-symbol brand and classes check it in `isInstance`.
 */
import * as pulumi from "@pulumi/pulumi";

/** Runs a component's checks and planning before it registers; a failure is thrown as a `pulumi.ResourceError`
 *  (stack hidden) on the component's parent, so the component is never registered with unchecked inputs. */
export function prepare<T>(opts: pulumi.ResourceOptions | undefined, fn: () => T): T {
    try {
        return fn();
    } catch (error) {
        return raise(opts?.parent, error);
    }
}

/** Throws `error` as a `pulumi.ResourceError` on `resource` (its message unchanged, the original as `cause`, the
 *  stack hidden: the message says what to fix, the library's frames would only bury it). */
export function raise(resource: pulumi.Resource | undefined, error: unknown): never {
    if (pulumi.ResourceError.isInstance(error)) throw error;
    const err = new pulumi.ResourceError(error instanceof Error ? error.message : String(error), resource, true);
    (err as Error & { cause?: unknown }).cause = error;
    throw err;
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
