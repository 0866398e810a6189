import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as kubefed from "pulumi-kubefed";

// Values that are not plain data: an image tag read from another resource, a password from a config secret.
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const password = cfg.requireSecret("dbPassword");

const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, { kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones }));
const first = clusters[0];

// "Another resource": a build record in the first member; its tag is an Output.
const build = new k8s.core.v1.ConfigMap("build-info", {
    metadata: { name: "build-info", namespace: "default" },
    data: { tag: cfg.get("imageTag") ?? "1.27" },
}, { provider: first.provider });
const tag = build.data.apply(d => d.tag);

// A value that exists only once a resource has been created (a dynamic resource's outputs are not previewed):
// the first preview shows it as computed in the member objects' diff.
const stamp = new pulumi.dynamic.Resource({
    async create(inputs: { tag: string }) {
        return { id: `build-${inputs.tag}`, outs: { tag: inputs.tag, stamp: `build-${inputs.tag}-stamped` } };
    },
}, "build-stamp", { tag, stamp: undefined }) as pulumi.dynamic.Resource & { stamp: pulumi.Output<string> };

const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });

const db = new kubefed.FederatedResource("db-credentials", {
    clusters, namespace: shop, placement: { clusterSelector: {} },
    template: { apiVersion: "v1", kind: "Secret", metadata: { name: "db-credentials" }, type: "Opaque", stringData: { password } },
});

const web = new kubefed.FederatedResource("web", {
    clusters, namespace: shop, placement: { clusterSelector: {} },
    template: {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { app: "web" } },
        spec: {
            replicas: 1, selector: { matchLabels: { app: "web" } },
            template: {
                // Known only once the stamp exists: computed in the first preview's diff.
                metadata: { labels: { app: "web" }, annotations: { "example.com/build-stamp": stamp.stamp } },
                spec: { containers: [{ name: "web", image: pulumi.interpolate`nginx:${tag}`,
                    env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-credentials", key: "password" } } }] }] },
            },
        },
    },
    // A secret as an override value too: the last member gets its own password in an env var.
    overrides: [{ clusterName: fleet[fleet.length - 1].name, clusterOverrides: [
        { op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "EXTRA_PASSWORD", value: password } },
    ] }],
    waitForReady: false,
}, { dependsOn: [db] });

export const decisions = { web: web.decision, db: db.decision };
