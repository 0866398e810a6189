import * as assert from "assert";
import { driftPaths, quantityValue } from "../../../src/member/drift";

describe("member/drift: drift", () => {
    const desired = {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "web", namespace: "default", labels: { app: "web", "kubefed.io/managed": "true" }, resourceVersion: "1" },
        spec: {
            replicas: 3,
            selector: { matchLabels: { app: "web" } },
            template: {
                metadata: { labels: { app: "web" } },
                spec: { containers: [{ name: "c", image: "nginx:1", resources: { limits: { cpu: "0.5", memory: "1Gi" } }, ports: [{ containerPort: 80 }] }] },
            },
        },
    };
    const live = () => JSON.parse(JSON.stringify({
        ...desired,
        metadata: { ...desired.metadata, resourceVersion: "999", uid: "u", generation: 2, annotations: { "deployment.kubernetes.io/revision": "1" } },
        spec: {
            ...desired.spec,
            strategy: { type: "RollingUpdate" },
            template: {
                metadata: { labels: { app: "web" }, creationTimestamp: null },
                spec: {
                    containers: [{ name: "c", image: "nginx:1", imagePullPolicy: "IfNotPresent", resources: { limits: { cpu: "500m", memory: "1Gi" } }, ports: [{ containerPort: 80, protocol: "TCP" }] }],
                    restartPolicy: "Always",
                },
            },
        },
        status: { replicas: 3 },
    }));

    it("ignores fields added by the server, server metadata, and equal quantities", () => {
        assert.deepStrictEqual(driftPaths(desired, live()), []);
    });
    it("reports changed scalars, list items and labels as JSON pointers (sorted, escaped)", () => {
        const l = live();
        l.spec.replicas = 5;
        l.spec.template.spec.containers[0].image = "nginx:2";
        delete l.metadata.labels["kubefed.io/managed"];
        assert.deepStrictEqual(driftPaths(desired, l), [
            "/metadata/labels/kubefed.io~1managed",
            "/spec/replicas",
            "/spec/template/spec/containers/0/image",
        ]);
    });
    it("reports a list whose length changed at the list path", () => {
        const l = live();
        l.spec.template.spec.containers.push({ name: "sidecar", image: "x" });
        assert.deepStrictEqual(driftPaths(desired, l), ["/spec/template/spec/containers"]);
    });
    it("treats {} and [] like absent, null in desired as 'must be absent'", () => {
        assert.deepStrictEqual(driftPaths({ metadata: { annotations: {} }, spec: { items: [] } }, { metadata: {} }), []);
        assert.deepStrictEqual(driftPaths({ spec: { x: null } }, { spec: { x: 1 } }), ["/spec/x"]);
        assert.deepStrictEqual(driftPaths({ spec: { x: { y: 1 } } }, { spec: { x: "str" } }), ["/spec/x"]);
    });
    it("compares a Secret's stringData as base64 data", () => {
        const d = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "hello" } };
        assert.deepStrictEqual(driftPaths(d, { metadata: { name: "s" }, data: { a: Buffer.from("hello").toString("base64") } }), []);
        assert.deepStrictEqual(driftPaths(d, { metadata: { name: "s" }, data: { a: "eA==" } }), ["/data/a"]);
    });
    it("parses quantities", () => {
        assert.strictEqual(quantityValue("500m"), 0.5);
        assert.strictEqual(quantityValue("1Gi"), 1024 ** 3);
        assert.strictEqual(quantityValue("1e3"), 1000);
        assert.strictEqual(quantityValue(2), 2);
        assert.strictEqual(quantityValue("nginx"), undefined);
        assert.deepStrictEqual(driftPaths({ a: 1 }, { a: "1" }), []);
        assert.deepStrictEqual(driftPaths({ a: "1k" }, { a: "1000" }), []);
        assert.deepStrictEqual(driftPaths({ a: "1Ki" }, { a: "1000" }), ["/a"]);
    });
});
