import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { connect, groupVersionPath, isKubeconfigError, kubeRequest, parseKubeconfig, removeManagedLabel, observeObject } from "../../../src/dynamic/kube";
import { FakeApiServer, deadUrl, fakeKubeconfig, startFakeApiServer } from "./fakeApiServer";

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

describe("dynamic/kube: parseKubeconfig", () => {
    it("uses current-context and decodes -data fields", () => {
        const c = parseKubeconfig(KUBECONFIG);
        assert.strictEqual(c.contextName, "c1");
        assert.strictEqual(c.clusterName, "k1");
        assert.strictEqual(c.server, "https://127.0.0.1:6443");
        assert.strictEqual(c.ca, "CA-PEM");
        assert.strictEqual(c.cert, "CERT-PEM");
        assert.strictEqual(c.key, "KEY-PEM");
        assert.strictEqual(c.namespace, "team-a");
        assert.strictEqual(c.insecure, false);
        assert.strictEqual(c.token, undefined);
    });

    it("selects another context: token, insecure-skip-tls-verify, tls-server-name", () => {
        const c = parseKubeconfig(KUBECONFIG, "c2");
        assert.strictEqual(c.server, "https://10.0.0.2:443");
        assert.strictEqual(c.token, "abc.def");
        assert.strictEqual(c.insecure, true);
        assert.strictEqual(c.tlsServerName, "api.example");
        assert.strictEqual(c.cert, undefined);
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
                "clusters: [{name: k, cluster: {server: 'https://h:1', certificate-authority: ca.crt}}]",
                "contexts: [{name: x, context: {cluster: k, user: u}}, {name: y, context: {cluster: k, user: t}}]",
                "users: [{name: u, user: {client-certificate: tls.crt, client-key: tls.key}}, {name: t, user: {tokenFile: token}}]",
            ].join("\n");
            const file = path.join(dir, "config");
            fs.writeFileSync(file, kc);
            const c = parseKubeconfig(file);
            assert.deepStrictEqual([c.ca, c.cert, c.key], ["CA-FILE", "CERT-FILE", "KEY-FILE"]);
            assert.strictEqual(parseKubeconfig(file, "y").token, "file-token");
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
    });

    const bad: [string, string, RegExp][] = [
        ["missing context", KUBECONFIG.replace("current-context: c1", "current-context: nope"), /no context named "nope"/],
        ["no current-context", KUBECONFIG.replace("current-context: c1", ""), /no current-context/],
        ["exec plugin", KUBECONFIG.replace("token: abc.def", "exec: {command: aws}"), /exec credential plugin/],
        ["no server", KUBECONFIG.replace("server: https://127.0.0.1:6443/", "foo: bar"), /has no server/],
        ["empty", "  ", /empty/],
        ["cert without key", KUBECONFIG.replace(/client-key-data: .*/, ""), /without key/],
    ];
    for (const [what, text, re] of bad) {
        it(`rejects a kubeconfig with ${what} (KubeconfigError)`, () => {
            assert.throws(() => parseKubeconfig(text, what === "exec plugin" ? "c2" : undefined), (e: Error) => isKubeconfigError(e) && re.test(e.message));
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

describe("dynamic/kube: client against a fake API server", () => {
    let api: FakeApiServer;
    before(async () => {
        api = await startFakeApiServer({ token: "t0k" });
        api.put({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", labels: { "kubefed.io/managed": "true", app: "web" } } });
    });
    after(() => api.close());

    it("sends the bearer token and parses JSON", async () => {
        const c = connect(api.kubeconfig());
        const r = await c.request("GET", "/version");
        assert.strictEqual(r.status, 200);
        assert.strictEqual(r.body.gitVersion, "v1.99.0-fake");
        assert.strictEqual(api.requests.at(-1)!.headers.authorization, "Bearer t0k");
        const unauth = await connect(fakeKubeconfig(api.url)).request("GET", "/version");
        assert.strictEqual(unauth.status, 401);
    });

    it("discovers plural and scope (core and groups), skips subresources, caches per client", async () => {
        const c = connect(api.kubeconfig());
        const before = api.requests.length;
        assert.deepStrictEqual(await c.discover("apps/v1", "Deployment"), { plural: "deployments", namespaced: true });
        assert.deepStrictEqual(await c.discover("v1", "Namespace"), { plural: "namespaces", namespaced: false });
        assert.deepStrictEqual(await c.discover("v1", "Pod"), { plural: "pods", namespaced: true });
        assert.strictEqual(await c.discover("apps/v1", "Nope"), undefined);
        assert.strictEqual(await c.discover("example.com/v1", "Widget"), undefined);
        await c.discover("apps/v1", "Deployment");
        assert.strictEqual(api.requests.length - before, 3, "one discovery request per group/version");
        assert.strictEqual(await c.objectPath({ apiVersion: "v1", kind: "Namespace", name: "ns1" }), "/api/v1/namespaces/ns1");
        assert.strictEqual(await c.objectPath({ apiVersion: "apps/v1", kind: "Deployment", name: "w" }), "/apis/apps/v1/namespaces/default/deployments/w");
    });

    it("observeObject classifies found / notFound / configError / unreachable", async () => {
        const ref = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" };
        const found = await observeObject("a", api.kubeconfig(), undefined, ref);
        assert.strictEqual(found.outcome, "found");
        assert.strictEqual((await observeObject("a", api.kubeconfig(), undefined, { ...ref, name: "nope" })).outcome, "notFound");
        assert.strictEqual((await observeObject("a", api.kubeconfig(), undefined, { ...ref, apiVersion: "x.io/v1" })).outcome, "notFound");
        assert.strictEqual((await observeObject("a", "garbage: [", undefined, ref)).outcome, "configError");
        assert.strictEqual((await observeObject("a", fakeKubeconfig(api.url), undefined, ref)).outcome, "retrievalFailed");
        const dead = await observeObject("a", fakeKubeconfig(await deadUrl()), undefined, ref);
        assert.strictEqual(dead.outcome, "unreachable");
    });

    it("removeManagedLabel sends a JSON merge patch; 404 is fine; unreachable throws", async () => {
        const ref = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" };
        assert.strictEqual(await removeManagedLabel("a", api.kubeconfig(), undefined, ref), "removed");
        const patch = api.requests.filter((r) => r.method === "PATCH").at(-1)!;
        assert.strictEqual(patch.headers["content-type"], "application/merge-patch+json");
        assert.deepStrictEqual(JSON.parse(patch.body), { metadata: { labels: { "kubefed.io/managed": null } } });
        const obj = api.objects.get("/apis/apps/v1/namespaces/default/deployments/web")!;
        assert.deepStrictEqual(obj.metadata.labels, { app: "web" });
        assert.strictEqual(await removeManagedLabel("a", api.kubeconfig(), undefined, { ...ref, name: "gone" }), "absent");
        await assert.rejects(removeManagedLabel("b", fakeKubeconfig(await deadUrl()), undefined, ref), /cluster b: /);
    });

    it("times out", async () => {
        const http = await import("http");
        const hang = http.createServer(() => { /* never answers */ });
        await new Promise<void>((r) => hang.listen(0, "127.0.0.1", () => r()));
        try {
            const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
            const t0 = Date.now();
            await assert.rejects(connect(fakeKubeconfig(url)).request("GET", "/healthz", undefined, { timeoutMs: 200 }), /timed out after 200 ms/);
            assert.ok(Date.now() - t0 < 2000);
        } finally {
            hang.closeAllConnections();
            hang.close();
        }
    });
});

describe("dynamic/kube: TLS with client certificates", function () {
    this.timeout(20_000);
    let dir = "";
    let server: https.Server | undefined;
    let port = 0;
    const pem = (f: string): string => fs.readFileSync(path.join(dir, f), "utf8");

    before(function () {
        try {
            execFileSync("openssl", ["version"], { stdio: "ignore" });
        } catch {
            this.skip(); // openssl is only needed to mint test certificates
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-tls-"));
        const ssl = (...args: string[]): void => { execFileSync("openssl", args, { cwd: dir, stdio: "ignore" }); };
        ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca");
        fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:kube.test\n");
        ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=apiserver");
        ssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.crt", "-days", "1", "-extfile", "san.ext");
        ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "cli.key", "-out", "cli.csr", "-subj", "/CN=admin/O=system:masters");
        ssl("x509", "-req", "-in", "cli.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "cli.crt", "-days", "1");
    });
    before(async function () {
        if (!dir) return;
        server = https.createServer({ key: pem("srv.key"), cert: pem("srv.crt"), ca: pem("ca.crt"), requestCert: true, rejectUnauthorized: true }, (req, res) => {
            const peer = (req.socket as import("tls").TLSSocket).getPeerCertificate();
            res.writeHead(200, { "Content-Type": "text/plain" });
            res.end(`ok ${peer.subject?.CN}`);
        });
        await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
        port = (server.address() as AddressInfo).port;
    });
    after(() => {
        server?.closeAllConnections();
        server?.close();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const kc = (extra: string, server = `https://127.0.0.1:${port}`): string => `
current-context: t
clusters: [{name: k, cluster: {server: '${server}'${extra}}}]
contexts: [{name: t, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate-data: ${b64(pem("cli.crt"))}, client-key-data: ${b64(pem("cli.key"))}}}]
`;

    it("verifies the server against certificate-authority-data and presents the client cert", async () => {
        const r = await kubeRequest(parseKubeconfig(kc(`, certificate-authority-data: ${b64(pem("ca.crt"))}`)), "GET", "/healthz");
        assert.strictEqual(r.text, "ok admin");
    });
    it("rejects an unknown CA, unless insecure-skip-tls-verify", async () => {
        await assert.rejects(kubeRequest(parseKubeconfig(kc("")), "GET", "/healthz"), /self[- ]signed|unable to verify|certificate/i);
        const r = await kubeRequest(parseKubeconfig(kc(", insecure-skip-tls-verify: true")), "GET", "/healthz");
        assert.strictEqual(r.text, "ok admin");
    });
    it("honours tls-server-name", async () => {
        const r = await kubeRequest(parseKubeconfig(kc(`, certificate-authority-data: ${b64(pem("ca.crt"))}, tls-server-name: kube.test`, `https://localhost:${port}`)), "GET", "/healthz");
        assert.strictEqual(r.text, "ok admin");
    });
});
