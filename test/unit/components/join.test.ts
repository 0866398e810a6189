import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { registered, reset, settle, byName, value } from "../../support/harness";
import { JOIN_NON_RESOURCE_RULE, joinKubeconfig, joinMember, planJoin } from "../../../src/components/join";
import { serviceAccountTokenProvider } from "../../../src/provider/serviceAccountTokenProvider";
import { parseKubeconfig } from "../../../src/member/kubeconfig";
import { providerLoader } from "../../../src/resources/loader";
import { MemberCluster } from "../../../src/components/memberCluster";
import { FakeApiServer, deadUrl, fakeKubeconfig, startFakeApiServer } from "../../support/fakeApiServer";


const ADMIN_KC = "apiVersion: v1\nkind: Config\n# admin\n";
const TOKEN_TYPE = "pulumi-nodejs:dynamic/kubefed:ServiceAccountToken";

class Parent extends pulumi.ComponentResource {
    constructor(name: string) { super("test:index:Parent", name, {}); }
}

function setup(name: string, args: Parameters<typeof joinMember>[6], clusterName = name) {
    const parent = new Parent(name);
    const admin = new k8s.Provider(`${name}-admin`, { kubeconfig: pulumi.secret(ADMIN_KC) }, { parent });
    const out = joinMember(parent, name, clusterName, admin, pulumi.secret(ADMIN_KC), pulumi.output("ctx-" + name), args);
    return { parent, admin, ...out };
}

// additionalSecretOutputs of each registration (the mock engine does not apply them; the real engine does, see e2e)
const secretOutputs = new Map<string, string[]>();
const monitor = (pulumi.runtime as any).getMonitor();
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: any, cb: any) => {
    secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
    return registerResource(req, cb);
};

/** The name of the Kubernetes provider a registration points at. */
function providerName(r: { provider?: string }): string | undefined {
    return r.provider ? /pulumi:providers:kubernetes::([^:]+)::/.exec(r.provider)?.[1] : undefined;
}

describe("join mode (mocked engine)", () => {
    beforeEach(reset);

    it("cluster scope (defaults): namespace, service account, token Secret, KubeFed's ClusterRole + binding, token resource", async () => {
        const { parent, resources, kubeconfig } = setup("east", {});
        await settle(parent, ...resources);
        const parentUrn = await value(parent.urn);

        const ns = byName("east-join-namespace", "kubernetes:core/v1:Namespace");
        assert.equal(ns.inputs.metadata.name, "kube-federation-system");
        const sa = byName("east-join-sa", "kubernetes:core/v1:ServiceAccount");
        assert.deepEqual([sa.inputs.metadata.name, sa.inputs.metadata.namespace, sa.inputs.automountServiceAccountToken],
            ["pulumi-kubefed-east", "kube-federation-system", false]);
        const secret = byName("east-join-token-secret", "kubernetes:core/v1:Secret");
        assert.equal(secret.inputs.type, "kubernetes.io/service-account-token");
        assert.deepEqual(secret.inputs.metadata, {
            name: "pulumi-kubefed-east-token", namespace: "kube-federation-system",
            annotations: { "kubernetes.io/service-account.name": "pulumi-kubefed-east" },
        });
        const role = byName("east-join-clusterrole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
        assert.equal(role.inputs.metadata.name, "kubefed-controller-manager:pulumi-kubefed-east");
        assert.deepEqual(role.inputs.rules, [
            { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
            { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/api", "/api/*", "/apis", "/apis/*", "/openapi/*"], verbs: ["get"] },
        ]);
        const binding = byName("east-join-clusterrolebinding", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
        assert.deepEqual(binding.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kubefed-controller-manager:pulumi-kubefed-east" });
        assert.deepEqual(binding.inputs.subjects, [{ kind: "ServiceAccount", name: "pulumi-kubefed-east", namespace: "kube-federation-system" }]);

        // every Kubernetes object of the join goes through the admin provider, under the member component
        const k8sObjects = registered.filter((r) => r.type.startsWith("kubernetes:") && r.custom);
        assert.deepEqual(k8sObjects.map((r) => r.name).sort(), [
            "east-join-clusterrole", "east-join-clusterrolebinding", "east-join-namespace", "east-join-sa", "east-join-token-secret",
        ]);
        for (const r of k8sObjects) {
            assert.equal(providerName(r), "east-admin", `${r.name} must use the admin provider`);
            assert.equal(r.parent, parentUrn, `${r.name} must be parented to the member`);
        }

        // the token waits for the RBAC, so the service account's provider is only used once it is authorized
        const tok = byName("east-join-token", TOKEN_TYPE);
        assert.equal(tok.parent, parentUrn);
        assert.equal(providerName(tok), undefined, "the dynamic resource has no Kubernetes provider");
        assert.deepEqual([tok.inputs.namespace, tok.inputs.secretName, tok.inputs.context, tok.inputs.timeoutSeconds],
            ["kube-federation-system", "pulumi-kubefed-east-token", "ctx-east", 60]);
        assert.deepEqual(tok.inputs.kubeconfig, { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: ADMIN_KC },
            "the admin kubeconfig is sent as a secret");
        const roleUrn = await value(resources[3].urn);
        const bindingUrn = await value(resources[4].urn);
        assert.ok(tok.dependencies.includes(roleUrn) && tok.dependencies.includes(bindingUrn), `token dependencies: ${tok.dependencies}`);
        assert.equal(resources.length, 6);

        // the kubeconfig is a secret; its user is the service account
        assert.equal(await pulumi.isSecret(kubeconfig), true);
        const kc = JSON.parse(await value(kubeconfig));
        assert.deepEqual(kc.users.map((u: any) => u.name), ["pulumi-kubefed-east"]);
        assert.equal(kc["current-context"], "east");
    });

    it("the token resource registers kubeconfig, token and caData as additional secret outputs", async () => {
        const { resources } = setup("west", {});
        await settle(...resources);
        assert.deepEqual(secretOutputs.get("west-join-token"), ["kubeconfig", "token", "caData"]);
    });

    it("custom names and narrowed rules; clusterName defaults the service account", async () => {
        const rules = [{ apiGroups: ["", "apps"], resources: ["configmaps", "deployments", "namespaces"], verbs: ["*"] }];
        const { parent, resources } = setup("m1", { namespace: "fed", serviceAccountName: "federator", rules }, "prod-1");
        await settle(parent, ...resources);
        assert.equal(byName("m1-join-namespace").inputs.metadata.name, "fed");
        assert.deepEqual(byName("m1-join-sa").inputs.metadata, { name: "federator", namespace: "fed" });
        const role = byName("m1-join-clusterrole");
        assert.equal(role.inputs.metadata.name, "kubefed-controller-manager:federator");
        assert.deepEqual(role.inputs.rules, [...rules, JOIN_NON_RESOURCE_RULE]);
        assert.equal(planJoin("x", "prod-1", {}).serviceAccountName, "pulumi-kubefed-prod-1");
    });

    it("namespaces scope: a Role + RoleBinding per namespace, and a healthcheck ClusterRole with the non-resource URLs and the namespaces by name", async () => {
        const rules = [
            { apiGroups: ["", "apps"], resources: ["configmaps", "deployments", "namespaces"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
            { nonResourceURLs: ["/metrics"], verbs: ["get"] },
        ];
        const { parent, resources } = setup("eu", { scope: "namespaces", namespaces: ["shop", "kube-federation-system"], rules });
        await settle(parent, ...resources);
        const names = registered.filter((r) => r.type.startsWith("kubernetes:") && r.custom).map((r) => r.name).sort();
        assert.deepEqual(names, [
            "eu-join-healthcheck-clusterrole", "eu-join-healthcheck-clusterrolebinding", "eu-join-namespace",
            "eu-join-role-kube-federation-system", "eu-join-role-shop", "eu-join-rolebinding-kube-federation-system", "eu-join-rolebinding-shop",
            "eu-join-sa", "eu-join-token-secret",
        ]);
        for (const ns of ["shop", "kube-federation-system"]) {
            const role = byName(`eu-join-role-${ns}`, "kubernetes:rbac.authorization.k8s.io/v1:Role");
            assert.deepEqual(role.inputs.metadata, { name: "kubefed-controller-manager:pulumi-kubefed-eu", namespace: ns });
            assert.deepEqual(role.inputs.rules, [rules[0]], "a Role holds only resource rules");
            const rb = byName(`eu-join-rolebinding-${ns}`, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
            assert.deepEqual(rb.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "kubefed-controller-manager:pulumi-kubefed-eu" });
            assert.equal(rb.inputs.metadata.namespace, ns);
            assert.equal(providerName(role), "eu-admin");
            assert.equal(providerName(rb), "eu-admin");
        }
        const cr = byName("eu-join-healthcheck-clusterrole", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
        assert.equal(cr.inputs.metadata.name, "kubefed-controller-manager:kube-federation-system:healthcheck-pulumi-kubefed-eu");
        assert.deepEqual(cr.inputs.rules, [
            rules[1],
            JOIN_NON_RESOURCE_RULE,
            { apiGroups: [""], resources: ["namespaces"], resourceNames: ["kube-federation-system", "shop"],
                verbs: ["create", "delete", "get", "list", "patch", "update", "watch"] },
        ]);
        const crb = byName("eu-join-healthcheck-clusterrolebinding");
        assert.equal(crb.inputs.roleRef.name, cr.inputs.metadata.name);
        assert.equal(providerName(crb), "eu-admin");
        const tok = byName("eu-join-token", TOKEN_TYPE);
        assert.equal(tok.dependencies.length >= 6, true, `token depends on every role and binding: ${tok.dependencies}`);
    });

    it("namespaces scope defaults to the join namespace; no namespaces rule when the rules do not cover namespaces", () => {
        const p = planJoin("x", "c", { scope: "namespaces", rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }] });
        assert.deepEqual(p.namespaces, ["kube-federation-system"]);
        assert.deepEqual(p.clusterRules, [JOIN_NON_RESOURCE_RULE]);
    });

    it("invalid join arguments are refused with the field and the fix", () => {
        assert.throws(() => planJoin("MemberCluster a", "a", { namespaces: ["x"] }), /join\.namespaces: is only used with scope: "namespaces"/);
        assert.throws(() => planJoin("MemberCluster a", "a", { serviceAccountName: "Bad_Name" }), /join\.serviceAccountName: "Bad_Name" is not a service account name/);
        assert.throws(() => planJoin("MemberCluster a", "a", { namespace: "Fed" }), /join\.namespace: "Fed" is not a namespace name/);
        assert.throws(() => planJoin("MemberCluster a", "a", { rules: [] }), /join\.rules: must be a non-empty list/);
        assert.throws(() => planJoin("MemberCluster a", "a", { rules: [{ resources: ["pods"], verbs: [] }] }), /join\.rules\[0\]\.verbs: is empty/);
        assert.throws(() => planJoin("MemberCluster a", "a", { scope: "everything" as any }), /join\.scope: "everything" is not one of cluster, namespaces/);
        assert.throws(() => planJoin("MemberCluster a", "a", { scope: "namespaces", namespaces: [] }), /join\.namespaces: must list at least one/);
    });

    it("joinKubeconfig: server, CA and token under the service account's user; insecure drops the CA", () => {
        const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n").toString("base64");
        const text = joinKubeconfig({ clusterName: "east", user: "sa", server: "https://127.0.0.1:6443", caData: ca, token: "tok" });
        const conn = parseKubeconfig(text);
        assert.deepEqual([conn.contextName, conn.clusterName, conn.userName, conn.server, conn.auth, conn.insecure], ["east", "east", "sa", "https://127.0.0.1:6443", "token", false]);
        assert.equal(JSON.parse(text).users[0].user.token, "tok");
        assert.equal(conn.ca, "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n");
        const insecure = JSON.parse(joinKubeconfig({ clusterName: "e", user: "sa", server: "https://h", caData: ca, token: "t", insecure: true, tlsServerName: "api" }));
        assert.deepEqual(insecure.clusters[0].cluster, { server: "https://h", "insecure-skip-tls-verify": true, "tls-server-name": "api" });
    });
});

describe("MemberCluster join mode (mocked engine)", () => {
    beforeEach(reset);
    it(`MemberCluster({ join: true }): the admin provider manages the join objects, the member provider and health use the joined kubeconfig`, async () => {
        const m: any = new MemberCluster("east", { kubeconfig: pulumi.secret(ADMIN_KC), context: "ctx-east", join: true } as any);
        await settle(m, m.provider, m.adminProvider, ...(m.joinResources ?? []));
        const admin = byName("east-admin", "pulumi:providers:kubernetes");
        assert.equal(admin.inputs.context, "ctx-east");
        assert.equal(admin.inputs.clusterIdentifier, "east");
        const main = byName("east", "pulumi:providers:kubernetes");
        assert.equal(main.inputs.context, undefined, "the joined kubeconfig has a single context");
        assert.notEqual(main.inputs.kubeconfig, admin.inputs.kubeconfig, "the member provider does not use the admin credentials");
        assert.equal(await pulumi.isSecret(m.kubeconfig), true);
        assert.equal(JSON.parse(await value<string>(m.kubeconfig)).users[0].name, "pulumi-kubefed-east");
        for (const n of ["east-join-namespace", "east-join-sa", "east-join-token-secret", "east-join-clusterrole", "east-join-clusterrolebinding"]) {
            assert.equal(providerName(byName(n)), "east-admin", n);
        }
        assert.equal(byName("east-join-token", TOKEN_TYPE).parent, await value(m.urn));
        assert.equal(m.context, undefined);
    });
});

describe("ServiceAccountToken provider (methods called directly, fake API server)", function () {
    this.timeout(30_000);
    const P = serviceAccountTokenProvider as Required<typeof serviceAccountTokenProvider>;
    let api: FakeApiServer;
    const secretPath = "/api/v1/namespaces/kube-federation-system/secrets/sa-token";
    const inputs = () => ({ kubeconfig: api.kubeconfig(), namespace: "kube-federation-system", secretName: "sa-token", timeoutSeconds: 5 });
    const tokenSecret = (data?: Record<string, string>) => ({
        apiVersion: "v1", kind: "Secret", type: "kubernetes.io/service-account-token",
        metadata: { name: "sa-token", namespace: "kube-federation-system", annotations: { "kubernetes.io/service-account.name": "sa" } },
        ...(data ? { data } : {}),
    });
    before(async () => { api = await startFakeApiServer({ token: "admin-token" }); });
    after(async () => { await api.close(); });
    beforeEach(() => { api.objects.clear(); });

    it("create waits until the token controller fills the Secret; outputs the decoded token, ca.crt and the server", async () => {
        api.put(tokenSecret());
        const seen = () => api.requests.slice(before).filter((q) => q.url === secretPath).length;
        const before = api.requests.length;
        // the token controller fills the Secret only after create has read it once (deterministic on a busy machine)
        const fill = (async () => {
            while (seen() === 0) await new Promise((res) => setTimeout(res, 20));
            api.put(tokenSecret({ token: Buffer.from("sa-bearer").toString("base64"), "ca.crt": "Q0E=" }));
        })();
        const t0 = Date.now();
        const r = await P.create(inputs());
        await fill;
        assert.ok(seen() >= 2, "create polled until the token appeared");
        assert.ok(Date.now() - t0 >= 900, "polls are a second apart");
        assert.equal(r.id, "kube-federation-system/sa-token");
        assert.deepEqual([r.outs.token, r.outs.caData, r.outs.server, r.outs.insecureSkipTlsVerify, r.outs.tlsServerName], ["sa-bearer", "Q0E=", api.url, false, ""]);
        assert.equal(r.outs.kubeconfig, api.kubeconfig(), "outputs carry the inputs (stored as secret by the class)");
    });

    it("create fails after the timeout with the reason and the fix, without quoting the kubeconfig", async () => {
        api.put(tokenSecret());
        await assert.rejects(P.create({ ...inputs(), timeoutSeconds: 1 }), (e: Error) => {
            assert.match(e.message, /Secret kube-federation-system\/sa-token: no token after 1 s \(the Secret has no token yet\)/);
            assert.match(e.message, /token controller of kube-controller-manager/);
            assert.ok(!e.message.includes("admin-token"));
            return true;
        });
        api.objects.clear();
        await assert.rejects(P.create({ ...inputs(), timeoutSeconds: 1 }), /the Secret does not exist/);
        api.put({ ...tokenSecret({ token: "eA==" }), type: "Opaque" });
        await assert.rejects(P.create({ ...inputs(), timeoutSeconds: 1 }), /has type "Opaque", not kubernetes.io\/service-account-token/);
    });

    it("read re-reads the token; a deleted Secret drops the resource; an unreachable member keeps the last state", async () => {
        api.put(tokenSecret({ token: Buffer.from("t2").toString("base64"), "ca.crt": "Q0E=" }));
        const props = { ...inputs(), token: "t1", caData: "Q0E=", server: api.url, insecureSkipTlsVerify: false, tlsServerName: "" };
        const fresh = await P.read("kube-federation-system/sa-token", props);
        assert.equal((fresh.props as any).token, "t2");
        assert.deepEqual(fresh.inputs, inputs());
        api.objects.clear();
        const gone = await P.read("kube-federation-system/sa-token", props);
        assert.equal(gone.id, "");
        const deadProps = { ...props, kubeconfig: fakeKubeconfig(await deadUrl()) };
        const kept = await P.read("kube-federation-system/sa-token", deadProps);
        assert.deepEqual([kept.id, (kept.props as any).token], ["kube-federation-system/sa-token", "t1"]);
    });

    it("diff compares inputs only: a new Secret UID is a change, new outputs are not", async () => {
        const i = { ...inputs(), secretUid: "u1" };
        assert.equal((await P.diff("id", { ...i, token: "a" }, i)).changes, false);
        assert.equal((await P.diff("id", i, { ...i, secretUid: "u2" })).changes, true);
        assert.equal((await P.diff("id", i, { ...i, secretName: pulumi.runtime.unknownValue })).changes, true);
    });

    it("the code stored in state is the loader, which runs this provider", async () => {
        const loader = providerLoader("serviceAccountToken");
        const sf = await pulumi.runtime.serializeFunction(() => loader, { allowSecrets: true });
        assert.ok(sf.text.length <= 2048, `${sf.text.length} bytes`);
        assert.ok(!sf.text.includes("service-account-token"), "the implementation is not serialized");
        const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
        const p = requireFromString(sf.text).handler();
        api.put(tokenSecret({ token: Buffer.from("via-loader").toString("base64") }));
        const r = await p.create(inputs());
        assert.equal(r.outs.token, "via-loader");
        assert.equal((await p.diff("id", inputs(), { ...inputs(), secretUid: "u2" })).changes, true);
    });
});
