import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, setShard, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import { resetDependenciesForTests } from "../../../src/components/dependencies";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);

const deployment = (name: string, namespace?: string, labels: Record<string, string> = {}) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, ...(namespace ? { namespace } : {}), labels: { app: name, ...labels } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } } },
});

/** Two namespaces with a workload each, and four Deployments in default (declared in `order`). */
function program(order: number[] = [0, 1, 2, 3]) {
    const clusters = ["c1", "c2", "c3"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c) }));
    const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });
    const ops = new kubefed.FederatedNamespace("ops", { clusters, placement: { clusterSelector: {} } });
    const web = new kubefed.FederatedResource("web", { clusters, namespace: shop, placement: { clusterSelector: {} }, template: deployment("web"), waitForReady: false });
    const mon = new kubefed.FederatedResource("mon", { clusters, namespace: ops, placement: { clusters: [{ name: "c1" }] }, template: deployment("mon"), waitForReady: false });
    const bench = order.map(i => new kubefed.FederatedResource(`bench-${i}`, { clusters, placement: { clusterSelector: {} }, template: deployment(`bench-${i}`, "default"), waitForReady: false }));
    return { clusters, shop, ops, web, mon, bench };
}

const components = () => registered.filter(r => r.type.startsWith("pulumi-kubefed:index:Federated")).map(r => r.name).sort();
const objects = () => registered.filter(r => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:pulumi")).map(r => r.name).sort();

describe("components: workload shards (mocked engine)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); resetDependenciesForTests(); });
    after(() => { setShard(undefined, undefined); });

    it("a namespace shard registers only its namespaces' components and objects, in every member, with the full decision", async () => {
        setShard("shop", { shop: { namespaces: ["shop"] }, rest: { namespaces: ["ops", "default"] } });
        const p = program();
        await settle(...p.clusters, p.shop, p.web);
        assert.deepEqual(components(), ["shop", "web"]);
        assert.deepEqual(objects(), ["shop-c1", "shop-c2", "shop-c3", "web-c1", "web-c2", "web-c3"]);
        assert.deepEqual(registered.filter(r => r.type === "pulumi:providers:kubernetes").map(r => r.name).sort(), ["c1", "c2", "c3"]);
        // another shard's objects: the decision, no URN, no member objects
        assert.equal(kubefed.inShard(p.mon), false);
        assert.equal(kubefed.inShard(p.web), true);
        assert.deepEqual(p.mon.clusterNames, ["c1"]);
        assert.deepEqual(p.mon.resources, {});
        assert.equal(kubefed.FederatedResource.isInstance(p.mon), true);
        assert.equal(pulumi.Resource.isInstance(p.mon), false);
        const rec = kubefed.shardDecision();
        assert.equal(rec.objects, 8, "the record covers every object of the program");
        assert.deepEqual(rec.clusters, ["c1", "c2", "c3"]);
    });

    it("every shard records the unsharded digest; hash shards split the objects, each registered exactly once, whatever the order", async () => {
        const layout = { w0: { hash: { of: 2, buckets: [0] } }, w1: { hash: { of: 2, buckets: [1] } } };
        const digests: Record<string, string> = {};
        const held: Record<string, string[]> = {};
        for (const [shard, order] of [[undefined, [0, 1, 2, 3]], ["w0", [0, 1, 2, 3]], ["w1", [3, 2, 1, 0]], ["w0", [2, 0, 3, 1]]] as const) {
            reset(); resetProgramEndForTests(); resetDependenciesForTests();
            setShard(shard, shard ? layout : undefined);
            // namespaces must share their objects' shard under hash: only the default-namespace Deployments here
            const clusters = ["c1", "c2", "c3"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c) }));
            const frs = [...order].map(i => new kubefed.FederatedResource(`bench-${i}`, { clusters, placement: { clusterSelector: {} }, template: deployment(`bench-${i}`, "default"), waitForReady: false }));
            await settle(...clusters, ...frs.filter(f => kubefed.inShard(f)));
            const key = `${shard ?? "single"}:${[...order].join("")}`;
            digests[key] = kubefed.shardDecision().digest;
            held[key] = components();
        }
        assert.equal(new Set(Object.values(digests)).size, 1, JSON.stringify(digests));
        assert.deepEqual(held["w0:0123"], held["w0:2031"], "the same objects, whatever the program order");
        assert.deepEqual([...held["w0:0123"], ...held["w1:3210"]].sort(), held["single:0123"]);
        assert.equal(held["w0:0123"].filter(c => held["w1:3210"].includes(c)).length, 0);
        assert.ok(held["w0:0123"].length > 0 && held["w1:3210"].length > 0);
    });

    it("an object whose FederatedNamespace another shard holds is refused, naming both and the layout that works", () => {
        setShard("w0", { w0: { labels: { team: ["a"] } }, w1: { labels: { team: ["b"] } } });
        const clusters = ["c1", "c2"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c) }));
        const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} }, metadata: { labels: { team: "a" } } });
        assert.throws(() => new kubefed.FederatedResource("web", { clusters, namespace: shop, placement: { clusterSelector: {} }, template: deployment("web", undefined, { team: "b" }) }),
            /FederatedResource web \(shard "w1" \(every cluster; label team in b\)\) is in the namespace of FederatedNamespace shop \(shard "w0" \(every cluster; label team in a\) of pulumi-kubefed:shards\); objects that depend on each other must be in one shard.*Shard by namespace \(e\.g\. \{"w1": \{"namespaces": \["shop"\]\}\}\)/);
    });

    it("a workload referencing a federated ConfigMap in another shard is refused; in one namespace shard both stay together", async () => {
        const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { a: "1" } };
        const app = { ...deployment("app", "shop"), spec: { replicas: 1, selector: { matchLabels: { app: "app" } }, template: { metadata: { labels: { app: "app" } },
            spec: { containers: [{ name: "c", image: "nginx:1.25", envFrom: [{ configMapRef: { name: "settings" } }] }] } } } };
        setShard("w0", { w0: { labels: { part: ["config"] } }, w1: { labels: { app: ["app"] } } });
        let clusters = ["c1"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c) }));
        const first = new kubefed.FederatedResource("settings", { clusters, placement: { clusterSelector: {} }, template: { ...cm, metadata: { ...cm.metadata, labels: { part: "config" } } } });
        await settle(...clusters, first);
        assert.throws(() => new kubefed.FederatedResource("app", { clusters, placement: { clusterSelector: {} }, template: app, dependencies: "follow" }),
            /FederatedResource app \(shard "w1".*\) references ConfigMap shop\/settings of FederatedResource settings \(shard "w0"/);
        reset(); resetProgramEndForTests(); resetDependenciesForTests();
        setShard("shop", { shop: { namespaces: ["shop"] }, rest: { namespaces: ["default"] } });
        clusters = ["c1", "c2"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c) }));
        const settings = new kubefed.FederatedResource("settings", { clusters, placement: { clusters: [{ name: "c1" }] }, template: cm });
        const a = new kubefed.FederatedResource("app", { clusters, placement: { clusterSelector: {} }, template: app, dependencies: "follow", waitForReady: false });
        await settle(...clusters, settings, a);
        assert.deepEqual(objects(), ["app-c1", "app-c2", "settings-c1", "settings-c2"], "the ConfigMap follows its workload within the shard");
    });

    it("a DNS record follows its Service into the Service's shard", async () => {
        setShard("b", { a: { namespaces: ["edge"] }, b: { namespaces: ["default"] } });
        const clusters = ["c1", "c2"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c), region: "r", zones: ["z"] }));
        const svc = (ns: string) => new kubefed.FederatedResource(`svc-${ns}`, { clusters, placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "Service", metadata: { name: "svc", namespace: ns }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } });
        const edge = svc("edge");
        const def = svc("default");
        const domain = new kubefed.Domain("example", { domain: "example.com" });
        const elsewhere = new kubefed.ServiceDNSRecord("edge", { service: edge, domain, dnsCluster: clusters[0] });
        const here = new kubefed.ServiceDNSRecord("default", { service: def, domain, dnsCluster: clusters[0] });
        await settle(...clusters, def, here);
        assert.equal(kubefed.inShard(elsewhere), false);
        assert.equal(kubefed.inShard(here), true);
        assert.deepEqual(registered.filter(r => r.type === "pulumi-kubefed:index:ServiceDNSRecord").map(r => r.name), ["default"]);
    });

    it("a cluster shard registers no component for an object with nothing placed in its clusters, and keeps its child names", async () => {
        setShard("b", { a: ["c1"], b: ["c2", "c3"] });
        const p = program();
        await settle(...p.clusters, p.shop, p.ops, p.web, ...p.bench);
        assert.equal(components().includes("mon"), false, "mon is placed in c1 only");
        assert.equal(kubefed.inShard(p.mon), false);
        assert.ok(objects().includes("web-c2") && objects().includes("bench-0-c3"));
    });

    it("an object no shard selects is an error at construction, naming it, the cluster and the fix", () => {
        setShard("a", { a: { namespaces: ["shop"] } });
        const clusters = ["c1"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c) }));
        assert.throws(() => new kubefed.FederatedResource("api", { clusters, placement: { clusterSelector: {} }, template: deployment("api", "ops") }),
            /FederatedResource api \(namespace ops\) is placed in cluster "c1" but no shard of pulumi-kubefed:shards holds it there \(a: every cluster; namespaces shop\); add its namespace or label to one shard/);
    });
});
