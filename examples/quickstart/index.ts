import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

// Member clusters come from config: one kubeconfig (a secret) with a context per cluster, plus each cluster's
// identity. `npm run demo` fills both from the local test fleet.
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const webImage = cfg.get("webImage") ?? "nginx:1.25";
const webTier = cfg.get("webTier") ?? "prod";
const totalReplicas = cfg.getNumber("totalReplicas") ?? 6;
const settingsMode = cfg.get("settingsMode") ?? "normal";
const unreachable = cfg.get("unreachable") as kubefed.Reachability | undefined;
const orphanOnDelete = cfg.getBoolean("orphanOnDelete") ?? false;
const ciCluster = fleet[fleet.length - 1].name;

const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones, unreachable,
}));

// The namespace goes everywhere; what lives in it is placed inside that set.
const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} }, orphanOnDelete });

// 6 replicas spread over the clusters of the web tier, at most 4 in any one cluster.
const rsp = new kubefed.ReplicaSchedulingPreference("web", {
    totalReplicas,
    clusters: { "*": { weight: 1, maxReplicas: 4 } },
    intersectWithClusterSelector: true,
});

const web = new kubefed.FederatedResource("web", {
    clusters,
    namespace: shop,
    placement: { clusterSelector: { matchLabels: { tier: webTier } } },
    replicaScheduling: rsp,
    orphanOnDelete,
    template: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "web", labels: { app: "web" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web" } },
                spec: { containers: [{ name: "web", image: webImage, ports: [{ containerPort: 80 }] }] },
            },
        },
    },
    overrides: [{
        clusterName: fleet[0].name,
        clusterOverrides: [{ path: "/spec/template/spec/containers/0/env", value: [{ name: "CANARY", value: "true" }] }],
    }],
    // The demo fleet may run without simulated nodes; don't block `up` on pods becoming ready.
    waitForReady: cfg.getBoolean("waitForReady") ?? false,
});

// Settings every cluster gets, with one cluster overridden.
const settings = new kubefed.FederatedResource("settings", {
    clusters,
    namespace: shop,
    placement: { clusterSelector: {} },
    template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { mode: settingsMode } },
    overrides: [{ clusterName: ciCluster, clusterOverrides: [{ path: "/data/mode", value: "ci" }] }],
    orphanOnDelete,
});

export const placement = {
    web: { clusters: web.clusterNames, replicas: kubefed.replicasOf(web.decision) },
    settings: { clusters: settings.clusterNames, overrides: Object.fromEntries(Object.entries(settings.decision.placed).map(([c, p]) => [c, p.overrides])) },
};

// Health, propagation, drift and replicas per member are read back by default: `npx pulumi-kubefed status` shows
// them (as of the last `up` or `pulumi refresh`; `--live` reads the members now).
