import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
}));
// "follow" (the ConfigMap goes wherever the workload is), "check" (a misplaced ConfigMap fails preview), "ignore".
const mode = (cfg.get("dependencies") ?? "follow") as kubefed.DependencyMode;
// Declaration order does not matter: `workloadFirst` declares the Deployment before its ConfigMap.
const workloadFirst = cfg.getBoolean("workloadFirst") ?? false;

// The settings are placed in the first cluster only; the workload runs everywhere.
const settings = () => new kubefed.FederatedResource("settings", {
    clusters,
    placement: { clusters: [{ name: fleet[0].name }] },
    template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "default" }, data: { greeting: "hello" } },
});
const api = () => new kubefed.FederatedResource("api", {
    clusters,
    placement: { clusterSelector: {} },
    dependencies: mode,
    waitForReady: false,
    template: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "api", namespace: "default", labels: { app: "api" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: "api" } },
            template: {
                metadata: { labels: { app: "api" } },
                spec: { containers: [{ name: "api", image: "registry.example/api:1", envFrom: [{ configMapRef: { name: "settings" } }] }] },
            },
        },
    },
});

const [w, s] = workloadFirst ? (() => { const a = api(); return [a, settings()] as const; })() : (() => { const b = settings(); return [api(), b] as const; })();
export const apiClusters = w.clusterNames;
export const settingsClusters = s.clusterNames;
