import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const kubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, { kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones }));

const apps = new kubefed.FederatedNamespace("kapps", { clusters, placement: { clusterSelector: {} } });

// Every member renders base/; a member with overlays/<cluster>/ renders that overlay (base + its patches) instead.
const greeting = new kubefed.FederatedKustomization("greeting", {
    clusters, namespace: apps, placement: { clusterSelector: {} },
    directory: path.join(__dirname, "base"),
    clusterDirectories: { c1: path.join(__dirname, "overlays", "c1") },
});

export const kustomizeDecision = greeting.decision;
