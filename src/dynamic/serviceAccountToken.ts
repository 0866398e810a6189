import * as pulumi from "@pulumi/pulumi";
import * as kube from "./kube";
import * as st from "./status";

// Rebound as plain functions so the closure serializer captures them by value instead of capturing the local
// modules (see src/dynamic/README.md, "Serialization rules").
const { connect, describeHttpError } = kube;
const { containsUnknown, jsonEqual, plain } = st;

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

/** Engine-side inputs (after `check`). */
interface TokenInputs {
    providerVersion?: string;
    kubeconfig: string;
    context?: string;
    namespace: string;
    secretName: string;
    secretUid?: string;
    timeoutSeconds?: number;
}

/** Engine-side outputs. */
interface TokenOutputs extends TokenInputs {
    /** The bearer token (decoded). Secret. */
    token: string;
    /** `ca.crt` of the Secret, base64 as in the Secret (falls back to the admin kubeconfig's CA). Secret. */
    caData: string;
    /** API server URL of the admin kubeconfig's cluster. */
    server: string;
    /** `insecure-skip-tls-verify` of the admin kubeconfig's cluster. */
    insecureSkipTlsVerify: boolean;
    /** `tls-server-name` of the admin kubeconfig's cluster, `""` when none. */
    tlsServerName: string;
}

function tokenInputsOf(v: Record<string, any>): TokenInputs { // eslint-disable-line @typescript-eslint/no-explicit-any
    const out: TokenInputs = { kubeconfig: v.kubeconfig, namespace: v.namespace, secretName: v.secretName };
    if (v.providerVersion !== undefined) out.providerVersion = v.providerVersion;
    if (v.context !== undefined && v.context !== null && v.context !== "") out.context = v.context;
    if (v.secretUid !== undefined && v.secretUid !== null && v.secretUid !== "") out.secretUid = v.secretUid;
    if (v.timeoutSeconds !== undefined && v.timeoutSeconds !== null) out.timeoutSeconds = v.timeoutSeconds;
    return out;
}

/** What one read of the token Secret found. Never quotes the kubeconfig or the Secret's data. */
type SecretRead =
    | { kind: "filled"; token: string; caCrt: string }
    | { kind: "pending"; why: string }
    | { kind: "missing" }
    | { kind: "failed"; why: string };

async function readTokenSecret(client: kube.KubeClient, namespace: string, secretName: string): Promise<SecretRead> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(secretName)}`;
    let res: kube.KubeResponse;
    try {
        res = await client.request("GET", path, undefined, { timeoutMs: 10_000 });
    } catch (e) {
        return { kind: "failed", why: String((e as Error).message ?? e) };
    }
    if (res.status === 404) return { kind: "missing" };
    if (res.status !== 200 || !res.body || typeof res.body !== "object") return { kind: "failed", why: `GET ${path}: ${describeHttpError(res)}` };
    const data = res.body.data && typeof res.body.data === "object" ? res.body.data : {};
    if (res.body.type !== "kubernetes.io/service-account-token") {
        return { kind: "failed", why: `Secret ${namespace}/${secretName} has type "${res.body.type}", not kubernetes.io/service-account-token` };
    }
    if (typeof data.token !== "string" || data.token === "") return { kind: "pending", why: "the Secret has no token yet" };
    return {
        kind: "filled",
        token: Buffer.from(data.token, "base64").toString("utf8"),
        caCrt: typeof data["ca.crt"] === "string" ? data["ca.crt"] : "",
    };
}

/** Builds the outputs from one filled read. */
function tokenOutputs(inputs: TokenInputs, conn: kube.KubeConnection, read: { token: string; caCrt: string }): TokenOutputs {
    const caData = read.caCrt || (conn.ca ? Buffer.from(conn.ca, "utf8").toString("base64") : "");
    return plain({
        ...inputs,
        token: read.token,
        caData,
        server: conn.server,
        insecureSkipTlsVerify: conn.insecure,
        tlsServerName: conn.tlsServerName ?? "",
    });
}

/** Polls the token Secret (every second) until the token controller has filled it, or the timeout elapses. */
async function waitForToken(inputs: TokenInputs): Promise<TokenOutputs> {
    const where = `Secret ${inputs.namespace}/${inputs.secretName}`;
    let client: kube.KubeClient;
    try {
        client = connect(inputs.kubeconfig, inputs.context || undefined);
    } catch (e) {
        throw new Error(`ServiceAccountToken ${where}: cannot build a client from the admin kubeconfig: ${(e as Error).message}`);
    }
    const timeoutMs = Math.max(1, Number(inputs.timeoutSeconds ?? 60)) * 1000;
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
        const r = await readTokenSecret(client, inputs.namespace, inputs.secretName);
        if (r.kind === "filled") return tokenOutputs(inputs, client.connection, r);
        last = r.kind === "missing" ? "the Secret does not exist" : r.why;
        if (Date.now() >= deadline) break;
        await new Promise((res) => setTimeout(res, 1000));
    }
    throw new Error(`ServiceAccountToken ${where}: no token after ${Math.round(timeoutMs / 1000)} s (${last}). ` +
        "The token controller of kube-controller-manager fills kubernetes.io/service-account-token Secrets; check that it " +
        "runs with --service-account-private-key-file and that the ServiceAccount named in the Secret's " +
        "kubernetes.io/service-account.name annotation exists.");
}

/**
 * The provider of {@link ServiceAccountToken}. One module-level object of arrow functions with no state, so the SDK
 * serializes it once per process.
 */
export const serviceAccountTokenProvider: pulumi.dynamic.ResourceProvider = {
    check: async (_olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const failures: pulumi.dynamic.CheckFailure[] = [];
        for (const p of ["kubeconfig", "namespace", "secretName"]) {
            if (typeof news[p] !== "string" || news[p] === "") failures.push({ property: p, reason: "must be a non-empty string" });
        }
        const t = news.timeoutSeconds;
        if (t !== undefined && t !== null && !(typeof t === "number" && t > 0) && !containsUnknown(t)) {
            failures.push({ property: "timeoutSeconds", reason: "must be a positive number" });
        }
        return { inputs: tokenInputsOf(news), failures };
    },
    diff: async (_id: string, olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const n = tokenInputsOf(news);
        if (containsUnknown(n)) return { changes: true };
        return { changes: !jsonEqual(tokenInputsOf(olds), n) };
    },
    create: async (inputs: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const i = tokenInputsOf(inputs);
        const outs = await waitForToken(i);
        return { id: `${i.namespace}/${i.secretName}`, outs };
    },
    update: async (_id: string, _olds: any, news: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        return { outs: await waitForToken(tokenInputsOf(news)) };
    },
    read: async (id: string, props: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const inputs = tokenInputsOf(props);
        let client: kube.KubeClient | undefined;
        try {
            client = connect(inputs.kubeconfig, inputs.context || undefined);
        } catch {
            client = undefined;
        }
        // an unusable kubeconfig or an unreachable member keeps what is known (as the member providers' skip mode does)
        if (!client) return { id, props, inputs };
        const r = await readTokenSecret(client, inputs.namespace, inputs.secretName);
        // the Secret is gone, so is its token: drop the resource from state; the next `up` creates it again
        if (r.kind === "missing") return { id: "", props: {}, inputs: {} };
        if (r.kind !== "filled") return { id, props, inputs };
        return { id, props: tokenOutputs(inputs, client.connection, r), inputs };
    },
    delete: async () => {
        // nothing to do: the token Secret is deleted by its own resource
    },
};

/**
 * Waits for the token controller to fill a `kubernetes.io/service-account-token` Secret and returns its token, the
 * cluster CA and the API server URL (the `kubefedctl join` step that copies the service account's token, §6.3).
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
            providerVersion: st.PROVIDER_VERSION,
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
        super(serviceAccountTokenProvider, name, props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["kubeconfig", "token", "caData"] }), "kubefed", "ServiceAccountToken");
    }
}
