import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { Clock, CycleResult, EngineCall, ReconcileEngine, Reconciler, describeSteps, isLockError, parseDuration, reconcileMain } from "../../../src/cli/reconcile";
import { operatorStack } from "../../../src/cli/operator";
import { HEALTH_OUT_ENV, HEALTH_STATE_ENV, HealthReport, READINESS_ENV, parseHealthState, stepHealth } from "../../../src/core/health";

/** A clock that jumps: sleeping advances it and records the delay. */
function fakeClock(): Clock & { delays: number[]; t: number } {
    const c = {
        t: Date.UTC(2026, 11, 7, 15, 0, 0), delays: [] as number[],
        now: () => c.t,
        sleep: async (ms: number, signal: AbortSignal) => { if (!signal.aborted) { c.delays.push(ms); c.t += ms; } },
    };
    return c;
}

/**
 * A fake engine playing the program: its preview probes the members (the scripted `probes` of the cycle), steps the
 * health the loop handed in, writes the report and plans a change when the readiness it plans with differs from what
 * was last applied; its up applies the readiness pinned by the loop.
 */
function fakeFleet(probes: Record<string, boolean>[], opts: { fail?: (op: string, n: number) => Error | undefined } = {}) {
    const calls: { op: string; env: Record<string, string>; at: number }[] = [];
    let applied: Record<string, boolean> = {};
    let n = 0;
    let active = 0;
    let maxActive = 0;
    const guard = async <T>(op: string, c: EngineCall, f: () => T): Promise<T> => {
        active++;
        maxActive = Math.max(maxActive, active);
        try {
            calls.push({ op, env: c.env, at: n });
            await new Promise(r => setImmediate(r));
            const e = opts.fail?.(op, n);
            if (e) throw e;
            return f();
        } finally { active--; }
    };
    const engine: ReconcileEngine = {
        refresh: c => guard("refresh", c, () => undefined),
        preview: c => guard("preview", c, () => {
            const raw = probes[Math.min(n, probes.length - 1)];
            n++;
            const before = parseHealthState(c.env[HEALTH_STATE_ENV]) ?? {};
            const report: HealthReport = { probes: raw, state: {} };
            for (const [m, ok] of Object.entries(raw)) report.state[m] = stepHealth(before[m], ok);
            fs.writeFileSync(c.env[HEALTH_OUT_ENV], JSON.stringify(report));
            const ready = Object.fromEntries(Object.entries(report.state).map(([m, h]) => [m, h.ready]));
            return { steps: JSON.stringify(ready) === JSON.stringify(applied) ? [] : ["update api-c1", "update api-c3"] };
        }),
        up: c => guard("up", c, () => {
            applied = JSON.parse(c.env[READINESS_ENV]) as Record<string, boolean>;
            return { steps: ["update api-c1", "update api-c3"] };
        }),
    };
    return { engine, calls, applied: () => applied, maxActive: () => maxActive };
}

const opts = (o: Partial<ConstructorParameters<typeof Reconciler>[3]> = {}) => ({
    stack: "dev", intervalMs: 30_000, healthFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rec-")), "h.json"), ...o,
});
const up = { c1: true, c2: true, c3: true };
const c2down = { c1: true, c2: false, c3: true };

describe("cli: reconcile loop (fake engine and clock)", () => {
    it("a member counts as down only at its third consecutive failed probe, probed every period meanwhile; back at its first success", async () => {
        const f = fakeFleet([up, c2down, c2down, c2down, c2down, up, up]);
        const clock = fakeClock();
        const lines: string[] = [];
        const r = new Reconciler(f.engine, clock, l => lines.push(l), opts());
        const stop = new AbortController();
        const results: CycleResult[] = [];
        for (let i = 0; i < 7; i++) {
            const res = await r.cycle(stop.signal, { skipRefresh: i > 0 && results[i - 1].unsettled.length > 0 });
            results.push(res);
            await clock.sleep(r.nextDelay(res), stop.signal);
        }
        // cycle 1 applies the first split; 2 and 3: c2 failed 1 and 2 probes, still ready, nothing applied, probed again after 10 s
        assert.deepEqual(results.map(x => !!x.applied), [true, false, false, true, false, true, false]);
        assert.deepEqual(results[1].unsettled, ["c2"]);
        assert.deepEqual(clock.delays.slice(0, 4), [30_000, 10_000, 10_000, 30_000]);
        assert.equal(results[2].refreshed, false, "a re-probe cycle skips the refresh");
        // probes are one period apart: a cycle that took longer than the period since its probe goes on at once
        r.lastProbeAt = clock.t - 12_000;
        assert.equal(r.nextDelay(results[1]), 0);
        r.lastProbeAt = clock.t - 4_000;
        assert.equal(r.nextDelay(results[1]), 6_000);
        // the up of cycle 4 applies c2 not ready, pinned from its preview
        const ups = f.calls.filter(c => c.op === "up");
        assert.deepEqual(JSON.parse(ups[1].env[READINESS_ENV]), c2down);
        assert.deepEqual(results[3].notReady, ["c2"]);
        // success threshold 1: back at the first successful probe
        assert.deepEqual(JSON.parse(ups[2].env[READINESS_ENV]), up);
        assert.match(lines[3], /^2026-12-07T15:\d\d:\d\dZ reconcile dev #4: up: update api-c1, api-c3; not ready: c2; preview\+up \d+\.\ds$/);
        assert.match(lines[1], /no changes; unsettled: c2 \(1\/3 failed probes\); refresh\+preview/);
    });

    it("while a member is unsettled, an up that would only record status is deferred; what members are sent is not", async () => {
        let n = 0;
        const engine: ReconcileEngine = {
            refresh: async () => undefined,
            preview: async c => {
                n++;
                const before = parseHealthState(c.env[HEALTH_STATE_ENV]) ?? {};
                const probes = { c1: true, c2: n === 1 };
                const state = Object.fromEntries(Object.entries(probes).map(([m, ok]) => [m, stepHealth(before[m], ok)]));
                fs.writeFileSync(c.env[HEALTH_OUT_ENV], JSON.stringify({ probes, state }));
                return n === 2 ? { steps: ["update c2-readback"], statusSteps: ["update c2-readback"] }
                    : { steps: ["update api-c1", "update c2-readback"], statusSteps: ["update c2-readback"] };
            },
            up: async () => ({ steps: ["update api-c1"] }),
        };
        const lines: string[] = [];
        const r = new Reconciler(engine, fakeClock(), l => lines.push(l), opts());
        const s = new AbortController().signal;
        assert.ok((await r.cycle(s)).applied);
        const second = await r.cycle(s);
        assert.equal(second.applied, undefined);
        assert.deepEqual(second.deferred, ["update c2-readback"]);
        assert.match(lines[1], /no changes applied \(status only, deferred while a member is unsettled: update c2-readback\); unsettled: c2/);
        assert.ok((await r.cycle(s)).applied, "a change to what a member is sent is applied while unsettled");
    });

    it("a flapping member (fail, ok, fail, ok) is never moved", async () => {
        const f = fakeFleet([up, c2down, up, c2down, up, c2down, up]);
        const r = new Reconciler(f.engine, fakeClock(), () => undefined, opts());
        const s = new AbortController().signal;
        const applied: boolean[] = [];
        for (let i = 0; i < 7; i++) applied.push(!!(await r.cycle(s)).applied);
        assert.deepEqual(applied, [true, false, false, false, false, false, false]);
    });

    it("backs off on failure (interval, doubling, capped), resets after a success; a held lock is waited for, not counted", async () => {
        const boom = Object.assign(new Error("error: preview failed"), {});
        const lock = Object.assign(new Error("the stack is currently locked by 1 lock(s)"), { name: "ConcurrentUpdateError" });
        let previews = 0;
        let refreshes = 0;
        const f = fakeFleet([up], { fail: op => (op === "preview" && ++previews <= 4 ? boom : op === "refresh" && ++refreshes === 6 ? lock : undefined) });
        const clock = fakeClock();
        const r = new Reconciler(f.engine, clock, () => undefined, opts({ maxBackoffMs: 100_000, lockRetryMs: 5000 }));
        const s = new AbortController().signal;
        const delays: number[] = [];
        for (let i = 0; i < 7; i++) delays.push(r.nextDelay(await r.cycle(s)));
        assert.deepEqual(delays.slice(0, 4), [30_000, 60_000, 100_000, 100_000]);
        assert.equal(delays[4], 30_000, "a success resets the backoff");
        assert.equal(delays[5], 5000, "locked by another update: retry soon");
        assert.equal(r.failures, 0);
        assert.ok(isLockError(lock) && !isLockError(boom));
    });

    it("never runs two operations at once: cycles are sequential, a cycle started during another is refused", async () => {
        const f = fakeFleet([up, c2down, c2down, c2down, up]);
        const r = new Reconciler(f.engine, fakeClock(), () => undefined, opts({ once: false }));
        const s = new AbortController().signal;
        const first = r.cycle(s);
        await assert.rejects(r.cycle(s), /already running/);
        await first;
        for (let i = 0; i < 4; i++) await r.cycle(s);
        assert.equal(f.maxActive(), 1);
    });

    it("SIGTERM during an up: the operation gets the abort (the CLI cancels cleanly), the loop exits 0 without another cycle", async () => {
        const seen: string[] = [];
        const engine: ReconcileEngine = {
            refresh: async () => { seen.push("refresh"); },
            preview: async () => { seen.push("preview"); return { steps: ["update api-c1"] }; },
            up: c => new Promise((_, reject) => {
                seen.push("up");
                setImmediate(() => process.emit("SIGTERM", "SIGTERM"));
                c.signal.addEventListener("abort", () => { seen.push("aborted"); reject(new Error("update cancelled")); });
            }),
        };
        const out: string[] = [];
        const err: string[] = [];
        const code = await reconcileMain(["--stack", "dev", "--interval", "1s"], s => out.push(s), s => err.push(s), async () => engine);
        assert.equal(code, 0);
        assert.deepEqual(seen, ["refresh", "preview", "up", "aborted"]);
        assert.match(err.join(""), /SIGTERM: stopping/);
        assert.match(out.join(""), /stopped \(the running operation was cancelled cleanly\)/);
        assert.equal(process.listenerCount("SIGTERM"), 0, "the handlers are removed");
    });

    it("--once runs one cycle; a failed one exits 1; usage errors exit 2", async () => {
        const ok: ReconcileEngine = { refresh: async () => undefined, preview: async () => ({ steps: [] }), up: async () => ({ steps: [] }) };
        const bad: ReconcileEngine = { ...ok, preview: async () => { throw new Error("boom"); } };
        const out: string[] = [];
        assert.equal(await reconcileMain(["--stack", "dev", "--once"], s => out.push(s), () => undefined, async () => ok), 0);
        assert.match(out.join(""), /#1: no changes; refresh\+preview/);
        assert.equal(await reconcileMain(["--stack", "dev", "--once"], () => undefined, () => undefined, async () => bad), 1);
        assert.equal(await reconcileMain(["--once"], () => undefined, () => undefined, async () => ok), 2);
        assert.equal(await reconcileMain(["--stack", "dev", "--interval", "soon"], () => undefined, () => undefined, async () => ok), 2);
    });

    it("durations and step summaries", () => {
        assert.equal(parseDuration("30s"), 30_000);
        assert.equal(parseDuration("1m30s"), 90_000);
        assert.equal(parseDuration("45"), 45_000);
        assert.equal(parseDuration("500ms"), 500);
        assert.throws(() => parseDuration("30x"), /not a duration/);
        assert.equal(describeSteps(["update api-c3", "update api-c1", "create web-c2"]), "update api-c1, api-c3; create web-c2");
    });

    it("operator: one Stack resource that resyncs even without a new commit", () => {
        const s = operatorStack({ stack: "acme/fleet/prod", spec: { projectRepo: "https://git.example/infra", branch: "main" } });
        assert.equal(s.metadata.name, "prod");
        assert.equal(s.spec.stack, "acme/fleet/prod");
        assert.equal(s.spec.continueResyncOnCommitMatch, true);
        assert.equal(s.spec.resyncFrequencySeconds, 60);
        assert.equal(s.spec.refresh, true);
        assert.throws(() => operatorStack({ stack: "dev", spec: {} }), /needs a program source/);
        assert.throws(() => operatorStack({ stack: "dev", spec: { projectRepo: "x", stack: "y" }, resyncFrequencySeconds: 10 }), /spec\.stack: is set by the generator[\s\S]*--resync: 10 s is below/);
        assert.ok(YAML.stringify(s).includes("continueResyncOnCommitMatch: true"));
    });
});
