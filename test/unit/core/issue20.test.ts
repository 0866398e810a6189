import { strict as assert } from "assert";
import {
    ClusterInfo, DnsEndpoint, NormalizedDecision, ValidationError, compareShardDecisions, ingressDnsEndpoints, decideFederatedObject,
    resolverFor, serviceDnsEndpoints, shardRecord, validateServiceDnsInput,
} from "../../../src/core";
import { validateDependencyMode } from "../../../src/core/dependencies";

// Issue 20: the decision core's part of the defects.
const deployment = (replicas: unknown = 1) => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" },
    spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "x" }] } } },
});
const fleet = (): ClusterInfo[] => [{ name: "a", labels: { env: "prod" } }, { name: "b", labels: { env: "prod" } }];
const errorOf = (f: () => unknown): ValidationError => {
    try { f(); } catch (e) { return e as ValidationError; }
    throw new Error("did not throw");
};

describe("core: issue 20 defects", () => {
    it("1. a dependencies mode that is not check|follow|ignore is an error listing them", () => {
        assert.deepEqual(validateDependencyMode("folow"), [{ severity: "error", field: "dependencies",
            message: '"folow" is not one of check|follow|ignore; use "check" (the default), "follow" or "ignore"' }]);
        for (const ok of [undefined, "check", "follow", "ignore"]) assert.deepEqual(validateDependencyMode(ok), []);
        assert.equal(validateDependencyMode(3).length, 1);
    });

    it("4. template spec.replicas NaN, -3, 1.5 or above int32 is refused naming template.spec.replicas", () => {
        for (const bad of [NaN, -3, 1.5, Infinity, 2 ** 31]) {
            const e = errorOf(() => decideFederatedObject({ template: deployment(bad), clusters: fleet(), placement: { clusterSelector: {} } }));
            assert.ok(e instanceof ValidationError, String(e));
            assert.deepEqual(e.issues.map(i => i.field), ["template.spec.replicas"], String(bad));
            assert.match(e.message, /template\.spec\.replicas: is .*; spec\.replicas must be a whole number from 0 to 2147483647/);
        }
        for (const ok of [0, 3, undefined, null, "\u0000kubefed:output:0\u0000"]) {
            decideFederatedObject({ template: deployment(ok), clusters: fleet(), placement: { clusterSelector: {} } });
        }
    });

    it("4. an override writing a bad /spec/replicas (or a /spec with one) is refused naming the value", () => {
        const e = errorOf(() => decideFederatedObject({ template: deployment(), clusters: fleet(), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "b", clusterOverrides: [{ path: "/spec/replicas", value: -3 }, { op: "add", path: "/spec", value: { replicas: NaN } }] }] }));
        assert.deepEqual(e.issues.map(i => i.field), ["overrides[0].clusterOverrides[0].value", "overrides[0].clusterOverrides[1].value"]);
        assert.match(e.issues[0].message, /^is -3; .*\(overriding \/spec\/replicas for cluster "b"\); fix the override value$/);
        // removing it, or a valid value, is fine
        decideFederatedObject({ template: deployment(), clusters: fleet(), placement: { clusterSelector: {} },
            overrides: [{ clusterName: "b", clusterOverrides: [{ path: "/spec/replicas", value: 2 }] }, { clusterName: "a", clusterOverrides: [{ op: "remove", path: "/spec/replicas" }] }] });
    });

    it("6. a cluster list changed in place is validated again: a duplicate element, a label value", () => {
        const clusters = fleet();
        decideFederatedObject({ template: deployment(), clusters, placement: { clusterSelector: {} } });
        clusters[1] = clusters[0];
        assert.throws(() => decideFederatedObject({ template: deployment(), clusters, placement: { clusterSelector: {} } }), /"a"/);
        const again = fleet();
        decideFederatedObject({ template: deployment(), clusters: again, placement: { clusterSelector: {} } });
        again[1].labels!.env = "not a label value!";
        const e = errorOf(() => decideFederatedObject({ template: deployment(), clusters: again, placement: { clusterSelector: {} } }));
        assert.deepEqual(e.issues.map(i => i.field), ['clusters[1].labels["env"]']);
        again[1].labels!.env = "prod";
        decideFederatedObject({ template: deployment(), clusters: again, placement: { clusterSelector: {} } });
        // a key added or removed in place is noticed too
        delete again[1].labels!.env;
        again[1].labels!["bad key!"] = "x";
        assert.throws(() => decideFederatedObject({ template: deployment(), clusters: again, placement: { clusterSelector: {} } }), /bad key!/);
    });
});

describe("core: issue 20 — DNS", () => {
    const CNAME = (dnsName: string, target: string): DnsEndpoint => ({ dnsName, targets: [target], recordType: "CNAME", recordTTL: 180 });
    const keep = resolverFor("keep", undefined);

    it("3. resolution keep: a name whose only target is one load-balancer hostname is a CNAME to it, never an A record", async () => {
        const ing = await ingressDnsEndpoints({ hosts: ["h.test"], clusters: [{ cluster: "a", loadBalancer: { ingress: [{ hostname: "lb.test" }] } }] }, keep);
        assert.deepEqual(ing, [CNAME("h.test", "lb.test")]);
        const svc = await serviceDnsEndpoints({ name: "api", namespace: "shop", domainRef: "d", domain: "example.com",
            clusters: [{ cluster: "a", region: "r1", zones: ["z1"], loadBalancer: { ingress: [{ hostname: "lb.test" }] } },
                { cluster: "b", region: "r2", zones: ["z2"] }] }, keep);
        const p = "api.shop.d.svc";
        assert.deepEqual(svc, [
            CNAME(`${p}.example.com`, "lb.test"),
            CNAME(`${p}.r1.example.com`, "lb.test"),
            CNAME(`${p}.r2.example.com`, `${p}.example.com`), // b has no endpoint: KubeFed's CNAME one level up
            CNAME(`${p}.z1.r1.example.com`, "lb.test"),
            CNAME(`${p}.z2.r2.example.com`, `${p}.r2.example.com`),
        ]);
    });

    it("3. resolution keep: a hostname next to an address or another hostname is refused naming the record and the fix", async () => {
        await assert.rejects(ingressDnsEndpoints({ hosts: ["h.test"], clusters: [{ cluster: "a", loadBalancer: { ingress: [{ ip: "10.0.0.1" }, { hostname: "lb.test" }] } }] }, keep),
            /^ValidationError: DNS records: resolution: the records of h\.test would hold the load-balancer hostname\(s\) lb\.test next to the address\(es\) 10\.0\.0\.1.*Use resolution "system".*or "static"/);
        await assert.rejects(serviceDnsEndpoints({ name: "api", namespace: "shop", domainRef: "d", domain: "example.com",
            clusters: [{ cluster: "a", region: "r", zones: ["z"], loadBalancer: { ingress: [{ hostname: "lb1.test" }] } },
                { cluster: "b", region: "r", zones: ["z"], loadBalancer: { ingress: [{ hostname: "lb2.test" }] } }] }, keep),
        /the records of api\.shop\.d\.svc\.example\.com would hold the load-balancer hostname\(s\) lb1\.test, lb2\.test together/);
    });

    it("10. a Service namespace (or name) that is not a DNS-1123 label is refused naming the field", () => {
        const input = (over: Record<string, unknown>) => ({ name: "api", namespace: "shop", domainRef: "d", domain: "example.com",
            clusters: [{ cluster: "c1", region: "r", zones: ["z"] }], ...over });
        const issues = validateServiceDnsInput(input({ namespace: "Bad_Name!" }));
        assert.deepEqual(issues.map(i => i.field), ["namespace"]);
        assert.match(issues[0].message, /"Bad_Name!" cannot be part of a DNS name.*DNS-1123 label/);
        assert.deepEqual(validateServiceDnsInput(input({ name: "Api" })).map(i => i.field), ["service"]);
        assert.deepEqual(validateServiceDnsInput(input({ name: "Api", externalName: "api" })), []);
    });
});

describe("core: issue 20 — shard mismatch messages never print a Secret's data (9)", () => {
    const decision = (password: string, token = "dG9rZW4="): NormalizedDecision => ({
        version: "0.1.0", members: {},
        objects: { "FederatedResource db": { decision: { placed: {} },
            template: { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password }, data: { token } },
            overrides: [{ clusterName: "c1", clusterOverrides: [{ path: "/stringData/password", value: password }] }] } },
    });
    const rec = (d: NormalizedDecision, s: string) => ({ shard: s, record: shardRecord(d, s, []), decision: d });

    it("a difference in stringData, data or a Secret's overrides is named by its path only", () => {
        const m = compareShardDecisions([rec(decision("hunter2"), "a"), rec(decision("hunter3"), "b")])!;
        assert.equal(m.difference.path, 'objects["FederatedResource db"].overrides[0].clusterOverrides[0].value');
        assert.doesNotMatch(m.message + JSON.stringify(m.difference), /hunter/);
        assert.match(m.message, /first difference at objects\["FederatedResource db"\]\.overrides\[0\]\.clusterOverrides\[0\]\.value \(a Secret's data: not shown\)/);
        const d = compareShardDecisions([rec(decision("x", "c2VjcmV0MQ=="), "a"), rec(decision("x", "c2VjcmV0Mg=="), "b")])!;
        assert.equal(d.difference.path, 'objects["FederatedResource db"].template.data.token');
        assert.doesNotMatch(d.message + JSON.stringify(d.difference), /c2VjcmV0/);
    });

    it("an object missing in one shard is not printed when it holds a Secret", () => {
        const empty: NormalizedDecision = { version: "0.1.0", members: {}, objects: {} };
        const m = compareShardDecisions([rec(decision("hunter2"), "a"), rec(empty, "b")])!;
        assert.doesNotMatch(m.message + JSON.stringify(m.difference), /hunter2/);
    });

    it("other differences still show both values", () => {
        const a = decision("x");
        const b = decision("x");
        (b.objects["FederatedResource db"] as any).decision.placed = { c1: {} };
        const m = compareShardDecisions([rec(a, "a"), rec(b, "b")])!;
        assert.match(m.message, /\(absent\) in "a" vs \{\} in "b"/);
    });
});
