import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { ValidationError } from "../../../src/core";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { a: "1" } };

/** The error a constructor throws (fails the test when it does not throw). */
function errorOf(fn: () => unknown): Error {
    try {
        fn();
    } catch (e) {
        return e as Error;
    }
    assert.fail("expected the constructor to throw");
}

describe("component errors and recognition", () => {
    beforeEach(reset);

    it("bad input is a pulumi.ResourceError naming the component, the field and the fix, with the core's ValidationError as cause; the component is not registered", async () => {
        const clusters = [new kubefed.MemberCluster("c1", { kubeconfig: kc("c1") })];
        const e = errorOf(() => new kubefed.FederatedResource("web", { clusters, template: configMap, placement: { clusters: [{ name: "mars" }] } }));
        assert.ok(pulumi.ResourceError.isInstance(e), `not a ResourceError: ${e}`);
        assert.equal((e as pulumi.ResourceError).hideStack, true, "the engine prints the message without a stack trace");
        assert.equal((e as pulumi.ResourceError).resource, undefined, "no parent: attached to the stack");
        assert.match(e.message, /FederatedResource web: .*placement\.clusters\[0\]\.name: .*mars/);
        await settle(...clusters);
        assert.deepEqual(registered.filter(r => r.type === "pulumi-kubefed:index:FederatedResource"), [],
            "failed before registering: neither state nor policies see it with empty inputs");
        // With a parent, the error is shown under the parent's URN.
        const parent = new pulumi.ComponentResource("test:index:Parent", "app");
        const e2 = errorOf(() => new kubefed.FederatedResource("web2", { clusters, template: configMap, placement: { clusters: [{ name: "mars" }] } }, { parent }));
        assert.equal((e2 as pulumi.ResourceError).resource, parent);
        const cause = (e as Error & { cause?: unknown }).cause;
        assert.ok(cause instanceof Error);
        assert.ok((cause as Error & { cause?: unknown }).cause instanceof ValidationError, "the core raised its ValidationError");
    });

    for (const [what, make] of [
        ["MemberCluster", () => new kubefed.MemberCluster("Bad_Name", { kubeconfig: kc("x") })],
        ["FederatedNamespace", () => new kubefed.FederatedNamespace("kube-system", { clusters: [new kubefed.MemberCluster("c9", { kubeconfig: kc("c9") })] })],
        ["ReplicaSchedulingPreference", () => new kubefed.ReplicaSchedulingPreference("rsp", { totalReplicas: -1 })],
        ["Domain", () => new kubefed.Domain("d", { domain: "not a domain" })],
        ["FederatedManifests", () => kubefed.federate("m", { clusters: [], yaml: "- not an object" })],
    ] as [string, () => unknown][]) {
        it(`${what}: bad input is a pulumi.ResourceError (stack hidden) raised before the component registers`, async () => {
            const before = registered.length;
            const e = errorOf(make);
            assert.ok(pulumi.ResourceError.isInstance(e), `${what}: not a ResourceError: ${e}`);
            assert.equal((e as pulumi.ResourceError).hideStack, true);
            assert.match(e.message, new RegExp(`^${what === "FederatedManifests" ? "federate" : what}\\b`), "the message names the component");
            await new Promise(res => setTimeout(res, 50));
            assert.deepEqual(registered.slice(before).filter(r => r.type === `pulumi-kubefed:index:${what}`).map(r => r.name), []);
        });
    }

    it("components from another copy of this package are recognised (isInstance), unlike instanceof", async () => {
        // A second copy of the library (as two installs in node_modules would give): fresh module instances.
        const root = path.resolve(__dirname, "../../../src");
        const saved = Object.keys(require.cache).filter(k => k.startsWith(root + path.sep));
        const originals = Object.fromEntries(saved.map(k => [k, require.cache[k]]));
        for (const k of saved) delete require.cache[k];
        let copy: typeof kubefed;
        try {
            copy = require(root) as typeof kubefed;
        } finally {
            for (const k of Object.keys(require.cache)) if (k.startsWith(root + path.sep)) delete require.cache[k];
            Object.assign(require.cache, originals);
        }
        assert.notEqual(copy.MemberCluster, kubefed.MemberCluster, "a distinct copy was loaded");
        const other = new copy.MemberCluster("c1", { kubeconfig: kc("c1") });
        assert.ok(!(other instanceof kubefed.MemberCluster));
        assert.ok(kubefed.MemberCluster.isInstance(other));
        assert.ok(!kubefed.FederatedResource.isInstance(other));
        const rsp = new copy.ReplicaSchedulingPreference("rsp", { totalReplicas: 4 });
        assert.ok(kubefed.ReplicaSchedulingPreference.isInstance(rsp));
        const web = new kubefed.FederatedResource("web", {
            clusters: [other], template: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
                spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "w", image: "nginx" }] } } } },
            replicaScheduling: rsp,
        });
        await settle(web);
        assert.deepEqual(kubefed.replicasOf(web.decision), { c1: 4 }, "the other copy's MemberCluster and RSP were used");
    });
});
