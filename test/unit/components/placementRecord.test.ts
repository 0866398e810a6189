import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byName, outputsOf, registered, registeredOutputs, reset, settle } from "../../support/harness";
import * as kubefed from "../../../src";
import { componentType } from "../../../src/components/base";
import { PlacementView } from "../../../src/core";
import { PLACEMENTS_NAME, PLACEMENTS_TYPE, recordPerComponent } from "../../../src/components/placementRecord";
import { resetProgramEndForTests, whenProgramDone } from "../../../src/components/programEnd";
import { TYPES } from "../../../policy-pack/policies";

const kc = (n: string) => pulumi.secret(`apiVersion: v1\nkind: Config\n# ${n}\n`);
const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "shop" }, data: { a: "1" } });
const turns = async () => { for (let i = 0; i < 20; i++) await new Promise(r => setImmediate(r)); };
const fleet = (p: string) => ["east", "west"].map(c => new kubefed.MemberCluster(`${p}-${c}`, { clusterName: c, kubeconfig: kc(c), labels: { tier: "prod" } }));

describe("components: one placement record per program, no outputs step per component (issue 23)", () => {
    beforeEach(() => { reset(); resetProgramEndForTests(); });

    it("records every federated component's placement view once, keyed by URN and sorted, and the components register no outputs", async () => {
        const clusters = fleet("pr");
        // declared out of name order: the record must not depend on it
        const b = new kubefed.FederatedResource("pr-b", { clusters, template: configMap("b"), placement: { clusters: [{ name: "west" }] } });
        const ns = new kubefed.FederatedNamespace("pr-ns", { clusters, namespaceName: "shop", placement: { clusterSelector: {} } });
        const a = new kubefed.FederatedResource("pr-a", { clusters, template: configMap("a"), placement: { clusterSelector: {} } });
        await settle(a, b, ns);
        await turns();
        const records = registered.filter(r => r.type === PLACEMENTS_TYPE);
        assert.deepEqual(records.map(r => [r.name, r.parent]), [[PLACEMENTS_NAME, ""]], "one record, at the stack's root");
        const views = outputsOf(PLACEMENTS_NAME).placements as Record<string, PlacementView>;
        const urns = Object.keys(views);
        assert.deepEqual(urns, [...urns].sort(), "sorted by URN");
        // FederatedNamespace sorts before FederatedResource in the URN's type
        assert.deepEqual(urns.map(u => u.split("::").pop()), ["pr-ns", "pr-a", "pr-b"]);
        assert.deepEqual(Object.keys(views[urns[1]].placed), ["east", "west"]);
        assert.deepEqual(Object.keys(views[urns[2]].placed), ["west"]);
        assert.equal(views[urns[2]].name, "b");
        for (const n of ["pr-a", "pr-b", "pr-ns"]) assert.equal(outputsOf(n), undefined, `${n} registers no outputs`);
        // members keep theirs (the residency policy reads their facts)
        assert.equal(outputsOf("pr-east").clusterName, "east");
    });

    it("registers no record when nothing is federated", async () => {
        const [m] = fleet("none");
        await settle(m);
        await turns();
        assert.equal(registered.filter(r => r.type === PLACEMENTS_TYPE).length, 0);
    });

    it("a component declared after the program finished records its view in its own outputs, with a warning", async () => {
        const clusters = fleet("late");
        const early = new kubefed.FederatedResource("late-early", { clusters, template: configMap("early"), placement: { clusterSelector: {} } });
        await settle(early);
        await whenProgramDone();
        await turns();
        const late = new kubefed.FederatedResource("late-late", { clusters, template: configMap("late"), placement: { clusterSelector: {} } });
        await settle(late);
        await turns();
        const views = outputsOf(PLACEMENTS_NAME).placements as Record<string, unknown>;
        assert.deepEqual(Object.keys(views).map(u => u.split("::").pop()), ["late-early"]);
        assert.deepEqual(Object.keys(outputsOf("late-late").decision.placed), ["east", "west"]);
    });

    it("components the package's provider builds for other languages keep the view in their own outputs", async () => {
        recordPerComponent();
        const clusters = fleet("pkg");
        const r = new kubefed.FederatedResource("pkg-r", { clusters, template: configMap("r"), placement: { clusterSelector: {} } });
        await settle(r);
        await turns();
        assert.deepEqual(Object.keys(outputsOf("pkg-r").decision.placed), ["east", "west"]);
        assert.equal(registered.filter(x => x.type === PLACEMENTS_TYPE).length, 0);
        assert.ok(byName("pkg-r").inputs.decision.placed.east, "the whole decision stays the inputs");
        assert.ok([...registeredOutputs.keys()].every(u => !u.endsWith(`::${PLACEMENTS_NAME}`)));
    });

    it("the record's type token is the package's, and the policy pack's", () => {
        assert.equal(PLACEMENTS_TYPE, componentType("Placements"));
        assert.equal(TYPES.placements, PLACEMENTS_TYPE);
    });
});
