import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// Which Pulumi CLI the test bed and `npm run demo` use (testbed/pulumi-choice.sh through `setup.sh --which-pulumi`,
// which builds nothing): the `pulumi` on PATH when it is at least 3.202.0 and at least the installed
// @pulumi/pulumi, never the test bed's own bin/, else the pinned one is built.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const sdk = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;

describe("test bed: which pulumi", () => {
    let dir: string;
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-which-pulumi-")); });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A fake `pulumi` printing `version` in its own directory. */
    const fake = (name: string, version: string): string => {
        const d = path.join(dir, name);
        fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(d, "pulumi"), `#!/bin/sh\n[ "$1" = version ] && echo v${version}\n`, { mode: 0o755 });
        return d;
    };
    const which = (pathDirs: string[], extra: Record<string, string> = {}) => {
        const r = spawnSync("bash", [path.join(ROOT, "testbed", "setup.sh"), "--which-pulumi"], {
            encoding: "utf8", env: { ...process.env, PATH: [...pathDirs, "/usr/bin", "/bin"].join(":"), PULUMI_KUBEFED_CACHE: path.join(dir, "cache"), ...extra },
        });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim();
    };
    const [major, minor] = sdk.split(".").map(Number);

    it("uses a pulumi on PATH at least as new as the installed SDK", () => {
        const d = fake("new", `${major}.${minor + 1}.0`);
        assert.equal(which([d]), `pulumi from PATH: ${d}/pulumi (v${major}.${minor + 1}.0)`);
    });

    it("builds when the pulumi on PATH is older than the installed SDK, or than 3.202.0, or missing", () => {
        assert.match(which([fake("older-than-sdk", `${major}.${minor - 1}.0`)]), new RegExp(`^pulumi: built by the test bed .*older than ${sdk.replace(/\./g, "\\.")}`));
        assert.match(which([fake("ancient", "3.100.0")]), /^pulumi: built by the test bed .*is 3\.100\.0, older than/);
        assert.match(which([]), /^pulumi: built by the test bed .*no pulumi on PATH/);
    });

    it("never takes the test bed's own bin/ for the user's, and KUBEFED_PULUMI decides when set", () => {
        const key = spawnSync("bash", [path.join(ROOT, "testbed", "setup.sh"), "--env-path"], { encoding: "utf8", env: { ...process.env, PULUMI_KUBEFED_CACHE: path.join(dir, "cache") } }).stdout.trim();
        const own = path.join(path.dirname(key), "bin");
        fs.mkdirSync(own, { recursive: true });
        fs.writeFileSync(path.join(own, "pulumi"), `#!/bin/sh\necho v${major}.${minor + 5}.0\n`, { mode: 0o755 });
        const user = fake("user", `${major}.${minor + 2}.0`);
        assert.equal(which([own, user]), `pulumi from PATH: ${user}/pulumi (v${major}.${minor + 2}.0)`);
        assert.match(which([own]), /no pulumi on PATH/);
        assert.match(which([user], { KUBEFED_PULUMI: "build" }), /built by the test bed .*KUBEFED_PULUMI=build/);
        const chosen = fake("chosen", `${major}.${minor + 3}.0`);
        assert.equal(which([user], { KUBEFED_PULUMI: `${chosen}/pulumi` }), `pulumi from PATH: ${chosen}/pulumi (v${major}.${minor + 3}.0)`);
    });
});
