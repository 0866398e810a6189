/**
 * The implementation behind `OrphanGuard` since 0.2: a marker with no credentials and no side effects. Orphaning is
 * done by each member's `MemberReadBack`, which holds that member's credentials once. The marker keeps its URN so that
 * stacks from 0.1, whose guards unlabel objects when deleted, update their guards in place instead of deleting them.
 */
import { orphanGuardClusters } from "../compat/orphanGuard";
import { containsUnknown, jsonEqual, plain } from "../member/json";

function markerInputsOf(v: Record<string, unknown>): Record<string, unknown> {
    return plain({ providerVersion: v.providerVersion, target: v.target, clusters: orphanGuardClusters(v.clusters) });
}

function idOf(t: Record<string, unknown>): string {
    return `${t.apiVersion}:${t.kind}:${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
}

export const orphanMarkerProvider = {
    diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const n = markerInputsOf(news);
        if (containsUnknown(n)) return { changes: true };
        return { changes: !jsonEqual(markerInputsOf(olds), n) };
    },
    create: async (inputs: Record<string, unknown>) => {
        const i = markerInputsOf(inputs);
        return { id: idOf((i.target ?? {}) as Record<string, unknown>), outs: i };
    },
    update: async (_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) => ({ outs: markerInputsOf(news) }),
    read: async (id: string, props: Record<string, unknown>) => ({ id, props: markerInputsOf(props), inputs: markerInputsOf(props) }),
    delete: async () => {
        // nothing: MemberReadBack unlabels orphaned objects
    },
};
