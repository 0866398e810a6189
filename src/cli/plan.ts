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
import type { DecisionSummary } from "../core/types";
import { ownEntry } from "../core/ownProperties";
import { placedClusters } from "../core/summary";
import { compareStrings as cmp } from "../core/placement";
import { PlanModel, PlanObject, PolicyViolation, buildPlan, nameOfUrn, policyViolationOf, previewFromEvents } from "./planModel";
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
