/**
 * The test bed's toolchain (testbed/setup.sh, testbed/env.sh): where it is, its environment, and the needs a suite
 * states on it (skip.ts decides: skipped without it, failed without it in CI).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TESTBED_FIX, needs } from "./skip";

/** Root of the repository (this file runs from dist/test/support). */
export const ROOT = path.resolve(__dirname, "../../..");

/** What the test bed builds in every case (its bin/). */
const REQUIRED = ["pulumi-resource-pulumi-nodejs", "etcd", "kube-apiserver"];
/** What comes from the Pulumi install the test bed uses: a supported `pulumi` found on PATH, or the one it built
 *  (testbed/pulumi-choice.sh; setup.sh records the directory in `<tools>/pulumi-dir`). */
const PULUMI_REQUIRED = ["pulumi", "pulumi-language-nodejs"];

/** The directory of the `pulumi` a toolchain uses: the recorded install from PATH, else its own bin/. */
export function pulumiDir(tools: string): string {
    const f = path.join(tools, "pulumi-dir");
    const d = fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim() : "";
    return d || path.join(tools, "bin");
}

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
        const missing = [
            ...REQUIRED.filter((b) => !fs.existsSync(path.join(dir, "bin", b))),
            // the language host may come from the install or, when it has none, from the test bed's bin/
            ...PULUMI_REQUIRED.filter((b) => ![pulumiDir(dir), path.join(dir, "bin")].some(d => fs.existsSync(path.join(d, b)))),
        ];
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
        PATH: [...new Set([pulumiDir(tools), path.join(tools, "bin")])].join(path.delimiter) + `${path.delimiter}${process.env.PATH ?? ""}`,
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

/** Where the test-bed toolchain is and its environment, or why it can't be used. */
export function toolchain(): { tools: string; env: Record<string, string> } | { missing: string } {
    const found = findTools();
    if ("missing" in found) return found;
    return { tools: found.tools, env: testbedEnv(found.tools) };
}

/**
 * Puts the test bed's environment into `process.env` (the Automation API and testbed/fleet.js read it from there)
 * and returns the function that restores the environment as it was.
 */
export function applyTestbedEnv(tools: string): () => void {
    const saved = { ...process.env };
    Object.assign(process.env, testbedEnv(tools));
    process.env.PULUMI_CONFIG_PASSPHRASE = process.env.PULUMI_CONFIG_PASSPHRASE || "testbed";
    return () => {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
    };
}

/** Whether the real toolchain is on PATH (CI always has it: scripts/test-all.sh builds it). */
export function haveTestbed(): boolean {
    return binOnPath(["pulumi"]) !== undefined && binOnPath(["kube-apiserver"]) !== undefined;
}

/** The first PATH directory holding every one of `bins`, if any. */
export function binOnPath(bins: string[]): string | undefined {
    for (const d of (process.env.PATH ?? "").split(path.delimiter)) {
        if (d && bins.every(b => fs.existsSync(path.join(d, b)))) return d;
    }
    return undefined;
}

/** In a `before` hook: skip the suite without the test bed on PATH, except in CI, where its absence is a failure. */
export function requireTestbed(ctx: Mocha.Context): void {
    needs(ctx, !haveTestbed() && `the test bed is not on PATH (pulumi, kube-apiserver): ${TESTBED_FIX}`);
}

/**
 * In a `before` hook of a suite driving the real CLI ({@link CliStack}): the toolchain's environment, with
 * PULUMI_KUBEFED_TOOLS also set in this process (testbed/fleet.js finds the binaries through it). Skips the suite
 * without the toolchain, except in CI, where its absence is a failure.
 */
export function requireToolchain(ctx: Mocha.Context): { tools: string; env: Record<string, string> } {
    const tc = toolchain();
    needs(ctx, "missing" in tc && `the test bed is missing (${tc.missing}): ${TESTBED_FIX}`);
    const found = tc as { tools: string; env: Record<string, string> };
    if (found.env.PULUMI_KUBEFED_TOOLS) process.env.PULUMI_KUBEFED_TOOLS = found.env.PULUMI_KUBEFED_TOOLS;
    return found;
}
