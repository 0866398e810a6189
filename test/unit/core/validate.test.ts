import { strict as assert } from "assert";
import {
    ValidationError, ValidationIssue, assertValid, validateClusters, validateOverrides, validatePlacement,
    validateReplicaScheduling, validateSelector,
} from "../../../src/core";

/** [severity, field] pairs of the issues, for compact expectations. */
const sf = (issues: ValidationIssue[]) => issues.map(i => [i.severity, i.field]);

describe("validate: clusters", () => {
    it("accepts good clusters", () => assert.deepEqual(validateClusters([{ name: "a" }, { name: "b-2", labels: { "example.com/tier": "prod", x: "" } }]), []));
    const cases: [string, unknown[], [string, string][]][] = [
        ["duplicate names", [{ name: "a" }, { name: "a" }], [["error", "clusters[1].name"]]],
        ["uppercase name", [{ name: "A" }], [["error", "clusters[0].name"]]],
        ["name with a dot (not a DNS-1123 label)", [{ name: "a.b" }], [["error", "clusters[0].name"]]],
        ["64-character name", [{ name: "a".repeat(64) }], [["error", "clusters[0].name"]]],
        ["empty name", [{ name: "" }], [["error", "clusters[0].name"]]],
        ["bad label key", [{ name: "a", labels: { "-x": "y" } }], [["error", 'clusters[0].labels["-x"]']]],
        ["bad label key prefix", [{ name: "a", labels: { "Ex!/x": "y" } }], [["error", 'clusters[0].labels["Ex!/x"]']]],
        ["bad label value", [{ name: "a", labels: { x: "a b" } }], [["error", 'clusters[0].labels["x"]']]],
        ["64-character label value", [{ name: "a", labels: { x: "v".repeat(64) } }], [["error", 'clusters[0].labels["x"]']]],
    ];
    for (const [n, clusters, expected] of cases) it(n, () => assert.deepEqual(sf(validateClusters(clusters as never)), expected));
    it("uses the given field prefix", () => assert.deepEqual(sf(validateClusters([{ name: "A" }], "members")), [["error", "members[0].name"]]));
});

describe("validate: selector", () => {
    const f = "s";
    const cases: [string, unknown, [string, string][]][] = [
        ["null is valid", null, []],
        ["{} is valid", {}, []],
        ["unknown operator", { matchExpressions: [{ key: "a", operator: "in", values: ["x"] }] }, [["error", "s.matchExpressions[0].operator"]]],
        ["In without values", { matchExpressions: [{ key: "a", operator: "In" }] }, [["error", "s.matchExpressions[0].values"]]],
        ["NotIn with empty values", { matchExpressions: [{ key: "a", operator: "NotIn", values: [] }] }, [["error", "s.matchExpressions[0].values"]]],
        ["Exists with values", { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, [["error", "s.matchExpressions[0].values"]]],
        ["DoesNotExist with values", { matchExpressions: [{ key: "a", operator: "DoesNotExist", values: ["x"] }] }, [["error", "s.matchExpressions[0].values"]]],
        ["invalid key in an expression", { matchExpressions: [{ key: "a/b/c", operator: "Exists" }] }, [["error", "s.matchExpressions[0].key"]]],
        ["invalid value in an expression", { matchExpressions: [{ key: "a", operator: "In", values: ["ok", "not ok"] }] }, [["error", "s.matchExpressions[0].values[1]"]]],
        ["invalid matchLabels key and value", { matchLabels: { "": "x", y: "%" } }, [["error", 's.matchLabels[""]'], ["error", 's.matchLabels["y"]']]],
    ];
    for (const [n, sel, expected] of cases) it(n, () => assert.deepEqual(sf(validateSelector(sel as never, f)), expected));
});

describe("validate: placement", () => {
    const known = ["a", "b"];
    const cases: [string, unknown, [string, string][]][] = [
        ["null is valid", null, []],
        ["known clusters", { clusters: [{ name: "a" }, { name: "b" }] }, []],
        ["unknown cluster is an error (KubeFed drops it; we refuse)", { clusters: [{ name: "a" }, { name: "zz" }] }, [["error", "p.clusters[1].name"]]],
        ["duplicate cluster", { clusters: [{ name: "a" }, { name: "a" }] }, [["error", "p.clusters[1].name"]]],
        ["selector ignored because of the list", { clusters: [{ name: "a" }], clusterSelector: {} }, [["warning", "p.clusterSelector"]]],
        ["selector ignored because of an empty list", { clusters: [], clusterSelector: {} }, [["warning", "p.clusterSelector"]]],
        ["invalid selector", { clusterSelector: { matchExpressions: [{ key: "a", operator: "Nope" }] } }, [["error", "p.clusterSelector.matchExpressions[0].operator"]]],
    ];
    for (const [n, p, expected] of cases) it(n, () => assert.deepEqual(sf(validatePlacement(p as never, known, "p")), expected));
    it("the unknown-cluster message says what is wrong and how to fix it", () => {
        const [i] = validatePlacement({ clusters: [{ name: "zz" }] }, known, "p");
        assert.match(i.message, /unknown cluster "zz"/);
        assert.match(i.message, /fix the name/);
    });
});

describe("validate: overrides (docs/semantics.md#override-shape)", () => {
    const known = ["a", "b"];
    const cases: [string, unknown, [string, string][]][] = [
        ["valid", [{ clusterName: "a", clusterOverrides: [{ path: "/spec/replicas", value: 1 }, { op: "remove", path: "/metadata/labels/x" }] }], []],
        ["absent is valid", undefined, []],
        ["same cluster twice", [{ clusterName: "a", clusterOverrides: [] }, { clusterName: "a", clusterOverrides: [] }], [["error", "o[1].clusterName"]]],
        ["unknown cluster", [{ clusterName: "zz", clusterOverrides: [] }], [["error", "o[0].clusterName"]]],
        ["no wildcard", [{ clusterName: "*", clusterOverrides: [] }], [["error", "o[0].clusterName"]]],
        ["forbidden /metadata/namespace", [{ clusterName: "a", clusterOverrides: [{ path: "/metadata/namespace", value: "x" }] }], [["error", "o[0].clusterOverrides[0].path"]]],
        ["forbidden /metadata/name", [{ clusterName: "a", clusterOverrides: [{ path: "/metadata/name", value: "x" }] }], [["error", "o[0].clusterOverrides[0].path"]]],
        ["forbidden /metadata/generateName", [{ clusterName: "a", clusterOverrides: [{ path: "/metadata/generateName", value: "x" }] }], [["error", "o[0].clusterOverrides[0].path"]]],
        ["forbidden /kind", [{ clusterName: "a", clusterOverrides: [{ path: "/kind", value: "x" }] }], [["error", "o[0].clusterOverrides[0].path"]]],
        ["/metadata, /apiVersion and paths below the identity fields are refused (deliberately stricter than KubeFed)", [{ clusterName: "a", clusterOverrides: [{ path: "/metadata", value: {} }, { path: "/apiVersion", value: "v1" }, { path: "/metadata/name/x", value: 1 }] }],
            [["error", "o[0].clusterOverrides[0].path"], ["error", "o[0].clusterOverrides[1].path"], ["error", "o[0].clusterOverrides[2].path"]]],
        ["same path twice for one cluster", [{ clusterName: "a", clusterOverrides: [{ path: "/spec/x", value: 1 }, { op: "remove", path: "/spec/x" }] }], [["error", "o[0].clusterOverrides[1].path"]]],
        ["same path in two clusters is fine", [{ clusterName: "a", clusterOverrides: [{ path: "/spec/x" }] }, { clusterName: "b", clusterOverrides: [{ path: "/spec/x" }] }], []],
        ["unknown op", [{ clusterName: "a", clusterOverrides: [{ op: "move", path: "/spec/x" }] }], [["error", "o[0].clusterOverrides[0].op"]]],
        ["path not a JSON pointer", [{ clusterName: "a", clusterOverrides: [{ path: "spec/x" }] }], [["error", "o[0].clusterOverrides[0].path"]]],
        ["bad ~ escape", [{ clusterName: "a", clusterOverrides: [{ path: "/a~2b" }] }], [["error", "o[0].clusterOverrides[0].path"]]],
        ["empty path", [{ clusterName: "a", clusterOverrides: [{ path: "" }] }], [["error", "o[0].clusterOverrides[0].path"]]],
    ];
    for (const [n, o, expected] of cases) it(n, () => assert.deepEqual(sf(validateOverrides(o as never, known, "o")), expected));
});

describe("validate: replica scheduling", () => {
    const known = ["a", "b", "c"];
    const cases: [string, unknown, [string, string][]][] = [
        ["absent is valid", undefined, []],
        ["default preferences", { totalReplicas: 9 }, []],
        ["negative total", { totalReplicas: -1 }, [["error", "r.totalReplicas"]]],
        ["fractional total", { totalReplicas: 1.5 }, [["error", "r.totalReplicas"]]],
        ["negative min", { totalReplicas: 3, clusters: { a: { minReplicas: -1, weight: 1 } } }, [["error", 'r.clusters["a"].minReplicas']]],
        ["fractional weight", { totalReplicas: 3, clusters: { "*": { weight: 0.5 } } }, [["error", 'r.clusters["*"].weight']]],
        ["negative max", { totalReplicas: 3, clusters: { "*": { weight: 1, maxReplicas: -2 } } }, [["error", 'r.clusters["*"].maxReplicas']]],
        ["min > max", { totalReplicas: 3, clusters: { a: { minReplicas: 5, maxReplicas: 2, weight: 1 } } }, [["error", 'r.clusters["a"]']]],
        ["entry naming no known cluster is a warning", { totalReplicas: 3, clusters: { "*": { weight: 1 }, zz: { weight: 1 } } }, [["warning", 'r.clusters["zz"]']]],
        // 3 clusters x min 2 = 6 > 5; weights 0 → 5 of 5 placed by minimums, so only the minimums warning.
        ["sum of minimums > total", { totalReplicas: 5, clusters: { "*": { minReplicas: 2 } } }, [["warning", "r.clusters"]]],
        // min 1 each = 3 placed, weights 0 → 7 of 10 unplaceable.
        ["all weights 0 with replicas left", { totalReplicas: 10, clusters: { "*": { minReplicas: 1 } } }, [["warning", "r"]]],
        // max 2 each over 3 clusters = 6 < 10.
        ["every cluster at max", { totalReplicas: 10, clusters: { "*": { weight: 1, maxReplicas: 2 } } }, [["warning", "r"]]],
        ["no participating cluster", { totalReplicas: 4, clusters: { zz: { weight: 1 } } }, [["warning", 'r.clusters["zz"]'], ["warning", "r.clusters"]]],
        ["0 replicas and weights 0 is fine", { totalReplicas: 0, clusters: { "*": {} } }, []],
    ];
    for (const [n, s, expected] of cases) it(n, () => assert.deepEqual(sf(validateReplicaScheduling(s as never, known, "r")), expected));
});

describe("validate: assertValid", () => {
    it("returns the warnings when there is no error", () => {
        const w: ValidationIssue = { severity: "warning", field: "f", message: "m" };
        assert.deepEqual(assertValid("X", [w]), [w]);
    });
    it("throws one ValidationError listing every error, one line each", () => {
        const issues: ValidationIssue[] = [
            { severity: "error", field: "a", message: "bad a; fix a" },
            { severity: "warning", field: "w", message: "meh" },
            { severity: "error", field: "b", message: "bad b; fix b" },
        ];
        try {
            assertValid("Deployment ns/web", issues);
            assert.fail("should throw");
        } catch (e) {
            assert.ok(e instanceof ValidationError);
            assert.equal(e.message, "Deployment ns/web: a: bad a; fix a\nDeployment ns/web: b: bad b; fix b");
            assert.equal(e.subject, "Deployment ns/web");
            assert.deepEqual(e.issues.map(i => i.field), ["a", "b"]);
        }
    });
});
