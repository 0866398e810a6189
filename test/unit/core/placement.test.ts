import { strict as assert } from "assert";
import { ClusterInfo, LabelSelector, Placement, matchesSelector, selectClusters, selectNamespacedClusters } from "../../../src/core";

/*
 * Ported from kubernetes-retired/kubefed pkg/controller/util/placement_test.go (TestSelectedClusterNames):
 * cluster1 has no labels, cluster2 has foo=bar.
 */
describe("placement: upstream TestSelectedClusterNames", () => {
    const clusters: ClusterInfo[] = [{ name: "cluster1" }, { name: "cluster2", labels: { foo: "bar" } }];
    const cases: [string, Placement | undefined, string[]][] = [
        ["ignore cluster selector when cluster names present", { clusters: [{ name: "cluster1" }], clusterSelector: { matchLabels: {} } }, ["cluster1"]],
        ["no clusters when cluster names and selector absent", {}, []],
        ["no clusters when cluster names empty and selector not empty", { clusters: [], clusterSelector: { matchLabels: { foo: "bar" } } }, []],
        ["all clusters when cluster names absent and selector empty", { clusterSelector: { matchLabels: {} } }, ["cluster1", "cluster2"]],
        ["selected clusters when cluster names absent and selector not empty", { clusterSelector: { matchLabels: { foo: "bar" } } }, ["cluster2"]],
    ];
    for (const [name, placement, expected] of cases) it(name, () => assert.deepEqual(selectClusters(placement, clusters), expected));
});

/* docs/semantics.md#selected-clusters, rule by rule; expectations by hand. */
describe("placement: docs/semantics.md#selected-clusters selection rules", () => {
    const clusters: ClusterInfo[] = [
        { name: "c-west", labels: { region: "west", tier: "prod" } },
        { name: "a-east", labels: { region: "east", tier: "prod" } },
        { name: "b-east", labels: { region: "east" } },
        { name: "d-none", labels: null },
    ];
    const cases: [string, Placement | null | undefined, string[]][] = [
        ["null placement selects nothing", null, []],
        ["undefined placement selects nothing", undefined, []],
        ["null selector selects nothing", { clusterSelector: null }, []],
        ["null clusters list falls through to the selector", { clusters: null, clusterSelector: {} }, ["a-east", "b-east", "c-west", "d-none"]],
        ["{} selects every cluster, sorted", { clusterSelector: {} }, ["a-east", "b-east", "c-west", "d-none"]],
        ["empty matchExpressions selects every cluster", { clusterSelector: { matchExpressions: [] } }, ["a-east", "b-east", "c-west", "d-none"]],
        ["empty clusters list wins over a selector", { clusters: [], clusterSelector: {} }, []],
        ["clusters list is sorted, de-duplicated and unknown names are dropped", { clusters: [{ name: "c-west" }, { name: "nope" }, { name: "a-east" }, { name: "c-west" }] }, ["a-east", "c-west"]],
        ["matchLabels equality", { clusterSelector: { matchLabels: { region: "east" } } }, ["a-east", "b-east"]],
        ["matchLabels are ANDed", { clusterSelector: { matchLabels: { region: "east", tier: "prod" } } }, ["a-east"]],
        ["In", { clusterSelector: { matchExpressions: [{ key: "region", operator: "In", values: ["west", "north"] }] } }, ["c-west"]],
        ["NotIn is also true when the label is absent", { clusterSelector: { matchExpressions: [{ key: "region", operator: "NotIn", values: ["east"] }] } }, ["c-west", "d-none"]],
        ["Exists", { clusterSelector: { matchExpressions: [{ key: "tier", operator: "Exists" }] } }, ["a-east", "c-west"]],
        ["DoesNotExist", { clusterSelector: { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] } }, ["b-east", "d-none"]],
        ["matchLabels AND matchExpressions", {
            clusterSelector: { matchLabels: { region: "east" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] },
        }, ["b-east"]],
    ];
    for (const [name, placement, expected] of cases) it(name, () => assert.deepEqual(selectClusters(placement, clusters), expected));

    it("selectorOnly ignores the clusters list (docs/semantics.md#selected-clusters step 5)", () => {
        const p: Placement = { clusters: [{ name: "d-none" }], clusterSelector: { matchLabels: { tier: "prod" } } };
        assert.deepEqual(selectClusters(p, clusters), ["d-none"]);
        assert.deepEqual(selectClusters(p, clusters, { selectorOnly: true }), ["a-east", "c-west"]);
        assert.deepEqual(selectClusters({ clusters: [{ name: "d-none" }] }, clusters, { selectorOnly: true }), []);
    });

    it("invalid selectors throw (KubeFed: ComputePlacementFailed)", () => {
        const bad: LabelSelector[] = [
            { matchExpressions: [{ key: "a", operator: "Bogus" as "In", values: ["x"] }] },
            { matchExpressions: [{ key: "a", operator: "In", values: [] }] },
            { matchExpressions: [{ key: "a", operator: "NotIn" }] },
            { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
            { matchLabels: { "bad key!": "x" } },
            { matchLabels: { ok: "bad value!" } },
        ];
        for (const s of bad) assert.throws(() => selectClusters({ clusterSelector: s }, clusters), /invalid label selector/, JSON.stringify(s));
    });

    it("matchesSelector: null selects nothing, {} selects everything", () => {
        assert.equal(matchesSelector(null, { a: "b" }), false);
        assert.equal(matchesSelector({}, undefined), true);
        assert.equal(matchesSelector({ matchLabels: { a: "b" } }, { a: "b" }), true);
        assert.equal(matchesSelector({ matchLabels: { toString: "x" } }, {}), false); // no prototype leakage
    });
});

/* docs/semantics.md#namespaces: namespaced resources are intersected with their FederatedNamespace's placement. */
describe("placement: docs/semantics.md#namespaces namespaced intersection", () => {
    const clusters: ClusterInfo[] = [{ name: "a", labels: { env: "prod" } }, { name: "b", labels: { env: "prod" } }, { name: "c", labels: { env: "dev" } }];
    const cases: [string, Placement | null | undefined, Placement | null | undefined, string[]][] = [
        ["intersection of two selectors", { clusterSelector: {} }, { clusterSelector: { matchLabels: { env: "prod" } } }, ["a", "b"]],
        ["intersection of list and selector", { clusters: [{ name: "c" }, { name: "a" }] }, { clusterSelector: { matchLabels: { env: "prod" } } }, ["a"]],
        ["namespace with no placement selects nothing", { clusterSelector: {} }, {}, []],
        ["null namespace placement selects nothing", { clusterSelector: {} }, null, []],
        ["namespace clusters list wins over its selector", { clusterSelector: {} }, { clusters: [{ name: "c" }], clusterSelector: {} }, ["c"]],
        ["resource selecting nothing", null, { clusterSelector: {} }, []],
    ];
    for (const [name, own, ns, expected] of cases) it(name, () => assert.deepEqual(selectNamespacedClusters(own, ns, clusters), expected));

    it("selectorOnly applies to the resource placement, not the namespace's", () => {
        const own: Placement = { clusters: [{ name: "c" }], clusterSelector: { matchLabels: { env: "prod" } } };
        const ns: Placement = { clusters: [{ name: "a" }, { name: "c" }] };
        assert.deepEqual(selectNamespacedClusters(own, ns, clusters), ["c"]);
        assert.deepEqual(selectNamespacedClusters(own, ns, clusters, { selectorOnly: true }), ["a"]);
    });
});
