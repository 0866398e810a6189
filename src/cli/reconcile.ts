/**
 * `pulumi-kubefed reconcile`: KubeFed's controllers as a loop on Pulumi's Automation API. Each cycle runs
 * `refresh` → `preview` → `up` (only when the preview has changes): failover when a member goes down (the program
 * probes members itself), drift repaired, replicas back when a member returns. One log line per cycle.
 *
 * - **One update at a time.** Cycles run one after the other; another process holding the stack's lock (a `pulumi up`
 *   by hand, a second loop) makes the cycle wait and retry, without counting as a failure.
 * - **Backoff.** A failed cycle is retried after the interval, then twice as long each time, up to `maxBackoffMs`.
 * - **Flap damping (KubeFed's cluster health thresholds: period 10 s, failure threshold 3, success threshold 1).** The
 *   loop keeps each member's health (src/core/health.ts) and hands it to the program in `PULUMI_KUBEFED_HEALTH_STATE`;
 *   the preview's one probe per member steps it and writes the result to `PULUMI_KUBEFED_HEALTH_OUT`, which the loop
 *   keeps for the next cycle. A ready member is planned as not ready only at its third consecutive failed probe, a
 *   not-ready one as ready at its first successful probe. While a member is between the two (failed some probes but
 *   not enough), the next cycle probes again one period (10 s) after the last probe instead of one interval later, and
 *   skips the refresh: so a member counts as down about 20 s after its first failed probe, as in KubeFed. The `up` of a cycle runs with the
 *   readiness its preview planned with pinned (`PULUMI_KUBEFED_READINESS`), so it applies exactly what was previewed.
 * - **Stopping.** SIGINT/SIGTERM abort the running operation the way Ctrl-C does: the Automation API sends the
 *   `pulumi` CLI SIGINT, which lets the steps in flight finish, writes the checkpoint and releases the lock; nothing
 *   is left pending, and the next `pulumi up` needs no `pulumi cancel`. Then the loop exits.
 *
 * The engine and the clock are injected ({@link ReconcileEngine}, {@link Clock}): unit tests drive cycles without one.
 * Over 350 lines on purpose: the cycle, its backoff, flap damping and stopping share the loop's state and read as one.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    HEALTH_OUT_ENV, HEALTH_STATE_ENV, HEALTH_THRESHOLDS_ENV, HealthReport, HealthState, HealthThresholds, KUBEFED_HEALTH_DEFAULTS, READINESS_ENV, healthUnsettled,
} from "../core/health";

/** One Automation API operation's environment (the workspace's env vars for that command) and abort signal. */
export interface EngineCall {
    env: Record<string, string>;
    signal: AbortSignal;
}

/** What a preview or up changed: step ops and the resources they touch, e.g. `update api-c1`. */
export interface EngineResult {
    /** Steps that change something (no `same`, no reads), as `<op> <resource name>`. */
    steps: string[];
    /** Those of `steps` that only record status (the members' read-backs), not what a member is sent. */
    statusSteps?: string[];
}

/** The Automation API calls the loop makes on one stack. */
export interface ReconcileEngine {
    refresh(c: EngineCall): Promise<void>;
    preview(c: EngineCall): Promise<EngineResult>;
    up(c: EngineCall): Promise<EngineResult>;
}

/** Time, injectable. `sleep` resolves early when `signal` aborts. */
export interface Clock {
    now(): number;
    sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface ReconcileOptions {
    stack: string;
    /** Time between cycles when nothing is unsettled (default 30 s). */
    intervalMs: number;
    /** Run one cycle and stop (cron, CI). */
    once?: boolean;
    /** Longest wait after failures (default 5 min). */
    maxBackoffMs?: number;
    /** Wait before retrying when another update holds the stack's lock (default 5 s). */
    lockRetryMs?: number;
    thresholds?: HealthThresholds;
    /** Where the program writes its probes (default: a file in a new temporary directory). */
    healthFile?: string;
}

/** What one cycle did. */
export interface CycleResult {
    ok: boolean;
    /** Another update held the stack's lock: nothing was done. */
    locked?: boolean;
    /** The cycle was stopped by a signal. */
    aborted?: boolean;
    refreshed: boolean;
    /** What the preview planned (empty: no changes, no up). */
    planned: string[];
    /** What the up applied (undefined: no up ran). */
    applied?: string[];
    /** Status-only changes left for a later cycle while a member is unsettled. */
    deferred?: string[];
    /** Members planned as not ready, sorted. */
    notReady: string[];
    /** Members whose health may still change without a change in the member (probed again after one period). */
    unsettled: string[];
    ms: number;
    error?: string;
    /** The log line. */
    line: string;
}

/** Whether an error is the stack's lock held by another update (service backend 409, or a local backend lock). */
export function isLockError(e: unknown): boolean {
    const err = e as { name?: string; message?: string; commandResult?: { stderr?: string } };
    const text = `${err?.message ?? ""}\n${err?.commandResult?.stderr ?? ""}`;
    return err?.name === "ConcurrentUpdateError" || /Conflict: Another update is currently in progress|currently locked by|stack is currently locked/i.test(text);
}

/** Whether an error comes from the operation being cancelled by our signal. */
function isAbort(e: unknown, signal: AbortSignal): boolean {
    return signal.aborted || /cancel(l)?ed|interrupt/i.test(String((e as Error)?.message ?? ""));
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Groups steps for the log line: `update api-c1, api-c3; create web-c2`. */
export function describeSteps(steps: string[]): string {
    const byOp = new Map<string, string[]>();
    for (const s of steps) {
        const i = s.indexOf(" ");
        const op = i < 0 ? s : s.slice(0, i);
        const what = i < 0 ? "" : s.slice(i + 1);
        byOp.set(op, [...(byOp.get(op) ?? []), what]);
    }
    return [...byOp.entries()].map(([op, w]) => `${op} ${w.sort().join(", ")}`).join("; ");
}

/** The loop over one stack. */
export class Reconciler {
    /** Member health kept between cycles (the program steps it with each probe). */
    health: HealthState = {};
    /** Consecutive failed cycles. */
    failures = 0;
    cycles = 0;
    /** When the last preview (and so the last probe) started. */
    lastProbeAt: number | undefined;
    private running = false;
    private readonly healthFile: string;
    private readonly thresholds: HealthThresholds;

    constructor(private readonly engine: ReconcileEngine, private readonly clock: Clock, private readonly log: (line: string) => void,
                readonly opts: ReconcileOptions, private readonly progress: (line: string) => void = () => undefined) {
        this.thresholds = opts.thresholds ?? KUBEFED_HEALTH_DEFAULTS;
        this.healthFile = opts.healthFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-kubefed-reconcile-")), "health.json");
    }

    private readReport(): HealthReport | undefined {
        try {
            return JSON.parse(fs.readFileSync(this.healthFile, "utf8")) as HealthReport;
        } catch {
            return undefined;
        }
    }

    /**
     * One cycle: refresh (unless `skipRefresh`), preview with the kept health, up when the preview has changes (with
     * the preview's readiness pinned). Never runs while another cycle of this loop runs.
     */
    async cycle(outer: AbortSignal, o: { skipRefresh?: boolean } = {}): Promise<CycleResult> {
        if (this.running) throw new Error("reconcile: a cycle is already running");
        this.running = true;
        const start = this.clock.now();
        // One signal per cycle, following the loop's: the Automation API adds an abort listener per command and never
        // removes it, so a signal shared by every cycle would collect them for as long as the loop runs.
        const perCycle = new AbortController();
        const follow = () => perCycle.abort();
        if (outer.aborted) perCycle.abort(); else outer.addEventListener("abort", follow, { once: true });
        const signal = perCycle.signal;
        this.cycles++;
        const r: CycleResult = { ok: false, refreshed: false, planned: [], notReady: [], unsettled: [], ms: 0, line: "" };
        try {
            if (!o.skipRefresh) {
                await this.engine.refresh({ env: {}, signal });
                r.refreshed = true;
            }
            try { fs.rmSync(this.healthFile, { force: true }); } catch { /* written afresh by the program */ }
            this.lastProbeAt = this.clock.now();
            const preview = await this.engine.preview({ signal, env: {
                [HEALTH_STATE_ENV]: JSON.stringify(this.health), [HEALTH_OUT_ENV]: this.healthFile,
                [HEALTH_THRESHOLDS_ENV]: JSON.stringify(this.thresholds),
            } });
            const report = this.readReport();
            const health = { ...this.health, ...(report?.state ?? {}) };
            r.planned = preview.steps;
            r.notReady = Object.keys(health).filter(c => !health[c].ready).sort();
            r.unsettled = Object.keys(health).filter(c => healthUnsettled(health[c])).sort();
            this.health = health;
            // While a member is unsettled, an up that would only record status (a read-back noting the member's
            // failed probe) waits for the next cycle: it would delay the probes that decide failover.
            const statusOnly = preview.steps.length > 0 && preview.steps.every(x => (preview.statusSteps ?? []).includes(x));
            if (statusOnly && r.unsettled.length > 0) r.deferred = preview.steps;
            else if (preview.steps.length > 0) {
                if (signal.aborted) throw new Error("cancelled");
                const readiness = Object.fromEntries(Object.entries(report?.state ?? {}).map(([c, h]) => [c, h.ready]));
                this.progress(`reconcile ${this.opts.stack} #${this.cycles}: applying ${describeSteps(preview.steps)}`);
                const up = await this.engine.up({ signal, env: { [READINESS_ENV]: JSON.stringify(readiness) } });
                r.applied = up.steps;
            }
            r.ok = true;
            this.failures = 0;
        } catch (e) {
            r.error = String((e as Error)?.message ?? e).split("\n").filter(l => l.trim()).slice(0, 3).join(" | ").slice(0, 300);
            if (isLockError(e)) r.locked = true;
            else if (isAbort(e, signal)) r.aborted = true;
            else this.failures++;
        } finally {
            this.running = false;
            outer.removeEventListener("abort", follow);
        }
        r.ms = this.clock.now() - start;
        r.line = this.describe(r);
        this.log(r.line);
        return r;
    }

    /** How long to wait after a cycle. */
    nextDelay(r: CycleResult): number {
        const p = this.thresholds.periodSeconds * 1000;
        if (r.locked) return this.opts.lockRetryMs ?? 5000;
        if (!r.ok) return Math.min(this.opts.maxBackoffMs ?? 300_000, this.opts.intervalMs * 2 ** Math.max(0, this.failures - 1));
        // A member between healthy and unhealthy is probed again one period after its last probe (KubeFed probes every
        // period): a cycle that took longer than that goes on at once.
        if (r.unsettled.length > 0) return Math.max(0, Math.min(p, this.opts.intervalMs) - (this.clock.now() - (this.lastProbeAt ?? this.clock.now())));
        return this.opts.intervalMs;
    }

    private describe(r: CycleResult): string {
        const head = `${new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, "Z")} reconcile ${this.opts.stack} #${this.cycles}:`;
        const health = [
            ...(r.notReady.length ? [`not ready: ${r.notReady.join(", ")}`] : []),
            ...(r.unsettled.length ? [`unsettled: ${r.unsettled.map(c => `${c} (${this.health[c].ready ? `${this.health[c].failures}/${this.thresholds.failureThreshold} failed probes` : `${this.health[c].successes}/${this.thresholds.successThreshold} probes ok`})`).join(", ")}`] : []),
        ];
        let what: string;
        if (r.locked) what = `stack locked by another update; retry in ${secs(this.nextDelay(r))}`;
        else if (r.aborted) what = "stopped (the running operation was cancelled cleanly)";
        else if (!r.ok) what = `failed (${r.error}); retry in ${secs(this.nextDelay(r))}`;
        else if (r.applied) what = `up: ${describeSteps(r.applied) || "no resource changed"}`;
        else if (r.deferred) what = `no changes applied (status only, deferred while a member is unsettled: ${describeSteps(r.deferred)})`;
        else what = "no changes";
        return [`${head} ${what}`, ...health, `${r.refreshed ? "refresh+" : ""}preview${r.applied ? "+up" : ""} ${secs(r.ms)}`].join("; ");
    }

    /**
     * Cycles until `signal` aborts (or one with `once`). Resolves the exit code: 0, or 1 when the last cycle failed
     * (`once`) or the loop was stopped after a failed cycle.
     */
    async run(signal: AbortSignal): Promise<number> {
        let last: CycleResult | undefined;
        let skipRefresh = false;
        for (;;) {
            if (signal.aborted) break;
            last = await this.cycle(signal, { skipRefresh });
            if (this.opts.once || signal.aborted) break;
            // a member between healthy and unhealthy is probed again after one period; the refresh waits for the interval
            skipRefresh = last.ok && last.unsettled.length > 0;
            await this.clock.sleep(this.nextDelay(last), signal);
        }
        return last && !last.ok && !last.aborted ? 1 : 0;
    }
}

/** The real clock: `sleep` ends early on abort. */
export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise<void>(resolve => {
        if (signal.aborted) return resolve();
        const t = setTimeout(() => { signal.removeEventListener("abort", done); resolve(); }, ms);
        const done = () => { clearTimeout(t); resolve(); };
        signal.addEventListener("abort", done, { once: true });
    }),
};

/** Parses a duration: `30s`, `1m`, `500ms`, `1m30s`, or a plain number of seconds. */
export function parseDuration(text: string): number {
    const t = text.trim();
    if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
    let ms = 0;
    let end = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
        ms += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
        end = re.lastIndex;
    }
    if (end === 0 || end !== t.length) throw new Error(`not a duration: "${text}" (e.g. 30s, 1m, 1m30s)`);
    return Math.round(ms);
}

/**
 * The engine on Pulumi's Automation API: the stack `stack` of the project in `cwd` (its Pulumi.yaml), with the
 * environment the loop passes set on the workspace for that one command.
 */
export async function automationEngine(stack: string, cwd: string): Promise<ReconcileEngine> {
    const auto = await import("@pulumi/pulumi/automation");
    const s = await auto.LocalWorkspace.selectStack({ stackName: stack, workDir: cwd });
    const ws = s.workspace as unknown as { envVars: Record<string, string> };
    const withEnv = async <T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> => {
        const before = { ...ws.envVars };
        Object.assign(ws.envVars, env);
        try {
            return await f();
        } finally {
            for (const k of Object.keys(env)) delete ws.envVars[k];
            Object.assign(ws.envVars, before);
        }
    };
    const collect = () => {
        const steps: string[] = [];
        const statusSteps: string[] = [];
        const onEvent = (e: import("@pulumi/pulumi/automation").EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (!m || ["same", "read", "refresh"].includes(m.op) || m.type === "pulumi:pulumi:Stack") return;
            const step = `${m.op} ${m.urn.split("::").pop()}`;
            steps.push(step);
            // a member's read-back (src/resources/memberReadBack.ts)
            if (m.op === "update" && m.type === "pulumi-nodejs:dynamic/kubefed:MemberReadBack") statusSteps.push(step);
        };
        return { steps, statusSteps, onEvent };
    };
    return {
        refresh: c => withEnv(c.env, async () => { await s.refresh({ signal: c.signal }); }),
        preview: c => withEnv(c.env, async () => {
            const { steps, statusSteps, onEvent } = collect();
            await s.preview({ signal: c.signal, onEvent });
            return { steps, statusSteps };
        }),
        up: c => withEnv(c.env, async () => {
            const { steps, onEvent } = collect();
            await s.up({ signal: c.signal, onEvent });
            return { steps };
        }),
    };
}

export const RECONCILE_USAGE = `usage: pulumi-kubefed reconcile --stack STACK [--cwd DIR] [--interval 30s] [--once]
  run refresh → preview → up (when the preview has changes) every --interval until SIGINT/SIGTERM: failover,
  drift repair, replicas back when a member returns; one log line per cycle
  --stack S        the stack to reconcile; required
  --cwd DIR        the project directory (its Pulumi.yaml; default: the current directory)
  --interval D     time between cycles (default 30s); a member between healthy and unhealthy is probed again
                   after KubeFed's health period (10s)
  --once           one cycle, then exit (cron, CI)
  exit codes: 0 ok (or stopped), 1 the last cycle failed, 2 usage, 3 the stack cannot be opened
`;

/** `pulumi-kubefed reconcile ...`; returns the exit code. */
export async function reconcileMain(argv: string[], out: (s: string) => void, err: (s: string) => void,
                                    engineFor: (stack: string, cwd: string) => Promise<ReconcileEngine> = automationEngine): Promise<number> {
    const { parseFlags } = await import("./args");
    let opts: ReconcileOptions;
    let cwd: string;
    try {
        const { values: v } = parseFlags(argv, {
            stack: { type: "string", short: "s" }, cwd: { type: "string", short: "C" }, interval: { type: "string" }, once: { type: "boolean" },
        });
        if (v.help) {
            out(RECONCILE_USAGE);
            return 0;
        }
        if (!v.stack) throw new Error("--stack is required");
        const intervalMs = v.interval === undefined ? 30_000 : parseDuration(v.interval as string);
        if (intervalMs < 1000) throw new Error("--interval: at least 1s");
        opts = { stack: v.stack as string, intervalMs, once: !!v.once };
        cwd = path.resolve((v.cwd as string | undefined) ?? process.cwd());
    } catch (e) {
        err(`${(e as Error).message}\n${RECONCILE_USAGE}`);
        return 2;
    }
    let engine: ReconcileEngine;
    try {
        engine = await engineFor(opts.stack, cwd);
    } catch (e) {
        err(`pulumi-kubefed reconcile: cannot open stack ${opts.stack} in ${cwd}: ${String((e as Error).message).split("\n")[0]}\n`);
        return 3;
    }
    const stop = new AbortController();
    // `on`, not `once`: the Automation API's child-process library re-raises a signal nobody else listens to
    // (signal-exit), which would kill the loop before the running operation is cancelled.
    const onSignal = (sig: NodeJS.Signals): void => {
        if (stop.signal.aborted) {
            err(`pulumi-kubefed reconcile: ${sig} again: exiting now\n`);
            process.exit(sig === "SIGINT" ? 130 : 143);
        }
        err(`pulumi-kubefed reconcile: ${sig}: stopping; the running operation is cancelled cleanly (a second signal kills it)\n`);
        stop.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        // the cycle's line goes to stdout; progress within a cycle (an up starting) to stderr
        const r = new Reconciler(engine, systemClock, line => out(`${line}\n`), opts, line => err(`${line}\n`));
        return await r.run(stop.signal);
    } finally {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
    }
}
