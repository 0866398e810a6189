import { strict as assert } from "assert";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import {
    Fleet, ROOT, exampleStack, getObject, kubefedOnStack, patchObject, plannedSteps, startFleet, stopFleet, requireTestbed,
} from "../support";

// Issue 10, end to end: examples/chart federates the local chart examples/charts/hello to two members with
// different values per cluster (message, image tag) and scheduled replicas, through the Kubernetes provider's
// Helm v4 Chart. Everything is read back from the member API servers.
describe("e2e: FederatedChart (local Helm chart, values per cluster)", function () {
    let fleet: Fleet | undefined;
    let stack: Stack;
    let backend: string;
    const cli = (...args: string[]) => kubefedOnStack(args, { workDir: path.join(ROOT, "examples", "chart"), stackName: "e2e", backend });

    before(async function () {
        requireTestbed(this);
        fleet = await startFleet("chart", 2);
        ({ stack, backend } = await exampleStack("chart", "e2e", fleet));
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

    // Issue 20: what a chart renders is labelled and read back in every member like a federated object.
    /** The status words of an object's row per member (`OK`, `Drifted`, ...; replicas and "(not ready)" left out). */
    const cells = (out: string, label: string): string[] | undefined => {
        const line = out.split("\n").find(l => l.startsWith(`${label}  `));
        return line?.split(/\s{2,}/).slice(1, 3).map(c => c.split(" ")[0]);
    };
    const DEP = "hello (Deployment apps/hello-hello)";
    it("the rendered objects carry KubeFed's managed label and status lists them per member", async () => {
        for (const c of ["c1", "c2"]) {
            for (const [v, k] of [["apps/v1", "Deployment"], ["v1", "ConfigMap"]]) {
                const o = await getObject(f(), c, v, k, "apps", "hello-hello");
                assert.equal(o?.metadata?.labels?.["kubefed.io/managed"], "true", `${k} apps/hello-hello in ${c} is labelled`);
            }
        }
        const st = cli("status");
        assert.equal(st.code, 0, st.out);
        assert.deepEqual(cells(st.stdout, DEP), ["OK", "OK"], st.out);
        assert.deepEqual(cells(st.stdout, "hello (ConfigMap apps/hello-hello)"), ["OK", "OK"], st.out);
        const json = JSON.parse(cli("status", "-o", "json").stdout);
        const dep = json.objects.find((o: { name: string; target: { kind: string } }) => o.name === "hello" && o.target.kind === "Deployment");
        assert.deepEqual(dep.source, { type: "FederatedChart", name: "hello" });
        assert.deepEqual(dep.status.clusters.map((c: { name: string; replicas: number }) => [c.name, c.replicas]),
            [["c1", (await getObject(f(), "c1", "apps/v1", "Deployment", "apps", "hello-hello")).spec.replicas],
                ["c2", (await getObject(f(), "c2", "apps/v1", "Deployment", "apps", "hello-hello")).spec.replicas]]);
    });

    it("scaling a rendered Deployment behind Pulumi's back shows as Drifted in that member after a refresh; plan lists the chart's objects", async () => {
        await patchObject(f(), "c1", "apps/v1", "Deployment", "apps", "hello-hello", { spec: { replicas: 7 } });
        const refreshed = await stack.refresh();
        assert.match(refreshed.stdout, /member c1: hello\/Deployment\/apps\/hello-hello \(Deployment apps\/hello-hello\): Drifted \/spec\/replicas/);
        const st = cli("status");
        assert.deepEqual(cells(st.stdout, DEP), ["Drifted", "OK"], st.out);
        assert.match(st.stdout, /hello \(Deployment apps\/hello-hello\) @ c1: Drifted - fields differ from what was sent: \/spec\/replicas/);
        assert.notEqual(cli("status", "--check").code, 0, "--check fails on drift");
        const plan = JSON.parse(cli("plan", "-o", "json").stdout);
        const rendered = plan.objects.filter((o: { type: string }) => o.type === "FederatedChart").map((o: { object: string }) => o.object).sort();
        assert.deepEqual(rendered, ["ConfigMap apps/hello-hello", "Deployment apps/hello-hello"], JSON.stringify(plan.objects));
        const dep = plan.objects.find((o: { object: string }) => o.object === "Deployment apps/hello-hello");
        assert.deepEqual(Object.keys(dep.decision.placed), ["c1", "c2"]);
        // `up` repairs the drift; the read-back sees the Deployment as sent again
        await stack.up();
        assert.notEqual((await getObject(f(), "c1", "apps/v1", "Deployment", "apps", "hello-hello")).spec.replicas, 7);
        assert.deepEqual(cells(cli("status").stdout, DEP), ["OK", "OK"]);
    });
});
