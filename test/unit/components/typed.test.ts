/**
 * Issue 25, types: a typed `@pulumi/kubernetes` input object is accepted as a template, `resources` can be typed,
 * and a rollout wave must name its clusters or select them (this file compiling is half the test; the
 * `@ts-expect-error` lines fail the build if the types ever accept what they should refuse).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { byName, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);

describe("components: typed templates, resources and waves (issue 25)", () => {
    beforeEach(reset);

    it("a k8s.types.input.apps.v1.Deployment is a template, and resources are Deployments", async () => {
        const clusters = [new kubefed.MemberCluster("ty-a", { clusterName: "tya", kubeconfig: kc("a") })];
        const template: k8s.types.input.apps.v1.Deployment = {
            apiVersion: "apps/v1", kind: "Deployment",
            metadata: { name: "typed", namespace: "shop", labels: { app: "typed" } },
            spec: { replicas: 2, selector: { matchLabels: { app: "typed" } },
                template: { metadata: { labels: { app: "typed" } }, spec: { containers: [{ name: "c", image: pulumi.output("nginx:1.25") }] } } },
        };
        const r = new kubefed.FederatedResource<k8s.apps.v1.Deployment>("typed", { clusters, template, placement: { clusterSelector: {} } });
        // typed: status is a Deployment's status (a compile-time check; the mock engine gives no status)
        const status: pulumi.Output<k8s.types.output.apps.v1.DeploymentStatus> = r.resources.tya.status;
        assert.ok(pulumi.Output.isInstance(status));
        await settle(r, ...Object.values(r.resources));
        assert.equal(byName("typed-tya", "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].image, "nginx:1.25");
    });

    it("a rollout wave names its clusters or selects them, not neither and not both", () => {
        const ok: kubefed.RolloutSpec = { waves: [{ name: "canary", clusters: ["a"] }, { name: "rest", clusterSelector: {} }] };
        assert.equal(ok.waves.length, 2);
        // @ts-expect-error a wave with neither clusters nor clusterSelector
        const neither: kubefed.RolloutSpec = { waves: [{ name: "x" }] };
        // @ts-expect-error a wave with both
        const both: kubefed.RolloutSpec = { waves: [{ name: "x", clusters: ["a"], clusterSelector: {} }] };
        assert.ok(neither && both);
    });
});
