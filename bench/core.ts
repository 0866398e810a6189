/**
 * Benchmark of the decision core: plans 10,000 federated Deployments over 100 member clusters with
 * `decideFederatedObject` (selector placement, half of them in a federated namespace, two clusters with overrides,
 * an RSP split over the selected clusters) and keeps every plan, as a Pulumi program would until it has
 * registered the resources.
 *
 * Baseline, side by side: "placement + deep copy" — the same selection with `selectClusters`, then a plain
 * JSON deep copy of the template per selected cluster plus the managed label (no validation, overrides or
 * replica planning): what a hand-written loop in a program would do.
 *
 * Each mode runs in its own child process so peak memory is not polluted by the other. RSS is sampled inside
 * the loop (timers cannot fire during synchronous work). Run: `node --expose-gc dist/bench/core.js`.
 */
import { spawnSync } from "child_process";
import { cpus, loadavg } from "os";
import { ClusterInfo, FederatedObjectInput, jsonClone, decideFederatedObject, selectClusters } from "../src/core";

const OBJECTS = 10_000;
const CLUSTERS = 100;
const REGIONS = ["eu", "us", "ap", "sa"];
const TIERS = ["prod", "staging", "dev"];

function makeClusters(): ClusterInfo[] {
    const out: ClusterInfo[] = [];
    for (let i = 0; i < CLUSTERS; i++) {
        out.push({
            name: `cluster-${String(i).padStart(3, "0")}`,
            labels: { region: REGIONS[i % 4], tier: TIERS[i % 3], zone: `${REGIONS[i % 4]}-${i % 5}`, "example.com/owner": `team-${i % 7}` },
        });
    }
    return out;
}

function makeInput(i: number, clusters: ClusterInfo[]): FederatedObjectInput {
    const name = `app-${i}`;
    const ns = `ns-${i % 50}`;
    const region = REGIONS[i % 4];
    // The selector picks one region and the prod/staging tiers: about 17 of the 100 clusters. The two overridden
    // clusters are in that region (index ≡ region mod 4).
    const o1 = clusters[(i * 4 + (i % 4)) % CLUSTERS].name;
    const o2 = clusters[(i * 4 + (i % 4) + 12) % CLUSTERS].name;
    return {
        template: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name, namespace: ns, labels: { app: name, "app.kubernetes.io/part-of": "bench" }, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: name } },
                template: {
                    metadata: { labels: { app: name } },
                    spec: {
                        containers: [{
                            name: "app",
                            image: `registry.example.com/${name}:1.0.${i % 10}`,
                            ports: [{ containerPort: 8080, name: "http" }],
                            env: [{ name: "MODE", value: "prod" }, { name: "INDEX", value: String(i) }],
                            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                            readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 10 },
                        }],
                    },
                },
            },
        },
        placement: {
            clusterSelector: { matchLabels: { region }, matchExpressions: [{ key: "tier", operator: "In", values: ["prod", "staging"] }] },
        },
        namespacePlacement: i % 2 === 0 ? { clusterSelector: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["dev"] }] } } : undefined,
        overrides: [
            { clusterName: o1, clusterOverrides: [{ path: "/spec/template/spec/containers/0/image", value: `registry.example.com/${name}:canary` }, { op: "add", path: "/metadata/labels/track", value: "canary" }] },
            { clusterName: o2, clusterOverrides: [{ op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "DEBUG", value: "1" } }] },
        ],
        clusters,
        replicaScheduling: {
            totalReplicas: 10 + (i % 40),
            intersectWithClusterSelector: true,
            clusters: { "*": { weight: 1, maxReplicas: 6 }, [o1]: { minReplicas: 1, weight: 2 } },
        },
    };
}

interface Result { mode: string; ms: number; cpuMs: number; peakRssMB: number; peakHeapMB: number; retainedHeapMB: number; objects: number }

function runChild(mode: "plan" | "baseline"): Result {
    const clusters = makeClusters();
    const inputs: FederatedObjectInput[] = [];
    for (let i = 0; i < OBJECTS; i++) inputs.push(makeInput(i, clusters));
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const mb = (n: number) => n / 1024 / 1024;
    let peakRss = process.memoryUsage.rss();
    let peakHeap = process.memoryUsage().heapUsed;
    const sample = () => {
        const r = process.memoryUsage.rss();
        if (r > peakRss) peakRss = r;
        const h = process.memoryUsage().heapUsed;
        if (h > peakHeap) peakHeap = h;
    };
    const kept: unknown[] = [];
    let objects = 0;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < OBJECTS; i++) {
        const input = inputs[i];
        if (mode === "plan") {
            const p = decideFederatedObject(input);
            objects += p.clusters.length;
            kept.push(p);
        } else {
            let names = selectClusters(input.placement, clusters);
            if (input.namespacePlacement !== undefined) {
                const ns = new Set(selectClusters(input.namespacePlacement, clusters));
                names = names.filter(n => ns.has(n));
            }
            const out: Record<string, unknown> = {};
            for (const n of names) {
                const o = jsonClone(input.template) as { metadata: { labels: Record<string, string> } };
                o.metadata.labels["kubefed.io/managed"] = "true";
                out[n] = o;
            }
            objects += names.length;
            kept.push(out);
        }
        if ((i & 127) === 0) sample();
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cu = process.cpuUsage(c0);
    const cpuMs = (cu.user + cu.system) / 1000; // all threads, GC helpers included
    sample();
    gc?.();
    const retained = process.memoryUsage().heapUsed;
    if (kept.length !== OBJECTS) throw new Error("lost results");
    return { mode, ms, cpuMs, peakRssMB: mb(peakRss), peakHeapMB: mb(peakHeap), retainedHeapMB: mb(retained), objects };
}

function main(): void {
    const child = process.argv.indexOf("--child");
    if (child >= 0) {
        process.stdout.write(JSON.stringify(runChild(process.argv[child + 1] as "plan" | "baseline")));
        return;
    }
    const run = (mode: string): Result => {
        const r = spawnSync(process.execPath, ["--expose-gc", __filename, "--child", mode], { encoding: "utf8", maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
        return JSON.parse(r.stdout) as Result;
    };
    const plan = run("plan");
    const base = run("baseline");
    const f = (n: number) => n.toFixed(1).padStart(9);
    console.log(`core bench: ${OBJECTS} federated Deployments over ${CLUSTERS} clusters (Node ${process.version}), each mode in a fresh process`);
    console.log(`${"".padEnd(40)}${"wall ms".padStart(9)}${"cpu ms".padStart(9)}${"peak RSS MB".padStart(13)}${"peak heap MB".padStart(14)}${"retained MB".padStart(13)}${"objects".padStart(9)}`);
    for (const [label, r] of [["decideFederatedObject (full decision)", plan], ["baseline: placement + deep copy", base]] as const) {
        console.log(`${label.padEnd(40)}${f(r.ms)}${f(r.cpuMs)}${f(r.peakRssMB).padStart(13)}${f(r.peakHeapMB).padStart(14)}${f(r.retainedHeapMB).padStart(13)}${String(r.objects).padStart(9)}`);
    }
    console.log(`ratio full / baseline: wall ${(plan.ms / base.ms).toFixed(2)}x, cpu ${(plan.cpuMs / base.cpuMs).toFixed(2)}x, peak RSS ${(plan.peakRssMB / base.peakRssMB).toFixed(2)}x, retained heap ${(plan.retainedHeapMB / base.retainedHeapMB).toFixed(2)}x`);
    console.log(`load average ${loadavg().map(l => l.toFixed(1)).join(" ")} on ${cpus().length} cores (wall time inflates under load; cpu time less so)`);
    console.log(`per object: ${(plan.ms * 1000 / OBJECTS).toFixed(1)} µs full, ${(base.ms * 1000 / OBJECTS).toFixed(1)} µs baseline; target < 2000 ms and < 500 MB RSS: ${plan.ms < 2000 && plan.peakRssMB < 500 ? "met" : "NOT met"}`);
}

main();
