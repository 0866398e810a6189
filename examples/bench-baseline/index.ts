import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { deploymentTemplate } from "./template";

// Benchmark baseline for `npm run bench:e2e` (bench/e2e.ts): the objects examples/bench-kubefed creates, written by
// hand - one Kubernetes provider per cluster (kubeconfig as a secret + context) and one Deployment per cluster and
// template, with the same names, labels and annotations the library would send. Same config as bench-kubefed
// (`status` and `health` are ignored: there is nothing to switch off). bench/e2e.ts reads one object of each
// program back from the API server and refuses to compare programs whose objects differ.
interface ClusterConfig { name: string; context: string }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const count = cfg.getNumber("count") ?? 50;
const waitForReady = cfg.getBoolean("waitForReady") ?? false;
// The library takes ownership of conflicting fields by default (FederatedResource.forceOwnership →
// `pulumi.com/patchForce: "true"`); the baseline sends the same annotation so the objects stay identical.
const patchForce = cfg.getBoolean("patchForce") ?? true;

const providers = fleet.map(c => ({
    cluster: c.name,
    provider: new k8s.Provider(c.name, { kubeconfig, context: c.context, clusterIdentifier: c.name }),
}));

for (let i = 0; i < count; i++) {
    for (const { cluster, provider } of providers) {
        const t = deploymentTemplate(i);
        const metadata = {
            ...t.metadata,
            labels: { ...t.metadata.labels, "kubefed.io/managed": "true" },
            annotations: {
                ...(waitForReady ? {} : { "pulumi.com/skipAwait": "true" }),
                ...(patchForce ? { "pulumi.com/patchForce": "true" } : {}),
            },
        };
        new k8s.apps.v1.Deployment(`bench-${i}-${cluster}`, { ...t, metadata }, { provider });
    }
}

export const deployments = count * providers.length;
