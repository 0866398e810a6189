/**
 * Issue 25: FederatedChart takes what `helm.v4.Chart` takes — values files, a chart repository, Output values with
 * secrets kept secret — and values filled from cluster facts; issue 20: release names and namespaces are checked.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { byName, registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
function fleet() {
    return [
        new kubefed.MemberCluster("cp-a", { clusterName: "cpa", kubeconfig: kc("a"), region: "us-east", labels: { tier: "prod" } }),
        new kubefed.MemberCluster("cp-b", { clusterName: "cpb", kubeconfig: kc("b"), region: "eu-west", labels: { tier: "dev" } }),
    ];
}

describe("components: FederatedChart on par with helm.v4.Chart (issue 25)", () => {
    beforeEach(reset);

    it("values files are merged under values, values from cluster facts under clusterValues, all shown in the decision", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-values-"));
        try {
            fs.writeFileSync(path.join(dir, "base.yaml"), "message: from-file\nimage:\n  tag: \"1.0\"\nkeep: true\n");
            fs.writeFileSync(path.join(dir, "prod.yaml"), "image:\n  tag: \"1.1\"\n");
            const chart = new kubefed.FederatedChart("vf", { clusters: fleet(), chart: "./charts/hello", placement: { clusterSelector: {} },
                valueYamlFiles: [path.join(dir, "base.yaml"), path.join(dir, "prod.yaml")],
                values: { message: "from-values" },
                clusterValuesFrom: { region: "region", "labels.tier": "tier" },
                clusterValues: { cpb: { tier: "staging" } } });
            await settle(chart, ...Object.values(chart.charts));
            assert.deepEqual(byName("vf-cpa").inputs.values, { message: "from-values", image: { tag: "1.1" }, keep: true, region: "us-east", tier: "prod" });
            assert.deepEqual(byName("vf-cpb").inputs.values, { message: "from-values", image: { tag: "1.1" }, keep: true, region: "eu-west", tier: "staging" });
            const d = byName("vf", "pulumi-kubefed:index:FederatedChart").inputs.decision;
            assert.deepEqual(d.values.cpa, byName("vf-cpa").inputs.values);
            assert.deepEqual(d.valueYamlFiles, [path.join(dir, "base.yaml"), path.join(dir, "prod.yaml")]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("an Output value reaches each member's Chart and stays secret; the decision shows <output>, never the value", async () => {
        const password = pulumi.secret("s3cr3t-pw");
        const chart = new kubefed.FederatedChart("ov", { clusters: fleet(), chart: "./charts/hello", placement: { clusterSelector: {} },
            values: { db: { password, host: "db" } }, clusterValues: { cpa: { db: { host: pulumi.output("db-a") } } } });
        await settle(chart, ...Object.values(chart.charts));
        // As sent to the engine: the password is a secret where it is, the rest plain.
        const a = byName("ov-cpa").raw.values;
        assert.deepEqual(a.db.password, { [pulumi.runtime.specialSigKey]: SECRET_SIG, value: "s3cr3t-pw" }, JSON.stringify(a));
        assert.equal(a.db.host, "db-a");
        assert.equal(byName("ov-cpb").raw.values.db.host, "db");
        const d = byName("ov", "pulumi-kubefed:index:FederatedChart").inputs.decision;
        assert.deepEqual(d.values.cpa.db, { password: "<output>", host: "<output>" });
        assert.deepEqual(d.values.cpb.db, { password: "<output>", host: "db" });
        assert.ok(!JSON.stringify(registered.map(r => r.inputs.decision ?? null)).includes("s3cr3t-pw"), "no recorded decision holds the password");
    });

    it("repositoryOpts reach each Chart, with the password kept secret, and the repository is recorded", async () => {
        const chart = new kubefed.FederatedChart("ro", { clusters: fleet(), chart: "hello", version: "0.1.0", placement: { clusters: [{ name: "cpa" }] },
            repositoryOpts: { repo: "http://127.0.0.1:8879/charts", username: "u", password: "plain-pw" } });
        await settle(chart, ...Object.values(chart.charts));
        const c = byName("ro-cpa").raw;
        assert.equal(c.repositoryOpts.repo, "http://127.0.0.1:8879/charts");
        assert.deepEqual(c.repositoryOpts.password, { [pulumi.runtime.specialSigKey]: SECRET_SIG, value: "plain-pw" });
        assert.equal(byName("ro", "pulumi-kubefed:index:FederatedChart").inputs.decision.repository, "http://127.0.0.1:8879/charts");
    });

    it("a bad release name, namespace or values file is refused at preview, naming the field", () => {
        const clusters = fleet();
        assert.throws(() => new kubefed.FederatedChart("rn", { clusters, chart: "./c", releaseName: "Bad_Name!" }),
            /FederatedChart rn: releaseName: "Bad_Name!" is not a valid Helm release name/);
        assert.throws(() => new kubefed.FederatedChart("nsb", { clusters, chart: "./c", namespace: "Bad_Name!" }),
            /FederatedChart nsb: namespace: "Bad_Name!" is not a DNS-1123 label/);
        assert.throws(() => new kubefed.FederatedKustomization("nsk", { clusters, directory: "./base", namespace: "Bad_Name!" }),
            /FederatedKustomization nsk: namespace: "Bad_Name!" is not a DNS-1123 label/);
        assert.throws(() => new kubefed.FederatedChart("vfm", { clusters, chart: "./c", valueYamlFiles: ["/nonexistent/values.yaml"] }),
            /FederatedChart vfm: valueYamlFiles\[0\]: cannot be read as YAML/);
    });
});
