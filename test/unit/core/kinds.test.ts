/**
 * Issue 20: one placement for every federated kind. The same placement over the same fleet gives the same clusters,
 * exclusions, replicas and failover for an object, a namespace, a chart release and a kustomization (random
 * placements, fleets, spread constraints, namespaces and replica scheduling), and the issue's own case.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import {
    ClusterInfo, Placement, ReplicaSchedulingSpec, SpreadConstraint, ValidationError, decideFederatedChart, decideFederatedKustomization,
    decideFederatedObject,
} from "../../../src/core";

const deployment = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
    spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "w", image: "nginx" }] } } },
};
const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } };

interface Case { clusters: ClusterInfo[]; placement?: Placement | null; namespacePlacement?: Placement | null; rs?: ReplicaSchedulingSpec; readiness?: Record<string, boolean> }

/** Every kind's placement of one case, or the error each threw (they must agree on that too). */
function placements(k: Case) {
    const run = <T>(f: () => T): T | string => {
        try { return f(); } catch (e) { if (e instanceof ValidationError) return `invalid: ${e.issues.filter(i => i.severity === "error").map(i => i.field).sort().join(",")}`; throw e; }
    };
    const object = run(() => decideFederatedObject({ template: deployment, clusters: k.clusters, placement: k.placement, namespacePlacement: k.namespacePlacement,
        replicaScheduling: k.rs, readiness: k.readiness }));
    const chart = run(() => decideFederatedChart({ clusters: k.clusters, placement: k.placement, namespacePlacement: k.namespacePlacement, key: "shop/web",
        replicaScheduling: k.rs, readiness: k.readiness, ...(k.rs ? { replicasPath: "replicaCount" } : {}) }));
    const kustomization = k.rs ? undefined : run(() => decideFederatedKustomization("k", { clusters: k.clusters, placement: k.placement,
        namespacePlacement: k.namespacePlacement, directory: "./base" }, "shop/web"));
    // A namespace is never namespaced itself.
    const ns = k.rs || k.namespacePlacement !== undefined ? undefined
        : run(() => decideFederatedObject({ template: namespace, clusters: k.clusters, placement: k.placement }));
    return { object, chart, kustomization, ns };
}

const shape = (p: unknown) => typeof p === "string" ? p : (({ clusters, excluded, replicas, unplacedReplicas, failover, spreadGroups }) =>
    ({ clusters, excluded, replicas, unplacedReplicas, failover, spreadGroups }))(p as Record<string, never>);

const regions = ["us-east", "eu-west", "ap-south"];
const fleetArb = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f"), { minLength: 1, maxLength: 6 }).chain(names =>
    fc.tuple(...names.map(n => fc.record({
        name: fc.constant(n), region: fc.option(fc.constantFrom(...regions), { nil: undefined }),
        labels: fc.record({ tier: fc.constantFrom("prod", "dev") }, { requiredKeys: [] }),
    }))).map(cs => cs as ClusterInfo[]));
const selectorArb = fc.oneof(fc.constant({}), fc.record({ tier: fc.constantFrom("prod", "dev") }));
const spreadArb: fc.Arbitrary<SpreadConstraint[] | undefined> = fc.option(fc.array(fc.oneof(
    fc.record({ spreadByField: fc.constantFrom("region", "cluster") as fc.Arbitrary<"region" | "cluster">, maxGroups: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ spreadByField: fc.constant("region") as fc.Arbitrary<"region">, minGroups: fc.integer({ min: 1, max: 2 }) }),
), { minLength: 1, maxLength: 1 }), { nil: undefined });
const placementArb = (names: string[]): fc.Arbitrary<Placement | null | undefined> => fc.oneof(
    fc.constant(undefined), fc.constant(null),
    fc.record({ clusterSelector: selectorArb, spreadConstraints: spreadArb }, { requiredKeys: ["clusterSelector"] }),
    fc.record({ clusters: fc.subarray(names).map(ns => ns.map(name => ({ name }))), spreadConstraints: spreadArb }, { requiredKeys: ["clusters"] }),
) as fc.Arbitrary<Placement | null | undefined>;
const caseArb: fc.Arbitrary<Case> = fleetArb.chain(clusters => {
    const names = clusters.map(c => c.name);
    return fc.record({
        clusters: fc.constant(clusters),
        placement: placementArb(names),
        namespacePlacement: fc.option(fc.record({ clusterSelector: selectorArb }), { nil: undefined }),
        rs: fc.option(fc.record({ totalReplicas: fc.integer({ min: 0, max: 20 }), intersectWithClusterSelector: fc.boolean(),
            clusters: fc.option(fc.dictionary(fc.constantFrom(...names), fc.record({ weight: fc.integer({ min: 1, max: 3 }), maxReplicas: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }) }, { requiredKeys: ["weight"] })), { nil: undefined }) },
        { requiredKeys: ["totalReplicas"] }), { nil: undefined }),
        readiness: fc.option(fc.dictionary(fc.constantFrom(...names), fc.boolean()), { nil: undefined }),
    }, { requiredKeys: ["clusters"] }) as fc.Arbitrary<Case>;
});

describe("core: one placement for every kind (issue 20)", () => {
    it("the issue's case: spread over one region puts a resource, a chart and a kustomization on the same clusters", () => {
        const clusters: ClusterInfo[] = [{ name: "a", region: "r1", labels: {} }, { name: "b", region: "r1", labels: {} }, { name: "c", region: "r2", labels: {} }];
        const placement: Placement = { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", maxGroups: 1 }] };
        const p = placements({ clusters, placement });
        assert.deepEqual(shape(p.object), shape(p.chart));
        assert.deepEqual(shape(p.object), shape(p.kustomization));
        assert.deepEqual((p.chart as { clusters: string[] }).clusters, ["a", "b"]);
        assert.match((p.kustomization as { excluded: Record<string, string> }).excluded.c, /spreadConstraints\[0\]/);
    });

    it("failover reaches charts: a not-ready member's replicas move, as for a Deployment", () => {
        const clusters: ClusterInfo[] = ["c1", "c2", "c3"].map(name => ({ name, labels: {} }));
        const rs: ReplicaSchedulingSpec = { totalReplicas: 50, clusters: { c1: { weight: 1 }, c2: { weight: 1 }, c3: { weight: 1, maxReplicas: 20 } } };
        const p = placements({ clusters, rs, readiness: { c2: false } });
        assert.deepEqual(shape(p.chart), shape(p.object));
        const chart = p.chart as unknown as { replicas: Record<string, number>; values: Record<string, { replicaCount: number }>; failover: { notReady: string[] } };
        assert.equal(chart.replicas.c2, 0);
        assert.equal(chart.values.c1.replicaCount + chart.values.c3.replicaCount, 50);
        assert.deepEqual(chart.failover.notReady, ["c2"]);
    });

    it("property: every kind agrees on clusters, exclusions, replicas, failover and spread (or on the fields it refuses)", () => {
        fc.assert(fc.property(caseArb, k => {
            const p = placements(k);
            const want = shape(p.object);
            assert.deepEqual(shape(p.chart), want, "chart");
            if (p.kustomization !== undefined) assert.deepEqual(shape(p.kustomization), want, "kustomization");
            if (p.ns !== undefined && typeof p.object !== "string") assert.deepEqual(shape(p.ns), want, "namespace");
        }), { numRuns: 400 });
    });
});

describe("core: chart replicasPath that cannot be sent (issue 20)", () => {
    it("replicasPath __proto__ (or constructor, prototype) is refused instead of recording a split the chart never gets", () => {
        const clusters: ClusterInfo[] = [{ name: "a", labels: {} }];
        for (const replicasPath of ["__proto__", "web.__proto__", "constructor"]) {
            assert.throws(() => decideFederatedChart({ clusters, key: "k", replicaScheduling: { totalReplicas: 2 }, replicasPath }),
                (e: unknown) => e instanceof ValidationError && e.issues.some(i => i.field === "replicasPath" && /cannot be sent as a chart value/.test(i.message)), replicasPath);
        }
    });
});
