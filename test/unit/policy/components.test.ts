/**
 * The policies fed with what real components record: components are constructed under the shared mock engine
 * (test/support/harness.ts) and the inputs the engine received are handed to the policies, so these
 * tests break if the recorded shape drifts from what the pack expects.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PolicyResource } from "@pulumi/policy";
import { registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import {
    TYPES, clusterCountPolicy, credentialsPolicy, explicitProviderPolicy, overridesPolicy, providerUrnOfRef,
    replicaFeasibilityPolicy, residencyPolicy, uniqueObjectsPolicy,
} from "../../../policy-pack/policies";
import { resourceArgs, stackResource, stackViolations, violations } from "../../../policy-pack/test/helpers";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);

function fleet() {
    return [
        new kubefed.MemberCluster("east", { kubeconfig: kc("east"), labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] }),
        new kubefed.MemberCluster("west", { kubeconfig: "apiVersion: v1\nkind: Config\n", labels: { tier: "prod" }, region: "us-west", zones: ["us-west-1b"] }),
        new kubefed.MemberCluster("eu", { kubeconfig: kc("eu"), labels: { tier: "prod" }, region: "eu-central", zones: ["eu-central-1a"] }),
    ];
}

const deployment = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "shop", labels: { app: name, ...labels } },
    spec: {
        replicas: 1, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: "web", containers: [{ name: "web", image: "nginx:1.25" }] } },
    },
});

function recorded(type: string, name: string) {
    const r = registered.find(x => x.type === type && x.name === name);
    if (!r) throw new Error(`${type} ${name} not registered: ${registered.map(x => `${x.type}/${x.name}`).join(", ")}`);
    return r;
}

/** Provider reference `<urn>::<id>` from the mock → what the policy server passes as args.provider. */
function providerArg(ref: string | undefined) {
    assert.ok(ref);
    const urn = providerUrnOfRef(ref!);
    return { urn, name: urn.slice(urn.lastIndexOf("::") + 2) };
}

describe("policy pack on real component inputs (mocked engine)", () => {
    beforeEach(reset);

    it("checks a pii Deployment with replica scheduling and overrides end to end", async () => {
        const members = fleet();
        const web = new kubefed.FederatedResource("web", {
            clusters: members,
            template: deployment("web", { "data-class": "pii" }),
            placement: { clusterSelector: { matchLabels: { tier: "prod" } } },
            overrides: [{ clusterName: "west", clusterOverrides: [{ path: "/spec/template/spec/serviceAccountName", value: "admin" }] }],
            replicaScheduling: { totalReplicas: 9, clusters: { east: { weight: 1, maxReplicas: 2 }, west: { weight: 1, maxReplicas: 2 }, eu: { weight: 1, maxReplicas: 2 } } },
        });
        await settle(web, ...members, ...Object.values(web.resources));
        const inputs = recorded(TYPES.federatedResource, "web").inputs;
        assert.deepEqual(Object.keys(inputs.decision.placed), ["east", "eu", "west"]);
        const args = (config?: Record<string, unknown>) => resourceArgs(TYPES.federatedResource, "web", inputs, { config });

        // Residency is a stack policy: member facts come from the MemberClusters, recorded once each.
        const stackOf = [...["east", "west", "eu"].map(n => stackResource(TYPES.memberCluster, n, recorded(TYPES.memberCluster, n).inputs)),
            stackResource(TYPES.federatedResource, "web", inputs)];
        const residency = await stackViolations(residencyPolicy, stackOf, { rules: [{ matchLabels: { "data-class": "pii" }, allowedRegions: ["eu-central"] }] });
        assert.equal(residency.length, 1);
        assert.match(residency[0], /FederatedResource "web".*"east" \(region "us-east"\).*"west" \(region "us-west"\)/s);

        const overrides = await violations(overridesPolicy, args());
        assert.equal(overrides.length, 1);
        assert.match(overrides[0], /"west": \/spec\/template\/spec\/serviceAccountName/);

        const feasible = await violations(replicaFeasibilityPolicy, args());
        assert.equal(feasible.length, 1, feasible.join("\n"));
        assert.match(feasible[0], /totalReplicas 9 exceeds the sum of maxReplicas .*\(6: east=2, eu=2, west=2\)/);

        assert.deepEqual(await violations(clusterCountPolicy, args()), []);

        // Every emitted child uses its member's explicit provider.
        const kids = registered.filter(r => r.type === "kubernetes:apps/v1:Deployment");
        assert.equal(kids.length, 3);
        for (const k of kids) {
            assert.deepEqual(await violations(explicitProviderPolicy, resourceArgs(k.type, k.name, k.inputs, { provider: providerArg(k.provider) })), []);
        }
    });

    it("flags the MemberCluster given a plain kubeconfig and passes the secret ones", async () => {
        const members = fleet();
        await settle(...members, ...members.map(m => m.provider));
        const v = await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "west", recorded(TYPES.memberCluster, "west").inputs));
        assert.equal(v.length, 1);
        assert.match(v[0], /MemberCluster "west" \(cluster "west"\)/);
        assert.deepEqual(await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "east", recorded(TYPES.memberCluster, "east").inputs)), []);
    });

    it("flags a single-cluster Deployment and two FederatedResources claiming one object", async () => {
        const members = fleet();
        const a = new kubefed.FederatedResource("web-a", { clusters: members, template: deployment("web"), placement: { clusters: [{ name: "east" }] } });
        const b = new kubefed.FederatedResource("web-b", { clusters: members, template: deployment("web"), placement: { clusters: [{ name: "east" }, { name: "eu" }] } });
        await settle(a, b, ...members, ...Object.values(a.resources), ...Object.values(b.resources));
        const count = await violations(clusterCountPolicy, resourceArgs(TYPES.federatedResource, "web-a", recorded(TYPES.federatedResource, "web-a").inputs));
        assert.equal(count.length, 1);
        // Judged on what is sent: one cluster, running the template's 1 replica.
        assert.match(count[0], /FederatedResource "web-a" .* 1 cluster with replicas \(east=1\)/);

        const stack: PolicyResource[] = ["web-a", "web-b"].map(n => stackResource(TYPES.federatedResource, n, recorded(TYPES.federatedResource, n).inputs));
        const dup = await stackViolations(uniqueObjectsPolicy, stack);
        assert.equal(dup.length, 1);
        assert.match(dup[0], /Deployment\.apps shop\/web in cluster "east" is emitted by FederatedResource "web-a" and FederatedResource "web-b"/);
    });
});
