import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CliStack, Fleet, ROOT, cliTestBed, jsonOf, kubefedCli, listManagedObjects, member } from "../support";

// Sharded stacks through the real CLI: examples/shards as one stack, then as 3 shards (one per member) run by
// `pulumi-kubefed shards`, against a local fleet (c1, c2, c3). The member objects are read back from the API servers
// and compared; a decision mismatch and coverage errors are refused before anything is applied; the generated
// Pulumi Kubernetes Operator Stack resources pass a server-side dry run against the operator's CRD (a fixture).
// KUBEFED_E2E_FLEET_DIR reuses a running fleet.

const EXAMPLE = path.join(ROOT, "examples", "shards");
const CRD = path.join(ROOT, "test", "fixtures", "pulumi-kubernetes-operator", "pulumi.com_stacks.yaml");

const KINDS = [{ apiVersion: "v1", kind: "Namespace" }, { apiVersion: "v1", kind: "ConfigMap" }, { apiVersion: "apps/v1", kind: "Deployment" }];

/** Every object of the program in every member: labels, annotations and spec/data as the API server returns them. */
async function snapshot(fleet: Fleet): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const c of fleet.clusters) {
        for (const { plural, object: it } of await listManagedObjects(fleet, c.name, { kinds: KINDS, namespace: "shop" })) {
            const m = it.metadata;
            out[`${c.name} ${plural} ${m.namespace ?? ""}/${m.name}`] = { labels: m.labels, annotations: m.annotations, spec: it.spec, data: it.data };
        }
    }
    return out;
}

/** `pulumi-kubefed <args>` through its real entry point, in the example's directory. */
const kubefed = (args: string[], env: NodeJS.ProcessEnv) => kubefedCli(args, { env, cwd: EXAMPLE });

describe("e2e: sharded stacks (pulumi-kubefed shards) and operator Stack manifests", function () {
    this.timeout(1_200_000);
    let fleet: Fleet | undefined;
    let work: string;
    let env: Record<string, string>;
    let config: Record<string, unknown>;
    const shards: Record<string, CliStack> = {};
    const layout: Record<string, string> = { a: "c1", b: "c2", c: "c3" };

    /** Writes a spec file for the shard stacks and returns its path. */
    function spec(name: string, shardClusters: Record<string, string[]>): string {
        const file = path.join(work, `${name}.yaml`);
        const doc = { project: EXAMPLE, shards: Object.fromEntries(Object.entries(shardClusters).map(([s, cs]) => [s, {
            clusters: cs, stack: shards[s].name, pulumiArgs: ["--config-file", shards[s].configFile],
        }])) };
        fs.writeFileSync(file, YAML.stringify(doc));
        return file;
    }
    const fullSpec = () => spec("shards", Object.fromEntries(Object.entries(layout).map(([s, c]) => [s, [c]])));

    before(async function () {
        ({ env, work, fleet } = await cliTestBed(this, "shards"));
        assert.deepEqual(fleet.clusters.map(c => c.name), ["c1", "c2", "c3"]);
        config = { kubeconfig: fleet.kubeconfig, clusters: fleet.clusters };
        for (const s of Object.keys(layout)) {
            shards[s] = new CliStack(EXAMPLE, `shard-${s}`, work, env);
            await shards[s].init(config, ["kubeconfig"]);
        }
    });

    after(async function () {
        for (const st of Object.values(shards)) {
            await st.run(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
            await st.remove().catch(() => undefined);
        }
        await fleet?.stop();
        if (work && !process.env.KUBEFED_E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
    });

    let single: Record<string, unknown> = {};
    let singleDigest = "";

    it("3 shards give exactly the member objects of the single-stack program, each stack holding only its member's", async () => {
        const one = new CliStack(EXAMPLE, "single", work, env);
        await one.init(config, ["kubeconfig"]);
        await one.must(["up", "--yes", "--skip-preview"]);
        single = await snapshot(fleet!);
        // namespace, settings and web in every member (6 replicas over 3 members, at most 4 each)
        assert.equal(Object.keys(single).length, 9, Object.keys(single).join("\n"));
        singleDigest = jsonOf((await one.must(["stack", "output", "kubefedShard", "--json"], false)).out).digest;
        assert.match(singleDigest, /^sha256:[0-9a-f]{64}$/);
        await one.must(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(await snapshot(fleet!), {}, "destroying the single stack left objects behind");
        await one.remove();

        const r = await kubefed(["shards", "up", "--file", fullSpec(), "--log-dir", path.join(work, "logs-up")], shards.a.env);
        assert.equal(r.code, 0, r.out);
        if (process.env.KUBEFED_E2E_VERBOSE) process.stdout.write(`\n${r.stdout}\n`);
        for (const s of Object.keys(layout)) assert.match(r.stdout, new RegExp(`^${s}\\s+shard-${s}\\s+${layout[s]}\\s+ok .*\\s+ok `, "m"), r.stdout);
        assert.match(r.stdout, /up: every shard succeeded/);

        assert.deepEqual(await snapshot(fleet!), single, "the shards' member objects differ from the single stack's");

        for (const [s, cluster] of Object.entries(layout)) {
            const out = jsonOf((await shards[s].must(["stack", "output", "kubefedShard", "--json"], false)).out);
            assert.equal(out.digest, singleDigest, `shard ${s} recorded another decision than the single stack`);
            assert.equal(out.shard, s);
            assert.deepEqual(out.clusters, [cluster]);
            const state = jsonOf((await shards[s].must(["stack", "export"], false)).out);
            const resources = state.deployment.resources as { type: string; urn: string }[];
            const named = (f: (t: string) => boolean) => resources.filter(x => f(x.type)).map(x => x.urn.split("::").pop()).sort();
            assert.deepEqual(named(t => t.startsWith("kubernetes:")), [`settings-${cluster}`, `shop-${cluster}`, `web-${cluster}`], `objects of shard ${s}`);
            assert.deepEqual(named(t => t === "pulumi:providers:kubernetes"), [cluster], `providers of shard ${s}`);
            assert.deepEqual(named(t => t.includes("MemberReadBack")), [`${cluster}-readback`], `read-backs of shard ${s}`);
        }

        const check = await kubefed(["shards", "check", "--file", fullSpec()], shards.a.env);
        assert.equal(check.code, 0, check.out);

        // a second run changes nothing in any shard
        const again = await kubefed(["shards", "preview", "--file", fullSpec(), "-o", "json"], shards.a.env);
        assert.equal(again.code, 0, again.out);
        for (const rep of JSON.parse(again.stdout).shards) {
            assert.doesNotMatch(rep.preview.summary, /to (create|update|delete|replace)/, `shard ${rep.shard}: ${rep.preview.summary}`);
        }
    });

    it("a forced decision mismatch is refused before anything is applied, naming both shards and the first difference", async () => {
        await shards.b.must(["config", "set", "--plaintext", "totalReplicas"], true, "9");
        try {
            const before = await snapshot(fleet!);
            const r = await kubefed(["shards", "up", "--file", fullSpec(), "--log-dir", path.join(work, "logs-mismatch")], shards.a.env);
            assert.equal(r.code, 1, r.out);
            if (process.env.KUBEFED_E2E_VERBOSE) process.stdout.write(`\n${r.stdout}\n`);
            assert.match(r.stdout, /error: shards "a" and "b" computed different federation decisions/);
            assert.match(r.stdout, /first difference at objects\["FederatedResource web"\]\.decision\.placed\.c1\.replicas: 2 in "a" vs 3 in "b"/);
            assert.match(r.stdout, /nothing was applied/);
            for (const s of Object.keys(layout)) assert.match(r.stdout, new RegExp(`${s}: not updated: the shards' decisions differ`));
            assert.doesNotMatch(r.out, /\bup started\b/, "no shard may be updated");
            assert.deepEqual(await snapshot(fleet!), before, "a member object changed although the update was refused");
        } finally {
            await shards.b.must(["config", "rm", "totalReplicas"]);
        }
    });

    it("coverage errors: a cluster in two shards, a member in no shard, a shard listing a non-member", async () => {
        const twice = await kubefed(["shards", "preview", "--file", spec("twice", { a: ["c1", "c2"], b: ["c2"], c: ["c3"] })], shards.a.env);
        assert.equal(twice.code, 2, twice.out);
        assert.match(twice.out, /shards\.b: cluster "c2" is also in shard "a"; a cluster belongs to exactly one shard/);

        const uncovered = await kubefed(["shards", "up", "--file", spec("uncovered", { a: ["c1"], b: ["c2"] })], shards.a.env);
        assert.equal(uncovered.code, 1, uncovered.out);
        assert.match(uncovered.out, /MemberCluster c3: clusterName: cluster "c3" is in no shard of pulumi-kubefed:shards \(a: c1; b: c2\), so no stack would manage its objects/);
        assert.doesNotMatch(uncovered.out, /\bup started\b/);

        const unknown = await kubefed(["shards", "preview", "--file", spec("unknown", { a: ["c1"], b: ["c2"], c: ["c3", "c9"] })], shards.a.env);
        assert.equal(unknown.code, 1, unknown.out);
        assert.match(unknown.out, /error: shard "c": stack config pulumi-kubefed:shards\.c: cluster "c9" is not a member cluster of the program \(members: c1, c2, c3\)/);
        // the shards are still as the first test left them
        assert.deepEqual(await snapshot(fleet!), single);
    });

    it("operator Stack resources for the shards pass a server-side dry run against the operator's CRD; broken ones are refused", async () => {
        const client = member(fleet!, "c1");
        const crd = YAML.parse(fs.readFileSync(CRD, "utf8"));
        const created = await client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        assert.ok(created.status === 201 || created.status === 409, `installing the CRD: HTTP ${created.status} ${created.text?.slice(0, 300)}`);
        for (let i = 0; ; i++) {
            const got = await client.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/stacks.pulumi.com");
            const conds = ((got.body as any)?.status?.conditions ?? []) as { type: string; status: string }[];
            if (conds.some(c => c.type === "Established" && c.status === "True")) break;
            assert.ok(i < 60, "the Stack CRD never became Established");
            await new Promise(r => setTimeout(r, 500));
        }
        const ns = await client.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "pulumi" } });
        assert.ok(ns.status === 201 || ns.status === 409, ns.text);

        const gen = await kubefed(["shards", "operator", "--file", path.join(EXAMPLE, "shards.yaml")], shards.a.env);
        assert.equal(gen.code, 0, gen.out);
        const docs = YAML.parseAllDocuments(gen.stdout).map(d => d.toJSON()).filter(Boolean);
        assert.deepEqual(docs.map(d => d.metadata.name), ["kubefed-a", "kubefed-b", "kubefed-c"]);
        assert.deepEqual(docs.map(d => d.spec.config["pulumi-kubefed:shard"]), ["a", "b", "c"]);
        const dryRun = (doc: any) => client.request("POST",
            `/apis/pulumi.com/v1/namespaces/${doc.metadata.namespace}/stacks?dryRun=All&fieldValidation=Strict`, doc);
        for (const d of docs) {
            const res = await dryRun(d);
            assert.equal(res.status, 201, `${d.metadata.name}: HTTP ${res.status} ${res.text?.slice(0, 500)}`);
        }
        const listed = await client.request("GET", "/apis/pulumi.com/v1/namespaces/pulumi/stacks");
        assert.deepEqual((listed.body as any).items, [], "a dry run must not create anything");

        // the same validation refuses what the CRD does not allow: the test can fail
        const { stack: _s, ...noStack } = docs[0].spec;
        const missing = await dryRun({ ...docs[0], spec: noStack });
        assert.equal(missing.status, 422, missing.text);
        assert.match(missing.text ?? "", /spec\.stack: Required value/);
        const longName = await dryRun({ ...docs[0], metadata: { ...docs[0].metadata, name: `kubefed-${"x".repeat(40)}` } });
        assert.equal(longName.status, 422, longName.text);
        assert.match(longName.text ?? "", /Stack name must be no more than 42 characters/);
        const unknownField = await dryRun({ ...docs[0], spec: { ...docs[0].spec, shardz: ["a"] } });
        assert.equal(unknownField.status, 400, unknownField.text);
        assert.match((unknownField.body as { message?: string }).message ?? "", /strict decoding error: unknown field "spec\.shardz"/);
    });
});
