/**
 * `pulumi-kubefed status --html FILE`: the status report as one self-contained HTML page (no scripts, no external
 * resources). A pure function over the same model the text renderer uses (src/cli/statusReport.ts), so both always show the same facts. Every value from the report is HTML-escaped.
 */
import { ClusterHealthReport, ClusterPropagationReport, PropagationReport, cellText, healthWord, objectLabel } from "./statusReport";

/** Cell classes and their colours; exported so tests can look for exactly these colours in a screenshot. */
export const CELL_COLOURS = {
    ok: "#c8e6c9",
    notready: "#fff59d",
    drifted: "#ffcc80",
    error: "#ef9a9a",
    absent: "#eeeeee",
} as const;

/** The class of a cell: the colour scheme of the page. */
export type CellClass = keyof typeof CELL_COLOURS;

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(v: unknown): string {
    return String(v ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]!));
}

/** The class of one object in one cluster. */
export function cellClass(e: ClusterPropagationReport | undefined): CellClass {
    if (!e) return "absent";
    if (!e.status) return e.ready === false ? "notready" : "ok";
    if (e.status === "Drifted") return "drifted";
    return "error";
}

function replicasText(e: ClusterPropagationReport): string {
    if (typeof e.replicas !== "number") return "";
    return `${typeof e.readyReplicas === "number" ? e.readyReplicas : 0}/${e.replicas} ready`;
}

function cell(objectName: string, cluster: string, e: ClusterPropagationReport | undefined): string {
    const cls = cellClass(e);
    const attrs = `class="cell ${cls}" data-object="${escapeHtml(objectName)}" data-cluster="${escapeHtml(cluster)}" data-status="${escapeHtml(cellText(e))}"`;
    if (!e) return `<td ${attrs}><span class="word">not placed</span></td>`;
    const detail: string[] = [];
    if (e.message) detail.push(`<p>${escapeHtml(e.message)}</p>`);
    if (e.drifted && e.drifted.length) detail.push(`<ul>${e.drifted.map(p => `<li><code>${escapeHtml(p)}</code></li>`).join("")}</ul>`);
    const facts = [
        e.exists === false ? "missing" : "", e.managed === false && e.exists ? "managed label missing" : "",
        typeof e.generation === "number" ? `generation ${e.generation}${typeof e.observedGeneration === "number" ? `, observed ${e.observedGeneration}` : ""}` : "",
    ].filter(Boolean);
    if (facts.length) detail.push(`<p class="facts">${escapeHtml(facts.join("; "))}</p>`);
    const title = [cellText(e), e.message ?? "", ...(e.drifted ?? [])].filter(Boolean).join("\n");
    const reps = replicasText(e);
    const head = `<span class="word">${escapeHtml(cellText(e))}</span>${reps ? `<span class="reps">${escapeHtml(reps)}</span>` : ""}`;
    // <details> gives "expand" without scripts; title gives the same text on hover.
    const body = detail.length ? `<details><summary>${head}</summary>${detail.join("")}</details>` : head;
    return `<td ${attrs} title="${escapeHtml(title)}">${body}</td>`;
}

/** Options of {@link renderStatusHtml}. */
export interface HtmlOptions {
    /** Page title and heading. */
    title?: string;
    /** Shown under the heading, e.g. when the page was made; omitted by default so output is deterministic. */
    subtitle?: string;
}

/** Renders the report (clusters sorted by name, objects by label, as the report holds them) as a page. */
export function renderStatusHtml(r: { clusters: ClusterHealthReport[]; objects: PropagationReport[] }, o: HtmlOptions = {}): string {
    const title = o.title ?? "pulumi-kubefed status";
    const names = new Set<string>(r.clusters.map(c => c.clusterName));
    for (const ob of r.objects) for (const e of ob.status?.clusters ?? []) names.add(e.name);
    const cols = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const health = new Map(r.clusters.map(c => [c.clusterName, c]));
    const head = cols.map(c => {
        const h = health.get(c);
        const word = h ? healthWord(h) : "Unknown";
        const cls = word === "Ready" ? "ok" : "error";
        const tip = h ? [word, h.kubernetesVersion, ...(h.conditions ?? []).map(x => `${x.type}=${x.status}${x.message ? `: ${x.message}` : ""}`)].filter(Boolean).join("\n") : "no health report";
        return `<th class="cluster ${cls}" data-cluster="${escapeHtml(c)}" data-health="${escapeHtml(word)}" title="${escapeHtml(tip)}">` +
            `${escapeHtml(c)}<span class="sub">${escapeHtml(word)}${h?.kubernetesVersion ? ` · ${escapeHtml(h.kubernetesVersion)}` : ""}</span></th>`;
    }).join("");
    const rows = r.objects.map(ob => {
        const label = objectLabel(ob);
        const entries = new Map((ob.status?.clusters ?? []).map(e => [e.name, e]));
        const cond = (ob.status?.conditions ?? []).find(c => c.type === "Propagation");
        const prop = cond ? `${cond.status}${cond.reason ? ` (${cond.reason})` : ""}` : "?";
        const propCls = ob.propagated ? "ok" : "error";
        return `<tr><th class="object" scope="row">${escapeHtml(label)}</th>${cols.map(c => cell(label, c, entries.get(c))).join("")}` +
            `<td class="prop ${propCls}" data-object="${escapeHtml(label)}" data-propagation="${escapeHtml(prop)}" title="${escapeHtml(cond?.message ?? "")}">${escapeHtml(prop)}</td>` +
            `<td class="ready">${ob.ready ? "yes" : "no"}</td></tr>`;
    }).join("\n");
    const css = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#212121;background:#fff}
h1{font-size:20px;margin:0 0 4px}p.sub{margin:0 0 16px;color:#616161}
table{border-collapse:separate;border-spacing:3px}
th,td{padding:10px 14px;text-align:left;vertical-align:top;border-radius:4px}
th.cluster{min-width:120px}th.cluster .sub{display:block;font-weight:normal;font-size:12px}
th.object{background:#f5f5f5;white-space:nowrap}
td.cell{min-width:120px}td.cell .word{font-weight:600;display:block}td.cell .reps{display:block;font-size:12px}
details summary{cursor:pointer;list-style:none}details summary::-webkit-details-marker{display:none}
details[open] summary .word::after{content:" ▾"}details summary .word::after{content:" ▸"}
details ul{margin:6px 0 0;padding-left:18px}code{font-size:12px}p.facts{font-size:12px;margin:4px 0 0}
td p{margin:4px 0 0;font-size:12px;max-width:320px}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:3px}
${(Object.keys(CELL_COLOURS) as CellClass[]).map(k => `.${k}{background:${CELL_COLOURS[k]}}`).join("\n")}
`;
    const empty = r.clusters.length === 0 && r.objects.length === 0
        ? `<p>No kubefed status found: no MemberReadBack in the stack (run <code>pulumi up</code> with pulumi-kubefed 0.2 or later) and no 0.1 <code>kubefed</code> stack output.</p>` : "";
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${css}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${o.subtitle ? `<p class="sub">${escapeHtml(o.subtitle)}</p>` : ""}
${empty}
${cols.length || r.objects.length ? `<table id="fleet">
<thead><tr><th>object \\ cluster</th>${head}<th>propagation</th><th>ready</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p class="legend"><span class="ok">OK</span><span class="notready">not ready</span><span class="drifted">Drifted</span><span class="error">other problem</span><span class="absent">not placed</span> — click a cell with details to expand; hover for the text.</p>` : ""}
</body></html>
`;
}
