/**
 * Cost of spread constraints and failover in the decision core, as ratios against the same plans without them:
 * 1,000 ConfigMaps over 500 member clusters (10 regions, 50 zones) placed with `clusterSelector: {}` alone (baseline)
 * and with spread constraints; 1,000 RSP Deployments over the same clusters with every member ready (baseline) and
 * with 50 of them not ready. Run: `npm run build && node dist/bench/spread.js`.
 */
import { cpus, loadavg } from "os";
import { ClusterInfo, FederatedObjectInput, decideFederatedObject } from "../src/core";

const OBJECTS = 1_000;
const clusters: ClusterInfo[] = Array.from({ length: 500 }, (_, i) => ({
    name: `cluster-${String(i).padStart(3, "0")}`, region: `r${i % 10}`, zones: [`z${i % 50}`], labels: {},
}));

function time(make: (i: number) => FederatedObjectInput): number {
    for (let i = 0; i < 50; i++) decideFederatedObject(make(i)); // warm up
    const start = process.hrtime.bigint();
    for (let i = 0; i < OBJECTS; i++) decideFederatedObject(make(i));
    return Number(process.hrtime.bigint() - start) / 1e6;
}

const cm = (i: number) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace: "bench" }, data: { a: "1" } });
const deploy = (i: number) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `app-${i}`, namespace: "bench" }, spec: { replicas: 1 } });
const rsp = { totalReplicas: 100, clusters: { "*": { weight: 1 } } };
const notReady = Object.fromEntries(clusters.slice(0, 50).map(c => [c.name, false]));

const rows: [string, number, number][] = [
    ["spread: region >= 2", time(i => ({ template: cm(i), clusters, placement: { clusterSelector: {} } })),
        time(i => ({ template: cm(i), clusters, placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", minGroups: 2 }] } }))],
    ["spread: region >= 5, zone <= 20", time(i => ({ template: cm(i), clusters, placement: { clusterSelector: {} } })),
        time(i => ({ template: cm(i), clusters, placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", minGroups: 5 }, { spreadByField: "zone", maxGroups: 20 }] } }))],
    ["failover: 50 of 500 not ready", time(i => ({ template: deploy(i), clusters, replicaScheduling: rsp })),
        time(i => ({ template: deploy(i), clusters, replicaScheduling: rsp, readiness: notReady }))],
];
console.log(`${OBJECTS} objects over ${clusters.length} clusters; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
for (const [what, base, with_] of rows) {
    console.log(`${what.padEnd(34)} baseline ${base.toFixed(0).padStart(6)} ms  with ${with_.toFixed(0).padStart(6)} ms  ratio ${(with_ / base).toFixed(2)}`);
}
