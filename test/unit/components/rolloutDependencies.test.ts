import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle, byName } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
function fleet() {
    return [
        new kubefed.MemberCluster("east", { kubeconfig: kc("east"), labels: { tier: "prod" } }),
        new kubefed.MemberCluster("west", { kubeconfig: kc("west"), labels: { tier: "prod" } }),
        new kubefed.MemberCluster("eu", { kubeconfig: kc("eu"), labels: { tier: "staging" } }),
    ];
}
const deployment = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "shop", labels: { app: name } },
    spec: {
        replicas: 1, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }], ...extra } },
    },
});
const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "shop" }, data: { a: "1" } });
const names = (type: string) => registered.filter(r => r.type === type).map(r => r.name).sort();

describe("components: dependencies follow the workload (mocked engine)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    for (const workloadFirst of [false, true]) {
        it(`places a referenced ConfigMap wherever the workload is, as children of the ConfigMap (${workloadFirst ? "workload" : "ConfigMap"} first)`, async () => {
            const clusters = fleet();
            const cm = () => new kubefed.FederatedResource(`cfgf${workloadFirst ? "w" : "c"}`, { clusters, placement: { clusters: [{ name: "east" }] },
                template: configMap("cfg") });
            const web = () => new kubefed.FederatedResource(`webf${workloadFirst ? "w" : "c"}`, { clusters, placement: { clusterSelector: {} }, dependencies: "follow",
                template: deployment("web", { volumes: [{ name: "v", configMap: { name: "cfg" } }] }) });
            const [w, c] = workloadFirst ? [web(), cm()] : (() => { const x = cm(); return [web(), x]; })();
            await settle(w, c, ...Object.values(c.resources));
            const n = `cfgf${workloadFirst ? "w" : "c"}`;
            assert.deepEqual(names("kubernetes:core/v1:ConfigMap"), [`${n}-east`, `${n}-eu`, `${n}-west`]);
            assert.deepEqual(c.clusterNames, ["east", "eu", "west"]);
            for (const m of ["eu", "west"]) {
                const r = byName(`${n}-${m}`);
                assert.match(r.parent, new RegExp(`FederatedResource::${n}$`), "the pulled object is a child of the ConfigMap's component");
                assert.match(r.provider!, new RegExp(`::${m}::`), "with the member's provider");
            }
            // The ConfigMap's recorded decision is its own placement (order-independent); the workload records the mode.
            assert.deepEqual(Object.keys(byName(n).inputs.decision.placed), ["east"]);
            assert.deepEqual(byName(`webf${workloadFirst ? "w" : "c"}`).inputs.decision.dependencies, { mode: "follow", references: ["ConfigMap shop/cfg"] });
        });

        it(`refuses a misplaced dependency before registering the later component (${workloadFirst ? "workload" : "ConfigMap"} first)`, () => {
            const clusters = fleet();
            const cm = () => new kubefed.FederatedResource(`cfgm${workloadFirst ? "w" : "c"}`, { clusters, placement: { clusters: [{ name: "east" }] },
                template: configMap("cfgm") });
            const web = () => new kubefed.FederatedResource(`webm${workloadFirst ? "w" : "c"}`, { clusters, placement: { clusterSelector: { matchLabels: { tier: "prod" } } },
                template: deployment("webm", { containers: [{ name: "c", image: "x", env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "cfgm", key: "a" } } }] }] }) });
            const expected = /FederatedResource webm[wc] \(Deployment shop\/webm\) references FederatedResource cfgm[wc] \(ConfigMap shop\/cfgm\) \(spec\.template\.spec\.containers\[0\]\.env\[0\]\.valueFrom\.configMapKeyRef\.name\) in cluster\(s\) west, where it is not placed \(placed: east\)/;
            if (workloadFirst) {
                web();
                assert.throws(() => cm(), expected);
            } else {
                cm();
                assert.throws(() => web(), expected);
            }
        });
    }

    it("ignores references to objects not federated here, and dependencies: ignore skips the check", async () => {
        const clusters = fleet();
        new kubefed.FederatedResource("cfgi", { clusters, placement: { clusters: [{ name: "east" }] }, template: configMap("cfgi") });
        const w = new kubefed.FederatedResource("webi", { clusters, placement: { clusterSelector: {} }, dependencies: "ignore",
            template: deployment("webi", { volumes: [{ name: "v", configMap: { name: "cfgi" } }, { name: "w", secret: { secretName: "elsewhere" } }] }) });
        await settle(w);
        assert.deepEqual(names("kubernetes:core/v1:ConfigMap"), ["cfgi-east"]);
    });
});

describe("components: rollout waves (mocked engine)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    it("gates each wave and makes the next wave's member objects wait for it", async () => {
        const clusters = fleet();
        const web = new kubefed.FederatedResource("webr", {
            clusters, placement: { clusterSelector: {} },
            rollout: { waves: [{ name: "canary", clusters: ["eu"] }, { name: "prod", clusterSelector: { matchLabels: { tier: "prod" } } }], timeoutSeconds: 30 },
            template: deployment("webr"),
        });
        await settle(web, ...Object.values(web.resources));
        await new Promise(r => setTimeout(r, 50));
        await settle(web);
        const gates = registered.filter(r => r.type === "pulumi-nodejs:dynamic/kubefed:RolloutGate");
        assert.deepEqual(gates.map(g => g.name).sort(), ["webr-rollout-canary", "webr-rollout-prod"]);
        const canary = byName("webr-rollout-canary");
        assert.deepEqual(canary.inputs.clusters, ["eu"]);
        assert.deepEqual(canary.inputs.laterWaves, ["prod"]);
        assert.equal(canary.inputs.timeoutSeconds, 30);
        assert.ok(canary.dependencies.some(d => d.endsWith("::webr-eu")), `gate waits for its wave: ${canary.dependencies}`);
        assert.ok(canary.additionalSecretOutputs.includes("members"));
        assert.ok(canary.raw.members["4dabf18193072939515e22adb298388d"], "the members' kubeconfigs are sent as a secret");
        assert.equal(JSON.stringify({ ...canary.raw, members: undefined }).includes("kind: Config"), false, "no credential elsewhere");
        for (const m of ["east", "west"]) {
            assert.ok(byName(`webr-${m}`).dependencies.some(d => d.endsWith("::webr-rollout-canary")), `${m} waits for the canary gate`);
        }
        assert.ok(!byName("webr-eu").dependencies.some(d => d.includes("rollout")), "the first wave waits for nothing");
        assert.equal(byName("webr-eu").inputs.metadata.annotations["pulumi.com/skipAwait"], "true", "the gates wait instead of the provider");
        assert.deepEqual(web.decision.rollout, { waves: [{ name: "canary", clusters: ["eu"] }, { name: "prod", clusters: ["east", "west"] }], timeoutSeconds: 30 });
    });

    it("refuses an unknown cluster in a wave at construction, naming the component and the field", () => {
        assert.throws(() => new kubefed.FederatedResource("webu", {
            clusters: fleet(), placement: { clusterSelector: {} },
            rollout: { waves: [{ name: "canary", clusters: ["mars"] }] }, template: deployment("webu"),
        }), /FederatedResource webu: rollout\.waves\[0\]\.clusters\[0\]: unknown cluster "mars"/);
    });
});
