import { strict as assert } from "assert";
import fc from "fast-check";
import {
    ClusterInfo, FederatedObjectInput, OverrideError, ValidationError, decideFederatedChart, decideFederatedKustomization,
    decideFederatedObject,
} from "../../../src/core";

/* The composite (docs/semantics.md#placement, docs/semantics.md#overrides, docs/semantics.md#desired-object, docs/semantics.md#writing-the-result, docs/semantics.md#intersect-with-the-cluster-selector); every expectation below is derived by hand from the spec. */
const clusters: ClusterInfo[] = [
    { name: "a", labels: { env: "prod", region: "eu" } },
    { name: "b", labels: { env: "prod", region: "us" } },
    { name: "c", labels: { env: "dev", region: "eu" } },
];
const deployment = () => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels: { app: "web" }, annotations: { "pulumi.com/skipAwait": "true" } },
    spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1" }] } } },
});
const plan = (over: Partial<FederatedObjectInput>) => decideFederatedObject({ template: deployment(), clusters, ...over });

describe("federate: placement and desired objects", () => {
    it("says why every known cluster that is not placed was left out (the one place this is decided)", () => {
        const names = clusters.map(c => c.name);
        const bySelector = plan({ placement: { clusterSelector: { matchLabels: { env: "prod" } } } });
        for (const c of names) assert.equal(bySelector.clusters.includes(c), bySelector.excluded[c] === undefined, c);
        for (const r of Object.values(bySelector.excluded)) assert.equal(r, "labels do not match placement.clusterSelector");
        const listed = plan({ placement: { clusters: [{ name: names[0] }] } });
        assert.deepEqual(Object.keys(listed.excluded), names.slice(1).sort());
        for (const r of Object.values(listed.excluded)) assert.equal(r, "not listed in placement.clusters");
        const nsOnly = plan({ placement: { clusterSelector: {} }, namespacePlacement: { clusters: [{ name: names[1] }] },
            template: { ...deployment(), metadata: { ...deployment().metadata, namespace: "shop" } } });
        assert.deepEqual(nsOnly.clusters, [names[1]]);
        for (const c of names.filter(n => n !== names[1])) assert.equal(nsOnly.excluded[c], "not in the federated namespace's placement");
        assert.deepEqual(plan({}).excluded, Object.fromEntries([...names].sort().map(c => [c, "placement has neither clusters nor clusterSelector, which selects no cluster"])));
    });

    it("selects by label, copies the template, keeps annotations (deliberate) and adds the managed label last", () => {
        const p = plan({ placement: { clusterSelector: { matchLabels: { env: "prod" } } } });
        assert.deepEqual(p.clusters, ["a", "b"]);
        assert.deepEqual(Object.keys(p.objects), ["a", "b"]);
        const expected = deployment() as ReturnType<typeof deployment> & { metadata: { labels: Record<string, string> } };
        expected.metadata.labels = { app: "web", "kubefed.io/managed": "true" };
        assert.deepEqual(p.objects.a, expected);
        assert.deepEqual(p.objects.b, expected);
        assert.deepEqual(p.overridesApplied, { a: [], b: [] });
        assert.equal(p.replicas, undefined);
        assert.equal(p.unplacedReplicas, undefined);
        assert.deepEqual(p.warnings, []);
    });

    it("does not mutate or freeze the input template", () => {
        const template = deployment();
        decideFederatedObject({ template, clusters, placement: { clusterSelector: {} }, overrides: [{ clusterName: "a", clusterOverrides: [{ path: "/spec/template/spec/containers/0/image", value: "x" }] }] });
        assert.deepEqual(template, deployment());
        assert.equal(Object.isFrozen(template.spec), false);
    });

    it("applies each cluster's overrides to that cluster only and reports the paths", () => {
        const p = plan({
            placement: { clusters: [{ name: "a" }, { name: "c" }] },
            overrides: [
                { clusterName: "c", clusterOverrides: [{ path: "/spec/template/spec/containers/0/image", value: "nginx:2" }, { op: "add", path: "/metadata/labels/tier", value: "canary" }] },
                { clusterName: "b", clusterOverrides: [{ path: "/spec/replicas", value: 7 }] },
            ],
        });
        assert.deepEqual(p.clusters, ["a", "c"]);
        assert.equal((p.objects.a as any).spec.template.spec.containers[0].image, "nginx:1");
        assert.equal((p.objects.c as any).spec.template.spec.containers[0].image, "nginx:2");
        assert.deepEqual((p.objects.c as any).metadata.labels, { app: "web", tier: "canary", "kubefed.io/managed": "true" });
        assert.deepEqual(p.overridesApplied, { a: [], c: ["/spec/template/spec/containers/0/image", "/metadata/labels/tier"] });
    });

    it("the managed label cannot be overridden and extra labels come after overrides (docs/semantics.md#override-order)", () => {
        const p = plan({
            placement: { clusters: [{ name: "a" }] },
            labels: { owner: "team-x", app: "from-labels" },
            overrides: [{ clusterName: "a", clusterOverrides: [{ op: "add", path: "/metadata/labels/kubefed.io~1managed", value: "false" }, { path: "/metadata/labels/owner", value: "o" }] }],
        });
        assert.deepEqual((p.objects.a as any).metadata.labels, { app: "from-labels", "kubefed.io/managed": "true", owner: "team-x" });
    });

    it("an override may replace the whole labels map; the managed label is still added", () => {
        const p = plan({ placement: { clusters: [{ name: "a" }] }, overrides: [{ clusterName: "a", clusterOverrides: [{ path: "/metadata/labels", value: { only: "this" } }] }] });
        assert.deepEqual((p.objects.a as any).metadata.labels, { only: "this", "kubefed.io/managed": "true" });
    });

    it("drops template finalizers with a warning (KubeFed) and emits the core group as v1 (deliberate)", () => {
        const p = decideFederatedObject({
            template: { apiVersion: "/v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "ns", finalizers: ["x/y"] }, data: { k: "v" } },
            clusters, placement: { clusters: [{ name: "b" }] },
        });
        assert.deepEqual(p.objects.b, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "ns", labels: { "kubefed.io/managed": "true" } }, data: { k: "v" } });
        assert.equal(p.warnings.length, 1);
        assert.match(p.warnings[0], /^template\.metadata\.finalizers: /);
    });

    it("objects have their own root and metadata; untouched subtrees are shared and frozen", () => {
        const p = plan({ placement: { clusterSelector: {} } });
        const a = p.objects.a as any, b = p.objects.b as any;
        assert.notEqual(a, b);
        assert.notEqual(a.metadata, b.metadata);
        assert.notEqual(a.metadata.labels, b.metadata.labels);
        a.metadata.labels.extra = "ok"; // metadata is the caller's to change
        assert.equal(b.metadata.labels.extra, undefined);
        assert.ok(Object.isFrozen(a.spec));
        assert.throws(() => { "use strict"; a.spec.replicas = 2; }, TypeError);
    });

    it("warns when nothing is selected", () => {
        const p = plan({});
        assert.deepEqual(p.clusters, []);
        assert.deepEqual(p.objects, {});
        assert.ok(p.warnings.some(w => w.startsWith("placement: selects no cluster")));
    });
});

describe("federate: namespaced resources (docs/semantics.md#namespaces)", () => {
    it("intersects with the namespace placement", () => {
        const p = plan({ placement: { clusterSelector: {} }, namespacePlacement: { clusterSelector: { matchLabels: { region: "eu" } } } });
        assert.deepEqual(p.clusters, ["a", "c"]);
    });
    it("a namespace placement of null selects nothing", () => {
        assert.deepEqual(plan({ placement: { clusterSelector: {} }, namespacePlacement: null }).clusters, []);
    });
    it("requires metadata.namespace when namespaced", () => {
        const t = deployment() as any;
        delete t.metadata.namespace;
        assert.throws(() => decideFederatedObject({ template: t, clusters, namespacePlacement: { clusterSelector: {} } }),
            (e: unknown) => e instanceof ValidationError && /template\.metadata\.namespace/.test(e.message));
    });
});

describe("federate: replica scheduling (docs/semantics.md#writing-the-result, docs/semantics.md#intersect-with-the-cluster-selector)", () => {
    it("without intersect every cluster is available; 0-replica clusters stay placed with an override of 0", () => {
        // Upstream TestWeight "1:2": 60 over a(w1), b(w2), c(no entry) → a 20, b 40, c 0 (hash-independent).
        const p = plan({ replicaScheduling: { totalReplicas: 60, clusters: { a: { weight: 1 }, b: { weight: 2 } } } });
        assert.deepEqual(p.clusters, ["a", "b", "c"]);
        assert.deepEqual(p.replicas, { a: 20, b: 40, c: 0 });
        assert.equal(p.unplacedReplicas, 0);
        assert.deepEqual([(p.objects.a as any).spec.replicas, (p.objects.b as any).spec.replicas, (p.objects.c as any).spec.replicas], [20, 40, 0]);
        assert.deepEqual(p.overridesApplied, { a: ["/spec/replicas"], b: ["/spec/replicas"], c: ["/spec/replicas"] });
    });

    it("a user override of /spec/replicas (any op) or of /spec is refused when replica scheduling is on, naming both", () => {
        for (const op of [{ op: "add" as const, path: "/spec/replicas", value: 99 }, { op: "remove" as const, path: "/spec/replicas" },
            { path: "/spec", value: { replicas: 1 } }, { op: "remove" as const, path: "/spec" }]) {
            assert.throws(() => plan({
                replicaScheduling: { totalReplicas: 60, clusters: { a: { weight: 1 }, b: { weight: 2 } } },
                overrides: [{ clusterName: "a", clusterOverrides: [op] }],
            }), (e: unknown) => e instanceof ValidationError && /overrides\[0\]\.clusterOverrides\[0\]\.path/.test(e.message)
                && /replicaScheduling/.test(e.message) && e.message.includes(op.path), JSON.stringify(op));
        }
    });

    it("a user placement is ignored (with a warning) when the RSP decides placement", () => {
        const p = plan({ placement: { clusters: [{ name: "a" }] }, replicaScheduling: { totalReplicas: 60, clusters: { a: { weight: 1 }, b: { weight: 2 } } } });
        assert.deepEqual(p.clusters, ["a", "b", "c"]);
        assert.ok(p.warnings.some(w => w.startsWith("placement: is ignored")));
    });

    it("namespaced without intersect: RSP result ∩ namespace placement; unplaced counts what falls outside", () => {
        // 4 over a(w1), b(w1), c(w2): c first: ceil(4*2/4) = 2; then a and b get ceil(4*1/4) = 1 each, whatever the hash order.
        const p = plan({
            namespacePlacement: { clusters: [{ name: "a" }, { name: "b" }] },
            replicaScheduling: { totalReplicas: 4, clusters: { a: { weight: 1 }, b: { weight: 1 }, c: { weight: 2 } } },
        });
        assert.deepEqual(p.clusters, ["a", "b"]);
        assert.deepEqual(p.replicas, { a: 1, b: 1 });
        assert.equal(p.unplacedReplicas, 2);
    });

    it("intersectWithClusterSelector: available = selector-only placement; clusters without preference get 0 but stay placed", () => {
        // Selector picks a, b (prod); the clusters list is ignored in selectorOnly mode. RSP names b and c: c is not
        // available, a has no entry (plan 0), b takes all 5.
        const p = plan({
            placement: { clusters: [{ name: "c" }], clusterSelector: { matchLabels: { env: "prod" } } },
            replicaScheduling: { totalReplicas: 5, intersectWithClusterSelector: true, clusters: { b: { weight: 1 }, c: { weight: 1 } } },
        });
        assert.deepEqual(p.clusters, ["a", "b"]);
        assert.deepEqual(p.replicas, { a: 0, b: 5 });
        assert.equal(p.unplacedReplicas, 0);
    });

    it("intersectWithClusterSelector with a namespace: selector ∩ namespace placement", () => {
        const p = plan({
            placement: { clusterSelector: { matchLabels: { env: "prod" } } },
            namespacePlacement: { clusters: [{ name: "b" }, { name: "c" }] },
            replicaScheduling: { totalReplicas: 3, intersectWithClusterSelector: true },
        });
        assert.deepEqual(p.clusters, ["b"]);
        assert.deepEqual(p.replicas, { b: 3 });
    });

    it("intersectWithClusterSelector with an empty intersection changes nothing (KubeFed) and warns", () => {
        const p = plan({
            placement: { clusters: [{ name: "a" }] },
            replicaScheduling: { totalReplicas: 3, intersectWithClusterSelector: true },
        });
        assert.deepEqual(p.clusters, ["a"]);
        assert.deepEqual(p.replicas, {});
        assert.equal(p.unplacedReplicas, 3);
        assert.equal((p.objects.a as any).spec.replicas, 1);
        assert.deepEqual(p.overridesApplied, { a: [] });
        assert.ok(p.warnings.some(w => w.startsWith("replicaScheduling: the placement's clusterSelector")));
    });

    it("capacity overflow adds to the cluster's replicas (plan + overflow)", () => {
        // Upstream "no rebalance, both capacity-limited" with lowercase names: a 10 + 20, b 10 + 20, c 0.
        const p = plan({
            replicaScheduling: { totalReplicas: 60, clusters: { a: { weight: 1 }, b: { weight: 1 } } },
            estimatedCapacity: { a: 10, b: 10 },
        });
        assert.deepEqual(p.replicas, { a: 30, b: 30, c: 0 });
        assert.equal(p.unplacedReplicas, 0);
    });

    it("uses <namespace>/<name> as the tie-break key", () => {
        // 1 replica over a and b with equal weight: the cluster with the smaller FNV-1 of name + "shop/web" wins.
        const { fnv1_32 } = require("../../../src/core");
        const winner = fnv1_32("ashop/web") < fnv1_32("bshop/web") ? "a" : "b";
        const p = plan({ replicaScheduling: { totalReplicas: 1, clusters: { a: { weight: 1 }, b: { weight: 1 } } } });
        assert.deepEqual(p.replicas, { a: winner === "a" ? 1 : 0, b: winner === "b" ? 1 : 0, c: 0 });
    });
});

describe("federate: errors", () => {
    it("collects every validation error into one ValidationError with subject <kind> <ns>/<name>", () => {
        try {
            plan({
                placement: { clusters: [{ name: "nope" }] },
                overrides: [{ clusterName: "zz", clusterOverrides: [{ path: "/kind", value: "X" }] }],
                replicaScheduling: { totalReplicas: -1 },
            });
            assert.fail("should throw");
        } catch (e) {
            assert.ok(e instanceof ValidationError);
            assert.equal(e.subject, "Deployment shop/web");
            assert.deepEqual(e.issues.map(i => i.field), ["placement.clusters[0].name", "replicaScheduling.totalReplicas", "overrides[0].clusterName", "overrides[0].clusterOverrides[0].path"]);
            for (const line of e.message.split("\n")) assert.match(line, /^Deployment shop\/web: /);
        }
    });

    it("requires metadata.name, kind and apiVersion", () => {
        assert.throws(() => decideFederatedObject({ template: { metadata: {} }, clusters }), (e: unknown) =>
            e instanceof ValidationError && e.issues.map(i => i.field).join() === "template.apiVersion,template.kind,template.metadata.name");
    });

    it("rejects invalid clusters", () => {
        assert.throws(() => decideFederatedObject({ template: deployment(), clusters: [{ name: "A_B" }] }), (e: unknown) => e instanceof ValidationError && /clusters\[0\]\.name/.test(e.message));
    });

    it("a failing override names the object, the cluster and the path", () => {
        assert.throws(() => plan({ placement: { clusterSelector: {} }, overrides: [{ clusterName: "b", clusterOverrides: [{ op: "add", path: "/spec/strategy/type", value: "Recreate" }] }] }),
            (e: unknown) => e instanceof OverrideError && e.cluster === "b" && e.path === "/spec/strategy/type"
                && e.message.startsWith("Deployment shop/web: overrides for cluster \"b\": ") && e.message.includes("/spec/strategy/type"));
    });

    it("the cluster validation cache notices a changed cluster list", () => {
        const list: ClusterInfo[] = [{ name: "a" }];
        decideFederatedObject({ template: deployment(), clusters: list, placement: { clusterSelector: {} } });
        list.push({ name: "Bad" });
        assert.throws(() => decideFederatedObject({ template: deployment(), clusters: list, placement: { clusterSelector: {} } }), ValidationError);
    });

    // The decision memoises per cluster list (validation, names, exclusion records): many objects planned in turn over
    // one shared list must each get the plan the same input gets over a fresh copy of the list (nothing memoised).
    it("property: plans over one shared cluster list equal plans over a fresh copy, whatever was planned before", () => {
        const names = ["a", "b", "c", "d", "e", "f", "10", "9"];
        const fleet: ClusterInfo[] = names.map((name, i) => ({ name, labels: { env: i % 3 === 0 ? "dev" : "prod", region: i % 2 ? "us" : "eu" } }));
        const selector = fc.oneof(
            fc.constant({}),
            fc.constantFrom("dev", "prod").map(env => ({ matchLabels: { env } })),
            fc.constantFrom("eu", "us").map(region => ({ matchExpressions: [{ key: "region", operator: "NotIn" as const, values: [region] }] })));
        const placement = fc.oneof(
            fc.constant(undefined),
            selector.map(clusterSelector => ({ clusterSelector })),
            fc.subarray(names).map(cs => ({ clusters: cs.map(name => ({ name })) })));
        const input = fc.record({
            placement,
            namespacePlacement: fc.option(selector.map(clusterSelector => ({ clusterSelector })), { nil: undefined }),
            rsp: fc.option(fc.record({ totalReplicas: fc.integer({ min: 0, max: 9 }), intersectWithClusterSelector: fc.boolean() }), { nil: undefined }),
        });
        fc.assert(fc.property(fc.array(input, { minLength: 1, maxLength: 12 }), objects => {
            for (const o of objects) {
                const args = (list: ClusterInfo[]): FederatedObjectInput => ({
                    template: deployment(), clusters: list, placement: o.placement, namespacePlacement: o.namespacePlacement, replicaScheduling: o.rsp,
                });
                const shared = decideFederatedObject(args(fleet));
                const fresh = decideFederatedObject(args(fleet.map(c => ({ ...c, labels: { ...c.labels } }))));
                assert.equal(JSON.stringify(shared), JSON.stringify(fresh), "same values in the same key order");
                assert.deepStrictEqual(shared, fresh);
                shared.excluded.x = "changed by the caller"; // must not leak into later plans
            }
        }), { numRuns: 200, seed: 20261201 });
    });
});

// `constructor` is a valid DNS label, and the one name of Object.prototype's members that is: every record keyed by
// cluster name must treat it as a cluster, not find the Object constructor in it.
describe("decision: a member cluster named constructor", () => {
    const fleet: ClusterInfo[] = [{ name: "constructor", labels: { tier: "prod" } }, { name: "a", labels: { tier: "prod", constructor: "x" } }, { name: "b", labels: {} }];
    const C = "constructor" as string; // so that TypeScript too reads the record's key, not Object's constructor
    const tpl = () => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "w", namespace: "n" }, spec: { replicas: 1 } });

    it("gets whole replicas from replica scheduling, with and without overflow", () => {
        const even = decideFederatedObject({ template: tpl(), clusters: fleet, placement: { clusterSelector: {} }, replicaScheduling: { totalReplicas: 3 } });
        assert.deepEqual([even.replicas, even.unplacedReplicas], [{ a: 1, b: 1, constructor: 1 }, 0]);
        assert.equal((even.objects[C].spec as { replicas?: unknown }).replicas, 1);
        const capped = decideFederatedObject({ template: tpl(), clusters: fleet, placement: { clusterSelector: {} },
            replicaScheduling: { totalReplicas: 7, clusters: { "*": { weight: 1, maxReplicas: 2 } } } });
        assert.deepEqual([capped.replicas, capped.unplacedReplicas], [{ a: 2, b: 2, constructor: 2 }, 1]);
    });

    it("is selected by labels like any cluster; a label key named constructor matches only where it is set", () => {
        const p = decideFederatedObject({ template: tpl(), clusters: fleet, placement: { clusterSelector: { matchExpressions: [{ key: "constructor", operator: "DoesNotExist" }] } } });
        assert.deepEqual(p.clusters, ["b", "constructor"]);
        assert.deepEqual(Object.keys(p.excluded), ["a"]);
    });

    it("in a chart and a kustomization: its own values and directory, or the shared ones", () => {
        const chart = decideFederatedChart({ clusters: fleet, placement: { clusterSelector: {} }, values: { m: 1 }, key: "n/r",
            replicaScheduling: { totalReplicas: 3 }, replicasPath: "replicaCount" });
        assert.deepEqual(chart.values[C], { m: 1, replicaCount: 1 });
        const k = decideFederatedKustomization("k", { clusters: fleet, placement: { clusterSelector: {} }, directory: "./base" });
        assert.equal(k.directories[C], "./base");
    });

});
