import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CliStack, Fleet, ROOT, cliTestBed, fencedBlocks, jsonOf, kubefedCli, listManagedObjects } from "../support";

// Workload shards through the real CLI, as docs/sharding.md ("Shards by workload") tells a user: examples/shards-workloads
// run as one stack per namespace (dev-shop, dev-ops) by `pulumi-kubefed shards`, with the docs' spec file and the
// docs' commands (the ```bash block marked for this file, run line by line as written in the example's directory).
// The member objects are read back from the API servers; each stack's state must hold only its namespace's
// components and member objects; a hash layout that would split a workload from its namespace is refused at preview.

const EXAMPLE = path.join(ROOT, "examples", "shards-workloads");
const MARK = "run by test/e2e/shardsWorkload.test.ts";
const KINDS = [{ apiVersion: "v1", kind: "Namespace" }, { apiVersion: "v1", kind: "ConfigMap" }, { apiVersion: "apps/v1", kind: "Deployment" }];

/** Every object of the program in every member, by cluster, kind and name. */
async function snapshot(fleet: Fleet): Promise<string[]> {
    const out: string[] = [];
    for (const c of fleet.clusters) {
        for (const ns of ["shop", "ops"]) {
            for (const { plural, object: it } of await listManagedObjects(fleet, c.name, { kinds: KINDS, namespace: ns })) {
                out.push(`${c.name} ${plural} ${it.metadata.namespace ?? ""}/${it.metadata.name}`);
            }
        }
    }
    return [...new Set(out)].sort();
}

describe("e2e: workload shards (one stack per namespace) as docs/sharding.md runs them", function () {
    this.timeout(1_500_000);
    let fleet: Fleet | undefined;
    let work: string;
    let env: Record<string, string>;
    const stacks: Record<string, CliStack> = {};
    const placed: string[] = []; // config files put in the example's directory for the docs' commands

    before(async function () {
        ({ env, work, fleet } = await cliTestBed(this, "shards-workloads"));
        const config = { kubeconfig: fleet.kubeconfig, clusters: fleet.clusters };
        for (const s of ["shop", "ops"]) {
            stacks[s] = new CliStack(EXAMPLE, `dev-${s}`, work, env);
            await stacks[s].init(config, ["kubeconfig"]);
            // the docs' spec names no --config-file: the stack's config lives where pulumi looks for it
            const file = path.join(EXAMPLE, `Pulumi.dev-${s}.yaml`);
            fs.copyFileSync(stacks[s].configFile, file);
            placed.push(file);
        }
    });

    after(async function () {
        for (const st of Object.values(stacks)) {
            await st.run(["destroy", "--yes", "--skip-preview"], false).catch(() => undefined);
            await st.remove().catch(() => undefined);
        }
        for (const f of placed) fs.rmSync(f, { force: true });
        await fleet?.stop();
        if (work && !process.env.KUBEFED_E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
    });

    it("the docs' spec is the example's, and the docs' commands shard the program by namespace", async () => {
        const yamlBlock = fencedBlocks("docs/sharding.md").find(b => b.lang === "yaml" && b.code.includes("examples/shards-workloads/shards.yaml"))!;
        const fromDocs = YAML.parse(yamlBlock.code);
        assert.deepEqual(YAML.parse(fs.readFileSync(path.join(EXAMPLE, "shards.yaml"), "utf8")), fromDocs, "docs/sharding.md shows another spec than the example's");
        const blocks = fencedBlocks("docs/sharding.md").filter(b => b.lang === "bash" && b.marker === MARK);
        assert.equal(blocks.length, 1);
        // `pulumi-kubefed` as installed: the package's real entry point on PATH
        const bin = path.join(work, "bin");
        fs.mkdirSync(bin, { recursive: true });
        fs.writeFileSync(path.join(bin, "pulumi-kubefed"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, "dist", "src", "cli.js")}" "$@"\n`, { mode: 0o755 });
        const runEnv = { ...stacks.shop.env, PATH: `${bin}:${stacks.shop.env.PATH}` };
        const outs: string[] = [];
        for (const line of blocks[0].code.split("\n").filter(l => l.trim() && !l.trim().startsWith("#"))) {
            const r = spawnSync("bash", ["-c", line], { cwd: EXAMPLE, env: runEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 1_200_000 });
            assert.equal(r.status, 0, `${line}\n${r.stdout}\n${r.stderr}`);
            outs.push(r.stdout);
        }
        if (process.env.KUBEFED_E2E_VERBOSE) process.stdout.write(`\n${outs.join("\n")}\n`);
        assert.match(outs[0], /^shop\s+dev-shop\s+every cluster; namespaces shop\s+ok .*\s+ok /m, outs[0]);
        assert.match(outs[0], /^ops\s+dev-ops\s+every cluster; namespaces ops\s+ok .*\s+ok /m, outs[0]);
        assert.match(outs[0], /up: every shard succeeded/);

        // read back from the members: both namespaces' objects everywhere (the ConfigMaps followed their Deployments)
        const want: string[] = [];
        for (const c of fleet!.clusters) {
            for (const [ns, app] of [["shop", "web"], ["ops", "mon"]]) {
                want.push(`${c.name} namespaces /${ns}`, `${c.name} configmaps ${ns}/${app}-settings`, `${c.name} deployments ${ns}/${app}`);
            }
        }
        const got = await snapshot(fleet!);
        assert.deepEqual(got.filter(g => !g.includes("kube-root-ca.crt")), [...want].sort());

        // each stack holds only its namespace's components and member objects, under the single-stack child names
        const digests = new Set<string>();
        for (const [s, app] of [["shop", "web"], ["ops", "mon"]]) {
            const state = jsonOf((await stacks[s].must(["stack", "export"], false)).out);
            const resources = state.deployment.resources as { type: string; urn: string }[];
            const named = (f: (t: string) => boolean) => resources.filter(x => f(x.type)).map(x => x.urn.split("::").pop()).sort();
            assert.deepEqual(named(t => t.startsWith("pulumi-kubefed:index:Federated")), [app, `${app}-settings`, s].sort(), `components of shard ${s}`);
            const objs = fleet!.clusters.flatMap(c => [`${s}-${c.name}`, `${app}-${c.name}`, `${app}-settings-${c.name}`]);
            assert.deepEqual(named(t => t.startsWith("kubernetes:") && !t.startsWith("kubernetes:pulumi")).filter(n => !n!.endsWith("-readback")), objs.sort(), `objects of shard ${s}`);
            const rec = jsonOf((await stacks[s].must(["stack", "output", "kubefedShard", "--json"], false)).out);
            assert.equal(rec.shard, s);
            assert.equal(rec.objects, 6, "every shard records the whole decision");
            digests.add(rec.digest);
        }
        assert.equal(digests.size, 1, "both shards recorded the same decision");
    });

    it("a hash layout that would split a workload from its namespace is refused at preview, naming both and the fix", async () => {
        const before = await snapshot(fleet!);
        const file = path.join(work, "hash.yaml");
        fs.writeFileSync(file, YAML.stringify({ project: EXAMPLE, shards: {
            shop: { stack: stacks.shop.name, hash: { of: 2, buckets: [0] } }, ops: { stack: stacks.ops.name, hash: { of: 2, buckets: [1] } } } }));
        const r = await kubefedCli(["shards", "up", "--file", file, "--log-dir", path.join(work, "logs-hash")], { env: stacks.shop.env, cwd: EXAMPLE });
        assert.equal(r.code, 1, r.out);
        assert.match(r.out, /FederatedResource \S+ \(shard "(shop|ops)" \(every cluster; buckets \d of 2\)\) (is in the namespace of FederatedNamespace|references ConfigMap)/);
        assert.match(r.out, /objects that depend on each other must be in one shard/);
        assert.match(r.out, /not updated: (its|a) preview failed/);
        assert.deepEqual(await snapshot(fleet!), before, "nothing may change");
        // the docs' layout again, so `after` destroys what the stacks hold
        for (const s of ["shop", "ops"]) await stacks[s].must(["config", "set", "pulumi-kubefed:shards", JSON.stringify({ ops: { namespaces: ["ops"] }, shop: { namespaces: ["shop"] } })], false);
    });
});
