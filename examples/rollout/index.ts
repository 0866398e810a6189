import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

// Three member clusters from config (`npm run demo` fills it from the local test fleet: c1 and c2 are tier=prod,
// c3 is tier=staging).
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
}));

const version = cfg.get("version") ?? "1";
// `broken: true` ships a version whose pods can never be scheduled (no node has this label): the staging wave never
// becomes ready, `up` fails naming it, and the prod clusters keep the previous version.
const broken = cfg.getBoolean("broken") ?? false;

const web = new kubefed.FederatedResource("web", {
    clusters,
    placement: { clusterSelector: {} },
    // Staging first; prod only once every staging cluster runs the new version.
    rollout: {
        waves: [
            { name: "staging", clusterSelector: { matchLabels: { tier: "staging" } } },
            { name: "prod", clusterSelector: { matchLabels: { tier: "prod" } } },
        ],
        timeoutSeconds: cfg.getNumber("timeoutSeconds") ?? 120,
    },
    template: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "web", namespace: "default", labels: { app: "web" } },
        spec: {
            replicas: 2,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web", version } },
                spec: {
                    containers: [{ name: "web", image: `registry.example/web:${version}` }],
                    ...(broken ? { nodeSelector: { "example.com/no-such-node": "true" } } : {}),
                },
            },
        },
    },
});

export const waves = web.decision.rollout?.waves.map(w => `${w.name}: ${w.clusters.join(", ")}`);
