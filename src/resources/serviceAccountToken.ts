import * as pulumi from "@pulumi/pulumi";
import { TOKEN_VERSION } from "../provider/versions";
import { providerLoader } from "./loader";

/** Inputs of {@link ServiceAccountToken}. */
export interface ServiceAccountTokenArgs {
    /** Admin kubeconfig of the member (text or path) used to read the token Secret. Always stored as a secret. */
    kubeconfig: pulumi.Input<string>;
    /** Context in the kubeconfig; default: its current context. */
    context?: pulumi.Input<string>;
    /** Namespace of the token Secret. */
    namespace: pulumi.Input<string>;
    /** Name of the `kubernetes.io/service-account-token` Secret the token controller fills. */
    secretName: pulumi.Input<string>;
    /** UID of that Secret (pass `secret.metadata.uid`): a re-created Secret has a new token, and a new UID makes
     *  this resource read it again. Optional. */
    secretUid?: pulumi.Input<string>;
    /** How long create/update wait for the token controller, in seconds; default 60. */
    timeoutSeconds?: pulumi.Input<number>;
}

/**
 * Waits for the token controller to fill a `kubernetes.io/service-account-token` Secret and returns its token, the
 * cluster CA and the API server URL (the `kubefedctl join` step that copies the service account's token, docs/semantics.md#join).
 *
 * - create/update poll the Secret every second for up to `timeoutSeconds` (default 60) through the admin kubeconfig;
 *   `pulumi refresh` re-reads it (a deleted Secret drops this resource from state, an unreachable member keeps the
 *   last token); delete does nothing.
 * - `token`, `caData` and the admin `kubeconfig` are secret outputs (`additionalSecretOutputs`); error texts never
 *   quote them.
 * - `diff` compares inputs only; pass `secretUid` so a re-created Secret (new token) is read again.
 * - Type token: `pulumi-nodejs:dynamic/kubefed:ServiceAccountToken`; ID: `<namespace>/<secretName>`.
 */
export class ServiceAccountToken extends pulumi.dynamic.Resource {
    /** The service account's bearer token. Secret. */
    declare readonly token: pulumi.Output<string>;
    /** Base64 PEM CA bundle for the API server (`ca.crt` of the Secret, else the admin kubeconfig's CA). Secret. */
    declare readonly caData: pulumi.Output<string>;
    /** API server URL (from the admin kubeconfig). */
    declare readonly server: pulumi.Output<string>;
    /** `insecure-skip-tls-verify` of the admin kubeconfig's cluster. */
    declare readonly insecureSkipTlsVerify: pulumi.Output<boolean>;
    /** `tls-server-name` of the admin kubeconfig's cluster (`""` when none). */
    declare readonly tlsServerName: pulumi.Output<string>;

    constructor(name: string, args: ServiceAccountTokenArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            providerVersion: TOKEN_VERSION,
            kubeconfig: pulumi.secret(args.kubeconfig),
            context: args.context,
            namespace: args.namespace,
            secretName: args.secretName,
            secretUid: args.secretUid,
            timeoutSeconds: args.timeoutSeconds,
            token: undefined,
            caData: undefined,
            server: undefined,
            insecureSkipTlsVerify: undefined,
            tlsServerName: undefined,
        };
        super(providerLoader("serviceAccountToken"), name, props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfig", "token", "caData"] }), "kubefed", "ServiceAccountToken");
    }
}
