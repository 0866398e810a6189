/** Unit tests of `kubefed-member-credentials-secret` (fake policy arguments, see ./helpers.ts). */
import { strict as assert } from "assert";
import { Secret, unknownCheckingProxy } from "@pulumi/policy";
import { NAMES, TYPES, credentialsPolicy } from "../policies";
import { resourceArgs, violations } from "./helpers";
const { secretsPreservingProxy } = require("@pulumi/policy/secret");

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe(NAMES.credentials, () => {
    const member = (secret: boolean) => ({ clusterName: "east", labels: {}, zones: [], unreachable: "fail", adoptExisting: false, credentialsWereSecret: secret });
    it("flags a MemberCluster whose kubeconfig was not a secret", async () => {
        const v = await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "member-east", member(false)));
        assert.equal(v.length, 1);
        mentions(v[0], `MemberCluster "member-east" (cluster "east")`, "requireSecret");
    });
    it("accepts secret credentials, and can be switched off", async () => {
        assert.deepEqual(await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "member-east", member(true))), []);
        assert.deepEqual(await violations(credentialsPolicy, resourceArgs(TYPES.memberCluster, "member-east", member(false), { config: { requireSecretKubeconfig: false } })), []);
    });
    it("remediates a plain provider kubeconfig into a secret, and leaves secret ones alone", async () => {
        const remediate = (raw: Record<string, unknown>) => credentialsPolicy.remediateResource!({
            ...resourceArgs(TYPES.k8sProvider, "east", {}), props: unknownCheckingProxy(secretsPreservingProxy(raw)),
        });
        const fixed = await remediate({ kubeconfig: "apiVersion: v1", clusterIdentifier: "east" }) as Record<string, unknown>;
        assert.ok(fixed.kubeconfig instanceof Secret);
        assert.equal((fixed.kubeconfig as Secret).value, "apiVersion: v1");
        assert.equal(fixed.clusterIdentifier, "east");
        assert.equal(await remediate({ kubeconfig: new Secret("apiVersion: v1") }), undefined);
        assert.equal(await remediate({ context: "kind-east" }), undefined);
    });
});
