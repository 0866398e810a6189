import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }

// An async program: the members' current replicas and capacity are read while the program runs, so a
// rebalance is decided, and shown by `pulumi preview --diff`, before anything is applied.
export = async () => {
    const cfg = new pulumi.Config();
    const kubeconfig = cfg.requireSecret("kubeconfig");
    const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
    const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
        kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
    }));

    const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "api" };
    // Ready replicas per cluster and, where pods have been unschedulable for a minute, what the cluster can run
    // (docs/semantics.md#current-replicas-and-capacity). Empty on the first run, when nothing exists yet.
    const observed = await kubefed.observeReplicas(clusters, target);

    const rsp = new kubefed.ReplicaSchedulingPreference("api", {
        totalReplicas: cfg.getNumber("totalReplicas") ?? 6,
        rebalance: true,
        clusters: { "*": { weight: 1 } },
        observed,
    });
    const api = new kubefed.FederatedResource("api", {
        clusters,
        placement: { clusterSelector: {} },
        replicaScheduling: rsp,
        // A cluster that cannot schedule every pod never becomes fully ready; don't block `up` on it.
        waitForReady: false,
        template: {
            apiVersion: "apps/v1", kind: "Deployment",
            metadata: { name: "api", namespace: "default", labels: { app: "api" } },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "api" } },
                template: {
                    metadata: { labels: { app: "api" } },
                    spec: { containers: [{ name: "api", image: "registry.example/api:1", resources: { requests: { cpu: "1" } } }] },
                },
            },
        },
    });
    return { replicas: kubefed.replicasOf(api.decision), capacity: observed.estimatedCapacity };
};
