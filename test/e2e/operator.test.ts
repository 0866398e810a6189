import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { Fleet, ROOT, kubefedCli, member, requireTestbed, startFleet, stopFleet } from "../support";

// `pulumi-kubefed operator --stack S`: one Pulumi Kubernetes Operator Stack that plays the controller (resync even
// without a new commit), server-side dry-run against the operator's own CRD (the fixture), as for the shards.
const CRD = path.join(ROOT, "test", "fixtures", "pulumi-kubernetes-operator", "pulumi.com_stacks.yaml");

describe("e2e: the single-stack operator Stack passes a dry run against the operator's CRD", function () {
    let fleet: Fleet | undefined;
    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("operator", 1, { controllers: false, kwok: false });
    });
    after(async () => { await stopFleet(fleet); });

    it("has stack, resyncFrequencySeconds and continueResyncOnCommitMatch, and the CRD accepts it strictly", async () => {
        const c = fleet!.clusters[0].name;
        const client = member(fleet!, c);
        const created = await client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", YAML.parse(fs.readFileSync(CRD, "utf8")));
        assert.ok(created.status === 201 || created.status === 409, `installing the CRD: HTTP ${created.status}`);
        for (let i = 0; ; i++) {
            const got = await client.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/stacks.pulumi.com");
            const conds = ((got.body as any)?.status?.conditions ?? []) as { type: string; status: string }[];
            if (conds.some(x => x.type === "Established" && x.status === "True")) break;
            assert.ok(i < 60, "the Stack CRD never became Established");
            await new Promise(r => setTimeout(r, 500));
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-operator-"));
        const spec = path.join(dir, "stack-spec.yaml");
        fs.writeFileSync(spec, YAML.stringify({ namespace: "default", spec: {
            projectRepo: "https://git.example/infra", repoDir: "fleet", branch: "main", serviceAccountName: "pulumi",
            envRefs: { PULUMI_ACCESS_TOKEN: { type: "Secret", secret: { name: "pulumi-api-secret", key: "accessToken" } } },
        } }));
        const gen = await kubefedCli(["operator", "--stack", "acme/fleet/prod", "--file", spec, "--resync", "2m"], { env: process.env, cwd: dir });
        assert.equal(gen.code, 0, gen.out);
        const docs = YAML.parseAllDocuments(gen.stdout).map(d => d.toJSON()).filter(Boolean);
        assert.equal(docs.length, 1);
        const doc = docs[0];
        assert.equal(doc.metadata.name, "prod");
        assert.equal(doc.spec.stack, "acme/fleet/prod");
        assert.equal(doc.spec.resyncFrequencySeconds, 120);
        assert.equal(doc.spec.continueResyncOnCommitMatch, true);
        const res = await client.request("POST", `/apis/pulumi.com/v1/namespaces/default/stacks?dryRun=All&fieldValidation=Strict`, doc);
        assert.equal(res.status, 201, `HTTP ${res.status} ${res.text?.slice(0, 500)}`);
        const listed = await client.request("GET", "/apis/pulumi.com/v1/namespaces/default/stacks");
        assert.deepEqual((listed.body as any).items, [], "a dry run must not create anything");
        // what the CRD refuses is refused: the check can fail
        const bad = await client.request("POST", `/apis/pulumi.com/v1/namespaces/default/stacks?dryRun=All&fieldValidation=Strict`,
            { ...doc, spec: { ...doc.spec, resyncFrequencySeconds: "often" } });
        assert.ok(bad.status === 422 || bad.status === 400, bad.text);
        // and the generator refuses a spec without a source
        const none = await kubefedCli(["operator", "--stack", "dev"], { env: process.env, cwd: dir });
        assert.equal(none.code, 2);
        assert.match(none.out, /needs a program source/);
    });
});
