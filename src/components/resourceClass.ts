/** Which `@pulumi/kubernetes` class a member object of a given apiVersion and kind is created with. */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** The constructor shape shared by every `@pulumi/kubernetes` resource class (their args types differ). */
type ResourceCtor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The `@pulumi/kubernetes` class for a GVK: the typed class for built-in kinds (typed outputs, the token the
 * provider expects, e.g. `kubernetes:core/v1:ConfigMap`), `CustomResource` for everything else.
 */
export function resourceClassFor(apiVersion: string, kind: string): ResourceCtor {
    const slash = apiVersion.lastIndexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const moduleName = group === "" ? "core" : group.split(".")[0];
    const token = `kubernetes:${group === "" ? "core" : group}/${version}:${kind}`;
    const modules = k8s as unknown as Record<string, Record<string, Record<string, unknown> | undefined> | undefined>;
    const ctor = modules[moduleName]?.[version]?.[kind];
    // The module is chosen by the group's first label, so compare the full token to rule out look-alike groups.
    if (typeof ctor === "function" && (ctor as { __pulumiType?: unknown }).__pulumiType === token) return ctor as ResourceCtor;
    return k8s.apiextensions.CustomResource as unknown as ResourceCtor;
}
