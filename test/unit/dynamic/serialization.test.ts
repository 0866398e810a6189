import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { clusterHealthProvider } from "../../../src/dynamic/clusterHealth";
import { orphanGuardProvider } from "../../../src/dynamic/orphanGuard";
import { propagationStatusProvider } from "../../../src/dynamic/propagationStatus";

/* eslint-disable @typescript-eslint/no-explicit-any */
const providers: [string, pulumi.dynamic.ResourceProvider][] = [
    ["ClusterHealth", clusterHealthProvider],
    ["PropagationStatus", propagationStatusProvider],
    ["OrphanGuard", orphanGuardProvider],
];

/** Loads serialized provider text the way the dynamic-provider host does (require-from-string). */
function loadSerialized(text: string): any {
    const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
    return requireFromString(text).handler();
}

describe("dynamic providers: closure serialization", function () {
    this.timeout(60_000);
    for (const [name, provider] of providers) {
        it(`${name}: serializes without capturing local modules or the SDK, and runs after loading`, async () => {
            const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            const requires = [...new Set(sf.text.match(/require\((?:"[^"]*"|[a-zA-Z_]+)\)/g) ?? [])].sort();
            assert.deepStrictEqual(requires, ['require("fs")', 'require("http")', 'require("https")', 'require("path")', "require(c)"]);
            assert.ok(!/@pulumi\/pulumi|\.\/kube|\.\/status/.test(sf.text.replace(/YAML_MODULE_PATH: "[^"]*"/, "")));
            assert.ok(sf.text.length < 60_000, `serialized size ${sf.text.length}`);
            const p = loadSerialized(sf.text);
            assert.deepStrictEqual(Object.keys(p).sort(), ["check", "create", "delete", "diff", "read", "update"]);
            const inputs = name === "ClusterHealth"
                ? { clusterName: "x", kubeconfig: "k" }
                : { target: { apiVersion: "v1", kind: "ConfigMap", name: "c" }, clusters: {}, kubeconfigs: {} };
            assert.strictEqual((await p.diff("id", inputs, inputs)).changes, false);
        });
    }

    it("serializes the same when the package is installed under node_modules (package.json exports)", function () {
        // Local modules inside node_modules are captured as require("<pkg>/<path>"), which "exports" forbids: make
        // sure nothing is captured as a module at all, by serializing from an installed copy.
        const root = path.resolve(__dirname, "../../../..");
        const dist = path.join(root, "dist", "src");
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-pkg-"));
        try {
            const pkg = path.join(tmp, "node_modules", "pulumi-kubefed");
            fs.mkdirSync(path.join(pkg, "dist"), { recursive: true });
            fs.cpSync(path.join(dist, "dynamic"), path.join(pkg, "dist", "src", "dynamic"), { recursive: true });
            fs.copyFileSync(path.join(root, "package.json"), path.join(pkg, "package.json"));
            for (const dep of ["@pulumi", "yaml", "require-from-string"]) {
                fs.symlinkSync(path.join(root, "node_modules", dep), path.join(tmp, "node_modules", dep));
            }
            const script = `
                const pulumi = require("@pulumi/pulumi");
                const d = require(${JSON.stringify(path.join(pkg, "dist", "src", "dynamic", "index.js"))});
                (async () => {
                    for (const p of [d.clusterHealthProvider, d.propagationStatusProvider, d.orphanGuardProvider]) {
                        const sf = await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true });
                        if (/require\\("pulumi-kubefed/.test(sf.text)) throw new Error("captured the package as a module");
                        const h = require("require-from-string")(sf.text).handler();
                        if (typeof h.create !== "function") throw new Error("no create");
                    }
                    console.log("ok");
                })().catch((e) => { console.error(e.message); process.exit(1); });`;
            const out = execFileSync(process.execPath, ["-e", script], { cwd: tmp, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
            assert.strictEqual(out.trim(), "ok");
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
