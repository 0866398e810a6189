import * as pulumi from "@pulumi/pulumi";
import { DecisionSummary, placementView, planFederatedObject, summarizeObjectPlan } from "pulumi-kubefed/core";
import { deploymentTemplate } from "../bench-kubefed/template";

// What one FederatedResource component costs the engine by itself (docs/benchmarks.md): `count` components of the
// type FederatedResource registers, with bench-kubefed's decision (a Deployment over 3 members) as their inputs and
// no member objects, so no provider plugin or cluster is needed. Config `outputs` says what each registers as outputs:
//   view    the decision's placement view (what the components record)
//   full    clusterNames and the whole decision again (what they recorded before)
//   none    no outputs step at all (what a component would cost without one)
const cfg = new pulumi.Config();
const count = cfg.getNumber("count") ?? 200;
const outputs = cfg.get("outputs") ?? "view";
const clusters = ["c1", "c2", "c3"].map(name => ({ name, labels: {} }));

class Component extends pulumi.ComponentResource {
    constructor(name: string, decision: DecisionSummary) {
        super("pulumi-kubefed:index:FederatedResource", name, { decision });
        if (outputs === "full") this.registerOutputs({ clusterNames: clusters.map(c => c.name), decision });
        else if (outputs === "view") this.registerOutputs({ decision: placementView(decision) });
    }

    // `none`: the SDK registers outputs by itself once the component is constructed; this skips that step.
    registerOutputs(o?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
        if (outputs !== "none") super.registerOutputs(o);
    }
}

for (let i = 0; i < count; i++) {
    const template = deploymentTemplate(i) as unknown as Record<string, unknown>;
    const plan = planFederatedObject({ template, placement: { clusterSelector: {} }, clusters });
    new Component(`bench-${i}`, summarizeObjectPlan(template, plan, {
        overrideClusters: [], orphanOnDelete: false, retainReplicas: false, waitForReady: false, namespaced: false,
    }));
}
