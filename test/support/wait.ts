/** Waiting for what controllers and API servers do asynchronously. */

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

/** Poll until `fn` returns a truthy value or the time runs out; errors thrown by `fn` count as "not yet" and the
 *  last one is in the timeout's message. */
export async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 60000, intervalMs = 1000): Promise<T> {
    const start = Date.now();
    let last: unknown;
    for (;;) {
        try {
            const v = await fn();
            if (v) return v;
        } catch (e) { last = e; }
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
        await sleep(intervalMs);
    }
}
