/**
 * pulumi-kubefed policy pack. Installed (see README.md), run it with:
 *   pulumi preview --policy-pack <dir>/node_modules/pulumi-kubefed-policy [--policy-pack-config <file.json>]
 * It is compiled to bin/ (package.json `main`); the decisions it judges come from `pulumi-kubefed/core`.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("pulumi-kubefed", {
    policies,
    enforcementLevel: "mandatory",
    description: "Guards placement, data residency, overrides, replica scheduling, member credentials and object uniqueness of pulumi-kubefed federations at preview time.",
});
