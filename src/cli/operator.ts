/**
 * `pulumi-kubefed shards operator`: Pulumi Kubernetes Operator `Stack` resources (`pulumi.com/v1`) for the shards
 * of a spec, one per shard, each with that shard's `pulumi-kubefed:shard` and the shared `pulumi-kubefed:shards`
 * in its inline config. The operator then runs every shard as its own workspace pod, in parallel, continuously.
 * Validated against the operator's own CRD by a server-side dry run in test/e2e/shards.test.ts.
 *
 * The spec's `operator:` section:
 *
 * ```yaml
 * operator:
 *   namespace: pulumi              # namespace of the Stack resources (default: default)
 *   namePrefix: fleet-             # Stack resource name: <namePrefix><shard> (at most 42 characters, the CRD's rule)
 *   spec:                          # copied into every Stack's spec: the source and how it runs, e.g.
 *     projectRepo: https://github.com/example/infra
 *     repoDir: fleet
 *     branch: main
 *     serviceAccountName: pulumi
 *     envRefs: { PULUMI_ACCESS_TOKEN: { type: Secret, secret: { name: pulumi-api-secret, key: accessToken } } }
 *   prerequisites:                 # shard → shards that must have succeeded first (e.g. the DNS shard after the others)
 *     dns: [east, west]
 *   succeededWithinDuration: 1h    # optional requirement on those prerequisites
 * ```
 */
import * as YAML from "yaml";
import { ShardsSpec, layoutOf } from "./shards";
import { dns1123LabelProblem } from "../core/labels";

/** A `pulumi.com/v1` Stack resource. */
export interface OperatorStack {
    apiVersion: "pulumi.com/v1";
    kind: "Stack";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, unknown>;
}

/** The operator's CRD: `metadata.name` of a Stack is at most 42 characters. */
const MAX_NAME = 42;

/** The Stack resources for every shard of `spec`; throws listing every problem of the `operator:` section. */
export function operatorStacks(spec: ShardsSpec): OperatorStack[] {
    const o = (spec.operator ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    const namespace = o.namespace === undefined ? "default" : o.namespace;
    if (typeof namespace !== "string" || dns1123LabelProblem(namespace)) problems.push(`operator.namespace: ${dns1123LabelProblem(namespace) ?? "must be a string"}`);
    const prefix = o.namePrefix === undefined ? "" : o.namePrefix;
    if (typeof prefix !== "string") problems.push("operator.namePrefix: must be a string");
    const common = (o.spec ?? {}) as Record<string, unknown>;
    if (typeof common !== "object" || Array.isArray(common)) problems.push("operator.spec: must be an object (fields of the Stack spec)");
    for (const k of ["stack", "config"]) {
        if (common && k in common) problems.push(`operator.spec.${k}: is set per shard by the generator; remove it (put shared config in the stack's Pulumi.<stack>.yaml or in configRef)`);
    }
    if (common && !common.projectRepo && !common.fluxSource && !common.programRef) {
        problems.push("operator.spec: needs a program source: projectRepo (with branch or commit), fluxSource or programRef");
    }
    const prereqs = (o.prerequisites ?? {}) as Record<string, unknown>;
    const names = new Set(spec.shards.map(s => s.name));
    for (const [s, deps] of Object.entries(prereqs)) {
        if (!names.has(s)) problems.push(`operator.prerequisites.${s}: not a shard (shards: ${[...names].join(", ")})`);
        if (!Array.isArray(deps) || deps.some(d => !names.has(String(d)) || d === s)) {
            problems.push(`operator.prerequisites.${s}: must list other shards of the spec`);
        }
    }
    const nameOf = (shard: string) => `${typeof prefix === "string" ? prefix : ""}${shard}`;
    for (const s of spec.shards) {
        const n = nameOf(s.name);
        if (n.length > MAX_NAME) problems.push(`shards.${s.name}: the Stack resource name "${n}" is longer than ${MAX_NAME} characters (the operator's CRD refuses it); shorten operator.namePrefix or the shard name`);
        else if (dns1123LabelProblem(n)) problems.push(`shards.${s.name}: Stack resource name ${dns1123LabelProblem(n)}`);
    }
    if (problems.length) throw new Error(problems.join("\n"));
    const layout = JSON.stringify(layoutOf(spec));
    const within = typeof o.succeededWithinDuration === "string" ? o.succeededWithinDuration : undefined;
    return spec.shards.map((s): OperatorStack => {
        const deps = (prereqs[s.name] as string[] | undefined) ?? [];
        return {
            apiVersion: "pulumi.com/v1",
            kind: "Stack",
            metadata: {
                name: nameOf(s.name),
                namespace: namespace as string,
                labels: { "app.kubernetes.io/part-of": "pulumi-kubefed", "pulumi-kubefed/shard": s.name },
            },
            spec: {
                ...JSON.parse(JSON.stringify(common)),
                stack: s.stack,
                // the layout as a JSON string: the program reads it with Config.getObject
                config: { "pulumi-kubefed:shard": s.name, "pulumi-kubefed:shards": layout },
                ...(deps.length ? { prerequisites: [...deps].sort().map(d => ({ name: nameOf(d), ...(within ? { requirement: { succeededWithinDuration: within } } : {}) })) } : {}),
            },
        };
    });
}

/** The resources as one multi-document YAML stream. */
export function renderManifests(stacks: OperatorStack[]): string {
    return stacks.map(s => `---\n${YAML.stringify(s)}`).join("");
}
