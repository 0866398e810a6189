import * as assert from "assert";
import { UNKNOWN } from "../../../src/member/json";
import { orphanMarkerProvider } from "../../../src/provider/orphanMarkerProvider";
import { FakeApiServer, objectPathOf, startFakeApiServer } from "../../support/fakeApiServer";

const MANAGED = { "kubefed.io/managed": "true" };

describe("OrphanGuard marker provider (upgrade from 0.1)", () => {
    const P = orphanMarkerProvider;
    const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" };
    let api: FakeApiServer;
    before(async () => { api = await startFakeApiServer(); });
    after(async () => { await api.close(); });

    it("create records the target and sorted clusters; id names the object", async () => {
        const r = await P.create({ providerVersion: "2", target, clusters: ["b", "a"], __provider: "x" });
        assert.strictEqual(r.id, "apps/v1:Deployment:default/web");
        assert.deepStrictEqual(r.outs, { providerVersion: "2", target, clusters: ["a", "b"] });
    });
    it("0.1 state (clusters map, per-cluster kubeconfigs): delete touches no member; update and read drop the credentials", async () => {
        const obj = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", labels: { ...MANAGED } } };
        api.put(obj);
        const old = { target, clusters: { b: {}, a: {} }, kubeconfigs: { a: api.kubeconfig(), b: api.kubeconfig() }, __provider: "old" };
        await (P.delete as (id: string, props: unknown) => Promise<void>)("id", old);
        assert.strictEqual(api.requests.length, 0);
        assert.deepStrictEqual(api.objects.get(objectPathOf(obj))!.metadata.labels, MANAGED);
        const news = { providerVersion: "2", target, clusters: ["a", "b"] };
        assert.strictEqual((await P.diff("id", old, news)).changes, true, "the upgrade updates the marker in place");
        assert.strictEqual((await P.diff("id", old, news) as { replaces?: string[] }).replaces, undefined);
        const u = await P.update("id", old, news);
        assert.deepStrictEqual(u.outs, news);
        const rd = await P.read("id", old);
        assert.ok(!JSON.stringify(rd).includes("kubeconfig") && !JSON.stringify(rd).includes(api.url), JSON.stringify(rd));
        assert.deepStrictEqual((rd.props as any).clusters, ["a", "b"]);
    });
    it("diff: no change for the same marker, a change for other clusters or unknowns", async () => {
        const m = { providerVersion: "2", target, clusters: ["a"] };
        assert.deepStrictEqual(await P.diff("id", { ...m, __provider: "p" }, { ...m, __provider: "q" }), { changes: false });
        assert.deepStrictEqual(await P.diff("id", m, { ...m, clusters: ["a", "b"] }), { changes: true });
        assert.deepStrictEqual(await P.diff("id", m, { ...m, clusters: UNKNOWN }), { changes: true });
    });
});
