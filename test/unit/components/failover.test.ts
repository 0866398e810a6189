import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byName, registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import { decodeObjects } from "../../../src/member/objectsCodec";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const fleet = () => [
    new kubefed.MemberCluster("east", { kubeconfig: kc("east"), region: "us-east", zones: ["us-east-1a"], unreachable: "skip" }),
    new kubefed.MemberCluster("west", { kubeconfig: kc("west"), region: "us-east", zones: ["us-east-1b"], unreachable: "skip" }),
    new kubefed.MemberCluster("eu", { kubeconfig: kc("eu"), region: "eu-central", zones: ["eu-central-1a"], unreachable: "skip" }),
];
const deployment = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "default", labels: { app: "api" } },
    spec: { replicas: 1, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "a", image: "x:1" }] } } },
};
const rspSpec = { totalReplicas: 50, clusters: { "*": { weight: 1 }, eu: { weight: 1, maxReplicas: 20 } } };

describe("components: failover and spread (mocked engine)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    it("a not-ready member keeps its object as it is; its replicas go to the ready members; the decision says why", async () => {
        const clusters = fleet();
        const rsp = new kubefed.ReplicaSchedulingPreference("api", { ...rspSpec, observed: { ready: { east: true, west: false, eu: true } } });
        const api = new kubefed.FederatedResource("api", { clusters, replicaScheduling: rsp, template: deployment });
        await settle(api, ...Object.values(api.resources));
        assert.deepEqual(api.clusterNames, ["east", "eu", "west"]);
        assert.deepEqual(kubefed.replicasOf(api.decision), { east: 30, eu: 20, west: 0 });
        assert.deepEqual(api.decision.failover!.notReady, ["west"]);
        const recorded = registered.find(r => r.type === "pulumi-kubefed:index:FederatedResource" && r.name === "api")!;
        assert.deepEqual(recorded.inputs.decision.failover, api.decision.failover);
        // No ignoreChanges (a resource option, known before any probe): the down member is sent what it runs with
        // every member ready, so no step touches it while it is down.
        assert.deepEqual(byName("api-west").ignoreChanges, []);
        assert.deepEqual(byName("api-east").ignoreChanges, []);
        assert.equal(byName("api-east").inputs.spec.replicas, 30);
        assert.ok(api.decision.failover!.replicasIfReady.west > 0);
        assert.equal(byName("api-west").inputs.spec.replicas, api.decision.failover!.replicasIfReady.west);
        // the read-back judges what is sent
        const west = registered.find(r => r.name === "west-readback")!;
        const tracked = decodeObjects(west.inputs.objects) as Record<string, { ignore?: string[]; desired: { spec: { replicas: number } } }>;
        assert.equal(Object.values(tracked)[0].ignore, undefined);
        assert.equal(Object.values(tracked)[0].desired.spec.replicas, api.decision.failover!.replicasIfReady.west);
    });

    it("failover: false in the preference (or a plain spec without readiness) plans as if all were ready", async () => {
        const clusters = fleet();
        const off = new kubefed.FederatedResource("off", { clusters, template: { ...deployment, metadata: { ...deployment.metadata, name: "off" } },
            replicaScheduling: new kubefed.ReplicaSchedulingPreference("off", { ...rspSpec, failover: false, observed: { ready: { west: false } } }) });
        const plain = new kubefed.FederatedResource("plain", { clusters, template: { ...deployment, metadata: { ...deployment.metadata, name: "plain" } },
            replicaScheduling: rspSpec, readiness: { west: false } });
        await settle(off, plain);
        assert.equal(off.decision.failover, undefined);
        assert.equal(Object.values(kubefed.replicasOf(off.decision)).reduce((a, b) => a + b), 50);
        assert.ok(kubefed.replicasOf(off.decision).west > 0);
        assert.equal(kubefed.replicasOf(plain.decision).west, 0, "a plain spec takes readiness through the resource");
        assert.throws(() => new kubefed.ReplicaSchedulingPreference("bad", { ...rspSpec, failover: "no" as unknown as boolean }), /failover: must be true or false/);
    });

    it("observeReadiness probes each member once per run and reports a member it cannot reach as not ready", async () => {
        const clusters = fleet();
        const first = clusters[0].__probeOnce();
        assert.equal(clusters[0].__probeOnce(), first, "one probe per member, shared");
        const ready = await kubefed.observeReadiness(clusters);
        // these kubeconfigs name no cluster: the members cannot be ready
        assert.deepEqual(ready, { east: false, eu: false, west: false });
        assert.deepEqual(Object.keys(ready), ["east", "eu", "west"]);
    });

    it("spread constraints narrow placement, record groups and reasons, and fail naming the resource", async () => {
        const clusters = fleet();
        const web = new kubefed.FederatedResource("web", { clusters, template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web", namespace: "default" } },
            placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", minGroups: 2 }, { spreadByField: "cluster", maxGroups: 2 }] } });
        await settle(web);
        assert.deepEqual(web.clusterNames, ["east", "eu"]);
        assert.deepEqual(web.decision.spread!.map(s => s.groups), [["eu-central", "us-east"], ["east", "eu"]]);
        assert.match(web.decision.excluded.west, /^cluster west not chosen: placement\.spreadConstraints\[1\] allows at most 2 clusters/);
        assert.match(kubefed.decisionLine("web", web.decision), /excluded: west \(spread\); spread: region eu-central, us-east · cluster east, eu$/);
        assert.throws(() => new kubefed.FederatedResource("bad", { clusters, template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bad", namespace: "default" } },
            placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", minGroups: 3 }] } }),
        /FederatedResource bad: ConfigMap default\/bad: placement\.spreadConstraints\[0\]: \(spreadByField region, minGroups 3\) cannot be met: .*Clusters available: east \(region us-east, zones us-east-1a\), eu \(region eu-central, zones eu-central-1a\), west \(region us-east, zones us-east-1b\)/s);
    });

    it("a spread FederatedNamespace hands its actual clusters to the resources inside", async () => {
        const clusters = fleet();
        const ns = new kubefed.FederatedNamespace("shop", { clusters, placement: { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region", maxGroups: 1 }] } });
        const cm = new kubefed.FederatedResource("cm", { clusters, namespace: ns, placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } } });
        await settle(ns, cm);
        assert.deepEqual(cm.clusterNames, ns.clusterNames);
        assert.equal(ns.clusterNames.length, 2);
    });
});
