import { strict as assert } from "assert";
import { layoutOf, parseShardsSpec, shardDescription } from "../../../src/cli/shards";
import { operatorStacks } from "../../../src/cli/operator";
import { renderShardsResult } from "../../../src/cli/shardsCommand";
import { validateShardLayout } from "../../../src/core/shard";

describe("cli/shards: workload layouts in the spec, the report and the operator manifests", () => {
    const text = `stackPrefix: dev-\nshards:\n  shop: { clusters: [c2, c1], namespaces: [shop] }\n  pay: { clusters: [c1, c2], labels: { team: [payments] }, stack: org/p/pay }\n  edge: [c9]\n`;

    it("parses selectors next to cluster lists; the layout keeps cluster shards as lists and passes the core's check", () => {
        const spec = parseShardsSpec(text, "/x/shards.yaml");
        assert.deepEqual(spec.shards.map(s => [s.name, s.stack, s.clusters, s.select]), [
            ["edge", "dev-edge", ["c9"], undefined],
            ["pay", "org/p/pay", ["c1", "c2"], { labels: { team: ["payments"] } }],
            ["shop", "dev-shop", ["c2", "c1"], { namespaces: ["shop"] }],
        ]);
        const layout = layoutOf(spec);
        assert.deepEqual(layout, { edge: ["c9"], pay: { clusters: ["c1", "c2"], labels: { team: ["payments"] } }, shop: { clusters: ["c1", "c2"], namespaces: ["shop"] } });
        assert.deepEqual(validateShardLayout(layout, { members: ["c1", "c2", "c9"] }), []);
        // without their clusters the workload shards would cover c9 too, which edge holds whole
        assert.throws(() => parseShardsSpec(`shards:\n  shop: { namespaces: [shop] }\n  edge: [c9]\n`, "f.yaml"),
            /shards\.shop: shares clusters with shard "edge", and shard "edge" holds every object of its clusters/);
    });

    it("refuses unknown settings and bad selectors, listing every problem", () => {
        assert.throws(() => parseShardsSpec(`shards:\n  a: { namespace: [shop] }\n  b: { hash: { of: 2, buckets: [5] } }\n`, "f.yaml"),
            (e: Error) => /shards\.a\.namespace: is not a shard setting/.test(e.message) && /shards\.b\.hash\.buckets: must be a non-empty list of bucket numbers from 0 to 1/.test(e.message));
    });

    it("the report shows what a workload shard holds; the operator Stacks carry the selectors in the layout", () => {
        const spec = parseShardsSpec(`shards:\n  w0: { hash: { of: 2, buckets: [0] } }\n  w1: { hash: { of: 2, buckets: [1] } }\n`, "f.yaml");
        const out = renderShardsResult({ command: "preview", errors: [], ok: true, shards: spec.shards.map(s => ({ shard: s.name, stack: s.stack, clusters: s.clusters,
            holds: shardDescription(s) })) });
        assert.match(out, /^w1\s+w1\s+every cluster; buckets 1 of 2\s/m);
        const stacks = operatorStacks({ ...spec, operator: { spec: { projectRepo: "https://example.com/r" } } });
        const config = stacks[1].spec.config as Record<string, string>;
        assert.deepEqual(JSON.parse(config["pulumi-kubefed:shards"]), { w0: { hash: { of: 2, buckets: [0] } }, w1: { hash: { of: 2, buckets: [1] } } });
        assert.equal(config["pulumi-kubefed:shard"], "w1");
    });
});
