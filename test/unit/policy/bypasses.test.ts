/**
 * Issue 10: each way the policy pack used to be bypassed, now firing. The policies judge what is sent to each
 * cluster (after overrides), not the template. Each case runs twice where it can: on a hand-written decision
 * (what a policy sees in state) and on the decision a real component records under the mock engine.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import {
    DEFAULTS, TYPES, clusterCountPolicy, overridesPolicy, residencyPolicy, uniqueObjectsPolicy,
} from "../../../policy-pack/policies";
import { FLEET, decision, memberResources, resourceArgs, stackResource, stackViolations, violations } from "../../../policy-pack/test/helpers";

const FR = TYPES.federatedResource;
const fr = (name: string, d = decision(), config?: Record<string, unknown>) => resourceArgs(FR, name, { decision: d }, { config });
const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const euOnly = { rules: [{ name: "gdpr", matchLabels: { "data-class": "gdpr" }, allowedRegions: ["eu-central"] }] };
/** Residency is a stack policy: the members' facts plus one federated resource. */
const residency = (name: string, d: kubefed.DecisionSummary) =>
    stackViolations(residencyPolicy, [...memberResources(FLEET), stackResource(FR, name, { decision: d })], euOnly);

function fleet() {
    return [
        new kubefed.MemberCluster("bp-east", { clusterName: "east", kubeconfig: kc("east"), labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] }),
        new kubefed.MemberCluster("bp-eu", { clusterName: "eu", kubeconfig: kc("eu"), labels: { tier: "prod" }, region: "eu-central", zones: ["eu-central-1a"] }),
    ];
}
const deployment = (name: string) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "shop", labels: { app: name } },
    spec: { replicas: 2, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: "web", containers: [{ name: "web", image: "nginx:1.25" }] } } },
});
async function recordedDecision(name: string, args: Omit<kubefed.FederatedResourceArgs, "clusters">) {
    const r = new kubefed.FederatedResource(name, { clusters: fleet(), ...args });
    await settle(r);
    const rec = registered.find(x => x.type === FR && x.name === name);
    assert.ok(rec, `${name} not registered`);
    return rec!.inputs.decision as kubefed.DecisionSummary;
}

describe("policy bypasses (issue 10), now firing", () => {
    beforeEach(reset);

    it("a residency label added by an override (hand-written decision)", async () => {
        const d = decision({ labels: { app: "web" } });
        d.placed.east.labels = { app: "web", "data-class": "gdpr" };
        const v = await residency("web", d);
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /"east" \(region "us-east"; the label comes from an override\)/);
        assert.match(v[0], /but is placed in "east" \([^)]*\)\. Restrict/, "only east, where the label is sent, is judged");
    });
    it("a residency label added by an override (real component)", async () => {
        const d = await recordedDecision("bp-res", {
            template: deployment("bp-res"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "east", clusterOverrides: [{ path: "/metadata/labels/data-class", value: "gdpr" }] }],
        });
        assert.deepEqual(d.labels, { app: "bp-res" }, "the template itself has no residency label");
        assert.deepEqual(d.placed.east.labels, { app: "bp-res", "data-class": "gdpr" }, "the labels sent to east are recorded");
        const v = await residency("bp-res", d);
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /"east"/);
    });
    it("without the override the same program passes", async () => {
        const d = await recordedDecision("bp-res2", { template: deployment("bp-res2"), placement: { clusterSelector: {} } });
        assert.deepEqual(await residency("bp-res2", d), []);
    });

    it("a namespace-less object and one in `default` claim the same object", async () => {
        const a = stackResource(FR, "cm-a", { decision: decision({ apiVersion: "v1", kind: "ConfigMap", name: "cfg", namespace: undefined, clusters: ["east"] }) });
        const b = stackResource(FR, "cm-b", { decision: decision({ apiVersion: "v1", kind: "ConfigMap", name: "cfg", namespace: "default", clusters: ["east"] }) });
        const v = await stackViolations(uniqueObjectsPolicy, [a, b]);
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /ConfigMap default\/cfg in cluster "east" is emitted by FederatedResource "cm-a" and FederatedResource "cm-b"/);
    });
    it("a cluster-scoped kind without a namespace is not put in `default`", async () => {
        const a = stackResource(FR, "cr-a", { decision: decision({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "x", namespace: undefined, clusters: ["east"] }) });
        const b = stackResource(FR, "cr-b", { decision: decision({ apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "default", clusters: ["east"] }) });
        assert.deepEqual(await stackViolations(uniqueObjectsPolicy, [a, b]), []);
    });

    it("a /metadata rename onto another object (recorded override of /metadata)", async () => {
        for (const p of ["/metadata", "/metadata/name", "/metadata/namespace", "/kind", "/apiVersion", "/metadata/"]) {
            const v = await violations(overridesPolicy, fr("web", decision({ overrides: { east: [p], west: [] }, overrideClusters: ["east"] })));
            assert.equal(v.length, 1, `${p}: ${v.join("\n")}`);
            assert.match(v[0], /overrides the object's identity/);
        }
    });
    it("a /metadata rename cannot even be planned by the component", async () => {
        await assert.rejects(async () => recordedDecision("bp-ren", {
            template: deployment("bp-ren"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "east", clusterOverrides: [{ path: "/metadata", value: { name: "other", namespace: "kube-system" } }] }],
        }), /FederatedResource bp-ren: .*\/metadata replaces or removes \/metadata as a whole/);
    });

    it("a placement count met while an override sets replicas 0 (hand-written decision)", async () => {
        const d = decision({ replicas: { east: 2, west: 0 }, overrides: { east: [], west: ["/spec/replicas"] }, overrideClusters: ["west"] });
        const v = await violations(clusterCountPolicy, fr("web", d));
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /runs in 1 cluster with replicas \(east=2\)/);
    });
    it("a placement count met while an override sets replicas 0 (real component)", async () => {
        const d = await recordedDecision("bp-zero", {
            template: deployment("bp-zero"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "eu", clusterOverrides: [{ path: "/spec/replicas", value: 0 }] }],
        });
        assert.deepEqual(kubefed.replicasOf(d), { east: 2, eu: 0 });
        const v = await violations(clusterCountPolicy, fr("bp-zero", d));
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /east=2/);
    });

    const protectedCfg = { protectedPaths: [...DEFAULTS.overrides.protectedPaths, "/spec/template/spec/containers/0/image"] };
    for (const [what, p] of [
        ["a +0 index alias", "/spec/template/spec/containers/+0/image"],
        ["a 00 index alias", "/spec/template/spec/containers/00/image"],
        ["a -1 index alias", "/spec/template/spec/containers/-1/image"],
        ["the deprecated serviceAccount alias", "/spec/template/spec/serviceAccount"],
    ]) {
        it(`a protected path reached through ${what} (hand-written decision)`, async () => {
            const v = await violations(overridesPolicy, fr("web", decision({ overrides: { east: [p], west: [] }, overrideClusters: ["east"] }), protectedCfg));
            assert.equal(v.length, 1, `${p}: ${v.join("\n")}`);
            assert.match(v[0], /overrides protected paths/);
        });
    }
    it("a protected path reached through -1 (real component records the resolved index)", async () => {
        const d = await recordedDecision("bp-idx", {
            template: deployment("bp-idx"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "east", clusterOverrides: [{ path: "/spec/template/spec/containers/-1/image", value: "evil:1" }] }],
        });
        assert.deepEqual(d.placed.east.overrides, ["/spec/template/spec/containers/0/image"]);
        const v = await violations(overridesPolicy, fr("bp-idx", d, protectedCfg));
        assert.equal(v.length, 1, v.join("\n"));
    });
    it("a different container index is not protected", async () => {
        const v = await violations(overridesPolicy, fr("web", decision({ overrides: { east: ["/spec/template/spec/containers/1/image"], west: [] }, overrideClusters: ["east"] }), protectedCfg));
        assert.deepEqual(v, []);
    });
});
