import { strict as assert } from "assert";
import { Secret, unknownCheckingProxy } from "@pulumi/policy";
import {
    DEFAULTS, NAMES, TYPES, clusterCountPolicy, credentialsPolicy, explicitProviderPolicy, imageAllowed, imageRepository,
    isDefaultProviderUrn, overridesPolicy, policies, replicaFeasibilityPolicy, residencyPolicy, touchesProtected,
    uniqueObjectsPolicy,
} from "../../../policy-pack/policies";
import { DecisionSummary, FLEET, decision, memberResources, resourceArgs, stackResource, stackViolations, urnOf, violations } from "./helpers";
const { secretsPreservingProxy } = require("@pulumi/policy/secret");

const FR = TYPES.federatedResource;
const fr = (name: string, d = decision(), config?: Record<string, unknown>) => resourceArgs(FR, name, { decision: d }, { config });

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe("policy pack: definitions", () => {
    it("has unique names, a description, mandatory by default and a config schema without enforcementLevel", () => {
        const names = policies.map(p => p.name);
        assert.equal(new Set(names).size, names.length);
        assert.deepEqual([...names].sort(), Object.values(NAMES).sort());
        for (const p of policies) {
            assert.ok(p.description.length > 10, p.name);
            assert.equal(p.enforcementLevel, "mandatory", p.name);
            assert.ok(p.configSchema && !("enforcementLevel" in p.configSchema.properties), p.name);
        }
    });
});

describe(NAMES.clusterCount, () => {
    it("flags a Deployment placed in one cluster, naming the resource, the cluster and other candidates", async () => {
        const v = await violations(clusterCountPolicy, fr("web", decision({ clusters: ["east"], images: { east: ["nginx"] }, excluded: { eu: "labels do not match placement.clusterSelector", west: "not listed in placement.clusters" } })));
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedResource "web"`, "apps/v1 Deployment shop/web", "1 member cluster (east)", "minimum of 2", `"eu", "west"`);
    });
    it("accepts a Deployment in two clusters", async () => {
        assert.deepEqual(await violations(clusterCountPolicy, fr("web")), []);
    });
    it("counts only clusters that get replicas under replica scheduling", async () => {
        const d = decision({ replicaScheduling: { totalReplicas: 5, clusters: { east: { weight: 1 } } }, replicas: { east: 5, west: 0 }, unplacedReplicas: 0 });
        const v = await violations(clusterCountPolicy, fr("web", d));
        assert.equal(v.length, 1);
        mentions(v[0], "1 cluster with replicas (east=5)", "replicaScheduling");
    });
    it("ignores kinds without replicas unless configured", async () => {
        const cm = decision({ apiVersion: "v1", kind: "ConfigMap", name: "cfg", clusters: ["east"], images: {} });
        assert.deepEqual(await violations(clusterCountPolicy, fr("cfg", cm)), []);
        const v = await violations(clusterCountPolicy, fr("cfg", cm, { kinds: ["*"] }));
        assert.equal(v.length, 1);
        mentions(v[0], "v1 ConfigMap shop/cfg");
        assert.equal((await violations(clusterCountPolicy, fr("cfg", cm, { kinds: ["v1/ConfigMap"] }))).length, 1);
    });
    it("honours minClusters and maxClusters from config", async () => {
        assert.deepEqual(await violations(clusterCountPolicy, fr("web", decision({ clusters: ["east"] }), { minClusters: 1 })), []);
        const v = await violations(clusterCountPolicy, fr("web", decision(), { maxClusters: 1 }));
        assert.equal(v.length, 1);
        mentions(v[0], "2 member clusters (east, west)", "maximum of 1");
    });
    it("ignores other resource types", async () => {
        assert.deepEqual(await violations(clusterCountPolicy, resourceArgs("kubernetes:apps/v1:Deployment", "web-east", { spec: {} })), []);
    });
});

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

describe(NAMES.overrides, () => {
    it("flags overrides written for clusters the object is not placed in", async () => {
        const v = await violations(overridesPolicy, fr("web", decision({ overrideClusters: ["east", "eu"], overrides: { east: ["/spec/template/spec/containers/0/image"] } })));
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedResource "web"`, `overrides for "eu"`, `placed: "east", "west"`);
    });
    it("flags protected paths, their sub-paths and parents, but not scheduler-written /spec/replicas", async () => {
        const d = decision({
            overrideClusters: ["east", "west"],
            overrides: { east: ["/spec/template/spec/serviceAccountName"], west: ["/spec/template/spec", "/spec/replicas"] },
            replicaScheduling: { totalReplicas: 2 }, replicas: { east: 1, west: 1 }, unplacedReplicas: 0,
        });
        const v = await violations(overridesPolicy, fr("web", d, { protectedPaths: ["/spec/template/spec/serviceAccountName", "/spec/replicas"] }));
        assert.equal(v.length, 1);
        mentions(v[0], `"east": /spec/template/spec/serviceAccountName`, `"west": /spec/template/spec (touches /spec/template/spec/serviceAccountName)`);
        assert.ok(!v[0].includes(`"west": /spec/replicas`));
    });
    it("accepts overrides of unprotected paths in placed clusters", async () => {
        const d = decision({ overrideClusters: ["east"], overrides: { east: ["/spec/template/spec/containers/0/image", "/metadata/labels/tier"] } });
        assert.deepEqual(await violations(overridesPolicy, fr("web", d)), []);
    });
    it("checks images after overrides against allowedRegistries (empty = no check)", async () => {
        const d = decision({ images: { east: ["registry.example.com/shop/web:2"], west: ["nginx:1.25", "registry.example.com/shop/sidecar@sha256:abc"] } });
        assert.deepEqual(await violations(overridesPolicy, fr("web", d)), []);
        const v = await violations(overridesPolicy, fr("web", d, { allowedRegistries: ["registry.example.com"] }));
        assert.equal(v.length, 1);
        mentions(v[0], `"west": nginx:1.25`, `Allowed: "registry.example.com"`);
        assert.ok(!v[0].includes(`"east"`));
        assert.deepEqual(await violations(overridesPolicy, fr("web", d, { allowedRegistries: ["registry.example.com/shop", "docker.io/library"] })), []);
    });
    it("can allow overrides for unplaced clusters and supports * segments in protected paths", async () => {
        const d = decision({ overrideClusters: ["eu"], overrides: { east: ["/spec/template/spec/containers/1/securityContext/privileged"] } });
        const v = await violations(overridesPolicy, fr("web", d, { requirePlacedOverrideClusters: false, protectedPaths: ["/spec/template/spec/containers/*/securityContext"] }));
        assert.equal(v.length, 1);
        mentions(v[0], `"east": /spec/template/spec/containers/1/securityContext/privileged`);
    });
    it("normalises image references", () => {
        assert.equal(imageRepository("nginx"), "docker.io/library/nginx");
        assert.equal(imageRepository("bitnami/redis:7"), "docker.io/bitnami/redis");
        assert.equal(imageRepository("localhost:5000/app:1"), "localhost:5000/app");
        assert.equal(imageRepository("ghcr.io/acme/app@sha256:0123"), "ghcr.io/acme/app");
        assert.ok(!imageAllowed("registry.example.com.evil.io/x", ["registry.example.com"]));
        assert.ok(touchesProtected("/a/b", "/a/b/c") && touchesProtected("/a/b/c", "/a/b") && !touchesProtected("/a/x", "/a/b"));
    });
});

describe(NAMES.replicaFeasibility, () => {
    const rsp = (spec: any, replicas: Record<string, number>, unplaced = 0) =>
        decision({ replicaScheduling: spec, replicas, unplacedReplicas: unplaced, overrides: { east: ["/spec/replicas"], west: ["/spec/replicas"] } });

    it("flags minimums above totalReplicas, naming the clusters", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 5, clusters: { east: { minReplicas: 4, weight: 1 }, "*": { minReplicas: 3 } } }, { east: 4, west: 1 })));
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedResource "web"`, "add up to 7 (east=4, west=3)", "totalReplicas 5");
    });
    it("flags totalReplicas above the sum of maximums when every placed cluster has one", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 30, clusters: { "*": { maxReplicas: 10, weight: 1 } } }, { east: 10, west: 10 }, 10)));
        assert.equal(v.length, 1, v.join("\n"));
        mentions(v[0], "totalReplicas 30 exceeds", "(20: east=10, west=10)", "10 replicas can never run");
    });
    it("flags replicas the plan leaves unplaced", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 6, clusters: { east: { minReplicas: 1 }, west: { minReplicas: 1 } } }, { east: 1, west: 1 }, 4)));
        assert.equal(v.length, 1);
        mentions(v[0], "leaves 4 of 6 replicas unplaced", "planned: east=1, west=1");
        assert.deepEqual(await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 6, clusters: { east: { minReplicas: 1 }, west: { minReplicas: 1 } } }, { east: 1, west: 1 }, 4), { maxUnplacedReplicas: 4 })), []);
    });
    it("recomputes the plan with the core planner when the decision did not record unplaced replicas", async () => {
        const d = rsp({ totalReplicas: 6, clusters: { east: { weight: 0 }, west: { weight: 0 } } }, { east: 0, west: 0 });
        delete (d as any).unplacedReplicas;
        const v = await violations(replicaFeasibilityPolicy, fr("web", d));
        assert.equal(v.length, 1);
        mentions(v[0], "leaves 6 of 6 replicas unplaced");
    });
    it("explains unplaced replicas caused by failover, with the same words as the decision line", async () => {
        const d = rsp({ totalReplicas: 50, clusters: { "*": { weight: 1, maxReplicas: 30 } } }, { east: 30, west: 0 }, 20);
        d.failover = { notReady: ["west"], replicasIfReady: { east: 25, west: 25 } };
        const v = await violations(replicaFeasibilityPolicy, fr("web", d));
        assert.equal(v.length, 1, v.join("\n"));
        mentions(v[0], "leaves 20 of 50 replicas unplaced", "Failover: not ready: west 25 → 0 (moved: east +5);");
        // recomputed through the core failover planner when unplaced replicas were not recorded
        delete (d as any).unplacedReplicas;
        mentions((await violations(replicaFeasibilityPolicy, fr("web", d)))[0], "leaves 20 of 50 replicas unplaced");
    });
    it("accepts a feasible split and ignores resources without replica scheduling", async () => {
        assert.deepEqual(await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 10, clusters: { east: { minReplicas: 2, maxReplicas: 6, weight: 1 }, west: { maxReplicas: 6, weight: 1 } } }, { east: 5, west: 5 }))), []);
        assert.deepEqual(await violations(replicaFeasibilityPolicy, fr("web")), []);
    });
    it("reports an invalid spec through the core validator", async () => {
        const v = await violations(replicaFeasibilityPolicy, fr("web", rsp({ totalReplicas: 4, clusters: { east: { minReplicas: 5, maxReplicas: 2 } } }, { east: 2 })));
        assert.equal(v.length, 1);
        mentions(v[0], "invalid replicaScheduling", "minReplicas (5) is greater than maxReplicas (2)");
    });
});

describe(NAMES.credentials, () => {
    const member = (secret: boolean) => ({ clusterName: "east", labels: {}, zones: [], unreachable: "fail", adoptExisting: false, credentialsWereSecret: secret });
    it("flags a MemberCluster whose kubeconfig was not a secret", async () => {
        const v = await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "member-east", member(false)));
        assert.equal(v.length, 1);
        mentions(v[0], `MemberCluster "member-east" (cluster "east")`, "requireSecret");
    });
    it("accepts secret credentials, and can be switched off", async () => {
        assert.deepEqual(await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "member-east", member(true))), []);
        assert.deepEqual(await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "member-east", member(false), { config: { requireSecretKubeconfig: false } })), []);
    });
    it("remediates a plain provider kubeconfig into a secret, and leaves secret ones alone", async () => {
        const remediate = (raw: Record<string, unknown>) => credentialsPolicy.remediateResource!({
            ...resourceArgs(TYPES.k8sProvider, "east", {}), props: unknownCheckingProxy(secretsPreservingProxy(raw)),
        });
        const fixed = await remediate({ kubeconfig: "apiVersion: v1", clusterIdentifier: "east" }) as Record<string, unknown>;
        assert.ok(fixed.kubeconfig instanceof Secret);
        assert.equal((fixed.kubeconfig as Secret).value, "apiVersion: v1");
        assert.equal(fixed.clusterIdentifier, "east");
        assert.equal(await remediate({ kubeconfig: new Secret("apiVersion: v1") }), undefined);
        assert.equal(await remediate({ context: "kind-east" }), undefined);
    });
});

describe(NAMES.explicitProvider, () => {
    const parent = urnOf(FR, "web");
    const child = (provider: { urn: string; name: string }, config?: Record<string, unknown>) =>
        resourceArgs("kubernetes:apps/v1:Deployment", "web-east", { metadata: { name: "web" } }, { provider, parent, config });
    const defaultProvider = { urn: urnOf(TYPES.k8sProvider, "default_4_32_0"), name: "default_4_32_0" };
    const memberProvider = { urn: urnOf(TYPES.k8sProvider, "east", TYPES.memberCluster), name: "east" };

    it("flags a Kubernetes resource on the default provider", async () => {
        const v = await violations(explicitProviderPolicy, child(defaultProvider));
        assert.equal(v.length, 1);
        mentions(v[0], `kubernetes:apps/v1:Deployment "web-east"`, "child of web", "default_4_32_0", "disable-default-providers");
    });
    it("accepts a member provider, ignores non-Kubernetes types and honours exemptTypes", async () => {
        assert.deepEqual(await violations(explicitProviderPolicy, child(memberProvider)), []);
        assert.deepEqual(await violations(explicitProviderPolicy, child(defaultProvider, { exemptTypes: ["kubernetes:apps/"] })), []);
        assert.deepEqual(await violations(explicitProviderPolicy, resourceArgs(TYPES.memberCluster, "east", {}, { provider: defaultProvider })), []);
    });
    it("recognises default provider URNs", () => {
        assert.ok(isDefaultProviderUrn("urn:pulumi:s::p::pulumi:providers:kubernetes::default"));
        assert.ok(isDefaultProviderUrn("urn:pulumi:s::p::pulumi:providers:kubernetes::default_4_32_0"));
        assert.ok(!isDefaultProviderUrn("urn:pulumi:s::p::pulumi-kubefed:index:MemberCluster$pulumi:providers:kubernetes::default-east"));
    });
});

describe(NAMES.uniqueObjects, () => {
    const fed = (name: string, d = decision()) => stackResource(FR, name, { decision: d, clusterNames: Object.keys(d.placed) });
    it("flags two federated resources emitting the same object into the same cluster", async () => {
        const v = await stackViolations(uniqueObjectsPolicy, [fed("web"), fed("web-copy", decision({ clusters: ["west", "eu"], apiVersion: "apps/v1beta2" }))]);
        assert.equal(v.length, 1);
        mentions(v[0], "Deployment.apps shop/web", `cluster "west"`, `FederatedResource "web" and FederatedResource "web-copy"`);
    });
    it("accepts disjoint clusters, other namespaces and other kinds", async () => {
        assert.deepEqual(await stackViolations(uniqueObjectsPolicy, [
            fed("web"), fed("web-eu", decision({ clusters: ["eu"] })), fed("web-ns2", decision({ namespace: "other" })),
            fed("svc", decision({ apiVersion: "v1", kind: "Service" })),
        ]), []);
    });
    it("also compares plain Kubernetes resources on a member's provider (configurable)", async () => {
        const member = stackResource(TYPES.memberCluster, "member-west", { clusterName: "west" });
        const prov = stackResource(TYPES.k8sProvider, "member-west", {}, { parent: member });
        const f = fed("web");
        const child = stackResource("kubernetes:apps/v1:Deployment", "web-west", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" } }, { parent: f, provider: prov });
        const stray = stackResource("kubernetes:apps/v1:Deployment", "legacy-web", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" } }, { provider: prov });
        const v = await stackViolations(uniqueObjectsPolicy, [member, prov, f, child, stray]);
        assert.equal(v.length, 1, v.join("\n"));
        mentions(v[0], `cluster "west"`, `FederatedResource "web" and kubernetes:apps/v1:Deployment "legacy-web"`);
        assert.deepEqual(await stackViolations(uniqueObjectsPolicy, [member, prov, f, child, stray], { includeUnmanagedResources: false }), []);
    });
    it("skips resources whose identity is unknown at preview", async () => {
        const prov = stackResource(TYPES.k8sProvider, "p", {});
        const unknown = stackResource("kubernetes:core/v1:ConfigMap", "a", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }, { provider: prov });
        const same = stackResource("kubernetes:core/v1:ConfigMap", "b", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }, { provider: prov });
        assert.deepEqual(await stackViolations(uniqueObjectsPolicy, [prov, unknown, same]), []);
    });
});
