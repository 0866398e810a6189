/**
 * The implementation behind `ServiceAccountToken` (src/resources/serviceAccountToken.ts): waits for the token controller to fill a
 * service-account token Secret and returns the token. An ordinary module, required by the loader stored in state.
 */
import { KubeClient, KubeResponse, connect, describeHttpError } from "../member/client";
import { asMapping, containsUnknown, jsonEqual, plain } from "../member/json";
import type { KubeConnection } from "../member/kubeconfig";

/** Engine-side inputs (after `check`). */
export interface TokenInputs {
    providerVersion?: string;
    kubeconfig: string;
    context?: string;
    namespace: string;
    secretName: string;
    secretUid?: string;
    timeoutSeconds?: number;
}

/** Engine-side outputs. */
export interface TokenOutputs extends TokenInputs {
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

/** The engine's property map as {@link TokenInputs}. Values pass through as they are (at preview they may be the
 *  engine's unknown marker, which `diff` checks for), so the fields are cast rather than converted. */
function tokenInputsOf(v: Record<string, unknown>): TokenInputs {
    const out: TokenInputs = { kubeconfig: v.kubeconfig as string, namespace: v.namespace as string, secretName: v.secretName as string };
    if (v.providerVersion !== undefined) out.providerVersion = v.providerVersion as string;
    if (v.context !== undefined && v.context !== null && v.context !== "") out.context = v.context as string;
    if (v.secretUid !== undefined && v.secretUid !== null && v.secretUid !== "") out.secretUid = v.secretUid as string;
    if (v.timeoutSeconds !== undefined && v.timeoutSeconds !== null) out.timeoutSeconds = v.timeoutSeconds as number;
    return out;
}

/** What one read of the token Secret found. Never quotes the kubeconfig or the Secret's data. */
type SecretRead =
    | { kind: "filled"; token: string; caCrt: string }
    | { kind: "pending"; why: string }
    | { kind: "missing" }
    | { kind: "failed"; why: string };

async function readTokenSecret(client: KubeClient, namespace: string, secretName: string): Promise<SecretRead> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(secretName)}`;
    let res: KubeResponse;
    try {
        res = await client.request("GET", path, undefined, { timeoutMs: 10_000 });
    } catch (e) {
        return { kind: "failed", why: String((e as Error).message ?? e) };
    }
    if (res.status === 404) return { kind: "missing" };
    const secret = asMapping(res.body);
    if (res.status !== 200 || !secret) return { kind: "failed", why: `GET ${path}: ${describeHttpError(res)}` };
    const data = asMapping(secret.data) ?? {};
    if (secret.type !== "kubernetes.io/service-account-token") {
        return { kind: "failed", why: `Secret ${namespace}/${secretName} has type "${String(secret.type)}", not kubernetes.io/service-account-token` };
    }
    if (typeof data.token !== "string" || data.token === "") return { kind: "pending", why: "the Secret has no token yet" };
    return {
        kind: "filled",
        token: Buffer.from(data.token, "base64").toString("utf8"),
        caCrt: typeof data["ca.crt"] === "string" ? data["ca.crt"] : "",
    };
}

/** Builds the outputs from one filled read. */
function tokenOutputs(inputs: TokenInputs, conn: KubeConnection, read: { token: string; caCrt: string }): TokenOutputs {
    const ca = (conn as { ca?: string }).ca;
    const caData = read.caCrt || (ca ? Buffer.from(ca, "utf8").toString("base64") : "");
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
    let client: KubeClient;
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
 * The provider of `ServiceAccountToken` (loaded from the installed package by the loader stored in state).
 */
export const serviceAccountTokenProvider = {
    diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const n = tokenInputsOf(news);
        if (containsUnknown(n)) return { changes: true };
        return { changes: !jsonEqual(tokenInputsOf(olds), n) };
    },
    create: async (inputs: Record<string, unknown>) => {
        const i = tokenInputsOf(inputs);
        const outs = await waitForToken(i);
        return { id: `${i.namespace}/${i.secretName}`, outs };
    },
    update: async (_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) => {
        return { outs: await waitForToken(tokenInputsOf(news)) };
    },
    read: async (id: string, props: Record<string, unknown>) => {
        const inputs = tokenInputsOf(props);
        let client: KubeClient | undefined;
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

