import * as assert from "assert";
import { UNKNOWN } from "../../../src/member/json";
import { readBackInputsOf } from "../../../src/member/readBackState";
import { memberReadBackProvider } from "../../../src/provider/memberReadBackProvider";
import { FakeApiServer, deadUrl, fakeKubeconfig, objectPathOf, startFakeApiServer } from "../../support/fakeApiServer";


// The read-back implementations are called directly (as the dynamic-provider host calls them through the loader),
// against in-memory API servers. Each test sets up the objects it reads.

const TOKEN = "tok-a-5f3c9e1d7b";
const MANAGED = { "kubefed.io/managed": "true" };

const cm = (name: string, data: Record<string, string>, labels: Record<string, string> = MANAGED) => ({
    apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", labels: { ...labels } }, data,
});
const deploy = (name: string, replicas: number, image = "nginx:1.25") => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "default", labels: { ...MANAGED } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image }] } } },
});
const targetOf = (o: any) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
const tracked = (desired: any, extra: Record<string, unknown> = {}) => ({ target: targetOf(desired), desired, ...extra });
/** Every string in `v`, except under the named top-level keys. */
const textOf = (v: Record<string, unknown>, except: string[] = []) =>
    JSON.stringify(Object.fromEntries(Object.entries(v).filter(([k]) => !except.includes(k))));

describe("MemberReadBack provider (methods called directly, fake API server)", function () {
    this.timeout(30_000);
    const P = memberReadBackProvider;
    let a: FakeApiServer; // with a bearer token
    let b: FakeApiServer;
    let dead: string;
    before(async () => {
        a = await startFakeApiServer({ token: TOKEN });
        b = await startFakeApiServer();
        dead = fakeKubeconfig(await deadUrl(), TOKEN);
    });
    after(async () => {
        await a.close();
        await b.close();
    });
    beforeEach(() => {
        a.objects.clear();
        b.objects.clear();
        a.requests.length = 0;
        b.requests.length = 0;
        b.healthzBody = "ok";
        b.healthzStatus = 200;
    });
    const inputsA = (objects: Record<string, unknown> = {}, secretObjects: Record<string, unknown> = {}) =>
        ({ clusterName: "a", kubeconfig: a.kubeconfig(), health: true, objects, secretObjects });

    describe("inputs (no check: every method normalises what the program sent)", () => {
        it("keeps only the inputs, sorts keys and ignore pointers, and passes unknowns through", async () => {
            const r = readBackInputsOf({
                ...inputsA({ z: tracked(cm("z", {}), { ignore: ["/b", "/a"], orphan: false }), m: tracked(cm("m", {})) }),
                __provider: "loader", status: { stale: true }, problems: ["old"], context: "",
            });
            assert.deepStrictEqual(Object.keys(r).sort(), ["clusterName", "health", "kubeconfig", "objects", "secretObjects"]);
            assert.deepStrictEqual(Object.keys(r.objects), ["m", "z"]);
            assert.deepStrictEqual(r.objects.z.ignore, ["/a", "/b"]);
            assert.strictEqual(r.objects.z.orphan, undefined, "orphan: false is the default and not stored");
            const u = readBackInputsOf({ clusterName: "a", kubeconfig: UNKNOWN, objects: UNKNOWN });
            assert.strictEqual(u.objects as unknown, UNKNOWN);
        });
    });

    describe("health", () => {
        it("a ready member: Ready=True with the server version; id is the cluster name; outputs carry the inputs", async () => {
            const r = await P.create(inputsA());
            assert.strictEqual(r.id, "a");
            assert.strictEqual(r.outs.ready, true);
            assert.strictEqual(r.outs.kubernetesVersion, "v1.99.0-fake");
            assert.deepStrictEqual(r.outs.conditions.map((c) => [c.type, c.status, c.reason]), [["Ready", "True", "ClusterReady"]]);
            assert.deepStrictEqual([r.outs.problems, r.outs.accepted, r.outs.status], [[], [], {}]);
            assert.strictEqual(r.outs.kubeconfig, a.kubeconfig());
            assert.match(r.outs.observedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        });
        it("an unreachable member is Offline and every object ClusterNotReady, without reading any object", async () => {
            b.healthzStatus = 500;
            const i = { clusterName: "b", kubeconfig: b.kubeconfig(), health: true,
                objects: { x: tracked(cm("x", {})), y: tracked(deploy("y", 1)) }, secretObjects: {} };
            const r = await P.create(i);
            assert.strictEqual(r.outs.ready, false);
            assert.deepStrictEqual(r.outs.conditions.map((c) => [c.type, c.status, c.reason]), [["Offline", "True", "ClusterNotReachable"]]);
            assert.match(r.outs.conditions[0].message, /HTTP 500/);
            assert.deepStrictEqual(Object.values(r.outs.status).map((s) => s.status), ["ClusterNotReady", "ClusterNotReady"]);
            assert.deepStrictEqual(b.requests.map((q) => q.url), ["/healthz"], "one probe, no per-object request");
            assert.deepStrictEqual(r.outs.problems, [
                "(cluster b): Offline",
                "x (ConfigMap default/x): ClusterNotReady",
                "y (Deployment default/y): ClusterNotReady",
            ]);
            // a port nobody listens on: same result
            const d = await P.create({ ...i, kubeconfig: dead });
            assert.deepStrictEqual(d.outs.conditions.map((c) => c.type), ["Offline"]);
            assert.deepStrictEqual(Object.values(d.outs.status).map((s) => s.status), ["ClusterNotReady", "ClusterNotReady"]);
        });
        it("a /healthz body other than ok is Ready=False, Offline=False", async () => {
            b.healthzBody = "[-]etcd failed";
            const r = await P.create({ clusterName: "b", kubeconfig: b.kubeconfig(), objects: {}, secretObjects: {} });
            assert.deepStrictEqual(r.outs.conditions.map((c) => `${c.type}=${c.status}`), ["Ready=False", "Offline=False"]);
            assert.strictEqual(r.outs.ready, false);
        });
        it("a malformed kubeconfig is ConfigMalformed and every object ClientRetrievalFailed, quoting no credential", async () => {
            const broken = fakeKubeconfig(a.url, TOKEN).replace(`token: ${TOKEN}`, `token: ${TOKEN}: [`);
            for (const [kubeconfig, context] of [[broken, undefined], [a.kubeconfig(), "absent"], ["clusters: [", undefined]] as const) {
                const r = await P.create({ clusterName: "m", kubeconfig, context, objects: { x: tracked(cm("x", {})) }, secretObjects: {} });
                assert.deepStrictEqual(r.outs.conditions.map((c) => [c.type, c.status]), [["ConfigMalformed", "True"]], kubeconfig);
                assert.strictEqual(r.outs.status.x.status, "ClientRetrievalFailed");
                assert.ok(!textOf(r.outs, ["kubeconfig"]).includes(TOKEN), `no credential in ${textOf(r.outs, ["kubeconfig"])}`);
            }
            assert.strictEqual(a.requests.length, 0);
        });
        it("read keeps lastTransitionTime and the last known version while the member is offline", async () => {
            const r = await P.create(inputsA());
            const rd = await P.read("a", { ...r.outs, kubeconfig: dead });
            assert.strictEqual(rd.props.ready, false);
            assert.strictEqual(rd.props.kubernetesVersion, "v1.99.0-fake");
            const again = await P.read("a", { ...rd.props, kubeconfig: dead });
            assert.strictEqual(again.props.conditions[0].lastTransitionTime, rd.props.conditions[0].lastTransitionTime);
        });
    });

    describe("per-object status", () => {
        it("OK, Drifted (with the paths), NotFound and ManagedLabelMissing, with replicas for workloads", async () => {
            const web = deploy("web", 2);
            a.put({ ...web, status: { replicas: 2, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 2 } });
            a.put(cm("ok", { k: "v" }));
            a.put({ ...cm("drift", { k: "changed", extra: "x" }), metadata: { ...cm("drift", {}).metadata, labels: { ...MANAGED, other: "y" } } });
            a.put(cm("nolabel", { k: "v" }, {}));
            const objects = {
                ok: tracked(cm("ok", { k: "v" })),
                drift: tracked({ ...cm("drift", { k: "v" }), metadata: { ...cm("drift", {}).metadata, labels: { ...MANAGED, other: "z" } } }),
                gone: tracked(cm("gone", { k: "v" })),
                nolabel: tracked(cm("nolabel", { k: "v" })),
                web: tracked(web),
            };
            const r = await P.create(inputsA(objects));
            const st = r.outs.status;
            assert.deepStrictEqual(Object.keys(st), ["drift", "gone", "nolabel", "ok", "web"]);
            assert.deepStrictEqual(Object.fromEntries(Object.entries(st).map(([k, s]) => [k, s.status])),
                { drift: "Drifted", gone: "NotFound", nolabel: "ManagedLabelMissing", ok: "", web: "" });
            assert.deepStrictEqual(st.drift.drifted, ["/data/k", "/metadata/labels/other"]);
            assert.deepStrictEqual([st.drift.exists, st.drift.managed], [true, true]);
            assert.deepStrictEqual([st.gone.exists, st.gone.managed, st.gone.ready], [false, false, false]);
            assert.deepStrictEqual([st.nolabel.exists, st.nolabel.managed], [true, false]);
            assert.deepStrictEqual([st.ok.message, st.ok.ready, st.ok.drifted], ["", true, []]);
            assert.deepStrictEqual(st.ok.target, { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "ok" });
            assert.deepStrictEqual([st.web.replicas, st.web.readyReplicas, st.web.ready], [2, 1, false]);
            assert.deepStrictEqual(r.outs.problems, [
                "drift (ConfigMap default/drift): Drifted /data/k /metadata/labels/other",
                "gone (ConfigMap default/gone): NotFound",
                "nolabel (ConfigMap default/nolabel): ManagedLabelMissing",
            ]);
            assert.deepStrictEqual(r.outs.accepted, r.outs.problems, "create accepts what it found");
        });
        it("ignore pointers never count as drift; other fields of the same object still do", async () => {
            a.put(deploy("hpa", 7));
            a.put(deploy("both", 7, "nginx:1.27"));
            const r = await P.create(inputsA({
                hpa: tracked(deploy("hpa", 2), { ignore: ["/spec/replicas"] }),
                both: tracked(deploy("both", 2), { ignore: ["/spec/replicas"] }),
                plain: tracked(deploy("plain", 2)),
            }));
            assert.deepStrictEqual([r.outs.status.hpa.status, r.outs.status.hpa.drifted, r.outs.status.hpa.message], ["", [], ""]);
            assert.strictEqual(r.outs.status.hpa.replicas, 7, "the live value is still reported");
            assert.strictEqual(r.outs.status.both.status, "Drifted");
            assert.deepStrictEqual(r.outs.status.both.drifted, ["/spec/template/spec/containers/0/image"]);
            assert.ok(!r.outs.status.both.message.includes("replicas"), r.outs.status.both.message);
            // and without ignore, the same difference is drift
            a.put(deploy("plain", 7));
            const r2 = await P.create(inputsA({ plain: tracked(deploy("plain", 2)) }));
            assert.deepStrictEqual(r2.outs.status.plain.drifted, ["/spec/replicas"]);
        });
        it("observe: false objects are not read and get no status", async () => {
            a.put(cm("quiet", { k: "changed" }));
            const r = await P.create(inputsA({ quiet: tracked(cm("quiet", { k: "v" }), { observe: false, orphan: true }), ok: tracked(cm("ok", {})) }));
            assert.deepStrictEqual(Object.keys(r.outs.status), ["ok"]);
            assert.ok(!a.requests.some((q) => q.url.endsWith("/configmaps/quiet")), a.requests.map((q) => q.url).join(" "));
            assert.ok(a.requests.some((q) => q.url.endsWith("/configmaps/ok")));
        });
        it("secretObjects share the key space of objects; a Secret's stringData compares as data", async () => {
            const secret = (v: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "default", labels: { ...MANAGED } }, data: { pw: Buffer.from(v).toString("base64") } });
            a.put(secret("hunter2"));
            const desired = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "default", labels: { ...MANAGED } }, stringData: { pw: "hunter2" } };
            const r = await P.create(inputsA({ c: tracked(cm("c", {})) }, { s: tracked(desired) }));
            assert.deepStrictEqual(Object.keys(r.outs.status), ["c", "s"]);
            assert.strictEqual(r.outs.status.s.status, "");
            a.put(secret("changed"));
            const rd = await P.read("a", r.outs);
            assert.deepStrictEqual([rd.props.status.s.status, rd.props.status.s.drifted], ["Drifted", ["/data/pw"]]);
            assert.ok(!textOf(rd.props, ["secretObjects"]).includes("hunter2"), "desired secret values stay in secretObjects");
        });
    });

    describe("diff", () => {
        const objects = () => ({ x: tracked(cm("x", { k: "v" })) });
        it("no change for equal inputs (outputs and __provider ignored); a change for any changed input", async () => {
            a.put(cm("x", { k: "v" }));
            const r = await P.create(inputsA(objects()));
            const olds = { ...r.outs, __provider: "old-loader" };
            const same = { ...inputsA(objects()), __provider: "new-loader" };
            assert.deepStrictEqual(await P.diff("a", olds, same), { changes: false });
            const variants: Record<string, unknown>[] = [
                { ...same, kubeconfig: b.kubeconfig() },
                { ...same, context: "fake" },
                { ...same, health: false },
                { ...same, providerVersion: "3" },
                { ...same, objects: {} },
                { ...same, objects: { ...objects(), y: tracked(cm("y", {})) } },
                { ...same, objects: { x: tracked(cm("x", { k: "v2" })) } },
                { ...same, objects: { x: tracked(cm("x", { k: "v" }), { orphan: true }) } },
                { ...same, objects: { x: tracked(cm("x", { k: "v" }), { ignore: ["/data"] }) } },
                { ...same, objects: { x: tracked(cm("x", { k: "v" }), { observe: false }) } },
                { ...same, objects: {}, secretObjects: objects() },
            ];
            for (const n of variants) assert.deepStrictEqual(await P.diff("a", olds, n), { changes: true }, JSON.stringify(n));
        });
        it("a new cluster name replaces", async () => {
            const r = await P.create(inputsA());
            assert.deepStrictEqual(await P.diff("a", r.outs, { ...inputsA(), clusterName: "renamed" }), { changes: true, replaces: ["clusterName"] });
        });
        it("unknown inputs (preview) are a change, decided without calling the member", async () => {
            const r = await P.create(inputsA(objects()));
            a.requests.length = 0;
            for (const n of [
                { ...inputsA(objects()), kubeconfig: UNKNOWN },
                { ...inputsA(objects()), objects: UNKNOWN },
                { ...inputsA(objects()), secretObjects: UNKNOWN },
                { ...inputsA({ x: tracked({ ...cm("x", {}), data: { k: UNKNOWN } }) }) },
            ]) {
                assert.strictEqual((await P.diff("a", r.outs, n)).changes, true, JSON.stringify(n));
            }
            assert.deepStrictEqual((await P.diff("a", r.outs, { ...inputsA(), clusterName: UNKNOWN })).changes, true);
            assert.strictEqual(a.requests.length, 0, "diff never calls out");
        });
        it("refresh rule: problems not in `accepted` are a change; accepted problems are not", async () => {
            const r = await P.create(inputsA(objects()));
            const i = inputsA(objects());
            const line = "x (ConfigMap default/x): Drifted /data/k";
            assert.deepStrictEqual(await P.diff("a", { ...r.outs, problems: [line], accepted: [] }, i), { changes: true });
            assert.deepStrictEqual(await P.diff("a", { ...r.outs, problems: [line], accepted: [line] }, i), { changes: false });
            assert.deepStrictEqual(await P.diff("a", { ...r.outs, problems: [line, "(cluster a): Offline"], accepted: [line] }, i), { changes: true });
            assert.deepStrictEqual(await P.diff("a", { ...r.outs, problems: [], accepted: [line] }, i), { changes: false }, "a problem that went away is no change");
        });
    });

    describe("read (pulumi refresh)", () => {
        it("re-observes, returns the inputs, and keeps accepted ∩ current problems so new drift shows as a change", async () => {
            a.put(cm("x", { k: "v" }));
            a.put(cm("y", { k: "v" }));
            const i = inputsA({ x: tracked(cm("x", { k: "v" })), y: tracked(cm("y", { k: "v" })), z: tracked(cm("z", { k: "v" })) });
            const r = await P.create(i);
            const zLine = "z (ConfigMap default/z): NotFound";
            assert.deepStrictEqual(r.outs.accepted, [zLine], "z was missing when created: accepted");

            // nothing changed out of band: same problems, still accepted, no change
            const rd0 = await P.read("a", { ...r.outs, __provider: "p" });
            assert.deepStrictEqual([rd0.props.problems, rd0.props.accepted], [[zLine], [zLine]]);
            assert.deepStrictEqual(rd0.inputs, readBackInputsOf(i), "read returns the inputs only");
            assert.deepStrictEqual(await P.diff("a", rd0.props, { ...rd0.inputs }), { changes: false });

            // behind Pulumi's back: x edited, y deleted, z created
            a.put(cm("x", { k: "edited" }));
            a.objects.delete(objectPathOf(cm("y", {})));
            a.put(cm("z", { k: "v" }));
            const rd = await P.read("a", rd0.props);
            assert.deepStrictEqual(rd.props.problems, ["x (ConfigMap default/x): Drifted /data/k", "y (ConfigMap default/y): NotFound"]);
            assert.deepStrictEqual(rd.props.accepted, []);
            assert.strictEqual(rd.id, "a");
            assert.deepStrictEqual(await P.diff("a", rd.props, { ...rd.inputs }), { changes: true }, "refresh shows the new drift");

            // an update (the next `up`) accepts what it then finds
            const u = await P.update("a", rd.props, i);
            assert.deepStrictEqual(u.outs.accepted, u.outs.problems);
            assert.deepStrictEqual(await P.diff("a", u.outs, i), { changes: false });
        });
        it("an accepted problem that came back after it went away is a change again", async () => {
            const i = inputsA({ z: tracked(cm("z", { k: "v" })) });
            const r = await P.create(i);
            assert.deepStrictEqual(r.outs.accepted, ["z (ConfigMap default/z): NotFound"]);
            a.put(cm("z", { k: "v" }));
            const gone = await P.read("a", r.outs);
            assert.deepStrictEqual([gone.props.problems, gone.props.accepted], [[], []]);
            a.objects.clear();
            const back = await P.read("a", gone.props);
            assert.deepStrictEqual(back.props.accepted, []);
            assert.deepStrictEqual(await P.diff("a", back.props, { ...back.inputs }), { changes: true });
        });
    });

    describe("orphan mode", () => {
        const web = cm("web", { k: "v" }, { app: "web", ...MANAGED });
        const api = cm("api", { k: "v" }, { app: "api", ...MANAGED });
        const keep = cm("keep", { k: "v" }, { app: "keep", ...MANAGED });
        const labels = (s: FakeApiServer, o: any) => s.objects.get(objectPathOf(o))?.metadata.labels;

        it("update unlabels orphan-mode objects that were dropped or whose target changed, and nothing else", async () => {
            for (const o of [web, api, keep, cm("plain", {})]) a.put(o);
            const olds = (await P.create(inputsA({
                web: tracked(web, { orphan: true }),
                api: tracked(api, { orphan: true }),
                keep: tracked(keep, { orphan: true }),
                plain: tracked(cm("plain", {})),
            }))).outs;
            // web dropped; api now tracks another object; keep stays; plain (not orphan mode) dropped
            const news = inputsA({ api: tracked(cm("api2", {}), { orphan: true }), keep: tracked(keep, { orphan: true }) });
            assert.strictEqual((await P.diff("a", olds, news)).changes, true);
            const u = await P.update("a", olds, news);
            assert.deepStrictEqual(labels(a, web), { app: "web" });
            assert.deepStrictEqual(labels(a, api), { app: "api" });
            assert.deepStrictEqual(labels(a, keep), { app: "keep", ...MANAGED });
            assert.deepStrictEqual(labels(a, cm("plain", {})), MANAGED, "objects not in orphan mode keep their label");
            assert.deepStrictEqual(Object.keys(u.outs.status), ["api", "keep"]);
            assert.strictEqual(a.requests.filter((q) => q.method === "PATCH").length, 2);
        });
        it("update throws when unlabelling fails (state kept), without quoting credentials", async () => {
            const olds = { ...inputsA({ web: tracked(web, { orphan: true }) }), kubeconfig: dead };
            await assert.rejects(P.update("a", olds, { ...inputsA(), kubeconfig: dead }), (e: Error) => {
                assert.match(e.message, /orphaning objects in cluster a failed; the read-back keeps its state, retry/);
                assert.ok(!e.message.includes(TOKEN));
                return true;
            });
            // nothing in orphan mode dropped: an unreachable member is only reported
            const u = await P.update("a", { ...inputsA({ web: tracked(web) }), kubeconfig: dead }, { ...inputsA(), kubeconfig: dead });
            assert.strictEqual(u.outs.ready, false);
        });
        it("update unlabels with the new credentials: an up that rotates them may have revoked the old ones", async () => {
            a.put(web);
            const olds = { ...inputsA({ web: tracked(web, { orphan: true }) }), kubeconfig: dead };
            const u = await P.update("a", olds, inputsA());
            assert.strictEqual(u.outs.ready, true);
            assert.deepStrictEqual(labels(a, web), { app: "web" });
        });
        it("delete unlabels every orphan-mode object (objects and secretObjects) and leaves the rest; idempotent", async () => {
            const s = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "default", labels: { app: "s", ...MANAGED } } };
            for (const o of [web, keep, s]) a.put(o);
            const props = (await P.create(inputsA(
                { web: tracked(web, { orphan: true, observe: false }), keep: tracked(keep), gone: tracked(cm("gone", {}), { orphan: true }) },
                { s: tracked(s, { orphan: true }) },
            ))).outs;
            await P.delete("a", props);
            assert.deepStrictEqual(labels(a, web), { app: "web" });
            assert.deepStrictEqual(labels(a, s), { app: "s" });
            assert.deepStrictEqual(labels(a, keep), { app: "keep", ...MANAGED });
            await P.delete("a", props); // again, and with an object that no longer exists: still fine
        });
        it("delete throws when the member is unreachable, so the resource stays in state for a retry", async () => {
            await assert.rejects(P.delete("a", { ...inputsA({ web: tracked(web, { orphan: true }) }), kubeconfig: dead }),
                (e: Error) => /cluster a/.test(e.message) && /retry/.test(e.message) && !e.message.includes(TOKEN));
            await P.delete("a", { ...inputsA({ web: tracked(web) }), kubeconfig: dead }); // nothing to orphan: nothing to do
        });
    });

    it("no credential appears in outputs (other than the kubeconfig input) or messages, whatever the member does", async () => {
        a.put(cm("x", { k: "v" }));
        const objects = { x: tracked(cm("x", { k: "v" })), y: tracked(cm("y", {})) };
        const wrong = fakeKubeconfig(a.url, "wrong-token-8c1f2a");
        const outs: Record<string, unknown>[] = [];
        outs.push((await P.create(inputsA(objects))).outs as any);
        outs.push((await P.create({ ...inputsA(objects), kubeconfig: wrong })).outs as any); // 401
        outs.push((await P.create({ ...inputsA(objects), kubeconfig: dead })).outs as any);
        outs.push((await P.read("a", { ...inputsA(objects), kubeconfig: wrong })).props as any);
        const text = outs.map((o) => textOf(o, ["kubeconfig"])).join("\n");
        assert.match(text, /HTTP 401/, "the 401 was observed");
        for (const t of [TOKEN, "wrong-token-8c1f2a"]) assert.ok(!text.includes(t), `found ${t} in ${text}`);
    });
});
