import { strict as assert } from "assert";
import { buildPlan } from "../../../src/cli/planModel";
import { renderPlan } from "../../../src/cli/plan";
import { filterPlan } from "../../../src/cli/filter";
import { checkpointOf, inTempDir, objectStatus, run, writeJson } from "../../support/cli";

// c1 has web drifted; c2 is fine; settings only on c1.
const state = checkpointOf([
    { name: "c1", status: { web: objectStatus("Deployment", "web", "Drifted"), settings: objectStatus("ConfigMap", "settings") } },
    { name: "c2", status: { web: objectStatus("Deployment", "web") } },
    { name: "c3" },
]);

describe("cli: status --cluster / --object", () => {
    it("filters rows and columns of the table and the JSON the same way", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", state);
            const j = JSON.parse((await run(["status", "--state-file", f, "--cluster", "c2", "--cluster=c3", "-o", "json"])).out);
            assert.deepEqual(j.clusters.map((c: { clusterName: string }) => c.clusterName), ["c2", "c3"]);
            // settings is on c1 only: not in the view; web shows only c2, and is propagated there
            assert.deepEqual(j.objects.map((o: { name: string }) => o.name), ["web"]);
            assert.deepEqual(j.objects[0].status.clusters.map((e: { name: string }) => e.name), ["c2"]);
            assert.equal(j.objects[0].propagated, true);
            assert.deepEqual(Object.keys(j.observedAt), ["c2", "c3"]);

            const t = await run(["status", "--state-file", f, "--cluster", "c2,c3"]);
            assert.match(t.out, /^OBJECT\s+c2\s+c3\s+PROPAGATION\s+READY$/m);
            assert.doesNotMatch(t.out, /^c1 /m);
            assert.doesNotMatch(t.out, /ConfigMap/);

            const o = JSON.parse((await run(["status", "--state-file", f, "--object", "shop/settings", "-o", "json"])).out);
            assert.deepEqual(o.objects.map((x: { name: string }) => x.name), ["settings"]);
            assert.equal(o.clusters.length, 3, "--object alone keeps every cluster row");
            assert.deepEqual(JSON.parse((await run(["status", "--state-file", f, "--object", "deployment/web", "-o", "json"])).out)
                .objects.map((x: { name: string }) => x.name), ["web"]);
        });
    });

    it("--check judges what is shown; a name that matches nothing is reported", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", state);
            assert.equal((await run(["status", "--state-file", f, "--check"])).code, 1);
            assert.equal((await run(["status", "--state-file", f, "--check", "--cluster", "c2"])).code, 0);
            assert.equal((await run(["status", "--state-file", f, "--check", "--cluster", "c1"])).code, 1);
            const typo = await run(["status", "--state-file", f, "--cluster", "c9"]);
            assert.match(typo.err, /--cluster c9 matches nothing/);
        });
    });
});

describe("cli: plan --cluster / --object", () => {
    const FR = "pulumi-kubefed:index:FederatedResource";
    const dec = (name: string, placed: string[], excluded: Record<string, string> = {}) => ({ apiVersion: "apps/v1", kind: "Deployment", name, namespace: "shop",
        labels: {}, placed: Object.fromEntries(placed.map((c) => [c, { replicas: 2, overrides: [], images: [] }])), excluded, overrideClusters: [],
        orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [] });
    const step = (d: ReturnType<typeof dec>) => ({ op: "create", urn: `urn:pulumi:dev::app::${FR}::${d.name}`, newState: { type: FR, inputs: { decision: d } } });
    const model = buildPlan({ steps: [step(dec("api", ["c1"], { c3: "labels do not match" })), step(dec("web", ["c2", "c3"]))] });

    it("keeps the selected clusters' columns and the objects placed or left out there", () => {
        const c3 = filterPlan(model, { clusters: ["c3"] }).value;
        assert.deepEqual(c3.clusters, ["c3"]);
        assert.deepEqual(c3.objects.map((o) => o.resource), ["api", "web"]);
        const text = renderPlan(c3);
        assert.match(text, /^OBJECT\s+c3\s+CHANGE$/m);
        assert.match(text, /Deployment shop\/api @ c3: labels do not match/);
        const c1 = filterPlan(model, { clusters: ["c1"] });
        assert.deepEqual(c1.value.objects.map((o) => o.resource), ["api"]);
        assert.deepEqual(filterPlan(model, { objects: ["web"] }).value.objects.map((o) => o.resource), ["web"]);
        assert.deepEqual(filterPlan(model, { objects: ["nope"], clusters: ["c7"] }).unmatched, ["--cluster c7", "--object nope"]);
    });

    it("through the command line, JSON filtered like the table", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "preview.json", { steps: [step(dec("api", ["c1"])), step(dec("web", ["c2", "c3"]))] });
            const r = await run(["plan", "--json-file", f, "--object", "web", "--cluster", "c2", "-o", "json"]);
            assert.equal(r.code, 0, r.err);
            const j = JSON.parse(r.out);
            assert.deepEqual([j.clusters, j.objects.map((o: { resource: string }) => o.resource)], [["c2"], ["web"]]);
        });
    });
});
