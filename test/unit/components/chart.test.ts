import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle, byName } from "../../support/harness";
import * as kubefed from "../../../src";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);

describe("components: FederatedChart (mocked engine)", () => {
    beforeEach(reset);

    it("one Helm v4 Chart per placed member, through that member's provider, with its merged values in the decision", async () => {
        const clusters = [
            new kubefed.MemberCluster("ch-a", { clusterName: "cha", kubeconfig: kc("a"), labels: { tier: "prod" } }),
            new kubefed.MemberCluster("ch-b", { clusterName: "chb", kubeconfig: kc("b"), labels: { tier: "prod" } }),
            new kubefed.MemberCluster("ch-c", { clusterName: "chc", kubeconfig: kc("c"), labels: { tier: "dev" } }),
        ];
        const chart = new kubefed.FederatedChart("hello", {
            clusters, chart: "./charts/hello", namespace: "apps",
            placement: { clusterSelector: { matchLabels: { tier: "prod" } } },
            values: { message: "hi", image: { tag: "1.25" } },
            clusterValues: { chb: { image: { tag: "1.27" } } },
        });
        await settle(chart, ...Object.values(chart.charts));
        assert.deepEqual(chart.clusterNames, ["cha", "chb"]);
        const charts = registered.filter(r => r.type === "kubernetes:helm.sh/v4:Chart");
        assert.deepEqual(charts.map(c => c.name).sort(), ["hello-cha", "hello-chb"]);
        for (const c of charts) {
            assert.equal(c.inputs.chart, "./charts/hello");
            assert.equal(c.inputs.name, "hello", "same release name in every member");
            assert.equal(c.inputs.namespace, "apps");
            assert.match(c.parent, /FederatedChart::hello$/);
        }
        assert.deepEqual(byName("hello-cha").inputs.values, { message: "hi", image: { tag: "1.25" } });
        assert.deepEqual(byName("hello-chb").inputs.values, { message: "hi", image: { tag: "1.27" } });
        const d = byName("hello", "pulumi-kubefed:index:FederatedChart").inputs.decision;
        assert.deepEqual(d.values, { cha: { message: "hi", image: { tag: "1.25" } }, chb: { message: "hi", image: { tag: "1.27" } } });
        assert.deepEqual(d.clusters, ["cha", "chb"]);
        // Each Chart is registered with its member's provider (the chart's objects are created through it).
        assert.match(byName("hello-cha").providers.kubernetes ?? "", /pulumi:providers:kubernetes::ch-a::/);
        assert.match(byName("hello-chb").providers.kubernetes ?? "", /pulumi:providers:kubernetes::ch-b::/);
    });

    it("errors name the component, the field and the fix", () => {
        const clusters = [new kubefed.MemberCluster("ch-x", { clusterName: "chx", kubeconfig: kc("x") })];
        assert.throws(() => new kubefed.FederatedChart("bad", { clusters, chart: "./c", placement: { clusterSelector: {} }, replicaScheduling: { totalReplicas: 2 } }),
            /FederatedChart bad: .*replicasPath: is required/);
        // leaf values may be Outputs (chartParity.test.ts); the maps the decision merges may not
        assert.throws(() => new kubefed.FederatedChart("bad2", { clusters, chart: "./c", values: pulumi.output({ x: 1 }) as never }),
            /FederatedChart bad2: values: is an Output, but values is a map the decision merges/);
        assert.throws(() => new kubefed.FederatedChart("bad3", { clusters, chart: "./c", clusterValues: { chx: JSON.parse('{"env": {"__proto__": 1}}') } }),
            /FederatedChart bad3: clusterValues\.chx\.env\.__proto__: is a key named __proto__, which Pulumi cannot send to a resource/);
    });
});

describe("components: FederatedKustomization (mocked engine)", () => {
    beforeEach(reset);

    it("one Kustomize v2 Directory per placed member, from its overlay when it has one", async () => {
        const clusters = [
            new kubefed.MemberCluster("kz-a", { clusterName: "kza", kubeconfig: kc("a"), labels: { tier: "prod" } }),
            new kubefed.MemberCluster("kz-b", { clusterName: "kzb", kubeconfig: kc("b"), labels: { tier: "prod" } }),
            new kubefed.MemberCluster("kz-c", { clusterName: "kzc", kubeconfig: kc("c"), labels: { tier: "dev" } }),
        ];
        const k = new kubefed.FederatedKustomization("kust", { clusters, directory: "./base", namespace: "apps",
            placement: { clusterSelector: { matchLabels: { tier: "prod" } } }, clusterDirectories: { kzb: "./overlays/kzb" } });
        await settle(k, ...Object.values(k.directories));
        const dirs = registered.filter(r => r.type === "kubernetes:kustomize/v2:Directory");
        assert.deepEqual(dirs.map(d => [d.name, d.inputs.directory, d.inputs.namespace]).sort(),
            [["kust-kza", "./base", "apps"], ["kust-kzb", "./overlays/kzb", "apps"]]);
        assert.deepEqual(byName("kust", "pulumi-kubefed:index:FederatedKustomization").inputs.decision.directories, { kza: "./base", kzb: "./overlays/kzb" });
        assert.match(byName("kust-kzb").providers.kubernetes ?? "", /pulumi:providers:kubernetes::kz-b::/);
    });

    it("an overlay for an unknown cluster is an error naming the field and the fix", () => {
        const clusters = [new kubefed.MemberCluster("kz-x", { clusterName: "kzx", kubeconfig: kc("x") })];
        assert.throws(() => new kubefed.FederatedKustomization("kbad", { clusters, directory: "./base", clusterDirectories: { nope: "./o" } }),
            /FederatedKustomization kbad: clusterDirectories\["nope"\]: unknown cluster "nope" .*fix the name/);
    });
});
