import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack, EngineEvent } from "@pulumi/pulumi/automation";
import { connect } from "../../src/dynamic/kube";

// The test bed (testbed/setup.sh + testbed/env.sh) provides the real pulumi CLI, the language host, the
// Kubernetes provider plugin and the Kubernetes binaries; scripts/test-all.sh sources it before mocha.
const fleetLib = require("../../../testbed/fleet");

export const ROOT = path.resolve(__dirname, "../../..");

/** In a `before` hook: skip the suite without the test bed, except in CI, where its absence is a failure. */
export function requireTestbed(ctx: Mocha.Context): void {
    if (haveTestbed()) return;
    if (process.env.CI) throw new Error("the test bed is missing: run `bash testbed/setup.sh && source testbed/env.sh`");
    ctx.skip();
}

/** Whether the real toolchain is on PATH (CI always has it: scripts/test-all.sh builds it). */
export function haveTestbed(): boolean {
    const pathDirs = (process.env.PATH ?? "").split(path.delimiter);
    return pathDirs.some(d => fs.existsSync(path.join(d, "pulumi")) && fs.existsSync(path.join(d, "kube-apiserver")));
}

export interface FleetCluster { name: string; labels: Record<string, string>; region: string; zones: string[] }
export interface Fleet { dir: string; kubeconfig: string; clusters: FleetCluster[] }

/** A kubeconfig for the fleet whose users log in through the test bed's exec credential plugin
 *  (testbed/exec-credential.js); `modes` sets a member's plugin to fail or hang. */
export function execKubeconfig(f: Fleet, opts: { apiVersion?: "v1" | "v1beta1"; modes?: Record<string, "ok" | "fail" | "hang"> } = {}): string {
    const { execKubeconfigFor } = require("../../../testbed/exec-kubeconfig");
    const state = JSON.parse(fs.readFileSync(path.join(f.dir, "fleet.json"), "utf8"));
    const kc = execKubeconfigFor(state, { apiVersion: opts.apiVersion ?? "v1" });
    for (const u of kc.users) {
        const cluster = String(u.name).replace(/-exec$/, "");
        const mode = opts.modes?.[cluster];
        if (mode) u.user.exec.env = [...u.user.exec.env.filter((e: { name: string }) => e.name !== "EXEC_CREDENTIAL_MODE"), { name: "EXEC_CREDENTIAL_MODE", value: mode }];
    }
    return JSON.stringify(kc);
}

/** `pulumi-kubefed status` through its real entry point, as a user runs it in a project directory. */
export function kubefedStatus(workDir: string, stackName: string, backend: string, args: string[]): { code: number; out: string; stdout: string } {
    const { spawnSync } = require("child_process");
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist", "src", "cli.js"), "status", "--cwd", workDir, "--stack", stackName, ...args], {
        encoding: "utf8", env: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase" },
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** Start a fleet in a fresh temp dir; `spec` as accepted by testbed/fleet.js (a count or per-cluster specs). */
export async function startFleet(name: string, spec?: unknown): Promise<Fleet> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kubefed-e2e-${name}-`));
    await fleetLib.startFleet({ dir, ...(spec !== undefined ? { clusters: spec } : {}) });
    const state = JSON.parse(fs.readFileSync(path.join(dir, "fleet.json"), "utf8"));
    return {
        dir,
        kubeconfig: fs.readFileSync(path.join(dir, "kubeconfig"), "utf8"),
        clusters: state.clusters.map((c: FleetCluster) => ({ name: c.name, labels: c.labels, region: c.region, zones: c.zones })),
    };
}

export async function stopFleet(f: Fleet | undefined): Promise<void> {
    if (f) await fleetLib.stopFleet(f.dir);
}
export const stopMember = (f: Fleet, name: string): Promise<void> => fleetLib.stopMember(f.dir, name);
export const startMember = (f: Fleet, name: string): Promise<void> => fleetLib.startMember(f.dir, name);

/** A stack of an example project on a file backend of its own. */
export async function exampleStack(example: string, stackName: string, fleet: Fleet, config: Record<string, string> = {},
                                   opts: { kubeconfig?: string; workDir?: string } = {}): Promise<{ stack: Stack; backend: string }> {
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), `kubefed-state-${stackName}-`));
    const workDir = opts.workDir ?? path.join(ROOT, "examples", example);
    // Stack config lives beside the project; start from none so an earlier run's settings cannot leak in.
    fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, {
        envVars: {
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
        },
    });
    await stack.setConfig("kubeconfig", { value: opts.kubeconfig ?? fleet.kubeconfig, secret: true });
    await stack.setConfig("clusters", { value: JSON.stringify(fleet.clusters.map(c => ({ ...c, context: c.name }))) });
    for (const [k, v] of Object.entries(config)) await stack.setConfig(k, { value: v });
    return { stack, backend };
}

/** The planned steps of a preview, as `op urn-name` strings (e.g. "delete web-c1"). */
export async function plannedSteps(stack: Stack): Promise<{ steps: string[]; stdout: string }> {
    const steps: string[] = [];
    const res = await stack.preview({
        diff: true,
        onEvent: (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m && m.op !== "same" && m.op !== "read") steps.push(`${m.op} ${m.urn.split("::").pop()}`);
        },
    });
    return { steps: steps.sort(), stdout: res.stdout };
}

/** A client for one member, talking to its API server directly (never through Pulumi). */
export function member(f: Fleet, name: string) {
    return connect(f.kubeconfig, name);
}

export async function getObject(f: Fleet, cluster: string, apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<any | undefined> {
    const c = member(f, cluster);
    const p = await c.objectPath({ apiVersion, kind, namespace, name });
    if (!p) return undefined;
    const res = await c.request("GET", p);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${p} in ${cluster}: HTTP ${res.status} ${res.text}`);
    return res.body;
}

const KINDS: [string, string][] = [["v1", "Namespace"], ["apps/v1", "Deployment"], ["v1", "ConfigMap"], ["v1", "Service"]];

/** Every object in a member that carries the managed label, as "Kind ns/name" (or "Kind name"). */
export async function managedObjects(f: Fleet, cluster: string, selector = "kubefed.io/managed=true"): Promise<string[]> {
    const c = member(f, cluster);
    const out: string[] = [];
    for (const [apiVersion, kind] of KINDS) {
        const coll = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
        const info = await c.discover(apiVersion, kind);
        const res = await c.request("GET", `${coll}/${info!.plural}?labelSelector=${encodeURIComponent(selector)}`);
        if (res.status !== 200) throw new Error(`list ${kind} in ${cluster}: HTTP ${res.status}`);
        for (const o of (res.body as any).items) out.push(`${kind} ${o.metadata.namespace ? o.metadata.namespace + "/" : ""}${o.metadata.name}`);
    }
    return out.sort();
}

/** Apply a JSON merge patch to a member object, as someone editing behind Pulumi's back would. */
export async function patchObject(f: Fleet, cluster: string, apiVersion: string, kind: string, namespace: string, name: string, patch: unknown): Promise<void> {
    const c = member(f, cluster);
    const p = await c.objectPath({ apiVersion, kind, namespace, name });
    const res = await c.request("PATCH", `${p}?fieldManager=e2e-intruder`, patch, { contentType: "application/merge-patch+json" });
    if (res.status !== 200) throw new Error(`PATCH ${p} in ${cluster}: HTTP ${res.status} ${res.text}`);
}

export async function deleteObject(f: Fleet, cluster: string, apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void> {
    const c = member(f, cluster);
    const p = await c.objectPath({ apiVersion, kind, namespace, name });
    const res = await c.request("DELETE", p!);
    if (res.status !== 200 && res.status !== 202) throw new Error(`DELETE ${p} in ${cluster}: HTTP ${res.status} ${res.text}`);
}

/** Poll until `fn` returns a truthy value or the time runs out (controllers act asynchronously). */
export async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 60000): Promise<T> {
    const start = Date.now();
    let last: unknown;
    for (;;) {
        try {
            const v = await fn();
            if (v) return v;
        } catch (e) { last = e; }
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
        await new Promise(r => setTimeout(r, 1000));
    }
}

/** Every file under a directory, for scanning state for secrets. */
export function filesUnder(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...filesUnder(p));
        else out.push(p);
    }
    return out;
}
