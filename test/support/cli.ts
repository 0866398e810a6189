/** Helpers of the CLI unit tests: run the command line in-process, write temporary files, build checkpoints. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../src/cli";

/** What one run of the command line printed, and its exit code. */
export interface Run { code: number; out: string; err: string }

/** Runs `pulumi-kubefed ...argv` in-process. */
export async function run(argv: string[]): Promise<Run> {
    let out = "";
    let err = "";
    const code = await main(argv, (s) => { out += s; }, (s) => { err += s; });
    return { code, out, err };
}

/** A new temporary directory, removed after `fn`. */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-test-"));
    try {
        return await fn(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** A per-object entry of a read-back's `status`. */
export function objectStatus(kind: string, name: string, status = "", extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { target: { apiVersion: "v1", kind, namespace: "shop", name }, status, message: status ? `${status} here` : "",
        exists: true, managed: true, drifted: [], ready: true, conditions: [], ...extra };
}

/** A checkpoint (`pulumi stack export`) with one MemberReadBack per member. */
export function checkpointOf(members: { name: string; message?: string; status?: Record<string, unknown> }[]): unknown {
    return {
        version: 3,
        deployment: {
            resources: members.map((m) => ({
                urn: `urn:pulumi:dev::p::pulumi-nodejs:dynamic/kubefed:MemberReadBack::${m.name}-readback`,
                type: "pulumi-nodejs:dynamic/kubefed:MemberReadBack", id: m.name,
                outputs: { clusterName: m.name, health: true, ready: true, kubernetesVersion: "v1.36.3",
                    conditions: [{ type: "Ready", status: "True", reason: "ClusterReady", message: m.message ?? "/healthz responded with ok" }],
                    observedAt: "2026-11-30T10:00:00Z", status: m.status ?? {} },
            })),
        },
    };
}

/** Writes `data` as JSON into `dir/name`; returns the path. */
export function writeJson(dir: string, name: string, data: unknown): string {
    const f = path.join(dir, name);
    fs.writeFileSync(f, JSON.stringify(data));
    return f;
}
