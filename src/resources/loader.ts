import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";

/** The read-back providers the installed package implements (see src/provider/providers.ts). */
export type ProviderKind = "memberReadBack" | "serviceAccountToken" | "orphanMarker" | "rolloutGate";

// Resolved first from the project (portable: another machine running refresh finds its own installed copy), then by
// the absolute path of this build (programs inside this repository, which have no installed copy of themselves).
const IMPL_MODULE = "pulumi-kubefed/dynamic-providers";
const IMPL_PATH = path.join(__dirname, "..", "provider", "providers.js");

const loaders = new Map<ProviderKind, pulumi.dynamic.ResourceProvider>();

/** What the loader calls on the implementation module's provider (untyped engine values in, results out). */
type ProviderImpl = Record<"diff" | "create" | "update" | "read" | "delete", (...args: unknown[]) => Promise<unknown>>;

/**
 * The provider object handed to `pulumi.dynamic.Resource`. The SDK serializes it into every resource's state, so it
 * is kept to a few lines that `require` the implementation from the installed package: state stays small, and
 * refresh and delete run the installed code rather than a copy frozen at the last `up`. One object per kind, so the
 * SDK's serialization cache (keyed by object) serializes each once per process.
 */
export function providerLoader(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
    const hit = loaders.get(kind);
    if (hit) return hit;
    const s = IMPL_MODULE;
    const f = IMPL_PATH;
    const w = kind;
    // Plain functions only: what they close over (three strings) is all that is serialized; kept terse because
    // every resource stores this text. No `check`: the engine then keeps the program's inputs as they are (the
    // classes build them normalised), and `diff` does its own normalising.
    const m = (): ProviderImpl => { let e, x; try { x = require(s); } catch (r) { e = r; try { x = require(f); } catch { /* */ } } const p = x?.providers?.[w]; if (!p) throw new Error(`cannot load the ${w} provider: npm install pulumi-kubefed (${e})`); return p; };
    const provider = {
        diff: (i: unknown, o: unknown, n: unknown) => m().diff(i, o, n),
        create: (n: unknown) => m().create(n),
        update: (i: unknown, o: unknown, n: unknown) => m().update(i, o, n),
        read: (i: unknown, o: unknown) => m().read(i, o),
        delete: (i: unknown, o: unknown) => m().delete(i, o),
    } as pulumi.dynamic.ResourceProvider;
    loaders.set(kind, provider);
    return provider;
}
