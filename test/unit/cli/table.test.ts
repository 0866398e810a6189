import { strict as assert } from "assert";
import * as YAML from "yaml";
import { displayWidth, renderTable, terminalSafe } from "../../../src/cli/table";
import { renderShardsResult } from "../../../src/cli/shardsCommand";
import { buildPlan } from "../../../src/cli/planModel";
import { renderPlan } from "../../../src/cli/plan";
import { checkpointOf, inTempDir, objectStatus, run, writeJson } from "../../support/cli";

/** Characters a terminal acts on: C0/C1 controls but the newline, DEL, bidi overrides and isolates. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("cli: one table renderer, by display width", () => {
    it("counts East Asian wide characters and emoji as 2 columns, combining marks and joiners as 0", () => {
        assert.equal(displayWidth("abc"), 3);
        assert.equal(displayWidth("東京"), 4);
        assert.equal(displayWidth("ｆｕｌｌ"), 8);
        assert.equal(displayWidth("🚀"), 2);
        assert.equal(displayWidth("e\u0301"), 1);
        assert.equal(displayWidth("👩\u200d💻"), 2);
        assert.equal(displayWidth("\u200b"), 0);
    });

    it("aligns columns by display width", () => {
        assert.equal(renderTable([["NAME", "X"], ["東京", "1"], ["a\u0301", "2"], ["🚀", "3"]]),
            ["NAME  X", "東京  1", "a\u0301     2", "🚀    3"].join("\n"));
    });

    // Each command's table: the column after a wide name starts where it starts on the other rows.
    const aligned = (text: string, header: string, column: string): void => {
        const lines = text.split("\n");
        const h = lines.findIndex((l) => l.startsWith(header));
        const at = displayWidth(lines[h].slice(0, lines[h].indexOf(column)));
        for (const l of lines.slice(h + 1, h + 3)) {
            const cells = l.split(/ {2,}/);
            assert.equal(displayWidth(l.slice(0, l.indexOf(cells[1], cells[0].length))), at, `${JSON.stringify(l)} in\n${text}`);
        }
    };

    it("status prints its tables with it", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", checkpointOf([{ name: "東京-クラスタ" }, { name: "c2" }]));
            aligned((await run(["status", "--state-file", f])).out, "CLUSTER", "HEALTH");
        });
    });

    it("plan prints its table with it", () => {
        const FR = "pulumi-kubefed:index:FederatedResource";
        const dec = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", name, namespace: "ns", labels: {}, placed: { c1: { overrides: [], images: [] } },
            excluded: {}, overrideClusters: [], orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [] });
        const step = (name: string) => ({ op: "create", urn: `urn:pulumi:dev::app::${FR}::${name}`, newState: { type: FR, inputs: { decision: dec(name) } } });
        aligned(renderPlan(buildPlan({ steps: [step("設定ファイル"), step("cfg")] })), "OBJECT", "c1");
    });

    it("shards prints its table with it", () => {
        const shard = (name: string) => ({ shard: name, stack: `dev-${name}`, clusters: ["c1"] });
        aligned(renderShardsResult({ command: "preview", shards: [shard("東京トウキョウ"), shard("west")], errors: [], ok: true }), "SHARD", "STACK");
    });
});

describe("cli: control characters from a checkpoint never reach the terminal", () => {
    const evilName = "c1\u001b]0;owned\u0007";
    const evilMessage = "ok\u001b[2J\u009b31m\u202eevil\r\nnext";
    const state = checkpointOf([{ name: evilName, message: evilMessage,
        status: { [`web\u001b[8m`]: objectStatus("Deployment", "web\u0085x", "Drifted", { message: evilMessage }) } }]);

    it("escapes them in table and wide output, visibly", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", state);
            for (const o of ["table", "wide"]) {
                const r = await run(["status", "--state-file", f, "-o", o]);
                assert.equal(r.code, 0);
                assert.doesNotMatch(r.out, CONTROL, o);
                assert.match(r.out, /c1\\x1b\]0;owned\\x07/, o);
                assert.match(r.out, /Deployment shop\/web\\x85x/, o);
            }
            assert.match((await run(["status", "--state-file", f, "-o", "wide"])).out, /ok\\x1b\[2J\\x9b31m\\u202eevil next/);
        });
        assert.equal(terminalSafe("a\u001b[31mred\u001b[0m"), "ared", "colour codes are dropped");
    });

    it("JSON and YAML output encode them and parse back to the same values", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", state);
            const json = await run(["status", "--state-file", f, "-o", "json"]);
            const yaml = await run(["status", "--state-file", f, "-o", "yaml"]);
            for (const r of [json, yaml]) assert.doesNotMatch(r.out, CONTROL);
            const j = JSON.parse(json.out);
            assert.equal(j.clusters[0].clusterName, evilName);
            assert.equal(j.clusters[0].conditions[0].message, evilMessage);
            assert.deepEqual(YAML.parse(yaml.out), j);
        });
    });

    it("plan and shards output too", () => {
        const plan = renderPlan({ clusters: ["c\u001b[2J"], objects: [], blockers: [{ message: "boom\u009b1m" }], warnings: [], previewSucceeded: false });
        assert.doesNotMatch(plan, CONTROL);
        const shards = renderShardsResult({ command: "preview", shards: [{ shard: "a\u001bc", stack: "s", clusters: ["c1"] }], errors: ["x\u0007"], ok: false });
        assert.doesNotMatch(shards, CONTROL);
        assert.match(shards, /a\\x1bc/);
    });
});
