import * as assert from "assert";
import { decodeObjects, encodeObjects } from "../../../src/member/objectsCodec";
import { readBackInputsOf } from "../../../src/member/readBackState";

describe("member/objectsCodec: the read-back's compact state (issue 9)", () => {
    it("object maps are stored as one compressed string, decoded for every decision, and re-encoded identically", async () => {
        const map: Record<string, unknown> = {};
        for (let i = 0; i < 200; i++) {
            map[`web-${i}`] = { target: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: `web-${i}` },
                desired: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `web-${i}`, namespace: "default", labels: { app: `web-${i}` } },
                    spec: { replicas: 2, selector: { matchLabels: { app: `web-${i}` } }, template: { metadata: { labels: { app: `web-${i}` } },
                        spec: { containers: [{ name: "web", image: "nginx:1.25", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } } } } };
        }
        const z = encodeObjects(map);
        const plainBytes = JSON.stringify(map).length;
        assert.ok(z.length * 10 < plainBytes, `compressed ${z.length} bytes vs ${plainBytes}`);
        assert.deepStrictEqual(decodeObjects(z), JSON.parse(JSON.stringify(map)));
        // key order does not matter: equal content, equal string
        const reversed = Object.fromEntries(Object.entries(map).reverse());
        assert.strictEqual(encodeObjects(reversed), z);
        const i = readBackInputsOf({ clusterName: "a", kubeconfig: "k", objects: z, secretObjects: encodeObjects({}) });
        assert.strictEqual(Object.keys(i.objects).length, 200);
        assert.deepStrictEqual(i.secretObjects, {});
        assert.strictEqual(decodeObjects("not encoded"), "not encoded");
    });
});
