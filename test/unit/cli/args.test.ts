import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFlags } from "../../../src/cli/args";
import { parsePlanArgs } from "../../../src/cli/plan";
import { parseStatusArgs } from "../../../src/cli/status";
import { checkpointOf, inTempDir, objectStatus, run, writeJson } from "../../support/cli";

describe("cli: kubectl-style flags", () => {
    it("takes -o glued (-ojson), with = (-o=yaml) and long with = (--output=json), in status and plan", () => {
        assert.equal(parseStatusArgs(["-ojson"]).output, "json");
        assert.equal(parseStatusArgs(["-o=yaml"]).output, "yaml");
        assert.equal(parseStatusArgs(["--output=wide"]).output, "wide");
        assert.equal(parsePlanArgs(["-oyaml"]).output, "yaml");
        assert.equal(parsePlanArgs(["-o=wide"]).output, "wide");
        assert.equal(parsePlanArgs(["--output=json"]).output, "json");
    });

    it("repeats and comma-splits list flags; refuses unknown flags, missing values and values given to switches", () => {
        const flags = { cluster: { type: "string" as const, list: true }, check: { type: "boolean" as const }, stack: { type: "string" as const, short: "s" } };
        assert.deepEqual(parseFlags(["--cluster", "c1", "--cluster=c2,c3"], flags).values.cluster, ["c1", "c2", "c3"]);
        assert.throws(() => parseFlags(["--bogus"], flags), /^Error: unknown argument: --bogus$/);
        assert.throws(() => parseFlags(["stray"], flags), /unknown argument: stray/);
        assert.throws(() => parseFlags(["--stack", "--check"], flags), /--stack needs a value/);
        assert.throws(() => parseFlags(["-s"], flags), /-s needs a value/);
        assert.throws(() => parseFlags(["--stack="], flags), /--stack needs a value/);
        assert.throws(() => parseFlags(["--check=yes"], flags), /--check takes no value/);
        assert.throws(() => parseFlags(["--cluster", "a,,b"], flags), /empty name/);
        assert.deepEqual(parseFlags(["--", "-x"], flags, true).positionals, ["-x"]);
    });

    it("-h/--help on each subcommand prints that subcommand's usage and exits 0", async () => {
        for (const [argv, first] of [[["status", "--help"], /^usage: pulumi-kubefed status /], [["status", "-h"], /^usage: pulumi-kubefed status /],
            [["plan", "-h"], /^usage: pulumi-kubefed plan /], [["shards", "--help"], /^usage: pulumi-kubefed shards preview\|up/],
            [["shards", "up", "--help"], /^usage: pulumi-kubefed shards up --file/], [["shards", "check", "-h"], /^usage: pulumi-kubefed shards check --file/],
            [["shards", "operator", "-h"], /^usage: pulumi-kubefed shards operator --file/]] as [string[], RegExp][]) {
            const r = await run(argv);
            assert.equal(r.code, 0, `${argv.join(" ")}: ${r.err}`);
            assert.match(r.out, first, argv.join(" "));
            assert.equal(r.err, "", argv.join(" "));
        }
        // a verb's usage is its own: `shards up --help` does not describe `check`
        assert.doesNotMatch((await run(["shards", "up", "--help"])).out, /kubefedShard stack outputs/);
    });

    it("--version prints the version of package.json", async () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "..", "package.json"), "utf8")) as { version: string };
        const r = await run(["--version"]);
        assert.deepEqual([r.code, r.out], [0, `${pkg.version}\n`]);
    });

    it("unknown flags exit 2 naming the flag, for every subcommand", async () => {
        for (const argv of [["status", "--bogus"], ["plan", "--bogus"], ["shards", "up", "--bogus", "-f", "x.yaml"]]) {
            const r = await run(argv);
            assert.equal(r.code, 2, argv.join(" "));
            assert.match(r.err, /^unknown argument: --bogus\n/, argv.join(" "));
        }
        const bad = await run(["status", "-o", "xml"]);
        assert.equal(bad.code, 2);
        assert.match(bad.err, /unknown format "xml"/);
    });

    it("-o yaml prints the same data as -o json", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "state.json", checkpointOf([{ name: "c1", status: { web: objectStatus("Deployment", "web", "Drifted") } }]));
            const json = await run(["status", "--state-file", f, "-ojson"]);
            const yaml = await run(["status", "--state-file", f, "-o=yaml"]);
            assert.equal(yaml.code, 0);
            assert.deepEqual(YAML.parse(yaml.out), JSON.parse(json.out));
            assert.equal(JSON.parse(json.out).objects[0].status.clusters[0].status, "Drifted");
        });
    });
});
