import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

// The support table of docs/testing.md ("Supported versions") must list exactly what the test lanes run: the pins in testbed/setup.sh (toolchain),
// scripts/test-all.sh (the Node 22 lane) and package-lock.json (the Node 20 lane).
const ROOT = path.resolve(__dirname, "..", "..", "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

function shellVar(file: string, name: string): string {
    const m = new RegExp(`^${name}=("?)([^"\\s]*(?: [^"\\s]+)*)\\1`, "m").exec(read(file));
    assert.ok(m, `${file} sets ${name}`);
    return m[2];
}

/** Rows of the "Supported versions" table of docs/testing.md: first cell -> [supported, lane node20, lane node22]. */
function supportTable(): Map<string, string[]> {
    const readme = read("docs/testing.md");
    const start = readme.indexOf("## Supported versions");
    assert.ok(start >= 0, "docs/testing.md has a Supported versions section");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const rows = new Map<string, string[]>();
    for (const line of section.split("\n")) {
        if (!line.startsWith("|") || /^\|[-| ]+\|$/.test(line)) continue;
        const cells = line.split("|").slice(1, -1).map(c => c.trim());
        rows.set(cells[0].replace(/`/g, ""), cells.slice(1));
    }
    return rows;
}

describe("docs/testing.md support table lists what the test lanes run", () => {
    const table = supportTable();
    const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { version: string }> };
    const locked = (p: string) => lock.packages[`node_modules/${p}`].version.replace(/^v/, "");
    const node22Sdks = new Map(shellVar("scripts/test-all.sh", "NODE22_SDKS").split(" ").map(s => {
        const at = s.lastIndexOf("@");
        return [s.slice(0, at), s.slice(at + 1)] as const;
    }));
    const row = (name: string) => {
        const r = [...table].find(([k]) => k.startsWith(name))?.[1];
        assert.ok(r, `the support table has a row for ${name}`);
        return { node20: r[1], node22: r[2] };
    };
    const has = (cell: string, version: string, what: string) =>
        assert.ok(new RegExp(`(^|[^\\d.])${version.replace(/\./g, "\\.")}([^\\d.]|$)`).test(cell), `${what}: "${cell}" names ${version}`);

    it("the table has the header of the two lanes", () => {
        const header = [...table.values()][0];
        assert.deepEqual(header.slice(1), ["CI lane node20", "CI lane node22"]);
    });

    it("Node.js: the node22 lane's pin, and a 20.x for the node20 lane", () => {
        has(row("Node.js").node22, shellVar("scripts/test-all.sh", "NODE22_VERSION"), "Node.js node22");
        assert.match(row("Node.js").node20, /\b20\.\d+\.\d+\b/);
    });

    it("the Pulumi SDKs: the lockfile's in node20, test-all.sh's in node22", () => {
        for (const p of ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/policy"]) {
            has(row(p).node20, locked(p), `${p} node20`);
            const v = node22Sdks.get(p);
            assert.ok(v, `NODE22_SDKS pins ${p}`);
            has(row(p).node22, v, `${p} node22`);
        }
    });

    it("TypeScript and @kubernetes/client-node: the lockfile's in both lanes", () => {
        for (const [name, p] of [["TypeScript", "typescript"], ["@kubernetes/client-node", "@kubernetes/client-node"]]) {
            has(row(name).node20, locked(p), `${name} node20`);
            has(row(name).node22, locked(p), `${name} node22`);
        }
    });

    it("the toolchain: setup.sh's Pulumi CLI, provider code and Kubernetes in both lanes", () => {
        const cli = shellVar("testbed/setup.sh", "PULUMI_VERSION");
        has(row("Pulumi CLI").node20, cli, "Pulumi CLI node20");
        has(row("Pulumi CLI").node22, cli, "Pulumi CLI node22");
        has(row("Kubernetes provider plugin").node20, shellVar("testbed/setup.sh", "K8S_PROVIDER_CODE_VERSION"), "provider code");
        const yaml = shellVar("testbed/setup.sh", "PULUMI_YAML_VERSION").replace(/^v/, "");
        has(row("Pulumi YAML language host").node20, yaml, "YAML host node20");
        has(row("Pulumi YAML language host").node22, yaml, "YAML host node22");
        const k8s = shellVar("testbed/setup.sh", "K8S_VERSION").replace(/^v/, "");
        has(row("Kubernetes members").node20, k8s, "Kubernetes node20");
        has(row("Kubernetes members").node22, k8s, "Kubernetes node22");
    });

    it("each lane's @pulumi/kubernetes finds the provider plugin under its own version (setup.sh slots)", () => {
        const slots = shellVar("testbed/setup.sh", "K8S_PROVIDER_SLOTS").split(" ");
        for (const v of [locked("@pulumi/kubernetes"), node22Sdks.get("@pulumi/kubernetes")]) {
            assert.ok(v && slots.includes(v), `K8S_PROVIDER_SLOTS (${slots.join(" ")}) has ${v}`);
            has(row("Kubernetes provider plugin").node20 + " " + row("Kubernetes provider plugin").node22, v, "provider slots");
        }
    });
});
