import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { Block, Fleet, ROOT, eventually, fencedBlocks, getObject, managedObjects, requireTestbed, scratchDir, startFleet, stopFleet } from "../support";

// README as a newcomer follows it, under the real engine against a test-bed fleet: every ```bash block README marks
// `<!-- run by test/e2e/readmeCommands.test.ts -->` is run here line by line as written, in the layout the text
// describes — a folder holding the clone (`pulumi-kubefed/`, a copy of this checkout with its node_modules, as
// after `npm ci`) and the user's projects beside it; `HOME` holds a `~/.kube/config` whose contexts `east`, `west`
// and `eu` are the fleet's members. The Quickstart's `Pulumi.yaml` and `index.ts`, and the YAML project's
// `Pulumi.yaml`, are written as README has them. Only the environment is the test's: the test bed's PATH and
// PULUMI_HOME, npm's cache, and KUBEFED_FLEET_DIR for the demo's own fleet.
const MARK = "run by test/e2e/readmeCommands.test.ts";

interface Section { title: string; blocks: Block[] }

/** README's sections (## and ###) with their fenced blocks. */
function readmeSections(): Section[] {
    const text = fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n");
    const blocks = fencedBlocks("README.md");
    const heads = text.map((l, i) => [l, i] as const).filter(([l]) => /^#{2,3} /.test(l));
    return heads.map(([l, i], k) => {
        const end = k + 1 < heads.length ? heads[k + 1][1] : text.length;
        return { title: l.replace(/^#+ /, ""), blocks: blocks.filter(b => b.line - 1 > i && b.line - 1 < end) };
    });
}

const sections = readmeSections();
const section = (title: string) => {
    const s = sections.find(x => x.title === title);
    assert.ok(s, `README has a section "${title}"`);
    return s!;
};
const runBlocks = (title: string) => section(title).blocks.filter(b => b.lang === "bash" && b.marker === MARK);

/** Runs each line of `block` as written with bash in `cwd`; returns the outputs, failing on the first error. */
function runLines(block: Block, cwd: string, env: NodeJS.ProcessEnv, log: string[]): { line: string; out: string; code: number }[] {
    const results: { line: string; out: string; code: number }[] = [];
    // one shell for the block, so `cd` and `export` carry over from line to line as in a terminal
    const lines = block.code.split("\n").filter(l => l.trim() && !l.trim().startsWith("#"));
    const script = lines.map((l, i) => `echo "::line ${i}"\n${l}\necho "::code ${i} $?"`).join("\n") + `\necho "::cwd $PWD"`;
    const r = spawnSync("bash", ["-c", script], { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 1500000 });
    const out = `${r.stdout}${r.stderr}`;
    log.push(`$ (README.md:${block.line}, in ${cwd})\n${out}`);
    for (let i = 0; i < lines.length; i++) {
        const m = new RegExp(`::line ${i}\\n([\\s\\S]*?)::code ${i} (\\d+)`).exec(r.stdout);
        assert.ok(m, `README.md:${block.line}: "${lines[i]}" did not finish:\n${out.slice(-4000)}`);
        results.push({ line: lines[i], out: m![1], code: Number(m![2]) });
        assert.equal(Number(m![2]), 0, `README.md:${block.line}: "${lines[i]}" failed:\n${m![1].slice(-4000)}\n${r.stderr.slice(-2000)}`);
    }
    return results;
}

/**
 * The files a clean clone of `root` has (plus new, unignored ones). The node22 lane runs from a copy that is not a
 * git work tree (scripts/test-all.sh), so without git the tree is walked, leaving out what a clone never holds.
 */
function cloneFiles(root: string): string[] {
    const git = spawnSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: root, encoding: "utf8" });
    if (git.status === 0 && spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" }).stdout.trim() === fs.realpathSync(root)) {
        return git.stdout.split("\n").filter(Boolean);
    }
    const out: string[] = [];
    const walk = (rel: string): void => {
        for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) {
                if (!["node_modules", "dist", ".git"].includes(e.name)) walk(r);
            } else if (e.isFile()) out.push(r);
        }
    };
    walk("");
    return out;
}

describe("e2e: README's commands, as written", function () {
    let fleet: Fleet | undefined;
    let work: string;
    let env: NodeJS.ProcessEnv;
    const log: string[] = [];
    const demoFleet = () => path.join(work, "demo-fleet");

    before(async function () {
        requireTestbed(this);
        work = scratchDir("kubefed-readme-");
        fleet = await startFleet("readme", [
            { name: "east", labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] },
            { name: "west", labels: { tier: "prod" }, region: "us-west", zones: ["us-west-2a"] },
            { name: "eu", labels: { tier: "staging" }, region: "eu-central", zones: ["eu-central-1a"] },
        ], { kwok: false });
        const home = path.join(work, "home");
        fs.mkdirSync(path.join(home, ".kube"), { recursive: true });
        fs.writeFileSync(path.join(home, ".kube", "config"), fleet.kubeconfig);
        // the clone, as after `npm ci`: this checkout's files (tracked and new), its node_modules linked
        const clone = path.join(work, "pulumi-kubefed");
        const files = cloneFiles(ROOT);
        for (const f of files) {
            const src = path.join(ROOT, f);
            if (f === "node_modules" || !fs.existsSync(src) || fs.lstatSync(src).isSymbolicLink() || fs.statSync(src).isDirectory()) continue;
            fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
            fs.copyFileSync(src, path.join(clone, f));
        }
        fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(clone, "node_modules"));
        env = {
            ...process.env, HOME: home,
            npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
            npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false",
            PULUMI_KUBEFED_CACHE: process.env.PULUMI_KUBEFED_CACHE ?? path.join(os.homedir(), ".cache", "pulumi-kubefed"),
            KUBEFED_FLEET_DIR: path.join(work, "demo-fleet"),
        };
        for (const k of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "KUBECONFIG", "PULUMI_NODEJS_TRANSPILE_ONLY"]) delete env[k];
    });
    after(async () => {
        if (work) fs.writeFileSync(path.join(work, "readme-commands.log"), log.join("\n"));
        if (work && fs.existsSync(path.join(demoFleet(), "fleet.json"))) {
            spawnSync(process.execPath, [path.join(ROOT, "testbed", "fleet.js"), "stop", "--dir", demoFleet()], { stdio: "ignore" });
        }
        await stopFleet(fleet);
    });

    it("README marks the blocks this test runs, and this test runs every one of them", () => {
        const marked = sections.flatMap(s => s.blocks.filter(b => b.marker === MARK).map(b => `${s.title}@${b.line}`));
        const ran = ["Two commands", "Install", "Quickstart", "The demo program on your own clusters", "Other languages"]
            .flatMap(t => runBlocks(t).map(b => `${t}@${b.line}`));
        assert.deepEqual(ran.sort(), marked.sort());
        assert.equal(runBlocks("Two commands").length, 1);
        // the second of the two commands is the suite itself (illustrative there): it is what package.json runs
        assert.ok(section("Two commands").blocks.some(b => b.code.trim() === "npm test"));
        assert.equal(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.test, "bash scripts/test-all.sh");
    });

    it("Install: pack the clone, make a project beside it, install the tarball", () => {
        const [install] = runBlocks("Install");
        assert.match(install.code, new RegExp(`pulumi-kubefed-${JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version.replace(/\./g, "\\.")}\\.tgz`),
            "README installs the tarball of this version");
        runLines(install, work, env, log);
        const pkg = path.join(work, "my-fleet", "node_modules", "pulumi-kubefed");
        assert.ok(fs.existsSync(path.join(pkg, "dist", "src", "index.js")), "the library is installed from the tarball");
        assert.ok(fs.existsSync(path.join(pkg, "plugin", "PulumiPlugin.yaml")), "with its component package");
        assert.ok(!fs.lstatSync(pkg).isSymbolicLink(), "a copy, not a link into the clone");
    });

    it("Quickstart: Pulumi.yaml and index.ts as README has them, `pulumi up` on east, west and eu, the stated result", async () => {
        const q = section("Quickstart");
        const project = path.join(work, "my-fleet");
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), q.blocks.find(b => b.lang === "yaml")!.code + "\n");
        fs.writeFileSync(path.join(project, "index.ts"), q.blocks.find(b => b.lang === "ts")!.code + "\n");
        const [up, cli] = runBlocks("Quickstart");
        const res = runLines(up, project, env, log);
        assert.match(res[res.length - 1].out, /webClusters\s*:\s*\[\s*\[0\]: "east"\s*\[1\]: "west"\s*\]/, "webClusters is east, west");
        const f = fleet!;
        assert.deepEqual(await managedObjects(f, "east"), ["Deployment shop/web", "Namespace shop"]);
        assert.deepEqual(await managedObjects(f, "west"), ["Deployment shop/web", "Namespace shop"]);
        assert.deepEqual(await managedObjects(f, "eu"), ["Namespace shop"]);
        assert.equal((await getObject(f, "east", "apps/v1", "Deployment", "shop", "web")).spec.template.spec.containers[0].image, "nginx:1.25");
        assert.equal((await getObject(f, "west", "apps/v1", "Deployment", "shop", "web")).spec.template.spec.containers[0].image, "nginx:1.27");

        // the CLI lines run in the same shell state as the up: the backend and passphrase README exported
        const exports = up.code.split("\n").filter(l => l.startsWith("export ")).join("\n");
        const cliBlock: Block = { ...cli, code: `${exports}\n${cli.code}` };
        const out = runLines(cliBlock, project, env, log).filter(r => r.line.startsWith("npx"));
        const by = (prefix: string) => out.find(r => r.line === prefix)!.out;
        assert.match(by("npx pulumi-kubefed status"), /^east\s+Ready/m);
        const yaml = YAML.parse(by("npx pulumi-kubefed status -o yaml --cluster east"));
        assert.deepEqual(yaml.clusters.map((c: { clusterName: string }) => c.clusterName), ["east"]);
        assert.match(by("npx pulumi-kubefed plan --object web"), /^Deployment shop\/web\s+2\s+-\s+2\*\s+-$/m);
        assert.match(by("npx pulumi-kubefed status --help"), /usage: pulumi-kubefed status/);
        assert.doesNotMatch(out.map(r => r.out).join("\n"), /Could not find entry point/, "Pulumi.yaml names the program");

        // Beyond README's block, as a user trying the CLI would: every subcommand's --help, and `status --watch`
        // (README: "keeps showing it until Ctrl-C"), stopped with SIGINT after two rounds.
        for (const sub of ["plan", "shards", "reconcile", "operator"]) {
            const h = spawnSync("bash", ["-c", `npx pulumi-kubefed ${sub} --help`], { cwd: project, env, encoding: "utf8" });
            assert.equal(h.status, 0, `${sub} --help: ${h.stdout}${h.stderr}`);
            assert.match(h.stdout, new RegExp(`usage: pulumi-kubefed ${sub}`), h.stdout);
        }
        // its own process group: Ctrl-C signals the whole group (npx and the CLI under it), and so does the test
        const watch = spawn("bash", ["-c", `${exports}\nexec npx pulumi-kubefed status --watch --interval 1s`], { cwd: project, env, detached: true });
        let shown = "";
        watch.stdout.on("data", (d: Buffer) => { shown += d; });
        // each round clears the screen first (an escape sequence), so the rows are counted anywhere in the output
        await eventually("status --watch shows the fleet twice", async () => (shown.match(/east\s+Ready/g) ?? []).length >= 2, 120000);
        const exited = new Promise<string>(r => watch.on("exit", (code, signal) => r(signal ?? String(code))));
        process.kill(-watch.pid!, "SIGINT");
        // npx itself dies of the signal; the CLI under it stops with exit 0 (unit-tested in test/unit/cli/watch.test.ts)
        assert.ok(["0", "SIGINT"].includes(await exited), `status --watch stops on Ctrl-C (${await exited})`);

        // not README's: clear the members for the next program, which declares the same objects
        const down = spawnSync("bash", ["-c", `${exports}\npulumi destroy --yes --stack dev`], { cwd: project, env, encoding: "utf8" });
        assert.equal(down.status, 0, down.stdout + down.stderr);
        await eventually("namespace shop gone from every member", async () =>
            (await Promise.all(["east", "west", "eu"].map(c => getObject(f, c, "v1", "Namespace", undefined, "shop")))).every(o => o === undefined), 180000);
    });

    it("The demo program on your own clusters: KUBEFED_KUBECONFIG and KUBEFED_CONTEXTS, nothing started", async () => {
        const [byo] = runBlocks("The demo program on your own clusters");
        const res = runLines(byo, path.join(work, "pulumi-kubefed"), env, log);
        assert.match(res[0].out, /your clusters: \[\{"name":"east","context":"east","labels":\{"tier":"prod"\}\}/);
        assert.ok(!fs.existsSync(demoFleet()), "no fleet was started");
        // examples/quickstart: web (tier prod: east, west) with 6 replicas at most 4 each, settings everywhere
        const f = fleet!;
        const web = await Promise.all(["east", "west"].map(c => getObject(f, c, "apps/v1", "Deployment", "shop", "web")));
        assert.deepEqual(web.map(w => w.spec.replicas), [3, 3]);
        assert.equal((await getObject(f, "eu", "v1", "ConfigMap", "shop", "settings")).data.mode, "ci");
    });

    it("Other languages: a YAML project on the installed package's plugin, `pulumi up` as README shows it", async () => {
        const o = section("Other languages");
        const [install] = runBlocks("Other languages");
        runLines(install, work, env, log);
        const project = path.join(work, "my-yaml-fleet");
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), o.blocks.find(b => b.lang === "yaml")!.code + "\n");
        assert.equal(YAML.parse(fs.readFileSync(path.join(project, "Pulumi.yaml"), "utf8")).packages["pulumi-kubefed"], "./node_modules/pulumi-kubefed/plugin");
        // README's quickstart commands for this project (state, stack, kubeconfig, up)
        const [up] = runBlocks("Quickstart");
        const res = runLines(up, project, env, log);
        assert.match(res[res.length - 1].out, /placed\s*:\s*\[\s*\[0\]: "east"\s*\]/);
        assert.equal((await getObject(fleet!, "east", "v1", "ConfigMap", "default", "settings")).data.mode, "normal");
        assert.equal(await getObject(fleet!, "west", "v1", "ConfigMap", "default", "settings"), undefined);
    });

    it("Two commands: npm run demo starts the local fleet and runs the quickstart on it", function () {
        const [demo] = runBlocks("Two commands");
        const res = runLines(demo, path.join(work, "pulumi-kubefed"), env, log);
        const out = res[0].out;
        assert.match(out, /== (pulumi from PATH|pulumi: built by the test bed)/);
        assert.match(out, /starting a local fleet/);
        assert.match(out, /^c1\s+\(tier=prod/m);
        assert.match(out, /Deployment shop\/web\s+replicas 3/);
    });
});
