import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ProviderKind, providerLoader } from "../../../src/resources/loader";

// What a dynamic resource stores in state is the serialized provider. Since 0.2 it is a loader of the installed
// package: these tests pin its size, that it captures nothing but strings, and that it runs once loaded the way the
// dynamic-provider host loads it, from a project that has the package installed and from this repository.

/** Serializes a provider the way the SDK does for `pulumi.dynamic.Resource` (a closure returning the object). */
function serialize(kind: ProviderKind): Promise<pulumi.runtime.SerializedFunction> {
    const provider = providerLoader(kind);
    return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

/** Loads serialized provider text the way the dynamic-provider host does (require-from-string, cwd = project). */
function loadSerialized(text: string): Record<string, (...a: unknown[]) => Promise<Record<string, unknown>>> {
    const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
    return requireFromString(text).handler();
}

const kinds: ProviderKind[] = ["memberReadBack", "serviceAccountToken", "orphanMarker"];

describe("dynamic providers: what is stored in state", function () {
    this.timeout(60_000);
    for (const kind of kinds) {
        it(`${kind}: the stored code is a loader of at most 2 KB that requires only the package`, async () => {
            const sf = await serialize(kind);
            assert.ok(sf.text.length <= 2048, `serialized size ${sf.text.length} bytes:\n${sf.text}`);
            const requires = [...new Set(sf.text.match(/require\([^)]*\)/g) ?? [])].sort();
            assert.deepStrictEqual(requires, ["require(f)", "require(s)"]);
            assert.match(sf.text, /"pulumi-kubefed\/dynamic-providers"/);
            const p = loadSerialized(sf.text);
            assert.deepStrictEqual(Object.keys(p).sort(), ["create", "delete", "diff", "read", "update"]);
        });
    }

    it("one provider object per kind, so the SDK serializes each once per process", () => {
        assert.strictEqual(providerLoader("memberReadBack"), providerLoader("memberReadBack"));
        assert.notStrictEqual(providerLoader("memberReadBack"), providerLoader("orphanMarker"));
    });

    it("in this repository the loader falls back to this build and runs its code", async () => {
        const sf = await serialize("orphanMarker");
        const p = loadSerialized(sf.text);
        const inputs = { target: { apiVersion: "v1", kind: "ConfigMap", name: "c" }, clusters: ["b", "a"] };
        const created = await p.create(inputs);
        assert.deepStrictEqual((created.outs as Record<string, unknown>).clusters, ["a", "b"]);
        assert.strictEqual((await p.diff("id", created.outs, inputs)).changes, false);
    });

    it("from a project with the package installed, the loader requires it by name (not by this build's path)", async () => {
        const root = path.resolve(__dirname, "../../../..");
        const sf = await serialize("orphanMarker");
        // Simulate another machine: the fallback path of this build does not exist there.
        const text = sf.text.replace(JSON.stringify(path.join(root, "dist", "src", "provider", "providers.js")), JSON.stringify("/nonexistent/providers.js"));
        assert.notStrictEqual(text, sf.text, "the fallback path is in the stored code");
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-pkg-"));
        try {
            const pkg = path.join(tmp, "node_modules", "pulumi-kubefed");
            fs.mkdirSync(path.join(pkg, "dist"), { recursive: true });
            fs.cpSync(path.join(root, "dist", "src"), path.join(pkg, "dist", "src"), { recursive: true });
            fs.copyFileSync(path.join(root, "package.json"), path.join(pkg, "package.json"));
            for (const dep of fs.readdirSync(path.join(root, "node_modules"))) {
                if (dep.startsWith(".")) continue;
                fs.symlinkSync(path.join(root, "node_modules", dep), path.join(tmp, "node_modules", dep));
            }
            fs.writeFileSync(path.join(tmp, "provider.js"), text);
            const script = `
                const h = require("require-from-string")(require("fs").readFileSync("provider.js", "utf8")).handler();
                h.create({ target: { apiVersion: "v1", kind: "ConfigMap", namespace: "n", name: "c" }, clusters: ["a"] })
                  .then((r) => console.log(r.id), (e) => { console.error(e.message); process.exit(1); });`;
            const out = execFileSync(process.execPath, ["-e", script], { cwd: tmp, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
            assert.strictEqual(out.trim(), "v1:ConfigMap:n/c");
            // and without the package, the error says what to do
            fs.rmSync(pkg, { recursive: true, force: true });
            let msg = "";
            try {
                execFileSync(process.execPath, ["-e", script], { cwd: tmp, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
            } catch (e) {
                msg = String((e as { stderr?: string }).stderr);
            }
            assert.match(msg, /cannot load the orphanMarker provider: npm install pulumi-kubefed/);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
