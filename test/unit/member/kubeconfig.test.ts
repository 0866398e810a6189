import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connect, groupVersionPath } from "../../../src/member/client";
import { parseKubeconfig } from "../../../src/member/kubeconfig";
import { isKubeconfigError } from "../../../src/member/kubeconfigError";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

const KUBECONFIG = `
apiVersion: v1
kind: Config
current-context: c1
clusters:
- name: k1
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: ${b64("CA-PEM")}
- name: k2
  cluster:
    server: https://10.0.0.2:443
    insecure-skip-tls-verify: true
    tls-server-name: api.example
contexts:
- name: c1
  context: {cluster: k1, user: admin, namespace: team-a}
- name: c2
  context:
    cluster: k2
    user: tok
users:
- name: admin
  user:
    client-certificate-data: ${b64("CERT-PEM")}
    client-key-data: ${b64("KEY-PEM")}
- name: tok
  user:
    token: abc.def
`;

describe("member/kubeconfig: parseKubeconfig", () => {
    it("uses current-context and decodes -data fields; returns no credentials", () => {
        const c = parseKubeconfig(KUBECONFIG);
        assert.strictEqual(c.contextName, "c1");
        assert.strictEqual(c.clusterName, "k1");
        assert.strictEqual(c.userName, "admin");
        assert.strictEqual(c.server, "https://127.0.0.1:6443");
        assert.strictEqual(c.ca, "CA-PEM");
        assert.strictEqual(c.auth, "clientCertificate");
        assert.strictEqual(c.namespace, "team-a");
        assert.strictEqual(c.insecure, false);
        const text = JSON.stringify(c);
        for (const secret of ["CERT-PEM", "KEY-PEM", b64("CERT-PEM"), b64("KEY-PEM")]) assert.ok(!text.includes(secret), `connection holds ${secret}`);
    });

    it("selects another context: token, insecure-skip-tls-verify, tls-server-name", () => {
        const c = parseKubeconfig(KUBECONFIG, "c2");
        assert.strictEqual(c.server, "https://10.0.0.2:443");
        assert.strictEqual(c.auth, "token");
        assert.strictEqual(c.insecure, true);
        assert.strictEqual(c.tlsServerName, "api.example");
        assert.ok(!JSON.stringify(c).includes("abc.def"));
    });

    it("reads file references relative to a kubeconfig given as a path, and tokenFile", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-test-"));
        try {
            fs.writeFileSync(path.join(dir, "ca.crt"), "CA-FILE");
            fs.writeFileSync(path.join(dir, "tls.crt"), "CERT-FILE");
            fs.writeFileSync(path.join(dir, "tls.key"), "KEY-FILE");
            fs.writeFileSync(path.join(dir, "token"), "file-token\n");
            const kc = [
                "current-context: x",
                "clusters: [{name: k, cluster: {server: 'https://h:1', certificate-authority: ca.crt, proxy-url: 'http://proxy:3128'}}]",
                "contexts: [{name: x, context: {cluster: k, user: u}}, {name: y, context: {cluster: k, user: t}}, {name: z, context: {cluster: k, user: m}}]",
                "users: [{name: u, user: {client-certificate: tls.crt, client-key: tls.key}}, {name: t, user: {tokenFile: token}}, {name: m, user: {tokenFile: missing}}]",
            ].join("\n");
            const file = path.join(dir, "config");
            fs.writeFileSync(file, kc);
            const c = parseKubeconfig(file);
            assert.deepStrictEqual([c.ca, c.auth, c.proxyUrl], ["CA-FILE", "clientCertificate", "http://proxy:3128"]);
            assert.strictEqual(parseKubeconfig(file, "y").auth, "tokenFile");
            assert.throws(() => parseKubeconfig(file, "z"), (e: Error) => isKubeconfigError(e) && /context "z" \(cluster "k", user "m"\): cannot read tokenFile file/.test(e.message));
            // the same text is not relative to that directory when given as text
            assert.throws(() => parseKubeconfig(kc), (e: Error) => isKubeconfigError(e) && /cannot read certificate-authority file/.test(e.message));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("accepts JSON kubeconfigs", () => {
        const c = parseKubeconfig(JSON.stringify({
            "current-context": "j", clusters: [{ name: "k", cluster: { server: "http://h:8080" } }],
            contexts: [{ name: "j", context: { cluster: "k" } }],
        }));
        assert.strictEqual(c.server, "http://h:8080");
        assert.strictEqual(c.auth, "none");
    });

    it("recognises exec plugins and supported auth-providers without running anything", () => {
        const exec = parseKubeconfig(KUBECONFIG.replace("token: abc.def", "exec: {apiVersion: client.authentication.k8s.io/v1, command: /nonexistent/plugin}"), "c2");
        assert.strictEqual(exec.auth, "exec");
        const oidc = parseKubeconfig(KUBECONFIG.replace("token: abc.def", "auth-provider: {name: oidc, config: {id-token: x, client-id: y, idp-issuer-url: 'https://issuer'}}"), "c2");
        assert.strictEqual(oidc.auth, "authProvider");
    });

    const bad: [string, string, RegExp, string?][] = [
        ["missing context", KUBECONFIG.replace("current-context: c1", "current-context: nope"), /no context named "nope"/],
        ["no current-context", KUBECONFIG.replace("current-context: c1", ""), /no current-context/],
        ["missing user", KUBECONFIG.replace("user: tok", "user: ghost"), /no user named "ghost"/, "c2"],
        ["missing cluster", KUBECONFIG.replace("cluster: k2", "cluster: ghost"), /no cluster named "ghost"/, "c2"],
        ["exec plugin without apiVersion", KUBECONFIG.replace("token: abc.def", "exec: {command: aws}"), /context "c2" \(cluster "k2", user "tok"\): exec credential plugin: apiVersion null is not supported/, "c2"],
        ["exec plugin with v1alpha1", KUBECONFIG.replace("token: abc.def", "exec: {command: aws, apiVersion: client.authentication.k8s.io/v1alpha1}"), /v1alpha1.* is not supported/, "c2"],
        ["interactive exec plugin", KUBECONFIG.replace("token: abc.def", "exec: {command: aws, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Always}"), /needs a terminal/, "c2"],
        ["unsupported auth-provider", KUBECONFIG.replace("token: abc.def", "auth-provider: {name: openstack}"), /auth-provider "openstack" is not supported/, "c2"],
        ["no server", KUBECONFIG.replace("server: https://127.0.0.1:6443/", "foo: bar"), /has no server/],
        ["bad proxy-url", KUBECONFIG.replace("tls-server-name: api.example", "proxy-url: ftp://x"), /proxy-url must be/, "c2"],
        ["empty", "  ", /empty/],
        ["cert without key", KUBECONFIG.replace(/client-key-data: .*/, ""), /without key/],
    ];
    for (const [what, text, re, ctx] of bad) {
        it(`rejects a kubeconfig with ${what} (KubeconfigError, also from connect)`, () => {
            assert.throws(() => parseKubeconfig(text, ctx), (e: Error) => isKubeconfigError(e) && re.test(e.message));
            assert.throws(() => connect(text, ctx), (e: Error) => isKubeconfigError(e) && re.test(e.message));
        });
    }

    it("never quotes kubeconfig content in errors", () => {
        const secret = "SUPERSECRETTOKEN";
        for (const text of [`users:\n  - token: ${secret}\n   bad: [indent`, `${b64(secret)}`, `{"token": "${secret}"`]) {
            assert.throws(() => parseKubeconfig(text), (e: Error) => isKubeconfigError(e) && !e.message.includes(secret) && !e.message.includes(b64(secret)));
        }
    });

    it("builds discovery paths", () => {
        assert.strictEqual(groupVersionPath("v1"), "/api/v1");
        assert.strictEqual(groupVersionPath("apps/v1"), "/apis/apps/v1");
        assert.strictEqual(groupVersionPath("types.kubefed.io/v1beta1"), "/apis/types.kubefed.io/v1beta1");
    });
});
