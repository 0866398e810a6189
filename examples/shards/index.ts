import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

// One program, run as one stack or as several sharded stacks (`pulumi-kubefed shards up --file shards.yaml`).
// Nothing in it is shard-specific: stack config `pulumi-kubefed:shard` / `pulumi-kubefed:shards` (set by the driver)
// makes each stack emit the member objects of its own clusters, while every stack computes the full decision.
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const totalReplicas = cfg.getNumber("totalReplicas") ?? 6;
const settingsMode = cfg.get("settingsMode") ?? "normal";

const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
}));

const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });

const web = new kubefed.FederatedResource("web", {
    clusters,
    namespace: shop,
    placement: { clusterSelector: {} },
    replicaScheduling: { totalReplicas, clusters: { "*": { weight: 1, maxReplicas: 4 } }, intersectWithClusterSelector: true },
    template: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "web", labels: { app: "web" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web" } },
                spec: { containers: [{ name: "web", image: "nginx:1.25", ports: [{ containerPort: 80 }] }] },
            },
        },
    },
    overrides: [{
        clusterName: fleet[0].name,
        clusterOverrides: [{ path: "/spec/template/spec/containers/0/env", value: [{ name: "CANARY", value: "true" }] }],
    }],
    waitForReady: false,
});

new kubefed.FederatedResource("settings", {
    clusters,
    namespace: shop,
    placement: { clusterSelector: {} },
    template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { mode: settingsMode } },
    overrides: [{ clusterName: fleet[fleet.length - 1].name, clusterOverrides: [{ path: "/data/mode", value: "ci" }] }],
});

export const webReplicas = kubefed.replicasOf(web.decision);
// Declared last: this stack's shard, its clusters and the digest of the full decision, so the shards can be compared
// from their outputs (`pulumi-kubefed shards check`).
export const kubefedShard = kubefed.shardDecision();
