import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle, byName, value } from "../../support/harness";
import * as kubefed from "../../../src";

/* Issue 10: Outputs and secrets in templates and override values (mocked engine; test/e2e/outputs.test.ts runs the
 * same under the real engine and scans the state). */
const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
function fleet() {
    return [
        new kubefed.MemberCluster("out-a", { clusterName: "oa", kubeconfig: kc("a"), labels: { tier: "prod" } }),
        new kubefed.MemberCluster("out-b", { clusterName: "ob", kubeconfig: kc("b"), labels: { tier: "prod" } }),
    ];
}
const deployment = (name: string, image: pulumi.Input<string>) => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "shop", labels: { app: name } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image }] } } },
});
const TOJSON = /Calling \[toJSON\]/;
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The registration with secret markers removed, and whether `path` (dotted) sits under a secret marker. */
function unwrap(v: any): any {
    if (Array.isArray(v)) return v.map(unwrap);
    if (v && typeof v === "object") {
        if (v["4dabf18193072939515e22adb298388d"] === SECRET_SIG) return unwrap(v.value);
        return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, unwrap(e)]));
    }
    return v;
}
function secretAt(v: any, path: (string | number)[]): boolean {
    let cur = v;
    for (const p of path) {
        if (cur && cur["4dabf18193072939515e22adb298388d"] === SECRET_SIG) return true;
        cur = cur?.[p];
    }
    return !!cur && cur["4dabf18193072939515e22adb298388d"] === SECRET_SIG;
}

describe("components: Outputs and secrets in templates and override values", () => {
    beforeEach(reset);

    it("an Output image lands in every member object; the decision shows <output> and where it came from", async () => {
        const tag = pulumi.output("1.27");
        const r = new kubefed.FederatedResource("ow", { clusters: fleet(), placement: { clusterSelector: {} },
            template: deployment("ow", pulumi.interpolate`nginx:${tag}`) });
        await settle(r, ...Object.values(r.resources));
        for (const c of ["oa", "ob"]) {
            assert.equal(unwrap(byName(`ow-${c}`).inputs).spec.template.spec.containers[0].image, "nginx:1.27");
            assert.equal((await value(pulumi.output(r.objects[c]) as pulumi.Output<any>)).spec.template.spec.containers[0].image, "nginx:1.27");
        }
        const d = byName("ow", "pulumi-kubefed:index:FederatedResource").inputs.decision;
        assert.deepEqual([d.placed.oa.images, d.placed.ob.images], [["<output>"], ["<output>"]]);
        assert.deepEqual(d.outputPaths, ["template.spec.template.spec.containers[0].image"]);
        assert.doesNotMatch(JSON.stringify(registered.map(x => x.inputs)), TOJSON);
    });

    it("a secret in a federated Secret stays secret in the member object and never reaches the decision", async () => {
        const password = pulumi.secret("s3cr3t-pw");
        const r = new kubefed.FederatedResource("osec", { clusters: fleet(), placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop" }, stringData: { password } } });
        await settle(r, ...Object.values(r.resources));
        for (const c of ["oa", "ob"]) {
            assert.equal(unwrap(byName(`osec-${c}`).inputs).stringData.password, "s3cr3t-pw", "the member gets the value");
            assert.ok(secretAt(byName(`osec-${c}`).inputs, ["stringData", "password"]), "sent as a secret");
            assert.equal(await pulumi.isSecret(pulumi.output(r.objects[c])), true, "the object sent is secret");
        }
        const comp = byName("osec", "pulumi-kubefed:index:FederatedResource");
        assert.ok(!JSON.stringify(comp.inputs).includes("s3cr3t-pw"), "the decision holds no secret");
        assert.ok(!JSON.stringify(r.decision).includes("s3cr3t-pw"));
        assert.doesNotMatch(JSON.stringify(comp.inputs), TOJSON);
    });

    it("a key named __proto__ (valid in a ConfigMap, dropped by Pulumi's SDK) is refused before anything registers, naming the field", async () => {
        // JSON.parse makes `__proto__` an own key, as YAML or config input would
        const data = { ...JSON.parse('{"__proto__": "kept", "plain": "x"}'), tag: pulumi.output("1.27") };
        assert.throws(() => new kubefed.FederatedResource("oproto", { clusters: fleet(), placement: { clusterSelector: {} },
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p", namespace: "shop" }, data } }),
        /FederatedResource oproto: template\.data\.__proto__: is a key named __proto__, which Pulumi cannot send to a resource \(its SDK drops the key\); rename the key/);
        assert.equal(registered.filter(x => x.name.startsWith("oproto")).length, 0);
    });

    it("an Output as an override value is put in, not the text of Pulumi's toJSON error", async () => {
        const image = pulumi.output("nginx:1.28");
        const r = new kubefed.FederatedResource("oov", { clusters: fleet(), placement: { clusterSelector: {} },
            template: deployment("oov", "nginx:1.25"),
            overrides: [{ clusterName: "ob", clusterOverrides: [{ path: "/spec/template/spec/containers/0/image", value: image },
                { op: "add", path: "/spec/template/spec/containers/0/env", value: [{ name: "PW", value: pulumi.secret("envpw") }] }] }] });
        await settle(r, ...Object.values(r.resources));
        assert.equal(unwrap(byName("oov-oa").inputs).spec.template.spec.containers[0].image, "nginx:1.25");
        assert.ok(secretAt(byName("oov-ob").inputs, ["spec", "template", "spec", "containers", 0, "env", 0, "value"]), "the env value is sent as a secret");
        const b = unwrap(byName("oov-ob").inputs).spec.template.spec.containers[0];
        assert.equal(b.image, "nginx:1.28");
        assert.deepEqual(b.env, [{ name: "PW", value: "envpw" }]);
        assert.equal(await pulumi.isSecret(pulumi.output(r.objects.ob)), true);
        assert.equal(pulumi.Output.isInstance(r.objects.oa), false, "a member without Outputs gets a plain object");
        const d = byName("oov", "pulumi-kubefed:index:FederatedResource").inputs.decision;
        assert.deepEqual(d.placed.ob.overrides, ["/spec/template/spec/containers/0/image", "/spec/template/spec/containers/0/env"]);
        assert.ok(!JSON.stringify(d).includes("envpw"));
        assert.doesNotMatch(JSON.stringify(registered.map(x => x.inputs)), TOJSON);
    });

    const refused: [string, () => kubefed.FederatedResourceArgs, RegExp][] = [
        ["metadata.name", () => ({ clusters: fleet(), template: { ...deployment("x", "i"), metadata: { name: pulumi.output("x") as any } } }),
            /template\.metadata\.name: is an Output, but metadata\.name identifies the object/],
        ["a label value", () => ({ clusters: fleet(), template: { ...deployment("x", "i"), metadata: { name: "x", labels: { app: pulumi.output("x") as any } } } }),
            /template\.metadata\.labels\.app: is an Output, but labels are what placement/],
        ["kind", () => ({ clusters: fleet(), template: { ...deployment("x", "i"), kind: pulumi.output("Deployment") as any } }),
            /template\.kind: is an Output/],
        ["placement", () => ({ clusters: fleet(), template: deployment("x", "i"), placement: { clusters: [{ name: pulumi.output("oa") as any }] } }),
            /placement\.clusters\[0\]\.name: is an Output, but placement decides/],
        ["an override path", () => ({ clusters: fleet(), template: deployment("x", "i"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "oa", clusterOverrides: [{ path: pulumi.output("/spec/x") as any, value: 1 }] }] }),
            /overrides\[0\]\.clusterOverrides\[0\]\.path: is an Output, but which clusters and paths are overridden/],
        ["an override cluster", () => ({ clusters: fleet(), template: deployment("x", "i"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: pulumi.output("oa") as any, clusterOverrides: [] }] }),
            /overrides\[0\]\.clusterName: is an Output/],
        ["a label set by an override", () => ({ clusters: fleet(), template: deployment("x", "i"), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "oa", clusterOverrides: [{ path: "/metadata/labels/tier", value: pulumi.output("gold") }] }] }),
            /overrides\[0\]\.clusterOverrides\[0\]\.value: is an Output, but labels/],
        ["replica scheduling", () => ({ clusters: fleet(), template: deployment("x", "i"), replicaScheduling: { totalReplicas: pulumi.output(3) as any } }),
            /replicaScheduling\.totalReplicas: is an Output, but replica scheduling decides/],
    ];
    for (const [what, args, re] of refused) {
        it(`an Output in ${what} is an error naming the field and why`, () => {
            assert.throws(() => new kubefed.FederatedResource("oerr", args()), (e: unknown) => {
                assert.match((e as Error).message, /^FederatedResource oerr: /);
                assert.match((e as Error).message, re);
                return true;
            });
        });
    }
});
