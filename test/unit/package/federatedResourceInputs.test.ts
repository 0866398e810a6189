import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byName, reset } from "../../support/harness";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import { constructComponent } from "../../../src/package/provider";

// A FederatedResource built by the package's provider from schema-shaped arguments (what a YAML, Python, Go or .NET
// program sends) takes dependencies, rollout, readiness and placement spread constraints as a TypeScript program
// does: the recorded decision shows each of them.
describe("package: FederatedResource's dependencies, rollout, readiness and spread constraints (mocked engine)", () => {
    const T = "pulumi-kubefed:index:";
    const kubeconfig = "apiVersion: v1\nkind: Config\n";
    const urnOf = (r: { urn: pulumi.Input<string> }) => new Promise<string>(res => pulumi.output(r.urn).apply(u => { res(u); return u; }));
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    it("records them in the decision the component registers and returns", async () => {
        const members: string[] = [];
        for (const [name, tier, region] of [["pk-east", "canary", "us-east"], ["pk-west", "prod", "us-west"], ["pk-eu", "prod", "eu"]]) {
            members.push(await urnOf(await constructComponent(name, `${T}MemberCluster`, { kubeconfig, labels: { tier }, region }, {})));
        }
        const template = {
            apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "pk-web", namespace: "shop" },
            spec: {
                replicas: 1, selector: { matchLabels: { app: "pk-web" } },
                template: { metadata: { labels: { app: "pk-web" } }, spec: {
                    containers: [{ name: "c", image: "nginx:1.25" }], volumes: [{ name: "v", configMap: { name: "settings" } }] } },
            },
        };
        const result = await constructComponent("pk-web", `${T}FederatedResource`, {
            clusters: members, template,
            placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", minGroups: 2, maxGroups: 3 }] },
            replicaSchedulingSpec: { totalReplicas: 6 },
            readiness: { "pk-west": false },
            dependencies: "ignore",
            rollout: { waves: [{ name: "canary", clusters: ["pk-east"] }, { name: "rest", clusterSelector: { matchLabels: { tier: "prod" } } }], timeoutSeconds: 120 },
        }, {});
        const decision = byName("pk-web", `${T}FederatedResource`).inputs.decision;
        assert.deepEqual(decision.dependencies, { mode: "ignore", references: ["ConfigMap shop/settings"] });
        assert.deepEqual(decision.rollout, { waves: [{ name: "canary", clusters: ["pk-east"] }, { name: "rest", clusters: ["pk-eu", "pk-west"] }], timeoutSeconds: 120 });
        assert.deepEqual(decision.failover?.notReady, ["pk-west"]);
        assert.equal(decision.placed["pk-west"].replicas, 0, "the member observed not ready gets no replicas");
        assert.deepEqual(decision.spread, [{ constraint: { spreadByField: "region", minGroups: 2, maxGroups: 3 }, groups: ["eu", "us-east", "us-west"] }]);
        // The package's `decision` output is the recorded decision (an Output, resolved after the readiness probe).
        const out = result.state.decision as unknown;
        const resolved = pulumi.Output.isInstance(out) ? await new Promise(r => (out as pulumi.Output<unknown>).apply(v => { r(v); return v; })) : out;
        assert.deepEqual(resolved, decision);
    });

    it("refuses a rollout wave with neither or both of clusters and clusterSelector, naming the wave", async () => {
        const template = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pk-cfg" } };
        await assert.rejects(constructComponent("pk-cfg", `${T}FederatedResource`, { template, rollout: { waves: [{ name: "canary", clusters: ["a"] }, { name: "rest" }] } }, {}),
            /^Error: FederatedResource pk-cfg: rollout\.waves\[1\]: has neither clusters nor clusterSelector; give the wave member names \(clusters\) or a selector \(clusterSelector\)$/);
        await assert.rejects(constructComponent("pk-cfg", `${T}FederatedResource`, { template, rollout: { waves: [{ name: "canary", clusters: ["a"], clusterSelector: {} }] } }, {}),
            /^Error: FederatedResource pk-cfg: rollout\.waves\[0\]\.clusterSelector: cannot be combined with clusters; give the wave member names \(clusters\) or a selector \(clusterSelector\), not both$/);
    });
});
