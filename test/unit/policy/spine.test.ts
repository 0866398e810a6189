/**
 * Issue 20: the policy pack can no longer be walked around. Each case is a bypass that was reproduced on the
 * previous build (the comment says how it passed), run here on what real components record under the mock engine
 * and on the member objects they emit, judged by the pack's own functions. The real-engine proof (an Output image
 * from a disallowed registry stops `up`, nothing of it created) is test/e2e/policy.test.ts.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byName, outputsOf, recordedViewOf, registered, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import {
    TYPES, checkClusterCount, checkKnownAtPreview, checkMemberObject, checkOverrides, clusterCountPolicy, decisionOf, findDuplicateObjects,
    findResidencyViolations, overridesPolicy,
} from "../../../policy-pack/policies";
import { DEFAULTS } from "../../../policy-pack/policies";
import { memberResources, resourceArgs, stackResource, violations } from "../../../policy-pack/test/helpers";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
function fleet() {
    return [
        new kubefed.MemberCluster("sp-east", { clusterName: "east", kubeconfig: kc("east"), labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] }),
        new kubefed.MemberCluster("sp-eu", { clusterName: "eu", kubeconfig: kc("eu"), labels: { tier: "prod" }, region: "eu-central", zones: ["eu-central-1a"] }),
        new kubefed.MemberCluster("sp-west", { clusterName: "west", kubeconfig: kc("west"), labels: { tier: "prod" }, region: "us-west", zones: ["us-west-1b"] }),
    ];
}
const FACTS = {
    east: { labels: { tier: "prod" }, region: "us-east", zones: ["us-east-1a"] },
    eu: { labels: { tier: "prod" }, region: "eu-central", zones: ["eu-central-1a"] },
    west: { labels: { tier: "prod" }, region: "us-west", zones: ["us-west-1b"] },
};
const deployment = (name: string, image: pulumi.Input<string> = "nginx:1.25", extra: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "shop", labels: { app: name } },
    spec: { replicas: 2, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image }], ...extra } } },
});
const registry = { ...DEFAULTS.overrides, allowedRegistries: ["registry.example.com"] };
const FR = TYPES.federatedResource;

/** A member object as the policy server sees it: its type, the URN below its component, its provider's clusterIdentifier. */
function memberArgs(componentType: string, component: string, child: { type: string; name: string; inputs: unknown }, cluster: string, extraParent = "") {
    const urn = `urn:pulumi:test::kubefed::${componentType}$${extraParent}${child.type}::${child.name}`;
    return resourceArgs(child.type, child.name, child.inputs as Record<string, unknown>, {
        urn, config: registry, provider: { urn: `urn:pulumi:test::kubefed::pulumi:providers:kubernetes::${cluster}`, name: cluster, props: { clusterIdentifier: cluster } },
    });
}

/** The program's placement record as the policy server sees it (its outputs, as the mock engine received them). */
function placementRecord() {
    const props = outputsOf("kubefed-placements");
    assert.ok(props, "the program registered its placement record");
    return stackResource(TYPES.placements, "kubefed-placements", props);
}

describe("policy pack: one guard for every kind (issue 20)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    it("an Output image is recorded as unknown, reported at preview and judged on each member object (was read as docker.io/library/<output> and allowed)", async () => {
        const r = new kubefed.FederatedResource("oimg", { clusters: fleet(), placement: { clusters: [{ name: "east" }, { name: "west" }] },
            template: deployment("oimg", pulumi.output("evil.example.org/miner:1")) });
        await settle(r, ...Object.values(r.resources));
        const d = byName("oimg", FR).inputs.decision as kubefed.DecisionSummary;
        assert.deepEqual(d.placed.east.images, ["<output>"]);
        // at preview: never allowed, reported (advisory) as unknown
        assert.deepEqual(checkOverrides(FR, "oimg", d, registry), []);
        const known = checkKnownAtPreview(FR, "oimg", d);
        assert.equal(known.length, 1);
        assert.match(known[0], /images in "east", "west" are Outputs \(Outputs at template\.spec\.template\.spec\.containers\[0\]\.image\), unknown at preview/);
        // during up: each member object, with the resolved image, is judged before it is created
        for (const c of ["east", "west"]) {
            const child = byName(`oimg-${c}`, "kubernetes:apps/v1:Deployment");
            const v = await violations(overridesPolicy, memberArgs(FR, "oimg", child, c));
            assert.equal(v.length, 1, c);
            assert.match(v[0], new RegExp(`Deployment shop/oimg in cluster "${c}" .*evil\\.example\\.org/miner:1\\. Allowed: "registry\\.example\\.com"`));
        }
        // and an allowed one passes
        const ok = byName("oimg-east", "kubernetes:apps/v1:Deployment");
        assert.deepEqual(await violations(overridesPolicy, memberArgs(FR, "oimg", { ...ok, inputs: deployment("oimg", "registry.example.com/web:1") }, "east")), []);
    });

    it("an override replacing the containers with an Output list records an unknown image (was images: [], passing every rule)", async () => {
        const r = new kubefed.FederatedResource("olist", { clusters: fleet(), placement: { clusters: [{ name: "east" }] }, template: deployment("olist"),
            overrides: [{ clusterName: "east", clusterOverrides: [{ path: "/spec/template/spec/containers", value: pulumi.output([{ name: "x", image: "evil.example.org/x" }]) }] }] });
        await settle(r, ...Object.values(r.resources));
        const d = byName("olist", FR).inputs.decision as kubefed.DecisionSummary;
        assert.deepEqual(d.placed.east.images, ["<output>"]);
        assert.equal(checkKnownAtPreview(FR, "olist", d).length, 1);
        const v = await violations(overridesPolicy, memberArgs(FR, "olist", byName("olist-east", "kubernetes:apps/v1:Deployment"), "east"));
        assert.match(v.join("\n"), /evil\.example\.org\/x/);
    });

    it("an Output at /spec/replicas is refused at preview (was counted as running by kubefed-cluster-count)", () => {
        for (const [path, value] of [["/spec/replicas", pulumi.output(0)], ["/spec", { replicas: pulumi.output(0) }]] as const) {
            assert.throws(() => new kubefed.FederatedResource(`orep${path.length}`, { clusters: fleet(), placement: { clusterSelector: {} }, template: deployment("orep"),
                overrides: [{ clusterName: "east", clusterOverrides: [{ path, value }] }] }),
            /overrides\[0\]\.clusterOverrides\[0\]\.value(\.replicas)?: is an Output, but replica counts are what replica scheduling and the cluster-count policy judge/);
        }
        const t = deployment("orep");
        (t.spec as Record<string, unknown>).replicas = pulumi.output(0);
        assert.throws(() => new kubefed.FederatedResource("orep-t", { clusters: fleet(), placement: { clusterSelector: {} }, template: t }),
            /template\.spec\.replicas: is an Output, but replica counts are what/);
    });

    it("a dependency pulled by follow is recorded as placed where it is sent: residency and uniqueness see it", async () => {
        const clusters = fleet();
        const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop", labels: { residency: "eu" } }, stringData: { p: "x" } };
        const cfgA = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "shop" }, data: { a: "1" } };
        const s = new kubefed.FederatedResource("db", { clusters, placement: { clusters: [{ name: "eu" }] }, template: secret });
        const a = new kubefed.FederatedResource("a", { clusters, placement: { clusters: [{ name: "east" }] }, template: cfgA });
        const b = new kubefed.FederatedResource("b", { clusters, placement: { clusters: [{ name: "west" }] }, template: cfgA });
        const web = new kubefed.FederatedResource("web", { clusters, placement: { clusterSelector: {} }, dependencies: "follow",
            template: deployment("web", "nginx:1.25", { volumes: [{ name: "v", configMap: { name: "x" } }, { name: "s", secret: { secretName: "db" } }] }) });
        await settle(s, a, b, web);
        for (let i = 0; i < 20; i++) await new Promise(r => setImmediate(r));
        const out = (n: string) => recordedViewOf(n) as kubefed.DecisionSummary;
        assert.deepEqual(Object.keys(out("db").placed), ["east", "eu", "west"]);
        // the record holds the placement view; read as a decision, no cluster it is sent to is left excluded
        assert.equal(out("db").excluded, undefined, "exclusions are in the inputs' decision only");
        assert.deepEqual(kubefed.normalizeDecision(out("db"))!.excluded, {});
        assert.deepEqual(Object.keys(out("db").pulledBy ?? {}), ["east", "west"]);
        const stack = [...memberResources(FACTS), ...["db", "a", "b", "web"].map(n => stackResource(FR, n, {})), placementRecord()];
        const rules = { rules: [{ name: "eu-data", matchLabels: { residency: "eu" }, allowedRegions: ["eu-central"] }] };
        const res = findResidencyViolations(stack, rules);
        assert.equal(res.length, 1, res.map(x => x.message).join("\n"));
        assert.match(res[0].message, /FederatedResource "db".*"east" \(region "us-east"\).*"west" \(region "us-west"\)/);
        const dup = findDuplicateObjects(stack, { includeUnmanagedResources: true });
        assert.ok(dup.some(m => /ConfigMap shop\/x in cluster "west" is emitted by FederatedResource "a" and FederatedResource "b"/.test(m)), dup.join("\n"));
    });

    it("the stack policies judge the outputs' placement view exactly as they judge the whole decision (inputs)", async () => {
        const clusters = fleet();
        const gdpr = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "shop", labels: { residency: "eu" } }, data: { a: "1" } });
        const rs = [
            new kubefed.FederatedResource("everywhere", { clusters, placement: { clusterSelector: {} }, template: gdpr("everywhere") }),
            new kubefed.FederatedResource("in-eu", { clusters, placement: { clusters: [{ name: "eu" }] }, template: gdpr("in-eu") }),
            // an override that adds the residency label in one cluster only: judged by the labels sent there
            new kubefed.FederatedResource("relabelled", { clusters, placement: { clusterSelector: {} }, template: deployment("relabelled"),
                overrides: [{ clusterName: "west", clusterOverrides: [{ op: "add", path: "/metadata/labels/residency", value: "eu" }] }] }),
            // the same object as "in-eu" in eu: a duplicate
            new kubefed.FederatedResource("twin", { clusters, placement: { clusters: [{ name: "eu" }, { name: "east" }] }, template: gdpr("in-eu") }),
        ];
        const ns = new kubefed.FederatedNamespace("shop-ns", { clusters, namespaceName: "shop", placement: { clusterSelector: {} } });
        await settle(...rs, ns);
        for (let i = 0; i < 20; i++) await new Promise(r => setImmediate(r));
        const names: [string, string][] = [...["everywhere", "in-eu", "relabelled", "twin"].map(n => [FR, n] as [string, string]), [TYPES.federatedNamespace, "shop-ns"]];
        const stackOf = (pick: (type: string, n: string) => unknown) =>
            [...memberResources(FACTS), ...names.map(([t, n]) => stackResource(t, n, { decision: pick(t, n) }))];
        const viaInputs = stackOf((t, n) => byName(n, t).inputs.decision);
        // as the engine records a program: components without outputs, their views in the program's placement record
        const viaOutputs = [...memberResources(FACTS), ...names.map(([t, n]) => stackResource(t, n, {})), placementRecord()];
        for (const [t, n] of names) {
            assert.equal(outputsOf(n), undefined, `${n}: the component registers no outputs (no outputs step)`);
            const v = recordedViewOf(n);
            assert.equal(v.placed[Object.keys(v.placed)[0]].images, undefined, `${n}: what each cluster is sent is in the inputs only`);
            assert.deepEqual(placedOf(v), placedOf(byName(n, t).inputs.decision), n);
        }
        const rules = { rules: [{ name: "eu-data", matchLabels: { residency: "eu" }, allowedRegions: ["eu-central"] }] };
        const res = findResidencyViolations(viaOutputs, rules);
        assert.deepEqual(res, findResidencyViolations(viaInputs, rules));
        // the view in a component's own outputs (built for another language by the package's provider) is judged alike
        assert.deepEqual(findResidencyViolations(stackOf((_t, n) => recordedViewOf(n)), rules), res);
        // the record wins over a component's older outputs, which the engine keeps after an upgrade
        const stale = { ...recordedViewOf("twin"), placed: { west: {} } };
        const upgraded = [...memberResources(FACTS), ...names.map(([t, n]) => stackResource(t, n, n === "twin" ? { decision: stale } : {})), placementRecord()];
        assert.deepEqual(findResidencyViolations(upgraded, rules), res);
        assert.deepEqual(res.map(v => v.message.slice(0, v.message.indexOf(" ("))).sort(),
            ['FederatedResource "everywhere"', 'FederatedResource "relabelled"', 'FederatedResource "twin"'], res.map(v => v.message).join("\n"));
        assert.match(res.find(v => v.message.includes('"relabelled"'))!.message, /placed in "west"/);
        const dup = findDuplicateObjects(viaOutputs, { includeUnmanagedResources: true });
        assert.deepEqual(dup, findDuplicateObjects(viaInputs, { includeUnmanagedResources: true }));
        assert.equal(dup.length, 1, dup.join("\n"));
        assert.match(dup[0], /ConfigMap shop\/in-eu in cluster "eu" is emitted by FederatedResource "in-eu" and FederatedResource "twin"/);
    });

    it("charts and kustomizations record the decision every kind records, and the pack judges it", async () => {
        const clusters = fleet();
        const chart = new kubefed.FederatedChart("hello", { clusters, chart: "./charts/hello", placement: { clusters: [{ name: "east" }] },
            replicaScheduling: { totalReplicas: 3 }, replicasPath: "replicaCount" });
        const kust = new kubefed.FederatedKustomization("kz", { clusters, directory: "./base", placement: { clusterSelector: {} },
            namespace: "shop" });
        await settle(chart, kust);
        const cd = decisionOf(TYPES.federatedChart, byName("hello", TYPES.federatedChart).inputs)!;
        assert.equal(cd.kind, "Chart");
        assert.deepEqual(Object.keys(cd.placed), ["east", "eu", "west"]); // replica scheduling decides placement, as for a Deployment
        assert.deepEqual(cd.placed.east.images, ["<rendered>"]);
        // replica scheduling makes it a subject of kubefed-cluster-count, as for a Deployment
        const few = checkClusterCount(TYPES.federatedChart, "hello", { ...cd, placed: { east: { replicas: 3, overrides: [], images: [] } } }, { ...DEFAULTS.clusterCount });
        assert.match(few.join("\n"), /FederatedChart "hello" \(helm\.sh\/v4 Chart hello\) runs in 1 cluster with replicas/);
        assert.deepEqual(await violations(clusterCountPolicy, resourceArgs(TYPES.federatedChart, "hello", byName("hello", TYPES.federatedChart).inputs)), []);
        // <rendered> is judged on the rendered objects, not read as an image
        assert.deepEqual(checkOverrides(TYPES.federatedChart, "hello", cd, registry), []);
        const kd = decisionOf(TYPES.federatedKustomization, byName("kz", TYPES.federatedKustomization).inputs)!;
        assert.deepEqual(Object.keys(kd.placed), ["east", "eu", "west"]);
        assert.equal(kd.namespace, "shop");
    });

    it("what a chart renders is judged per member object: images (also during up) and residency", async () => {
        const chartChild = { type: "kubernetes:apps/v1:Deployment", name: "hello-west:shop/hello",
            inputs: { ...deployment("hello", "evil.example.org/hello:1"), metadata: { name: "hello", namespace: "shop", labels: { residency: "eu" } } } };
        const parent = "kubernetes:helm.sh/v4:Chart$";
        const v = checkMemberObject(chartChild.type, chartChild.name, `urn:pulumi:test::kubefed::${TYPES.federatedChart}$${parent}${chartChild.type}::${chartChild.name}`,
            chartChild.inputs, { props: { clusterIdentifier: "west" } }, registry);
        assert.match(v.join("\n"), /Deployment shop\/hello in cluster "west" .*emitted by a FederatedChart\) runs images .*evil\.example\.org\/hello:1/);
        // a plain Kubernetes resource of the program is not a member object: not judged by this rule
        assert.deepEqual(checkMemberObject(chartChild.type, "mine", `urn:pulumi:test::kubefed::${chartChild.type}::mine`, chartChild.inputs, undefined, registry), []);
        // residency: the rendered object's labels in the cluster its provider deploys to
        const members = memberResources(FACTS);
        const provider = stackResource("pulumi:providers:kubernetes", "west", {}, { parent: members.find(m => m.name === "west") });
        const rendered = { ...stackResource(chartChild.type, chartChild.name, chartChild.inputs, { provider: { urn: provider.urn, name: "west" } }),
            urn: `urn:pulumi:test::kubefed::${TYPES.federatedChart}$${parent}${chartChild.type}::${chartChild.name}` };
        const res = findResidencyViolations([...members, provider, rendered], { rules: [{ matchLabels: { residency: "eu" }, allowedRegions: ["eu-central"] }] });
        assert.equal(res.length, 1, JSON.stringify(res));
        assert.match(res[0].message, /Deployment shop\/hello rendered by a FederatedChart \("hello-west:shop\/hello"\).*"west" \(region "us-west"\)/);
    });

    it("charts place with spread constraints like every kind (was: a, b and c)", async () => {
        const clusters = [
            new kubefed.MemberCluster("sc-a", { clusterName: "a", kubeconfig: kc("a"), region: "r1" }),
            new kubefed.MemberCluster("sc-b", { clusterName: "b", kubeconfig: kc("b"), region: "r1" }),
            new kubefed.MemberCluster("sc-c", { clusterName: "c", kubeconfig: kc("c"), region: "r2" }),
        ];
        const placement = { clusterSelector: {}, spreadConstraints: [{ spreadByField: "region" as const, maxGroups: 1 }] };
        const r = new kubefed.FederatedResource("spr", { clusters, placement, template: deployment("spr") });
        const c = new kubefed.FederatedChart("sprc", { clusters, chart: "./charts/hello", placement });
        const k = new kubefed.FederatedKustomization("sprk", { clusters, directory: "./base", placement });
        await settle(r, c, k);
        assert.deepEqual(r.clusterNames, ["a", "b"]);
        assert.deepEqual(c.clusterNames, ["a", "b"]);
        assert.deepEqual(k.clusterNames, ["a", "b"]);
        assert.deepEqual(registered.filter(x => x.type === "kubernetes:helm.sh/v4:Chart").map(x => x.name).sort(), ["sprc-a", "sprc-b"]);
    });
});

/** Placed clusters with the labels each is sent (the template's unless overrides changed them). */
function placedOf(d: kubefed.DecisionSummary): Record<string, Record<string, string>> {
    return Object.fromEntries(Object.keys(d.placed).map(c => [c, d.placed[c].labels ?? d.labels]));
}
