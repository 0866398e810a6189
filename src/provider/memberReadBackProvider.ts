/**
 * The implementation behind `MemberReadBack` (one resource per member cluster): reading the member on create,
 * update and refresh (src/member/observeMember.ts: health, propagation status and drift of every object placed
 * there, docs/semantics.md#health, docs/semantics.md#propagation-status), when that counts as a change, and
 * orphan-mode unlabelling (docs/semantics.md#deletion-and-orphaning).
 *
 * This is an ordinary module: the state of each resource stores only a small loader (src/resources/loader.ts) that
 * requires it from the installed package, so refresh and delete always run the installed code, never a stale copy.
 * No `@pulumi/*` imports: the dynamic-provider host loads this without the SDK's program runtime.
 */
import { containsUnknown, jsonEqual, plain } from "../member/json";
import { mapLimited, removeManagedLabel } from "../member/objects";
import { observeMember } from "../member/observeMember";
import { ReadBackInputs, ReadBackOutputs, TrackedObject, allObjects, readBackInputsOf, storedInputs } from "../member/readBackState";

// ---------------------------------------------------------------------------------------------------------------
// Orphan mode

/** Unlabels the given objects; a failure throws (so the resource keeps its state and the next `up` retries). */
async function orphan(inputs: ReadBackInputs, keys: string[], objects: Record<string, TrackedObject>): Promise<void> {
    if (keys.length === 0) return;
    const errors: string[] = [];
    await mapLimited(keys, 16, async (k) => {
        try {
            await removeManagedLabel(inputs.clusterName, inputs.kubeconfig, inputs.context, objects[k].target);
        } catch (e) {
            errors.push(String((e as Error).message ?? e));
        }
    });
    if (errors.length > 0) {
        throw new Error(`orphaning objects in cluster ${inputs.clusterName} failed; the read-back keeps its state, retry when ` +
            `the cluster is reachable: ${errors.sort().join("; ")}`);
    }
}

/** Tracked objects of `olds` in orphan mode that are no longer tracked as the same object in `news`. */
function droppedOrphans(olds: ReadBackInputs, news: ReadBackInputs | undefined): { keys: string[]; objects: Record<string, TrackedObject> } {
    const o = allObjects(olds);
    const n = news ? allObjects(news) : {};
    const keys = Object.keys(o).filter((k) => o[k].orphan && (!n[k] || !jsonEqual(n[k].target, o[k].target)));
    return { keys, objects: o };
}

// ---------------------------------------------------------------------------------------------------------------
// The provider

function inputPart(v: ReadBackInputs): unknown {
    return { ...v };
}

function newProblems(outs: Record<string, unknown>): string[] {
    const problems = Array.isArray(outs.problems) ? outs.problems.map(String) : [];
    const accepted = new Set(Array.isArray(outs.accepted) ? outs.accepted.map(String) : []);
    return problems.filter((p) => !accepted.has(p));
}

/** `ResourceProvider` of `pulumi-nodejs:dynamic/kubefed:MemberReadBack` (plain object, no SDK types needed). No
 *  `check`: the loader stored in state has none (it must stay small), so the program's inputs are kept as sent and
 *  every method normalises them with {@link readBackInputsOf}. */
export const memberReadBackProvider = {
    /**
     * Inputs decide, plus one rule for drift: problems observed since the last create/update (a refresh found drift,
     * a deleted object, a member gone offline) are a change. During `pulumi refresh` the engine calls this with the
     * refreshed outputs as `olds`, so those problems show in the refresh output; the next `up` re-observes them
     * after the member objects are repaired.
     */
    diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const n = readBackInputsOf(news);
        const o = readBackInputsOf(olds);
        if (!containsUnknown(n.clusterName) && o.clusterName !== n.clusterName) return { changes: true, replaces: ["clusterName"] };
        if (containsUnknown(n)) return { changes: true };
        if (!jsonEqual(inputPart(o), inputPart(n))) return { changes: true };
        return { changes: newProblems(olds).length > 0 };
    },
    create: async (inputs: Record<string, unknown>) => {
        const i = readBackInputsOf(inputs);
        const outs = await observeMember(i, undefined, inputs);
        return { id: i.clusterName, outs: { ...outs, accepted: outs.problems } };
    },
    update: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
        const o = readBackInputsOf(olds);
        const n = readBackInputsOf(news);
        const dropped = droppedOrphans(o, n);
        // with the new credentials: an `up` that rotates them may already have revoked the old ones
        await orphan({ ...o, kubeconfig: n.kubeconfig, ...(n.context ? { context: n.context } : { context: undefined }) }, dropped.keys, dropped.objects);
        const outs = await observeMember(n, olds as Partial<ReadBackOutputs>, news);
        return { outs: { ...outs, accepted: outs.problems } };
    },
    read: async (id: string, props: Record<string, unknown>) => {
        const i = readBackInputsOf(props);
        const outs = await observeMember(i, props as Partial<ReadBackOutputs>, props);
        // what was accepted stays accepted while it lasts; a problem that went away and comes back shows again
        const before = new Set(Array.isArray(props.accepted) ? props.accepted.map(String) : []);
        const accepted = outs.problems.filter((p) => before.has(p));
        // The engine shows a dynamic provider's stdout lines as messages, so a plain `pulumi refresh` (without
        // --diff) names what it found too. Only names, reasons and JSON pointers: never a value.
        const fresh = outs.problems.filter((p) => !before.has(p));
        if (fresh.length > 0) {
            process.stdout.write(fresh.map((p) => `kubefed: member ${i.clusterName}: ${p}\n`).join(""));
        }
        return { id, props: { ...outs, accepted }, inputs: plain(storedInputs(i, props)) };
    },
    delete: async (_id: string, props: Record<string, unknown>) => {
        const o = readBackInputsOf(props);
        const dropped = droppedOrphans(o, undefined);
        await orphan(o, dropped.keys, dropped.objects);
    },
};
