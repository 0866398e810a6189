import { strict as assert } from "assert";
import {
    ChildNameRegistry, ClusterInfo, FederatedObjectInput, ValidationError, canonicalPointer, dealiasPointer,
    effectiveNamespace, identityOverrideProblem, pathsOverlap, decideFederatedObject,
} from "../../../src/core";

/* Issue 10: no bad input reaches a member. Each class of bad input is refused (or stripped with a warning)
 * by the core, with a message naming the field and the fix. */
const clusters: ClusterInfo[] = [{ name: "a", labels: { env: "prod" } }, { name: "b", labels: { env: "prod" } }, { name: "c", labels: { env: "dev" } }];
const deployment = () => ({
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels: { app: "web" } } as Record<string, unknown>,
    spec: { replicas: 1, selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { serviceAccountName: "web", containers: [{ name: "web", image: "nginx:1" }] } } },
} as Record<string, any>);
const plan = (over: Partial<FederatedObjectInput>) =>
    decideFederatedObject({ template: deployment(), clusters, placement: { clusterSelector: {} }, ...over });
const refused = (over: Partial<FederatedObjectInput>, ...patterns: RegExp[]) =>
    assert.throws(() => plan(over), (e: unknown) => {
        assert.ok(e instanceof ValidationError, String(e));
        for (const p of patterns) assert.match((e as Error).message, p);
        return true;
    });
const override = (...ops: { op?: "add" | "remove" | "replace"; path: string; value?: unknown }[]) =>
    ({ overrides: [{ clusterName: "a", clusterOverrides: ops }] });

describe("inputs: overrides cannot change identity", () => {
    const paths = [
        "/metadata", "/metadata/", "/metadata/name", "/metadata/name/", "/metadata/namespace", "/metadata/generateName",
        "/kind", "/kind/", "/apiVersion", "/apiVersion/x", "/metadata/name/x",
    ];
    for (const path of paths) {
        for (const op of ["add", "remove", "replace"] as const) {
            it(`${op} ${path} is refused, naming the field and the fix`, () =>
                refused(override({ op, path, value: op === "remove" ? undefined : { name: "other", namespace: "kube-system" } }),
                    /overrides\[0\]\.clusterOverrides\[0\]\.path/, /cannot be overridden/, /change the template/));
        }
    }
    it("escaped spellings are decoded before the check (~0/~1 cannot hide /metadata/name)", () => {
        // "/metadata/name" written with no escapes is the only spelling; an escaped token is a different key.
        assert.equal(identityOverrideProblem("/metadata/na~1me"), undefined, "a key containing / is not the name");
        assert.ok(identityOverrideProblem("/metadata/name"));
        assert.equal(identityOverrideProblem("/metadata~1name"), undefined, "a root key named metadata/name is harmless");
    });
    it("/metadata/labels/<key> and /metadata/annotations/<key> stay allowed", () => {
        const p = plan(override({ path: "/metadata/labels/tier", value: "gold" }, { op: "add", path: "/metadata/annotations", value: { x: "y" } }));
        assert.equal((p.objects.a as any).metadata.labels.tier, "gold");
        assert.equal((p.objects.a as any).metadata.name, "web");
    });
    it("every object keeps the template's name and namespace, whatever the overrides", () => {
        const p = plan(override({ path: "/spec/template/spec/containers/0/image", value: "x" }));
        for (const c of p.clusters) assert.deepEqual([(p.objects[c] as any).metadata.name, (p.objects[c] as any).metadata.namespace], ["web", "shop"]);
    });
});

describe("inputs: replica scheduling owns /spec/replicas", () => {
    const rs = { totalReplicas: 4 };
    type Op = { op?: "add" | "remove" | "replace"; path: string; value?: unknown };
    const cases: Op[][] = [[{ path: "/spec/replicas", value: 0 }], [{ op: "remove", path: "/spec/replicas" }],
        [{ path: "/spec", value: {} }], [{ op: "add", path: "/spec/replicas", value: 3 }]];
    for (const ops of cases) {
        it(`${ops[0].op ?? "replace"} ${ops[0].path} with replica scheduling is an error naming both`, () =>
            refused({ replicaScheduling: rs, ...override(...ops) }, /replicaScheduling/, /\/spec\/replicas/));
    }
    it("without replica scheduling the same override is fine", () => {
        assert.equal((plan(override({ path: "/spec/replicas", value: 0 })).objects.a as any).spec.replicas, 0);
    });
    it("other /spec paths are fine with replica scheduling", () => {
        const p = plan({ replicaScheduling: rs, ...override({ path: "/spec/template/spec/containers/0/image", value: "x" }) });
        assert.equal((p.objects.a as any).spec.template.spec.containers[0].image, "x");
        assert.equal((p.objects.a as any).spec.replicas, p.replicas!.a);
    });
});

describe("inputs: overrides for clusters that are not placed", () => {
    it("warn, naming the cluster and the fix", () => {
        const p = plan({ placement: { clusterSelector: { matchLabels: { env: "prod" } } }, overrides: [{ clusterName: "c", clusterOverrides: [{ path: "/spec/x", value: 1 }] }] });
        const w = p.warnings.find(x => x.startsWith("overrides[0].clusterName"));
        assert.ok(w, p.warnings.join("\n"));
        assert.match(w!, /"c" is not placed/);
        assert.match(w!, /remove them or add the cluster/);
    });
    it("a placed cluster's overrides give no such warning", () => {
        assert.ok(!plan(override({ path: "/spec/x", value: 1 })).warnings.some(w => w.includes("is not placed")));
    });
});

describe("inputs: names, namespaces, labels and annotations", () => {
    const withMeta = (md: Record<string, unknown>) => ({ template: { ...deployment(), metadata: { ...deployment().metadata, ...md } } });
    it("an object name that is not a DNS-1123 subdomain", () => refused(withMeta({ name: "Web_1" }), /template\.metadata\.name/, /DNS-1123/, /rename/));
    it("a name longer than 253 characters", () => refused(withMeta({ name: "a".repeat(254) }), /template\.metadata\.name/, /longer than 253/));
    it("a Service name must be a DNS-1123 label", () => refused({ template: { apiVersion: "v1", kind: "Service", metadata: { name: "a.b", namespace: "shop" }, spec: {} } }, /template\.metadata\.name/, /DNS-1123 label/));
    it("RBAC names may contain ':'", () => {
        const p = decideFederatedObject({ template: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "system:x" }, rules: [] }, clusters, placement: { clusterSelector: {} } });
        assert.equal(p.clusters.length, 3);
    });
    it("an invalid namespace", () => refused(withMeta({ namespace: "Shop" }), /template\.metadata\.namespace/, /DNS-1123/));
    it("an invalid label key", () => refused(withMeta({ labels: { "bad key": "x" } }), /template\.metadata\.labels\["bad key"\]/, /fix the key/));
    it("an invalid label value", () => refused(withMeta({ labels: { ok: "not ok!" } }), /template\.metadata\.labels\["ok"\]/, /fix the value/));
    it("an invalid annotation key", () => refused(withMeta({ annotations: { "a/b/c": "x" } }), /template\.metadata\.annotations\["a\/b\/c"\]/, /annotation key/));
    it("a non-string annotation value", () => refused(withMeta({ annotations: { replicas: 3 } }), /annotations\["replicas"\]/, /must be a string/));
    it("a label added by an override is checked too, naming the cluster", () =>
        refused(override({ path: "/metadata/labels/bad key", value: "x" }), /overrides for cluster "a": metadata\.labels\["bad key"\]/, /fix the key/));
    it("a label value set by an override is checked too", () =>
        refused(override({ path: "/metadata/labels/app", value: "x y" }), /overrides for cluster "a": metadata\.labels\["app"\]/));
    it("an annotation map replaced by an override is checked too", () =>
        refused(override({ path: "/metadata/annotations", value: { "-x": "1" } }), /overrides for cluster "a": metadata\.annotations\["-x"\]/));
});

describe("inputs: server-set fields and scope", () => {
    it("uid, resourceVersion, managedFields, status, creationTimestamp, generation and selfLink are stripped with a warning each", () => {
        const t = deployment();
        Object.assign(t.metadata, { uid: "u", resourceVersion: "1", managedFields: [{}], creationTimestamp: "2020-01-01T00:00:00Z", generation: 3, selfLink: "/x" });
        t.status = { readyReplicas: 1 };
        const p = decideFederatedObject({ template: t, clusters, placement: { clusterSelector: {} } });
        for (const f of ["metadata.uid", "metadata.resourceVersion", "metadata.managedFields", "metadata.creationTimestamp", "metadata.generation", "metadata.selfLink", "status"]) {
            assert.ok(p.warnings.some(w => w.startsWith(`template.${f}:`) && /delete it from your template/.test(w)), `${f}: ${p.warnings.join("\n")}`);
            for (const c of p.clusters) {
                const [a, b] = f.split(".");
                assert.equal(b === undefined ? (p.objects[c] as any)[a] : (p.objects[c] as any)[a][b], undefined, `${f} still sent to ${c}`);
            }
        }
    });
    it("a server-set field added by an override is removed with a warning naming the cluster", () => {
        const p = plan(override({ path: "/status", value: { x: 1 } }));
        assert.equal((p.objects.a as any).status, undefined);
        assert.ok(p.warnings.some(w => w.startsWith(`overrides for cluster "a": status`)));
    });
    it("a namespaced kind without a namespace warns where it lands", () => {
        const t = deployment();
        delete t.metadata.namespace;
        const p = decideFederatedObject({ template: t, clusters, placement: { clusterSelector: {} } });
        const w = p.warnings.find(x => x.startsWith("template.metadata.namespace"));
        assert.ok(w, p.warnings.join("\n"));
        assert.match(w!, /lands in .*"default"/);
        assert.equal(effectiveNamespace("apps/v1", "Deployment", undefined), "default");
        assert.equal(effectiveNamespace("v1", "Namespace", undefined), undefined);
        assert.equal(effectiveNamespace("example.com/v1", "Widget", undefined), undefined, "unknown kinds are not guessed");
    });
    it("a cluster-scoped kind needs no namespace (no warning)", () => {
        const p = decideFederatedObject({ template: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "x" } }, clusters, placement: { clusterSelector: {} } });
        assert.ok(!p.warnings.some(w => w.includes("namespace")), p.warnings.join("\n"));
    });
});

describe("inputs: path canonical forms (index aliases, deprecated aliases)", () => {
    const doc = deployment();
    it("+0, 00 and -1 resolve to the index they address", () => {
        assert.equal(canonicalPointer("/spec/template/spec/containers/+0/image", doc), "/spec/template/spec/containers/0/image");
        assert.equal(canonicalPointer("/spec/template/spec/containers/00/image", doc), "/spec/template/spec/containers/0/image");
        assert.equal(canonicalPointer("/spec/template/spec/containers/-1/image", doc), "/spec/template/spec/containers/0/image");
    });
    it("without a document a negative index may address any element", () => {
        assert.equal(canonicalPointer("/spec/containers/-1/image"), "/spec/containers/*/image");
        assert.equal(canonicalPointer("/spec/containers/+1/image"), "/spec/containers/1/image");
    });
    it("a numeric key of an object is left as written", () => {
        assert.equal(canonicalPointer("/metadata/labels/+0", doc), "/metadata/labels/+0");
    });
    it("serviceAccount is the deprecated alias of serviceAccountName", () => {
        assert.equal(dealiasPointer("/spec/template/spec/serviceAccount"), "/spec/template/spec/serviceAccountName");
        assert.ok(pathsOverlap("/spec/template/spec/serviceAccount", "/spec/template/spec/serviceAccountName"));
        assert.ok(pathsOverlap("/spec/template/spec/containers/+0/image", "/spec/template/spec/containers/0/image"));
        assert.ok(pathsOverlap("/spec/template/spec/containers/-1/image", "/spec/template/spec/containers/0/image"));
        assert.ok(!pathsOverlap("/spec/template/spec/containers/1/image", "/spec/template/spec/containers/0/image"));
        assert.ok(!pathsOverlap("/spec/template/spec/serviceAccountNameX", "/spec/template/spec/serviceAccountName"));
    });
    it("the plan records overridden paths in canonical form", () => {
        const p = plan(override({ path: "/spec/template/spec/containers/-1/image", value: "x" }));
        assert.deepEqual(p.overridesApplied.a, ["/spec/template/spec/containers/0/image"]);
    });
    it("the same path spelled twice (0 and +0) for one cluster is refused", () =>
        refused(override({ path: "/spec/x/0", value: 1 }, { path: "/spec/x/+0", value: 2 }), /appears more than once/));
});

describe("inputs: child-name collisions", () => {
    it("web on east-1 and web-east on 1 collide; the registry names the first owner", () => {
        const r = new ChildNameRegistry();
        assert.equal(r.claim("web-east-1", "FederatedResource web", "east-1"), undefined);
        assert.deepEqual(r.claim("web-east-1", "FederatedResource web-east", "1"), { component: "FederatedResource web", key: "east-1" });
    });
    it("the same owner claiming again is not a collision", () => {
        const r = new ChildNameRegistry();
        r.claim("web-east", "FederatedResource web", "east");
        assert.equal(r.claim("web-east", "FederatedResource web", "east"), undefined);
    });
});
