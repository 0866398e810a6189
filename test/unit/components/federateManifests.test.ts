import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { registered, reset, settle, byName } from "../../support/harness";
import * as kubefed from "../../../src";
import { decodeObjects } from "../../../src/member/objectsCodec";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const fleet = () => [new kubefed.MemberCluster("fd-a", { clusterName: "fda", kubeconfig: kc("a") }), new kubefed.MemberCluster("fd-b", { clusterName: "fdb", kubeconfig: kc("b") })];
const cm = (ns: string, name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  k: v`;

describe("components: federate() as a component (issue 10)", () => {
    beforeEach(reset);

    it("parents what it creates, keeps the historical child names and aliases the former parent", async () => {
        const set = kubefed.federate("fda1", { clusters: fleet(), yaml: cm("shop", "settings") });
        assert.ok(set instanceof kubefed.FederatedManifests);
        await settle(set, ...Object.values(set.resources), ...Object.values(set.resources["configmap-shop-settings"].resources));
        const comp = byName("fda1", "pulumi-kubefed:index:FederatedManifests");
        assert.deepEqual(comp.inputs.objects, ["/v1/ConfigMap/shop/settings"]);
        const fr = byName("fda1-configmap-shop-settings", "pulumi-kubefed:index:FederatedResource");
        assert.match(fr.parent, /FederatedManifests::fda1$/);
        assert.ok(byName("fda1-configmap-shop-settings-fda"), "member objects keep <prefix>-<kind>-<ns>-<name>-<cluster>");
    });

    it("honours every federation option: status, forceOwnership, orphanOnDelete, waitForReady", async () => {
        const set = kubefed.federate("fdo", { clusters: fleet(), yaml: cm("shop", "opts"), status: false, forceOwnership: false, orphanOnDelete: true, waitForReady: false });
        const r = set.resources["configmap-shop-opts"];
        await settle(set, r, ...Object.values(r.resources));
        // status: false reads nothing back; orphan mode still has each member's read-back unlabel on delete
        assert.ok(r.statusKey);
        const tracked = registered.filter(x => x.type === "pulumi-nodejs:dynamic/kubefed:MemberReadBack").map(x => (decodeObjects(x.inputs.objects) as any)?.[r.statusKey!]).filter(Boolean);
        assert.ok(tracked.length > 0, "tracked by the members' read-backs");
        for (const t of tracked) assert.deepEqual([t.observe, t.orphan], [false, true]);
        const obj = byName("fdo-configmap-shop-opts-fda");
        assert.equal(obj.inputs.metadata.annotations["pulumi.com/patchForce"], undefined, "forceOwnership: false is not force-overwrite");
        assert.equal(obj.inputs.metadata.annotations["pulumi.com/skipAwait"], "true");
        assert.equal(obj.retainOnDelete, true);
    });

    it("keys objects by group/version/kind/namespace/name: ConfigMap a-b/c and a/b-c are two objects", async () => {
        const set = kubefed.federate("fdk", { clusters: fleet(), yaml: [cm("a-b", "c"), cm("a", "b-c")].join("\n---\n") });
        assert.deepEqual(Object.keys(set.byObject).sort(), ["/v1/ConfigMap/a-b/c", "/v1/ConfigMap/a/b-c"]);
        const keys = Object.keys(set.resources).sort();
        assert.equal(keys.length, 2);
        assert.ok(keys.every(k => /^configmap-a-b-c-[0-9a-f]{8}$/.test(k)), keys.join(", "));
        await settle(set, ...Object.values(set.resources));
        assert.deepEqual(Object.values(set.resources).map(r => `${r.template.metadata.namespace}/${r.template.metadata.name}`).sort(), ["a-b/c", "a/b-c"]);
    });

    it("the same object twice is an error naming federate, both documents and the fix", () => {
        assert.throws(() => kubefed.federate("fdd", { clusters: fleet(), yaml: [cm("s", "x"), cm("s", "x")].join("\n---\n") }),
            /^Error: federate fdd: document 2 \(ConfigMap s\/x\) appears twice \(also document 1\); remove one of them/);
    });

    const errors: [string, () => unknown, RegExp][] = [
        ["a missing file", () => kubefed.federate("fde", { clusters: fleet(), file: "/nonexistent/app.yaml" }),
            /^federate fde: file "\/nonexistent\/app\.yaml" does not exist .*; pass the path of a YAML file/],
        ["neither yaml nor file", () => kubefed.federate("fde", { clusters: fleet() }), /^federate fde: pass yaml .* or file/],
        ["a document without metadata", () => kubefed.federate("fde", { clusters: fleet(), yaml: "apiVersion: v1\nkind: ConfigMap\ndata: {}" }),
            /^federate fde: document 1 \(ConfigMap\) has no metadata\.name; every object needs apiVersion, kind and metadata\.name/],
        ["a scalar document", () => kubefed.federate("fde", { clusters: fleet(), yaml: "just text" }), /^federate fde: document 1 is not a Kubernetes object/],
        ["invalid YAML", () => kubefed.federate("fde", { clusters: fleet(), yaml: "a: [1" }), /^federate fde: document 1 is not valid YAML: [\s\S]*; fix the YAML/],
        ["an object the component refuses", () => kubefed.federate("fde", { clusters: fleet(), yaml: cm("Bad_NS", "x") }),
            /^federate fde: document 1 \(ConfigMap Bad_NS\/x\): FederatedResource fde-configmap-bad_ns-x: .*metadata\.namespace/],
    ];
    for (const [what, f, re] of errors) {
        it(`${what}: the error names federate, the document and the fix (no bare ENOENT or TypeError)`, () => {
            assert.throws(f, (e: unknown) => {
                assert.ok(!(e instanceof TypeError), String(e));
                assert.match((e as Error).message, re);
                assert.doesNotMatch((e as Error).message, /^ENOENT/);
                return true;
            });
        });
    }
});
