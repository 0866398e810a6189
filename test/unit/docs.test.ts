import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { Block, docFiles, fencedBlocks } from "../support/docs";

// Docs cannot drift from the package:
// - every ```ts sample of README.md and docs/*.md is type-checked against src/ (as `pulumi-kubefed` and
//   `pulumi-kubefed/core`), each as a module of its own: the imports it lacks are added, and names it uses without
//   declaring them (a `deployment`, the `clusters` of an earlier sample) are declared, with real types where the
//   docs use them the same way everywhere, else as `any`;
// - every ```bash block is either run by a test, marked `<!-- run by test/e2e/FILE.test.ts -->` on the line
//   before it (that test selects the blocks by this marker and runs them as written), or marked
//   `<!-- illustrative: why -->`. docs/testing.md ("Code samples") describes the convention.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const DOCS = docFiles();

/** Names the docs use without declaring them, with the type they have wherever they appear. */
const KNOWN: Record<string, string> = {
    cfg: "pulumi.Config",
    clusters: "kubefed.MemberCluster[]",
    east: "kubefed.MemberCluster", west: "kubefed.MemberCluster", eu: "kubefed.MemberCluster",
    kubeconfig: "pulumi.Output<string>", adminKubeconfig: "pulumi.Output<string>",
    deployment: "kubefed.KubernetesObject & { spec: any }", ingress: "kubefed.KubernetesObject",
    podTemplate: "{ spec?: any; metadata?: any }",
    apps: "kubefed.FederatedNamespace",
    apiService: "kubefed.FederatedResource",
    euToken: "pulumi.Output<string>",
    fleet: "{ name: string; context: string }[]",
};

const PRELUDE_IMPORTS: [string, string][] = [
    ["pulumi", `import * as pulumi from "@pulumi/pulumi";`],
    ["k8s", `import * as k8s from "@pulumi/kubernetes";`],
    ["kubefed", `import * as kubefed from "pulumi-kubefed";`],
];

/** The module a sample is checked as: its missing imports, declarations of `free` names, then the sample. */
function moduleOf(code: string, free: string[]): string {
    const imports = PRELUDE_IMPORTS.filter(([name]) => !new RegExp(`import \\* as ${name}\\b`).test(code)).map(([, i]) => i);
    const decls = free.map(n => `declare const ${n}: ${KNOWN[n] ?? "any"};`);
    const exportsSomething = /^export\b/m.test(code);
    return [...imports, ...decls, ...(exportsSomething ? [] : ["export {};"]), code, ""].join("\n");
}

const OPTIONS: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ["node"], lib: ["lib.es2022.d.ts"],
    baseUrl: ROOT, paths: { "pulumi-kubefed": ["src/index.ts"], "pulumi-kubefed/core": ["src/core/index.ts"] },
};

/** Type-checks the samples as one program (one file each); returns the diagnostics per sample. */
function check(samples: { name: string; text: string }[]): Map<string, ts.Diagnostic[]> {
    const files = new Map(samples.map(s => [path.join(ROOT, ".docs-samples", s.name), s.text]));
    const host = ts.createCompilerHost(OPTIONS);
    const read = host.readFile.bind(host);
    const exists = host.fileExists.bind(host);
    const getSource = host.getSourceFile.bind(host);
    host.readFile = f => files.get(f) ?? read(f);
    host.fileExists = f => files.has(f) || exists(f);
    host.getSourceFile = (f, lang, onError) => files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang, true) : getSource(f, lang, onError);
    const program = ts.createProgram([...files.keys()], OPTIONS, host);
    const out = new Map<string, ts.Diagnostic[]>();
    for (const [f] of files) out.set(path.basename(f), [...program.getSyntacticDiagnostics(program.getSourceFile(f)), ...program.getSemanticDiagnostics(program.getSourceFile(f))]);
    return out;
}

const name = (b: Block) => `${b.file.replace(/[/.]/g, "_")}_${b.line}.ts`;
const flat = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, "\n");

describe("docs: code samples", function () {
    this.timeout(180000);
    const blocks = DOCS.flatMap(fencedBlocks);
    const tsBlocks = blocks.filter(b => b.lang === "ts" || b.lang === "typescript");

    it("finds the samples (README's quickstart among them)", () => {
        assert.ok(tsBlocks.length >= 15, `${tsBlocks.length} ts samples`);
        assert.ok(tsBlocks.some(b => b.file === "README.md" && b.code.includes("new kubefed.FederatedResource(\"web\"")));
    });

    it("every TypeScript sample type-checks against the package's sources", () => {
        // first pass: which names does each sample use without declaring them?
        const first = check(tsBlocks.map(b => ({ name: name(b), text: moduleOf(b.code, []) })));
        const free = new Map(tsBlocks.map(b => [name(b), [...new Set((first.get(name(b)) ?? [])
            .filter(d => d.code === 2304 || d.code === 18004).map(d => /'([^']+)'/.exec(flat(d))?.[1]).filter((n): n is string => !!n))].sort()]));
        const second = check(tsBlocks.map(b => ({ name: name(b), text: moduleOf(b.code, free.get(name(b))!) })));
        const problems: string[] = [];
        for (const b of tsBlocks) {
            for (const d of second.get(name(b)) ?? []) {
                const prelude = moduleOf(b.code, free.get(name(b))!).split("\n").length - b.code.split("\n").length - 1;
                const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: prelude };
                problems.push(`${b.file}:${b.line + 1 + line - prelude}: TS${d.code}: ${flat(d)}`);
            }
        }
        assert.deepEqual(problems, []);
    });

    it("the check fails on a sample that misuses the package (it can fail)", () => {
        const bad = check([{ name: "bad.ts", text: moduleOf(`new kubefed.FederatedResource("x", { clusters, placement: { clusterz: [] }, template: deployment });`, ["clusters", "deployment"]) }]);
        assert.ok((bad.get("bad.ts") ?? []).some(d => /clusterz/.test(flat(d))), "an unknown placement field is reported");
    });

    it("every relative link of README and docs names a file that exists", () => {
        const broken: string[] = [];
        for (const file of DOCS) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
            for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                const target = m[1].split("#")[0];
                if (!target || /^[a-z]+:/.test(target)) continue;
                if (!fs.existsSync(path.join(ROOT, path.dirname(file), target))) broken.push(`${file}: ${m[1]}`);
            }
        }
        assert.deepEqual(broken, []);
    });

    it("every bash block is run by a test or marked illustrative", () => {
        const unmarked: string[] = [];
        for (const b of blocks.filter(x => ["bash", "sh", "shell", "console"].includes(x.lang))) {
            const m = b.marker ?? "";
            const run = /^run by (test\/\S+\.test\.ts)$/.exec(m);
            if (run) {
                const test = fs.readFileSync(path.join(ROOT, run[1]), "utf8");
                assert.ok(test.includes("run by test/e2e/readmeCommands.test.ts") || test.includes(`run by ${run[1]}`),
                    `${b.file}:${b.line}: ${run[1]} does not select blocks by the marker "run by ${run[1]}"`);
                continue;
            }
            if (/^illustrative: \S/.test(m)) continue;
            unmarked.push(`${b.file}:${b.line}`);
        }
        assert.deepEqual(unmarked, [], "bash blocks without <!-- run by test/... --> or <!-- illustrative: why -->");
    });
});
