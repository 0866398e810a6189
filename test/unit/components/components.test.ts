import { strict as assert } from "assert";
import * as path from "path";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle, byName, children, value } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import { decodeObjects } from "../../../src/member/objectsCodec";
import { scratchDir } from "../../support/scratch";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);

function fleet() {
    const east = new kubefed.MemberCluster("east", { kubeconfig: kc("east"), labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] });
    const west = new kubefed.MemberCluster("west", { kubeconfig: kc("west"), labels: { tier: "prod" }, region: "us-west", zones: ["us-west-1b"] });
    const eu = new kubefed.MemberCluster("eu", { kubeconfig: kc("eu"), labels: { tier: "staging" }, region: "eu-central", zones: ["eu-central-1a"] });
    return [east, west, eu];
}

const deployment = (name = "web", ns = "shop") => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
        replicas: 1, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: "nginx:1.25" }] } },
    },
});

/** The provider reference of a child points at the member's provider resource. */
function providerOf(r: { provider?: string }): string {
    assert.ok(r.provider, "every emitted Kubernetes resource must have an explicit provider");
    const m = /pulumi:providers:kubernetes::([^:]+)::/.exec(r.provider!);
    assert.ok(m, `unexpected provider reference ${r.provider}`);
    return m![1];
}

describe("components (mocked engine)", () => {
    beforeEach(() => {
        reset();
        resetProgramEndForTests();
    });

    it("MemberCluster owns exactly one provider keyed by the cluster name, with a secret kubeconfig", async () => {
        const m = new kubefed.MemberCluster("east", { kubeconfig: kc("east"), labels: { tier: "prod" }, unreachable: "skip" });
        await settle(m, m.provider);
        const providers = registered.filter(r => r.type === "pulumi:providers:kubernetes");
        assert.equal(providers.length, 1);
        assert.equal(providers[0].name, "east");
        assert.equal(providers[0].inputs.clusterIdentifier, "east");
        assert.equal(providers[0].inputs.skipUpdateUnreachable, "true");
        assert.equal(providers[0].inputs.deleteUnreachable, "false");
        assert.equal(await pulumi.isSecret(m.kubeconfig), true);
        const comp = byName("east");
        assert.equal(comp.type, "pulumi-kubefed:index:MemberCluster");
        assert.deepEqual(comp.inputs.labels, { tier: "prod" });
        assert.equal(comp.inputs.kubeconfig, undefined, "credentials never reach the component's recorded inputs");
        assert.equal(comp.inputs.credentialsWereSecret, true);
    });

    it("MemberCluster wraps a plain kubeconfig as a secret and records that it was not one", async () => {
        const m = new kubefed.MemberCluster("plain", { kubeconfig: "apiVersion: v1" });
        await settle(m, m.provider);
        assert.equal(await pulumi.isSecret(m.kubeconfig), true);
        assert.equal(byName("plain").inputs.credentialsWereSecret, false);
    });

    it("MemberCluster rejects bad input naming the field", () => {
        assert.throws(() => new kubefed.MemberCluster("Bad_Name", { kubeconfig: kc("x") }), /MemberCluster Bad_Name.*clusterName/s);
        assert.throws(() => new kubefed.MemberCluster("a", { kubeconfig: "" }), /MemberCluster a: kubeconfig: is required/);
        assert.throws(() => new kubefed.MemberCluster("b", { kubeconfig: kc("b"), unreachable: "maybe" as any }), /unreachable/);
    });

    it("FederatedResource emits one object per selected cluster with that cluster's provider, label and overrides", async () => {
        const clusters = fleet();
        const web = new kubefed.FederatedResource("web", {
            clusters,
            template: deployment(),
            placement: { clusterSelector: { matchLabels: { tier: "prod" } } },
            overrides: [{ clusterName: "west", clusterOverrides: [{ path: "/spec/template/spec/containers/0/image", value: "nginx:1.27" }] }],
        });
        await settle(web, ...Object.values(web.resources));
        assert.deepEqual(web.clusterNames, ["east", "west"]);
        const deps = children("web-", "kubernetes:apps/v1:Deployment");
        assert.deepEqual(deps.map(d => d.name).sort(), ["web-east", "web-west"]);
        for (const d of deps) {
            const cluster = d.name.slice("web-".length);
            assert.equal(providerOf(d), cluster);
            assert.equal(d.inputs.metadata.labels["kubefed.io/managed"], "true");
            assert.equal(d.inputs.metadata.name, "web");
            assert.equal(d.inputs.metadata.namespace, "shop");
        }
        assert.equal(byName("web-west").inputs.spec.template.spec.containers[0].image, "nginx:1.27");
        assert.equal(byName("web-east").inputs.spec.template.spec.containers[0].image, "nginx:1.25");
        const decision = byName("web").inputs.decision;
        // One entry per placed cluster, keyed by cluster; member facts are not repeated here (MemberCluster has them).
        assert.deepEqual(decision.placed, {
            east: { replicas: 1, overrides: [], images: ["nginx:1.25"] },
            west: { replicas: 1, overrides: ["/spec/template/spec/containers/0/image"], images: ["nginx:1.27"] },
        });
        assert.equal(decision.members, undefined);
        assert.equal(decision.clusters, undefined);
        assert.deepEqual(decision.excluded, { eu: "labels do not match placement.clusterSelector" });
    });

    it("prints the one-line decision as an info diagnostic on the component, unless switched off", async () => {
        const seen: { msg: string; res?: pulumi.Resource }[] = [];
        const orig = pulumi.log.info;
        (pulumi.log as any).info = (msg: string, res?: pulumi.Resource) => { seen.push({ msg, res }); return Promise.resolve(); };
        try {
            const clusters = fleet();
            const web = new kubefed.FederatedResource("web", { clusters, template: deployment(), placement: { clusterSelector: { matchLabels: { tier: "prod" } } } });
            const quiet = new kubefed.FederatedResource("quiet", { clusters, template: deployment("quiet"), placement: { clusterSelector: {} }, logDecision: false });
            process.env.PULUMI_KUBEFED_DECISION_LOG = "off";
            const envOff = new kubefed.FederatedResource("env-off", { clusters, template: deployment("env-off"), placement: { clusterSelector: {} } });
            delete process.env.PULUMI_KUBEFED_DECISION_LOG;
            await settle(web, quiet, envOff);
            const mine = seen.filter(s => s.res === web);
            assert.equal(mine.length, 1);
            assert.equal(mine[0].msg, kubefed.decisionLine("web", web.decision));
            assert.match(mine[0].msg, /^Deployment shop\/web: east 1 · west 1; overrides: —; excluded: eu \(selector\)$/);
            assert.ok(!seen.some(s => s.res === quiet || s.res === envOff), "switched off by option and by environment");
        } finally {
            (pulumi.log as any).info = orig;
            delete process.env.PULUMI_KUBEFED_DECISION_LOG;
        }
    });

    it("child names do not depend on the order clusters are listed in", async () => {
        const [east, west, eu] = fleet();
        const a = new kubefed.FederatedResource("cm", { clusters: [eu, west, east], template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data: { a: "1" } }, placement: { clusterSelector: {} } });
        await settle(a, ...Object.values(a.resources));
        const cms = children("cm-", "kubernetes:core/v1:ConfigMap").map(r => r.name).sort();
        assert.deepEqual(cms, ["cm-east", "cm-eu", "cm-west"]);
        assert.deepEqual(Object.keys(a.resources), ["east", "eu", "west"]);
    });

    it("custom resources use CustomResource with the GVK as the type", async () => {
        const clusters = fleet();
        const cr = new kubefed.FederatedResource("widget", { clusters, placement: { clusters: [{ name: "eu" }] },
            template: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "default" }, spec: { size: 3 } } });
        await settle(cr, ...Object.values(cr.resources));
        const w = byName("widget-eu");
        assert.equal(w.type, "kubernetes:example.com/v1:Widget");
        assert.equal(w.inputs.spec.size, 3);
        assert.equal(providerOf(w), "eu");
    });

    it("a federated namespace restricts placement to the intersection and orders creation after the namespace", async () => {
        const clusters = fleet();
        const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusters: [{ name: "east" }, { name: "eu" }] } });
        const web = new kubefed.FederatedResource("web", { clusters, namespace: shop, template: deployment(), placement: { clusterSelector: { matchLabels: { tier: "prod" } } } });
        await settle(shop, web, ...Object.values(shop.resources), ...Object.values(web.resources));
        assert.deepEqual(shop.clusterNames, ["east", "eu"]);
        assert.deepEqual(web.clusterNames, ["east"], "prod ∩ {east, eu} = {east}");
        assert.deepEqual(web.decision.excluded, { eu: "labels do not match placement.clusterSelector", west: "not in the federated namespace's placement" });
        const ns = children("shop-", "kubernetes:core/v1:Namespace");
        assert.deepEqual(ns.map(n => n.name).sort(), ["shop-east", "shop-eu"]);
        assert.equal(byName("shop-east").inputs.metadata.name, "shop");
        // The Deployment in east depends on the Namespace in east, and only on it.
        const nsUrn = await value(shop.resources.east.urn);
        assert.deepEqual(byName("web-east").dependencies, [nsUrn]);
    });

    it("a replica scheduling preference splits replicas per cluster and shows the split in the decision", async () => {
        const clusters = fleet();
        const rsp = new kubefed.ReplicaSchedulingPreference("web", { totalReplicas: 9, clusters: { "*": { weight: 1 }, eu: { weight: 1, maxReplicas: 1 } } });
        const web = new kubefed.FederatedResource("web", { clusters, template: deployment(), placement: { clusterSelector: {} }, replicaScheduling: rsp });
        await settle(web, rsp, ...Object.values(web.resources));
        const replicas = kubefed.replicasOf(web.decision);
        assert.equal(replicas.eu, 1, "eu is capped at maxReplicas 1");
        assert.equal(replicas.east + replicas.west + replicas.eu, 9);
        for (const c of web.clusterNames) assert.equal(byName(`web-${c}`).inputs.spec.replicas, replicas[c]);
        const recorded = byName("web", "pulumi-kubefed:index:FederatedResource").inputs.decision;
        assert.equal(recorded.unplacedReplicas, 0);
        assert.deepEqual(kubefed.replicasOf(recorded), replicas);
        assert.ok(recorded.placed.eu.overrides.includes("/spec/replicas"));
        assert.deepEqual(byName("web", "pulumi-kubefed:index:ReplicaSchedulingPreference").inputs.spec,
            { totalReplicas: 9, clusters: { "*": { weight: 1 }, eu: { weight: 1, maxReplicas: 1 } } });
    });

    it("a member named constructor (a valid DNS label, and a member of Object.prototype) gets its replicas like any other", async () => {
        const clusters = [new kubefed.MemberCluster("constructor", { kubeconfig: kc("c") }), new kubefed.MemberCluster("plain", { kubeconfig: kc("p") })];
        const shop = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {} } });
        const web = new kubefed.FederatedResource("webc", { clusters, namespace: shop, template: deployment(), placement: { clusterSelector: {} },
            replicaScheduling: { totalReplicas: 5, clusters: { "*": { weight: 1, maxReplicas: 2 } } } });
        await settle(web, shop, ...Object.values(web.resources), ...Object.values(shop.resources));
        assert.deepEqual(web.clusterNames, ["constructor", "plain"]);
        assert.deepEqual([byName("webc-constructor").inputs.spec.replicas, byName("webc-plain").inputs.spec.replicas], [2, 2]);
        const recorded = byName("webc", "pulumi-kubefed:index:FederatedResource").inputs.decision;
        assert.equal(recorded.unplacedReplicas, 1);
        assert.deepEqual(recorded.placed.constructor.overrides, ["/spec/replicas"]);
        assert.deepEqual(byName("webc-constructor").dependencies, [await value(shop.resources["constructor" as string].urn)]);
    });

    it("clusters with zero planned replicas stay placed with replicas 0", async () => {
        const clusters = fleet();
        const web = new kubefed.FederatedResource("web", { clusters, template: deployment(), placement: { clusterSelector: {} },
            replicaScheduling: { totalReplicas: 2, clusters: { east: { weight: 1 }, west: { weight: 1 }, eu: { weight: 0 } } } });
        await settle(web, ...Object.values(web.resources));
        assert.deepEqual(web.clusterNames, ["east", "eu", "west"]);
        assert.equal(byName("web-eu").inputs.spec.replicas, 0);
        assert.equal(byName("web-east").inputs.spec.replicas + byName("web-west").inputs.spec.replicas, 2);
    });

    it("orphanOnDelete, retainReplicas and waitForReady map to resource options and annotations", async () => {
        const clusters = fleet();
        const web = new kubefed.FederatedResource("web", { clusters, template: deployment(), placement: { clusters: [{ name: "east" }] },
            orphanOnDelete: true, retainReplicas: true, waitForReady: false });
        await settle(web, ...Object.values(web.resources));
        assert.equal(byName("web-east").retainOnDelete, true);
        assert.deepEqual(byName("web-east").ignoreChanges, ["spec.replicas"]);
        assert.equal(byName("web-east").inputs.metadata.annotations["pulumi.com/skipAwait"], "true");
        assert.equal(byName("web").inputs.decision.orphanOnDelete, true);
        assert.equal(byName("web").inputs.decision.retainReplicas, true);
    });

    it("one MemberReadBack per member lists every federated object placed there, after the member objects", async () => {
        const clusters = fleet();
        const [east, west, eu] = clusters;
        const web = new kubefed.FederatedResource("web", { clusters, template: deployment(), placement: { clusters: [{ name: "east" }, { name: "eu" }] },
            orphanOnDelete: true });
        const cfg = new kubefed.FederatedResource("cfg", { clusters, placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "shop" }, data: { a: "1" } } });
        const sec = new kubefed.FederatedResource("sec", { clusters, placement: { clusters: [{ name: "east" }] },
            template: { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop" }, stringData: { password: "hunter2" } } });
        const hpa = new kubefed.FederatedResource("hpa", { clusters, template: deployment("hpa"), placement: { clusters: [{ name: "east" }] }, retainReplicas: true });
        const quiet = new kubefed.FederatedResource("quiet", { clusters, template: deployment("quiet"), placement: { clusters: [{ name: "east" }] }, status: false });
        const kept = new kubefed.FederatedResource("kept", { clusters, template: deployment("kept"), placement: { clusters: [{ name: "east" }] },
            status: false, orphanOnDelete: true });
        const all = [web, cfg, sec, hpa, quiet, kept];
        await settle(...all, ...all.flatMap(f => Object.values(f.resources)), ...clusters.map(c => c.readBack!));

        const type = "pulumi-nodejs:dynamic/kubefed:MemberReadBack";
        // the mock engine hands over secret inputs still wrapped
        const secretSig = "4dabf18193072939515e22adb298388d";
        // the components send each member's objects as one compressed string (objectsCodec.ts)
        const unwrap = (v: any) => decodeObjects(v && typeof v === "object" && secretSig in v ? v.value : v) as any;
        const readBacks = registered.filter(r => r.type === type);
        assert.deepEqual(readBacks.map(r => r.name).sort(), ["east-readback", "eu-readback", "west-readback"]);
        for (const m of clusters) {
            const rb = byName(`${m.clusterName}-readback`, type);
            assert.equal(rb.parent, await value(m.urn));
            assert.deepEqual(rb.aliases.map((x: any) => [x.spec?.name, x.spec?.type]),
                [[`${m.clusterName}-health`, "pulumi-nodejs:dynamic/kubefed:ClusterHealth"]], "0.1's ClusterHealth becomes the read-back");
            assert.equal(rb.inputs.clusterName, m.clusterName);
            assert.equal(rb.inputs.health, true);
            assert.equal(unwrap(rb.inputs.kubeconfig), await value(m.kubeconfig));
            assert.deepEqual([...rb.additionalSecretOutputs].sort(), ["kubeconfig", "secretObjects"]);
            assert.ok(rb.raw.kubeconfig[secretSig], "kubeconfig sent as a secret");
            assert.ok(rb.raw.secretObjects[secretSig], "secretObjects sent as a secret");
            // created after every member object it tracks (not the untracked status: false one), and only those
            const mine = (await Promise.all(all.filter(f => f !== quiet && f.resources[m.clusterName]).map(f => value(f.resources[m.clusterName].urn)))).sort();
            assert.deepEqual([...rb.dependencies].sort(), mine);
        }
        const e = { ...byName("east-readback", type).inputs };
        e.objects = unwrap(e.objects);
        e.secretObjects = unwrap(e.secretObjects);
        assert.deepEqual(Object.keys(e.objects).sort(), ["cfg", "hpa", "kept", "web"], "status: false without orphan mode is not tracked");
        assert.deepEqual(Object.keys(e.secretObjects), ["sec"], "Secrets are tracked as secret objects");
        assert.deepEqual(e.objects.web, {
            target: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
            desired: web.objects.east, orphan: true,
        });
        assert.equal(e.objects.web.desired.metadata.labels["kubefed.io/managed"], "true");
        assert.deepEqual(e.objects.hpa.ignore, ["/spec/replicas"]);
        assert.equal(e.objects.kept.observe, false);
        assert.equal(e.objects.kept.orphan, true);
        assert.deepEqual(e.objects.cfg.desired, cfg.objects.east);
        assert.deepEqual(e.secretObjects.sec.desired, sec.objects.east);
        assert.deepEqual(Object.keys(unwrap(byName("eu-readback", type).inputs.objects)).sort(), ["cfg", "web"]);
        assert.deepEqual(unwrap(byName("eu-readback", type).inputs.objects).web.desired, web.objects.eu);
        assert.deepEqual(Object.keys(unwrap(byName("west-readback", type).inputs.objects)), ["cfg"]);
        assert.deepEqual(unwrap(byName("west-readback", type).inputs.secretObjects), {});
        assert.deepEqual([web.statusKey, cfg.statusKey, quiet.statusKey], ["web", "cfg", undefined]);
        assert.match(await value(east.readBack!.urn), /MemberReadBack::east-readback$/);
        assert.notEqual(west.readBack, eu.readBack);

        // the orphan-mode marker holds no credentials and runs after the member objects
        const guard = byName("web-orphan");
        assert.equal(guard.type, "pulumi-nodejs:dynamic/kubefed:OrphanGuard");
        assert.deepEqual(guard.inputs.clusters, ["east", "eu"]);
        assert.deepEqual(guard.inputs.target, e.objects.web.target);
        assert.deepEqual([...guard.dependencies].sort(), (await Promise.all(Object.values(web.resources).map(r => value(r.urn)))).sort());
        assert.equal(registered.filter(r => r.name === "quiet-orphan" || r.name === "quiet-status").length, 0);

        // credentials: only in the member providers and the member read-backs, never per federated object
        for (const r of registered) {
            if (r.type === "pulumi:providers:kubernetes" || r.type === type) continue;
            assert.ok(!/kind: Config/.test(JSON.stringify(r.inputs ?? {})), `${r.type} ${r.name} holds a kubeconfig`);
        }
        assert.equal(registered.filter(r => r.type.startsWith("pulumi-nodejs:dynamic/kubefed:") && r.type !== type)
            .map(r => r.type).filter(t => t !== "pulumi-nodejs:dynamic/kubefed:OrphanGuard").length, 0, "no per-object read-back resources");
    });

    it("health: false registers no read-back until an object is tracked; then one, without the probe", async () => {
        const solo = new kubefed.MemberCluster("solo", { kubeconfig: kc("solo"), health: false });
        await settle(solo, solo.provider);
        assert.equal(solo.readBack, undefined);
        assert.equal(registered.filter(r => r.type === "pulumi-nodejs:dynamic/kubefed:MemberReadBack").length, 0);
        const duo = new kubefed.MemberCluster("duo", { kubeconfig: kc("duo"), health: false });
        const x = new kubefed.FederatedResource("x", { clusters: [solo, duo], placement: { clusters: [{ name: "duo" }] },
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {} } });
        await settle(x, ...Object.values(x.resources), duo.readBack!);
        const rbs = registered.filter(r => r.type === "pulumi-nodejs:dynamic/kubefed:MemberReadBack");
        assert.deepEqual(rbs.map(r => r.name), ["duo-readback"]);
        assert.equal(rbs[0].inputs.health, false);
        assert.deepEqual(Object.keys(decodeObjects(rbs[0].inputs.objects) as object), ["x"]);
        assert.equal(solo.readBack, undefined);
    });

    it("bad input fails at construction with the component, the field and the fix", () => {
        const clusters = fleet();
        assert.throws(() => new kubefed.FederatedResource("a", { clusters, template: deployment(), placement: { clusters: [{ name: "mars" }] } }),
            (e: Error) => /FederatedResource a/.test(e.message) && /mars/.test(e.message));
        assert.throws(() => new kubefed.FederatedResource("b", { clusters, template: deployment(), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "east", clusterOverrides: [{ path: "/metadata/name", value: "x" }] }] }),
            (e: Error) => /FederatedResource b/.test(e.message) && /\/metadata\/name/.test(e.message));
        assert.throws(() => new kubefed.FederatedResource("c", { clusters, template: deployment(),
            placement: { clusterSelector: { matchExpressions: [{ key: "tier", operator: "Near" as any }] } } }),
            (e: Error) => /FederatedResource c/.test(e.message) && /Near/.test(e.message));
        assert.throws(() => new kubefed.FederatedResource("d", { clusters, template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } },
            replicaScheduling: { totalReplicas: 3 } }), /FederatedResource d: replicaScheduling: applies to apps\/v1/);
        assert.throws(() => new kubefed.FederatedResource("e", { clusters, template: deployment(), replicaScheduling: { totalReplicas: -1 } }),
            (e: Error) => /e/.test(e.message) && /totalReplicas/.test(e.message));
        assert.throws(() => new kubefed.FederatedResource("f", { clusters, template: { ...deployment(), metadata: { name: pulumi.output("x") as any } } }),
            /FederatedResource f: template.metadata.name: is an Output/);
        assert.throws(() => new kubefed.FederatedResource("g", { clusters: [clusters[0], clusters[0]], template: deployment() }), /FederatedResource g: clusters/);
        assert.throws(() => new kubefed.FederatedNamespace("kube-system", { clusters }), /system namespace/);
        assert.throws(() => new kubefed.ReplicaSchedulingPreference("r", { totalReplicas: 3, clusters: { a: { minReplicas: 5, maxReplicas: 2 } } }),
            /ReplicaSchedulingPreference r/);
    });

    it("IngressDNSRecord computes records from the members' load-balancer status into a DNSEndpoint", async () => {
        const clusters = fleet();
        const ing = new kubefed.FederatedResource("ing", { clusters, placement: { clusters: [{ name: "east" }, { name: "west" }] },
            template: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "shop", namespace: "shop" }, spec: {} } });
        // The mock echoes inputs as state; inject each member's load-balancer status as the provider would report it.
        (ing.resources.east as any).status = pulumi.output({ loadBalancer: { ingress: [{ ip: "10.0.0.2" }] } });
        (ing.resources.west as any).status = pulumi.output({ loadBalancer: { ingress: [{ ip: "10.0.0.1" }, { hostname: "lb.west" }] } });
        const rec = new kubefed.IngressDNSRecord("shop", { ingress: ing, hosts: ["shop.example.com"], dnsCluster: clusters[0], installCrd: true,
            resolve: async h => (h === "lb.west" ? ["10.0.0.9"] : []) });
        const eps = await value(rec.endpoints);
        assert.deepEqual(eps, [{ dnsName: "shop.example.com", recordType: "A", recordTTL: 180, targets: ["10.0.0.1", "10.0.0.2", "10.0.0.9"] }]);
        await settle(rec, rec.dnsEndpoint);
        const de = byName("shop-east");
        assert.equal(de.type, "kubernetes:externaldns.k8s.io/v1alpha1:DNSEndpoint");
        assert.equal(de.inputs.metadata.name, "ingress-shop");
        assert.equal(providerOf(de), "east");
        assert.equal(byName("shop-crd").type, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
        // the DNS cluster reads the DNSEndpoint back, shown as the record's, with the endpoints it was sent
        await settle(clusters[0].readBack!);
        const tracked = (decodeObjects(byName("east-readback", "pulumi-nodejs:dynamic/kubefed:MemberReadBack").inputs.objects) as any)["shop/DNSEndpoint/shop/ingress-shop"];
        assert.deepEqual(tracked.target, { apiVersion: "externaldns.k8s.io/v1alpha1", kind: "DNSEndpoint", name: "ingress-shop", namespace: "shop" });
        assert.deepEqual(tracked.source, { type: "IngressDNSRecord", name: "shop" });
        assert.deepEqual(tracked.desired.spec.endpoints, eps);
        assert.equal(tracked.desired.metadata.labels["kubefed.io/managed"], "true");
    });

    it("IngressDNSRecord with resolution static: addresses from the map; a bad mode is refused at construction", async () => {
        const clusters = fleet();
        const ing = new kubefed.FederatedResource("ing-st", { clusters, placement: { clusters: [{ name: "west" }] },
            template: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "shop-st", namespace: "shop" }, spec: {} } });
        (ing.resources.west as any).status = pulumi.output({ loadBalancer: { ingress: [{ hostname: "lb.west" }] } });
        const rec = new kubefed.IngressDNSRecord("shop-st", { ingress: ing, hosts: ["shop.example.com"], dnsCluster: clusters[0],
            resolution: "static", addresses: { "lb.west": ["10.0.0.9", "10.0.0.8"] } });
        assert.deepEqual(await value(rec.endpoints), [{ dnsName: "shop.example.com", recordType: "A", recordTTL: 180, targets: ["10.0.0.8", "10.0.0.9"] }]);
        assert.throws(() => new kubefed.IngressDNSRecord("shop-bad", { ingress: ing, hosts: ["shop.example.com"], dnsCluster: clusters[0], resolution: "static" }),
            /IngressDNSRecord shop-bad: addresses: is required with resolution "static"/);
    });

    it("ServiceDNSRecord needs region and zones and publishes zone, region and global records", async () => {
        const clusters = fleet();
        const svc = new kubefed.FederatedResource("svc", { clusters, placement: { clusters: [{ name: "east" }, { name: "eu" }] },
            template: { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "shop" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } });
        (svc.resources.east as any).status = pulumi.output({ loadBalancer: { ingress: [{ ip: "1.1.1.1" }] } });
        (svc.resources.eu as any).status = pulumi.output({ loadBalancer: {} });
        const domain = new kubefed.Domain("mydomain", { domain: "example.com" });
        const rec = new kubefed.ServiceDNSRecord("api", { service: svc, domain, dnsCluster: clusters[0], resolve: async () => [] });
        const eps = await value(rec.endpoints);
        const names = eps.map(e => `${e.recordType} ${e.dnsName}`);
        assert.ok(names.includes("A api.shop.mydomain.svc.example.com"), names.join("\n"));
        assert.ok(names.includes("A api.shop.mydomain.svc.us-east-1a.us-east.example.com"), names.join("\n"));
        // eu has no address: its zone record falls back to a CNAME to its region record.
        const euZone = eps.find(e => e.dnsName === "api.shop.mydomain.svc.eu-central-1a.eu-central.example.com")!;
        assert.equal(euZone.recordType, "CNAME");
        assert.deepEqual(euZone.targets, ["api.shop.mydomain.svc.eu-central.example.com"]);
        const bare = new kubefed.MemberCluster("bare", { kubeconfig: kc("bare") });
        const svc2 = new kubefed.FederatedResource("svc2", { clusters: [bare], placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "Service", metadata: { name: "api2" }, spec: {} } });
        assert.throws(() => new kubefed.ServiceDNSRecord("api2", { service: svc2, domain, dnsCluster: bare }), /ServiceDNSRecord api2: service: member cluster "bare" has no region or zones/);
    });

    it("federate converts multi-document YAML, strips server-set fields and places objects in their namespace", async () => {
        const clusters = fleet();
        const yaml = [
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  uid: 123\nspec:\n  finalizers: [kubernetes]\nstatus:\n  phase: Active",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\n  resourceVersion: '5'\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{}'\nspec:\n  clusterIP: 10.0.0.7\n  clusterIPs: [10.0.0.7]\n  ports:\n  - port: 80\n    nodePort: 30080",
        ].join("\n---\n");
        const file = path.join(scratchDir("kf-"), "app.yaml");
        fs.writeFileSync(file, yaml);
        const set = kubefed.federate("app", { clusters, file, placement: { clusters: [{ name: "east" }] } });
        assert.deepEqual(Object.keys(set.namespaces), ["shop"]);
        assert.deepEqual(Object.keys(set.resources), ["service-shop-api"]);
        await settle(...Object.values(set.resources["service-shop-api"].resources), ...Object.values(set.namespaces.shop.resources));
        const svc = byName("app-service-shop-api-east");
        assert.equal(svc.inputs.spec.clusterIP, undefined);
        assert.equal(svc.inputs.spec.clusterIPs, undefined);
        assert.equal(svc.inputs.spec.ports[0].nodePort, undefined);
        assert.equal(svc.inputs.metadata.resourceVersion, undefined);
        // kubectl's last-applied annotation is gone; only our own ownership annotation is added.
        assert.deepEqual(svc.inputs.metadata.annotations, { "pulumi.com/patchForce": "true" });
        const ns = byName("app-namespace-shop-east");
        assert.equal(ns.inputs.spec, undefined);
        assert.equal(ns.inputs.metadata.uid, undefined);
        assert.throws(() => kubefed.federate("dup", { clusters, yaml: yaml + "\n---\n" + yaml.split("---")[1] }), /appears twice/);
    });
});

