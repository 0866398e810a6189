/**
 * Local fleets of real kube-apiservers (testbed/fleet.js): start one in a temp dir or reuse a running one, stop and
 * start members, read the fleet's state. One {@link Fleet} shape for tests and benchmarks.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./testbed";

/** One member of a fleet, as the examples take it in their `clusters` config. */
export interface FleetCluster { name: string; context: string; labels: Record<string, string>; region: string; zones: string[] }

/** A running fleet: its kubeconfig text, members, and how to stop it (a no-op for a reused fleet). */
export interface Fleet {
    dir: string;
    kubeconfig: string;
    clusters: FleetCluster[];
    /** Whether the fleet was already running ({@link stop} leaves it running). */
    reused: boolean;
    stop(): Promise<void>;
}

/** One member in `<dir>/fleet.json`, as testbed/fleet.js writes it. */
export interface FleetStateCluster {
    name: string; context?: string; server: string; certDir: string;
    labels?: Record<string, string>; region?: string; zones?: string[];
}
/** `<dir>/fleet.json`, as testbed/fleet.js writes it. */
export interface FleetState { dir: string; kubeconfig: string; withControllers: boolean; withKwok: boolean; clusters: FleetStateCluster[] }

/** Member specs as testbed/fleet.js takes them (`clusters` option): a count or one spec per member. */
export type FleetSpec = number | { name?: string; region?: string; zones?: string[]; labels?: Record<string, string>; [k: string]: unknown }[];

/** Options of testbed/fleet.js's startFleet besides the directory and the members. */
export interface FleetOptions {
    /** Run kube-controller-manager and kube-scheduler (default: when the test bed has them). */
    controllers?: boolean;
    /** Register kwok nodes (default true). */
    kwok?: boolean;
    /** Directory of etcd and kube-apiserver (default: PULUMI_KUBEFED_TOOLS or the cache's current toolchain). */
    bin?: string;
    /** Start the fleet here instead of a fresh temp dir. */
    dir?: string;
}

interface FleetLib {
    startFleet(opts: { dir: string; clusters?: FleetSpec } & Omit<FleetOptions, "dir">): Promise<FleetState>;
    stopFleet(dir: string, opts?: { keepDir?: boolean }): Promise<unknown>;
    stopMember(dir: string, name: string): Promise<unknown>;
    startMember(dir: string, name: string): Promise<unknown>;
}

/** testbed/fleet.js as a module. */
export function fleetLib(): FleetLib {
    return require(path.join(ROOT, "testbed", "fleet.js")) as FleetLib;
}

/** The state testbed/fleet.js keeps in `<dir>/fleet.json` (read afresh: stopping and starting members rewrites it). */
export function fleetState(f: Fleet | string): FleetState {
    const dir = typeof f === "string" ? f : f.dir;
    return JSON.parse(fs.readFileSync(path.join(dir, "fleet.json"), "utf8")) as FleetState;
}

/** A fleet's identity (kubeconfig text and members) from `<dir>/fleet.json`. */
export function readFleet(dir: string): { kubeconfig: string; clusters: FleetCluster[] } {
    const state = fleetState(dir);
    return {
        kubeconfig: fs.readFileSync(state.kubeconfig, "utf8"),
        clusters: state.clusters.map(c => ({
            name: c.name, context: c.context ?? c.name, labels: c.labels ?? {}, region: c.region ?? "", zones: c.zones ?? [],
        })),
    };
}

/** Start a fleet in a fresh temp dir (`kubefed-e2e-<name>-…`); `spec` as testbed/fleet.js takes it (default: its
 *  c1 us-east, c2 us-west, c3 eu-central). Stop it with {@link stopFleet} or `fleet.stop()`. */
export async function startFleet(name: string, spec?: FleetSpec, opts: FleetOptions = {}): Promise<Fleet> {
    const { dir: given, ...rest } = opts;
    const dir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), `kubefed-e2e-${name}-`));
    const lib = fleetLib();
    await lib.startFleet({ dir, ...(spec !== undefined ? { clusters: spec } : {}), ...rest });
    return { dir, ...readFleet(dir), reused: false, stop: async () => { await lib.stopFleet(dir); } };
}

/** Reuses the fleet in `reuseDir` when given (e.g. KUBEFED_E2E_FLEET_DIR, BENCH_FLEET_DIR), else starts one of
 *  `clusters` members in a fresh temp dir named `<prefix>…`. */
export async function startOrReuseFleet(reuseDir: string | undefined, clusters: FleetSpec = 3, prefix = "kubefed-e2e-", opts: FleetOptions = {}): Promise<Fleet> {
    if (reuseDir) {
        const dir = path.resolve(reuseDir);
        return { dir, ...readFleet(dir), reused: true, stop: async () => {} };
    }
    return startFleet("", clusters, { ...opts, dir: opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), prefix)) });
}

/** Stops a fleet this process started (a reused one keeps running). */
export async function stopFleet(f: Fleet | undefined): Promise<void> {
    if (f) await f.stop();
}
/** Stops one member's API server (and controllers), as an outage would. */
export const stopMember = (f: Fleet, name: string): Promise<unknown> => fleetLib().stopMember(f.dir, name);
/** Starts a stopped member again on the same address and data. */
export const startMember = (f: Fleet, name: string): Promise<unknown> => fleetLib().startMember(f.dir, name);

/** A kubeconfig for the fleet whose users log in through the test bed's exec credential plugin
 *  (testbed/exec-credential.js); `modes` sets a member's plugin to fail or hang. */
export function execKubeconfig(f: Fleet, opts: { apiVersion?: "v1" | "v1beta1"; modes?: Record<string, "ok" | "fail" | "hang"> } = {}): string {
    const kc = execKubeconfigLib().execKubeconfigFor(fleetState(f), { apiVersion: opts.apiVersion ?? "v1" });
    for (const u of kc.users) {
        const cluster = String(u.name).replace(/-exec$/, "");
        const mode = opts.modes?.[cluster];
        if (mode) u.user.exec.env = [...u.user.exec.env.filter((e: { name: string }) => e.name !== "EXEC_CREDENTIAL_MODE"), { name: "EXEC_CREDENTIAL_MODE", value: mode }];
    }
    return JSON.stringify(kc);
}

/** testbed/exec-kubeconfig.js as a module. */
export function execKubeconfigLib(): {
    execKubeconfigFor(state: unknown, opts?: { apiVersion?: string; mode?: string }): any;
    writeExecKubeconfig(state: unknown, opts?: { out?: string; apiVersion?: string; mode?: string }): string;
} {
    return require(path.join(ROOT, "testbed", "exec-kubeconfig.js"));
}
