/**
 * The member client (src/member) against a REAL kube-apiserver of the test bed, authenticating through an exec credential plugin
 * (testbed/exec-credential.js, written into a kubeconfig by testbed/exec-kubeconfig.js). Skipped only when the test
 * bed (etcd, kube-apiserver) is not on PATH, and never in CI (test/support/skip.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connect, connectAsync } from "../../../src/member/client";
import { clearExecCredentialCache } from "../../../src/member/execCredentials";
import { isKubeconfigError } from "../../../src/member/kubeconfigError";
import { observeObject, removeManagedLabel } from "../../../src/member/objects";
import { Fleet, TESTBED_FIX, binOnPath, execKubeconfigLib, fleetState, skipSuite, startFleet, stopFleet } from "../../support";

const execKubeconfig = execKubeconfigLib();

describe("member client against a real kube-apiserver through an exec credential plugin", function () {
    this.timeout(5 * 60_000);
    const bin = binOnPath(["kube-apiserver", "etcd"]);
    if (!bin) {
        skipSuite(`the test bed is not on PATH (etcd, kube-apiserver): ${TESTBED_FIX}`);
        return;
    }
    let fleet: Fleet | undefined;
    let tmp = "";
    const kc: Record<string, string> = {};
    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-kube-exec-"));
        fleet = await startFleet("kube-exec", 1, { dir: path.join(tmp, "fleet"), controllers: false, kwok: false, bin });
        const state = fleetState(fleet);
        kc.v1 = execKubeconfig.writeExecKubeconfig(state, { out: path.join(tmp, "kubeconfig-v1"), apiVersion: "v1" });
        kc.v1beta1 = execKubeconfig.writeExecKubeconfig(state, { out: path.join(tmp, "kubeconfig-v1beta1"), apiVersion: "v1beta1" });
        kc.fail = execKubeconfig.writeExecKubeconfig(state, { out: path.join(tmp, "kubeconfig-fail"), mode: "fail" });
    });
    beforeEach(() => clearExecCredentialCache());
    after(async () => {
        await stopFleet(fleet).catch(() => undefined);
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("GET /version, and the API server sees the plugin's client certificate (system:masters)", async () => {
        const c = connect(kc.v1, "c1");
        assert.strictEqual(c.connection.auth, "exec");
        const v = await c.request("GET", "/version");
        assert.strictEqual(v.status, 200, v.text);
        assert.match((v.body as any).gitVersion, /^v1\.\d+/);
        const who = await c.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
        assert.strictEqual(who.status, 201, who.text);
        assert.strictEqual((who.body as any).status.userInfo.username, "kubefed-admin");
        assert.ok((who.body as any).status.userInfo.groups.includes("system:masters"));
    });

    for (const v of ["v1", "v1beta1"]) {
        it(`creates, reads and patches an object (exec ${v}, connectAsync, observeObject, removeManagedLabel)`, async () => {
            const c = await connectAsync(kc[v], "c1");
            const name = `exec-${v}`;
            const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", labels: { "kubefed.io/managed": "true" } }, data: { a: "1" } };
            const created = await c.request("POST", "/api/v1/namespaces/default/configmaps", cm);
            assert.strictEqual(created.status, 201, created.text);
            const p = await c.objectPath({ apiVersion: "v1", kind: "ConfigMap", name });
            assert.strictEqual(p, `/api/v1/namespaces/default/configmaps/${name}`);
            const patched = await c.request("PATCH", p!, { data: { b: "2" } }, { contentType: "application/merge-patch+json" });
            assert.strictEqual(patched.status, 200, patched.text);
            assert.deepStrictEqual((patched.body as any).data, { a: "1", b: "2" });
            const ref = { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name };
            const obs = await observeObject("c1", kc[v], "c1", ref);
            assert.strictEqual(obs.outcome, "found");
            assert.strictEqual(await removeManagedLabel("c1", kc[v], "c1", ref), "removed");
            const after = await c.request("GET", p!);
            assert.strictEqual((after.body as any).metadata.labels?.["kubefed.io/managed"], undefined);
        });
    }

    it("a failing plugin is a kubeconfig problem naming the context and carrying the plugin's message", async () => {
        assert.throws(() => connect(kc.fail, "c1"), (e: Error) => isKubeconfigError(e)
            && /of context "c1" \(cluster "c1", user "c1-exec"\) failed \(exit code 1\): exec-credential: refusing as asked$/.test(e.message));
        const obs = await observeObject("c1", kc.fail, "c1", { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "x" });
        assert.strictEqual(obs.outcome, "configError");
    });
});
