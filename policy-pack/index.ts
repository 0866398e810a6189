/**
 * pulumi-kubefed policy pack. Run with:
 *   pulumi preview --policy-pack <repo>/policy-pack [--policy-pack-config <file.json>]
 * The Pulumi CLI starts this through @pulumi/pulumi's run-policy-pack, which registers ts-node, so the pack and
 * the decision core it imports (../src/core) are compiled from source: no build step.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("pulumi-kubefed", {
    policies,
    enforcementLevel: "mandatory",
    description: "Guards placement, data residency, overrides, replica scheduling, member credentials and object uniqueness of pulumi-kubefed federations at preview time.",
});
