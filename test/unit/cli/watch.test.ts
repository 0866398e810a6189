import { strict as assert } from "assert";
import * as fs from "fs";
import { parseStatusArgs, watchStatus } from "../../../src/cli/status";
import { checkpointOf, inTempDir, objectStatus, writeJson } from "../../support/cli";

describe("cli: status --watch", () => {
    it("parses --watch and --interval", () => {
        assert.equal(parseStatusArgs(["--watch"]).watchMs, 5000);
        assert.equal(parseStatusArgs(["-w", "--interval", "500ms"]).watchMs, 500);
        assert.equal(parseStatusArgs(["--watch", "--interval=2m"]).watchMs, 120_000);
        assert.equal(parseStatusArgs([]).watchMs, undefined);
        assert.throws(() => parseStatusArgs(["--watch", "--interval", "soon"]), /not a duration/);
        assert.throws(() => parseStatusArgs(["--interval", "5s"]), /time between reads of --watch/);
    });

    it("re-reads and re-renders each round, waiting the interval in between", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", checkpointOf([{ name: "c1", status: { web: objectStatus("Deployment", "web", "Drifted") } }]));
            const o = parseStatusArgs(["--state-file", f, "--watch", "--interval", "3s", "--check"]);
            let out = "";
            const waits: number[] = [];
            const code = await watchStatus(o, (s) => { out += s; }, () => undefined, {
                iterations: 2,
                now: () => new Date("2026-12-01T00:00:00Z"),
                // between the rounds, someone runs `pulumi refresh`: the checkpoint now says web is fine
                sleep: async (ms) => {
                    waits.push(ms);
                    fs.writeFileSync(f, JSON.stringify(checkpointOf([{ name: "c1", status: { web: objectStatus("Deployment", "web") } }])));
                },
            });
            assert.deepEqual(waits, [3000]);
            const rounds = out.split(/^Every 3s: pulumi-kubefed status {4}2026-12-01T00:00:00.000Z$/m).slice(1);
            assert.equal(rounds.length, 2, out);
            assert.match(rounds[0], /Deployment shop\/web\s+Drifted/);
            assert.match(rounds[1], /Deployment shop\/web\s+OK\s+True/);
            assert.equal(code, 0, "the last round's --check passes");
        });
    });

    it("ends with exit 0 when interrupted, even while --check fails", async () => {
        await inTempDir(async (dir) => {
            const f = writeJson(dir, "s.json", checkpointOf([{ name: "c1", status: { web: objectStatus("Deployment", "web", "Drifted") } }]));
            const stop = new AbortController();
            let rounds = 0;
            const code = await watchStatus(parseStatusArgs(["--state-file", f, "--watch", "--check"]), () => undefined, () => undefined, {
                signal: stop.signal,
                sleep: async () => { if (++rounds === 2) stop.abort(); },
            });
            assert.deepEqual([code, rounds], [0, 2]);
        });
    });

    it("a round that cannot read the stack is reported and the watch goes on", async () => {
        await inTempDir(async (dir) => {
            const f = `${dir}/later.json`;
            let err = "";
            let out = "";
            const code = await watchStatus(parseStatusArgs(["--state-file", f, "--watch"]), (s) => { out += s; }, (s) => { err += s; }, {
                iterations: 2, sleep: async () => { writeJson(dir, "later.json", checkpointOf([{ name: "c1" }])); },
            });
            assert.match(err, /ENOENT/);
            assert.match(out, /^c1\s+Ready/m);
            assert.equal(code, 0);
        });
    });
});
