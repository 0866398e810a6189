import { strict as assert } from "assert";
import { layoutOf, parseShardsSpec, resourceSummary } from "../../../src/cli/shards";
import { operatorStacks } from "../../../src/cli/operator";

describe("cli/shards: spec and operator manifests", () => {
    it("parses a spec: stacks from the prefix or per shard, the project relative to the file, the layout sorted", () => {
        const spec = parseShardsSpec(`project: ../app\nstackPrefix: dev-\nconcurrency: 2\nshards:\n  west: [c3, c2]\n  east: { clusters: [c1], stack: org/p/east, pulumiArgs: ["--config-file", "e.yaml"] }\n`, "/x/y/shards.yaml");
        assert.equal(spec.project, "/x/app");
        assert.equal(spec.concurrency, 2);
        assert.deepEqual(spec.shards.map(s => [s.name, s.stack, s.pulumiArgs]), [["east", "org/p/east", ["--config-file", "e.yaml"]], ["west", "dev-west", []]]);
        assert.deepEqual(layoutOf(spec), { east: ["c1"], west: ["c2", "c3"] });
    });

    it("refuses a cluster in two shards, two shards on one stack and a bad concurrency, listing every problem", () => {
        assert.throws(() => parseShardsSpec(`shards:\n  a: { clusters: [c1, c2], stack: s }\n  b: { clusters: [c2], stack: s }\nconcurrency: 0\n`, "f.yaml"),
            (e: Error) => /shards\.b: cluster "c2" is also in shard "a"/.test(e.message) && /"s" is also the stack of shard "a"/.test(e.message)
                && /concurrency: must be a positive integer/.test(e.message));
        assert.throws(() => parseShardsSpec("project: .\n", "f.yaml"), /shards: must map each shard name/);
    });

    it("reads the Resources summary of pulumi's output", () => {
        assert.equal(resourceSummary("x\nResources:\n    + 3 to create\n    ~ 1 to update\n\nDuration: 3s\n"), "+ 3 to create, ~ 1 to update");
        assert.equal(resourceSummary("error: boom"), "");
    });

    it("operator Stacks: one per shard with the shard and the shared layout in config; bad settings are refused", () => {
        const spec = parseShardsSpec(`shards: { a: [c1], dns: [c2] }\n`, "f.yaml");
        const stacks = operatorStacks({ ...spec, operator: { namespace: "pulumi", namePrefix: "fleet-", spec: { projectRepo: "https://example.com/r", branch: "main" },
            prerequisites: { dns: ["a"] }, succeededWithinDuration: "1h" } });
        assert.deepEqual(stacks.map(s => s.metadata.name), ["fleet-a", "fleet-dns"]);
        assert.deepEqual(stacks[1].spec.config, { "pulumi-kubefed:shard": "dns", "pulumi-kubefed:shards": JSON.stringify({ a: ["c1"], dns: ["c2"] }) });
        assert.deepEqual(stacks[1].spec.prerequisites, [{ name: "fleet-a", requirement: { succeededWithinDuration: "1h" } }]);
        assert.equal(stacks[0].spec.prerequisites, undefined);
        assert.equal(stacks[0].spec.stack, "a");
        assert.throws(() => operatorStacks({ ...spec, operator: { namePrefix: "x".repeat(40), spec: { projectRepo: "r" } } }),
            /the Stack resource name "x{40}dns" is longer than 42 characters/);
        assert.throws(() => operatorStacks({ ...spec, operator: { spec: { stack: "s" } } }),
            (e: Error) => /operator\.spec\.stack: is set per shard/.test(e.message) && /needs a program source/.test(e.message));
        assert.throws(() => operatorStacks({ ...spec, operator: { spec: { projectRepo: "r" }, prerequisites: { dns: ["zz"] } } }), /must list other shards/);
    });
});
