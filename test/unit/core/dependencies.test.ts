import { strict as assert } from "assert";
import * as fc from "fast-check";
import {
    DependencyNeed, clustersToPull, dependencyKey, misplacement, neededDependencies, podTemplateReferences,
} from "../../../src/core";

const deployment = (podSpec: Record<string, unknown>, namespace = "shop") => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: podSpec } },
});
const keys = (o: Record<string, unknown>) => [...new Set(podTemplateReferences(o).map(r => dependencyKey(r.kind, r.namespace, r.name)))];

describe("dependencies: references of a pod template", () => {
    it("finds every kind of reference, with its field", () => {
        const refs = podTemplateReferences(deployment({
            serviceAccountName: "runner",
            imagePullSecrets: [{ name: "pull" }],
            volumes: [
                { name: "a", configMap: { name: "cm-vol" } },
                { name: "b", secret: { secretName: "sec-vol" } },
                { name: "c", persistentVolumeClaim: { claimName: "data" } },
                { name: "d", projected: { sources: [{ configMap: { name: "cm-proj" } }, { secret: { name: "sec-proj" } }, { serviceAccountToken: { path: "t" } }] } },
                { name: "e", emptyDir: {} },
            ],
            initContainers: [{ name: "init", envFrom: [{ secretRef: { name: "sec-init" } }] }],
            containers: [{
                name: "web",
                env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "cm-env", key: "a" } } },
                      { name: "B", valueFrom: { secretKeyRef: { name: "sec-env", key: "b", optional: true } } },
                      { name: "C", value: "plain" }, { name: "D", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
                envFrom: [{ configMapRef: { name: "cm-from" } }],
            }],
        }));
        const got = refs.map(r => `${dependencyKey(r.kind, r.namespace, r.name)} @${r.field}${r.optional ? " optional" : ""}`);
        assert.deepEqual(got, [
            "ConfigMap shop/cm-env @spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name",
            "ConfigMap shop/cm-from @spec.template.spec.containers[0].envFrom[0].configMapRef.name",
            "ConfigMap shop/cm-proj @spec.template.spec.volumes[3].projected.sources[0].configMap.name",
            "ConfigMap shop/cm-vol @spec.template.spec.volumes[0].configMap.name",
            "PersistentVolumeClaim shop/data @spec.template.spec.volumes[2].persistentVolumeClaim.claimName",
            "Secret shop/pull @spec.template.spec.imagePullSecrets[0].name",
            "Secret shop/sec-env @spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name optional",
            "Secret shop/sec-init @spec.template.spec.initContainers[0].envFrom[0].secretRef.name",
            "Secret shop/sec-proj @spec.template.spec.volumes[3].projected.sources[1].secret.name",
            "Secret shop/sec-vol @spec.template.spec.volumes[1].secret.secretName",
            "ServiceAccount shop/runner @spec.template.spec.serviceAccountName",
        ]);
    });

    it("reads the pod template of each workload kind", () => {
        const pod = { containers: [{ name: "x", envFrom: [{ configMapRef: { name: "cfg" } }] }] };
        const cases: [Record<string, unknown>, string][] = [
            [{ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "n" }, spec: pod }, "spec"],
            [{ apiVersion: "v1", kind: "PodTemplate", metadata: { name: "p", namespace: "n" }, template: { spec: pod } }, "template.spec"],
            ...["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].map(kind =>
                [{ apiVersion: "apps/v1", kind, metadata: { name: "w", namespace: "n" }, spec: { template: { spec: pod } } }, "spec.template.spec"] as [Record<string, unknown>, string]),
            [{ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c", namespace: "n" }, spec: { jobTemplate: { spec: { template: { spec: pod } } } } }, "spec.jobTemplate.spec.template.spec"],
        ];
        for (const [obj, at] of cases) {
            const refs = podTemplateReferences(obj);
            assert.equal(refs.length, 1, String(obj.kind));
            assert.equal(refs[0].field, `${at}.containers[0].envFrom[0].configMapRef.name`);
            assert.equal(dependencyKey(refs[0].kind, refs[0].namespace, refs[0].name), "ConfigMap n/cfg");
        }
        assert.deepEqual(podTemplateReferences({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { spec: "x" } }), []);
    });

    it("skips the implicit default ServiceAccount and uses the default namespace when none is set", () => {
        assert.deepEqual(keys(deployment({ serviceAccountName: "default", containers: [] })), []);
        assert.deepEqual(keys(deployment({ serviceAccount: "legacy", containers: [] })), ["ServiceAccount shop/legacy"]);
        const noNs = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { volumes: [{ name: "v", configMap: { name: "c" } }] } };
        assert.deepEqual(keys(noNs), ["ConfigMap default/c"]);
    });

    it("tolerates malformed templates without throwing", () => {
        fc.assert(fc.property(fc.anything(), (spec) => {
            const out = podTemplateReferences({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "w" }, spec: { template: { spec } } });
            return Array.isArray(out);
        }));
    });
});

describe("dependencies: what each cluster needs (after overrides)", () => {
    it("groups references per object and per cluster, with optional-only clusters", () => {
        const base = deployment({ containers: [{ name: "w", envFrom: [{ configMapRef: { name: "cfg" } }] }] });
        const c2 = deployment({ containers: [{ name: "w", envFrom: [{ configMapRef: { name: "cfg", optional: true } }, { secretRef: { name: "tls" } }] }] });
        const needs = neededDependencies({ c2, c1: base, c3: deployment({ containers: [] }) });
        assert.deepEqual(needs.map(n => [n.key, n.clusters, n.optionalIn]), [
            ["ConfigMap shop/cfg", ["c1", "c2"], ["c2"]],
            ["Secret shop/tls", ["c2"], []],
        ]);
    });
});

describe("dependencies: pulling and misplacement", () => {
    const need = (mode: DependencyNeed["mode"], clusters: string[], optionalIn: string[] = []): DependencyNeed => ({
        workload: "FederatedResource web (Deployment shop/web)", mode,
        need: { key: "ConfigMap shop/cfg", clusters, optionalIn, fields: ["spec.template.spec.volumes[0].configMap.name"] },
    });
    const dep = (clusters: string[]) => ({ subject: "FederatedResource cfg (ConfigMap shop/cfg)", clusters });

    it("follow pulls the dependency into the clusters it is missing from, and never reports it misplaced", () => {
        assert.deepEqual(clustersToPull(need("follow", ["c1", "c2", "c3"]), dep(["c2"])), ["c1", "c3"]);
        assert.equal(misplacement(need("follow", ["c1", "c2", "c3"]), dep(["c2"])), undefined);
    });

    it("check names both objects, the clusters, the fields and the fixes", () => {
        const m = misplacement(need("check", ["c1", "c2", "c3"]), dep(["c2"]));
        assert.equal(m, "FederatedResource web (Deployment shop/web) references FederatedResource cfg (ConfigMap shop/cfg) " +
            "(spec.template.spec.volumes[0].configMap.name) in cluster(s) c1, c3, where it is not placed (placed: c2). " +
            "Place it there too, or set dependencies: \"follow\" on the workload to place its dependencies wherever it runs.");
        assert.deepEqual(clustersToPull(need("check", ["c1"]), dep([])), []);
    });

    it("check accepts optional references and well-placed dependencies; ignore checks nothing", () => {
        assert.equal(misplacement(need("check", ["c1", "c2"], ["c1"]), dep(["c2"])), undefined);
        assert.equal(misplacement(need("check", ["c1", "c2"]), dep(["c1", "c2", "c3"])), undefined);
        assert.equal(misplacement(need("ignore", ["c1", "c2"]), dep([])), undefined);
        assert.deepEqual(clustersToPull(need("ignore", ["c1"]), dep([])), []);
    });

    it("property: after pulling, the dependency is placed everywhere the workload needs it", () => {
        const names = fc.subarray(["a", "b", "c", "d", "e"]);
        fc.assert(fc.property(names, names, (needed, placed) => {
            const pulled = clustersToPull(need("follow", needed), dep(placed));
            const after = [...new Set([...placed, ...pulled])].sort();
            return needed.every(c => after.includes(c)) && pulled.every(c => !placed.includes(c))
                && misplacement(need("check", needed), dep(after)) === undefined;
        }));
    });
});
