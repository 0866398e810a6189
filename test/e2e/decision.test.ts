import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { CELL_COLOURS } from "../../src/cli/html";
import { Fleet, ROOT, exampleStack, getObject, kubefedOnStack, patchObject, startFleet, stopFleet, needs, requireTestbed, scratchDir } from "../support";
import { cellBoxes, chromiumPath, decodePng, dumpDom, rgb, screenshot } from "./browser";

// The decision at a glance, on the real engine: examples/quickstart (replica scheduling over the prod tier,
// an env override in c1, a ConfigMap overridden in c3) previewed, applied and read back from the members.
// Fleet: c1 (tier=prod), c2 (tier=prod), c3 (tier=staging).
describe("e2e: one-line decisions, plan and the status page on a real fleet", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;
    const out = (name: string) => path.join(process.env.KUBEFED_E2E_ARTIFACTS ?? os.tmpdir(), name);

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("decision");
        ({ stack, backend } = await exampleStack("quickstart", "decision", fleet));
    });
    after(async () => { await stopFleet(fleet); });

    /** `node dist/src/cli.js …` against the example's stack, with the stack's backend. */
    function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
        return kubefedOnStack(args, { workDir: path.join(ROOT, "examples/quickstart"), stackName: "decision", backend });
    }

    /** The one-line decision printed for an object, parsed: cluster → replicas (or null), and the rest. */
    function decisionOf(stdout: string, object: string): { placed: Record<string, number | null>; overrides: string; excluded: string } {
        const line = stdout.split("\n").map(l => l.trim()).find(l => l.startsWith(`${object}: `));
        assert.ok(line, `no decision line for ${object} in:\n${stdout}`);
        const [placedPart, overrides, excluded] = line!.slice(object.length + 2).split("; ");
        const placed: Record<string, number | null> = {};
        for (const p of placedPart.replace(/ \[replica scheduling\]$/, "").split(" · ")) {
            const [c, n] = p.split(" ");
            placed[c] = n === undefined ? null : Number(n);
        }
        return { placed, overrides, excluded };
    }

    it("a. preview prints one line per federated object, and up lands exactly that in the members", async () => {
        const { stdout } = await stack.preview();
        const web = decisionOf(stdout, "Deployment shop/web");
        const settings = decisionOf(stdout, "ConfigMap shop/settings");
        const ns = decisionOf(stdout, "Namespace shop");
        assert.equal(web.overrides, "overrides: c1 env");
        assert.equal(web.excluded, "excluded: c3 (selector)");
        assert.equal(settings.overrides, "overrides: c3 mode");
        assert.deepEqual(Object.keys(ns.placed), ["c1", "c2", "c3"]);
        await stack.up();
        // What landed, read from each member's API server, agrees with each line.
        for (const c of ["c1", "c2", "c3"]) {
            const dep = await getObject(fleet!, c, "apps/v1", "Deployment", "shop", "web");
            if (c in web.placed) assert.equal(dep?.spec.replicas, web.placed[c], `web replicas in ${c}`);
            else assert.equal(dep, undefined, `web must not be in ${c}`);
            assert.equal(!!dep?.spec.template.spec.containers[0].env, c === "c1", `env override only in c1 (${c})`);
            const cm = await getObject(fleet!, c, "v1", "ConfigMap", "shop", "settings");
            assert.equal(cm.data.mode, c === "c3" ? "ci" : "normal");
            assert.equal(c in settings.placed, true);
        }
        const sum = Object.values(web.placed).reduce<number>((s, n) => s + (n ?? 0), 0);
        assert.equal(sum, 6, "the example's totalReplicas");
        fs.writeFileSync(out("kubefed-decision-preview.txt"), stdout);
    });

    it("b. a placement change: the recorded decision diff is short, and plan names each change", async () => {
        await stack.setConfig("webTier", { value: "staging" });
        await stack.setConfig("totalReplicas", { value: "4" });
        try { await placementChange(); } finally {
            await stack.removeConfig("webTier");
            await stack.removeConfig("totalReplicas");
        }
    });

    async function placementChange(): Promise<void> {
        const { stdout } = await stack.preview({ diff: true });
        // The web component's own diff: from "~ decision" to the next resource line.
        const lines = stdout.split("\n");
        const start = lines.findIndex(l => /~ decision: \{/.test(l));
        assert.ok(start >= 0, stdout);
        let end = start + 1;
        while (end < lines.length && !/^\s*[-+~]*\s*(pulumi-kubefed|kubernetes|pulumi-nodejs):/.test(lines[end]) && !/^\s*[+~-]\s+(pulumi-kubefed|kubernetes):/.test(lines[end])) end++;
        const block = lines.slice(start, end).filter(l => l.trim());
        fs.writeFileSync(out("kubefed-decision-diff.txt"), block.join("\n"));
        assert.ok(block.some(l => /placed/.test(l)) && block.some(l => /excluded/.test(l)), block.join("\n"));
        assert.ok(!block.some(l => /members|region|zones/.test(l)), `member facts are not in the decision:\n${block.join("\n")}`);
        // The engine prints unchanged fields for context; the change itself is the marked lines: the two excluded
        // entries swapped, two placed entries removed and one added, and the replica total.
        const changed = block.filter(l => /^\s*[-+~] /.test(l));
        assert.ok(changed.length <= 30, `the decision diff changes ${changed.length} lines:\n${block.join("\n")}`);

        const plan = cli("plan");
        fs.writeFileSync(out("kubefed-plan.txt"), plan.stdout);
        assert.equal(plan.code, 0, plan.stderr + plan.stdout);
        const row = plan.stdout.split("\n").find(l => l.startsWith("Deployment shop/web"));
        assert.ok(row, plan.stdout);
        for (const change of ["−c1 (selector)", "−c2 (selector)", "+c3 4"]) assert.ok(row!.includes(change), `${change} missing: ${row}`);
        const json = JSON.parse(cli("plan", "-o", "json").stdout);
        const webObj = json.objects.find((o: any) => o.resource === "web");
        assert.deepEqual(Object.keys(webObj.decision.placed), ["c3"]);
        assert.deepEqual(Object.keys(webObj.previous.placed), ["c1", "c2"]);
        // `preview --json` lists unchanged resources only when they change; settings must not show a change.
        const settingsObj = json.objects.find((o: any) => o.resource === "settings");
        assert.ok(!settingsObj || settingsObj.changes.length === 0, JSON.stringify(settingsObj));

        // A policy that requires two clusters blocks this update; plan says so and exits 1.
        const cfgFile = path.join(scratchDir("kubefed-plan-policy-"), "config.json");
        fs.writeFileSync(cfgFile, JSON.stringify({ "kubefed-cluster-count": { minClusters: 2 } }));
        const blocked = cli("plan", "--policy-pack", path.join(ROOT, "policy-pack"), "--policy-pack-config", cfgFile);
        fs.writeFileSync(out("kubefed-plan-blocked.txt"), blocked.stdout + blocked.stderr);
        assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr);
        // The violation is named, from the engine's event log (preview --json does not carry its text).
        assert.match(blocked.stdout, /Blocked/);
        assert.match(blocked.stdout, /policy kubefed-cluster-count \([^)]*mandatory\): [^\n]*/, blocked.stdout);
    }

    it("c. status --html of the real stack renders in headless Chromium, drift coloured where it happened", async function () {
        needs(this, !chromiumPath() && "chromium is not installed (scripts/test-all.sh installs it: apt-get install chromium)");
        await patchObject(fleet!, "c2", "v1", "ConfigMap", "shop", "settings", { data: { mode: "hacked" } });
        await stack.refresh(); // the status comes from the checkpoint the refresh wrote: no up in between
        const file = out("kubefed-status.html");
        const st = cli("status", "--html", file);
        assert.equal(st.code, 0, st.stderr);
        const dom = dumpDom(file);
        assert.match(dom, /data-object="ConfigMap shop\/settings" data-cluster="c2" data-status="Drifted"[\s\S]*?\/data\/mode/);
        const boxes = cellBoxes(file);
        const png = out("kubefed-status.png");
        screenshot(file, png);
        const img = decodePng(fs.readFileSync(png));
        const colourAt = (object: string, cluster: string) => {
            const b = boxes.find(x => x.object === object && x.cluster === cluster);
            assert.ok(b, `no cell ${object} @ ${cluster}`);
            return img.pixel(Math.round(b!.x + b!.w - 6), Math.round(b!.y + b!.h / 2));
        };
        const near = (got: number[], hex: string) => Math.max(...got.map((v, i) => Math.abs(v - rgb(hex)[i]))) <= 3;
        assert.ok(near(colourAt("ConfigMap shop/settings", "c2"), CELL_COLOURS.drifted), "the drifted cell is orange");
        assert.ok(near(colourAt("ConfigMap shop/settings", "c1"), CELL_COLOURS.ok), "an untouched cell is green");
        assert.ok(near(colourAt("Deployment shop/web", "c3"), CELL_COLOURS.absent), "web is not placed in c3");
    });
});
