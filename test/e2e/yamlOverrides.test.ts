import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { Fleet, ROOT, filesUnder, getObject, scratchDir, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 25 from Pulumi YAML through the component package (examples/yaml-overrides), as examples/overrides does it
// in TypeScript (test/e2e/overrides.test.ts): an image overrider with a cluster selector sends registry.a
// images to the clusters labelled cloud=a and registry.b images to the others, read back from the members, and the
// policy pack's registry rule judges the overridden images; a chart from a chart repository (served here on
// loopback) with a values file, a secret value and a value filled from each cluster's region lands per cluster,
// read back, with the secret nowhere in plain state.
const TOKEN = "e2e-token-7d2e4b";
const WORKDIR = path.join(ROOT, "examples", "yaml-overrides");

/** The chart examples/charts/hello, packaged, and a Helm repository index, served on 127.0.0.1. */
async function serveChartRepository(dir: string): Promise<{ url: string; close(): Promise<void> }> {
    execFileSync("tar", ["-czf", path.join(dir, "hello-0.1.0.tgz"), "-C", path.join(ROOT, "examples", "charts"), "hello"]);
    const digest = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, "hello-0.1.0.tgz"))).digest("hex");
    const server = http.createServer((req, res) => {
        const file = path.join(dir, path.basename(req.url ?? "/"));
        if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
        res.writeHead(200).end(fs.readFileSync(file));
    });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    fs.writeFileSync(path.join(dir, "index.yaml"), [
        "apiVersion: v1", "entries:", "  hello:", "  - apiVersion: v2", "    name: hello", "    version: 0.1.0", "    appVersion: \"1.0\"",
        `    digest: ${digest}`, "    urls:", `    - ${url}/hello-0.1.0.tgz`, `generated: "2026-01-01T00:00:00Z"`, ""].join("\n"));
    return { url, close: () => new Promise(r => server.close(() => r())) };
}

describe("e2e: overrides by selector, the image overrider, and a chart from a repository, from Pulumi YAML (issue 25)", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;
    let repo: { url: string; close(): Promise<void> } | undefined;
    const work = scratchDir("kubefed-e2e-overrides-");

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("yamloverrides", [
            { name: "c1", region: "us-east", zones: ["us-east-1a"], labels: { cloud: "a" }, nodes: 1 },
            { name: "c2", region: "eu-west", zones: ["eu-west-1a"], labels: { cloud: "a" }, nodes: 1 },
            { name: "c3", region: "ap-south", zones: ["ap-south-1a"], labels: { cloud: "b" }, nodes: 1 },
        ]);
        repo = await serveChartRepository(work);
        backend = scratchDir("kubefed-state-yamloverrides-");
        fs.rmSync(path.join(WORKDIR, "Pulumi.e2e.yaml"), { force: true });
        stack = await LocalWorkspace.createOrSelectStack({ stackName: "e2e", workDir: WORKDIR },
            { envVars: { PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase", PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_BACKEND_URL: `file://${backend}` } });
        await stack.setConfig("kubeconfig", { value: fleet.kubeconfig, secret: true });
        await stack.setConfig("token", { value: TOKEN, secret: true });
        await stack.setConfig("repo", { value: repo.url });
        await stack.setConfig("valuesFile", { value: path.join(ROOT, "examples", "overrides", "values", "base.yaml") });
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally {
            fs.rmSync(path.join(WORKDIR, "Pulumi.e2e.yaml"), { force: true });
            await stopFleet(fleet);
            await repo?.close();
        }
    });

    it("the registry rule judges the overridden images at preview: registry.b not allowed stops the preview", async () => {
        const config = path.join(work, "policy-config.json");
        fs.writeFileSync(config, JSON.stringify({ "kubefed-overrides-and-images": { allowedRegistries: ["registry.a"] } }));
        const out: string[] = [];
        await assert.rejects(stack.preview({ policyPacks: [path.join(ROOT, "policy-pack")], policyPackConfigs: [config], onOutput: s => out.push(s) }));
        const text = out.join("");
        assert.match(text, /kubefed-overrides-and-images/);
        assert.match(text, /"c3": registry\.b\/shop\/web:1\.0/, text);
        assert.doesNotMatch(text, /"c1": registry\.a|"c2": registry\.a/);
        // both registries allowed: the preview passes
        fs.writeFileSync(config, JSON.stringify({ "kubefed-overrides-and-images": { allowedRegistries: ["registry.a", "registry.b", "docker.io"] } }));
        await stack.preview({ policyPacks: [path.join(ROOT, "policy-pack")], policyPackConfigs: [config] });
    });

    it("up: each member runs its cloud's registry, and the chart from the repository with its file, secret and region values", async () => {
        const res = await stack.up();
        for (const [c, registry] of [["c1", "registry.a"], ["c2", "registry.a"], ["c3", "registry.b"]]) {
            const d = await getObject(fleet!, c, "apps/v1", "Deployment", "default", "web");
            assert.deepEqual(d.spec.template.spec.containers.map((x: { image: string }) => x.image), [`${registry}/shop/web:1.0`], c);
            const hello = await getObject(fleet!, c, "apps/v1", "Deployment", "default", "hello-hello");
            assert.equal(hello.spec.template.spec.containers[0].image, "nginx:1.26", `${c}: the values file's tag`);
            const cm = await getObject(fleet!, c, "v1", "ConfigMap", "default", "hello-hello");
            assert.equal(cm.data.message, { c1: "us-east", c2: "eu-west", c3: "ap-south" }[c], `${c}: message from the cluster's region (set in the YAML program)`);
            const secret = await getObject(fleet!, c, "v1", "Secret", "default", "hello-token");
            assert.equal(Buffer.from(secret.data.token, "base64").toString(), TOKEN, `${c}: the secret value arrived`);
        }
        // the decision shows where the secret goes, never the secret
        assert.equal(res.outputs.chartValues.value.c1.token, "<output>");
        // What the backend stores (the Automation API's exportStack decrypts secrets, so read the files).
        const files = filesUnder(backend);
        assert.ok(files.some(p => p.endsWith(".json")), "the backend holds state");
        for (const file of files) assert.ok(!fs.readFileSync(file, "utf8").includes(TOKEN), `${file} holds the secret value in plain text`);
        await stack.preview({ expectNoChanges: true });
    });
});
