import { strict as assert } from "assert";
import { reportFromCheckpoint } from "../../../src/cli/checkpoint";
import { buildPlan } from "../../../src/cli/planModel";
import { renderPlan } from "../../../src/cli/plan";
import { objectLabel, renderStatus } from "../../../src/cli/statusReport";
import { renderStatusHtml } from "../../../src/cli/html";
import { readBackInputsOf } from "../../../src/member/readBackState";

const RB = "pulumi-nodejs:dynamic/kubefed:MemberReadBack";
const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "apps", name: "hello-hello" };
const source = { type: "FederatedChart", name: "hello" };
const entry = (status: string, extra: Record<string, unknown> = {}) => ({
    target, source, status, message: status === "Drifted" ? "fields differ from what was sent: /spec/replicas" : "", exists: true, managed: true,
    drifted: status === "Drifted" ? ["/spec/replicas"] : [], ready: true, conditions: [], ...extra,
});
const member = (c: string, status: Record<string, unknown>) => ({
    urn: `urn:pulumi:dev::p::pulumi-kubefed:index:MemberCluster$${RB}::${c}-readback`, type: RB, id: c,
    outputs: { clusterName: c, health: true, ready: true, kubernetesVersion: "v1.36.3", observedAt: "2026-12-07T15:00:00Z",
        conditions: [{ type: "Ready", status: "True", reason: "ClusterReady", message: "/healthz responded with ok" }], status },
});

describe("cli: objects rendered by charts and kustomizations in status and plan", () => {
    it("status: one row per rendered object under its component, with each member's propagation, drift and ready/desired", () => {
        const r = reportFromCheckpoint([
            member("c1", { "hello/Deployment/apps/hello-hello": entry("Drifted", { replicas: 5, readyReplicas: 5 }) }),
            member("c2", {
                "hello/Deployment/apps/hello-hello": entry("", { replicas: 1, readyReplicas: 1 }),
                "web": { target: { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "web" }, status: "", message: "", exists: true,
                    managed: true, drifted: [], ready: true, conditions: [] },
            }),
        ] as never);
        assert.deepEqual(r.objects.map(o => [o.name, objectLabel(o)]), [["hello", "hello (Deployment apps/hello-hello)"], ["web", "ConfigMap shop/web"]]);
        const hello = r.objects[0];
        assert.deepEqual(hello.source, source);
        assert.equal(hello.propagated, false);
        assert.deepEqual(hello.status.clusters.map(c => [c.name, c.status, c.drifted, c.replicas]), [["c1", "Drifted", ["/spec/replicas"], 5], ["c2", "", [], 1]]);
        assert.ok(!("source" in hello.status.clusters[0]), "the source is the object's, not repeated per member");
        const text = renderStatus(r);
        assert.match(text, /\nhello \(Deployment apps\/hello-hello\)\s+Drifted 5\/5\s+OK 1\/1\s+False \(CheckClusters\)\s+no/, text);
        assert.match(text, /hello \(Deployment apps\/hello-hello\) @ c1: Drifted - fields differ from what was sent: \/spec\/replicas/);
        assert.match(renderStatusHtml(r), /data-object="hello \(Deployment apps\/hello-hello\)" data-cluster="c1" data-status="Drifted 5\/5"/);
    });

    it("the read-back keeps the source of a tracked object (and drops a malformed one)", () => {
        const i = readBackInputsOf({ clusterName: "c1", kubeconfig: "", objects: {
            a: { target, desired: {}, source },
            b: { target, desired: {}, source: { type: "FederatedChart" } },
        } });
        assert.deepEqual(i.objects.a.source, source);
        assert.equal(i.objects.b.source, undefined);
    });

    it("plan: the objects each member's Chart/Directory renders, one row per object with its members as columns", () => {
        const stack = "urn:pulumi:dev::app::";
        const fc = `${stack}pulumi-kubefed:index:FederatedChart::hello`;
        const chart = (c: string) => `${stack}pulumi-kubefed:index:FederatedChart$kubernetes:helm.sh/v4:Chart::hello-${c}`;
        const dep = (c: string, replicas: number, tag: string) => ({ apiVersion: "apps/v1", kind: "Deployment",
            metadata: { name: "hello-hello", namespace: "apps" }, spec: { replicas, template: { spec: { containers: [{ name: "h", image: `nginx:${tag}` }] } } } });
        const depUrn = (c: string) => `${stack}pulumi-kubefed:index:FederatedChart$kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment::hello-${c}:apps/hello-hello`;
        const fk = `${stack}pulumi-kubefed:index:FederatedKustomization::kust`;
        const dir = `${stack}pulumi-kubefed:index:FederatedKustomization$kubernetes:kustomize/v2:Directory::kust-c2`;
        const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "apps" }, data: { a: "1" } };
        const steps = [
            { op: "same", urn: fc, newState: { type: "pulumi-kubefed:index:FederatedChart", inputs: { decision: { clusters: ["c1", "c2"] } } } },
            ...["c1", "c2"].map(c => ({ op: "same", urn: chart(c), newState: { type: "kubernetes:helm.sh/v4:Chart", parent: fc, inputs: {} } })),
            { op: "same", urn: depUrn("c2"), newState: { type: "kubernetes:apps/v1:Deployment", parent: chart("c2"), inputs: dep("c2", 1, "1.27") },
                oldState: { type: "kubernetes:apps/v1:Deployment", parent: chart("c2"), inputs: dep("c2", 1, "1.27") } },
            { op: "update", urn: depUrn("c1"), newState: { type: "kubernetes:apps/v1:Deployment", parent: chart("c1"), inputs: dep("c1", 2, "1.27") },
                oldState: { type: "kubernetes:apps/v1:Deployment", parent: chart("c1"), inputs: dep("c1", 1, "1.25") } },
            { op: "create", urn: fk, newState: { type: "pulumi-kubefed:index:FederatedKustomization", inputs: {} } },
            { op: "create", urn: dir, newState: { type: "kubernetes:kustomize/v2:Directory", parent: fk, inputs: {} } },
            { op: "create", urn: `${dir}$kubernetes:core/v1:ConfigMap::kust-c2:apps/settings`, newState: { type: "kubernetes:core/v1:ConfigMap", parent: dir, inputs: cm } },
            // not rendered by a member's Chart: not listed
            { op: "create", urn: `${stack}kubernetes:core/v1:ConfigMap::loose`, newState: { type: "kubernetes:core/v1:ConfigMap", inputs: cm } },
        ];
        const m = buildPlan({ steps });
        assert.deepEqual(m.objects.map(o => [o.resource, o.type, o.object, o.op]), [
            ["hello", "FederatedChart", "Deployment apps/hello-hello", "same,update"],
            ["kust", "FederatedKustomization", "ConfigMap apps/settings", "create"],
        ]);
        assert.deepEqual(m.clusters, ["c1", "c2"]);
        const hello = m.objects[0];
        assert.deepEqual(hello.decision!.placed.c1, { replicas: 2, overrides: [], images: ["nginx:1.27"] });
        assert.deepEqual(Object.keys(hello.decision!.placed), ["c1", "c2"], "in cluster order, whatever the order of the steps");
        assert.deepEqual(hello.changes, ["c1 1 → 2", "c1 images nginx:1.25 → nginx:1.27"]);
        assert.deepEqual(m.objects[1].changes, ["new"]);
        const text = renderPlan(m);
        assert.match(text, /\nhello \(Deployment apps\/hello-hello\)\s+2\s+1\s+c1 1 → 2, c1 images/, text);
        assert.match(text, /\nkust \(ConfigMap apps\/settings\)\s+-\s+yes\s+new/, text);
        // the whole chart going away: every object deleted
        const gone = buildPlan({ steps: steps.slice(0, 4).map(s => ({ ...s, op: "delete", oldState: (s as { oldState?: unknown }).oldState ?? s.newState, newState: undefined })) });
        assert.deepEqual(gone.objects.map(o => [o.resource, o.changes]), [["hello", ["deleted"]]]);
    });
});
