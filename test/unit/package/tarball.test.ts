import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageComponents } from "../../../src/package/schema";

// What `npm pack` puts into the two tarballs (the library and the policy pack), after `npm run build`: a LICENSE in
// each, one version everywhere, caret ranges for runtime dependencies, source maps that carry their sources, and
// the component package (plugin/) working from an installed copy, not only from a clone.
const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const json = (f: string) => JSON.parse(read(f)) as Record<string, any>;

/** The files `npm pack` would put into the tarball of `dir` (no lifecycle scripts). */
function packed(dir: string): string[] {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: path.join(ROOT, dir), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map(f => f.path).sort();
}

describe("package: the tarballs", function () {
    this.timeout(120000);
    let lib: string[];
    let pack: string[];
    before(() => { lib = packed("."); pack = packed("policy-pack"); });

    it("both tarballs hold the LICENSE, the same text", () => {
        assert.ok(lib.includes("LICENSE"), "library tarball has LICENSE");
        assert.ok(pack.includes("LICENSE"), "policy-pack tarball has LICENSE");
        assert.equal(read("policy-pack/LICENSE"), read("LICENSE"));
    });

    it("one version: library, plugin and policy pack; the pack's dependency on the library accepts it", () => {
        const v = json("package.json").version;
        assert.match(v, /^\d+\.\d+\.\d+$/);
        assert.equal(json("plugin/package.json").version, v);
        assert.equal(json("policy-pack/package.json").version, v);
        assert.equal(json("package-lock.json").packages[""].version, v);
        const [major, minor] = v.split(".");
        assert.equal(json("policy-pack/package.json").dependencies["pulumi-kubefed"], major === "0" ? `^0.${minor}.0` : `^${major}.0.0`);
        const changelog = read("CHANGELOG.md");
        assert.match(changelog, new RegExp(`^## ${v.replace(/\./g, "\\.")}$`, "m"), "CHANGELOG.md has a section for this version");
        assert.ok(lib.includes("CHANGELOG.md"));
    });

    it("runtime dependencies are caret ranges, in package.json and the lockfile's root entry", () => {
        const deps = json("package.json").dependencies as Record<string, string>;
        for (const [name, range] of Object.entries(deps)) assert.match(range, /^\^\d+\.\d+\.\d+$/, `${name}: ${range}`);
        assert.deepEqual(json("package-lock.json").packages[""].dependencies, deps);
    });

    it("metadata: keywords; no repository, homepage or bugs address that does not exist", () => {
        const p = json("package.json");
        assert.ok(Array.isArray(p.keywords) && p.keywords.includes("pulumi") && p.keywords.includes("kubernetes"));
        for (const k of ["repository", "homepage", "bugs"]) if (p[k] !== undefined) assert.doesNotMatch(JSON.stringify(p[k]), /example|TODO|<|placeholder/i, k);
    });

    it("every shipped source map carries its sources (sourcesContent), none points at an unshipped file only", () => {
        const maps = lib.filter(f => f.endsWith(".map"));
        assert.ok(maps.length > 0, "the library ships source maps");
        for (const m of maps) {
            const map = JSON.parse(read(m)) as { sources: string[]; sourcesContent?: (string | null)[] };
            assert.equal(map.sourcesContent?.length, map.sources.length, `${m}: sourcesContent`);
            assert.ok(map.sourcesContent!.every(s => typeof s === "string" && s.length > 0), `${m}: empty sourcesContent`);
        }
        assert.ok(!pack.some(f => f.endsWith(".map")), "the policy pack ships no source maps");
    });

    it("plugin/ is shipped with what the schema analyzer and the provider need, and its main is a shipped file", () => {
        for (const f of ["plugin/PulumiPlugin.yaml", "plugin/package.json", "plugin/tsconfig.json", "plugin/index.ts", "src/package/schema.ts"]) {
            assert.ok(lib.includes(f), `${f} is in the tarball`);
        }
        const main = path.posix.normalize(path.posix.join("plugin", json("plugin/package.json").main));
        assert.ok(lib.includes(main), `plugin main ${main} is in the tarball`);
        assert.equal(json("plugin/tsconfig.json").extends, undefined, "plugin/tsconfig.json stands alone (the root tsconfig is not shipped)");
    });

    it("from the unpacked tarball, the plugin's provider infers the schema of every component", function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-tarball-"));
        try {
            const tgz = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
            const nm = path.join(dir, "node_modules");
            fs.mkdirSync(nm);
            execFileSync("tar", ["-xzf", path.join(dir, tgz), "-C", nm]);
            fs.renameSync(path.join(nm, "package"), path.join(nm, "pulumi-kubefed"));
            // the project's dependencies, as an install would provide them beside the package
            for (const d of ["@pulumi", "@kubernetes", "yaml", "typescript", "google-protobuf", "@grpc", "semver"]) {
                if (fs.existsSync(path.join(ROOT, "node_modules", d))) fs.symlinkSync(path.join(ROOT, "node_modules", d), path.join(nm, d));
            }
            const script = `
                const path = require("path");
                const pkg = path.join(${JSON.stringify(nm)}, "pulumi-kubefed");
                const { KubefedComponentProvider } = require(path.join(pkg, "dist/src/package/provider.js"));
                const { packageComponents } = require(path.join(pkg, "dist/src/package/schema.js"));
                new KubefedComponentProvider({ name: "pulumi-kubefed", dirname: path.join(pkg, "plugin"), version: "0.0.0",
                    components: Object.values(packageComponents) }).getSchema()
                    .then(s => console.log(Object.keys(JSON.parse(s).resources).sort().join(" ")));`;
            const out = execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: nm } }).trim();
            assert.equal(out, Object.keys(packageComponents).sort().map(c => `pulumi-kubefed:index:${c}`).join(" "));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
