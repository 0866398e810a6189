import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

// The kubeconfig holds ADMIN credentials (a secret): in join mode they only create, in each member, the namespace
// kube-federation-system, a service account, its token Secret and the RBAC below. Every federated object is then
// applied with that service account's token (`kubefedctl join`).
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");

// Only what this program federates, instead of KubeFed's default (all verbs on all resources). The Kubernetes
// provider's readiness check of a Deployment also watches its ReplicaSets, Pods and PersistentVolumeClaims.
const rules = [
    { apiGroups: [""], resources: ["namespaces", "configmaps"], verbs: ["*"] },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] },
    { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["pods", "persistentvolumeclaims", "events"], verbs: ["get", "list", "watch"] },
];

const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
    join: { rules },
}));

const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });
new kubefed.FederatedResource("settings", {
    clusters, namespace: shop, placement: { clusterSelector: {} },
    template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { mode: "joined" } },
});
new kubefed.FederatedResource("web", {
    clusters, namespace: shop, placement: { clusterSelector: {} },
    template: {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
        spec: {
            replicas: 1, selector: { matchLabels: { app: "web" } },
            template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } },
        },
    },
});

/** The identity each member was joined with (namespace/service account). Whether it answers with that identity:
 *  `pulumi-kubefed status` (each member's read-back uses the joined kubeconfig). */
export const joined = Object.fromEntries(clusters.map(c => [c.clusterName, {
    serviceAccount: `kube-federation-system/pulumi-kubefed-${c.clusterName}`,
}]));
