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
import { dns1123LabelProblem } from "../core/labels";
import { NamedShard, layoutOfShards } from "../core/shard";

/** What the manifests are made from: a shards spec (src/cli/shards.ts's `ShardsSpec` fits). Declared here, not
 *  imported, so this module does not depend on the driver (the driver's command loads this one). */
export interface OperatorShardsSpec {
    shards: (NamedShard & { stack: string })[];
    /** The spec's `operator:` section (above). */
    operator?: Record<string, unknown>;
}

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
export function operatorStacks(spec: OperatorShardsSpec): OperatorStack[] {
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
    const layout = JSON.stringify(layoutOfShards(spec.shards));
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

/** Options of {@link operatorStack}: one stack, the operator as its controller. */
export interface SingleStackOperator {
    /** The Pulumi stack (e.g. `dev` or `org/project/dev`). */
    stack: string;
    /** The Stack resource's name (default: the stack's last segment). */
    name?: string;
    namespace?: string;
    /** Fields of the Stack spec: the program source and how it runs (as in the shards spec's `operator.spec`). */
    spec: Record<string, unknown>;
    /** How often the operator runs the stack again (default 60 s; the CRD's own default is 60 s as well). */
    resyncFrequencySeconds?: number;
}

/**
 * `pulumi-kubefed operator`: the Stack resource for one stack, with the operator playing KubeFed's controller: it
 * runs `pulumi up` every `resyncFrequencySeconds` even when the program's commit did not change
 * (`continueResyncOnCommitMatch: true`), so failover and drift repair happen without anybody running `up`, and
 * refreshes first (`refresh: true`) so drift is seen. Each run probes the members (failover is on by default).
 * Throws listing every problem.
 */
export function operatorStack(o: SingleStackOperator): OperatorStack {
    const problems: string[] = [];
    if (typeof o.stack !== "string" || !o.stack) problems.push("--stack: is required: the Pulumi stack the operator runs");
    const namespace = o.namespace ?? "default";
    if (dns1123LabelProblem(namespace)) problems.push(`namespace: ${dns1123LabelProblem(namespace)}`);
    const name = o.name ?? String(o.stack ?? "").split("/").pop()!.toLowerCase();
    if (name.length > MAX_NAME) problems.push(`name: "${name}" is longer than ${MAX_NAME} characters (the operator's CRD refuses it); pass a shorter --name`);
    else if (dns1123LabelProblem(name)) problems.push(`name: Stack resource name ${dns1123LabelProblem(name)}; pass --name`);
    const spec = o.spec ?? {};
    if (typeof spec !== "object" || Array.isArray(spec)) problems.push("spec: must be an object (fields of the Stack spec)");
    for (const k of ["stack", "resyncFrequencySeconds", "continueResyncOnCommitMatch"]) {
        if (spec && k in spec) problems.push(`spec.${k}: is set by the generator; remove it (use --stack and --resync)`);
    }
    if (spec && !spec.projectRepo && !spec.fluxSource && !spec.programRef) {
        problems.push("spec: needs a program source: projectRepo (with branch or commit), fluxSource or programRef");
    }
    const resync = o.resyncFrequencySeconds ?? 60;
    if (!Number.isInteger(resync) || resync < 60) problems.push(`--resync: ${resync} s is below the operator's minimum of 60 s`);
    if (problems.length) throw new Error(problems.join("\n"));
    return {
        apiVersion: "pulumi.com/v1",
        kind: "Stack",
        metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "pulumi-kubefed" } },
        spec: {
            refresh: true,
            ...JSON.parse(JSON.stringify(spec)) as Record<string, unknown>,
            stack: o.stack,
            resyncFrequencySeconds: resync,
            continueResyncOnCommitMatch: true,
        },
    };
}

/** The resources as one multi-document YAML stream. */
export function renderManifests(stacks: OperatorStack[]): string {
    return stacks.map(s => `---\n${YAML.stringify(s)}`).join("");
}

export const OPERATOR_USAGE = `usage: pulumi-kubefed operator --stack STACK [--file SPEC.yaml] [--name NAME] [--namespace NS] [--resync 60s]
  print a Pulumi Kubernetes Operator Stack resource that runs STACK as the federation's controller: refresh and
  up every --resync (continueResyncOnCommitMatch), so failover and drift repair need nobody to run up
  --stack S          the Pulumi stack; required
  -f, --file F       YAML or JSON: fields of the Stack spec (program source, service account, envRefs, ...), as
                     the shards spec's operator.spec; or {namespace, name, spec}
  --name N           the Stack resource's name (default: the stack's last segment)
  --namespace NS     its namespace (default: default, or the file's)
  --resync D         how often the operator runs the stack (default 60s, the operator's minimum)
  exit codes: 0 ok, 2 usage or an invalid spec
`;

/** `pulumi-kubefed operator ...`; returns the exit code. */
export async function operatorMain(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
    const { parseFlags } = await import("./args");
    const { parseDuration } = await import("./reconcile");
    const fs = await import("fs");
    try {
        const { values: v } = parseFlags(argv, {
            stack: { type: "string" }, file: { type: "string", short: "f" }, name: { type: "string" }, namespace: { type: "string" }, resync: { type: "string" },
        });
        if (v.help) {
            out(OPERATOR_USAGE);
            return 0;
        }
        let spec: Record<string, unknown> = {};
        let fromFile: { namespace?: string; name?: string } = {};
        if (v.file) {
            const doc = YAML.parse(fs.readFileSync(v.file as string, "utf8")) as Record<string, unknown> | null;
            if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${v.file as string}: must be a map of Stack spec fields`);
            const nested = doc.spec && typeof doc.spec === "object" && !Array.isArray(doc.spec);
            spec = (nested ? doc.spec : doc) as Record<string, unknown>;
            if (nested) fromFile = { namespace: doc.namespace as string | undefined, name: doc.name as string | undefined };
        }
        const resync = v.resync === undefined ? undefined : Math.round(parseDuration(v.resync as string) / 1000);
        out(renderManifests([operatorStack({
            stack: v.stack as string, spec,
            name: (v.name as string | undefined) ?? fromFile.name, namespace: (v.namespace as string | undefined) ?? fromFile.namespace,
            ...(resync !== undefined ? { resyncFrequencySeconds: resync } : {}),
        })]));
        return 0;
    } catch (e) {
        err(`pulumi-kubefed operator: ${(e as Error).message}\n${OPERATOR_USAGE}`);
        return 2;
    }
}
