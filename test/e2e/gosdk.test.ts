import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PULUMI_GO_VERSION, packageSchema, requireTestbed, runTool as run, sdkGenerator } from "../support";
import { readmeSnippet } from "./readme";

// The component package's Go SDK: the schema the real CLI infers from plugin/ (`pulumi package get-schema`), the
// SDK written by Pulumi's Go generator (testbed/golang/gen-sdk), and `go build` of that SDK plus a program
// using it (and the README's Go example) against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy.

describe("e2e: the component package's Go SDK compiles", function () {
    let dir: string;
    before(function () {
        requireTestbed(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-gosdk-"));
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it("get-schema → Go SDK → go build of the SDK and of a program using it", () => {
        const schema = packageSchema(dir);
        const parsed = JSON.parse(schema);
        assert.deepEqual(Object.keys(parsed.resources).sort(), ["Domain", "FederatedChart", "FederatedKustomization", "FederatedNamespace",
            "FederatedResource", "IngressDNSRecord", "MemberCluster", "ReplicaSchedulingPreference", "ServiceDNSRecord"].map(n => `pulumi-kubefed:index:${n}`));
        // members are resource references, the decision a typed output
        const fr = parsed.resources["pulumi-kubefed:index:FederatedResource"];
        assert.equal(fr.inputProperties.clusters.items.$ref, "#/resources/pulumi-kubefed:index:MemberCluster");
        assert.equal(fr.properties.decision.$ref, "#/types/pulumi-kubefed:index:DecisionSummary");
        fs.writeFileSync(path.join(dir, "schema.json"), schema);

        // the SDK, in the consumer's module, and a program using it
        const app = path.join(dir, "app");
        fs.mkdirSync(app);
        run(sdkGenerator(), ["go", path.join(dir, "schema.json"), app, "example.com/app/pulumikubefed"], dir);
        fs.writeFileSync(path.join(app, "go.mod"), `module example.com/app\n\ngo 1.25.11\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${PULUMI_GO_VERSION}\n`);
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
        // the README's Go example, word for word, as a second program of the module
        fs.mkdirSync(path.join(app, "readme"));
        fs.writeFileSync(path.join(app, "readme", "main.go"), readmeSnippet("go"));
        run("go", ["mod", "tidy"], app);
        run("go", ["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "./..."], app);
    });
});
