/**
 * Where the stack policies read each federated component's placement: one resource per program, the
 * {@link PLACEMENTS_TYPE} component named {@link PLACEMENTS_NAME}, whose outputs map every federated component's URN
 * to its placement view (core/summary.ts `placementView`). It is registered when the first component records its view
 * and given its outputs once the program has declared everything (as the members' read-backs are).
 *
 * Why not each component's own outputs: the engine hands stack policies outputs only, and a component's outputs
 * step is one more whole-checkpoint write per federated object on the file and S3 backends (never elided on a first
 * `up`). One record costs that write once per stack (docs/benchmarks.md, issue 23). The components then skip their
 * outputs step altogether (base.ts), also the empty one the SDK would register for them.
 *
 * Components that the package's provider constructs for other languages keep the view in their own outputs: their
 * outputs are what those SDKs read, and that provider never sees the end of the program ({@link recordPerComponent}).
 * So do components declared after the program finished (with a warning). The policies read both (policy-pack
 * common.ts `stackDecisions`), the record first: after an upgrade the engine keeps a component's older outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlacementView } from "../core";
import { whenProgramDone } from "./programEnd";

/** The record's type token: `componentType("Placements")` (written out: base.ts imports this module). */
export const PLACEMENTS_TYPE = "pulumi-kubefed:index:Placements";
/** The record's name: one per stack. */
export const PLACEMENTS_NAME = "kubefed-placements";

/** The placement views of a stack's federated components, by the component's URN. */
class Placements extends pulumi.ComponentResource {
    constructor(views: pulumi.Output<Record<string, PlacementView>>) {
        super(PLACEMENTS_TYPE, PLACEMENTS_NAME, {}, {});
        this.registerOutputs({ placements: views });
    }
}

interface Entry { urn: pulumi.Output<string>; view: PlacementView | Promise<PlacementView> }

class PlacementRecord {
    private readonly entries: Entry[] = [];
    private sealed = false;
    private created = false;

    /** Adds one component's view; false when the program already finished (the component records it itself). */
    add(component: pulumi.Resource, view: PlacementView | Promise<PlacementView>): boolean {
        if (this.sealed) return false;
        this.entries.push({ urn: component.urn, view });
        if (!this.created) {
            this.created = true;
            const all = whenProgramDone().then(() => {
                this.sealed = true;
                return this.entries.map(e => pulumi.all([e.urn, e.view]));
            });
            // sorted by URN: the recorded map, and so the checkpoint, does not depend on the order of declaration
            new Placements(pulumi.output(all).apply(pairs => Object.fromEntries(
                [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) as [string, PlacementView][])));
        }
        return true;
    }
}

/**
 * One record per process, under a registry symbol: components made by two copies of this package (two installs in
 * node_modules) share it, as they share the read-back registry, rather than register two records of the same URN.
 */
const HOLDER = Symbol.for("pulumi-kubefed:placement-record");
const state = ((globalThis as { [HOLDER]?: { perComponent: boolean; current?: PlacementRecord } })[HOLDER] ??= { perComponent: false });

/** The package's provider calls this: every component it constructs records its view in its own outputs. */
export function recordPerComponent(): void {
    state.perComponent = true;
}

/**
 * Records `component`'s placement view in the program's record. Returns false when the component must record it in
 * its own outputs instead: constructed by the package's provider, or declared after the program finished.
 */
export function recordPlacement(component: pulumi.Resource, view: PlacementView | Promise<PlacementView>): boolean {
    if (state.perComponent) return false;
    state.current ??= new PlacementRecord();
    if (state.current.add(component, view)) return true;
    pulumi.log.warn("declared after the program finished, so its placement is recorded in its own outputs rather than in " +
        `${PLACEMENTS_NAME}; declare federated components before the program returns`, component);
    return false;
}

/** Test hook: start a new record (mocks run several programs in one process). */
export function resetPlacementRecordForTests(): void {
    state.current = undefined;
    state.perComponent = false;
}
