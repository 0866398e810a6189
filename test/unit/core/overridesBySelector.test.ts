/**
 * Issue 25: overrides by cluster selector, the image overrider and chart values from cluster facts, all through
 * the one decision (recorded paths and images, judged by the registry policy).
 */
import { strict as assert } from "assert";
import {
    ClusterInfo, ValidationError, formatImage, imageOverrideOps, overrideImage, parseImage, decideFederatedChart, decideFederatedObject,
    summarizeObjectDecision,
} from "../../../src/core";
import { checkOverrides } from "../../../policy-pack/policies";

const clusters: ClusterInfo[] = [
    { name: "a1", region: "us-east", zones: ["us-east-1a"], labels: { cloud: "a", tier: "prod" } },
    { name: "a2", region: "eu-west", zones: ["eu-west-1a", "eu-west-1b"], labels: { cloud: "a", tier: "dev" } },
    { name: "b1", region: "us-east", labels: { cloud: "b", tier: "prod" } },
];
const deployment = () => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
    spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: {
        initContainers: [{ name: "init", image: "busybox:1.36" }],
        containers: [{ name: "web", image: "docker.io/shop/web:1.0" }, { name: "proxy", image: "envoyproxy/envoy:v1.30@sha256:" + "a".repeat(64) }],
    } } },
});
const images = (o: Record<string, unknown>) => {
    const spec = (o.spec as { template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } }).template.spec;
    return [...spec.initContainers, ...spec.containers].map(c => c.image);
};

describe("core: image references", () => {
    it("parses and formats registry, repository, tag and digest", () => {
        assert.deepEqual(parseImage("nginx"), { repository: "nginx" });
        assert.deepEqual(parseImage("localhost:5000/a/b:1@sha256:" + "b".repeat(64)), { registry: "localhost:5000", repository: "a/b", tag: "1", digest: "sha256:" + "b".repeat(64) });
        assert.deepEqual(parseImage("shop/web:2"), { repository: "shop/web", tag: "2" });
        for (const s of ["nginx", "registry.example.com/shop/web:1.2", "ghcr.io/x/y@sha256:" + "c".repeat(64), "localhost/a:b"]) assert.equal(formatImage(parseImage(s)), s);
    });
    it("replaces or removes one part", () => {
        assert.equal(overrideImage("nginx:1.25", { component: "registry", value: "registry.b" }), "registry.b/nginx:1.25");
        assert.equal(overrideImage("registry.a/shop/web:1", { component: "registry", value: "registry.b" }), "registry.b/shop/web:1");
        assert.equal(overrideImage("registry.a/shop/web:1", { component: "tag", op: "remove" }), "registry.a/shop/web");
        assert.equal(overrideImage("shop/web", { component: "tag", value: "2" }), "shop/web:2");
        assert.equal(overrideImage("registry.a/shop/web:1", { component: "repository", value: "team/app" }), "registry.a/team/app:1");
    });
    it("resolves to replace operations on each container image, init containers included, or only the named ones", () => {
        const ops = imageOverrideOps(deployment(), [{ component: "registry", value: "registry.b" }]);
        assert.deepEqual(ops.map(o => [o.path, o.value]), [
            ["/spec/template/spec/containers/0/image", "registry.b/shop/web:1.0"],
            ["/spec/template/spec/containers/1/image", "registry.b/envoyproxy/envoy:v1.30@sha256:" + "a".repeat(64)],
            ["/spec/template/spec/initContainers/0/image", "registry.b/busybox:1.36"],
        ]);
        assert.deepEqual(imageOverrideOps(deployment(), [{ component: "tag", value: "2.0", containers: ["web"] }]).map(o => o.value), ["docker.io/shop/web:2.0"]);
        const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "j", image: "job:1" }] } } } } } };
        assert.deepEqual(imageOverrideOps(cron, [{ component: "tag", value: "2" }]).map(o => o.path), ["/spec/jobTemplate/spec/template/spec/containers/0/image"]);
        assert.throws(() => imageOverrideOps({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }, [{ component: "tag", value: "2" }]), /pod template .* not ConfigMap/);
        assert.throws(() => imageOverrideOps(deployment(), [{ component: "tag", value: "2", containers: ["nope"] }]), /container\(s\) "nope" not in the pod template \(containers: init, proxy, web\)/);
    });
});

describe("core: overrides by cluster selector (issue 25)", () => {
    const plan = (overrides: unknown) => decideFederatedObject({ template: deployment(), clusters, placement: { clusterSelector: {} }, overrides: overrides as never });

    it("an image overrider with a selector sends registry.a to cloud=a clusters and registry.b to the others", () => {
        const p = plan([
            { clusterSelector: { matchLabels: { cloud: "a" } }, imageOverrides: [{ component: "registry", value: "registry.a" }] },
            { clusterSelector: { matchExpressions: [{ key: "cloud", operator: "NotIn", values: ["a"] }] }, imageOverrides: [{ component: "registry", value: "registry.b" }] },
        ]);
        for (const c of ["a1", "a2"]) assert.ok(images(p.objects[c]).every(i => i.startsWith("registry.a/")), `${c}: ${images(p.objects[c])}`);
        assert.ok(images(p.objects.b1).every(i => i.startsWith("registry.b/")), images(p.objects.b1).join());
        assert.ok(p.overridesApplied.a1.includes("/spec/template/spec/containers/0/image"));
        // recorded and judged: the registry rule sees the overridden images
        const d = summarizeObjectDecision(deployment(), p, { overrideClusters: ["a1", "a2", "b1"], orphanOnDelete: false, retainReplicas: false, waitForReady: true, namespaced: false });
        assert.deepEqual(d.placed.b1.images, ["registry.b/busybox:1.36", "registry.b/envoyproxy/envoy:v1.30@sha256:" + "a".repeat(64), "registry.b/shop/web:1.0"]);
        const v = checkOverrides("pulumi-kubefed:index:FederatedResource", "web", d, { protectedPaths: [], allowedRegistries: ["registry.a"], requirePlacedOverrideClusters: true });
        assert.equal(v.length, 1);
        assert.match(v[0], /"b1": registry\.b\/busybox:1\.36/);
        assert.ok(!/"a1"|"a2"/.test(v[0]), v[0]);
    });

    it("entries apply in the order written: a later entry wins where two change the same path; by name and by selector mix", () => {
        const p = plan([
            { clusterSelector: {}, clusterOverrides: [{ path: "/metadata/labels/tier", value: "all" }] },
            { clusterName: "a2", clusterOverrides: [{ path: "/metadata/labels/tier", value: "a2-only" }] },
            { clusterSelector: { matchLabels: { tier: "prod" } }, imageOverrides: [{ component: "tag", value: "2.0", containers: ["web"] }] },
        ]);
        const label = (c: string) => (p.objects[c].metadata as { labels: Record<string, string> }).labels.tier;
        assert.deepEqual([label("a1"), label("a2"), label("b1")], ["all", "a2-only", "all"]);
        assert.equal(images(p.objects.a1)[1], "docker.io/shop/web:2.0");
        assert.equal(images(p.objects.a2)[1], "docker.io/shop/web:1.0");
        assert.deepEqual(p.overridesApplied.a2, ["/metadata/labels/tier", "/metadata/labels/tier"]);
    });

    it("keeps the checks: identity paths, unknown names, name and selector together, entries that change nothing, bad image parts", () => {
        const fields = (overrides: unknown) => {
            try { plan(overrides); } catch (e) { if (e instanceof ValidationError) return e.issues.filter(i => i.severity === "error").map(i => i.field); throw e; }
            return [];
        };
        assert.deepEqual(fields([{ clusterSelector: {}, clusterOverrides: [{ path: "/metadata/name", value: "x" }] }]), ["overrides[0].clusterOverrides[0].path"]);
        assert.deepEqual(fields([{ clusterName: "zz", clusterOverrides: [{ path: "/a", value: 1 }] }]), ["overrides[0].clusterName"]);
        assert.deepEqual(fields([{ clusterName: "a1", clusterSelector: {}, clusterOverrides: [{ path: "/a", value: 1 }] }]), ["overrides[0].clusterSelector"]);
        assert.deepEqual(fields([{ clusterSelector: { matchLabels: { "bad key!": "x" } }, clusterOverrides: [{ path: "/a", value: 1 }] }]).length, 1);
        assert.deepEqual(fields([{ clusterSelector: {} }]), ["overrides[0]"]);
        assert.deepEqual(fields([{ clusterSelector: {}, imageOverrides: [{ component: "tag", value: "not a tag!" }, { component: "repository", op: "remove" }, { component: "colour", value: "x" }] }]),
            ["overrides[0].imageOverrides[0].value", "overrides[0].imageOverrides[1].op", "overrides[0].imageOverrides[2].component"]);
    });

    it("an image overrider on a kind without a pod template fails at preview naming the entry and the cluster", () => {
        assert.throws(() => decideFederatedObject({ template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop" }, data: {} }, clusters,
            placement: { clusterSelector: {} }, overrides: [{ clusterSelector: { matchLabels: { cloud: "b" } }, imageOverrides: [{ component: "tag", value: "1" }] }] }),
        (e: unknown) => e instanceof ValidationError && /overrides\[0\]\.imageOverrides: imageOverrides apply to objects with a pod template .*not ConfigMap.*\(cluster "b1"\)/.test(e.message));
    });
});

describe("core: chart values from cluster facts (issue 25)", () => {
    it("fills values from each cluster's region, zones, name and labels, under clusterValues and over values", () => {
        const p = decideFederatedChart({ clusters, placement: { clusterSelector: {} }, key: "shop/web",
            values: { region: "unset", image: { tag: "1" } },
            clusterValuesFrom: { region: "region", "labels.tier": "global.tier", zones: "zones", name: "cluster" },
            clusterValues: { a2: { global: { tier: "override" } } } });
        assert.deepEqual(p.values.a1, { region: "us-east", image: { tag: "1" }, global: { tier: "prod" }, zones: ["us-east-1a"], cluster: "a1" });
        assert.deepEqual(p.values.a2.global, { tier: "override" });
        assert.deepEqual(p.values.a2.zones, ["eu-west-1a", "eu-west-1b"]);
        // b1 has no zones: no value there
        assert.ok(!("zones" in p.values.b1), JSON.stringify(p.values.b1));
    });
    it("refuses unknown facts, bad paths, two facts on one path and the scheduled path", () => {
        assert.throws(() => decideFederatedChart({ clusters, placement: { clusterSelector: {} }, key: "k",
            clusterValuesFrom: { colour: "c", region: "a..b", name: "x", "labels.tier": "x" } }),
        (e: unknown) => e instanceof ValidationError && ["clusterValuesFrom[\"colour\"]", "clusterValuesFrom[\"region\"]"].every(f => e.issues.some(i => i.field === f))
            && e.issues.some(i => /as clusterValuesFrom\["labels\.tier"\] does|as clusterValuesFrom\["name"\] does/.test(i.message)));
        assert.throws(() => decideFederatedChart({ clusters, key: "k", replicaScheduling: { totalReplicas: 2 }, replicasPath: "replicaCount", clusterValuesFrom: { region: "replicaCount" } }),
            /clusterValuesFrom\["region"\]: writes replicaCount, which replicaScheduling writes/);
    });
});

describe("core: the image overrider for charts' image values (issue 25)", () => {
    it("sets registry, repository and tag at the chart's image values, by selector, after clusterValues", () => {
        const p = decideFederatedChart({ clusters, placement: { clusterSelector: {} }, key: "k",
            values: { image: { repository: "nginx", tag: "1.25" }, web: { image: { registry: "docker.io", repository: "shop/web", tag: "1" } } },
            clusterValues: { a2: { image: { tag: "1.27" } } },
            imageOverrides: [
                { clusterSelector: { matchLabels: { cloud: "a" } }, imageOverrides: [{ component: "registry", value: "registry.a" }] },
                { clusterSelector: { matchLabels: { cloud: "b" } }, imageOverrides: [{ component: "registry", value: "registry.b" }, { component: "tag", value: "2" }] },
                { clusterName: "b1", valuesPath: "web.image", imageOverrides: [{ component: "registry", value: "registry.b" }] },
            ] });
        assert.deepEqual(p.values.a1.image, { repository: "registry.a/nginx", tag: "1.25" });
        assert.deepEqual(p.values.a2.image, { repository: "registry.a/nginx", tag: "1.27" });
        assert.deepEqual(p.values.b1.image, { repository: "registry.b/nginx", tag: "2" });
        assert.deepEqual((p.values.b1.web as { image: unknown }).image, { registry: "registry.b", repository: "shop/web", tag: "1" });
        assert.deepEqual((p.values.a1.web as { image: unknown }).image, { registry: "docker.io", repository: "shop/web", tag: "1" });
    });
    it("refuses unknown clusters, container names and bad parts, naming the entry", () => {
        assert.throws(() => decideFederatedChart({ clusters, key: "k", imageOverrides: [
            { clusterName: "zz", imageOverrides: [{ component: "tag", value: "1" }] },
            { clusterSelector: {}, imageOverrides: [{ component: "tag", value: "1", containers: ["x"] }] },
            { clusterSelector: {}, imageOverrides: [{ component: "registry", value: "not a registry!" }] },
        ] }), (e: unknown) => e instanceof ValidationError && ["imageOverrides[0].clusterName", "imageOverrides[1].imageOverrides[0].containers", "imageOverrides[2].imageOverrides[0].value"]
            .every(f => e.issues.some(i => i.field === f)));
    });
});
