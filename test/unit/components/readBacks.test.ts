import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byName, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { memberList } from "../../../src/components/memberList";
import { resetProgramEndForTests } from "../../../src/components/programEnd";
import { ReadBackRegistry, currentReadBacks, programReadBacks, withReadBacks } from "../../../src/components/readBacks";
import { decodeObjects } from "../../../src/member/objectsCodec";
import { constructComponent } from "../../../src/package/provider";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const READ_BACK = "pulumi-nodejs:dynamic/kubefed:MemberReadBack";
const SIG = "4dabf18193072939515e22adb298388d";
const objectsOf = (name: string) => {
    const v = byName(name, READ_BACK).inputs.objects;
    return decodeObjects(v && typeof v === "object" && SIG in v ? v.value : v) as Record<string, unknown>;
};
const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" }, data: { a: "1" } });

describe("components: the read-back registry and the member list (mocked engine)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    it("a program's objects reach the member's own read-back through the registry, with no property set on the member", async () => {
        const m = new kubefed.MemberCluster("rb-a", { clusterName: "rba", kubeconfig: kc("a") });
        const web = new kubefed.FederatedResource("rb-web", { clusters: [m], template: configMap("rb-web"), placement: { clusterSelector: {} } });
        await settle(web, m.readBack!);
        assert.deepEqual(Object.keys(objectsOf("rb-a-readback")), ["rb-web"]);
        assert.equal(programReadBacks.of(m).existing(), m.readBack, "the registry holds the member's read-back");
        assert.ok(!Object.getOwnPropertyNames(m).some(p => /tracker/i.test(p)), Object.getOwnPropertyNames(m).join(", "));
    });

    it("withReadBacks scopes a registry to one construction, and restores the previous one even when it throws", () => {
        const scoped = new ReadBackRegistry("a test");
        assert.equal(currentReadBacks(), programReadBacks);
        assert.equal(withReadBacks(scoped, () => currentReadBacks()), scoped);
        assert.equal(currentReadBacks(), programReadBacks);
        assert.throws(() => withReadBacks(scoped, () => { throw new Error("boom"); }), /boom/);
        assert.equal(currentReadBacks(), programReadBacks);
        const m = new kubefed.MemberCluster("rb-s", { clusterName: "rbs", kubeconfig: kc("s") });
        assert.throws(() => scoped.of(m), /internal error: member "rbs" has no read-back in a test/);
    });

    it("the package provider gives each federated component a read-back of its own per member; the member's own one does not list its objects", async () => {
        const T = "pulumi-kubefed:index:";
        const urn = (r: { urn: pulumi.Input<string> }) => new Promise<string>(res => pulumi.output(r.urn).apply(u => { res(u); return u; }));
        const member = await urn(await constructComponent("rb-p", `${T}MemberCluster`, { kubeconfig: "apiVersion: v1\nkind: Config\n" }, {}));
        await constructComponent("rb-pweb", `${T}FederatedResource`, { clusters: [member], template: configMap("rb-pweb"), placement: { clusterSelector: {} } }, {});
        await new Promise(r => setTimeout(r, 50));
        assert.deepEqual(Object.keys(objectsOf("rb-p-readback-resource-rb-pweb")), ["rb-pweb"]);
        assert.equal(byName("rb-p-readback-resource-rb-pweb", READ_BACK).inputs.health, false, "health stays with the member's own read-back");
        assert.deepEqual(objectsOf("rb-p-readback"), {});
    });

    it("a member list is checked once per list, and the core's problems name the member where the program put it", () => {
        const zz = new kubefed.MemberCluster("rb-zz", { clusterName: "zz", kubeconfig: kc("zz") });
        const aa = new kubefed.MemberCluster("rb-aa", { clusterName: "aa", kubeconfig: kc("aa") });
        const clusters = [zz, aa];
        const list = memberList("FederatedResource t", clusters);
        assert.deepEqual(list.members.map(m => m.clusterName), ["aa", "zz"]);
        assert.deepEqual(list.infos.map(i => i.name), ["aa", "zz"]);
        assert.equal(memberList("FederatedResource u", clusters), list, "the same list again is not checked again");
        // sorted, the duplicate is the second entry; in the program's list it is the third
        assert.throws(() => memberList("FederatedResource v", [zz, aa, aa]), (e: Error) => {
            assert.match(e.message, /^FederatedResource v: clusters\[2\]\.name: cluster "aa" is listed more than once/);
            return true;
        });
        assert.throws(() => memberList("FederatedResource w", [zz, {} as kubefed.MemberCluster]), /FederatedResource w: clusters\[1\]: is not a MemberCluster/);
    });
});
