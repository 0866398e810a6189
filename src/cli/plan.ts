/**
 * `pulumi-kubefed plan`: a preview of the stack, read as the federation decision.
 *
 * Runs a preview through the Automation API and reads, for every FederatedResource / FederatedNamespace step, the
 * decision the component records as its inputs — the new one (`newState.inputs.decision`) and, for an update, the one in the
 * current state (`oldState.inputs.decision`). That pair is what makes "what changed" exact: the program itself
 * never sees the old state (see `decisionLogEnabled` in src/components/base.ts). The Automation API is loaded
 * only when a preview runs.
 */
import * as path from "path";
import * as fs from "fs";
import { parseFlags } from "./args";
import { Filters, filterPlan } from "./filter";
import { OutputFormat, parseOutputFormat, renderData } from "./output";
import { renderTable, terminalSafe } from "./table";
import { DecisionSummary, decisionChanges, normalizeDecision, objectOf, placedClusters } from "../core/summary";
import { ownEntry } from "../core/own";
import { containerImages } from "../core/summarize";
import type { EngineEvent } from "./automation";

/** Options of `pulumi-kubefed plan`. */
export interface PlanOptions {
    stack?: string;
    cwd?: string;
    policyPacks: string[];
    policyPackConfigs: string[];
    output: OutputFormat;
    /** `--cluster` / `--object`. */
    filters?: Filters;
    /** `--help`: print the usage. */
    help?: boolean;
    /** Read the preview JSON from this file instead of running pulumi (tests, CI artefacts). */
    jsonFile?: string;
}

/** One federated object of the plan. */
export interface PlanObject {
    /** The component's name (the last URN segment). */
    resource: string;
    /** `FederatedResource` or `FederatedNamespace`; `FederatedChart` or `FederatedKustomization` for an object one of
     *  them renders (then `decision` and `previous` are read from the rendered objects' steps, see {@link renderedPlanObjects}). */
    type: string;
    /** `Deployment shop/web`. */
    object: string;
    /** The preview's step: create, update, same, delete, replace, … (for a rendered object: its members' steps, `,`-joined). */
    op: string;
    /** The decision the update would apply (absent when the object is deleted). */
    decision?: DecisionSummary;
    /** The decision in the current state (absent for a new object). */
    previous?: DecisionSummary;
    /** What changed in the decision: `+c4 2`, `−c1 (selector)`, `c2 5 → 3`, …; `new` / `deleted` for whole objects. */
    changes: string[];
}

/** Something that makes `pulumi up` fail: a mandatory policy violation, a validation error, a failed preview. */
export interface PlanBlocker {
    urn?: string;
    message: string;
}

/** The plan: objects sorted by resource name, every cluster seen, and what blocks the update. */
export interface PlanModel {
    clusters: string[];
    objects: PlanObject[];
    blockers: PlanBlocker[];
    /** Warnings (e.g. advisory policy violations), for information. */
    warnings: PlanBlocker[];
    /** Whether `pulumi preview` itself succeeded. */
    previewSucceeded: boolean;
}

const USAGE = `usage: pulumi-kubefed plan [--stack S] [--cwd DIR] [--policy-pack DIR]... [--policy-pack-config F]... [-o table|wide|json|yaml]
                           [--cluster NAME]... [--object NAME]... [--json-file F]

  -s, --stack S           stack to preview (default: the selected stack)
  -C, --cwd DIR           Pulumi project directory (default: current directory)
  --policy-pack DIR       policy pack for the preview (repeatable)
  --policy-pack-config F  its configuration file (repeatable)
  -o, --output FORMAT     table (default), wide (adds the step and component type), json or yaml
  --cluster NAME          only these clusters' columns, and objects placed or left out there (repeatable, or a,b)
  --object NAME           only these objects (repeatable, or a,b): resource name, name, namespace/name or Kind/name
  --json-file F           read the output of 'pulumi preview --json' from a file instead of running pulumi
Runs the preview through the Automation API with the pulumi on PATH (or PULUMI_COMMAND=<dir>/bin/pulumi).
Exit codes: 0 the update would go through, 1 a policy violation or error would block it, 2 usage, 3 cannot run pulumi.
`;

/** Parses `plan` arguments; throws a usage message on errors. */
export function parsePlanArgs(argv: string[]): PlanOptions {
    const { values: v } = parseFlags(argv, {
        stack: { type: "string", short: "s" }, cwd: { type: "string", short: "C" }, "policy-pack": { type: "string", list: true },
        "policy-pack-config": { type: "string", list: true }, "json-file": { type: "string" }, output: { type: "string", short: "o" },
        cluster: { type: "string", list: true }, object: { type: "string", list: true },
    });
    const str = (k: string) => v[k] as string | undefined;
    const o: PlanOptions = { policyPacks: (v["policy-pack"] as string[] | undefined) ?? [],
        policyPackConfigs: (v["policy-pack-config"] as string[] | undefined) ?? [], output: parseOutputFormat(str("output")) };
    if (v.help) o.help = true;
    if (str("stack")) o.stack = str("stack");
    if (str("cwd")) o.cwd = str("cwd");
    if (str("json-file")) o.jsonFile = str("json-file");
    if (v.cluster || v.object) {
        o.filters = { ...(v.cluster ? { clusters: v.cluster as string[] } : {}), ...(v.object ? { objects: v.object as string[] } : {}) };
    }
    return o;
}

/** The `pulumi` command line equivalent to a plan's preview (what `--json-file` expects the output of). */
export function previewArgs(o: PlanOptions): string[] {
    // --show-sames: unchanged resources too, so the table shows every object, and the rendered objects of a chart
    // that changes in one member only are found through their (unchanged) Chart and FederatedChart
    const args = ["preview", "--json", "--non-interactive", "--show-sames"];
    if (o.stack) args.push("--stack", o.stack);
    for (const p of o.policyPacks) args.push("--policy-pack", p);
    for (const c of o.policyPackConfigs) args.push("--policy-pack-config", c);
    return args;
}

/** What a preview left: the steps and diagnostics in the shape of `pulumi preview --json`, exit code, stderr, and
 *  the policy violations. */
export interface PreviewRun { json: unknown; exitCode: number; stderr: string; policy: PolicyViolation[] }

/** Runs the preview through the Automation API (`stack.preview({ onEvent, policyPacks, policyPackConfigs })`):
 *  steps, diagnostics and policy violations come from its engine events, with no debug flag of the CLI. */
export async function runPreview(o: PlanOptions): Promise<PreviewRun> {
    if (o.jsonFile) return { json: JSON.parse(fs.readFileSync(o.jsonFile, "utf8")), exitCode: 0, stderr: "", policy: [] };
    const { openStack, commandFailure } = await import("./automation");
    const stack = await openStack({ workDir: path.resolve(o.cwd ?? "."), stackName: o.stack });
    const events: EngineEvent[] = [];
    let exitCode = 0;
    let stderr = "";
    try {
        await stack.preview({
            onEvent: (e) => events.push(e),
            policyPacks: o.policyPacks.map(p => path.resolve(p)), policyPackConfigs: o.policyPackConfigs.map(c => path.resolve(c)),
        });
    } catch (e) {
        const f = commandFailure(e);
        if (!f) throw e;
        exitCode = f.code;
        stderr = [f.stderr, f.stdout.split("\n").slice(-20).join("\n")].filter(s => s.trim()).join("\n").trim();
    }
    return { json: previewFromEvents(events), exitCode, stderr, policy: events.flatMap(e => policyViolationOf(e) ?? []) };
}

/** The engine events of a preview in the shape of `pulumi preview --json` (the part {@link buildPlan} reads): one step
 *  per `resourcePreEvent` with its old and new state, and the non-ephemeral diagnostics. */
export function previewFromEvents(events: EngineEvent[]): PreviewJson {
    // the parent too: rendered chart and kustomization objects are found under their member's Chart/Directory
    const state = (s: { type: string; parent?: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> } | undefined) =>
        s ? { type: s.type, ...(s.parent ? { parent: s.parent } : {}), inputs: s.inputs ?? {}, outputs: s.outputs ?? {} } : undefined;
    const steps: NonNullable<PreviewJson["steps"]> = [];
    const diagnostics: NonNullable<PreviewJson["diagnostics"]> = [];
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata;
        if (m) {
            const [newState, oldState] = [state(m.new), state(m.old)];
            steps.push({ op: m.op, urn: m.urn, ...(newState ? { newState } : {}), ...(oldState ? { oldState } : {}) });
        }
        const d = e.diagnosticEvent;
        if (d && !d.ephemeral) diagnostics.push({ ...(d.urn ? { urn: d.urn } : {}), message: d.message, severity: d.severity });
    }
    return { steps, diagnostics };
}

/** A policy pack's verdict on one resource, as the engine's event log records it. */
export interface PolicyViolation {
    urn?: string;
    policy: string;
    pack: string;
    enforcementLevel: string;
    message: string;
}

/** The violation an engine event reports, if it is a `policyEvent`. */
export function policyViolationOf(e: { policyEvent?: unknown }): PolicyViolation | undefined {
    const p = e.policyEvent as Record<string, unknown> | undefined;
    if (!p || typeof p !== "object") return undefined;
    return {
        ...(typeof p.resourceUrn === "string" && p.resourceUrn ? { urn: p.resourceUrn } : {}),
        policy: String(p.policyName ?? ""), pack: String(p.policyPackName ?? ""),
        enforcementLevel: String(p.enforcementLevel ?? ""),
        message: String(p.message ?? "").replace(/\u001b\[[0-9;]*m/g, "").replace(/\s+/g, " ").trim(),
    };
}

/** The `policyEvent`s of an engine event log (one JSON event per line). */
export function policyViolations(eventLog: string): PolicyViolation[] {
    const out: PolicyViolation[] = [];
    for (const line of eventLog.split("\n")) {
        if (!line.includes("policyEvent")) continue;
        let e: { policyEvent?: unknown };
        try { e = JSON.parse(line); } catch { continue; }
        const v = policyViolationOf(e);
        if (v) out.push(v);
    }
    return out;
}

const FEDERATED = new Set(["pulumi-kubefed:index:FederatedResource", "pulumi-kubefed:index:FederatedNamespace"]);

function nameOfUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** The parts of `pulumi preview --json` read here (engine JSON: any field may be missing). */
export interface PreviewJson {
    steps?: PreviewStep[];
    diagnostics?: { message?: unknown; urn?: unknown; severity?: unknown }[];
}
interface PreviewStep { op?: unknown; urn?: unknown; newState?: StepState; oldState?: StepState }
interface StepState { type?: unknown; parent?: unknown; inputs?: { decision?: unknown } & Record<string, unknown>; outputs?: { decision?: unknown } }

/** The components rendering objects per member, and the per-member component they render with. */
const RENDERING: Record<string, string> = {
    "pulumi-kubefed:index:FederatedChart": "kubernetes:helm.sh/v4:Chart",
    "pulumi-kubefed:index:FederatedKustomization": "kubernetes:kustomize/v2:Directory",
};

function isRecord(v: unknown): v is Record<string, unknown> {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

/** `placed` keyed in cluster order, as decisions are. */
function sortedPlaced<T>(placed: Record<string, T>): Record<string, T> {
    const out: Record<string, T> = {};
    for (const c of Object.keys(placed).sort(cmp)) Object.defineProperty(out, c, { value: placed[c], enumerable: true, writable: true, configurable: true });
    return out;
}

/** What one member gets of a rendered object, from a step state's inputs (the object as sent). */
function renderedPlacement(inputs: Record<string, unknown>): { replicas?: number; overrides: string[]; images: string[] } {
    const replicas = isRecord(inputs.spec) ? inputs.spec.replicas : undefined;
    return { ...(typeof replicas === "number" ? { replicas } : {}), overrides: [], images: containerImages(inputs) };
}

/**
 * The objects FederatedCharts and FederatedKustomizations render, one row per object with its members as columns,
 * like the federated objects: each member's Chart/Directory (`<component>-<cluster>`, a child of the component)
 * renders its objects as children, whose steps say what the update does to each. The decision of such an object is
 * made of its members' steps: placed where it is rendered (with `spec.replicas` and images as sent), from the new
 * state; the previous one from the old state. Unknown inputs (preview) show as `yes`.
 */
export function renderedPlanObjects(steps: PreviewStep[]): PlanObject[] {
    const components = new Map<string, { name: string; type: string; child: string }>(); // URN → FederatedChart/Kustomization
    const members = new Map<string, { component: { name: string; type: string }; cluster: string }>(); // Chart/Directory URN → member
    const stateOf = (st: PreviewStep) => st.newState ?? st.oldState;
    for (const st of steps) {
        const type = stateOf(st)?.type;
        if (typeof st.urn === "string" && typeof type === "string" && ownEntry(RENDERING, type)) {
            components.set(st.urn, { name: nameOfUrn(st.urn), type: type.slice(type.lastIndexOf(":") + 1), child: RENDERING[type] });
        }
    }
    for (const st of steps) {
        const s = stateOf(st);
        const comp = typeof s?.parent === "string" ? components.get(s.parent) : undefined;
        if (!comp || typeof st.urn !== "string" || s!.type !== comp.child) continue;
        const name = nameOfUrn(st.urn);
        if (name.startsWith(`${comp.name}-`)) members.set(st.urn, { component: { name: comp.name, type: comp.type }, cluster: name.slice(comp.name.length + 1) });
    }
    type Side = { apiVersion: string; kind: string; name: string; namespace?: string; placed: Record<string, ReturnType<typeof renderedPlacement>> };
    const objects = new Map<string, { component: { name: string; type: string }; ops: Set<string>; now?: Side; before?: Side }>();
    const add = (side: "now" | "before", entry: { component: { name: string; type: string }; ops: Set<string>; now?: Side; before?: Side },
                 cluster: string, inputs: Record<string, unknown>, ref: Omit<Side, "placed">) => {
        const d = entry[side] ?? { ...ref, placed: {} };
        Object.defineProperty(d.placed, cluster, { value: renderedPlacement(inputs), enumerable: true, writable: true, configurable: true });
        entry[side] = d;
    };
    for (const st of steps) {
        const s = stateOf(st);
        const m = typeof s?.parent === "string" ? members.get(s.parent) : undefined;
        if (!m) continue;
        const op = String(st.op ?? "");
        const gone = op === "delete" || op === "delete-replaced" || op === "discard";
        const refOf = (x: StepState | undefined) => {
            const i = x?.inputs;
            const md = isRecord(i?.metadata) ? i!.metadata as Record<string, unknown> : {};
            if (!i || typeof i.apiVersion !== "string" || typeof i.kind !== "string" || typeof md.name !== "string") return undefined;
            return { apiVersion: i.apiVersion, kind: i.kind, name: md.name, ...(typeof md.namespace === "string" && md.namespace ? { namespace: md.namespace } : {}) };
        };
        const ref = refOf(st.newState) ?? refOf(st.oldState);
        if (!ref) continue;
        const key = `${m.component.type}\u0000${m.component.name}\u0000${ref.kind}\u0000${ref.namespace ?? ""}\u0000${ref.name}`;
        const entry = objects.get(key) ?? { component: m.component, ops: new Set<string>() };
        entry.ops.add(op);
        if (!gone && st.newState?.inputs) add("now", entry, m.cluster, st.newState.inputs, ref);
        if (st.oldState?.inputs) add("before", entry, m.cluster, st.oldState.inputs, ref);
        objects.set(key, entry);
    }
    const decisionOf = (side: Side | undefined): DecisionSummary | undefined => side && {
        apiVersion: side.apiVersion, kind: side.kind, name: side.name, ...(side.namespace ? { namespace: side.namespace } : {}),
        labels: {}, placed: sortedPlaced(side.placed), excluded: {}, overrideClusters: [], orphanOnDelete: false, retainReplicas: false,
        waitForReady: true, warnings: [],
    };
    const out: PlanObject[] = [];
    for (const key of [...objects.keys()].sort(cmp)) {
        const e = objects.get(key)!;
        const decision = decisionOf(e.now);
        const previous = decisionOf(e.before);
        const known = (decision ?? previous)!;
        out.push({
            resource: e.component.name, type: e.component.type, object: objectOf(known), op: [...e.ops].sort(cmp).join(","),
            ...(decision ? { decision } : {}), ...(previous ? { previous } : {}),
            changes: !decision ? ["deleted"] : previous ? decisionChanges(previous, decision) : ["new"],
        });
    }
    return out;
}

/** Builds the plan from the parsed output of `pulumi preview --json` and the preview's exit code. */
export function buildPlan(preview: unknown, exitCode = 0, stderr = "", policy: PolicyViolation[] = []): PlanModel {
    const p = (preview && typeof preview === "object" ? preview : {}) as PreviewJson;
    const objects: PlanObject[] = [];
    for (const s of Array.isArray(p.steps) ? p.steps : []) {
        const type = s?.newState?.type ?? s?.oldState?.type;
        if (typeof type !== "string" || !FEDERATED.has(type) || typeof s.urn !== "string") continue;
        const urn = s.urn;
        const decision = normalizeDecision(s.newState?.inputs?.decision);
        const previous = normalizeDecision(s.oldState?.inputs?.decision ?? s.oldState?.outputs?.decision);
        const op = String(s.op ?? "");
        const gone = op === "delete" || op === "delete-replaced" || op === "discard";
        if (gone && objects.some(o => o.resource === nameOfUrn(urn))) continue;
        const shown = gone ? undefined : decision;
        const changes = gone ? ["deleted"] : !shown ? [] : previous ? decisionChanges(previous, shown) : ["new"];
        const known = shown ?? previous;
        objects.push({
            resource: nameOfUrn(urn), type: type.slice(type.lastIndexOf(":") + 1),
            object: known ? objectOf(known) : nameOfUrn(urn), op,
            ...(shown ? { decision: shown } : {}), ...(previous ? { previous } : {}), changes,
        });
    }
    objects.push(...renderedPlanObjects(Array.isArray(p.steps) ? p.steps : []));
    objects.sort((a, b) => cmp(a.resource, b.resource) || cmp(a.op, b.op));
    const clusters = new Set<string>();
    for (const o of objects) {
        for (const d of [o.decision, o.previous]) {
            if (!d) continue;
            placedClusters(d).forEach(c => clusters.add(c));
            Object.keys(d.excluded ?? {}).forEach(c => clusters.add(c));
        }
    }
    const blockers: PlanBlocker[] = [];
    const warnings: PlanBlocker[] = [];
    for (const d of Array.isArray(p.diagnostics) ? p.diagnostics : []) {
        const message = String(d?.message ?? "").replace(/\u001b\[[0-9;]*m/g, "").trim();
        if (!message) continue;
        const entry = { ...(typeof d.urn === "string" && d.urn ? { urn: d.urn } : {}), message };
        if (d.severity === "error") blockers.push(entry);
        else if (d.severity === "warning") warnings.push(entry);
    }
    for (const v of policy) {
        const entry = { ...(v.urn ? { urn: v.urn } : {}), message: `policy ${v.policy} (${v.pack}, ${v.enforcementLevel}): ${v.message}` };
        if (v.enforcementLevel === "mandatory") blockers.push(entry);
        else if (v.enforcementLevel === "advisory") warnings.push(entry);
    }
    // the engine's own closing "preview failed" says nothing the named blockers do not
    if (blockers.length > 1) {
        const named = blockers.filter(b => !/^preview failed\.?$/i.test(b.message.trim()));
        if (named.length > 0) blockers.splice(0, blockers.length, ...named);
    }
    if (exitCode !== 0 && blockers.length === 0) {
        blockers.push({ message: `pulumi preview failed (exit ${exitCode})${stderr ? `: ${stderr.split("\n").slice(-20).join("\n")}` : ""}` });
    }
    return { clusters: [...clusters].sort(cmp), objects, blockers, warnings, previewSucceeded: exitCode === 0 };
}

/** Cell of one object in one cluster: replicas (or `yes`) where placed, `*` when overridden there, `-` elsewhere. */
export function planCell(d: DecisionSummary | undefined, cluster: string): string {
    const p = ownEntry(d?.placed, cluster);
    if (!p) return "-";
    const userOverrides = (p.overrides ?? []).filter(x => !(d!.replicaScheduling && x === "/spec/replicas"));
    return `${typeof p.replicas === "number" ? String(p.replicas) : "yes"}${userOverrides.length ? "*" : ""}`;
}

function label(o: PlanObject): string {
    return o.decision?.name === o.resource || o.previous?.name === o.resource ? o.object : `${o.resource} (${o.object})`;
}

/** Renders the plan as text: the table objects × clusters, then overrides, exclusions, changes and blockers;
 *  `wide` adds each object's step and component type. Every value is made terminal-safe (src/cli/table.ts). */
export function renderPlan(m: PlanModel, opts: { wide?: boolean } = {}): string {
    const out: string[] = [];
    if (m.objects.length === 0) out.push("No FederatedResource or FederatedNamespace in the preview.");
    else {
        const rows = [["OBJECT", ...(opts.wide ? ["TYPE", "OP"] : []), ...m.clusters, "CHANGE"]];
        for (const o of m.objects) {
            rows.push([label(o), ...(opts.wide ? [o.type, o.op || "-"] : []), ...m.clusters.map(c => planCell(o.decision, c)),
                o.changes.length ? o.changes.join(", ") : "-"]);
        }
        out.push(renderTable(rows), "(number: replicas; yes: placed; *: overridden there; -: not placed)");
        const overrides: string[] = [], excluded: string[] = [];
        for (const o of m.objects) {
            const d = o.decision;
            if (!d) continue;
            for (const c of placedClusters(d).filter(c => m.clusters.includes(c))) {
                const ps = d.placed[c].overrides ?? [];
                if (ps.length) overrides.push(`  ${label(o)} @ ${c}: ${ps.join(", ")}`);
            }
            for (const c of Object.keys(d.excluded ?? {}).filter(c => m.clusters.includes(c)).sort(cmp)) excluded.push(`  ${label(o)} @ ${c}: ${d.excluded[c]}`);
        }
        if (overrides.length) out.push("", "Overridden paths:", ...overrides);
        if (excluded.length) out.push("", "Left out:", ...excluded);
    }
    if (m.warnings.length) out.push("", "Warnings:", ...m.warnings.map(w => `  ${w.urn ? `${nameOfUrn(w.urn)}: ` : ""}${oneLine(w.message)}`));
    if (m.blockers.length) {
        out.push("", "Blocked — `pulumi up` would fail:", ...m.blockers.map(b => `  ${b.urn ? `${nameOfUrn(b.urn)}: ` : ""}${oneLine(b.message)}`));
    }
    return terminalSafe(out.join("\n"), true);
}

function oneLine(s: string): string {
    return s.split("\n").map(l => l.trim()).filter(Boolean).join(" ");
}

/** `pulumi-kubefed plan` entry point; returns the exit code. */
export async function planMain(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
    let opts: PlanOptions;
    try {
        opts = parsePlanArgs(argv);
    } catch (e) {
        err(`${terminalSafe((e as Error).message)}\n${USAGE}`);
        return 2;
    }
    if (opts.help) {
        out(USAGE);
        return 0;
    }
    let res: PreviewRun;
    try {
        res = await runPreview(opts);
    } catch (e) {
        err(`pulumi-kubefed: ${terminalSafe((e as Error).message, true)}\n`);
        return 3;
    }
    let model = buildPlan(res.json, res.exitCode, res.stderr, res.policy);
    if (opts.filters) {
        const f = filterPlan(model, opts.filters);
        for (const u of f.unmatched) err(`pulumi-kubefed: warning: ${terminalSafe(u)} matches nothing in the plan\n`);
        model = f.value;
    }
    out(opts.output === "json" || opts.output === "yaml" ? renderData(opts.output, model) : `${renderPlan(model, { wide: opts.output === "wide" })}\n`);
    return model.blockers.length > 0 ? 1 : 0;
}

export { USAGE as PLAN_USAGE };
