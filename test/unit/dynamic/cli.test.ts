import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, parseStatusArgs } from "../../../src/cli";
import { KubefedReport, collectReports, renderStatus } from "../../../src/dynamic/report";

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
    it("reads --json-file, exit codes for --check and usage", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
        try {
            const f = path.join(dir, "out.json");
            fs.writeFileSync(f, JSON.stringify({ kubefed: report }));
            let out = "";
            const w = (s: string): void => { out += s; };
            assert.strictEqual(main(["status", "--json-file", f], w, w), 0);
            assert.match(out, /ClusterNotReady/);
            assert.strictEqual(main(["status", "--json-file", f, "--check"], w, w), 1);
            assert.strictEqual(main(["bogus"], w, w), 2);
            assert.strictEqual(main(["status", "--json-file", path.join(dir, "missing.json")], w, w), 3);
            fs.writeFileSync(f, JSON.stringify({}));
            out = "";
            assert.strictEqual(main(["status", "--json-file", f], w, w), 0);
            assert.match(out, /No kubefed status found/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
