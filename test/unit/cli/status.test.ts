import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../src/cli";
import { parseStatusArgs } from "../../../src/cli/status";
import { reportFromCheckpoint } from "../../../src/cli/checkpoint";
import { renderStatus } from "../../../src/cli/statusReport";
import { KubefedReport, collectReports } from "../../../src/compat/status";

const report: KubefedReport = {
    version: 1,
    clusters: [
        { __kubefedStatus: "ClusterHealth", clusterName: "c2", ready: false, kubernetesVersion: "v1.36.3", conditions: [{ type: "Offline", status: "True", reason: "ClusterNotReachable", message: "cluster is not reachable: connect ECONNREFUSED" }] },
        { __kubefedStatus: "ClusterHealth", clusterName: "c1", ready: true, kubernetesVersion: "v1.36.3", conditions: [{ type: "Ready", status: "True", reason: "ClusterReady", message: "/healthz responded with ok" }] },
    ],
    objects: [{
        __kubefedStatus: "PropagationStatus", name: "web",
        target: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
        propagated: false, ready: false,
        status: {
            conditions: [{ type: "Propagation", status: "False", reason: "CheckClusters", message: "c2: ClusterNotReady" }],
            clusters: [
                { name: "c1", status: "", exists: true, managed: true, drifted: [], ready: false },
                { name: "c2", status: "ClusterNotReady", message: "connect ECONNREFUSED" },
            ],
        },
    }],
};

describe("cli: pulumi-kubefed status", () => {
    it("parses arguments", () => {
        assert.deepStrictEqual(parseStatusArgs(["--stack", "dev", "--cwd=/x", "--check"]), { stack: "dev", cwd: "/x", check: true });
        assert.deepStrictEqual(parseStatusArgs(["--live", "-o", "json"]), { live: true, output: "json", check: false });
        assert.throws(() => parseStatusArgs(["-o", "xml"]), /unknown format "xml"; use table, wide, json, yaml/);
        assert.throws(() => parseStatusArgs(["--live", "--state-file", "f"]), /cannot be combined/);
        assert.throws(() => parseStatusArgs(["--stack"]), /needs a value/);
        assert.throws(() => parseStatusArgs(["--bogus"]), /unknown argument/);
    });
    it("collects marked entries anywhere in the outputs, sorted", () => {
        const r = collectReports({ kubefed: report, other: { nested: [report.objects[0]] }, secretThing: "[secret]" });
        assert.deepStrictEqual(r.clusters.map((c) => c.clusterName), ["c1", "c2"]);
        assert.strictEqual(r.objects.length, 1);
    });
    it("renders health and the objects × clusters matrix with problems", () => {
        const text = renderStatus(collectReports({ kubefed: report }));
        const lines = text.split("\n");
        assert.match(lines[0], /^CLUSTER\s+HEALTH\s+VERSION\s+MESSAGE$/);
        assert.match(lines[1], /^c1\s+Ready\s+v1\.36\.3\s+\/healthz responded with ok$/);
        assert.match(lines[2], /^c2\s+Offline\s+v1\.36\.3\s+cluster is not reachable/);
        assert.match(text, /OBJECT\s+c1\s+c2\s+PROPAGATION\s+READY/);
        assert.match(text, /Deployment default\/web\s+OK \(not ready\)\s+ClusterNotReady\s+False \(CheckClusters\)\s+no/);
        assert.match(text, /Problems:\n {2}Deployment default\/web @ c2: ClusterNotReady - connect ECONNREFUSED/);
    });
    it("reads --json-file (0.1 outputs), exit codes for --check and usage", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
        try {
            const f = path.join(dir, "out.json");
            fs.writeFileSync(f, JSON.stringify({ kubefed: report }));
            let out = "";
            const w = (s: string): void => { out += s; };
            assert.strictEqual(await main(["status", "--json-file", f], w, w), 0);
            assert.match(out, /ClusterNotReady/);
            assert.strictEqual(await main(["status", "--json-file", f, "--check"], w, w), 1);
            assert.strictEqual(await main(["bogus"], w, w), 2);
            assert.strictEqual(await main(["status", "--json-file", path.join(dir, "missing.json")], w, w), 3);
            fs.writeFileSync(f, JSON.stringify({}));
            out = "";
            assert.strictEqual(await main(["status", "--json-file", f], w, w), 0);
            assert.match(out, /No kubefed status found/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    // A checkpoint as `pulumi stack export` prints it: two members' read-backs after a refresh that found drift.
    const cond = (type: string, status: string) => ({ type, status, reason: type === "Ready" ? "ClusterReady" : "ClusterNotReachable", message: type === "Ready" ? "/healthz responded with ok" : "connect ECONNREFUSED" });
    const checkpoint = {
        version: 3,
        deployment: {
            resources: [
                { urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", type: "pulumi:pulumi:Stack", outputs: {} },
                {
                    urn: "urn:pulumi:dev::p::pkg:index:MemberCluster$pulumi-nodejs:dynamic/kubefed:MemberReadBack::c1-readback",
                    type: "pulumi-nodejs:dynamic/kubefed:MemberReadBack", id: "c1",
                    outputs: {
                        clusterName: "c1", health: true, ready: true, kubernetesVersion: "v1.36.3", conditions: [cond("Ready", "True")],
                        observedAt: "2026-11-30T10:00:00Z",
                        kubeconfig: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" },
                        status: {
                            settings: { target: { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "settings" }, status: "NotFound",
                                message: "object not found in the cluster", exists: false, managed: false, drifted: [], ready: false, conditions: [] },
                            web: { target: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" }, status: "Drifted",
                                message: "fields differ from what was sent: /spec/replicas", exists: true, managed: true, drifted: ["/spec/replicas"],
                                ready: true, replicas: 5, readyReplicas: 5, conditions: [] },
                        },
                    },
                },
                {
                    urn: "urn:pulumi:dev::p::pkg:index:MemberCluster$pulumi-nodejs:dynamic/kubefed:MemberReadBack::c2-readback",
                    type: "pulumi-nodejs:dynamic/kubefed:MemberReadBack", id: "c2",
                    outputs: {
                        clusterName: "c2", health: true, ready: true, kubernetesVersion: "v1.36.3", conditions: [cond("Ready", "True")],
                        observedAt: "2026-11-30T10:00:01Z",
                        status: {
                            web: { target: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" }, status: "",
                                message: "", exists: true, managed: true, drifted: [], ready: false, replicas: 3, readyReplicas: 1, conditions: [] },
                        },
                    },
                },
            ],
        },
    };

    it("joins the members' read-backs of a checkpoint into objects × clusters", () => {
        const r = reportFromCheckpoint(checkpoint.deployment.resources as never);
        assert.deepStrictEqual(r.clusters.map((c) => c.clusterName), ["c1", "c2"]);
        assert.deepStrictEqual(r.objects.map((o) => o.name), ["settings", "web"]);
        const web = r.objects[1];
        assert.deepStrictEqual(web.status.clusters.map((c) => [c.name, c.status]), [["c1", "Drifted"], ["c2", ""]]);
        assert.strictEqual(web.propagated, false);
        assert.strictEqual(web.status.conditions[0].message, "c1: Drifted");
        assert.deepStrictEqual(r.observedAt, { c1: "2026-11-30T10:00:00Z", c2: "2026-11-30T10:00:01Z" });
    });

    it("status --state-file: table with replicas and problems, -o json, --check", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
        try {
            const f = path.join(dir, "state.json");
            fs.writeFileSync(f, JSON.stringify(checkpoint));
            let out = "";
            const w = (s: string): void => { out += s; };
            assert.strictEqual(await main(["status", "--state-file", f], w, w), 0);
            assert.match(out, /\nDeployment shop\/web\s+Drifted 5\/5\s+OK \(not ready\) 1\/3\s+False \(CheckClusters\)\s+no/);
            assert.match(out, /\nConfigMap shop\/settings\s+NotFound\s+-\s+False/);
            assert.match(out, /Deployment shop\/web @ c1: Drifted - fields differ from what was sent: \/spec\/replicas/);
            assert.match(out, /as observed 2026-11-30T10:00:00Z \.\. 2026-11-30T10:00:01Z/);
            assert.ok(!out.includes("ciphertext") && !out.includes("v1:abc"), "no secret material printed");
            assert.strictEqual(await main(["status", "--state-file", f, "--check"], w, w), 1);
            out = "";
            assert.strictEqual(await main(["status", "--state-file", f, "-o", "json"], w, w), 0);
            const j = JSON.parse(out);
            assert.strictEqual(j.source, "checkpoint");
            assert.deepStrictEqual(j.objects.map((o: { name: string }) => o.name), ["settings", "web"]);
            // nothing found: --check fails too
            fs.writeFileSync(f, JSON.stringify({ version: 3, deployment: { resources: [] } }));
            out = "";
            assert.strictEqual(await main(["status", "--state-file", f], w, w), 0);
            assert.match(out, /No kubefed status found/);
            assert.strictEqual(await main(["status", "--state-file", f, "--check"], w, w), 1);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("cli: status --live reads the credentials a checkpoint exported with --show-secrets holds", () => {
    it("reveals secret values in memory and refuses encrypted ones with the fix", async () => {
        const { revealSecrets } = await import("../../../src/cli/checkpoint");
        const sig = "4dabf18193072939515e22adb298388d";
        const exported = { kubeconfig: { [sig]: "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify("apiVersion: v1\n") },
            nested: [{ [sig]: "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify({ a: 1 }) }], plain: "x" };
        assert.deepStrictEqual(revealSecrets(exported), { kubeconfig: "apiVersion: v1\n", nested: [{ a: 1 }], plain: "x" });
        assert.throws(() => revealSecrets({ k: { [sig]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } }), /PULUMI_CONFIG_PASSPHRASE/);
    });
});
