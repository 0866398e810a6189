/**
 * Versions of the read-back providers' behaviour, sent as the `providerVersion` input of each dynamic resource.
 * A new value makes `diff` report a change, so the next `up` re-runs the resource with the installed code and
 * stores the current loader (the engine does not notice code changes on its own, pulumi/pulumi#6490).
 * Release 0.1 stored "1" with the whole provider code serialized into state.
 */
export const READBACK_VERSION = "2";
export const TOKEN_VERSION = "2";
export const ORPHAN_MARKER_VERSION = "2";
export const ROLLOUT_GATE_VERSION = "1";
