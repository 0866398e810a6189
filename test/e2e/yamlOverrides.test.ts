import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { ROOT, scratchDir } from "../support";
import { describeOverridesCase } from "./overridesCase";

// Issue 25 from Pulumi YAML through the component package: examples/yaml-overrides, the same case as the TypeScript
// program (./overridesCase.ts).
const WORKDIR = path.join(ROOT, "examples", "yaml-overrides");

describeOverridesCase({
    title: "e2e: overrides by selector, the image overrider, and a chart from a repository, from Pulumi YAML (issue 25)",
    fleetName: "yamloverrides",
    stack: async (fleet, repo, token) => {
        const backend = scratchDir("kubefed-state-yamloverrides-");
        const config = path.join(WORKDIR, "Pulumi.e2e.yaml");
        fs.rmSync(config, { force: true });
        const stack = await LocalWorkspace.createOrSelectStack({ stackName: "e2e", workDir: WORKDIR },
            { envVars: { PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase", PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_BACKEND_URL: `file://${backend}` } });
        await stack.setConfig("kubeconfig", { value: fleet.kubeconfig, secret: true });
        await stack.setConfig("token", { value: token, secret: true });
        await stack.setConfig("repo", { value: repo });
        await stack.setConfig("valuesFile", { value: path.join(ROOT, "examples", "overrides", "values", "base.yaml") });
        return { stack, backend, cleanup: () => fs.rmSync(config, { force: true }) };
    },
    images: r => [`${r}/shop/web:1.0`],
    c3Violation: /"c3": registry\.b\/shop\/web:1\.0/,
});
