import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// The member I/O is housed by where it runs (issue 21): src/member is a library over the core only, src/provider is
// what the engine's dynamic-provider process loads (no Pulumi SDK), src/resources the program side. These checks
// read the sources and load the built entry point, so a new import that crosses a line fails here.
const ROOT = path.resolve(__dirname, "../../../..");
const SRC = path.join(ROOT, "src");

/** `[file, module specifier, type-only]` of every import and re-export of the `.ts` files in `dir`. */
function importsOf(dir: string): [string, string, boolean][] {
    const out: [string, string, boolean][] = [];
    for (const f of fs.readdirSync(path.join(SRC, dir)).filter(f => f.endsWith(".ts")).sort()) {
        const text = fs.readFileSync(path.join(SRC, dir, f), "utf8");
        for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)";/gms)) out.push([`${dir}/${f}`, m[2], !!m[1]]);
    }
    return out;
}

/** The src folder an import of `file` lands in (`core`, `member`, ...), or undefined for a package. */
function folderOf(file: string, spec: string): string | undefined {
    if (!spec.startsWith(".")) return undefined;
    return path.relative(SRC, path.resolve(SRC, path.dirname(file), spec)).split(path.sep)[0];
}

describe("layering of the member I/O (src/member, src/provider, src/resources)", () => {
    it("src/member imports only the core, itself and Node/npm packages other than the Pulumi SDK", () => {
        const bad = importsOf("member").filter(([f, s]) => s.startsWith("@pulumi/") || !["core", "member", undefined].includes(folderOf(f, s)));
        assert.deepEqual(bad, []);
    });

    it("src/provider imports no @pulumi/* module other than types, and nothing of the program side", () => {
        const bad = importsOf("provider").filter(([f, s, typeOnly]) => (s.startsWith("@pulumi/") && !typeOnly)
            || !["core", "member", "compat", "provider", undefined].includes(folderOf(f, s)));
        assert.deepEqual(bad, []);
    });

    it("loading pulumi-kubefed/dynamic-providers loads no @pulumi/* module", () => {
        const entry = path.join(ROOT, "dist", "src", "provider", "providers.js");
        const script = `const p = require(${JSON.stringify(entry)}).providers;
            console.log(JSON.stringify({ kinds: Object.keys(p).sort(), pulumi: Object.keys(require.cache).filter(k => k.includes("@pulumi")) }));`;
        const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
        assert.deepEqual(out.kinds, ["memberReadBack", "orphanMarker", "rolloutGate", "serviceAccountToken"]);
        assert.deepEqual(out.pulumi, []);
    });

    it("the managed label and the server-set fields are written down once, in the core", () => {
        const hits: string[] = [];
        const walk = (dir: string): void => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) walk(p);
                else if (e.name.endsWith(".ts")) {
                    const text = fs.readFileSync(p, "utf8");
                    if (text.includes('"kubefed.io/managed"')) hits.push(`${path.relative(SRC, p)}: managed label`);
                    if (/"(metadata\.)?managedFields"/.test(text)) hits.push(`${path.relative(SRC, p)}: server-set fields`);
                }
            }
        };
        walk(SRC);
        assert.deepEqual(hits.sort(), ["core/labels.ts: managed label", "core/objects.ts: server-set fields"].sort());
    });
});
