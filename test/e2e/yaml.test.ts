import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import * as kubefed from "../../src";
import { Fleet, ROOT, eventually, exampleStack, getObject, kubefedStatus, managedObjects, requireTestbed, scratchDir, startFleet, stopFleet } from "../support";

// End to end: the component package (plugin/) used from Pulumi YAML, under the real engine with the test bed's
// pulumi-language-yaml, against a real fleet. The YAML quickstart must put exactly what the TypeScript quickstart
// puts into the members, and bad input must fail with the TypeScript program's message.

const ENV = {
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
};

/** The quickstart's objects in every member, without what the API server sets per object. */
async function snapshot(f: Fleet): Promise<Record<string, unknown>> {
    const strip = (o: Record<string, any> | undefined) => {
        if (!o) return o;
        const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, generation: _g, ...metadata } = o.metadata;
        const { status: _s, ...rest } = o;
        return { ...rest, metadata };
    };
    const out: Record<string, unknown> = {};
    for (const c of ["c1", "c2", "c3"]) {
        out[`${c} managed`] = await managedObjects(f, c);
        out[`${c} Namespace shop`] = strip(await getObject(f, c, "v1", "Namespace", undefined, "shop"));
        out[`${c} Deployment shop/web`] = strip(await getObject(f, c, "apps/v1", "Deployment", "shop", "web"));
        out[`${c} ConfigMap shop/settings`] = strip(await getObject(f, c, "v1", "ConfigMap", "shop", "settings"));
    }
    return out;
}

/** A YAML stack of a project directory, on a file backend of its own. */
async function yamlStack(workDir: string, stackName: string, kubeconfig: string): Promise<{ stack: Stack; backend: string }> {
    const backend = scratchDir(`kubefed-state-${stackName}-`);
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, { envVars: { ...ENV, PULUMI_BACKEND_URL: `file://${backend}` } });
    await stack.setConfig("kubeconfig", { value: kubeconfig, secret: true });
    return { stack, backend };
}

/** The first line of `text` holding `needle`, trimmed of the engine's indentation and colour codes. */
function lineWith(text: string, needle: string): string | undefined {
    return text.replace(/\u001b\[[0-9;]*m/g, "").split("\n").map(l => l.trim()).find(l => l.includes(needle));
}

describe("e2e: the component package from Pulumi YAML", function () {
    let fleet: Fleet | undefined;
    const f = () => fleet!;
    const workDir = path.join(ROOT, "examples", "yaml-quickstart");
    let yaml: { stack: Stack; backend: string };

    before(async function () {
        requireTestbed(this);
        const onPath = (process.env.PATH ?? "").split(path.delimiter).some(d => fs.existsSync(path.join(d, "pulumi-language-yaml")));
        if (!onPath) throw new Error("pulumi-language-yaml is missing from the test bed: run `bash testbed/setup.sh language-yaml`");
        fleet = await startFleet("yaml");
    });
    after(async () => {
        fs.rmSync(path.join(workDir, "Pulumi.e2e.yaml"), { force: true });
        await stopFleet(fleet);
    });

    let fromTypeScript: Record<string, unknown>;

    it("a. the TypeScript quickstart's member objects (reference)", async () => {
        const { stack } = await exampleStack("quickstart", "e2e-ts", f());
        await stack.up();
        fromTypeScript = await snapshot(f());
        assert.deepEqual(fromTypeScript["c3 managed"], ["ConfigMap shop/settings", "Namespace shop"]);
        await stack.destroy();
        // a namespace is deleted asynchronously (finalizers): wait until it is gone before the YAML program makes it again
        await eventually("namespace shop gone from every member", async () =>
            (await Promise.all(["c1", "c2", "c3"].map(c => getObject(f(), c, "v1", "Namespace", undefined, "shop")))).every(o => o === undefined), 120000);
        await stack.workspace.removeStack("e2e-ts");
    });

    it("b. the YAML quickstart's up puts exactly the same objects into the members", async () => {
        yaml = await yamlStack(workDir, "e2e", f().kubeconfig);
        const up = await yaml.stack.up();
        assert.deepEqual(up.outputs.webClusters.value, ["c1", "c2"]);
        assert.deepEqual(up.outputs.settingsClusters.value, ["c1", "c2", "c3"]);
        // the decision is a typed output: replicas per cluster as the TypeScript component decides them
        assert.deepEqual(kubefed.replicasOf(up.outputs.webDecision.value), { c1: 3, c2: 3 });
        assert.deepEqual(await snapshot(f()), fromTypeScript);
    });

    it("c. a second preview shows no changes", async () => {
        const res = await yaml.stack.preview({ expectNoChanges: true });
        assert.deepEqual(Object.keys(res.changeSummary).filter(op => op !== "same"), [], JSON.stringify(res.changeSummary));
    });

    it("d. pulumi-kubefed status reads the YAML stack", async () => {
        const r = kubefedStatus(workDir, "e2e", yaml.backend, ["-o", "json"]);
        assert.equal(r.code, 0, r.out);
        const report = JSON.parse(r.stdout);
        assert.deepEqual(report.clusters.map((c: { clusterName: string; ready: boolean }) => [c.clusterName, c.ready]), [["c1", true], ["c2", true], ["c3", true]]);
        const cells = Object.fromEntries(report.objects.map((o: { name: string; target: { kind: string }; status: { clusters: { name: string; exists: boolean; status: string }[] } }) =>
            [`${o.target.kind} ${o.name}`, o.status.clusters.map(c => `${c.name}:${c.exists ? "exists" : "missing"}:${c.status || "ok"}`)]));
        assert.deepEqual(cells, {
            "ConfigMap settings": ["c1:exists:ok", "c2:exists:ok", "c3:exists:ok"],
            "Deployment web": ["c1:exists:ok", "c2:exists:ok"],
            "Namespace shop": ["c1:exists:ok", "c2:exists:ok", "c3:exists:ok"],
        });
    });

    /**
     * The same bad FederatedResource input (three members, a ConfigMap template, `props`) as a TypeScript program and
     * as a YAML program: both previews must fail on `field`, with the same message from the component's name on.
     * Returns that message; checks that nothing was applied.
     */
    async function sameErrorFromBoth(tag: string, props: Record<string, unknown>, field: string): Promise<string> {
        const template = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web", namespace: "shop" }, data: {} };
        const ts = await LocalWorkspace.createOrSelectStack({
            stackName: "bad", projectName: `kubefed-bad-ts-${tag}`,
            program: async () => {
                const kubeconfig = new pulumi.Config().requireSecret("kubeconfig");
                const clusters = ["c1", "c2", "c3"].map(c => new kubefed.MemberCluster(c, { kubeconfig, context: c, health: false }));
                new kubefed.FederatedResource("web", { clusters, template, ...props } as kubefed.FederatedResourceArgs);
            },
        }, { envVars: { ...ENV, PULUMI_BACKEND_URL: `file://${scratchDir("kubefed-state-bad-ts-")}` } });
        await ts.setConfig("kubeconfig", { value: f().kubeconfig, secret: true });
        const tsErr = await ts.preview().then(() => "", (e: Error) => e.message);
        const tsLine = lineWith(tsErr, field);
        assert.ok(tsLine, `TypeScript preview did not fail on ${field}:\n${tsErr}`);

        // YAML: the same properties (JSON is YAML's flow style), members as resource references
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kubefed-bad-yaml-${tag}-`));
        const properties = { clusters: ["${c1}", "${c2}", "${c3}"], template, ...props };
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), [
            `name: kubefed-bad-yaml-${tag}`, "runtime: yaml", `packages:\n  pulumi-kubefed: ${path.join(ROOT, "plugin")}`,
            "config:\n  pulumi:disable-default-providers:\n    value: [kubernetes]\n  kubeconfig:\n    type: string\n    secret: true",
            "resources:",
            ...["c1", "c2", "c3"].map(c => `  ${c}:\n    type: pulumi-kubefed:index:MemberCluster\n    properties: { kubeconfig: "\${kubeconfig}", context: ${c}, health: false }`),
            "  web:\n    type: pulumi-kubefed:index:FederatedResource\n    properties:",
            ...Object.entries(properties).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
            "",
        ].join("\n"));
        const bad = await yamlStack(dir, "bad", f().kubeconfig);
        const yamlErr = await bad.stack.preview().then(() => "", (e: Error) => e.message);
        const yamlLine = lineWith(yamlErr, field);
        assert.ok(yamlLine, `YAML preview did not fail on ${field}:\n${yamlErr}`);
        // the component, the field and the fix, word for word as from TypeScript
        const message = (l: string) => l.slice(l.indexOf("FederatedResource web: "));
        assert.equal(message(yamlLine!), message(tsLine!));
        // nothing was applied
        for (const c of ["c1", "c2", "c3"]) assert.equal(await getObject(f(), c, "v1", "ConfigMap", "shop", "web"), undefined);
        fs.rmSync(dir, { recursive: true, force: true });
        return message(tsLine!);
    }

    it("e. a bad placement fails at preview with the TypeScript program's message, before anything is applied", async () => {
        const msg = await sameErrorFromBoth("placement", { placement: { clusters: [{ name: "mars" }] } }, "placement.clusters[0].name");
        assert.match(msg, /^FederatedResource web: ConfigMap shop\/web: placement\.clusters\[0\]\.name: unknown cluster "mars" \(known: c1, c2, c3\); fix the name/);
    });

    it("f. overrides for a missing member: the TypeScript program's message from YAML", async () => {
        const msg = await sameErrorFromBoth("member", {
            placement: { clusterSelector: {} },
            overrides: [{ clusterName: "c9", clusterOverrides: [{ path: "/data/mode", value: "x" }] }],
        }, "overrides[0].clusterName");
        assert.match(msg, /^FederatedResource web: .*overrides\[0\]\.clusterName: unknown cluster "c9" \(known: c1, c2, c3\); fix the name or add the cluster/);
    });

    it("g. no members at all: the TypeScript program's message from YAML", async () => {
        const msg = await sameErrorFromBoth("nomembers", { clusters: [], placement: { clusterSelector: {} } }, "FederatedResource web: clusters:");
        assert.match(msg, /^FederatedResource web: clusters: must list the MemberCluster objects of the federation/);
    });

    it("h. a bad selector: the TypeScript program's message from YAML", async () => {
        const msg = await sameErrorFromBoth("selector", {
            placement: { clusterSelector: { matchExpressions: [{ key: "tier", operator: "In", values: [] }] } },
        }, "placement.clusterSelector.matchExpressions[0].values");
        assert.match(msg, /^FederatedResource web: .*placement\.clusterSelector\.matchExpressions\[0\]\.values: values set can't be empty for operator In; list at least one value or use Exists\/DoesNotExist/);
    });

    it("i. a forbidden override: the TypeScript program's message from YAML", async () => {
        const msg = await sameErrorFromBoth("override", {
            placement: { clusterSelector: {} },
            overrides: [{ clusterName: "c1", clusterOverrides: [{ path: "/metadata/name", value: "other" }] }],
        }, "overrides[0].clusterOverrides[0].path");
        assert.match(msg, /^FederatedResource web: .*overrides\[0\]\.clusterOverrides\[0\]\.path: .*cannot be overridden.*change the template instead/);
    });
});
