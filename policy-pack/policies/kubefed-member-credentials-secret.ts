/**
 * `kubefed-member-credentials-secret`: MemberCluster kubeconfigs are handed in as secrets; with `remediate`, a plain kubeconfig on
 * a Kubernetes provider is wrapped as a secret.
 */
import { ResourceValidationPolicy, Secret } from "@pulumi/policy";
import { MemberClusterProps, NAMES, TYPES, config, level } from "./common";

export interface CredentialsConfig {
    /** Check that MemberCluster kubeconfigs were handed in as secrets (default true). */
    requireSecretKubeconfig: boolean;
}

/** Defaults (the pack applies them; see `config`). */
export const defaults: CredentialsConfig = { requireSecretKubeconfig: true };

export function checkMemberCredentials(name: string, props: Partial<MemberClusterProps>, cfg: CredentialsConfig): string[] {
    if (!cfg.requireSecretKubeconfig) return [];
    if (props.credentialsWereSecret === false) {
        const cluster = props.clusterName ?? name;
        return [`MemberCluster "${name}" (cluster "${cluster}") was given its kubeconfig as a plain value. ` +
            `Pass it as a secret, e.g. kubeconfig: config.requireSecret("${cluster}-kubeconfig") ` +
            `(pulumi config set --secret ${cluster}-kubeconfig "$(cat kubeconfig)"), so it is never handled in clear text.`];
    }
    return [];
}


/** Raw (secret-preserving) view of remediation props; undefined when not available. */
function rawProps(props: unknown): Record<string, unknown> | undefined {
    // @pulumi/policy wraps props in a proxy that throws on unknown values; its target holds the raw values.
    type Proxied = { __isSpecialProxy?: unknown; __getSpecialProxyTarget?: unknown };
    let p: unknown = props;
    for (let i = 0; i < 3 && p && typeof p === "object" && (p as Proxied).__isSpecialProxy === true; i++) p = (p as Proxied).__getSpecialProxyTarget;
    return p && typeof p === "object" ? p as Record<string, unknown> : undefined;
}

export const credentialsPolicy: ResourceValidationPolicy = {
    name: NAMES.credentials,
    description: "Member-cluster kubeconfigs are secrets. (Validation cannot see secretness of provider inputs; " +
        "it checks MemberCluster.credentialsWereSecret. With enforcementLevel \"remediate\" a plain kubeconfig on a " +
        "Kubernetes provider is wrapped as a secret.)",
    enforcementLevel: level(),
    configSchema: {
        properties: {
            requireSecretKubeconfig: { type: "boolean", default: true },
        },
    },
    validateResource: (args, report) => {
        if (args.type !== TYPES.memberCluster) return;
        for (const m of checkMemberCredentials(args.name, args.props as Partial<MemberClusterProps>, config(args, defaults))) report(m);
    },
    // Remediation is the only place @pulumi/policy hands secrets over as `Secret` objects.
    remediateResource: (args) => {
        if (args.type !== TYPES.k8sProvider) return undefined;
        const raw = rawProps(args.props);
        if (!raw || !Object.prototype.hasOwnProperty.call(raw, "kubeconfig")) return undefined;
        const kc = raw.kubeconfig;
        if (kc instanceof Secret || kc === undefined || kc === null) return undefined;
        return { ...raw, kubeconfig: new Secret(kc) };
    },
};
