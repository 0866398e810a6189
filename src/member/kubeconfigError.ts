/** The one error kind of a kubeconfig that cannot be turned into a client (no I/O, no imports: everything else in
 *  this library raises it). */

/** An error building a connection from a kubeconfig (KubeFed: `ClusterConfigMalformed`/`ClientRetrievalFailed`). */
export interface KubeconfigError extends Error {
    kubeconfigError: true;
}

/** Makes an error flagged as a kubeconfig problem. */
export function kubeconfigError(message: string): KubeconfigError {
    const e = new Error(message) as KubeconfigError;
    e.kubeconfigError = true;
    return e;
}

/** Whether `e` was raised because the kubeconfig could not be turned into a client. */
export function isKubeconfigError(e: unknown): boolean {
    return !!e && typeof e === "object" && (e as { kubeconfigError?: unknown }).kubeconfigError === true;
}
