import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";
import { deploymentTemplate } from "./template";

// Benchmark program for `npm run bench:e2e` (bench/e2e.ts): `count` Deployments, each federated to every member
// cluster with `clusterSelector: {}`. examples/bench-baseline creates the very same objects by hand.
//   kubeconfig  (secret) one kubeconfig with a context per cluster
//   clusters    [{name, context, labels, region, zones}]
//   count       number of federated Deployments (default 50)
//   waitForReady, status, health   library options (defaults: false, true, true)
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const count = cfg.getNumber("count") ?? 50;
const waitForReady = cfg.getBoolean("waitForReady") ?? false;
const status = cfg.getBoolean("status") ?? true;
const health = cfg.getBoolean("health") ?? true;

const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones, health,
}));

for (let i = 0; i < count; i++) {
    new kubefed.FederatedResource(`bench-${i}`, {
        clusters,
        placement: { clusterSelector: {} },
        template: deploymentTemplate(i),
        waitForReady,
        status,
    });
}

export const deployments = count * clusters.length;

// bench:scale (bench/scale.ts) reads the program's own peak memory: one JSON line per run in BENCH_MEMORY_DIR.
const memoryDir = process.env.BENCH_MEMORY_DIR;
if (memoryDir) {
    process.on("exit", () => {
        require("fs").appendFileSync(`${memoryDir}/${pulumi.getStack()}.jsonl`, JSON.stringify({
            stack: pulumi.getStack(), dryRun: pulumi.runtime.isDryRun(), maxRssKb: process.resourceUsage().maxRSS,
        }) + "\n");
    });
}
