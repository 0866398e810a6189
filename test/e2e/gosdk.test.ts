import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, requireTestbed } from "../support";

// The component package's Go SDK: the schema the real CLI infers from plugin/ (`pulumi package get-schema`), the
// SDK written by Pulumi's Go generator (testbed/golang/gen-go-sdk), and `go build` of that SDK plus a program
// using it against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy.

const SDK_VERSION = "v3.248.0";
const GO_ENV = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false", GOTOOLCHAIN: "local" };

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = GO_ENV): string {
    const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed with ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

describe("e2e: the component package's Go SDK compiles", function () {
    let dir: string;
    before(function () {
        requireTestbed(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-gosdk-"));
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it("get-schema → Go SDK → go build of the SDK and of a program using it", () => {
        const schema = run("pulumi", ["package", "get-schema", path.join(ROOT, "plugin")], dir,
            { ...process.env, PULUMI_BACKEND_URL: `file://${dir}` });
        const parsed = JSON.parse(schema);
        assert.deepEqual(Object.keys(parsed.resources).sort(), [
            "pulumi-kubefed:index:FederatedNamespace", "pulumi-kubefed:index:FederatedResource",
            "pulumi-kubefed:index:MemberCluster", "pulumi-kubefed:index:ReplicaSchedulingPreference"]);
        // members are resource references, the decision a typed output
        const fr = parsed.resources["pulumi-kubefed:index:FederatedResource"];
        assert.equal(fr.inputProperties.clusters.items.$ref, "#/resources/pulumi-kubefed:index:MemberCluster");
        assert.equal(fr.properties.decision.$ref, "#/types/pulumi-kubefed:index:DecisionSummary");
        fs.writeFileSync(path.join(dir, "schema.json"), schema);

        // the generator, pinned to the CLI's own pkg/v3
        const gen = path.join(dir, "gen");
        fs.mkdirSync(gen);
        fs.writeFileSync(path.join(gen, "go.mod"), `module testbed.local/gen-go-sdk\n\ngo 1.25.11\n\nrequire github.com/pulumi/pulumi/pkg/v3 ${SDK_VERSION}\n`);
        fs.cpSync(path.join(ROOT, "testbed", "golang", "gen-go-sdk", "main.go"), path.join(gen, "main.go"));
        run("go", ["mod", "tidy"], gen);
        run("go", ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "-o", "gen-go-sdk", "."], gen);

        // the SDK, in the consumer's module, and a program using it
        const app = path.join(dir, "app");
        fs.mkdirSync(app);
        run(path.join(gen, "gen-go-sdk"), [path.join(dir, "schema.json"), app, "example.com/app/pulumikubefed"], dir);
        fs.writeFileSync(path.join(app, "go.mod"), `module example.com/app\n\ngo 1.25.11\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${SDK_VERSION}\n`);
        fs.writeFileSync(path.join(app, "main.go"), `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	kubefed "example.com/app/pulumikubefed"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		skip := kubefed.ReachabilitySkip
		east, err := kubefed.NewMemberCluster(ctx, "east", &kubefed.MemberClusterArgs{
			Kubeconfig: cfg.RequireSecret("kubeconfig"), Context: pulumi.String("east"),
			Labels: map[string]string{"tier": "prod"}, Unreachable: &skip,
		})
		if err != nil {
			return err
		}
		web, err := kubefed.NewFederatedResource(ctx, "web", &kubefed.FederatedResourceArgs{
			Clusters:  []*kubefed.MemberCluster{east},
			Placement: &kubefed.PlacementArgs{ClusterSelector: &kubefed.LabelSelectorArgs{MatchLabels: map[string]string{"tier": "prod"}}},
			Template:  pulumi.Any(map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "web"}}),
		})
		if err != nil {
			return err
		}
		ctx.Export("placed", web.ClusterNames)
		ctx.Export("replicas", web.Decision.ApplyT(func(d kubefed.DecisionSummary) int { return len(d.Placed) }))
		return nil
	})
}
`);
        run("go", ["mod", "tidy"], app);
        run("go", ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "./..."], app);
    });
});
