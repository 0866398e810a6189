import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as kubefed from "pulumi-kubefed";

// A federation that is compliant with the pulumi-kubefed policy pack, plus violations switched on by config, one
// per policy. test/e2e/policy.test.ts runs it with `pulumi up --policy-pack <installed pack>` and the pack config
//   { "kubefed-placement-residency": { "rules": [{ "name": "pii-stays-in-eu", "matchLabels": { "data-class": "pii" },
//                                                  "allowedRegions": ["<euRegion>"] }] },
//     "kubefed-overrides-and-images": { "allowedRegistries": ["registry.example.com"] } }
//
// Config:
//   kubeconfig (secret), clusters [{name, context, labels, region, zones}]   the fleet, as in examples/quickstart
//   euRegion     region where pii data may live (default "eu-central"; at least one cluster must be in it)
//   violations   comma list of (default none):
//     cluster-count      a Deployment placed in a single cluster                      → kubefed-cluster-count
//     residency          a pii-labelled ConfigMap placed in every cluster              → kubefed-placement-residency
//     unplaced-override  an override for a cluster the object is not placed in        → kubefed-overrides-and-images
//     registry           a Deployment whose image comes from quay.io                   → kubefed-overrides-and-images
//     infeasible-rsp     10 replicas over 3 clusters with at most 2 each               → kubefed-replica-scheduling-feasible
//     plain-kubeconfig   the members get the kubeconfig as a plain (unsecret) value    → kubefed-member-credentials-secret
//     default-provider   a ConfigMap on the default (ambient) Kubernetes provider      → kubefed-explicit-provider
//     duplicate          two FederatedResources placing the same ConfigMap in c1/c2    → kubefed-unique-member-objects
//     bad-placement      a placement naming a cluster no member has ("mars")           → the component's own error
//     output-image       a Deployment whose quay.io image is an Output, unknown at preview (it waits for the
//                        namespace's id, as an image built by the program would wait for the build)
//                                                                                   → kubefed-known-at-preview at preview,
//                                                                                     kubefed-overrides-and-images on each
//                                                                                     member object during up
// Everything the program federates carries app.kubernetes.io/part-of=kubefed-policy-e2e (plus the library's
// kubefed.io/managed=true), so the test can list exactly this program's objects in each member.
interface ClusterConfig { name: string; context: string; labels?: Record<string, string>; region?: string; zones?: string[] }
const cfg = new pulumi.Config();
const secretKubeconfig = cfg.requireSecret("kubeconfig");
const fleet = cfg.requireObject<ClusterConfig[]>("clusters");
const euRegion = cfg.get("euRegion") ?? "eu-central";
const violations = new Set((cfg.get("violations") ?? "").split(",").map(s => s.trim()).filter(Boolean));
const KNOWN = ["cluster-count", "residency", "unplaced-override", "registry", "infeasible-rsp", "plain-kubeconfig", "default-provider", "duplicate", "bad-placement",
    "output-image"];
for (const v of violations) if (!KNOWN.includes(v)) throw new Error(`violations: unknown "${v}" (known: ${KNOWN.join(", ")})`);
const eu = fleet.find(c => c.region === euRegion);
if (!eu || fleet.length < 3) throw new Error(`needs at least 3 clusters, one in region ${euRegion}`);
const [first, second, third] = fleet.map(c => c.name);

const PART_OF = { "app.kubernetes.io/part-of": "kubefed-policy-e2e" };
const NS = "kubefed-policy-e2e";

// plain-kubeconfig: unsecret() yields an Output that is not secret, which MemberCluster records as
// credentialsWereSecret: false (it still wraps it as a secret for its provider).
const kubeconfig = violations.has("plain-kubeconfig") ? pulumi.unsecret(secretKubeconfig) : secretKubeconfig;
const clusters = fleet.map(c => new kubefed.MemberCluster(c.name, {
    kubeconfig, context: c.context, labels: c.labels, region: c.region, zones: c.zones,
}));

function deployment(name: string, image: string) {
    return {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name, labels: { app: name, ...PART_OF } },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image }] } },
        },
    };
}
function configMap(name: string, labels: Record<string, string> = {}, data: Record<string, string> = { mode: "normal" }) {
    return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { ...labels, ...PART_OF } }, data };
}

// ---- compliant part: always there ----------------------------------------------------------------------
const ns = new kubefed.FederatedNamespace("ns", {
    clusters, namespaceName: NS, metadata: { labels: PART_OF }, placement: { clusterSelector: {} },
});
const common = { clusters, namespace: ns, waitForReady: false };
const web = new kubefed.FederatedResource("web", {
    ...common,
    placement: { clusterSelector: {} },
    template: deployment("web", "registry.example.com/shop/web:1.0"),
    overrides: [{ clusterName: first, clusterOverrides: [{ path: "/spec/template/spec/containers/0/image", value: "registry.example.com/shop/web:1.1" }] }],
});
const customers = new kubefed.FederatedResource("customers", {
    ...common,
    placement: { clusters: [{ name: eu.name }] },
    template: configMap("customers", { "data-class": "pii" }),
});
const scaled = new kubefed.FederatedResource("scaled", {
    ...common,
    placement: { clusterSelector: {} },
    replicaScheduling: { totalReplicas: 6, intersectWithClusterSelector: true, clusters: { "*": { weight: 1, maxReplicas: 3 } } },
    template: deployment("scaled", "registry.example.com/shop/scaled:1.0"),
});

// ---- violations ------------------------------------------------------------------------------------------
if (violations.has("cluster-count")) {
    new kubefed.FederatedResource("lonely", {
        ...common, placement: { clusters: [{ name: first }] },
        template: deployment("lonely", "registry.example.com/shop/lonely:1.0"),
    });
}
if (violations.has("residency")) {
    new kubefed.FederatedResource("leaky", {
        ...common, placement: { clusterSelector: {} },
        template: configMap("leaky", { "data-class": "pii" }),
    });
}
if (violations.has("unplaced-override")) {
    new kubefed.FederatedResource("partial", {
        ...common, placement: { clusters: [{ name: first }, { name: second }] },
        template: configMap("partial"),
        overrides: [{ clusterName: third, clusterOverrides: [{ path: "/data/mode", value: "special" }] }],
    });
}
if (violations.has("registry")) {
    new kubefed.FederatedResource("external", {
        ...common, placement: { clusterSelector: {} },
        template: deployment("external", "quay.io/someone/app:1.0"),
    });
}
if (violations.has("infeasible-rsp")) {
    new kubefed.FederatedResource("crowded", {
        ...common, placement: { clusterSelector: {} },
        replicaScheduling: { totalReplicas: 10, intersectWithClusterSelector: true, clusters: { "*": { weight: 1, maxReplicas: 2 } } },
        template: deployment("crowded", "registry.example.com/shop/crowded:1.0"),
    });
}
if (violations.has("default-provider")) {
    // No provider: the engine's default Kubernetes provider (the ambient kubeconfig), not a member cluster.
    new k8s.core.v1.ConfigMap("ambient", { metadata: { name: "ambient", namespace: NS, labels: { ...PART_OF, "kubefed.io/managed": "true" } }, data: { a: "b" } });
}
if (violations.has("duplicate")) {
    for (const n of ["dup-a", "dup-b"]) {
        new kubefed.FederatedResource(n, {
            ...common, placement: { clusters: [{ name: first }, { name: second }] },
            template: configMap("shared"),
        });
    }
}

if (violations.has("output-image")) {
    // Known only once the namespace exists in the first member (its id): unknown at preview, resolved during up.
    const image = ns.resources[first].id.apply(id => `quay.io/someone/app:${id ? "1.0" : "0.0"}`);
    new kubefed.FederatedResource("outimg", {
        ...common, placement: { clusterSelector: {} },
        template: { ...deployment("outimg", "placeholder"), spec: { ...deployment("outimg", "placeholder").spec,
            template: { metadata: { labels: { app: "outimg" } }, spec: { containers: [{ name: "app", image }] } } } },
    });
}

export const placed = { web: web.clusterNames, customers: customers.clusterNames, scaled: kubefed.replicasOf(scaled.decision) };
if (violations.has("bad-placement")) {
    new kubefed.FederatedResource("misplaced", {
        ...common, placement: { clusters: [{ name: "mars" }] },
        template: configMap("misplaced"),
    });
}
