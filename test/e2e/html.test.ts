import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CELL_COLOURS, renderStatusHtml } from "../../src/cli/html";
import { ClusterHealthReport, PropagationReport } from "../../src/cli/statusReport";
import { scratchDir } from "../support/scratch";
import { needs } from "../support/skip";
import { cellBoxes, chromiumPath, decodePng, dumpDom, rgb, screenshot } from "./browser";

// The status page in a real headless Chromium: the page is laid out by the browser, screenshotted, and the
// screenshot is checked at the cells the browser itself reports, for the colour of each cell's state.
describe("e2e: status --html renders in headless Chromium", function () {
    before(function () {
        needs(this, !chromiumPath() && "chromium is not installed (scripts/test-all.sh installs it: apt-get install chromium)");
    });

    const health = (n: string, ready: boolean): ClusterHealthReport => ({ __kubefedStatus: "ClusterHealth", clusterName: n, ready, kubernetesVersion: "v1.36.3",
        conditions: [{ type: ready ? "Ready" : "Offline", status: "True", message: ready ? "/healthz responded with ok" : "connection refused" }] });
    const obj = (name: string, kind: string, clusters: PropagationReport["status"]["clusters"]): PropagationReport => ({
        __kubefedStatus: "PropagationStatus", name, target: { apiVersion: "v1", kind, namespace: "shop", name },
        propagated: clusters.every(c => !c.status), ready: clusters.every(c => c.ready !== false),
        status: { conditions: [{ type: "Propagation", status: clusters.every(c => !c.status) ? "True" : "False", reason: clusters.every(c => !c.status) ? "" : "CheckClusters" }], clusters } });

    it("shows every cell in its state's colour where the browser lays it out, with drift details in the DOM", () => {
        const report = {
            clusters: [health("c1", true), health("c2", true), health("c3", false)],
            objects: [
                obj("settings", "ConfigMap", [
                    { name: "c1", status: "", exists: true, managed: true, drifted: [], ready: true },
                    { name: "c2", status: "Drifted", message: "fields differ from what was sent: /data/mode", exists: true, managed: true, drifted: ["/data/mode"], ready: true },
                    { name: "c3", status: "ClusterNotReady", message: "cluster c3 is not ready", ready: false },
                ]),
                obj("web", "Deployment", [
                    { name: "c1", status: "", exists: true, managed: true, drifted: [], ready: true, replicas: 3, readyReplicas: 3 },
                    { name: "c2", status: "", exists: true, managed: true, drifted: [], ready: false, replicas: 3, readyReplicas: 1 },
                ]),
            ],
        };
        const dir = scratchDir("kubefed-html-");
        const file = path.join(dir, "status.html");
        fs.writeFileSync(file, renderStatusHtml(report));
        const dom = dumpDom(file);
        assert.match(dom, /data-cluster="c2"[^>]*data-status="Drifted"[\s\S]*?<code>\/data\/mode<\/code>/);
        assert.match(dom, /3\/3 ready/);

        const boxes = cellBoxes(file);
        assert.equal(boxes.length, 6, "2 objects × 3 clusters");
        const png = path.join(dir, "status.png");
        screenshot(file, png);
        const img = decodePng(fs.readFileSync(png));
        assert.equal(img.width, 1200);
        const expected: Record<string, string> = {
            "ConfigMap shop/settings|c1": CELL_COLOURS.ok, "ConfigMap shop/settings|c2": CELL_COLOURS.drifted,
            "ConfigMap shop/settings|c3": CELL_COLOURS.error, "Deployment shop/web|c1": CELL_COLOURS.ok,
            "Deployment shop/web|c2": CELL_COLOURS.notready, "Deployment shop/web|c3": CELL_COLOURS.absent,
        };
        for (const b of boxes) {
            const want = expected[`${b.object}|${b.cluster}`];
            assert.ok(want, `unexpected cell ${b.object} @ ${b.cluster}`);
            // Inside the cell's padding (no text there), clear of the rounded corners.
            const [x, y] = [Math.round(b.x + b.w - 6), Math.round(b.y + b.h / 2)];
            const got = img.pixel(x, y);
            const diff = Math.max(...got.map((v, i) => Math.abs(v - rgb(want)[i])));
            assert.ok(diff <= 3, `${b.object} @ ${b.cluster} (${b.status}) at (${x},${y}) is rgb(${got}) not ${want}`);
        }
        if (process.env.KUBEFED_KEEP_SCREENSHOT) fs.copyFileSync(png, process.env.KUBEFED_KEEP_SCREENSHOT);
    });
});
