import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }

// Spread constraints (Karmada's semantics): the web tier runs in at least two regions and in at most one cluster
// per region; the settings go to every cluster of those regions. A constraint the fleet cannot meet fails the
// preview, naming the constraint and the clusters available, before anything is applied.
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const minRegions = cfg.getNumber("minRegions") ?? 2;

const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
}));

const web = new kubefed.FederatedResource("web", {
    clusters,
    placement: {
        clusterSelector: {},
        spreadConstraints: [
            { spreadByField: "region", minGroups: minRegions },
            // as many clusters as regions asked for: one per region
            { spreadByField: "cluster", maxGroups: minRegions },
        ],
    },
    waitForReady: false,
    template: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "web", namespace: "default", labels: { app: "web" } },
        spec: {
            replicas: 2,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web" } },
                spec: { containers: [{ name: "web", image: "registry.example/web:1" }] },
            },
        },
    },
});

const settings = new kubefed.FederatedResource("settings", {
    clusters,
    placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", minGroups: minRegions }] },
    template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "default" }, data: { mode: "normal" } },
});

export const placed = { web: web.clusterNames, settings: settings.clusterNames };
export const spread = web.decision.spread;
