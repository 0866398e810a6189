/** Unit tests of `kubefed-overrides-and-images` (fake policy arguments, see ./helpers.ts). */
import { strict as assert } from "assert";
import { NAMES, TYPES, imageAllowed, imageRepository, overridesPolicy, touchesProtected } from "../policies";
import { decision, resourceArgs, violations } from "./helpers";

const FR = TYPES.federatedResource;
const fr = (name: string, d = decision(), config?: Record<string, unknown>) => resourceArgs(FR, name, { decision: d }, { config });

function mentions(msg: string, ...parts: string[]) {
    for (const p of parts) assert.ok(msg.includes(p), `expected ${JSON.stringify(p)} in: ${msg}`);
}

describe(NAMES.overrides, () => {
    it("flags overrides written for clusters the object is not placed in", async () => {
        const v = await violations(overridesPolicy, fr("web", decision({ overrideClusters: ["east", "eu"], overrides: { east: ["/spec/template/spec/containers/0/image"] } })));
        assert.equal(v.length, 1);
        mentions(v[0], `FederatedResource "web"`, `overrides for "eu"`, `placed: "east", "west"`);
    });
    it("flags protected paths, their sub-paths and parents, but not scheduler-written /spec/replicas", async () => {
        const d = decision({
            overrideClusters: ["east", "west"],
            overrides: { east: ["/spec/template/spec/serviceAccountName"], west: ["/spec/template/spec", "/spec/replicas"] },
            replicaScheduling: { totalReplicas: 2 }, replicas: { east: 1, west: 1 }, unplacedReplicas: 0,
        });
        const v = await violations(overridesPolicy, fr("web", d, { protectedPaths: ["/spec/template/spec/serviceAccountName", "/spec/replicas"] }));
        assert.equal(v.length, 1);
        mentions(v[0], `"east": /spec/template/spec/serviceAccountName`, `"west": /spec/template/spec (touches /spec/template/spec/serviceAccountName)`);
        assert.ok(!v[0].includes(`"west": /spec/replicas`));
    });
    it("accepts overrides of unprotected paths in placed clusters", async () => {
        const d = decision({ overrideClusters: ["east"], overrides: { east: ["/spec/template/spec/containers/0/image", "/metadata/labels/tier"] } });
        assert.deepEqual(await violations(overridesPolicy, fr("web", d)), []);
    });
    it("checks images after overrides against allowedRegistries (empty = no check)", async () => {
        const d = decision({ images: { east: ["registry.example.com/shop/web:2"], west: ["nginx:1.25", "registry.example.com/shop/sidecar@sha256:abc"] } });
        assert.deepEqual(await violations(overridesPolicy, fr("web", d)), []);
        const v = await violations(overridesPolicy, fr("web", d, { allowedRegistries: ["registry.example.com"] }));
        assert.equal(v.length, 1);
        mentions(v[0], `"west": nginx:1.25`, `Allowed: "registry.example.com"`);
        assert.ok(!v[0].includes(`"east"`));
        assert.deepEqual(await violations(overridesPolicy, fr("web", d, { allowedRegistries: ["registry.example.com/shop", "docker.io/library"] })), []);
    });
    it("can allow overrides for unplaced clusters and supports * segments in protected paths", async () => {
        const d = decision({ overrideClusters: ["eu"], overrides: { east: ["/spec/template/spec/containers/1/securityContext/privileged"] } });
        const v = await violations(overridesPolicy, fr("web", d, { requirePlacedOverrideClusters: false, protectedPaths: ["/spec/template/spec/containers/*/securityContext"] }));
        assert.equal(v.length, 1);
        mentions(v[0], `"east": /spec/template/spec/containers/1/securityContext/privileged`);
    });
    it("normalises image references", () => {
        assert.equal(imageRepository("nginx"), "docker.io/library/nginx");
        assert.equal(imageRepository("bitnami/redis:7"), "docker.io/bitnami/redis");
        assert.equal(imageRepository("localhost:5000/app:1"), "localhost:5000/app");
        assert.equal(imageRepository("ghcr.io/acme/app@sha256:0123"), "ghcr.io/acme/app");
        assert.ok(!imageAllowed("registry.example.com.evil.io/x", ["registry.example.com"]));
        assert.ok(touchesProtected("/a/b", "/a/b/c") && touchesProtected("/a/b/c", "/a/b") && !touchesProtected("/a/x", "/a/b"));
    });
});
