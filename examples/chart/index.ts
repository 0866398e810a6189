import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, { kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones }));

const apps = new kubefed.FederatedNamespace("apps", { clusters, placement: { clusterSelector: {} } });

// The chart lives in this repository (examples/charts/hello): nothing is fetched.
const hello = new kubefed.FederatedChart("hello", {
    clusters,
    chart: path.join(__dirname, "..", "charts", "hello"),
    namespace: apps,
    placement: { clusterSelector: {} },
    values: { message: "hello from every cluster", image: { repository: "nginx", tag: "1.25" } },
    // Per cluster: merged over the shared values (maps merge, anything else replaces).
    clusterValues: Object.fromEntries(fleet.map((c, i) => [c.name, { message: `hello from ${c.name}`, ...(i > 0 ? { image: { tag: "1.27" } } : {}) }])),
    replicaScheduling: { totalReplicas: cfg.getNumber("totalReplicas") ?? 3, clusters: { "*": { weight: 1 } } },
    replicasPath: "replicaCount",
});

export const chartDecision = hello.decision;
