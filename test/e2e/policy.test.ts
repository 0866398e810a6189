import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { CliResult, CliStack, ROOT as REPO, Fleet as RunningFleet, cliTestBed, listManagedObjects, tail } from "../support";

// The policy pack through the real Pulumi CLI, installed as a user installs it: `npm pack` of the library and of
// policy-pack/, both tarballs installed into a directory outside the repository, then
// `pulumi up --policy-pack <that dir>/node_modules/pulumi-kubefed-policy --policy-pack-config …` on
// examples/policy-violation against a local fleet (3 kube-apiservers). A violating program fails naming each
// policy, and afterwards no member holds any object of the program and the stack holds no resource; the compliant
// configuration of the same program passes `up` with the pack and its objects exist in the members.
// The fleet: c1 (us-east), c2 (us-west), c3 (eu-central). KUBEFED_E2E_FLEET_DIR reuses a running fleet.

const PART_OF = "app.kubernetes.io/part-of=kubefed-policy-e2e";
const PACK_CONFIG = {
    "kubefed-placement-residency": {
        rules: [{ name: "pii-stays-in-eu", matchLabels: { "data-class": "pii" }, allowedRegions: ["eu-central"] }],
    },
    "kubefed-overrides-and-images": { allowedRegistries: ["registry.example.com"] },
};
const RESOURCE_VIOLATIONS = ["cluster-count", "residency", "unplaced-override", "registry", "infeasible-rsp", "plain-kubeconfig", "default-provider"];

/** `policy resource-name` of every violation in the CLI's "Policies:" section, e.g.
 *  `- [mandatory]  kubefed-cluster-count  (pulumi-kubefed:index:FederatedResource: lonely)`. */
function violations(out: string): string[] {
    const found = new Set<string>();
    const re = /^\s*- \[(advisory|mandatory|remediate)\]\s+(\S+)\s+\((.+): ([^:()]+)\)\s*$/gm;
    for (let m = re.exec(out); m; m = re.exec(out)) found.add(`${m[2]} ${m[4]}`);
    return [...found].sort();
}

describe("e2e: policy pack through the real CLI (--policy-pack)", function () {
    this.timeout(600_000);
    let fleet: RunningFleet | undefined;
    let work: string;
    let env: Record<string, string>;
    let packConfig: string;
    let PACK: string;
    const stacks: CliStack[] = [];
    let failed = false;

    before(async function () {
        ({ env, work, fleet } = await cliTestBed(this, "policy"));
        PACK = installPack(work);
        packConfig = path.join(work, "policy-config.json");
        fs.writeFileSync(packConfig, JSON.stringify(PACK_CONFIG, null, 2));
        assert.ok(fleet.clusters.some(c => c.region === "eu-central"), "the fleet needs a cluster in eu-central");
        const leftovers = await objectsOfProgram();
        assert.deepEqual(leftovers, {}, "the fleet already holds objects of examples/policy-violation");
    });

    afterEach(function () {
        if (this.currentTest?.state === "failed") failed = true;
    });

    after(async function () {
        for (const s of stacks) {
            await s.run(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
            await s.remove().catch(() => undefined);
        }
        await fleet?.stop();
        if (!work) return;
        if (failed) console.log(`    (kept ${work}: stack state, config and CLI logs *.log)`);
        else fs.rmSync(work, { recursive: true, force: true });
    });

    /** Objects of this program (managed label + part-of label) per member that holds any. */
    async function objectsOfProgram(): Promise<Record<string, string[]>> {
        const out: Record<string, string[]> = {};
        for (const c of fleet!.clusters) {
            const objs = (await listManagedObjects(fleet!, c.name, { selector: PART_OF }))
                .map(o => `${o.namespace ? o.namespace + "/" : ""}${o.name} (${o.plural})`);
            if (objs.length > 0) out[c.name] = objs.sort();
        }
        return out;
    }

    async function newStack(name: string, violationList: string[]): Promise<CliStack> {
        const s = new CliStack(path.join(REPO, "examples", "policy-violation"), `${name}-${process.pid}`, work, env);
        stacks.push(s);
        await s.init({
            kubeconfig: fleet!.kubeconfig,
            clusters: fleet!.clusters.map(c => ({ name: c.name, context: c.context, labels: c.labels, region: c.region, zones: c.zones })),
            violations: violationList.join(","),
        }, ["kubeconfig"]);
        return s;
    }

    it("0. the installed pack is the packed one: outside the repository, with the library from its tarball", () => {
        assert.ok(!PACK.startsWith(REPO + path.sep), PACK);
        assert.ok(fs.existsSync(path.join(PACK, "bin", "index.js")) && !fs.existsSync(path.join(PACK, "index.ts")), "compiled, without sources");
        // Resolved as the pack resolves it (a child process: this test file would resolve its own package first).
        const core = fs.realpathSync(execFileSync(process.execPath, ["-p", "require.resolve('pulumi-kubefed/core')"], { cwd: PACK, encoding: "utf8" }).trim());
        assert.ok(core.startsWith(fs.realpathSync(work) + path.sep) && !core.startsWith(REPO + path.sep), `pulumi-kubefed/core resolves to ${core}`);
    });

    const withPack = () => ["--policy-pack", PACK, "--policy-pack-config", packConfig];
    const show = (r: CliResult) => `exit ${r.code}; output tail:\n${tail(r.out, 60)}`;

    /** The stack's state holds no resource at all (the update never started). */
    async function assertEmptyStack(s: CliStack): Promise<void> {
        const exp = await s.must(["stack", "export"], false);
        const resources: { type: string; urn: string }[] = JSON.parse(exp.out).deployment?.resources ?? [];
        assert.deepEqual(resources.map(r => r.urn), [], "the failed update left resources in the stack");
    }

    it("a. `up` of a program violating every resource policy fails naming each policy, and creates nothing", async () => {
        const s = await newStack("violating", RESOURCE_VIOLATIONS);
        const r = await s.run(["up", "--yes", ...withPack()]);
        assert.notEqual(r.code, 0, `up must fail; ${show(r)}`);
        assert.match(r.out, /pulumi-kubefed@v[\d.]+ \(local: /, `the pack did not run; ${show(r)}`);
        const stackName = `kubefed-policy-violation-${s.name}`;
        assert.deepEqual(violations(r.out), [
            "kubefed-cluster-count lonely",
            "kubefed-explicit-provider ambient",
            "kubefed-member-credentials-secret c1",
            "kubefed-member-credentials-secret c2",
            "kubefed-member-credentials-secret c3",
            "kubefed-overrides-and-images external",
            // and each of its member objects, judged as the engine registers them (what lands)
            "kubefed-overrides-and-images external-c1",
            "kubefed-overrides-and-images external-c2",
            "kubefed-overrides-and-images external-c3",
            "kubefed-overrides-and-images partial",
            "kubefed-placement-residency leaky",
            "kubefed-replica-scheduling-feasible crowded",
        ].sort(), `exactly the violating resources (none of the compliant ns, web, customers, scaled; no stack violation); ${show(r)}`);
        assert.ok(!violations(r.out).some(v => v.endsWith(stackName)), "no stack-policy violation without duplicates");
        // What each message says (a few spot checks of the reasons).
        // Judged on what is sent: the one placed member runs the template's replicas.
        assert.match(r.out, /"lonely" .*runs in 1 cluster with replicas \(c1=\d+\), fewer than the minimum of 2/);
        assert.match(r.out, /"leaky" .*residency rule "pii-stays-in-eu".*"c1" \(region "us-east"\), "c2" \(region "us-west"\)/);
        assert.match(r.out, /"partial" .*has overrides for "c3", where it is not placed/);
        assert.match(r.out, /"external" .*quay\.io\/someone\/app:1\.0/);
        assert.match(r.out, /"crowded" .*totalReplicas 10 exceeds the sum of maxReplicas of the placed clusters \(6/);
        assert.match(r.out, /"ambient".*uses the default Kubernetes provider/);
        assert.deepEqual(await objectsOfProgram(), {}, "no member may hold an object of the program");
        await assertEmptyStack(s);
    });

    it("b. `up` of a program whose only violation is a duplicate member object fails on the stack policy, and creates nothing", async () => {
        const s = await newStack("duplicate", ["duplicate"]);
        const r = await s.run(["up", "--yes", ...withPack()]);
        assert.notEqual(r.code, 0, `up must fail; ${show(r)}`);
        const stackName = `kubefed-policy-violation-${s.name}`;
        assert.deepEqual(violations(r.out), [`kubefed-unique-member-objects ${stackName}`], show(r));
        for (const c of ["c1", "c2"]) {
            assert.match(r.out, new RegExp(`ConfigMap kubefed-policy-e2e/shared in cluster "${c}" is emitted by FederatedResource "dup-[ab]" and FederatedResource "dup-[ab]"`));
        }
        assert.deepEqual(await objectsOfProgram(), {}, "no member may hold an object of the program");
        await assertEmptyStack(s);
    });

    it("d. a bad placement fails at preview with the component's message and no stack trace", async () => {
        const s = await newStack("badplacement", ["bad-placement"]);
        const r = await s.run(["preview", ...withPack()]);
        assert.notEqual(r.code, 0, `preview must fail; ${show(r)}`);
        assert.match(r.out, /FederatedResource misplaced: ConfigMap kubefed-policy-e2e\/misplaced: placement\.clusters\[0\]\.name: unknown cluster "mars" \(known: c1, c2, c3\); fix the name/, show(r));
        assert.doesNotMatch(r.out, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace was printed; ${show(r)}`);
        assert.doesNotMatch(r.out, /failed with an unhandled exception/, show(r));
        assert.doesNotMatch(r.out, /FederatedResource::misplaced/, `the refused component was registered; ${show(r)}`);
    });

    it("c. the compliant configuration passes `up` with the pack, and its objects exist in the members", async () => {
        const s = await newStack("compliant", []);
        const r = await s.run(["up", "--yes", ...withPack()]);
        assert.equal(r.code, 0, `up must pass; ${show(r)}`);
        assert.match(r.out, /pulumi-kubefed@v[\d.]+ \(local: /, `the pack did not run; ${show(r)}`);
        assert.deepEqual(violations(r.out), [], show(r));
        const ns = "kubefed-policy-e2e";
        const everywhere = [`${ns} (namespaces)`, `${ns}/scaled (deployments)`, `${ns}/web (deployments)`];
        assert.deepEqual(await objectsOfProgram(), {
            c1: everywhere.slice().sort(),
            c2: everywhere.slice().sort(),
            // pii data only in the EU cluster
            c3: [...everywhere, `${ns}/customers (configmaps)`].sort(),
        });
        await s.must(["destroy", "--yes", "--skip-preview"]);
        // The namespace finishes terminating asynchronously (namespace controller).
        const deadline = Date.now() + 180_000;
        let left = await objectsOfProgram();
        while (Object.keys(left).length > 0 && Date.now() < deadline) {
            await new Promise(res => setTimeout(res, 2000));
            left = await objectsOfProgram();
        }
        assert.deepEqual(left, {}, "destroy leaves nothing behind");
    });

    it("e. an Output image from a disallowed registry: reported at preview, stops `up` on the member objects before any is created", async () => {
        const s = await newStack("outputimage", ["output-image"]);
        const p = await s.run(["preview", ...withPack()]);
        assert.equal(p.code, 0, `preview passes: the image is not known yet; ${show(p)}`);
        assert.deepEqual(violations(p.out), ["kubefed-known-at-preview outimg"], show(p));
        assert.match(p.out, /FederatedResource "outimg" .*images in "c1", "c2", "c3" are Outputs .*unknown at preview/, show(p));
        const r = await s.run(["up", "--yes", ...withPack()]);
        assert.notEqual(r.code, 0, `up must fail; ${show(r)}`);
        const found = violations(r.out).filter(v => v.startsWith("kubefed-overrides-and-images "));
        assert.ok(found.length >= 1 && found.every(v => /^kubefed-overrides-and-images outimg-c[123]$/.test(v)), show(r));
        assert.match(r.out, /Deployment kubefed-policy-e2e\/outimg in cluster "c[123]" .*quay\.io\/someone\/app:1\.0/, show(r));
        // nothing of the workload in any member (the compliant objects of the program may exist: they are allowed)
        const objects = await objectsOfProgram();
        for (const [c, objs] of Object.entries(objects)) assert.ok(!objs.some(o => o.includes("/outimg ")), `${c} holds ${objs.join(", ")}`);
        await s.must(["destroy", "--yes", "--skip-preview"]);
    });
});

/** `npm pack` of the library and of the policy pack (both built by `npm run build`), installed together into
 *  `<work>/pack-install` as a user would; returns the installed pack's directory. */
function installPack(work: string): string {
    const dir = path.join(work, "pack-install");
    fs.mkdirSync(dir, { recursive: true });
    const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const lib = npm(["pack", "--silent", "--pack-destination", dir], REPO).trim().split("\n").pop()!;
    const pack = npm(["pack", "--silent", "--pack-destination", dir], path.join(REPO, "policy-pack")).trim().split("\n").pop()!;
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "policy-pack-install", private: true }));
    // --omit=peer: the pack needs the library's core only, not @pulumi/kubernetes (the library's peer).
    npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=peer", `./${lib}`, `./${pack}`], dir);
    return path.join(dir, "node_modules", "pulumi-kubefed-policy");
}
