import { strict as assert } from "assert";
import { parsePlanArgs, planCell, previewArgs, renderPlan } from "../../../src/cli/plan";
import { buildPlan } from "../../../src/cli/planModel";
import { escapeHtml, renderStatusHtml } from "../../../src/cli/html";
import { DecisionSummary, decisionChanges } from "../../../src/core";
import { main } from "../../../src/cli";

const FR = "pulumi-kubefed:index:FederatedResource";
const urn = (name: string, type = FR) => `urn:pulumi:dev::app::${type}::${name}`;
function dec(name: string, placed: DecisionSummary["placed"], excluded: Record<string, string> = {}): DecisionSummary {
    return { apiVersion: "apps/v1", kind: "Deployment", name, namespace: "shop", labels: {}, placed, excluded, overrideClusters: [],
        orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [] };
}
const step = (op: string, name: string, news?: DecisionSummary, olds?: unknown) => ({
    op, urn: urn(name),
    ...(news ? { newState: { type: FR, urn: urn(name), inputs: { decision: news } } } : {}),
    ...(olds ? { oldState: { type: FR, urn: urn(name), inputs: { decision: olds } } } : {}),
});

describe("cli: plan", () => {
    const webOld = dec("web", { c1: { replicas: 3, overrides: [], images: ["nginx"] }, c2: { replicas: 3, overrides: [], images: ["nginx"] } }, { c3: "labels do not match placement.clusterSelector" });
    const webNew = dec("web", { c3: { replicas: 4, overrides: ["/spec/template/spec/containers/0/image"], images: ["nginx:2"] } },
        { c1: "labels do not match placement.clusterSelector", c2: "labels do not match placement.clusterSelector" });
    const cfg = dec("cfg", { c1: { overrides: [], images: [] } });

    it("reads old and new recorded decisions from the preview, in both record shapes, sorted by object", () => {
        // The old state in the shape older versions recorded.
        const legacyOld = { ...webOld, placed: undefined, clusters: ["c1", "c2"], replicas: { c1: 3, c2: 3 },
            overrides: { c1: [], c2: [] }, images: { c1: ["nginx"], c2: ["nginx"] }, members: {} };
        const preview = { steps: [step("update", "web", webNew, legacyOld), step("create", "cfg", cfg),
            { op: "create", urn: "urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::web-c3", newState: { type: "kubernetes:apps/v1:Deployment", inputs: {} } }] };
        const m = buildPlan(preview);
        assert.deepEqual(m.objects.map(o => o.resource), ["cfg", "web"]);
        assert.deepEqual(m.clusters, ["c1", "c2", "c3"]);
        assert.deepEqual(m.objects[0].changes, ["new"]);
        assert.deepEqual(m.objects[1].changes, decisionChanges(webOld, webNew));
        assert.deepEqual(m.blockers, []);
        const text = renderPlan(m);
        const row = text.split("\n").find(l => l.startsWith("Deployment shop/web"))!;
        // c1 and c2 left, c3 placed with 4 replicas and an override.
        assert.deepEqual(row.split(/\s{2,}/).slice(1, 4), ["-", "-", "4*"]);
        assert.ok(row.includes("−c1 (selector)") && row.includes("+c3 4"), row);
        assert.match(text, /Deployment shop\/web @ c3: \/spec\/template\/spec\/containers\/0\/image/);
        assert.match(text, /Deployment shop\/web @ c1: labels do not match placement.clusterSelector/);
    });
    it("is blocked by error diagnostics (policy violations, validation errors) and by a failed preview", () => {
        const m = buildPlan({ steps: [], diagnostics: [{ urn: urn("web"), severity: "error", message: "mandatory: kubefed-cluster-count\nruns in 1 cluster" },
            { severity: "info", message: "web: c1 3" }, { severity: "warning", message: "advisory thing" }] }, 255);
        assert.equal(m.blockers.length, 1);
        assert.equal(m.warnings.length, 1);
        assert.match(renderPlan(m), /Blocked[\s\S]*web: mandatory: kubefed-cluster-count runs in 1 cluster/);
        const failed = buildPlan(undefined, 255, "error: program crashed");
        assert.match(failed.blockers[0].message, /exit 255.*program crashed/);
    });
    it("marks deleted objects and cells: replicas, yes, overridden and not placed", () => {
        const m = buildPlan({ steps: [step("delete", "web", undefined, webOld)] });
        assert.deepEqual(m.objects[0].changes, ["deleted"]);
        assert.equal(planCell(webNew, "c3"), "4*");
        assert.equal(planCell(cfg, "c1"), "yes");
        assert.equal(planCell(webNew, "c1"), "-");
    });
    it("parses its arguments and passes stack and policy packs through to pulumi preview", async () => {
        const o = parsePlanArgs(["--stack", "dev", "--cwd=/p", "--policy-pack", "/pp", "--policy-pack-config", "/c.json", "-o", "json"]);
        assert.deepEqual(previewArgs(o), ["preview", "--json", "--non-interactive", "--show-sames", "--stack", "dev", "--policy-pack", "/pp", "--policy-pack-config", "/c.json"]);
        assert.equal(o.cwd, "/p");
        assert.throws(() => parsePlanArgs(["-o", "xml"]), /unknown format "xml"/);
        const errs: string[] = [];
        assert.equal(await main(["plan", "--bogus"], () => undefined, s => errs.push(s)), 2);
        assert.match(errs.join(""), /unknown argument: --bogus/);
    });
});

describe("cli: status --html", () => {
    it("escapes every value taken from the report", () => {
        const evil = "<img src=x onerror=alert(1)>";
        const html = renderStatusHtml({
            clusters: [{ __kubefedStatus: "ClusterHealth", clusterName: `c"1`, ready: true, kubernetesVersion: evil, conditions: [{ type: "Ready", status: "True", message: evil }] }],
            objects: [{ __kubefedStatus: "PropagationStatus", name: evil, target: { apiVersion: "v1", kind: "ConfigMap", namespace: "ns", name: "x" },
                propagated: false, ready: true, status: { conditions: [], clusters: [{ name: `c"1`, status: "Drifted", message: evil, drifted: [evil] }] } }],
        });
        assert.ok(!html.includes("<img"), "no raw tag from the report");
        assert.ok(html.includes(escapeHtml(evil)));
        assert.ok(html.includes(`data-cluster="c&quot;1"`));
        assert.ok(!/<script/i.test(html), "the page needs no script");
        assert.equal(escapeHtml(`&<>"'`), "&amp;&lt;&gt;&quot;&#39;");
    });
});

describe("cli: plan reads policy violations from the engine's event log", () => {
    it("mandatory violations block, advisory ones warn, each named with its policy and message", async () => {
        const { buildPlan, policyViolations } = await import("../../../src/cli/planModel");
        const log = [
            JSON.stringify({ sequence: 1, timestamp: 1, preludeEvent: { config: {} } }),
            JSON.stringify({ sequence: 2, timestamp: 2, policyEvent: { resourceUrn: "urn:pulumi:dev::p::pulumi-kubefed:index:FederatedResource::web",
                message: "\u001b[1mweb is placed in 1 cluster(s); at least 2 are required\u001b[0m\n", color: "never", policyName: "kubefed-cluster-count",
                policyPackName: "kubefed", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", enforcementLevel: "mandatory" } }),
            JSON.stringify({ sequence: 3, timestamp: 3, policyEvent: { message: "registry not pinned", policyName: "kubefed-image-registries",
                policyPackName: "kubefed", enforcementLevel: "advisory" } }),
            "not json",
        ].join("\n");
        const v = policyViolations(log);
        assert.deepEqual(v.map(x => [x.policy, x.enforcementLevel]), [["kubefed-cluster-count", "mandatory"], ["kubefed-image-registries", "advisory"]]);
        assert.equal(v[0].message, "web is placed in 1 cluster(s); at least 2 are required");
        const m = buildPlan({ steps: [] }, 255, "", v);
        assert.deepEqual(m.blockers.map(b => b.message), ["policy kubefed-cluster-count (kubefed, mandatory): web is placed in 1 cluster(s); at least 2 are required"]);
        assert.equal(m.blockers[0].urn, "urn:pulumi:dev::p::pulumi-kubefed:index:FederatedResource::web");
        assert.deepEqual(m.warnings.map(b => b.message), ["policy kubefed-image-registries (kubefed, advisory): registry not pinned"]);
    });
});

describe("cli: plan reads the Automation API's engine events", () => {
    it("steps with old and new state, non-ephemeral diagnostics and policy events make the same plan as preview --json", async () => {
        const { buildPlan, previewFromEvents, policyViolationOf } = await import("../../../src/cli/planModel");
        const webOld = dec("web", { c1: { replicas: 3, overrides: [], images: ["nginx"] } });
        const webNew = dec("web", { c2: { replicas: 3, overrides: [], images: ["nginx"] } }, { c1: "labels do not match placement.clusterSelector" });
        const meta = (op: string, name: string, news?: unknown, olds?: unknown) => ({ resourcePreEvent: { metadata: {
            op, urn: urn(name), type: FR, provider: "",
            ...(news ? { new: { type: FR, urn: urn(name), inputs: { decision: news }, outputs: {} } } : {}),
            ...(olds ? { old: { type: FR, urn: urn(name), inputs: { decision: olds }, outputs: {} } } : {}),
        } } });
        const events = [
            { sequence: 1, timestamp: 1, preludeEvent: { config: {} } },
            { sequence: 2, timestamp: 2, ...meta("update", "web", webNew, webOld) },
            { sequence: 3, timestamp: 3, ...meta("delete", "gone", undefined, webOld) },
            { sequence: 4, timestamp: 4, diagnosticEvent: { urn: urn("web"), message: "web: c2 3\n", color: "never", severity: "info" } },
            { sequence: 5, timestamp: 5, diagnosticEvent: { message: "working…", color: "never", severity: "info", ephemeral: true } },
            { sequence: 6, timestamp: 6, diagnosticEvent: { urn: urn("web"), message: "boom", color: "never", severity: "error" } },
            { sequence: 8, timestamp: 8, diagnosticEvent: { message: "preview failed\n", color: "never", severity: "error" } },
            { sequence: 7, timestamp: 7, policyEvent: { resourceUrn: urn("web"), message: "too few", color: "never", policyName: "kubefed-cluster-count",
                policyPackName: "kubefed", policyPackVersion: "0.2.0", policyPackVersionTag: "0.2.0", enforcementLevel: "mandatory" } },
        ] as any[];
        const json = previewFromEvents(events);
        assert.equal(json.steps!.length, 2);
        assert.equal(json.diagnostics!.length, 3, "the ephemeral diagnostic is left out");
        const m = buildPlan(json, 255, "", events.flatMap(e => policyViolationOf(e) ?? []));
        assert.deepEqual(m.objects.map(o => [o.resource, o.op, o.changes.length > 0]), [["gone", "delete", true], ["web", "update", true]]);
        assert.deepEqual(m.objects[1].changes, decisionChanges(webOld, webNew));
        // the engine's closing "preview failed" is dropped next to the blockers that say why
        assert.deepEqual(m.blockers.map(b => b.message), ["boom", "policy kubefed-cluster-count (kubefed, mandatory): too few"]);
        assert.deepEqual(buildPlan({ diagnostics: [{ severity: "error", message: "preview failed" }] }, 255).blockers.map(b => b.message), ["preview failed"]);
        assert.equal(policyViolationOf({ diagnosticEvent: {} } as any), undefined);
    });

    it("plan runs the preview with the Automation API, not the CLI's debug event log", () => {
        const fs = require("fs") as typeof import("fs");
        const root = require("path").resolve(__dirname, "../../../..") as string;
        const src = ["plan.ts", "shards.ts", "automation.ts"].map(f => fs.readFileSync(`${root}/src/cli/${f}`, "utf8")).join("\n");
        assert.doesNotMatch(src, /PULUMI_DEBUG_COMMANDS|--event-log/);
        assert.match(src, /\.preview\(/);
    });
});
