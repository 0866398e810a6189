import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import { normalizedDecision, registerShardDecision, resetShardForTests } from "../../../src/components/shard";

// Issue 20: bad input is refused at preview, naming the component, the field and the fix, before anything is registered.
const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
function fleet(p: string) {
    return [
        new kubefed.MemberCluster(`${p}-east`, { clusterName: `${p}east`, kubeconfig: kc("east"), labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] }),
        new kubefed.MemberCluster(`${p}-west`, { clusterName: `${p}west`, kubeconfig: kc("west"), labels: { tier: "prod" }, region: "us-west", zones: ["us-west-1a"] }),
        new kubefed.MemberCluster(`${p}-eu`, { clusterName: `${p}eu`, kubeconfig: kc("eu"), labels: { tier: "staging" }, region: "eu", zones: ["eu-1a"] }),
    ];
}
const deployment = (name: string, replicas: unknown = 1) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "shop", labels: { app: name } },
    spec: {
        replicas, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } },
    },
});
const componentsNamed = (name: string) => registered.filter(r => r.name === name && r.type.startsWith("pulumi-kubefed:"));

/** Runs `f` with pulumi.log.info/warn captured; returns what was logged. */
async function captureLogs(f: () => Promise<void>): Promise<{ info: string[]; warn: string[] }> {
    const got = { info: [] as string[], warn: [] as string[] };
    const { info, warn } = pulumi.log;
    pulumi.log.info = (m: string) => { got.info.push(m); return Promise.resolve(); };
    pulumi.log.warn = (m: string) => { got.warn.push(m); return Promise.resolve(); };
    try { await f(); } finally { pulumi.log.info = info; pulumi.log.warn = warn; }
    return got;
}

describe("components: issue 20 defects (mocked engine)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    it("1. dependencies: a typo is refused listing check|follow|ignore, on FederatedResource and federate()", async () => {
        const clusters = fleet("dm");
        // a valid mode reaches the workloads federate() creates
        const set = kubefed.federate("dm-ok", { clusters, yaml:
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: shop}\nspec: {replicas: 1, selector: {matchLabels: {a: w}}, template: {metadata: {labels: {a: w}}, spec: {containers: [{name: c, image: x}]}}}",
        dependencies: "follow" });
        assert.equal(set.resources["deployment-shop-w"].decision.dependencies?.mode, "follow");
        assert.throws(() => new kubefed.FederatedResource("dm-web", { clusters, template: deployment("web"), placement: { clusterSelector: {} },
            dependencies: "folow" as any }), /^Error: FederatedResource dm-web: dependencies: "folow" is not one of check\|follow\|ignore/);
        assert.throws(() => kubefed.federate("dm-set", { clusters, yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\n",
            dependencies: "folow" as any }), /^Error: federate dm-set: dependencies: "folow" is not one of check\|follow\|ignore/);
        await settle(set, ...clusters);
        assert.deepEqual([...componentsNamed("dm-web"), ...componentsNamed("dm-set")], [], "nothing registered");
    });

    it("2. two rollout gates with the same name are refused, naming both components and waves", async () => {
        const clusters = fleet("rg");
        const a = new kubefed.FederatedResource("rgweb", { clusters, template: deployment("rgweb"), placement: { clusterSelector: {} },
            rollout: { waves: [{ name: "rollout-a", clusters: ["rgeu"] }] } });
        assert.throws(() => new kubefed.FederatedResource("rgweb-rollout", { clusters, template: deployment("rgweb2"), placement: { clusterSelector: {} },
            rollout: { waves: [{ name: "a", clusters: ["rgeu"] }] } }),
        /^Error: FederatedResource rgweb-rollout: rollout\.waves: the gate of wave "a" would be named "rgweb-rollout-rollout-a", which component "rgweb" already uses for the gate of its wave "rollout-a".*Rename one of the components or one of the waves/);
        await settle(a, ...clusters);
        assert.deepEqual(componentsNamed("rgweb-rollout"), [], "the second component is not registered");
        assert.equal(registered.filter(r => r.name === "rgweb-rollout-rollout-a").length, 1, "one gate of that name");
    });

    it("4. spec.replicas NaN, -3 or 1.5 in the template, or in an override, is refused naming the field", () => {
        const clusters = fleet("rp");
        for (const bad of [NaN, -3, 1.5]) {
            assert.throws(() => new kubefed.FederatedResource(`rp-${String(bad).replace(/\W/g, "")}`, { clusters, template: deployment("web", bad), placement: { clusterSelector: {} } }),
                new RegExp(`^Error: FederatedResource rp-\\w+: template\\.spec\\.replicas: is ${String(bad).replace(".", "\\.")}; spec\\.replicas must be a whole number`));
        }
        assert.throws(() => new kubefed.FederatedResource("rp-o", { clusters, template: deployment("web"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "rpeu", clusterOverrides: [{ path: "/spec/replicas", value: -3 }] }] }),
        /^Error: FederatedResource rp-o: .*overrides\[0\]\.clusterOverrides\[0\]\.value: is -3; spec\.replicas must be a whole number.*for cluster "rpeu"/s);
        assert.deepEqual(["rp-NaN", "rp-3", "rp-15", "rp-o"].flatMap(componentsNamed), []);
    });

    it("5. federate(..., { logDecision: false }) prints no decision line (and does by default)", async () => {
        const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: logged, namespace: shop}\ndata: {k: v}\n";
        const quiet = await captureLogs(async () => {
            const set = kubefed.federate("ld-off", { clusters: fleet("ld"), yaml, logDecision: false });
            await settle(set, ...Object.values(set.resources));
        });
        assert.deepEqual(quiet.info.filter(m => /ld-off/.test(m)), []);
        const loud = await captureLogs(async () => {
            const set = kubefed.federate("ld-on", { clusters: fleet("le"), yaml, logDecision: true });
            await settle(set, ...Object.values(set.resources));
        });
        assert.ok(loud.info.some(m => /ld-on-configmap-shop-logged/.test(m)), loud.info.join("\n"));
    });

    it("6. a member list changed in place is checked again: a duplicate member, a label value", () => {
        const clusters = fleet("mc");
        new kubefed.FederatedResource("mc-1", { clusters, template: deployment("web"), placement: { clusterSelector: {} } });
        clusters[1] = clusters[0];
        assert.throws(() => new kubefed.FederatedResource("mc-2", { clusters, template: deployment("web"), placement: { clusterSelector: {} } }),
            /^Error: FederatedResource mc-2: clusters.*"mceast"/s);
        const again = fleet("md");
        new kubefed.FederatedResource("md-1", { clusters: again, template: deployment("web"), placement: { clusterSelector: {} } });
        (again[2].labels as Record<string, string>).tier = "not a label value!";
        assert.throws(() => new kubefed.FederatedResource("md-2", { clusters: again, template: deployment("web"), placement: { clusterSelector: {} } }),
            /^Error: FederatedResource md-2: .*labels\["tier"\]/s);
    });

    it("7. an Output as a MemberCluster's labels is refused: labels must be plain, placement is decided from them", () => {
        for (const labels of [pulumi.output({ tier: "prod" }), { tier: pulumi.output("prod") }]) {
            assert.throws(() => new kubefed.MemberCluster("ol", { kubeconfig: kc("ol"), labels: labels as any }), (e: Error) => {
                assert.match(e.message, /^MemberCluster ol: labels: is an Output \(or holds one\), but labels must be plain values: placement .* is decided from them while the program runs.*Pass plain values/);
                assert.doesNotMatch(e.message, /__pulumi/);
                return true;
            });
        }
        assert.throws(() => new kubefed.MemberCluster("oz", { kubeconfig: kc("oz"), zones: pulumi.output(["a"]) as any }), /^Error: MemberCluster oz: zones: is an Output/);
        assert.deepEqual([...componentsNamed("ol"), ...componentsNamed("oz")], []);
    });

    it("10. DNS records: a namespace that is not a DNS-1123 label is refused naming the field", () => {
        const clusters = fleet("dn");
        const svc = new kubefed.FederatedResource("dn-svc", { clusters, placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "shop" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } });
        const domain = new kubefed.Domain("dn-zone", { domain: "example.com" });
        assert.throws(() => new kubefed.ServiceDNSRecord("dn-rec", { service: svc, domain, dnsCluster: clusters[0], namespace: "Bad_Name!", resolution: "keep" }),
            /^Error: ServiceDNSRecord dn-rec: namespace: "Bad_Name!" cannot be part of a DNS name.*Kubernetes namespace name/);
        const ing = new kubefed.FederatedResource("dn-ing", { clusters, placement: { clusterSelector: {} },
            template: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web", namespace: "shop" }, spec: {} } });
        assert.throws(() => new kubefed.IngressDNSRecord("dn-irec", { ingress: ing, hosts: ["shop.example.com"], dnsCluster: clusters[0], namespace: "Bad_Name!" }),
            /^Error: IngressDNSRecord dn-irec: namespace: "Bad_Name!"/);
        assert.deepEqual([...componentsNamed("dn-rec"), ...componentsNamed("dn-irec")], []);
    });
});

describe("components: issue 20 — Secret values in the shard decision (9)", () => {
    const KEY = "PULUMI_KUBEFED_SECRET_DIGEST_KEY";
    const saved = process.env[KEY];
    beforeEach(() => { reset(); resetShardForTests(); delete process.env[KEY]; });
    after(() => { resetShardForTests(); if (saved === undefined) delete process.env[KEY]; else process.env[KEY] = saved; });
    const secret = (password: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password }, data: { token: "aHVudGVyMg==" } });
    const recorded = (password: string, overrides?: unknown) => {
        resetShardForTests();
        registerShardDecision("pulumi-kubefed:index:FederatedResource", "db", { placed: {} }, { template: secret(password), overrides });
        return JSON.stringify(normalizedDecision().objects);
    };
    const { createHash } = require("crypto") as typeof import("crypto");
    const plainHash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex").slice(0, 16);

    it("records no plain hash of a Secret value; without a key the values are left out, the keys kept", () => {
        const text = recorded("hunter2", [{ clusterName: "c1", clusterOverrides: [{ path: "/stringData/password", value: "hunter3" }] }]);
        for (const v of ["hunter2", "hunter3", "aHVudGVyMg=="]) {
            assert.ok(!text.includes(v), `value ${v} in clear`);
            assert.ok(!text.includes(plainHash(v)), `plain sha256 of ${v}`);
        }
        assert.match(text, /"password":"\(secret value: not recorded\)"/);
        assert.equal(recorded("other"), recorded("hunter2"), "without a key values are not compared");
    });

    it("with a digest key (not in state) the values are compared by a keyed HMAC", () => {
        process.env[KEY] = "k1";
        const a = recorded("hunter2");
        assert.ok(!a.includes(plainHash("hunter2")));
        assert.match(a, /"password":"hmac-sha256:[0-9a-f]{32}"/);
        assert.notEqual(recorded("other"), a, "a different value is a different decision");
        assert.equal(recorded("hunter2"), a, "deterministic");
        process.env[KEY] = "k2";
        assert.notEqual(recorded("hunter2"), a, "the digest depends on the key");
    });

    it("a ConfigMap's recorded decision (and digest) is unchanged", () => {
        resetShardForTests();
        registerShardDecision("pulumi-kubefed:index:FederatedResource", "cm", { placed: {} }, { template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: "1" } } });
        assert.deepEqual(normalizedDecision().objects["FederatedResource cm"], { decision: { placed: {} }, template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: "1" } } });
    });
});
