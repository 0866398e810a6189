import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

// What Karmada, Argo CD ApplicationSet and Fleet users reach for first:
// - one image overrider per cloud: clusters labelled cloud=a pull from registry.a, the others from registry.b;
// - a chart from a chart repository (config `repo`), with a values file, a secret value (config `token`) and a value
//   filled from each cluster's region.
// Config: kubeconfig (secret), clusters [{name, context, labels, region, zones}], repo (chart repository URL),
// token (secret).
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, { kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones }));

const web = new kubefed.FederatedResource("web", {
    clusters,
    placement: { clusterSelector: {} },
    waitForReady: false,
    template: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "web", namespace: "default", labels: { app: "web" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web" } },
                spec: {
                    initContainers: [{ name: "init", image: "busybox:1.36" }],
                    containers: [{ name: "web", image: "shop/web:1.0" }, { name: "proxy", image: "envoyproxy/envoy:v1.30" }],
                },
            },
        },
    },
    overrides: [
        { clusterSelector: { matchLabels: { cloud: "a" } }, imageOverrides: [{ component: "registry", value: "registry.a" }] },
        { clusterSelector: { matchExpressions: [{ key: "cloud", operator: "NotIn", values: ["a"] }] },
          imageOverrides: [{ component: "registry", value: "registry.b" }] },
    ],
});

const hello = new kubefed.FederatedChart("hello", {
    clusters,
    chart: "hello", version: "0.1.0",
    repositoryOpts: { repo: cfg.require("repo") },
    namespace: "default",
    placement: { clusterSelector: {} },
    valueYamlFiles: [path.join(__dirname, "values", "base.yaml")],
    values: { token: cfg.requireSecret("token") },
    clusterValuesFrom: { region: "message" },
});

export const images = web.decision.placed;
export const chartValues = hello.decision.values;
