import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SKIP_REASON, inCI, needs, skipVerdict } from "../support/skip";

// The skip decision (test/support/skip.ts) and what scripts/mocha-reporter.js makes of skips with CI=true.

const ROOT = path.resolve(__dirname, "../../..");

describe("skip decision (test/support/skip.ts)", () => {
    it("runs when nothing is missing, skips outside CI, fails in CI, always with the reason", () => {
        assert.deepEqual(skipVerdict(undefined, { CI: "true" }), { action: "run" });
        assert.deepEqual(skipVerdict(false, {}), { action: "run" });
        assert.deepEqual(skipVerdict("openssl is not installed", {}), { action: "skip", reason: "openssl is not installed" });
        assert.deepEqual(skipVerdict("openssl is not installed", { CI: "true" }), { action: "fail", reason: "openssl is not installed" });
        assert.deepEqual([inCI({ CI: "false" }), inCI({ CI: "0" }), inCI({ CI: "" }), inCI({ CI: "1" })], [false, false, false, true]);
    });

    it("needs(): skips with the reason on the test, or on the suite from a hook; throws in CI naming what is missing", () => {
        const suite = {};
        let skipped = 0;
        const ctx = (type: string) => ({ test: { type, parent: suite }, skip: () => { skipped++; } }) as unknown as Mocha.Context;
        const inTest = ctx("test");
        needs(inTest, undefined, {});
        assert.equal(skipped, 0);
        needs(inTest, "python3 is not installed", {});
        assert.equal(skipped, 1);
        assert.equal((inTest.test as any)[SKIP_REASON], "python3 is not installed");
        needs(ctx("hook"), "kube-apiserver is not on PATH", {});
        assert.equal((suite as any)[SKIP_REASON], "kube-apiserver is not on PATH");
        assert.throws(() => needs(ctx("hook"), "kube-apiserver is not on PATH", { CI: "true" }), /cannot run in CI: kube-apiserver is not on PATH/);
        assert.equal(skipped, 2);
    });
});

describe("mocha reporter: a skip fails the run in CI (scripts/mocha-reporter.js)", function () {
    this.timeout(60_000);
    let dir = "";
    let file = "";
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-skip-"));
        // the layer is read from the path, as in dist/test/e2e/*.test.js
        file = path.join(dir, "dist", "test", "e2e", "fake.test.js");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const skip = JSON.stringify(path.join(ROOT, "dist", "test", "support", "skip"));
        fs.writeFileSync(file, `
const { needs } = require(${skip});
describe("fake", () => {
    it("passes", () => {});
    it.skip("is skipped by hand", () => {});
    describe("needing a tool", () => {
        before(function () { if (process.env.FAKE_SKIP) needs(this, "the fake tool is not installed", {}); });
        it("uses it", () => {});
    });
});
`);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const mocha = (env: Record<string, string>) => {
        const base = { ...process.env };
        for (const k of ["CI", "KUBEFED_LANE_LAYERS", "FAKE_SKIP"]) delete base[k];
        const r = spawnSync(process.execPath, [require.resolve("mocha/bin/mocha.js", { paths: [ROOT] }), "--no-config", "--reporter",
            path.join(ROOT, "scripts", "mocha-reporter.js"), file], { cwd: dir, env: { ...base, ...env }, encoding: "utf8" });
        return { code: r.status, out: r.stdout + r.stderr };
    };

    it("outside CI: skips are counted and the run passes", () => {
        const r = mocha({ FAKE_SKIP: "1" });
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /^1 passed, 0 failed, 2 skipped$/m);
    });

    it("with CI=true: the run fails, naming each skipped test, its layer and why", () => {
        const r = mocha({ FAKE_SKIP: "1", CI: "true" });
        assert.notEqual(r.code, 0, r.out);
        assert.match(r.out, /CI: 2 test\(s\) skipped in layer\(s\) e2e; a skip fails the run in CI/);
        assert.match(r.out, /\[e2e\] fake needing a tool uses it: the fake tool is not installed/);
        assert.match(r.out, /\[e2e\] fake is skipped by hand: skipped without a reason/);
        assert.match(r.out, /^1 passed, 0 failed, 2 skipped$/m, "the closing line stays last and honest");
        assert.ok(r.out.trimEnd().endsWith("1 passed, 0 failed, 2 skipped"), r.out);
    });

    it("with CI=true and the e2e layer left out for time (KUBEFED_LANE_LAYERS=fast): said, not a failure", () => {
        fs.writeFileSync(file, `describe("fake", () => { it("passes", () => {}); });\n`);
        const r = mocha({ CI: "true", KUBEFED_LANE_LAYERS: "fast" });
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /layer e2e: left out by scripts\/test-all\.sh \(CI's time budget\), a decided choice and not a skip/);
        assert.match(r.out, /^1 passed, 0 failed, 0 skipped$/m);
    });
});
