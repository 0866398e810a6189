import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { registered, reset, settle, byName } from "../../support/harness";
import * as kubefed from "../../../src";
import { decodeObjects } from "../../../src/member/objectsCodec";
import { resetProgramEndForTests } from "../../../src/components/programEnd";

// Bring your own provider (issue 9): a member whose Kubernetes provider was made elsewhere (an EKS or GKE component)
// federates through that provider, and its read-back uses the kubeconfig given alongside.
describe("MemberCluster with an existing provider (mocked engine)", () => {
    beforeEach(() => {
        reset();
        resetProgramEndForTests();
    });

    it("federated objects use the given provider; no provider is made; the read-back gets the kubeconfig", async () => {
        const eks = new k8s.Provider("eks-made", { kubeconfig: "from-the-eks-component" });
        const m = new kubefed.MemberCluster("east", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n"), provider: eks });
        assert.strictEqual(m.provider, eks);
        const web = new kubefed.FederatedResource("web", {
            clusters: [m], placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web", namespace: "default" }, data: { a: "b" } },
        });
        await settle(m, web, web.resources.east);
        const providers = registered.filter(r => r.type === "pulumi:providers:kubernetes").map(r => r.name);
        assert.deepEqual(providers, ["eks-made"], "no second provider for the member");
        assert.match(byName("web-east").provider ?? "", /pulumi:providers:kubernetes::eks-made::/);
        const rb = byName("east-readback", "pulumi-nodejs:dynamic/kubefed:MemberReadBack");
        assert.deepEqual(Object.keys(decodeObjects(rb.inputs.objects) as object), ["web"]);
        assert.ok(rb.additionalSecretOutputs.includes("kubeconfig"));
    });

    it("settings that belong to the given provider are refused, naming the field and the fix", () => {
        const eks = new k8s.Provider("eks-made-2", { kubeconfig: "x" });
        for (const [field, extra] of [["unreachable", { unreachable: "skip" }], ["providerArgs", { providerArgs: { namespace: "x" } }],
            ["join", { join: true }], ["adoptExisting", { adoptExisting: true }]] as const) {
            assert.throws(() => new kubefed.MemberCluster(`m-${field}`, { kubeconfig: pulumi.secret("k"), provider: eks, ...extra } as kubefed.MemberClusterArgs),
                (e: Error) => e.message.includes(`MemberCluster m-${field}`) && e.message.includes(field) && /set it on the provider you pass/.test(e.message),
                field);
        }
        assert.throws(() => new kubefed.MemberCluster("m-bad", { kubeconfig: pulumi.secret("k"), provider: {} as k8s.Provider }),
            /provider.*must be a Kubernetes provider/);
    });
});
