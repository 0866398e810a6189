/** A Helm chart repository on loopback for end-to-end tests: nothing is fetched from outside the machine. */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { ROOT } from "./testbed";

/** The chart examples/charts/hello, packaged, and a Helm repository index, served on 127.0.0.1. */
export async function serveChartRepository(dir: string): Promise<{ url: string; close(): Promise<void> }> {
    execFileSync("tar", ["-czf", path.join(dir, "hello-0.1.0.tgz"), "-C", path.join(ROOT, "examples", "charts"), "hello"]);
    const digest = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, "hello-0.1.0.tgz"))).digest("hex");
    const server = http.createServer((req, res) => {
        const file = path.join(dir, path.basename(req.url ?? "/"));
        if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
        res.writeHead(200).end(fs.readFileSync(file));
    });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    fs.writeFileSync(path.join(dir, "index.yaml"), [
        "apiVersion: v1", "entries:", "  hello:", "  - apiVersion: v2", "    name: hello", "    version: 0.1.0", "    appVersion: \"1.0\"",
        `    digest: ${digest}`, "    urls:", `    - ${url}/hello-0.1.0.tgz`, `generated: "2026-01-01T00:00:00Z"`, ""].join("\n"));
    return { url, close: () => new Promise(r => server.close(() => r())) };
}

