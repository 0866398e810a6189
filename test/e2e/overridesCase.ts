/**
 * Issue 25's end-to-end case, shared by the TypeScript program (examples/overrides) and the Pulumi YAML one
 * (examples/yaml-overrides, through the component package): an image overrider with a cluster selector sends
 * registry.a images to the clusters labelled cloud=a and registry.b images to the others, read back from the members,
 * and the policy pack's registry rule judges the overridden images; a chart from a chart repository (served on
 * loopback) with a values file, a secret value and a value filled from each cluster's region lands per cluster, read
 * back, with the secret nowhere in plain state. Not a test file itself: the two *.test.ts files call it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, ROOT, filesUnder, getObject, scratchDir, serveChartRepository, startFleet, stopFleet, requireTestbed } from "../support";

/** How one program variant is set up and what its web Deployment runs. */
export interface OverridesCase {
    title: string;
    fleetName: string;
    /** The stack of the program, configured for the fleet, the chart repository and the secret `token`. */
    stack(fleet: Fleet, repo: string, token: string): Promise<{ stack: Stack; backend: string; cleanup?(): void }>;
    /** The images of the web Deployment's (init) containers with `registry` in front. */
    images(registry: string): string[];
    /** What the preview's registry violation names for c3. */
    c3Violation: RegExp;
}

const REGIONS: Record<string, string> = { c1: "us-east", c2: "eu-west", c3: "ap-south" };

export function describeOverridesCase(k: OverridesCase): void {
    const TOKEN = `e2e-token-${k.fleetName}`;
    describe(k.title, function () {
        let fleet: Fleet | undefined;
        let stack: Stack;
        let backend: string;
        let cleanup: (() => void) | undefined;
        let repo: { url: string; close(): Promise<void> } | undefined;
        const work = scratchDir(`kubefed-e2e-${k.fleetName}-`);

        before(async function () {
            requireTestbed(this);
            fleet = await startFleet(k.fleetName, Object.entries(REGIONS).map(([name, region]) =>
                ({ name, region, zones: [`${region}-1a`], labels: { cloud: name === "c3" ? "b" : "a" }, nodes: 1 })));
            repo = await serveChartRepository(work);
            ({ stack, backend, cleanup } = await k.stack(fleet, repo.url, TOKEN));
        });
        after(async () => {
            try { if (stack) await stack.destroy(); } finally { cleanup?.(); await stopFleet(fleet); await repo?.close(); }
        });

        it("the registry rule judges the overridden images at preview: registry.b not allowed stops the preview", async () => {
            const config = path.join(work, "policy-config.json");
            fs.writeFileSync(config, JSON.stringify({ "kubefed-overrides-and-images": { allowedRegistries: ["registry.a"] } }));
            const out: string[] = [];
            await assert.rejects(stack.preview({ policyPacks: [path.join(ROOT, "policy-pack")], policyPackConfigs: [config], onOutput: s => out.push(s) }));
            const text = out.join("");
            assert.match(text, /kubefed-overrides-and-images/);
            assert.match(text, k.c3Violation, text);
            assert.doesNotMatch(text, /"c1": registry\.a|"c2": registry\.a/);
            // both registries allowed: the preview passes
            fs.writeFileSync(config, JSON.stringify({ "kubefed-overrides-and-images": { allowedRegistries: ["registry.a", "registry.b", "docker.io"] } }));
            await stack.preview({ policyPacks: [path.join(ROOT, "policy-pack")], policyPackConfigs: [config] });
        });

        it("up: each member runs its cloud's registry, and the chart from the repository with its file, secret and region values", async () => {
            const res = await stack.up();
            for (const [c, registry] of [["c1", "registry.a"], ["c2", "registry.a"], ["c3", "registry.b"]]) {
                const d = await getObject(fleet!, c, "apps/v1", "Deployment", "default", "web");
                const spec = d.spec.template.spec;
                assert.deepEqual([...(spec.initContainers ?? []), ...spec.containers].map((x: { image: string }) => x.image), k.images(registry), c);
                const hello = await getObject(fleet!, c, "apps/v1", "Deployment", "default", "hello-hello");
                assert.equal(hello.spec.template.spec.containers[0].image, "nginx:1.26", `${c}: the values file's tag`);
                const cm = await getObject(fleet!, c, "v1", "ConfigMap", "default", "hello-hello");
                assert.equal(cm.data.message, REGIONS[c], `${c}: message from the cluster's region`);
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
}
