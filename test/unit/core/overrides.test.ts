import { strict as assert } from "assert";
import { OverrideError, OverrideOperation, applyOverrides } from "../../../src/core";

/*
 * docs/semantics.md#override-application, one row per rule. Expected documents are written by hand from the spec (and from the behaviour of
 * evanphx/json-patch v4, the library KubeFed pins, whose patch.go `findObject`/`partialDoc`/`partialArray`
 * define these quirks).
 */
const base = () => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web" } },
    spec: { replicas: 3, template: { spec: { containers: [{ name: "a", image: "a:1" }, { name: "b", image: "b:1" }] } } },
});
type Doc = ReturnType<typeof base>;

function expectDoc(ops: OverrideOperation[], mutate: (d: Doc & Record<string, any>) => void) {
    const input = base();
    const expected = base() as Doc & Record<string, any>;
    mutate(expected);
    assert.deepEqual(applyOverrides(input, ops), expected);
    assert.deepEqual(input, base(), "input must not be mutated");
}
function expectFail(ops: OverrideOperation[], pathInMessage: string) {
    const input = base();
    assert.throws(() => applyOverrides(input, ops), (e: unknown) => {
        assert.ok(e instanceof OverrideError, `expected OverrideError, got ${e}`);
        assert.ok(e.message.includes(pathInMessage), `message "${e.message}" should name ${pathInMessage}`);
        return true;
    });
    assert.deepEqual(input, base(), "input must not be mutated");
}

describe("overrides: docs/semantics.md#override-application application rules", () => {
    it("missing op means replace", () => expectDoc([{ path: "/spec/replicas", value: 5 }], d => { d.spec.replicas = 5; }));
    it("empty op means replace", () => expectDoc([{ op: "" as "replace", path: "/spec/replicas", value: 6 }], d => { d.spec.replicas = 6; }));
    it("replace of a missing key inside an existing object acts like add (library quirk)", () =>
        expectDoc([{ op: "replace", path: "/spec/paused", value: true }], d => { (d.spec as any).paused = true; }));
    it("replace whose parent is missing fails", () => expectFail([{ op: "replace", path: "/spec/strategy/type", value: "Recreate" }], "/spec/strategy/type"));
    it("add whose parent is missing fails", () => expectFail([{ op: "add", path: "/status/x/y", value: 1 }], "/status/x/y"));
    it("remove whose parent is missing fails", () => expectFail([{ op: "remove", path: "/nope/x" }], "/nope/x"));
    it("one failing op fails the whole list (earlier ops are not kept)", () =>
        expectFail([{ path: "/spec/replicas", value: 9 }, { op: "add", path: "/missing/x", value: 1 }], "/missing/x"));
    it("add on an object key sets it", () => expectDoc([{ op: "add", path: "/metadata/labels/tier", value: "fe" }], d => { (d.metadata.labels as any).tier = "fe"; }));
    it("add on an existing object key overwrites it", () => expectDoc([{ op: "add", path: "/metadata/labels/app", value: "x" }], d => { d.metadata.labels.app = "x"; }));
    it("add with index - appends", () =>
        expectDoc([{ op: "add", path: "/spec/template/spec/containers/-", value: { name: "c" } }], d => { d.spec.template.spec.containers.push({ name: "c" } as any); }));
    it("add at index = length appends", () =>
        expectDoc([{ op: "add", path: "/spec/template/spec/containers/2", value: { name: "c" } }], d => { d.spec.template.spec.containers.push({ name: "c" } as any); }));
    it("add at an index inserts before it", () =>
        expectDoc([{ op: "add", path: "/spec/template/spec/containers/0", value: { name: "z" } }], d => { d.spec.template.spec.containers.unshift({ name: "z" } as any); }));
    it("add at index > length fails", () => expectFail([{ op: "add", path: "/spec/template/spec/containers/3", value: {} }], "/spec/template/spec/containers/3"));
    it("add with a non-numeric array index fails", () => expectFail([{ op: "add", path: "/spec/template/spec/containers/x", value: {} }], "/spec/template/spec/containers/x"));
    it("remove of a missing key fails", () => expectFail([{ op: "remove", path: "/metadata/labels/nope" }], "/metadata/labels/nope"));
    it("remove of a missing index fails", () => expectFail([{ op: "remove", path: "/spec/template/spec/containers/2" }], "/spec/template/spec/containers/2"));
    it("remove deletes a key and ignores value", () => expectDoc([{ op: "remove", path: "/metadata/labels/app", value: "ignored" }], d => { delete (d.metadata.labels as any).app; }));
    it("remove of an index shifts the rest", () =>
        expectDoc([{ op: "remove", path: "/spec/template/spec/containers/0" }], d => { d.spec.template.spec.containers.shift(); }));
    it("replace of an array index >= length fails", () => expectFail([{ op: "replace", path: "/spec/template/spec/containers/2", value: {} }], "/spec/template/spec/containers/2"));
    it("replace of an array element", () =>
        expectDoc([{ path: "/spec/template/spec/containers/1/image", value: "b:2" }], d => { d.spec.template.spec.containers[1].image = "b:2"; }));
    it("negative indices count from the end (library default SupportNegativeIndices)", () =>
        expectDoc([{ op: "remove", path: "/spec/template/spec/containers/-1" }], d => { d.spec.template.spec.containers.pop(); }));
    it("array indices parse like Go's Atoi (leading zeros, sign)", () =>
        expectDoc([{ path: "/spec/template/spec/containers/+01/name", value: "bb" }], d => { d.spec.template.spec.containers[1].name = "bb"; }));
    it("~1 decodes to / and ~0 to ~ in keys", () =>
        expectDoc([{ op: "add", path: "/metadata/labels/example.com~1team", value: "x" }, { op: "add", path: "/metadata/labels/a~0b", value: "y" }],
            d => { (d.metadata.labels as any)["example.com/team"] = "x"; (d.metadata.labels as any)["a~b"] = "y"; }));
    it("~01 decodes to ~1, not /", () => expectDoc([{ op: "add", path: "/metadata/labels/~01", value: "z" }], d => { (d.metadata.labels as any)["~1"] = "z"; }));
    it("an absent value sets null", () => expectDoc([{ path: "/spec/replicas" }], d => { (d.spec as any).replicas = null; }));
    it("ops apply in sequence: a later op sees an earlier one", () =>
        expectDoc([{ op: "add", path: "/spec/strategy", value: {} }, { op: "add", path: "/spec/strategy/type", value: "Recreate" }],
            d => { (d.spec as any).strategy = { type: "Recreate" }; }));
    it("traversing through a scalar fails", () => expectFail([{ op: "add", path: "/spec/replicas/x", value: 1 }], "/spec/replicas/x"));
    it("traversing through null fails", () => {
        const input = { a: null } as Record<string, unknown>;
        assert.throws(() => applyOverrides(input, [{ op: "add", path: "/a/b", value: 1 }]), /\/a\/b/);
    });
    it("a per-key annotation add fails when the object has no annotations map (docs/semantics.md#override-order)", () =>
        expectFail([{ op: "add", path: "/metadata/annotations/foo", value: "bar" }], "/metadata/annotations/foo"));
    it("overriding the whole annotations map works (docs/semantics.md#override-order)", () =>
        expectDoc([{ op: "add", path: "/metadata/annotations", value: { foo: "bar" } }], d => { (d.metadata as any).annotations = { foo: "bar" }; }));
    it("/apiVersion may be overridden", () => expectDoc([{ path: "/apiVersion", value: "apps/v1beta2" }], d => { d.apiVersion = "apps/v1beta2"; }));
    it("values round-trip through JSON and are not aliased", () => {
        const value = { a: 1, u: undefined, n: NaN, list: [1, undefined], when: new Date(0) };
        const out = applyOverrides(base(), [{ op: "add", path: "/spec/x", value }]) as any;
        assert.deepEqual(out.spec.x, { a: 1, n: null, list: [1, null], when: "1970-01-01T00:00:00.000Z" });
        value.a = 2;
        assert.equal(out.spec.x.a, 1);
    });
    it("an unknown op fails", () => expectFail([{ op: "move" as "add", path: "/spec/replicas" }], "/spec/replicas"));
    it("a path that is not a JSON pointer is refused (deliberate)", () => expectFail([{ path: "spec/replicas", value: 1 }], "spec/replicas"));
    it("an empty list returns an equal deep copy", () => {
        const input = base();
        const out = applyOverrides(input, []);
        assert.deepEqual(out, input);
        assert.notEqual(out.spec, input.spec);
    });
    it("the error carries path and index", () => {
        try {
            applyOverrides(base(), [{ path: "/spec/replicas", value: 1 }, { op: "remove", path: "/x" }]);
            assert.fail("should throw");
        } catch (e) {
            assert.ok(e instanceof OverrideError);
            assert.equal(e.path, "/x");
            assert.equal(e.index, 1);
        }
    });
});
