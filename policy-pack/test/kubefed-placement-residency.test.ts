/** Unit tests of `kubefed-placement-residency` (fake policy arguments, see ./helpers.ts). */
import { strict as assert } from "assert";
import { DEFAULTS, NAMES, TYPES, residencyPolicy } from "../policies";
import { DecisionSummary, FLEET, decision, memberResources, stackResource, stackViolations, urnOf } from "./helpers";

const FR = TYPES.federatedResource;

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe(NAMES.residency, () => {
    const pii = { rules: [{ name: "pii-in-eu", matchLabels: { "data-class": "pii" }, allowedRegions: ["eu-central"] }] };
    const piiDecision = (clusters: string[]) => decision({ labels: { app: "web", "data-class": "pii" }, clusters });
    // A stack: the members (facts recorded once each) plus the federated resources.
    const stack = (ds: [string, DecisionSummary, string?][], members = FLEET) =>
        [...memberResources(members), ...ds.map(([n, d, t]) => stackResource(t ?? FR, n, { decision: d }))];

    it("flags pii objects placed outside the allowed regions, naming the clusters, regions and a compliant cluster", async () => {
        const v = await stackViolations(residencyPolicy, stack([["web", piiDecision(["east", "eu", "west"])]]), pii);
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedResource "web"`, `"pii-in-eu"`, `"east" (region "us-east")`, `"west" (region "us-west")`, `regions "eu-central"`, `e.g. "eu"`);
        assert.ok(!v[0].includes(`"eu" (`), "the compliant cluster is not listed as a violation");
    });
    it("reports against the federated resource's URN", async () => {
        const urns: (string | undefined)[] = [];
        await residencyPolicy.validateStack({ resources: stack([["web", piiDecision(["east"])]]), stackTags: new Map(),
            getConfig: <T extends object>() => pii as T, notApplicable: (): never => { throw new Error("n/a"); } },
        (_m: string, urn?: string) => { urns.push(urn); });
        assert.deepEqual(urns, [urnOf(FR, "web")]);
    });
    it("accepts pii objects placed only in allowed regions, and objects the rule does not match", async () => {
        assert.deepEqual(await stackViolations(residencyPolicy, stack([["web", piiDecision(["eu"])], ["other", decision()]]), pii), []);
    });
    it("checks zones, required cluster labels, clusters without a region and clusters no MemberCluster describes", async () => {
        const d = decision({ labels: { "data-class": "pii" }, clusters: ["east", "eu", "mars"] });
        const members = { east: { labels: { tier: "prod" }, zones: [] }, eu: { labels: { tier: "prod", residency: "eu" }, region: "eu-central", zones: ["eu-central-1a"] } };
        const rules = { rules: [{ matchLabels: { "data-class": "pii" }, allowedRegions: ["eu-central"], allowedZones: ["eu-central-1a"], requiredClusterLabels: { residency: "eu" } }] };
        const v = await stackViolations(residencyPolicy, stack([["web", d]], members), rules);
        assert.equal(v.length, 1);
        mentions(v[0], `"east" (has no region, has no zones, lacks label residency=eu)`, `"mars" (unknown to the program`, "rule #0", `e.g. "eu"`);
        assert.ok(!v[0].includes(`"eu" (`));
    });
    it("supports matchExpressions and reports an invalid rule as a configuration problem", async () => {
        const rules = { rules: [{ matchExpressions: [{ key: "data-class", operator: "In", values: ["pii", "phi"] }], allowedRegions: ["eu-central"] }] };
        assert.equal((await stackViolations(residencyPolicy, stack([["web", piiDecision(["east"])]]), rules)).length, 1);
        const bad = { rules: [{ matchExpressions: [{ key: "data-class", operator: "In", values: [] }], allowedRegions: ["eu-central"] }] };
        const v = await stackViolations(residencyPolicy, stack([["web", piiDecision(["east"])]]), bad);
        assert.equal(v.length, 1);
        mentions(v[0], "is invalid", "fix the policy configuration");
    });
    it("has no rules by default", async () => {
        assert.deepEqual(DEFAULTS.residency.rules, []);
        assert.deepEqual(await stackViolations(residencyPolicy, stack([["web", piiDecision(["east"])]])), []);
    });
    it("applies to FederatedNamespaces too", async () => {
        const ns = decision({ apiVersion: "v1", kind: "Namespace", name: "payments", namespace: undefined, labels: { "data-class": "pii" }, clusters: ["west"], images: {} });
        const v = await stackViolations(residencyPolicy, stack([["payments", ns, TYPES.federatedNamespace]]), pii);
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedNamespace "payments" (v1 Namespace payments)`, `"west"`);
    });
    it("reads decisions recorded in the shape older versions wrote (parallel maps, members inside)", async () => {
        const legacy = { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop", labels: { "data-class": "pii" },
            clusters: ["east", "eu"], excluded: {}, members: {}, overrides: { east: [], eu: [] }, overrideClusters: [],
            images: { east: ["nginx"], eu: ["nginx"] }, orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [] };
        const v = await stackViolations(residencyPolicy, [...memberResources(), stackResource(FR, "web", { decision: legacy })], pii);
        assert.equal(v.length, 1);
        mentions(v[0], `"east" (region "us-east")`);
    });
});
