import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

const config = new pulumi.Config();
const kubeconfig = config.requireSecret("kubeconfig");
const clusters = config.requireObject<{ name: string; context: string }[]>("clusters").map(c =>
    new kubefed.MemberCluster(c.name, { kubeconfig, context: c.context, unreachable: "skip" }));

const rsp = new kubefed.ReplicaSchedulingPreference("api", {
    totalReplicas: 50,
    clusters: { "*": { weight: 1 }, c3: { weight: 1, maxReplicas: 20 } },
});
const api = new kubefed.FederatedResource("api", {
    clusters,
    replicaScheduling: rsp,
    template: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "api", namespace: "default", labels: { app: "api" } },
        spec: {
            selector: { matchLabels: { app: "api" } },
            template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "registry.example/api:1" }] } },
        },
    },
});

export const replicas = api.recordedDecision.apply(kubefed.replicasOf);
