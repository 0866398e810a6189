/**
 * How components hand the objects they emit to the members' read-backs: a {@link ReadBackRegistry} maps each member
 * to the {@link MemberTracker} that collects its objects. A program's members register their own tracker
 * ({@link programReadBacks}); the component package's provider builds a registry per component (each component
 * there reads back its own objects, see src/package/provider.ts) and constructs the component inside
 * {@link withReadBacks}. A component takes {@link currentReadBacks} once, in its constructor, and passes it on to
 * whatever emits for it (also later, when a `follow` workload grows a dependency).
 */
import * as pulumi from "@pulumi/pulumi";
import { MemberReadBack, TrackedObjectArgs } from "../resources/memberReadBack";
import { encodeObjects } from "../member/objectsCodec";
import { whenProgramDone } from "./programEnd";

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

/** Which tracker collects a member's objects. Keyed by the member object itself (no property is set on it). */
export class ReadBackRegistry {
    private readonly trackers = new WeakMap<object, MemberTracker>();

    /** `what` names the registry in the error for a member it does not know. */
    constructor(private readonly what: string) {}

    /** Makes `tracker` the one that collects `member`'s objects. */
    register(member: object, tracker: MemberTracker): void {
        this.trackers.set(member, tracker);
    }

    /** The tracker of `member`, if it has one here. */
    existing(member: object): MemberTracker | undefined {
        return this.trackers.get(member);
    }

    /** The tracker of `member`; a member it does not know is an internal error (every member registers itself). */
    of(member: object & { clusterName: string }): MemberTracker {
        const t = this.trackers.get(member);
        if (!t) throw new Error(`internal error: member "${member.clusterName}" has no read-back in ${this.what}`);
        return t;
    }
}

/**
 * The registry of a program: each MemberCluster registers its own read-back here when it is constructed. One per
 * process, under a registry symbol, so that a member made by another copy of this package (two installs in
 * node_modules, where `isInstance` still recognises it) is found by this copy's components too.
 */
const PROGRAM_READ_BACKS = Symbol.for("pulumi-kubefed:program-read-backs");
const holder = globalThis as { [PROGRAM_READ_BACKS]?: ReadBackRegistry };
export const programReadBacks: ReadBackRegistry = holder[PROGRAM_READ_BACKS] ??= new ReadBackRegistry("this program");

let scoped: ReadBackRegistry | undefined;

/** Runs `construct` (a component's constructor, which is synchronous) with `registry` as {@link currentReadBacks}. */
export function withReadBacks<T>(registry: ReadBackRegistry, construct: () => T): T {
    const before = scoped;
    scoped = registry;
    try {
        return construct();
    } finally {
        scoped = before;
    }
}

/** The registry a component being constructed hands its objects to: the one {@link withReadBacks} set, else the program's. */
export function currentReadBacks(): ReadBackRegistry {
    return scoped ?? programReadBacks;
}
