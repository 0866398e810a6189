import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkpointOf, inTempDir, objectStatus, run, writeJson } from "../../support/cli";

describe("cli: status on a malformed checkpoint", () => {
    it("skips malformed read-back entries, naming them, instead of dying on null", async () => {
        const state = checkpointOf([{ name: "c1", status: { web: objectStatus("Deployment", "web", "Drifted"), broken: null, notarget: { status: "", target: null } } }]) as {
            deployment: { resources: Record<string, unknown>[] } };
        const rs = state.deployment.resources;
        (rs[0].outputs as Record<string, unknown>).conditions = [null, { type: "Ready", status: "True", message: "fine" }];
        rs.push({ urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/kubefed:MemberReadBack::c2-readback", type: "pulumi-nodejs:dynamic/kubefed:MemberReadBack",
            id: "c2", outputs: null });
        rs.push(null as never);
        rs.push({ urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/kubefed:PropagationStatus::old-status", type: "pulumi-nodejs:dynamic/kubefed:PropagationStatus",
            outputs: { target: { kind: "ConfigMap", name: "old" }, status: { conditions: null, clusters: [null, { name: "c1", status: "" }] } } });
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", state);
            for (const o of ["table", "wide", "json"]) {
                const r = await run(["status", "--state-file", f, "-o", o]);
                assert.equal(r.code, 0, `${o}: ${r.err}`);
                assert.match(r.err, /MemberReadBack c1-readback: status\.broken is malformed/);
                assert.match(r.err, /MemberReadBack c1-readback: status\.notarget is malformed/);
                assert.match(r.err, /MemberReadBack c1-readback: conditions\[0\] is malformed/);
                assert.match(r.err, /PropagationStatus old-status: status\.clusters\[0\] is malformed/);
                assert.match(r.out, /Drifted/, "the well-formed entries are still shown");
            }
            assert.equal((await run(["status", "--state-file", f, "--check"])).code, 1, "a check cannot pass over skipped entries");
        });
    });
});

describe("cli: shards check compares digests, never missing ones", () => {
    // A stand-in for `pulumi stack output kubefedShard --json`: the record of each stack from a JSON file.
    const fakePulumi = (dir: string, records: Record<string, unknown>): string => {
        fs.writeFileSync(path.join(dir, "records.json"), JSON.stringify(records));
        const bin = path.join(dir, "pulumi");
        fs.writeFileSync(bin, `#!/usr/bin/env node
const r = require(${JSON.stringify(path.join(dir, "records.json"))})[process.argv[process.argv.indexOf("--stack") + 1]];
if (r === undefined) process.exit(1);
process.stdout.write(JSON.stringify(r));
`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "shards.yaml"), "shards:\n  a: [c1]\n  b: [c2]\n");
        return bin;
    };
    const withPulumi = async (bin: string, argv: string[]) => {
        const saved = process.env.PULUMI_COMMAND;
        process.env.PULUMI_COMMAND = bin;
        try {
            return await run(argv);
        } finally {
            if (saved === undefined) delete process.env.PULUMI_COMMAND;
            else process.env.PULUMI_COMMAND = saved;
        }
    };
    const rec = (shard: string, digest?: string) => ({ shard, clusters: [], version: "0.1.0", objects: 0, objectDigests: {}, ...(digest ? { digest } : {}) });

    it("two records without a digest are an error naming each shard, in JSON and table mode", async () => {
        await inTempDir(async (dir) => {
            const bin = fakePulumi(dir, { a: rec("a"), b: rec("b") });
            const spec = path.join(dir, "shards.yaml");
            const json = await withPulumi(bin, ["shards", "check", "--file", spec, "-o", "json"]);
            assert.equal(json.code, 1, json.out);
            const errors = JSON.parse(json.out).errors as string[];
            assert.ok(errors.some((e) => /shard "a" \(stack a\): its shard record has no digest/.test(e)), errors.join("\n"));
            assert.ok(errors.some((e) => /shard "b" \(stack b\): its shard record has no digest/.test(e)), errors.join("\n"));
            const table = await withPulumi(bin, ["shards", "check", "--file", spec]);
            assert.equal(table.code, 1, table.err);
            assert.match(table.out, /^a\s+a\s+c1\s+-\s+-\s+-\s+-$/m);
            assert.match(table.out, /error: shard "b" \(stack b\): its shard record has no digest/);
        });
    });

    it("equal digests pass and different ones fail", async () => {
        await inTempDir(async (dir) => {
            const spec = path.join(dir, "shards.yaml");
            const d = `sha256:${"1".repeat(64)}`;
            assert.equal((await withPulumi(fakePulumi(dir, { a: rec("a", d), b: rec("b", d) }), ["shards", "check", "--file", spec])).code, 0);
            const diff = await withPulumi(fakePulumi(dir, { a: rec("a", d), b: rec("b", `sha256:${"2".repeat(64)}`) }), ["shards", "check", "--file", spec, "-o", "wide"]);
            assert.equal(diff.code, 1);
            assert.match(diff.out, /computed different federation decisions/);
            assert.ok(diff.out.includes(d), "wide shows the whole digest");
        });
    });
});
