import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, setShard, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);

function program() {
    const clusters = ["c1", "c2", "c3"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c), labels: { tier: c === "c3" ? "staging" : "prod" } }));
    const ns = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });
    const web = new kubefed.FederatedResource("web", {
        clusters, namespace: ns, placement: { clusterSelector: { matchLabels: { tier: "prod" } } },
        template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web" }, data: { a: "1" } },
    });
    return { clusters, ns, web };
}

describe("components: sharded stacks (mocked engine)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });
    after(() => { setShard(undefined, undefined); });

    it("a shard emits providers, objects and read-backs only for its clusters, with the full decision", async () => {
        setShard("b", { a: ["c1"], b: ["c2", "c3"] });
        const { clusters, ns, web } = program();
        await settle(...clusters, ns, web);
        const providers = registered.filter(r => r.type === "pulumi:providers:kubernetes").map(r => r.name).sort();
        assert.deepEqual(providers, ["c2", "c3"]);
        const objects = registered.filter(r => r.type.startsWith("kubernetes:")).map(r => r.name).sort();
        assert.deepEqual(objects, ["shop-c2", "shop-c3", "web-c2"]);
        assert.deepEqual(Object.keys(web.resources).sort(), ["c2"]);
        assert.deepEqual(web.clusterNames, ["c1", "c2"], "the decision is the full one");
        assert.deepEqual(Object.keys(web.decision.placed), ["c1", "c2"]);
        const readBacks = registered.filter(r => r.name.endsWith("-readback")).map(r => r.name).sort();
        assert.deepEqual(readBacks, ["c2-readback", "c3-readback"]);
        assert.throws(() => clusters[0].provider, /MemberCluster c1: cluster "c1" belongs to another shard than this stack's \("b": c2, c3\)/);
        assert.equal(kubefed.inShard(clusters[0]), false);
        const rec = kubefed.shardDecision();
        assert.equal(rec.shard, "b");
        assert.deepEqual(rec.clusters, ["c2", "c3"]);
        assert.deepEqual(Object.keys(rec.objectDigests), ["FederatedNamespace shop", "FederatedResource web"]);
    });

    it("every shard of a layout records the same digest as the unsharded program", async () => {
        const digests: Record<string, string> = {};
        for (const [shard, layout] of [[undefined, undefined], ["a", { a: ["c1"], b: ["c2", "c3"] }], ["b", { a: ["c1"], b: ["c2", "c3"] }]] as const) {
            setShard(shard, layout);
            const p = program();
            await settle(...p.clusters, p.ns, p.web);
            digests[shard ?? "single"] = kubefed.shardDecision().digest;
        }
        assert.equal(digests.a, digests.single);
        assert.equal(digests.b, digests.single);
    });

    it("a member no shard covers, a malformed layout and a missing shard name are errors naming the fix", () => {
        setShard("a", { a: ["c1"], b: ["c2"] });
        assert.throws(() => program(), /MemberCluster c3: clusterName: cluster "c3" is in no shard of pulumi-kubefed:shards \(a: c1; b: c2\), so no stack would manage its objects; add it to one shard/);
        setShard("a", { a: ["c1", "c2"], b: ["c2", "c3"] });
        assert.throws(() => program(), /shards\.b: cluster "c2" is also in shard "a"/);
        setShard(undefined, { a: ["c1"] });
        assert.throws(() => program(), /shard: is missing while pulumi-kubefed:shards is set; set it to this stack's shard \(one of: a\)/);
        setShard("x", { a: ["c1", "c2", "c3"] });
        assert.throws(() => program(), /"x" is not a shard of the layout/);
    });

    it("DNS records need their clusters in the shard", () => {
        setShard("a", { a: ["c1"], b: ["c2", "c3"] });
        const clusters = ["c1", "c2", "c3"].map(c => new kubefed.MemberCluster(c, { kubeconfig: kc(c) }));
        const svc = new kubefed.FederatedResource("svc", { clusters, placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "Service", metadata: { name: "svc", namespace: "default" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } });
        const domain = new kubefed.Domain("example", { domain: "example.com" });
        assert.throws(() => new kubefed.ServiceDNSRecord("svc", { service: svc, domain, dnsCluster: clusters[0] }),
            /service: needs the members c2, c3, which are not in this stack's shard "a" \(c1\)/);
    });
});
