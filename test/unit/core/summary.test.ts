import { strict as assert } from "assert";
import { DecisionSummary, decisionChanges, decisionLine, normalizeDecision, placedClusters, placementView, replicasOf } from "../../../src/core";

// A decision as the components record it: c1/c2 placed with replicas, c3 left out by the selector.
function d(placed: DecisionSummary["placed"], excluded: Record<string, string> = {}, extra: Partial<DecisionSummary> = {}): DecisionSummary {
    return { apiVersion: "apps/v1", kind: "Deployment", name: "test-deployment", namespace: "sched", labels: {}, placed, excluded,
        overrideClusters: [], orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [], ...extra };
}
const IMG = "/spec/template/spec/containers/0/image";

describe("decision summary: one line and changes", () => {
    it("the one-line decision lists clusters in order with replicas, the scheduling marker, short override names and exclusion reasons", () => {
        const dec = d({
            cluster2: { replicas: 5, overrides: [IMG, "/spec/replicas"], images: ["nginx:2"] },
            cluster1: { replicas: 4, overrides: ["/spec/replicas"], images: ["nginx:1"] },
        }, { cluster3: "labels do not match placement.clusterSelector (replica scheduling intersects with it)" },
        { replicaScheduling: { totalReplicas: 9 }, unplacedReplicas: 0 });
        const line = decisionLine("test-deployment", dec);
        // Structure from the issue: "<object>: <cluster> <n> · …[replica scheduling]; overrides: …; excluded: …"
        const [placed, overrides, excluded] = line.split("; ");
        assert.equal(placed, "Deployment sched/test-deployment: cluster1 4 · cluster2 5 [replica scheduling]");
        // /spec/replicas written by the scheduler is already the replica count, so only the image shows.
        assert.equal(overrides, "overrides: cluster2 image");
        assert.equal(excluded, "excluded: cluster3 (selector)");
    });
    it("names the component when it differs from the object, and shows dashes and 'no cluster' for empty parts", () => {
        const line = decisionLine("web-frontend", d({}, {}, { kind: "ConfigMap", apiVersion: "v1", name: "cfg", namespace: undefined }));
        assert.ok(line.startsWith("web-frontend (ConfigMap cfg): no cluster;"), line);
        assert.ok(line.endsWith("overrides: —; excluded: —"), line);
    });
    it("a user override of /spec/replicas without replica scheduling is shown", () => {
        const line = decisionLine("test-deployment", d({ c1: { replicas: 3, overrides: ["/spec/replicas"], images: [] } }));
        assert.ok(line.includes("overrides: c1 replicas"), line);
    });
    it("changes: added and removed clusters (with the reason), replica moves, override and image changes; nothing for equal decisions", () => {
        const before = d({ c1: { replicas: 3, overrides: [], images: ["a:1"] }, c2: { replicas: 5, overrides: ["/x/env"], images: ["a:1"] } }, { c4: "not listed in placement.clusters" });
        const after = d({ c2: { replicas: 3, overrides: ["/x/image"], images: ["a:2"] }, c4: { replicas: 2, overrides: [], images: ["a:1"] } }, { c1: "labels do not match placement.clusterSelector" });
        assert.deepEqual(decisionChanges(before, after), ["−c1 (selector)", "c2 5 → 3", "c2 overrides +image −env", "c2 images a:1 → a:2", "+c4 2"]);
        assert.deepEqual(decisionChanges(before, before), []);
        assert.deepEqual(decisionChanges(before, JSON.parse(JSON.stringify(before))), []);
    });
    it("reads the decision shape recorded by older versions", () => {
        const legacy = { apiVersion: "apps/v1", kind: "Deployment", name: "web", clusters: ["c2", "c1"], excluded: { c3: "x" },
            members: { c1: { labels: {}, zones: [] } }, overrides: { c1: [], c2: [IMG] }, images: { c1: ["a"], c2: ["b"] },
            replicas: { c1: 1, c2: 2 }, overrideClusters: ["c2"], orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [] };
        const n = normalizeDecision(legacy)!;
        assert.deepEqual(placedClusters(n), ["c1", "c2"]);
        assert.deepEqual(n.placed.c2, { replicas: 2, overrides: [IMG], images: ["b"] });
        assert.deepEqual(replicasOf(n), { c1: 1, c2: 2 });
        assert.equal((n as any).members, undefined);
        assert.equal(normalizeDecision({ foo: 1 }), undefined);
        assert.equal(normalizeDecision("[secret]"), undefined);
    });
    it("the placement view (component outputs) keeps identity, labels, placed clusters with their own labels and pulledBy, and reads back as a decision", () => {
        const full = d({
            constructor: { replicas: 2, overrides: [], images: ["a:1"] },
            c2: { replicas: 3, overrides: ["/metadata/labels/tier"], images: ["a:1"], labels: { app: "web", tier: "gold" } },
        }, { c3: "not listed in placement.clusters" }, { labels: { app: "web" }, pulledBy: { c2: ["Deployment shop/api"] }, warnings: ["w"] });
        const view = placementView(full);
        assert.deepEqual(JSON.parse(JSON.stringify(view)), {
            apiVersion: "apps/v1", kind: "Deployment", name: "test-deployment", namespace: "sched", labels: { app: "web" },
            placed: { c2: { labels: { app: "web", tier: "gold" } }, constructor: {} }, pulledBy: { c2: ["Deployment shop/api"] },
        });
        assert.deepEqual(Object.keys(view.placed), ["c2", "constructor"], "sorted, and an own entry for a cluster named constructor");
        const back = normalizeDecision(JSON.parse(JSON.stringify(view)))!;
        assert.deepEqual(placedClusters(back), placedClusters(full));
        assert.deepEqual(back.placed.c2, { labels: { app: "web", tier: "gold" }, overrides: [], images: [] });
        assert.deepEqual([back.excluded, back.overrideClusters, back.warnings], [{}, [], []], "what a view leaves out reads as empty");
        assert.equal(normalizeDecision(full), full, "a whole decision is returned as it is");
        assert.deepEqual(placementView(d({})).placed, {});
    });
});

describe("decision summary: a member cluster named constructor (a valid DNS label, and a member of Object.prototype)", () => {
    it("a move into and out of it is named as such, and the one-line decision lists it", () => {
        const before = d({ a: { replicas: 2, overrides: [], images: [] } }, { constructor: "not listed in placement.clusters" });
        const after = d({ a: { replicas: 1, overrides: [], images: [] }, constructor: { replicas: 1, overrides: [], images: [] } });
        assert.deepEqual(decisionChanges(before, after), ["a 2 → 1", "+constructor 1"]);
        assert.deepEqual(decisionChanges(after, before), ["a 1 → 2", "−constructor (not listed)"]);
        assert.match(decisionLine("test-deployment", after), /a 1 · constructor 1/);
    });
});

describe("core: exclusion reasons as codes (issue 20)", () => {
    it("every reason the core records reads back as its code, spread reasons too; other text stays as it is", () => {
        const { decideFederatedObject: plan, exclusionCode, shortReason } = require("../../../src/core");
        const clusters = [{ name: "a", region: "r1", labels: { t: "x" } }, { name: "b", region: "r2", labels: { t: "y" } }, { name: "c", region: "r2", labels: { t: "y" } }];
        const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "m", namespace: "n" } };
        const codes = (p: { excluded: Record<string, string> }) => Object.fromEntries(Object.entries(p.excluded).map(([c, r]) => [c, exclusionCode(r)]));
        assert.deepEqual(codes(plan({ template: cm, clusters, placement: { clusterSelector: { matchLabels: { t: "x" } } } })), { b: "selector", c: "selector" });
        assert.deepEqual(codes(plan({ template: cm, clusters, placement: { clusters: [{ name: "a" }] } })), { b: "not-listed", c: "not-listed" });
        assert.deepEqual(codes(plan({ template: cm, clusters })), { a: "no-placement", b: "no-placement", c: "no-placement" });
        assert.deepEqual(codes(plan({ template: cm, clusters, placement: { clusterSelector: {} }, namespacePlacement: { clusters: [{ name: "a" }] } })), { b: "namespace", c: "namespace" });
        assert.deepEqual(codes(plan({ template: cm, clusters, placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", maxGroups: 1 }] } })), { a: "spread" });
        assert.equal(exclusionCode("written by hand"), undefined);
        assert.equal(shortReason("written by hand"), "written by hand");
        assert.equal(shortReason("not listed in placement.clusters"), "not listed");
    });
});
