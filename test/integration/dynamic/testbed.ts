import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Root of the repository (tests run from dist/test/integration/dynamic). */
export const REPO = path.resolve(__dirname, "../../../..");

const REQUIRED = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs", "etcd", "kube-apiserver"];

/** The testbed toolchain directory, or a reason why it is not usable. */
export function findTools(): { tools: string } | { missing: string } {
    const cands: string[] = [];
    if (process.env.PULUMI_KUBEFED_TOOLS) cands.push(process.env.PULUMI_KUBEFED_TOOLS);
    const root = process.env.PULUMI_KUBEFED_CACHE ?? path.join(os.homedir(), ".cache", "pulumi-kubefed");
    const cur = path.join(root, "current");
    if (fs.existsSync(cur)) cands.push(fs.readFileSync(cur, "utf8").trim());
    if (fs.existsSync(root)) {
        for (const d of fs.readdirSync(root).filter((x) => x.startsWith("tools-")).sort()) cands.push(path.join(root, d));
    }
    let best: { dir: string; missing: string[] } | undefined;
    for (const dir of cands) {
        const missing = REQUIRED.filter((b) => !fs.existsSync(path.join(dir, "bin", b)));
        if (missing.length === 0) return { tools: dir };
        if (!best || missing.length < best.missing.length) best = { dir, missing };
    }
    try {
        execFileSync("openssl", ["version"], { stdio: "ignore" });
    } catch {
        return { missing: "openssl (used by testbed/fleet.js to mint certificates)" };
    }
    return { missing: best ? `${best.missing.join(", ")} in ${best.dir}/bin` : `no toolchain under ${root} (run: bash testbed/setup.sh)` };
}

/**
 * The environment of `testbed/env.sh` for `tools`: that file's exports when it exists, else the same variables
 * derived here (the toolchain may be complete for our needs before setup's finish step wrote env).
 */
export function testbedEnv(tools: string): Record<string, string> {
    const envFile = path.join(tools, "env");
    const out: Record<string, string> = {};
    if (fs.existsSync(envFile)) {
        const dump = execFileSync("bash", ["-c", `set -a; . "${envFile}"; env -0`], { encoding: "utf8", env: { ...process.env } as NodeJS.ProcessEnv });
        for (const kv of dump.split("\0")) {
            const i = kv.indexOf("=");
            if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
        }
        return out;
    }
    return {
        PULUMI_KUBEFED_TOOLS: tools,
        PATH: `${path.join(tools, "bin")}:${process.env.PATH ?? ""}`,
        PULUMI_HOME: path.join(tools, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "testbed",
        KUBEBUILDER_ASSETS: path.join(tools, "bin"),
    };
}

/** testbed/fleet.js as a module. */
export interface Fleet {
    startFleet(opts: { dir: string; clusters?: number; controllers?: boolean; kwok?: boolean }): Promise<{ kubeconfig: string; clusters: { name: string; server: string; kubeconfig: string; certDir: string }[] }>;
    stopFleet(dir: string, opts?: { keepDir?: boolean }): Promise<unknown>;
    stopMember(dir: string, name: string): Promise<unknown>;
    startMember(dir: string, name: string): Promise<unknown>;
}

export function loadFleet(): Fleet {
    return require(path.join(REPO, "testbed", "fleet.js")) as Fleet;
}
