import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { Fleet, exampleStack, getObject, plannedSteps, startFleet, stopFleet, requireTestbed } from "../support";

// Issue 10, end to end: examples/chart federates the local chart examples/charts/hello to two members with
// different values per cluster (message, image tag) and scheduled replicas, through the Kubernetes provider's
// Helm v4 Chart. Everything is read back from the member API servers.
describe("e2e: FederatedChart (local Helm chart, values per cluster)", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("chart", 2);
        ({ stack } = await exampleStack("chart", "e2e", fleet));
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally { await stopFleet(fleet); }
    });
    const f = () => fleet!;

    it("preview shows one chart per member and which cluster gets which values", async () => {
        const { steps, stdout } = await plannedSteps(stack);
        for (const s of ["create hello-c1", "create hello-c2"]) assert.ok(steps.includes(s), `${s} missing from ${steps.join(", ")}`);
        // The recorded decision, per cluster: c1 keeps the shared tag, c2 gets its own.
        assert.match(stdout, /values\s*:\s*\{[\s\S]*c1\s*:\s*\{[\s\S]*message\s*:\s*"hello from c1"[\s\S]*c2\s*:\s*\{[\s\S]*tag\s*:\s*"1\.27"[\s\S]*message\s*:\s*"hello from c2"/);
    });

    it("up installs the chart in both members as asked", async () => {
        const res = await stack.up();
        // one provider per chart, given once: no warning about `provider` and `providers` (the SDK's conflict check)
        assert.doesNotMatch(res.stdout, /conflict between the 'provider' field/);
        const decision = res.outputs.chartDecision.value;
        assert.deepEqual(decision.clusters, ["c1", "c2"]);
        let total = 0;
        for (const [c, tag] of [["c1", "1.25"], ["c2", "1.27"]]) {
            const d = await getObject(f(), c, "apps/v1", "Deployment", "apps", "hello-hello");
            assert.ok(d, `Deployment apps/hello-hello in ${c}`);
            assert.equal(d.spec.template.spec.containers[0].image, `nginx:${tag}`, c);
            assert.equal(d.spec.replicas, decision.replicas[c], `${c} runs the replicas the decision shows`);
            total += d.spec.replicas;
            const cm = await getObject(f(), c, "v1", "ConfigMap", "apps", "hello-hello");
            assert.equal(cm.data.message, `hello from ${c}`);
        }
        assert.equal(total, 3, "the scheduled replicas add up to totalReplicas");
    });

    it("a second preview shows no changes", async () => {
        const res = await stack.preview({ expectNoChanges: true });
        const ops = Object.keys(res.changeSummary).filter(op => op !== "same");
        assert.deepEqual(ops, [], `unexpected changes: ${JSON.stringify(res.changeSummary)}`);
    });
});
