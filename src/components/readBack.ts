import * as pulumi from "@pulumi/pulumi";
import { MemberReadBack, TrackedObjectArgs } from "../resources/memberReadBack";
import { encodeObjects } from "../member/objectsCodec";

/** One federated object in one member, as registered by a component. */
export interface TrackedRecord {
    /** Preferred key (the federated object's name); made unique per member on collision. */
    name: string;
    tracked: TrackedObjectArgs;
    /** Held as a secret (Secrets, desired states with secret values); may resolve later. */
    secret: boolean | Promise<boolean>;
    /** The member object: the read-back runs after it. */
    resource: pulumi.Resource;
}

/**
 * Objects a component learns only after it registered them: those a Helm chart or a Kustomize directory renders in
 * one member (the Kubernetes provider renders them while the program runs on). Registered synchronously, like a
 * record; its maps are Outputs resolved later, merged into the member's maps by {@link MemberTracker.ensure}.
 */
export interface TrackedGroup {
    /** The component's name: groups are merged in the order of their names. */
    name: string;
    /** Tracked objects keyed by a stable name (unique within the group). */
    objects: pulumi.Input<Record<string, pulumi.Input<TrackedObjectArgs>>>;
    /** Likewise, objects whose desired state holds secrets: a separate Output, so the plain map never turns secret. */
    secretObjects: pulumi.Input<Record<string, pulumi.Input<TrackedObjectArgs>>>;
    /** The resource rendering the objects (a remote component): the read-back runs after it. */
    resource: pulumi.Resource;
}

/** Merges groups' maps into `out` in order; a key already taken gets `#2`, `#3`, ... (as records do). */
export function mergeGroups(out: Record<string, unknown>, taken: Set<string>, maps: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
    for (const m of maps) {
        for (const k of Object.keys(m ?? {}).sort()) {
            let key = k;
            for (let i = 2; taken.has(key); i++) key = `${k}#${i}`;
            taken.add(key);
            out[key] = m![k];
        }
    }
    return out;
}

/**
 * Resolves once the program has declared everything: when the root stack's outputs are known, which the SDK
 * computes after the program (and its exported values) finished. Read-back inputs wait for it, so one resource per
 * member can list every federated object without the program saying when it is done. Nothing that the stack's
 * outputs depend on may wait for it, or the program would never finish: read-back outputs are therefore not offered
 * as component outputs (status is read from the checkpoint by `pulumi-kubefed status`).
 * Without a stack resource (unit tests with mocks) it resolves on the next turn of the event loop.
 */
let programDone: Promise<void> | undefined;
export function whenProgramDone(): Promise<void> {
    if (programDone) return programDone;
    const stack = pulumi.runtime.getStackResource();
    const outputs = stack?.outputs as unknown as { promise?: (withUnknowns?: boolean) => Promise<unknown> } | undefined;
    // A program that fails rejects this: the read-backs then fail to register rather than register a partial list of
    // objects (an update with objects missing would unlabel them in orphan mode). test/e2e/failure.test.ts.
    programDone = outputs && typeof outputs.promise === "function"
        ? outputs.promise(true).then(() => undefined)
        : new Promise((resolve) => setImmediate(resolve));
    return programDone;
}

/** Test hook: forget the program-end promise (mocks run several programs in one process). */
export function resetReadBackForTests(): void {
    programDone = undefined;
}

/** The read-back of one member: created once, filled with every object registered before the program ends. */
export class MemberTracker {
    private readonly records: TrackedRecord[] = [];
    private readonly groups: TrackedGroup[] = [];
    private readonly keys = new Set<string>();
    private resource?: MemberReadBack;
    private sealed = false;

    constructor(private readonly make: (objects: pulumi.Input<string>, secretObjects: pulumi.Input<string>,
        dependsOn: pulumi.Input<pulumi.Resource[]>) => MemberReadBack) {}

    /** The member's read-back resource, created on first use. */
    ensure(): MemberReadBack {
        if (!this.resource) {
            const resolved = whenProgramDone().then(async () => {
                this.sealed = true;
                const recs = [...this.records].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
                const flags = await Promise.all(recs.map(r => r.secret));
                // stable sort: groups of one name keep the order they were registered in
                const groups = [...this.groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
                return { list: recs.map((r, i) => ({ r, secret: flags[i] })), groups };
            });
            // One compressed string per member (objectsCodec.ts); Outputs inside are resolved first, and a secret
            // or unknown value makes the whole string secret or unknown. Groups' maps come after the records, their
            // keys made unique against every record's (both maps share one key space).
            const pick = (secret: boolean): pulumi.Output<string> => pulumi.output(resolved.then(({ list, groups }) => {
                const out: Record<string, pulumi.Input<TrackedObjectArgs>> = {};
                for (const x of list) if (x.secret === secret) out[x.r.name] = x.r.tracked;
                return { out, taken: list.map(x => x.r.name), maps: groups.map(g => (secret ? g.secretObjects : g.objects)) };
            })).apply(({ out, taken, maps }) => encodeObjects(mergeGroups(out as Record<string, unknown>, new Set(taken),
                maps as (Record<string, unknown> | undefined)[])));
            const dependsOn = resolved.then(({ list, groups }) => [...list.map(x => x.r.resource), ...groups.map(g => g.resource)]);
            this.resource = this.make(pick(false), pick(true), dependsOn);
        }
        return this.resource;
    }

    /** The read-back if it was created. */
    existing(): MemberReadBack | undefined {
        return this.resource;
    }

    /** Registers one object; returns the key it is reported under. */
    track(record: TrackedRecord): string {
        if (this.sealed) {
            pulumi.log.warn(`${record.name}: declared after the program finished, so the member read-back does not track it; ` +
                "declare federated resources before the program returns", record.resource);
        }
        let key = record.name;
        for (let i = 2; this.keys.has(key); i++) key = `${record.name}#${i}`;
        this.keys.add(key);
        this.records.push({ ...record, name: key });
        this.ensure();
        return key;
    }

    /** Registers a group of objects known later (see {@link TrackedGroup}). */
    trackGroup(group: TrackedGroup): void {
        if (this.sealed) {
            pulumi.log.warn(`${group.name}: declared after the program finished, so the member read-back does not track its objects; ` +
                "declare charts and kustomizations before the program returns", group.resource);
        }
        this.groups.push(group);
        this.ensure();
    }
}
