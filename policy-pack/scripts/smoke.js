#!/usr/bin/env node
/**
 * Smoke test of the pack as the Pulumi CLI runs it, without the CLI: start @pulumi/pulumi's run-policy-pack in the
 * pack directory (what `pulumi-analyzer-policy` does), then drive its Analyzer gRPC service with requests shaped
 * like the engine's (secrets as secret signatures, provider attached). Exits non-zero on any mismatch.
 *   node policy-pack/scripts/smoke.js
 */
const { spawn } = require("child_process");
const path = require("path");
const packDir = path.resolve(__dirname, "..");
const req = (m) => require(require.resolve(m, { paths: [packDir] }));
const grpc = req("@grpc/grpc-js");
const pb = req("@pulumi/pulumi/proto/analyzer_pb.js");
const svc = req("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const { Struct } = req("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = req("google-protobuf/google/protobuf/empty_pb.js");

const SECRET = (v) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: v });
const STACK = "urn:pulumi:dev::shop::";
const provUrn = (n, parent) => `${STACK}${parent ? parent + "$" : ""}pulumi:providers:kubernetes::${n}`;

function opts(parent) {
    const o = new pb.AnalyzerResourceOptions();
    o.setProtect(false);
    if (parent) o.setParent(parent);
    return o;
}
function provider(name, props, parentType) {
    const p = new pb.AnalyzerProviderResource();
    p.setType("pulumi:providers:kubernetes"); p.setName(name); p.setUrn(provUrn(name, parentType));
    p.setProperties(Struct.fromJavaScript(props));
    return p;
}
function analyzeReq(type, name, props, prov, parent) {
    const r = new pb.AnalyzeRequest();
    r.setType(type); r.setName(name); r.setUrn(`${STACK}${type}::${name}`);
    r.setProperties(Struct.fromJavaScript(props)); r.setOptions(opts(parent));
    if (prov) r.setProvider(prov);
    return r;
}
function stackRes(type, name, props, prov, parent) {
    const r = new pb.AnalyzerResource();
    r.setType(type); r.setName(name); r.setUrn(`${STACK}${type}::${name}`);
    r.setProperties(Struct.fromJavaScript(props)); r.setOptions(opts(parent));
    if (prov) r.setProvider(prov);
    if (parent) r.setParent(parent);
    return r;
}
const call = (client, m, r) => new Promise((res, rej) => client[m](r, (e, v) => (e ? rej(e) : res(v))));

const decision = (over) => ({
    apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop", labels: { app: "web", "data-class": "pii" },
    clusters: ["east", "west"],
    members: { east: { labels: {}, region: "us-east", zones: ["us-east-1a"] }, west: { labels: {}, region: "eu-central", zones: ["eu-central-1a"] } },
    overrides: {}, overrideClusters: [], images: { east: ["nginx:1.25"], west: ["nginx:1.25"] },
    orphanOnDelete: false, retainReplicas: false, waitForReady: true, warnings: [], ...over,
});

async function main() {
    const t0 = Date.now();
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: packDir, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise((res, rej) => {
        let buf = "";
        child.stdout.on("data", d => { buf += d; const m = /^(\d+)\s*$/m.exec(buf); if (m) res(m[1]); });
        child.on("exit", c => rej(new Error(`policy pack exited with ${c} before serving`)));
    });
    console.log(`pack served on port ${port} after ${Date.now() - t0} ms`);
    const client = new svc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const failures = [];
    const expect = (what, ok, detail) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? `\n       ${detail}` : ""}`); if (!ok) failures.push(what); };
    try {
        const info = await call(client, "getAnalyzerInfo", new Empty());
        const names = info.getPoliciesList().map(p => p.getName());
        expect(`GetAnalyzerInfo lists 7 policies (${info.getName()})`, names.length === 7, names.join(", "));

        const creq = new pb.ConfigureAnalyzerRequest();
        const pc = new pb.PolicyConfig();
        pc.setEnforcementlevel(pb.EnforcementLevel.MANDATORY);
        pc.setProperties(Struct.fromJavaScript({ rules: [{ matchLabels: { "data-class": "pii" }, allowedRegions: ["eu-central"] }] }));
        creq.getPolicyconfigMap().set("kubefed-placement-residency", pc);
        await call(client, "configure", creq);

        const diags = async (r) => (await call(client, "analyze", r)).getDiagnosticsList().map(d => `[${d.getPolicyname()}] ${d.getMessage()}`);
        const fr = await diags(analyzeReq("pulumi-kubefed:index:FederatedResource", "web", { decision: decision({ clusters: ["east"] }) }));
        expect("FederatedResource: cluster count + residency violations", fr.some(d => d.includes("kubefed-cluster-count")) && fr.some(d => /residency.*"east" \(region "us-east"\)/.test(d)), fr.join("\n       "));
        const ok = await diags(analyzeReq("pulumi-kubefed:index:FederatedResource", "web", { decision: decision({ clusters: ["west", "west2"], members: { west: { labels: {}, region: "eu-central", zones: [] }, west2: { labels: {}, region: "eu-central", zones: [] } } }) }));
        expect("compliant FederatedResource: no diagnostics", ok.length === 0, ok.join("\n       "));

        const mc = await diags(analyzeReq("pulumi-kubefed:index:MemberCluster", "east", { clusterName: "east", labels: {}, zones: [], unreachable: "fail", adoptExisting: false, credentialsWereSecret: false }));
        expect("MemberCluster with plain credentials flagged", mc.some(d => d.includes("kubefed-member-credentials-secret")), mc.join("\n       "));

        const dflt = await diags(analyzeReq("kubernetes:apps/v1:Deployment", "stray", { metadata: { name: "stray" } }, provider("default_4_32_0", {})));
        expect("Deployment on the default provider flagged", dflt.some(d => d.includes("kubefed-explicit-provider")), dflt.join("\n       "));
        const expl = await diags(analyzeReq("kubernetes:apps/v1:Deployment", "web-east", { metadata: { name: "web" } },
            provider("east", { kubeconfig: SECRET("apiVersion: v1"), clusterIdentifier: "east" }, "pulumi-kubefed:index:MemberCluster"),
            `${STACK}pulumi-kubefed:index:FederatedResource::web`));
        expect("Deployment on a member provider (secret kubeconfig) passes", expl.length === 0, expl.join("\n       "));

        // Remediation sees secretness: switch the credentials policy to remediate and send a plain and a secret kubeconfig.
        const creq2 = new pb.ConfigureAnalyzerRequest();
        const pc2 = new pb.PolicyConfig(); pc2.setEnforcementlevel(pb.EnforcementLevel.REMEDIATE); pc2.setProperties(Struct.fromJavaScript({}));
        creq2.getPolicyconfigMap().set("kubefed-member-credentials-secret", pc2);
        creq2.getPolicyconfigMap().set("kubefed-placement-residency", pc);
        await call(client, "configure", creq2);
        const rem = async (props) => (await call(client, "remediate", analyzeReq("pulumi:providers:kubernetes", "hand-made", props))).getRemediationsList();
        const plain = await rem({ kubeconfig: "apiVersion: v1", clusterIdentifier: "x" });
        const out = plain[0] && plain[0].getProperties() && plain[0].getProperties().toJavaScript();
        expect("remediate: plain provider kubeconfig rewritten as a secret", !!out && out.kubeconfig && out.kubeconfig["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270", JSON.stringify(out));
        const sec = await rem({ kubeconfig: SECRET("apiVersion: v1") });
        expect("remediate: secret kubeconfig left alone", sec.length === 0, String(sec.length));

        const sreq = new pb.AnalyzeStackRequest();
        sreq.setResourcesList([
            stackRes("pulumi-kubefed:index:FederatedResource", "web-a", { decision: decision({ clusters: ["east", "west"] }) }),
            stackRes("pulumi-kubefed:index:FederatedResource", "web-b", { decision: decision({ clusters: ["west"] }) }),
        ]);
        const st = (await call(client, "analyzeStack", sreq)).getDiagnosticsList().map(d => `[${d.getPolicyname()}] ${d.getMessage()}`);
        expect("AnalyzeStack: duplicate object in west flagged", st.some(d => d.includes(`cluster "west"`) && d.includes("web-a") && d.includes("web-b")), st.join("\n       "));
    } finally {
        client.close();
        child.kill();
    }
    if (failures.length) { console.error(`${failures.length} smoke check(s) failed`); process.exit(1); }
    console.log("policy pack smoke test passed");
}
main().catch(e => { console.error(e); process.exit(1); });
