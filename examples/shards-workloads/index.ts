import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

// One program, run as one stack or as one stack per namespace (`pulumi-kubefed shards up --file shards.yaml`).
// Nothing in it is shard-specific: with a workload layout every stack computes the whole decision and registers only
// the components (and member objects) of its own namespace; a workload and the ConfigMap it reads stay together.
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");

const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
}));

/** A namespace with a Deployment reading a federated ConfigMap (placed where the Deployment goes). */
function team(ns: string, app: string, replicas: number) {
    const namespace = new kubefed.FederatedNamespace(ns, { clusters, placement: { clusterSelector: {} } });
    new kubefed.FederatedResource(`${app}-settings`, {
        clusters, namespace, placement: { clusters: [{ name: fleet[0].name }] },
        template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${app}-settings` }, data: { mode: "normal" } },
    });
    return new kubefed.FederatedResource(app, {
        clusters, namespace, placement: { clusterSelector: {} }, dependencies: "follow", waitForReady: false,
        template: {
            apiVersion: "apps/v1", kind: "Deployment",
            metadata: { name: app, labels: { app } },
            spec: {
                replicas,
                selector: { matchLabels: { app } },
                template: {
                    metadata: { labels: { app } },
                    spec: { containers: [{ name: app, image: "nginx:1.25", envFrom: [{ configMapRef: { name: `${app}-settings` } }] }] },
                },
            },
        },
    });
}

const web = team("shop", "web", 2);
const mon = team("ops", "mon", 1);

export const placed = { web: web.clusterNames, mon: mon.clusterNames };
// Declared last: this stack's shard and the digest of the full decision (`pulumi-kubefed shards check`).
export const kubefedShard = kubefed.shardDecision();
