/** The pack as a whole: every policy defined once, with a description, mandatory by default and a config schema. */
import { strict as assert } from "assert";
import { NAMES, policies } from "../policies";

describe("policy pack: definitions", () => {
    it("has unique names, a description, mandatory by default and a config schema without enforcementLevel", () => {
        const names = policies.map(p => p.name);
        assert.equal(new Set(names).size, names.length);
        assert.deepEqual([...names].sort(), Object.values(NAMES).sort());
        for (const p of policies) {
            assert.ok(p.description.length > 10, p.name);
            // the one advisory policy only says what a preview cannot see; the others guard
            assert.equal(p.enforcementLevel, p.name === NAMES.knownAtPreview ? "advisory" : "mandatory", p.name);
            assert.ok(p.configSchema && !("enforcementLevel" in p.configSchema.properties), p.name);
        }
    });
});
