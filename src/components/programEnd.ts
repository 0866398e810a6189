/**
 * When the program has declared everything. Read-backs (readBacks.ts) and the shard record (shard.ts) wait for it.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Resolves once the program has declared everything: when the root stack's outputs are known, which the SDK
 * computes after the program (and its exported values) finished. Read-back inputs wait for it, so one resource per
 * member can list every federated object without the program saying when it is done. Nothing that the stack's
 * outputs depend on may wait for it, or the program would never finish: read-back outputs are therefore not offered
 * as component outputs (status is read from the checkpoint by `pulumi-kubefed status`).
 * Without a stack resource (unit tests with mocks) it resolves on the next turn of the event loop.
 */
let programDone: Promise<void> | undefined;
export function whenProgramDone(): Promise<void> {
    if (programDone) return programDone;
    const stack = pulumi.runtime.getStackResource();
    const outputs = stack?.outputs as unknown as { promise?: (withUnknowns?: boolean) => Promise<unknown> } | undefined;
    // A program that fails rejects this: the read-backs then fail to register rather than register a partial list of
    // objects (an update with objects missing would unlabel them in orphan mode). test/e2e/failure.test.ts.
    programDone = outputs && typeof outputs.promise === "function"
        ? outputs.promise(true).then(() => undefined)
        : new Promise((resolve) => setImmediate(resolve));
    return programDone;
}

/** Test hook: forget the program-end promise (mocks run several programs in one process). */
export function resetProgramEndForTests(): void {
    programDone = undefined;
}
