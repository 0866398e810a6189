import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./testbed";

/** The Pulumi version the test bed builds (testbed/setup.sh): the generators and the Go SDK a generated SDK compiles
 *  against are that release's pkg/v3 and sdk/v3, already in the Go module cache after the CLI's build. */
export const PULUMI_GO_VERSION = `v${/^PULUMI_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(ROOT, "testbed", "setup.sh"), "utf8"))![1]}`;

/** Go builds without cgo, VCS stamping or a toolchain download (the machine's Go only). */
export const GO_ENV: NodeJS.ProcessEnv = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false", GOTOOLCHAIN: "local" };

/** Runs a command; a non-zero exit throws with its whole output. */
export function runTool(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = GO_ENV): string {
    const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed with ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

/** The component package's schema as the real CLI infers it from plugin/ (`pulumi package get-schema`). */
export function packageSchema(dir: string): string {
    return runTool("pulumi", ["package", "get-schema", path.join(ROOT, "plugin")], dir,
        { ...process.env, PULUMI_BACKEND_URL: `file://${dir}` });
}

let generator: string | undefined;

/** testbed/golang/gen-sdk built once per test process (Pulumi's Go and Python generators). */
export function sdkGenerator(): string {
    if (generator && fs.existsSync(generator)) return generator;
    const gen = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-gen-sdk-"));
    process.on("exit", () => fs.rmSync(gen, { recursive: true, force: true }));
    fs.writeFileSync(path.join(gen, "go.mod"), `module testbed.local/gen-sdk\n\ngo 1.25.11\n\nrequire github.com/pulumi/pulumi/pkg/v3 ${PULUMI_GO_VERSION}\n`);
    fs.cpSync(path.join(ROOT, "testbed", "golang", "gen-sdk", "main.go"), path.join(gen, "main.go"));
    runTool("go", ["mod", "tidy"], gen);
    runTool("go", ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "-o", "gen-sdk", "."], gen);
    generator = path.join(gen, "gen-sdk");
    return generator;
}
