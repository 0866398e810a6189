import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, { kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones }));
const file = path.join(__dirname, "app.yaml");

if (cfg.getBoolean("legacy")) {
    // Exactly what federate("app", { clusters, file }) created before it became a component: unparented
    // children named <prefix>-<kind>-<namespace>-<name>, placed everywhere, server-set fields stripped.
    const placement = { clusterSelector: {} };
    const shop = new kubefed.FederatedNamespace("app-namespace-shop", { clusters, placement, namespaceName: "shop", metadata: {} });
    new kubefed.FederatedResource("app-configmap-shop-settings", { clusters, placement, namespace: shop,
        template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { mode: "normal" } } });
} else {
    kubefed.federate("app", { clusters, file });
}
