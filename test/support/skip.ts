/**
 * The one place a test decides not to run. A suite states what it needs with {@link needs} (in a hook or a test)
 * or {@link skipSuite} (while it is declared); nothing else in the suites calls `this.skip()` or `it.skip`.
 * Outside CI a missing need skips, with the reason recorded where scripts/mocha-reporter.js finds it; in CI
 * (CI=true) it is an error naming what is missing, and the reporter fails the run on any skip that slipped past.
 */

/** Property the reporter reads on a skipped test or suite (scripts/mocha-reporter.js keeps the same name). */
export const SKIP_REASON = "kubefedSkipReason";

/** The fix printed with a missing test bed. */
export const TESTBED_FIX = "run `bash testbed/setup.sh && source testbed/env.sh`";

/** Whether this is CI: `CI` set to anything but "false" or "0" (CI runs scripts/test-all.sh with CI=true). */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
    return !!env.CI && env.CI !== "false" && env.CI !== "0";
}

/** What to do about a need: run, skip (with why), or fail (in CI, with why). */
export type SkipVerdict = { action: "run" } | { action: "skip" | "fail"; reason: string };

/** The verdict for a need that is met (`missing` empty or undefined) or not (`missing` says what is absent). */
export function skipVerdict(missing: string | undefined | false, env: NodeJS.ProcessEnv = process.env): SkipVerdict {
    if (!missing) return { action: "run" };
    return { action: inCI(env) ? "fail" : "skip", reason: missing };
}

/**
 * In a hook or a test: goes on when `missing` is empty; otherwise skips (the whole suite from a `before` hook,
 * else the test) with `missing` as the reason, or, in CI, throws an error saying what is missing.
 */
export function needs(ctx: Mocha.Context, missing: string | undefined | false, env: NodeJS.ProcessEnv = process.env): void {
    const v = skipVerdict(missing, env);
    if (v.action === "run") return;
    if (v.action === "fail") throw new Error(`cannot run in CI: ${v.reason}`);
    const r = ctx.currentTest ?? ctx.test;
    // from a hook the suite is skipped: the reason goes on the suite, where the reporter looks for its tests
    const at = r && (r as Mocha.Runnable & { type?: string }).type === "hook" ? r.parent : r;
    if (at) Object.defineProperty(at, SKIP_REASON, { value: v.reason, configurable: true });
    ctx.skip();
}

/**
 * While a suite is declared, for a suite that needs the missing thing to even declare its tests: declares, in
 * their place, one test that skips (or fails in CI) saying what is missing. The caller returns right after.
 */
export function skipSuite(missing: string): void {
    it(`needs what is missing here: ${missing}`, function () {
        needs(this, missing);
    });
}
