/**
 * What every component of this package shares: its type token, its brand (`isInstance` across copies of the
 * package), the argument preparation that runs before it registers, and the one-line decision log.
 *
 * Preparation: a component checks its arguments and plans before it registers (the decision is its recorded
 * input), in {@link prepare}. A failure is thrown right there, before `super()`: a refused component is never
 * registered, so neither the engine's state nor a policy pack sees it with empty or half-checked inputs (an `up` that
 * fails on it leaves its previous state as it was). It is a `pulumi.ResourceError` with `hideStack`: the engine
 * prints the message (resource, field and fix) without a stack trace. As the component has no URN yet, the error is
 * attached to its parent when it has one (else the stack); the message names the component. The core's
 * `ValidationError` is kept as the error's `cause`. Failures after registration ({@link raise}) are ResourceErrors on
 * the component itself.
 *
 * Recognition: `instanceof` fails when two copies of this package are loaded (two versions in node_modules, or one
 * linked twice), so every component carries a registry-symbol brand and {@link KubefedComponent.isInstance} checks it.
 */
import * as pulumi from "@pulumi/pulumi";
import { DecisionSummary, PlacementView, decisionLine } from "../core";
import { recordPlacement } from "./placementRecord";

/** Type-token prefix of every component (`pulumi-kubefed:index:<Kind>`); the package segment equals the npm name.
 *  Not the CLI's prefix of the read-back's dynamic types (src/cli/checkpoint.ts). */
export const COMPONENT_TYPE_PREFIX = "pulumi-kubefed:index:";

/** The type token of component `kind`. */
export function componentType(kind: string): string {
    return `${COMPONENT_TYPE_PREFIX}${kind}`;
}

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

/** Components that register no outputs (see {@link KubefedComponent.recordPlacementView}). */
const NO_OUTPUTS_STEP = new WeakSet<object>();

/** Whether `obj` is our component of type `type`, whichever copy of this package created it. */
function isBranded(obj: unknown, type: string): boolean {
    return obj !== null && typeof obj === "object" && (obj as { [BRAND]?: unknown })[BRAND] === type;
}

/** Brands `obj` as a component of type `type` (also a shard's stand-in for a component another shard holds). */
export function brand(obj: object, type: string): void {
    Object.defineProperty(obj, BRAND, { value: type, enumerable: false });
}

/**
 * The base of every component: registers it under its class's `__pulumiType` and brands it with that type.
 * Subclasses declare `static readonly __pulumiType = componentType("<Kind>")` and inherit `isInstance`.
 */
export abstract class KubefedComponent extends pulumi.ComponentResource {
    /** The type token; every subclass sets its own. */
    static readonly __pulumiType: string;

    /** Whether `obj` is a component of the class this is called on, also one created by another copy of this package
     *  (where `instanceof` fails). */
    static isInstance<T>(this: { prototype: T; readonly __pulumiType: string }, obj: unknown): obj is T {
        return isBranded(obj, this.__pulumiType);
    }

    protected constructor(type: string, name: string, inputs: pulumi.Inputs | Promise<pulumi.Inputs>,
                          opts?: pulumi.ComponentResourceOptions) {
        super(type, name, inputs, opts);
        brand(this, type);
    }

    /**
     * Records this component's placement view where the stack policies read it: in the program's one record
     * (placementRecord.ts), and then this component registers no outputs at all; else in its own outputs.
     */
    protected recordPlacementView(view: PlacementView | Promise<PlacementView>): void {
        if (recordPlacement(this, view)) NO_OUTPUTS_STEP.add(this);
        else this.registerOutputs({ decision: view });
    }

    /** Skipped for a component whose view is in the program's record: the SDK calls this by itself, with nothing,
     *  once the constructor has run, and that step would cost a whole-checkpoint write per component on a first `up`. */
    protected registerOutputs(outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
        if (NO_OUTPUTS_STEP.has(this)) return;
        super.registerOutputs(outputs);
    }

    /** Sets a field that stays off the enumerable ones (the SDK serializes an exported component field by field, and
     *  some fields are known only after the program or would repeat state). */
    protected hidden<K extends keyof this>(key: K, value: this[K]): void {
        Object.defineProperty(this, key, { enumerable: false, value });
    }

    /** Prints the decision as one info diagnostic on this component, unless switched off (see {@link decisionLogEnabled}). */
    protected logDecision(name: string, decision: DecisionSummary, option: boolean | undefined): void {
        if (decisionLogEnabled(option)) pulumi.log.info(decisionLine(name, decision), this);
    }
}

/**
 * Whether the one-line decision is printed: the component option, else stack config `pulumi-kubefed:decisionLog`,
 * else the environment variable `PULUMI_KUBEFED_DECISION_LOG` (`false`/`0`/`off`/`no` turn it off), else on.
 *
 * The line shows the decision this run will apply, not how it differs from the last one: the program never sees the
 * previous state. The engine diffs the component's recorded inputs (the decision) against the old state only after
 * the program has registered them, and hands nothing back. The alternatives are not robust: a StackReference to the
 * stack itself adds a resource to every stack and sees only stack outputs of the last *completed* update (stale after
 * a failed or partial one, and only what the user chose to export); reading the checkpoint needs backend credentials
 * and can race the update's own writes. So the change ("c2 5 → 3", "+c4", "−c1 (selector)") is computed where both
 * sides are known: `pulumi-kubefed plan` reads the old and new recorded decision of every component from
 * `pulumi preview --json`.
 */
function decisionLogEnabled(option: boolean | undefined): boolean {
    if (option !== undefined) return option;
    const fromConfig = new pulumi.Config("pulumi-kubefed").getBoolean("decisionLog");
    if (fromConfig !== undefined) return fromConfig;
    const env = (process.env.PULUMI_KUBEFED_DECISION_LOG ?? "").trim().toLowerCase();
    return !["false", "0", "off", "no"].includes(env);
}
