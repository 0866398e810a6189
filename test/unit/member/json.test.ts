import * as assert from "assert";
import { containsUnknown, jsonEqual, stableStringify, UNKNOWN } from "../../../src/member/json";

describe("member/json: helpers", () => {
    it("detects unknowns anywhere", () => {
        assert.strictEqual(containsUnknown({ a: [{ b: UNKNOWN }] }), true);
        assert.strictEqual(containsUnknown({ a: [{ b: "x" }] }), false);
    });
    it("compares JSON structurally", () => {
        assert.strictEqual(stableStringify({ b: 1, a: [2, { d: 1, c: undefined }] }), '{"a":[2,{"d":1}],"b":1}');
        assert.strictEqual(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
        assert.strictEqual(jsonEqual([1, 2], [2, 1]), false);
    });
});
