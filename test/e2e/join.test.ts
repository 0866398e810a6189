/**
 * End-to-end test of the join mode (`kubefedctl join`) under the REAL Pulumi engine (Automation API, inline program,
 * file backend in a temp dir) against a REAL kube-apiserver + kube-controller-manager from testbed/fleet.js (the
 * token controller fills the service-account-token Secret). Skipped only when the testbed binaries are absent,
 * and never in CI (test/support/skip.ts).
 *
 * The program wires the join exactly as MemberCluster's join mode does: an admin provider creates the federation
 * identity, and the member's provider (the one every federated object uses) runs on the service account's token.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as automation from "@pulumi/pulumi/automation";
import { KubeClient, connect } from "../../src/member/client";
import { Fleet, TESTBED_FIX, applyTestbedEnv, filesUnder, findTools, fleetState, inlineProject, inlineStack, member, skipSuite, startFleet, stopFleet } from "../support";


const found = findTools();
const SA = "pulumi-kubefed-c1";
const JOIN_NS = "kube-federation-system";
const SA_USER = `system:serviceaccount:${JOIN_NS}:${SA}`;
const ROLE = `kubefed-controller-manager:${SA}`;
/** Narrowed rules: what the program federates (namespaces, configmaps), nothing else (no Secrets). */
const RULES = [{ apiGroups: [""], resources: ["namespaces", "configmaps"], verbs: ["*"] }];

describe("join mode under the real engine and a real member (service-account identity)", function () {
    this.timeout(600_000);
    const missing = "missing" in found ? found.missing
        : ["kube-controller-manager"].filter((b) => !fs.existsSync(path.join(found.tools, "bin", b))).map((b) => `${b} in ${found.tools}/bin`).join(", ");
    if (missing) {
        skipSuite(`the test bed is missing (${missing}): ${TESTBED_FIX}`);
        return;
    }
    const tools = (found as { tools: string }).tools;
    let fleet: Fleet | undefined;
    let tmp = "";
    let backendDir = "";
    let adminKubeconfig = "";
    let stack: automation.Stack;
    let withSecret = false;
    let restoreEnv = (): void => {};
    const log: string[] = [];
    const onOutput = (s: string): void => { log.push(s); };
    const admin = (): KubeClient => member(fleet!, "c1");
    const status = async (c: KubeClient, p: string): Promise<number> => (await c.request("GET", p)).status;
    const saToken = async (): Promise<string> => {
        const r = await admin().request("GET", `/api/v1/namespaces/${JOIN_NS}/secrets/${SA}-token`);
        assert.strictEqual(r.status, 200, r.text);
        assert.ok((r.body as any).data?.token, "the token controller filled the Secret");
        return Buffer.from((r.body as any).data.token, "base64").toString("utf8");
    };

    /** Greps every file of the backend (checkpoints, backups, history) for the token and key material. */
    const assertNoPlainCredentials = async (token: string): Promise<void> => {
        const files = filesUnder(backendDir);
        assert.ok(files.some((f) => f.endsWith(".json")), `state files: ${files.join(", ")}`);
        const needles = [token, Buffer.from(token).toString("base64"), "BEGIN", "PRIVATE KEY"];
        for (const f of files) {
            const text = fs.readFileSync(f, "utf8");
            for (const n of needles) assert.ok(!text.includes(n), `${path.relative(backendDir, f)} contains ${n === token ? "the token" : n}`);
        }
    };

    before(async function () {
        restoreEnv = applyTestbedEnv(tools);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-join-e2e-"));
        const project = inlineProject(tmp);
        backendDir = project.backendDir;

        fleet = await startFleet("join", 1, { dir: path.join(tmp, "fleet"), controllers: true, kwok: false });
        assert.strictEqual(fleetState(fleet).withControllers, true, "the fleet must run kube-controller-manager (token controller)");
        adminKubeconfig = fleet.kubeconfig;

        const k8s = await import("@pulumi/kubernetes");
        const { MemberCluster, FederatedNamespace, FederatedResource } = await import("../../src");
        const { joinMember } = await import("../../src/components/join");
        const program = async () => {
            const kubeconfig = pulumi.secret(adminKubeconfig);
            const parent = new pulumi.ComponentResource("kubefed-e2e:index:JoinedMember", "c1", {});
            const adminProvider = new k8s.Provider("c1-admin", { kubeconfig, context: "c1" }, { parent });
            const joined = joinMember(parent, "c1", "c1", adminProvider, kubeconfig, pulumi.output("c1"), { rules: RULES });
            const member = new MemberCluster("c1", { kubeconfig: joined.kubeconfig });
            const clusters = [member];
            const shop = new FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });
            new FederatedResource("settings", {
                clusters, namespace: shop, placement: { clusterSelector: {} },
                template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { mode: "joined" } },
            });
            if (withSecret) {
                new FederatedResource("creds", {
                    clusters, namespace: shop, placement: { clusterSelector: {} },
                    template: { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "shop" }, stringData: { k: "v" } },
                });
            }
            return { kubeconfig: joined.kubeconfig, ready: member.health?.ready };
        };
        stack = await inlineStack(project, tools, "join", "kubefed-join-e2e", program);
        await stack.setConfig("pulumi:disable-default-providers", { value: JSON.stringify(["kubernetes"]) });
    });

    after(async function () {
        await stopFleet(fleet).catch(() => undefined);
        if (process.env.KEEP_IT_TMP) console.log(`kept ${tmp}`);
        else if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        restoreEnv();
    });

    afterEach(function () {
        if (this.currentTest?.state === "failed" || process.env.KUBEFED_E2E_VERBOSE) console.log(log.join("").split("\n").slice(-80).join("\n"));
        log.length = 0;
    });

    it("up: the join objects exist, the ConfigMap is federated, and the member provider runs as the service account", async () => {
        const up = await stack.up({ onOutput });
        const a = admin();
        for (const p of [
            `/api/v1/namespaces/${JOIN_NS}`,
            `/api/v1/namespaces/${JOIN_NS}/serviceaccounts/${SA}`,
            `/api/v1/namespaces/${JOIN_NS}/secrets/${SA}-token`,
            `/apis/rbac.authorization.k8s.io/v1/clusterroles/${encodeURIComponent(ROLE)}`,
            `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${encodeURIComponent(ROLE)}`,
        ]) assert.strictEqual(await status(a, p), 200, p);
        const role = (await a.request("GET", `/apis/rbac.authorization.k8s.io/v1/clusterroles/${encodeURIComponent(ROLE)}`)).body as any;
        assert.deepStrictEqual(role.rules.map((r: any) => r.resources ?? r.nonResourceURLs), [["namespaces", "configmaps"],
            ["/healthz", "/livez", "/readyz", "/version", "/api", "/api/*", "/apis", "/apis/*", "/openapi/*"]]);
        const cm = await a.request("GET", "/api/v1/namespaces/shop/configmaps/settings");
        assert.strictEqual(cm.status, 200);
        assert.deepStrictEqual((cm.body as any).data, { mode: "joined" });
        assert.strictEqual(up.outputs.ready.value, true, "the member is healthy through the service account's token");

        // the stack's kubeconfig is a secret, and it is the service account's token read back from the API server
        assert.strictEqual(up.outputs.kubeconfig.secret, true);
        const joined = up.outputs.kubeconfig.value as string;
        const token = await saToken();
        assert.strictEqual(JSON.parse(joined).users[0].user.token, token);
        assert.strictEqual(JSON.parse(joined).users[0].name, SA);

        // that identity is narrow: ConfigMaps yes, Secrets no (and the refusal names the service account)
        const sa = connect(joined);
        assert.strictEqual(sa.connection.server, a.connection.server);
        assert.strictEqual(await status(sa, "/api/v1/namespaces/shop/configmaps/settings"), 200);
        const refused = await sa.request("POST", "/api/v1/namespaces/shop/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "x" } });
        assert.strictEqual(refused.status, 403);
        assert.match((refused.body as any).message, new RegExp(`User "${SA_USER}" cannot create resource "secrets"`));
    });

    it("the token and the admin credentials never reach the state in plain text", async () => {
        await assertNoPlainCredentials(await saToken());
        const state = await stack.exportStack();
        const tok = (state.deployment.resources ?? []).find((r: any) => r.type === "pulumi-nodejs:dynamic/kubefed:ServiceAccountToken");
        assert.ok(tok, "ServiceAccountToken in state");
        for (const k of ["token", "caData", "kubeconfig"]) assert.strictEqual(tok.outputs[k]?.[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig, `${k} is secret`);
        assert.ok(tok.outputs.server.startsWith("https://127.0.0.1:"));
    });

    it("a federated Secret outside the granted rules is refused by the member (the provider acts as the service account)", async () => {
        withSecret = true;
        try {
            await assert.rejects(stack.up({ onOutput }), (e: Error) => {
                assert.match(e.message, /forbidden/i);
                assert.match(e.message, new RegExp(SA_USER.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
                return true;
            });
            assert.strictEqual(await status(admin(), "/api/v1/namespaces/shop/secrets/creds"), 404);
        } finally {
            withSecret = false;
        }
        log.length = 0;
        await stack.up({ onOutput });
        const p = await stack.preview({ onOutput });
        const ops = Object.entries(p.changeSummary).filter(([op, n]) => op !== "same" && (n as number) > 0);
        assert.deepStrictEqual(ops, [], `preview after up must show no changes: ${p.stdout}`);
    });

    it("refresh re-reads the token and changes nothing; the refreshed token Secret stays encrypted in state", async () => {
        const token = await saToken();
        await stack.refresh({ onOutput });
        await assertNoPlainCredentials(token);
        const p = await stack.preview({ onOutput });
        const ops = Object.entries(p.changeSummary).filter(([op, n]) => op !== "same" && (n as number) > 0);
        assert.deepStrictEqual(ops, [], `preview after refresh must show no changes: ${p.stdout}`);
    });

    it("destroy removes the federated objects first (as the service account), then the join objects", async () => {
        const token = await saToken();
        await stack.destroy({ onOutput });
        await assertNoPlainCredentials(token);
        const a = admin();
        assert.strictEqual(await status(a, "/api/v1/namespaces/shop/configmaps/settings"), 404);
        for (const p of [
            `/apis/rbac.authorization.k8s.io/v1/clusterroles/${encodeURIComponent(ROLE)}`,
            `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${encodeURIComponent(ROLE)}`,
            `/api/v1/namespaces/${JOIN_NS}/serviceaccounts/${SA}`,
            `/api/v1/namespaces/${JOIN_NS}/secrets/${SA}-token`,
        ]) assert.strictEqual(await status(a, p), 404, p);
        // namespaces are gone or, at most, still terminating
        for (const ns of [JOIN_NS, "shop"]) {
            const r = await a.request("GET", `/api/v1/namespaces/${ns}`);
            assert.ok(r.status === 404 || (r.body as any).status?.phase === "Terminating", `namespace ${ns}: ${r.status} ${(r.body as any).status?.phase}`);
        }
        const state = await stack.exportStack();
        assert.deepStrictEqual((state.deployment.resources ?? []).filter((r: any) => r.type !== "pulumi:pulumi:Stack"), []);
    });

    it("MemberCluster({ join }) wires the same: admin provider for the join objects, the service account for everything else", async function () {
        const { MemberCluster, FederatedResource } = await import("../../src");
        const program = async () => {
            const member: any = new MemberCluster("c1", {
                kubeconfig: pulumi.secret(adminKubeconfig), context: "c1",
                join: { serviceAccountName: "fed-c1", rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }] },
            } as any);
            new FederatedResource("wired", {
                clusters: [member], placement: { clusterSelector: {} },
                template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "wired", namespace: "default" }, data: { k: "v" } },
            });
            return { kubeconfig: member.kubeconfig, admin: member.adminProvider?.urn, provider: member.provider.urn };
        };
        const s2 = await inlineStack({ backendDir, workDir: stack.workspace.workDir }, tools, "wired", "kubefed-join-e2e", program);
        try {
            const up = await s2.up({ onOutput });
            assert.ok(up.outputs.admin.value, "MemberCluster.adminProvider exists in join mode");
            const res = (await s2.exportStack()).deployment.resources ?? [];
            const providerOf = (name: string) => res.find((r: any) => r.urn.endsWith(`::${name}`))?.provider ?? "";
            for (const n of ["c1-join-namespace", "c1-join-sa", "c1-join-token-secret", "c1-join-clusterrole", "c1-join-clusterrolebinding"]) {
                assert.ok(providerOf(n).startsWith(up.outputs.admin.value + "::"), `${n} uses the admin provider: ${providerOf(n)}`);
            }
            assert.ok(providerOf("wired-c1").startsWith(up.outputs.provider.value + "::"), "the federated ConfigMap uses the member provider");
            const joined = connect(up.outputs.kubeconfig.value);
            assert.strictEqual(up.outputs.kubeconfig.secret, true);
            assert.strictEqual(await status(joined, "/api/v1/namespaces/default/configmaps/wired"), 200);
            const refused = await joined.request("GET", "/api/v1/namespaces/default/secrets");
            assert.strictEqual(refused.status, 403);
            assert.match((refused.body as any).message, /system:serviceaccount:kube-federation-system:fed-c1/);
            await assertNoPlainCredentials(JSON.parse(up.outputs.kubeconfig.value).users[0].user.token);
            await s2.destroy({ onOutput });
            assert.strictEqual(await status(admin(), "/api/v1/namespaces/default/configmaps/wired"), 404);
            assert.strictEqual(await status(admin(), "/apis/rbac.authorization.k8s.io/v1/clusterroles/kubefed-controller-manager:fed-c1"), 404);
        } finally {
            await s2.workspace.removeStack("wired", { force: true }).catch(() => undefined);
        }
    });
});
