/**
 * `kubefed-explicit-provider`: every Kubernetes resource uses an explicit provider (a member cluster's), never the default one.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { NAMES, config, isKubernetesResourceType, level, stringArray } from "./common";

export interface ExplicitProviderConfig {
    /** Type prefixes that are exempt (e.g. `kubernetes:helm.sh/v3:Release`). */
    exemptTypes: string[];
}

/** Defaults (the pack applies them; see `config`). */
export const defaults: ExplicitProviderConfig = { exemptTypes: [] };

/** A default provider's URN ends in `::default` or `::default_<version>`. */
export function isDefaultProviderUrn(urn: string | undefined): boolean {
    if (!urn) return false;
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    return /^default(_.*)?$/.test(name);
}

/** Provider references (`<urn>::<id>`) as recorded in state / stack resources → the provider's URN. */
export function providerUrnOfRef(ref: string): string {
    // The URN contains "::" itself; the id is what follows the last "::".
    const i = ref.lastIndexOf("::");
    return i > 0 && ref.startsWith("urn:pulumi:") && ref.slice(0, i).split("::").length >= 4 ? ref.slice(0, i) : ref;
}

export function checkExplicitProvider(type: string, name: string, urn: string, opts: { parent?: string } | undefined,
                                      provider: { urn: string; name: string } | undefined, cfg: ExplicitProviderConfig): string[] {
    if (!isKubernetesResourceType(type)) return [];
    if ((cfg.exemptTypes ?? []).some(t => type.startsWith(t))) return [];
    if (!provider) return []; // engines always send it; absent only in synthetic calls
    if (isDefaultProviderUrn(provider.urn) || /^default(_|$)/.test(provider.name)) {
        const parent = opts?.parent ? `, child of ${opts.parent.slice(opts.parent.lastIndexOf("::") + 2)}` : "";
        return [`${type} "${name}"${parent} uses the default Kubernetes provider (${provider.urn}), i.e. the ambient ` +
            `kubeconfig/context of whoever runs Pulumi, not a member cluster. Pass { provider: member.provider } ` +
            `(the MemberCluster's provider), and set pulumi:disable-default-providers: ["kubernetes"] in the stack config.`];
    }
    return [];
}

export const explicitProviderPolicy: ResourceValidationPolicy = {
    name: NAMES.explicitProvider,
    description: "Every Kubernetes resource uses an explicit provider (a member cluster's), never the default provider.",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            exemptTypes: { ...stringArray, default: [] },
        },
    },
    validateResource: (args, report) => {
        for (const m of checkExplicitProvider(args.type, args.name, args.urn, args.opts, args.provider, config(args, defaults))) report(m);
    },
};
