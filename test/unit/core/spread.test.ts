import { strict as assert } from "assert";
import fc from "fast-check";
import {
    ClusterInfo, SpreadConstraint, ValidationError, applySpreadConstraints, decisionLine, decideFederatedObject, validateSpreadConstraints,
} from "../../../src/core";

// Two regions, two clusters each; c5 has no region, c6 has two zones. Labels carry a provider and a team.
const fleet: ClusterInfo[] = [
    { name: "c1", region: "us-east", zones: ["us-east-1a"], labels: { provider: "aws", team: "a" } },
    { name: "c2", region: "us-east", zones: ["us-east-1b"], labels: { provider: "aws", team: "b" } },
    { name: "c3", region: "eu-west", zones: ["eu-west-1a"], labels: { provider: "gcp", team: "a" } },
    { name: "c4", region: "eu-west", zones: ["eu-west-1b"], labels: { provider: "gcp" } },
];
const names = fleet.map(c => c.name);
const spread = (constraints: SpreadConstraint[], candidates = names, clusters = fleet) => applySpreadConstraints(candidates, clusters, constraints);
const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s", namespace: "default" }, data: { a: "1" } };
const deploy = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "default" },
    spec: { replicas: 1, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "a", image: "x" }] } } },
};

describe("core: spread constraints", () => {
    it("minGroups: at least 2 regions keeps every cluster of both regions", () => {
        const r = spread([{ spreadByField: "region", minGroups: 2 }]);
        assert.deepEqual(r.clusters, ["c1", "c2", "c3", "c4"]);
        assert.deepEqual(r.groups, [["eu-west", "us-east"]]);
        assert.equal(r.error, undefined);
    });

    it("maxGroups: one region keeps the clusters of one region, the other is excluded with the reason", () => {
        const r = spread([{ spreadByField: "region", maxGroups: 1 }]);
        assert.equal(r.clusters.length, 2);
        const region = fleet.find(c => c.name === r.clusters[0])!.region;
        assert.ok(r.clusters.every(c => fleet.find(f => f.name === c)!.region === region));
        for (const c of names.filter(n => !r.clusters.includes(n))) assert.match(r.excluded[c], /not chosen: placement\.spreadConstraints\[0\] allows at most 1 region \(chosen: /);
    });

    it("choice among equals: the region with more candidates, then names in order", () => {
        const withExtra = [...fleet, { name: "c0", region: "eu-west", zones: ["eu-west-1c"], labels: {} }];
        assert.deepEqual(spread([{ spreadByField: "region", maxGroups: 1 }], [...names, "c0"], withExtra).clusters, ["c0", "c3", "c4"]);
        // equal sizes: the first name decides (c1 is in us-east)
        assert.deepEqual(spread([{ spreadByField: "region", maxGroups: 1 }]).clusters, ["c1", "c2"]);
    });

    it("region + cluster: two regions, one cluster each", () => {
        const r = spread([{ spreadByField: "region", minGroups: 2 }, { spreadByField: "cluster", maxGroups: 2 }]);
        assert.deepEqual(r.clusters, ["c1", "c3"]);
        assert.deepEqual(r.groups, [["eu-west", "us-east"], ["c1", "c3"]]);
    });

    it("zone: a cluster with several zones counts in each", () => {
        const multi = [{ name: "m", region: "x", zones: ["z1", "z2"], labels: {} }, { name: "n", region: "x", zones: ["z3"], labels: {} }];
        assert.deepEqual(applySpreadConstraints(["m", "n"], multi, [{ spreadByField: "zone", minGroups: 2, maxGroups: 2 }]).clusters, ["m"]);
        assert.deepEqual(applySpreadConstraints(["m", "n"], multi, [{ spreadByField: "zone", minGroups: 3 }]).clusters, ["m", "n"]);
    });

    it("provider and label: clusters without the label are left out with the reason", () => {
        assert.deepEqual(spread([{ spreadByField: "provider", minGroups: 2, maxGroups: 2 }]).clusters, names);
        const byTeam = spread([{ spreadByLabel: "team", minGroups: 2 }]);
        assert.deepEqual(byTeam.clusters, ["c1", "c2", "c3"]);
        assert.match(byTeam.excluded.c4, /has no label team, which placement\.spreadConstraints\[0\] spreads by/);
    });

    it("an unsatisfiable constraint names itself and the clusters available", () => {
        const r = spread([{ spreadByField: "region", minGroups: 3 }]);
        assert.equal(r.error!.field, "placement.spreadConstraints[0]");
        assert.match(r.error!.message, /\(spreadByField region, minGroups 3\) cannot be met: the placement's clusters span 2 regions: eu-west \(c3, c4\) · us-east \(c1, c2\)/);
        assert.match(r.error!.message, /Clusters available: c1 \(region us-east, zones us-east-1a\), c2 .*c4 \(region eu-west, zones eu-west-1b\)/);
        // conflicting constraints: 2 regions but only 1 cluster
        const both = spread([{ spreadByField: "region", minGroups: 2 }, { spreadByField: "cluster", maxGroups: 1 }]);
        assert.match(both.error!.message, /within the limits of placement\.spreadConstraints\[1\] \(spreadByField cluster, minGroups 1, maxGroups 1\)/);
        assert.match(spread([{ spreadByField: "region" }], []).error!.message, /Clusters available: none \(the placement selects no cluster\)/);
    });

    it("validation: exactly one of field/label, known field, counts, min <= max, no repeats", () => {
        const v = (c: unknown) => validateSpreadConstraints(c, "p").map(i => `${i.field}: ${i.message}`);
        assert.deepEqual(v(undefined), []);
        assert.match(v({})[0], /p: must be a list/);
        assert.match(v([{}])[0], /p\[0\]: set exactly one of spreadByField/);
        assert.match(v([{ spreadByField: "region", spreadByLabel: "x" }])[0], /exactly one/);
        assert.match(v([{ spreadByField: "country" }])[0], /p\[0\]\.spreadByField: "country" is not one of cluster, region, zone, provider/);
        assert.match(v([{ spreadByLabel: "bad key!" }])[0], /p\[0\]\.spreadByLabel: /);
        assert.match(v([{ spreadByField: "region", minGroups: -1 }])[0], /p\[0\]\.minGroups: must be a non-negative integer/);
        assert.match(v([{ spreadByField: "region", minGroups: 3, maxGroups: 2 }])[0], /minGroups \(3\) is greater than maxGroups \(2\)/);
        assert.match(v([{ spreadByField: "region" }, { spreadByField: "region" }])[0], /p\[1\]: repeats the constraint on region/);
    });

    describe("in decideFederatedObject", () => {
        it("without constraints placement is unchanged (KubeFed)", () => {
            const plain = decideFederatedObject({ template: cm, clusters: fleet, placement: { clusterSelector: {} } });
            const empty = decideFederatedObject({ template: cm, clusters: fleet, placement: { clusterSelector: {}, spreadConstraints: [] } });
            assert.deepEqual(plain.clusters, names);
            assert.deepEqual(empty.clusters, names);
            assert.equal(plain.spreadExcluded, undefined);
        });

        it("narrows the placement and records groups and exclusions", () => {
            const p = decideFederatedObject({ template: cm, clusters: fleet,
                placement: { clusterSelector: { matchLabels: { provider: "aws" } }, spreadConstraints: [{ spreadByField: "zone", maxGroups: 1 }] } });
            assert.deepEqual(p.clusters, ["c1"]);
            assert.deepEqual(p.spreadGroups, [["us-east-1a"]]);
            assert.deepEqual(Object.keys(p.spreadExcluded!), ["c2"]);
        });

        it("an unsatisfiable constraint throws a ValidationError naming the object, the constraint and the clusters", () => {
            assert.throws(() => decideFederatedObject({ template: cm, clusters: fleet,
                placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", minGroups: 3 }] } }),
            (e: Error) => e instanceof ValidationError && /ConfigMap default\/s/.test(e.message)
                && /placement\.spreadConstraints\[0\]: \(spreadByField region, minGroups 3\) cannot be met/.test(e.message) && /Clusters available: c1/.test(e.message));
            assert.throws(() => decideFederatedObject({ template: cm, clusters: fleet, placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "x" as "region" }] } }),
                /placement\.spreadConstraints\[0\]\.spreadByField/);
        });

        it("with replica scheduling the preference plans over the spread clusters only, without a placement warning", () => {
            const p = decideFederatedObject({ template: deploy, clusters: fleet, replicaScheduling: { totalReplicas: 6 },
                placement: { spreadConstraints: [{ spreadByField: "region", minGroups: 2 }, { spreadByField: "cluster", maxGroups: 2 }] } });
            assert.deepEqual(p.replicas, { c1: 3, c3: 3 });
            assert.ok(!p.warnings.some(w => w.startsWith("placement:")), p.warnings.join("; "));
        });

        it("a namespaced object spreads within the namespace placement", () => {
            const p = decideFederatedObject({ template: deploy, clusters: fleet, replicaScheduling: { totalReplicas: 4 },
                namespacePlacement: { clusters: [{ name: "c2" }, { name: "c3" }, { name: "c4" }] },
                placement: { spreadConstraints: [{ spreadByField: "region", minGroups: 2 }, { spreadByField: "cluster", maxGroups: 2 }] } });
            assert.deepEqual(Object.keys(p.replicas!), ["c2", "c3"]);
        });

        it("the decision line shows the groups", () => {
            const d = { apiVersion: "v1", kind: "ConfigMap", name: "s", namespace: "default", labels: {}, overrideClusters: [], orphanOnDelete: false,
                retainReplicas: false, waitForReady: true, warnings: [], placed: { c1: { overrides: [], images: [] }, c3: { overrides: [], images: [] } },
                excluded: { c2: "cluster c2 not chosen: placement.spreadConstraints[1] allows at most 2 clusters (chosen: c1, c3)" },
                spread: [{ constraint: { spreadByField: "region" as const, minGroups: 2 }, groups: ["eu-west", "us-east"] }] };
            assert.match(decisionLine("s", d), /excluded: c2 \(spread\); spread: region eu-west, us-east$/);
        });
    });

    describe("properties", () => {
        const clusterArb = fc.uniqueArray(fc.record({
            name: fc.constantFrom("a", "b", "c", "d", "e", "f", "g"),
            region: fc.option(fc.constantFrom("r1", "r2", "r3"), { nil: undefined }),
            zones: fc.uniqueArray(fc.constantFrom("z1", "z2", "z3", "z4"), { maxLength: 2 }),
            team: fc.option(fc.constantFrom("t1", "t2"), { nil: undefined }),
        }), { selector: c => c.name, minLength: 1 }).map(cs => cs.map(c => ({ name: c.name, region: c.region, zones: c.zones as string[], labels: (c.team ? { team: c.team } : {}) as Record<string, string> })));
        const constraintArb = fc.record({
            by: fc.constantFrom("cluster", "region", "zone", "label"),
            minGroups: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
            extra: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        }).map((c): SpreadConstraint => ({
            ...(c.by === "label" ? { spreadByLabel: "team" } : { spreadByField: c.by as "cluster" | "region" | "zone" }),
            ...(c.minGroups !== undefined ? { minGroups: c.minGroups } : {}),
            ...(c.extra !== undefined ? { maxGroups: Math.max(1, (c.minGroups ?? 1) + c.extra) } : {}),
        }));
        const constraintsArb = fc.uniqueArray(constraintArb, { selector: c => c.spreadByLabel ?? c.spreadByField, maxLength: 3 });

        it("what it keeps satisfies every constraint, is a subset of the candidates, and is independent of input order", () => {
            fc.assert(fc.property(clusterArb, constraintsArb, (clusters, constraints) => {
                const candidates: string[] = clusters.map(c => c.name);
                const r = applySpreadConstraints(candidates, clusters, constraints);
                const again = applySpreadConstraints([...candidates].reverse(), [...clusters].reverse(), constraints);
                assert.deepEqual(again, r);
                if (r.error) return;
                assert.ok(r.clusters.every(c => candidates.includes(c)));
                constraints.forEach((c, k) => {
                    const groups = new Set<string>();
                    for (const n of r.clusters) {
                        const info = clusters.find(x => x.name === n)!;
                        const gs = c.spreadByLabel ? (info.labels.team ? [info.labels.team] : []) : c.spreadByField === "cluster" ? [n]
                            : c.spreadByField === "region" ? (info.region ? [info.region] : []) : info.zones;
                        assert.ok(gs.length > 0, `${n} has a value for constraint ${k}`);
                        gs.forEach(g => groups.add(g));
                    }
                    assert.ok(groups.size >= (c.minGroups ?? 1), `constraint ${k} min`);
                    assert.ok(groups.size <= (c.maxGroups ?? Infinity), `constraint ${k} max`);
                    assert.deepEqual(r.groups[k], [...groups].sort());
                });
                // every candidate is either kept or excluded with a reason
                for (const n of candidates) assert.ok(r.clusters.includes(n) !== (n in r.excluded), n);
            }), { numRuns: 500 });
        });

        it("a single constraint without maxGroups fails only when the candidates span too few groups", () => {
            fc.assert(fc.property(clusterArb, fc.constantFrom("region", "zone"), fc.integer({ min: 0, max: 5 }), (clusters, by, min) => {
                const all = new Set(clusters.flatMap(c => (by === "region" ? (c.region ? [c.region] : []) : c.zones)));
                const r = applySpreadConstraints(clusters.map(c => c.name), clusters, [{ spreadByField: by as "region" | "zone", minGroups: min }]);
                assert.equal(!!r.error, all.size < min);
            }), { numRuns: 300 });
        });
    });
});
