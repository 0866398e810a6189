import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "pulumi-kubefed";

interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }

// KubeFed's user-guide example: 50 replicas over three members, the last capped at 20 → 17/17/16. When a member is
// down its replicas go to the others (with the second one down: 30/0/20) and come back when it is ready again.
// The explicit form (0.1): an async program hands readiness in with `observed.ready`, which wins over the probe the
// library takes by itself (failover is on by default; examples/replica-scheduling is the synchronous form).
export = async () => {
    const cfg = new pulumi.Config();
    const kubeconfig = cfg.requireSecret("kubeconfig");
    const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
    // "skip": a member that is down keeps its objects and state; no step fails because of it.
    const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
        kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones, unreachable: "skip",
    }));
    const capped = fleet[fleet.length - 1].name;

    const rsp = new kubefed.ReplicaSchedulingPreference("api", {
        totalReplicas: cfg.getNumber("totalReplicas") ?? 50,
        clusters: { "*": { weight: 1 }, [capped]: { weight: 1, maxReplicas: 20 } },
        // failover: false would keep the plan as if every member were ready
        failover: cfg.getBoolean("failover"),
        // One probe per member per run, shared by every preference that uses it.
        observed: { ready: await kubefed.observeReadiness(clusters) },
    });
    const api = new kubefed.FederatedResource("api", {
        clusters,
        replicaScheduling: rsp,
        // The fleet's simulated nodes may not run 50 pods quickly; don't block `up` on readiness.
        waitForReady: false,
        template: {
            apiVersion: "apps/v1", kind: "Deployment",
            metadata: { name: "api", namespace: "default", labels: { app: "api" } },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "api" } },
                template: {
                    metadata: { labels: { app: "api" } },
                    spec: { containers: [{ name: "api", image: "registry.example/api:1" }] },
                },
            },
        },
    });
    return { replicas: kubefed.replicasOf(api.decision), notReady: api.decision.failover?.notReady ?? [] };
};
