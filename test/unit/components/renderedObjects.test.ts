import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle, byName, value } from "../../support/harness";
import * as kubefed from "../../../src";
import { RenderedObjects, renderedKey } from "../../../src/components/renderedObjects";
import { mergeGroups, programReadBacks } from "../../../src/components/readBacks";
import { decodeObjects } from "../../../src/member/objectsCodec";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const TYPE = "pulumi-nodejs:dynamic/kubefed:MemberReadBack";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const unwrap = (v: any) => decodeObjects(v && typeof v === "object" && SIG in v ? v.value : v) as any;

/** A child as the engine hands it to a transform (secrets in their wire form). */
function child(type: string, name: string, props: Record<string, unknown>): pulumi.ResourceTransformArgs {
    return { type, name, custom: true, props, opts: {} };
}
const deployment = (name: string, replicas: number) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "apps", labels: { "app.kubernetes.io/name": "hello" } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } } },
});

describe("components: objects rendered by charts and kustomizations are read back (mocked engine)", () => {
    beforeEach(reset);

    it("the transform labels each rendered object and the member's read-back tracks it under <component>/<Kind>/<namespace>/<name>, Secrets as secrets", async () => {
        const m = new kubefed.MemberCluster("ro-a", { clusterName: "roa", kubeconfig: kc("a") });
        const r = new RenderedObjects("FederatedChart", "hello", programReadBacks.of(m), true);
        assert.equal(r.transforms.length, 1);
        const out = r.transforms[0](child("kubernetes:apps/v1:Deployment", "hello-roa:apps/hello-hello", deployment("hello-hello", 2))) as pulumi.ResourceTransformResult;
        assert.deepEqual((out.props as any).metadata.labels, { "app.kubernetes.io/name": "hello", "kubefed.io/managed": "true" }, "KubeFed's managed label added");
        assert.deepEqual((out.props as any).metadata.annotations, { "pulumi.com/patchForce": "true" }, "up takes drifted fields back, as for federated objects");
        assert.equal(out.opts, undefined, "the child's options are left exactly as they came");
        const cm = r.transforms[0](child("kubernetes:core/v1:ConfigMap", "hello-roa:apps/cfg",
            { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "apps", annotations: { "pulumi.com/patchForce": "false" } }, data: { a: "1" } })) as pulumi.ResourceTransformResult;
        assert.deepEqual((cm.props as any).metadata.labels, { "kubefed.io/managed": "true" });
        assert.equal((cm.props as any).metadata.annotations["pulumi.com/patchForce"], "false", "the chart's own choice stands");
        const sec = r.transforms[0](child("kubernetes:core/v1:Secret", "hello-roa:apps/db",
            { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "apps" }, data: { [SIG]: SECRET, value: { password: "aHVudGVyMg==" } } })) as pulumi.ResourceTransformResult;
        assert.deepEqual((sec.props as any).data, { [SIG]: SECRET, value: { password: "aHVudGVyMg==" } }, "the secret goes back to the engine as a secret");
        r.transforms[0](child("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "hello-roa:view",
            { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "view" }, rules: [] }));
        // not Kubernetes objects: untouched, not tracked
        assert.equal(r.transforms[0](child("random:index:RandomPet", "pet", { length: 2 })), undefined);
        assert.equal(r.transforms[0]({ ...child("kubernetes:apps/v1:Deployment", "x", {}), custom: false }), undefined);

        // a remote component, as the Kubernetes provider's Chart is
        const chart = new pulumi.ComponentResource("kubernetes:helm.sh/v4:Chart", "hello-roa", {}, { parent: m }, true);
        r.track(chart);
        await settle(m, chart, m.readBack!);
        const rb = byName("ro-a-readback", TYPE);
        const objects = unwrap(rb.inputs.objects);
        const secrets = unwrap(rb.inputs.secretObjects);
        assert.deepEqual(Object.keys(objects), ["hello/ClusterRole/view", "hello/ConfigMap/apps/cfg", "hello/Deployment/apps/hello-hello"]);
        assert.deepEqual(Object.keys(secrets), ["hello/Secret/apps/db"]);
        const d = objects["hello/Deployment/apps/hello-hello"];
        assert.deepEqual(d.target, { apiVersion: "apps/v1", kind: "Deployment", name: "hello-hello", namespace: "apps" });
        assert.deepEqual(d.source, { type: "FederatedChart", name: "hello" });
        assert.deepEqual(d.desired, (out.props as any), "the desired state is what was sent, label included");
        assert.equal(secrets["hello/Secret/apps/db"].desired.data.password, "aHVudGVyMg==");
        assert.ok(rb.raw.secretObjects[SIG], "secret objects sent as a secret");
        assert.equal(typeof rb.raw.objects, "string", "the plain map stays plain (no secret value leaked into it)");
        assert.ok(!rb.raw.objects.includes(SIG));
        assert.ok(rb.dependencies.includes(await value(chart.urn)), "the read-back runs after the rendering component");
        assert.equal(renderedKey("k", { kind: "Namespace", name: "apps" }), "k/Namespace/apps");
    });

    it("records and groups share one key space per member: group keys taken already get #2", async () => {
        const out = mergeGroups({ a: 1 }, new Set(["a", "s"]), [{ b: 2, a: 3 }, undefined, { b: 4, s: 5 }]);
        assert.deepEqual(out, { a: 1, "a#2": 3, b: 2, "b#2": 4, "s#2": 5 });
        const m = new kubefed.MemberCluster("ro-b", { clusterName: "rob", kubeconfig: kc("b") });
        const cm = (name: string) => ({ target: { apiVersion: "v1", kind: "ConfigMap", name }, desired: { data: { name } } });
        const tracker = programReadBacks.of(m);
        const res = new pulumi.ComponentResource("test:index:Thing", "thing", {}, { parent: m });
        // a group whose map resolves later than the program's records
        let later: (v: Record<string, unknown>) => void = () => undefined;
        const pending = new Promise<Record<string, unknown>>(res => { later = res; });
        tracker.trackGroup({ name: "z", objects: pulumi.output(pending) as any, secretObjects: {}, resource: res });
        tracker.trackGroup({ name: "a", objects: { "x/ConfigMap/c": cm("c") }, secretObjects: {}, resource: res });
        tracker.track({ name: "x/ConfigMap/c", tracked: cm("own"), secret: false, resource: res });
        setTimeout(() => later({ "x/ConfigMap/c": cm("late") }), 20);
        await settle(m, res, m.readBack!);
        const objects = unwrap(byName("ro-b-readback", TYPE).inputs.objects);
        assert.deepEqual(Object.keys(objects), ["x/ConfigMap/c", "x/ConfigMap/c#2", "x/ConfigMap/c#3"]);
        assert.deepEqual([objects["x/ConfigMap/c"].target.name, objects["x/ConfigMap/c#2"].target.name, objects["x/ConfigMap/c#3"].target.name],
            ["own", "c", "late"], "records first, then groups in the order of their names");
    });

    it("FederatedChart and FederatedKustomization register without transforms where the engine has none (mocks)", async () => {
        const clusters = [new kubefed.MemberCluster("ro-c", { clusterName: "roc", kubeconfig: kc("c") })];
        const chart = new kubefed.FederatedChart("rohello", { clusters, chart: "./charts/hello", placement: { clusterSelector: {} } });
        const k = new kubefed.FederatedKustomization("rokust", { clusters, directory: "./base", placement: { clusterSelector: {} } });
        await settle(chart, k, ...Object.values(chart.charts), ...Object.values(k.directories), clusters[0].readBack!);
        assert.deepEqual(unwrap(byName("ro-c-readback", TYPE).inputs.objects), {});
        assert.ok(registered.some(x => x.name === "rohello-roc") && registered.some(x => x.name === "rokust-roc"));
    });
});
