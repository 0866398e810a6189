import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "../../src";
import { Fleet, ROOT, getObject, linkDependencies, member, requireTestbed, scratchDir, startFleet, stopFleet } from "../support";

// End to end: the DNS records, Domain, FederatedChart and FederatedKustomization through the component package,
// from Pulumi YAML (examples/yaml-dns-charts), under the real engine against a real fleet; everything is read back
// from the members. The test bed has no load-balancer controller, so the test writes status.loadBalancer into the
// members as a cloud controller would, and the program's `resolution: static` map stands in for DNS.

const ENV = { PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase", PULUMI_SKIP_UPDATE_CHECK: "true" };
const STACK = "e2e";

interface Endpoint { dnsName: string; targets: string[]; recordType: string; recordTTL: number }
const records = (eps: Endpoint[]) => eps.map(e => `${e.recordType} ${e.dnsName} ${e.targets.join(",")}`);

/** Writes a member object's status.loadBalancer through the status subresource (what a cloud controller does). */
async function setLoadBalancer(f: Fleet, cluster: string, apiVersion: string, kind: string, name: string, ingress: unknown[]): Promise<void> {
    const c = member(f, cluster);
    const p = await c.objectPath({ apiVersion, kind, namespace: "apps", name });
    const res = await c.request("PATCH", `${p}/status`, { status: { loadBalancer: { ingress } } }, { contentType: "application/merge-patch+json" });
    if (res.status !== 200) throw new Error(`PATCH ${p}/status in ${cluster}: HTTP ${res.status} ${res.text}`);
}

/** The first line of `text` holding `needle`, from `needle` on, without the engine's colour codes. */
function lineFrom(text: string, needle: string): string | undefined {
    const line = text.replace(/\u001b\[[0-9;]*m/g, "").split("\n").find(l => l.includes(needle));
    return line?.slice(line.indexOf(needle));
}

describe("e2e: DNS records, a chart and a kustomization from Pulumi YAML (component package)", function () {
    let fleet: Fleet | undefined;
    const f = () => fleet!;
    const workDir = path.join(ROOT, "examples", "yaml-dns-charts");
    let stack: Stack;
    let backend: string;

    before(async function () {
        requireTestbed(this);
        const onPath = (process.env.PATH ?? "").split(path.delimiter).some(d => fs.existsSync(path.join(d, "pulumi-language-yaml")));
        if (!onPath) throw new Error("pulumi-language-yaml is missing from the test bed: run `bash testbed/setup.sh language-yaml`");
        fleet = await startFleet("yamlkinds");
        backend = scratchDir("kubefed-state-yamlkinds-");
        fs.rmSync(path.join(workDir, `Pulumi.${STACK}.yaml`), { force: true });
        stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir }, { envVars: { ...ENV, PULUMI_BACKEND_URL: `file://${backend}` } });
        await stack.setConfig("kubeconfig", { value: f().kubeconfig, secret: true });
    });
    after(async () => {
        try { if (stack) await stack.destroy(); } finally {
            fs.rmSync(path.join(workDir, `Pulumi.${STACK}.yaml`), { force: true });
            await stopFleet(fleet);
        }
    });

    it("a. up: the chart and the kustomization in every member as asked, DNSEndpoints in the DNS clusters", async () => {
        const up = await stack.up();
        const chart = up.outputs.chartDecision.value;
        assert.deepEqual(chart.clusters, ["c1", "c2", "c3"]);
        let total = 0;
        for (const [c, tag, message] of [["c1", "1.25", "hello from c1"], ["c2", "1.27", "hello from c2"], ["c3", "1.25", "hello from every cluster"]]) {
            const d = await getObject(f(), c, "apps/v1", "Deployment", "apps", "hello-hello");
            assert.ok(d, `Deployment apps/hello-hello in ${c}`);
            assert.equal(d.spec.template.spec.containers[0].image, `nginx:${tag}`, c);
            assert.equal(d.spec.replicas, chart.replicas[c], `${c} runs the replicas the decision shows`);
            total += d.spec.replicas;
            assert.equal((await getObject(f(), c, "v1", "ConfigMap", "apps", "hello-hello")).data.message, message, c);
        }
        assert.equal(total, 3, "the scheduled replicas add up to totalReplicas");
        // c1 renders its overlay, the others the base (the files say what each should hold)
        const overlay = fs.readFileSync(path.join(ROOT, "examples", "kustomize", "overlays", "c1", "greeting.yaml"), "utf8").match(/message: (.*)/)![1];
        const base = fs.readFileSync(path.join(ROOT, "examples", "kustomize", "base", "configmap.yaml"), "utf8").match(/message: (.*)/)![1];
        assert.notEqual(overlay, base);
        for (const [c, message] of [["c1", overlay], ["c2", base], ["c3", base]]) {
            assert.equal((await getObject(f(), c, "v1", "ConfigMap", "apps", "greeting")).data.message, message, c);
        }
        assert.deepEqual(up.outputs.kustomizeDecision.value.clusters, ["c1", "c2", "c3"]);
        // No load balancer has an address yet: the service record has only CNAMEs, the ingress record nothing.
        const svc = await getObject(f(), "c1", "externaldns.k8s.io/v1alpha1", "DNSEndpoint", "apps", "service-web");
        assert.deepEqual(svc.spec.endpoints, up.outputs.webEndpoints.value);
        assert.ok(svc.spec.endpoints.length > 0 && svc.spec.endpoints.every((e: Endpoint) => e.recordType === "CNAME"), records(svc.spec.endpoints).join("\n"));
        const ing = await getObject(f(), "c2", "externaldns.k8s.io/v1alpha1", "DNSEndpoint", "apps", "ingress-shop");
        assert.deepEqual(ing.spec.endpoints ?? [], []);
        // each record lives in its own DNS cluster only
        assert.equal(await getObject(f(), "c3", "apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, "dnsendpoints.externaldns.k8s.io"), undefined);
    });

    it("b. with load-balancer addresses in the members, up --refresh publishes the records KubeFed would (static hostname map)", async () => {
        await setLoadBalancer(f(), "c1", "v1", "Service", "web", [{ ip: "10.0.1.1" }]);
        await setLoadBalancer(f(), "c2", "v1", "Service", "web", [{ hostname: "lb-c2.example.test" }]);
        await setLoadBalancer(f(), "c1", "networking.k8s.io/v1", "Ingress", "shop", [{ ip: "10.0.1.5" }]);
        await setLoadBalancer(f(), "c2", "networking.k8s.io/v1", "Ingress", "shop", [{ hostname: "lb-c2.example.test" }]);
        const up = await stack.up({ refresh: true });
        // one A record per host over every cluster's targets, the hostname replaced by its static addresses
        const ing = await getObject(f(), "c2", "externaldns.k8s.io/v1alpha1", "DNSEndpoint", "apps", "ingress-shop");
        assert.deepEqual(records(ing.spec.endpoints), ["A shop.example.test 10.0.1.5,10.0.2.1,10.0.2.2"]);
        assert.equal(ing.spec.endpoints[0].recordTTL, 180);
        assert.deepEqual(ing.spec.endpoints, up.outputs.shopEndpoints.value);
        // zone, region and global records: A where a cluster has addresses, a CNAME one level up where not (c3)
        const svc = await getObject(f(), "c1", "externaldns.k8s.io/v1alpha1", "DNSEndpoint", "apps", "service-web");
        const p = "web.apps.zone.svc";
        assert.deepEqual(records(svc.spec.endpoints).sort(), [
            `A ${p}.example.test 10.0.1.1,10.0.2.1,10.0.2.2`,
            `A ${p}.us-east-1a.us-east.example.test 10.0.1.1`,
            `A ${p}.us-east-1b.us-east.example.test 10.0.1.1`,
            `A ${p}.us-east.example.test 10.0.1.1`,
            `A ${p}.us-west-2a.us-west.example.test 10.0.2.1,10.0.2.2`,
            `A ${p}.us-west.example.test 10.0.2.1,10.0.2.2`,
            `CNAME ${p}.eu-central-1a.eu-central.example.test ${p}.eu-central.example.test`,
            `CNAME ${p}.eu-central.example.test ${p}.example.test`,
            `CNAME www.example.test ${p}.example.test`,
        ]);
        assert.deepEqual(svc.spec.endpoints, up.outputs.webEndpoints.value);
    });

    it("c. a second preview shows no changes", async () => {
        const res = await stack.preview({ expectNoChanges: true });
        assert.deepEqual(Object.keys(res.changeSummary).filter(op => op !== "same"), [], JSON.stringify(res.changeSummary));
    });

    // The same bad input to a DNS record and to a chart, as a TypeScript program and as a YAML program: both previews
    // fail with the same line, naming the component, the field and the fix, and nothing is applied.
    const badCases: { tag: string; needle: string; expect: RegExp; ts: (clusters: kubefed.MemberCluster[]) => void; yaml: string[] }[] = [
        {
            tag: "dns", needle: "IngressDNSRecord badDns: ", expect: /^IngressDNSRecord badDns: addresses: is required with resolution "static": map each load-balancer hostname to its addresses/,
            ts: clusters => {
                const ingress = new kubefed.FederatedResource("badIngress", { clusters, placement: { clusterSelector: {} }, waitForReady: false,
                    template: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "bad", namespace: "default" }, spec: { defaultBackend: { service: { name: "web", port: { number: 80 } } } } } });
                new kubefed.IngressDNSRecord("badDns", { ingress, hosts: ["bad.example.test"], dnsCluster: clusters[0], resolution: "static" });
            },
            yaml: [
                "  badIngress:\n    type: pulumi-kubefed:index:FederatedResource\n    properties:",
                "      clusters: [\"${c1}\", \"${c2}\", \"${c3}\"]\n      placement: { clusterSelector: {} }\n      waitForReady: false",
                "      template: { apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: { name: bad, namespace: default }, spec: { defaultBackend: { service: { name: web, port: { number: 80 } } } } }",
                "  badDns:\n    type: pulumi-kubefed:index:IngressDNSRecord",
                "    properties: { ingress: \"${badIngress}\", hosts: [bad.example.test], dnsCluster: \"${c1}\", resolution: static }",
            ],
        },
        {
            tag: "chart", needle: "FederatedChart badChart: ", expect: /^FederatedChart badChart: chart default\/badChart: clusterValues\["c9"\]: unknown cluster "c9" \(known: c1, c2, c3\); fix the name or add the cluster/,
            ts: clusters => {
                new kubefed.FederatedChart("badChart", { clusters, chart: path.join(ROOT, "examples", "charts", "hello"), namespace: "default",
                    placement: { clusterSelector: {} }, clusterValues: { c9: { message: "x" } } });
            },
            yaml: [
                "  badChart:\n    type: pulumi-kubefed:index:FederatedChart\n    properties:",
                `      clusters: ["\${c1}", "\${c2}", "\${c3}"]\n      chart: ${path.join(ROOT, "examples", "charts", "hello")}\n      namespaceName: default`,
                "      placement: { clusterSelector: {} }\n      clusterValues: { c9: { message: x } }",
            ],
        },
    ];
    for (const [i, bad] of badCases.entries()) {
        it(`${"de"[i]}. bad ${bad.tag} input: the TypeScript program's message from YAML, at preview, nothing applied`, async () => {
            const envVars = (tag: string) => ({ ...ENV, PULUMI_BACKEND_URL: `file://${scratchDir(`kubefed-state-bad-${tag}-`)}` });
            const ts = await LocalWorkspace.createOrSelectStack({
                stackName: "bad", projectName: `kubefed-bad-ts-${bad.tag}`,
                program: async () => {
                    const kubeconfig = new pulumi.Config().requireSecret("kubeconfig");
                    bad.ts(["c1", "c2", "c3"].map(c => new kubefed.MemberCluster(c, { kubeconfig, context: c, health: false })));
                },
            }, { envVars: envVars(`ts-${bad.tag}`) });
            await ts.setConfig("kubeconfig", { value: f().kubeconfig, secret: true });
            const tsLine = lineFrom(await ts.preview().then(() => "", (e: Error) => e.message), bad.needle);
            assert.ok(tsLine, `TypeScript preview did not fail on ${bad.needle}`);
            assert.match(tsLine!, bad.expect);

            const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kubefed-bad-yaml-${bad.tag}-`));
            // A project outside this repository needs @pulumi/pulumi resolvable from its directory: the member
            // read-back is a dynamic resource, whose provider Pulumi starts from the program's directory (README).
            // The repository's dependencies stand in for `npm install @pulumi/pulumi` there.
            linkDependencies(dir);
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), [
                `name: kubefed-bad-yaml-${bad.tag}`, "runtime: yaml", `packages:\n  pulumi-kubefed: ${path.join(ROOT, "plugin")}`,
                "config:\n  pulumi:disable-default-providers:\n    value: [kubernetes]\n  kubeconfig:\n    type: string\n    secret: true",
                "resources:",
                ...["c1", "c2", "c3"].map(c => `  ${c}:\n    type: pulumi-kubefed:index:MemberCluster\n    properties: { kubeconfig: "\${kubeconfig}", context: ${c}, health: false }`),
                ...bad.yaml, "",
            ].join("\n"));
            const y = await LocalWorkspace.createOrSelectStack({ stackName: "bad", workDir: dir }, { envVars: envVars(`yaml-${bad.tag}`) });
            await y.setConfig("kubeconfig", { value: f().kubeconfig, secret: true });
            const yamlErr = await y.preview().then(r => `(preview succeeded)\n${r.stdout}`, (e: Error) => e.message);
            const yamlLine = lineFrom(yamlErr, bad.needle);
            assert.ok(yamlLine, `YAML preview did not fail on ${bad.needle}:\n${yamlErr.slice(-3000)}`);
            assert.equal(yamlLine, tsLine);
            // nothing was applied: the namespace both programs write into is as empty as before
            for (const c of ["c1", "c2", "c3"]) {
                for (const coll of ["/apis/networking.k8s.io/v1/namespaces/default/ingresses", "/apis/apps/v1/namespaces/default/deployments"]) {
                    const res = await member(f(), c).request("GET", coll);
                    assert.deepEqual((res.body as { items: unknown[] }).items, [], `${c} ${coll}`);
                }
            }
            fs.rmSync(dir, { recursive: true, force: true });
        });
    }

    it("f. the YAML stack's state holds no credential in plain text; only providers and read-backs hold secrets, encrypted", async () => {
        // the CLI as a user runs it (the Automation API's exportStack shows secrets)
        const out = spawnSync("pulumi", ["stack", "export", "--stack", STACK, "--cwd", workDir], {
            encoding: "utf8", maxBuffer: 256 << 20, env: { ...process.env, ...ENV, PULUMI_BACKEND_URL: `file://${backend}` },
        });
        assert.equal(out.status, 0, out.stderr);
        const text = out.stdout;
        const state = JSON.parse(text) as { deployment: unknown };
        const kc = JSON.parse(f().kubeconfig);
        const secrets: [string, string][] = kc.users.flatMap((u: { name: string; user: Record<string, string> }) =>
            ["client-key-data", "client-certificate-data", "token"].filter(k => u.user[k]).map(k => [`${u.name} ${k}`, u.user[k]]));
        assert.ok(secrets.length >= 3, "the fleet's kubeconfig has client credentials to look for");
        /** Where in the state a string occurs (resource and property path), never the string itself. */
        const where = (needle: string): string[] => {
            const out: string[] = [];
            const walk = (v: unknown, at: string) => {
                if (typeof v === "string") { if (v.includes(needle)) out.push(at); return; }
                if (v && typeof v === "object") for (const [k, e] of Object.entries(v)) walk(e, `${at}.${k}`);
            };
            walk(state.deployment, "deployment");
            return out;
        };
        for (const [what, s] of secrets) {
            const pem = Buffer.from(s, "base64").toString("utf8").split("\n")[1]; // a line of the decoded PEM body
            for (const needle of [s, pem]) {
                if (text.includes(needle)) assert.fail(`${what} of the kubeconfig is in the state in plain text at ${where(needle).join(", ")}`);
            }
        }
        // every secret in the state, by resource type: the kubeconfig is held by the members' Kubernetes providers and
        // the read-backs (`kubeconfig`; `secretObjects` is always a secret), and by the dynamic resources' default
        // provider, which the engine hands the project's config (the kubeconfig config value, encrypted)
        const SIG = "4dabf18193072939515e22adb298388d", SECRET = "1b47061264138c4ac30d75fd1eb44270"; // the state's secret marker
        const holders = new Map<string, Set<string>>();
        for (const r of (state.deployment as { resources: { urn: string; type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] }).resources) {
            for (const where of ["inputs", "outputs"] as const) {
                for (const [k, v] of Object.entries(r[where] ?? {})) {
                    if (v === null || typeof v !== "object" || (v as Record<string, unknown>)[SIG] !== SECRET) continue;
                    assert.ok("ciphertext" in v && !("plaintext" in v), `${r.urn} ${where}.${k} is not encrypted`);
                    holders.set(r.type, new Set([...(holders.get(r.type) ?? []), k]));
                }
            }
        }
        assert.deepEqual(Object.fromEntries([...holders].map(([t, ks]) => [t, [...ks].sort()]).sort()), {
            "pulumi-nodejs:dynamic/kubefed:MemberReadBack": ["kubeconfig", "secretObjects"],
            "pulumi:providers:kubernetes": ["kubeconfig"],
            "pulumi:providers:pulumi-nodejs": ["kubefed-yaml-dns-charts:kubeconfig"],
        });
    });
});
