import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { connect, connectAsync } from "../../../src/member/client";
import { clearExecCredentialCache } from "../../../src/member/execCredentials";
import { isKubeconfigError } from "../../../src/member/kubeconfigError";
import { observeObject, removeManagedLabel } from "../../../src/member/objects";
import { FakeApiServer, deadUrl, fakeKubeconfig, startFakeApiServer } from "../../support/fakeApiServer";
import { needs } from "../../support/skip";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("member/client: client against a fake API server", () => {
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
        assert.strictEqual((r.body as any).gitVersion, "v1.99.0-fake");
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

/** A tiny HTTP CONNECT proxy that counts the tunnels it opens. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
    const net = await import("net");
    const http = await import("http");
    const tunnels: string[] = [];
    const sockets = new Set<import("net").Socket>();
    const proxy = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
    proxy.on("connect", (req: import("http").IncomingMessage, client: import("net").Socket, head: Buffer) => {
        tunnels.push(String(req.url));
        const [host, port] = String(req.url).split(":");
        const up = net.connect(Number(port), host, () => {
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            if (head.length) up.write(head);
            up.pipe(client);
            client.pipe(up);
        });
        sockets.add(up);
        sockets.add(client);
        up.on("error", () => client.destroy());
        client.on("error", () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    return {
        url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        tunnels,
        close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); proxy.close(() => r()); }),
    };
}

const PLUGIN = path.resolve(__dirname, "../../../../testbed/exec-credential.js");

describe("member/client: TLS, credentials, exec plugins and proxies against a local TLS server", function () {
    this.timeout(30_000);
    let dir = "";
    const servers: https.Server[] = [];
    let port = 0; // serving cert for 127.0.0.1 and kube.test
    let otherPort = 0; // serving cert for kube.test only
    let seen: { cn?: string; authorization?: string; url?: string }[] = [];
    const pem = (f: string): string => fs.readFileSync(path.join(dir, f), "utf8");
    const errors: string[] = []; // every error message seen: checked for credentials at the end

    before(function () {
        let openssl = true;
        try {
            execFileSync("openssl", ["version"], { stdio: "ignore" });
        } catch {
            openssl = false;
        }
        needs(this, !openssl && "openssl is not installed (it mints the test certificates)");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-tls-"));
        const ssl = (...args: string[]): void => { execFileSync("openssl", args, { cwd: dir, stdio: "ignore" }); };
        ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca");
        const sign = (base: string, subj: string, ext?: string): void => {
            ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", subj);
            const extArgs: string[] = [];
            if (ext) {
                fs.writeFileSync(path.join(dir, `${base}.ext`), ext);
                extArgs.push("-extfile", `${base}.ext`);
            }
            ssl("x509", "-req", "-in", `${base}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${base}.crt`, "-days", "1", ...extArgs);
        };
        sign("srv", "/CN=apiserver", "subjectAltName=IP:127.0.0.1,DNS:kube.test\n");
        sign("other", "/CN=other", "subjectAltName=DNS:kube.test\n");
        sign("cli", "/CN=admin/O=system:masters");
        fs.mkdirSync(path.join(dir, "creds"));
        fs.copyFileSync(path.join(dir, "cli.crt"), path.join(dir, "creds", "tls.crt"));
        fs.copyFileSync(path.join(dir, "cli.key"), path.join(dir, "creds", "tls.key"));
        fs.writeFileSync(path.join(dir, "creds", "token"), "file-token-123\n");
    });
    before(async function () {
        if (!dir) return;
        const handler = (req: import("http").IncomingMessage, res: import("http").ServerResponse): void => {
            const sock = req.socket as import("tls").TLSSocket;
            const cn = sock.authorized ? String(sock.getPeerCertificate().subject?.CN ?? "") : undefined;
            const entry = { cn, authorization: req.headers.authorization, url: req.url };
            seen.push(entry);
            if (!cn && !req.headers.authorization) {
                res.writeHead(401, { "Content-Type": "application/json" });
                res.end(JSON.stringify({ kind: "Status", message: "Unauthorized" }));
                return;
            }
            res.writeHead(200, { "Content-Type": "application/json" });
            res.end(JSON.stringify(entry));
        };
        for (const [key, cert] of [["srv.key", "srv.crt"], ["other.key", "other.crt"]]) {
            const s = https.createServer({ key: pem(key), cert: pem(cert), ca: pem("ca.crt"), requestCert: true, rejectUnauthorized: false }, handler);
            await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
            servers.push(s);
        }
        port = (servers[0].address() as AddressInfo).port;
        otherPort = (servers[1].address() as AddressInfo).port;
    });
    beforeEach(() => {
        seen = [];
        clearExecCredentialCache();
    });
    after(() => {
        for (const s of servers) {
            s.closeAllConnections();
            s.close();
        }
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const caData = (): string => `, certificate-authority-data: ${b64(pem("ca.crt"))}`;
    const certUser = (): string => `{client-certificate-data: ${b64(pem("cli.crt"))}, client-key-data: ${b64(pem("cli.key"))}}`;
    const kc = (clusterExtra: string, user = certUser(), server = `https://127.0.0.1:${port}`): string => `
current-context: t
clusters: [{name: k, cluster: {server: '${server}'${clusterExtra}}}]
contexts: [{name: t, context: {cluster: k, user: u, namespace: ns1}}]
users: [{name: u, user: ${user}}]
`;
    /** An exec user running the test-bed plugin with `node`; `args`/`env` are appended. */
    const execUser = (apiVersion: string, args: string[], env: Record<string, string> = {}, command = process.execPath, extra: Record<string, unknown> = {}): string =>
        JSON.stringify({
            exec: {
                apiVersion: `client.authentication.k8s.io/${apiVersion}`, command,
                args: command === process.execPath ? [PLUGIN, ...args] : args,
                env: Object.entries(env).map(([name, value]) => ({ name, value })),
                interactiveMode: "Never", provideClusterInfo: true, ...extra,
            },
        });
    const get = async (text: string, ctx?: string): Promise<any> => {
        const r = await connect(text, ctx).request("GET", "/version");
        assert.strictEqual(r.status, 200, r.text);
        return r.body;
    };
    const rejectsConfig = async (p: Promise<unknown> | (() => unknown), re: RegExp): Promise<string> => {
        let msg = "";
        try {
            await (typeof p === "function" ? p() : p);
        } catch (e) {
            msg = (e as Error).message;
            errors.push(msg);
            assert.ok(isKubeconfigError(e), `not flagged as a kubeconfig error: ${msg}`);
            assert.match(msg, re);
            return msg;
        }
        assert.fail(`expected a kubeconfig error matching ${re}`);
    };

    it("verifies the server against certificate-authority-data and presents the client certificate", async () => {
        assert.strictEqual((await get(kc(caData()))).cn, "admin");
        assert.strictEqual(seen.length, 1);
    });

    it("reads certificate files relative to the kubeconfig's directory", async () => {
        const file = path.join(dir, "creds", "config");
        fs.copyFileSync(path.join(dir, "ca.crt"), path.join(dir, "creds", "ca.crt"));
        fs.writeFileSync(file, kc(", certificate-authority: ca.crt", "{client-certificate: tls.crt, client-key: ./tls.key}"));
        assert.strictEqual((await get(file)).cn, "admin");
    });

    it("sends a token, a tokenFile's token (relative path) and basic auth", async () => {
        assert.strictEqual((await get(kc(caData(), "{token: tok-abc}"))).authorization, "Bearer tok-abc");
        const file = path.join(dir, "creds", "token-config");
        fs.writeFileSync(file, kc(caData(), "{tokenFile: token}"));
        assert.strictEqual((await get(file)).authorization, "Bearer file-token-123");
        assert.strictEqual((await get(kc(caData(), "{username: alice, password: s3cret}"))).authorization, `Basic ${b64("alice:s3cret")}`);
        assert.strictEqual(seen.every((s) => s.cn === undefined), true, "no client certificate was sent");
    });

    it("rejects an unknown CA (transport error, not a kubeconfig error), unless insecure-skip-tls-verify", async () => {
        await assert.rejects(connect(kc("")).request("GET", "/version"), (e: Error) => !isKubeconfigError(e) && /self[- ]signed|unable to verify|certificate/i.test(e.message));
        assert.strictEqual((await get(kc(", insecure-skip-tls-verify: true"))).cn, "admin");
    });

    it("honours tls-server-name (server certificate for another host name)", async () => {
        const other = `https://127.0.0.1:${otherPort}`;
        await assert.rejects(connect(kc(caData(), undefined, other)).request("GET", "/version"), /altnames|does not match|Hostname\/IP/i);
        assert.strictEqual((await get(kc(`${caData()}, tls-server-name: kube.test`, undefined, other))).cn, "admin");
        assert.strictEqual(connect(kc(`${caData()}, tls-server-name: kube.test`)).connection.tlsServerName, "kube.test");
    });

    it("goes through proxy-url (HTTP CONNECT), TLS and plain HTTP servers alike", async () => {
        const proxy = await startConnectProxy();
        const api = await startFakeApiServer({ token: "t0k" });
        try {
            assert.strictEqual((await get(kc(`${caData()}, proxy-url: '${proxy.url}'`))).cn, "admin");
            assert.deepStrictEqual(proxy.tunnels, [`127.0.0.1:${port}`]);
            const viaProxy = api.kubeconfig().replace(`server: ${api.url}`, `server: ${api.url}\n    proxy-url: ${proxy.url}`);
            const r = await connect(viaProxy).request("GET", "/version");
            assert.strictEqual(r.status, 200);
            assert.strictEqual(proxy.tunnels.length, 2);
            // without proxy-url nothing goes through the proxy
            await get(kc(caData()));
            assert.strictEqual(proxy.tunnels.length, 2);
        } finally {
            await api.close();
            await proxy.close();
        }
    });

    for (const v of ["v1", "v1beta1"]) {
        it(`exec plugin ${v}: args and env reach the plugin, its client certificate is used, cluster info is provided`, async () => {
            const record = path.join(dir, `record-${v}.jsonl`);
            const user = execUser(v, ["--cert", path.join(dir, "cli.crt"), "--record", record], { EXEC_CREDENTIAL_KEY: path.join(dir, "cli.key") });
            const c = connect(kc(caData(), user));
            assert.strictEqual(c.connection.auth, "exec");
            const r = await c.request("GET", "/version");
            assert.strictEqual((r.body as any).cn, "admin");
            const runs = fs.readFileSync(record, "utf8").trim().split("\n").map((l) => JSON.parse(l));
            assert.strictEqual(runs.length, 1);
            assert.deepStrictEqual(runs[0].argv.slice(0, 2), ["--cert", path.join(dir, "cli.crt")]);
            assert.strictEqual(runs[0].execInfo.apiVersion, `client.authentication.k8s.io/${v}`);
            assert.strictEqual(runs[0].execInfo.kind, "ExecCredential");
            assert.strictEqual(runs[0].execInfo.spec.interactive, false);
            assert.strictEqual(runs[0].execInfo.spec.cluster.server, `https://127.0.0.1:${port}`);
        });
    }

    it("exec plugin returning a token; connectAsync; the credential is cached until expirationTimestamp", async () => {
        const record = path.join(dir, "record-token.jsonl");
        const text = kc(caData(), execUser("v1", ["--token", "exec-tok-1", "--record", record, "--expires-in", "3600"]));
        const a = await connectAsync(text);
        assert.strictEqual(((await a.request("GET", "/version")).body as any).authorization, "Bearer exec-tok-1");
        await (await connectAsync(text)).request("GET", "/version");
        connect(text);
        assert.strictEqual(fs.readFileSync(record, "utf8").trim().split("\n").length, 1, "one plugin run while the credential is valid");
        const expired = kc(caData(), execUser("v1beta1", ["--token", "exec-tok-2", "--record", record, "--expires-in", "-10"]));
        await get(expired);
        await get(expired);
        assert.strictEqual(fs.readFileSync(record, "utf8").trim().split("\n").length, 1 + 4, "an expired credential is fetched again (connect + request, twice)");
    });

    it("exec plugin command relative to the kubeconfig's directory, and looked up on PATH", async () => {
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin, { recursive: true });
        const script = path.join(bin, "kubefed-test-cred");
        fs.writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" "${PLUGIN}" "$@"\n`, { mode: 0o755 });
        const file = path.join(dir, "exec-rel-config");
        fs.writeFileSync(file, kc(caData(), execUser("v1", ["--token", "rel-tok"], {}, "./bin/kubefed-test-cred")));
        assert.strictEqual((await get(file)).authorization, "Bearer rel-tok");
        const oldPath = process.env.PATH;
        process.env.PATH = `${bin}${path.delimiter}${oldPath}`;
        try {
            assert.strictEqual((await get(kc(caData(), execUser("v1", ["--token", "path-tok"], {}, "kubefed-test-cred")))).authorization, "Bearer path-tok");
        } finally {
            process.env.PATH = oldPath;
        }
    });

    it("exec plugin missing: a kubeconfig error naming the context, cluster and command (connect and connectAsync)", async () => {
        const bare = kc(caData(), execUser("v1", [], {}, "kubefed-no-such-plugin", { installHint: "install it with: make plugin" }));
        const m = await rejectsConfig(() => connect(bare), /exec credential plugin "kubefed-no-such-plugin" of context "t" \(cluster "k", user "u"\): command not found on PATH \(install it with: make plugin\)/);
        assert.ok(m.length < 400);
        await rejectsConfig(connectAsync(bare), /"kubefed-no-such-plugin" of context "t".*command not found/);
        await rejectsConfig(() => connect(kc(caData(), execUser("v1", [], {}, "./nope/plugin"))), new RegExp(`exec credential plugin "${process.cwd()}/nope/plugin" .*command not found$`));
        const obs = await observeObject("east", bare, undefined, { apiVersion: "v1", kind: "ConfigMap", name: "x" });
        assert.strictEqual(obs.outcome, "configError");
    });

    it("exec plugin failing: its stderr (trimmed), never a credential", async () => {
        const message = "  login expired for kubefed-admin: run `login` again\n";
        const text = kc(caData(), execUser("v1", ["--mode", "fail", "--cert", path.join(dir, "cli.crt")], { EXEC_CREDENTIAL_MESSAGE: message, EXEC_CREDENTIAL_KEY: path.join(dir, "cli.key") }));
        for (const p of [() => connect(text), () => connectAsync(text)]) {
            const m = await rejectsConfig(p, /exec credential plugin ".*" of context "t" \(cluster "k", user "u"\) failed \(exit code 1\): login expired for kubefed-admin: run `login` again$/);
            assert.ok(!m.includes("\n"));
        }
        // a plugin that prints a key or a known credential on stderr: both are removed
        const leaky = kc(caData(), execUser("v1", ["--mode", "fail"], { EXEC_CREDENTIAL_MESSAGE: `oops ${pem("cli.key")} token=static-tok-9` }));
        const withToken = leaky.replace(/users: \[\{name: u, user: (\{.*\})\}\]/, (_m, u) => `users: [{name: u, user: ${u.replace(/^\{/, '{"token": "static-tok-9", ')}}]`);
        const m = await rejectsConfig(() => connect(withToken), /failed \(exit code 1\): oops \[PEM data removed\];? token=\[redacted\]/);
        assert.ok(!m.includes("static-tok-9") && !m.includes("BEGIN"));
    });

    it("exec plugin hanging: stopped after the time limit with its stderr (sync and async)", async () => {
        const text = kc(caData(), execUser("v1", ["--mode", "hang"]));
        let t0 = Date.now();
        // 3 s: long enough for the plugin (a node process) to start and say why on a loaded machine, which the
        // message must then carry; 0.7 s below checks only the stop.
        await rejectsConfig(() => connect(text, undefined, { execTimeoutMs: 3000 }), /of context "t" \(cluster "k", user "u"\) did not finish within 3 s and was stopped: exec-credential: hanging as asked$/);
        assert.ok(Date.now() - t0 < 10000, `took ${Date.now() - t0} ms`);
        t0 = Date.now();
        await rejectsConfig(connectAsync(text, undefined, { execTimeoutMs: 700 }), /did not finish within 0.7 s/);
        assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
        const old = process.env.PULUMI_KUBEFED_EXEC_TIMEOUT_MS;
        process.env.PULUMI_KUBEFED_EXEC_TIMEOUT_MS = "500";
        try {
            await rejectsConfig(connectAsync(text), /did not finish within 0.5 s/);
        } finally {
            if (old === undefined) delete process.env.PULUMI_KUBEFED_EXEC_TIMEOUT_MS;
            else process.env.PULUMI_KUBEFED_EXEC_TIMEOUT_MS = old;
        }
    });

    it("exec plugin returning nothing usable or the wrong apiVersion", async () => {
        await rejectsConfig(() => connect(kc(caData(), execUser("v1", ["--token", "x", "--api-version", "v1beta1"]))), /returned apiVersion "client.authentication.k8s.io\/v1beta1", but the kubeconfig asks for client.authentication.k8s.io\/v1/);
        await rejectsConfig(() => connect(kc(caData(), execUser("v1", ["--mode", "ok"], {}, "/bin/echo"))), /printed no ExecCredential JSON/);
    });

    it("missing context: a kubeconfig error", async () => {
        await rejectsConfig(() => connect(kc(caData()), "nope"), /no context named "nope"/);
    });

    it("no error message carried a credential", () => {
        assert.ok(errors.length >= 10, `only ${errors.length} errors were collected`);
        for (const m of errors) {
            for (const bad of ["BEGIN", "PRIVATE", "static-tok-9", b64(pem("cli.key")).slice(0, 40), b64(pem("cli.crt")).slice(0, 40)]) {
                assert.ok(!m.includes(bad), `"${bad}" in: ${m}`);
            }
        }
    });
});
