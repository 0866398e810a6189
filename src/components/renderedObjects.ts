/**
 * The objects a `FederatedChart` or `FederatedKustomization` renders in one member, labelled and read back like the
 * objects a FederatedResource emits.
 *
 * The Kubernetes provider renders a Helm v4 Chart or a Kustomize v2 Directory itself (they are remote components)
 * and registers the rendered objects as the component's children, so the program never constructs them. A resource
 * transform on the Chart/Directory sees each child's inputs before it is registered: it adds KubeFed's managed label
 * (`kubefed.io/managed: "true"`, as KubeFed labels every object it propagates) and `pulumi.com/patchForce` (an `up`
 * repairs drift, see {@link labelled}), and records the inputs, label included, as the object's desired state. The engine runs the transforms of a remote component for the children
 * its provider registers (test/e2e/chart.test.ts checks the label and the read-back in the members). Once the
 * Chart/Directory is registered (its URN resolves after the provider registered every child), the recorded objects go
 * to the member's read-back as one group (readBacks.ts): status, drift and readiness per object and member, shown
 * by `pulumi-kubefed status` under `<component>/<Kind>/<namespace>/<name>`.
 *
 * Where the engine cannot run transforms (an engine without them; the SDK's mocks), nothing is labelled or tracked.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sdkState from "@pulumi/pulumi/runtime/state";
import type { TrackedObjectArgs } from "../resources/memberReadBack";
import { MANAGED_LABEL } from "./names";
import type { MemberTracker } from "./readBacks";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const PATCH_FORCE = "pulumi.com/patchForce";

/** Whether `v` is a secret as a transform receives it: the wire form `{<sig>: <secret sig>, value}`. */
function isWireSecret(v: unknown): v is { value: unknown } {
    return !!v && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** `v` with every wire secret turned into a secret Output (kept as the desired state's own secret), and whether any was found. */
export function desiredOf(v: unknown): { value: unknown; secret: boolean } {
    if (isWireSecret(v)) return { value: pulumi.secret(desiredOf(v.value).value), secret: true };
    if (Array.isArray(v)) {
        const items = v.map(desiredOf);
        return { value: items.map(x => x.value), secret: items.some(x => x.secret) };
    }
    if (v && typeof v === "object" && !pulumi.Output.isInstance(v)) {
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
            const d = desiredOf(x);
            secret = secret || d.secret;
            Object.defineProperty(out, k, { value: d.value, writable: true, enumerable: true, configurable: true });
        }
        return { value: out, secret };
    }
    return { value: v, secret: false };
}

/** Whether `v` is absent or a plain map (not a secret, not unknown). */
function plainMapOrAbsent(v: unknown): v is Record<string, unknown> | undefined {
    return v === undefined || (!!v && typeof v === "object" && !Array.isArray(v) && !isWireSecret(v) && !pulumi.Output.isInstance(v));
}

/**
 * `props` as a federated object is sent: with KubeFed's managed label, and (unless the chart says otherwise) with
 * `pulumi.com/patchForce: "true"`, so `up` takes back fields someone changed behind Pulumi's back as KubeFed's sync
 * controller does and as FederatedResource does by default (`forceOwnership`). `undefined` when the metadata is not
 * plain data (a secret or unknown map): then the object is left as it is.
 */
function labelled(props: Record<string, unknown>): Record<string, unknown> | undefined {
    const md = props.metadata;
    if (!md || !plainMapOrAbsent(md)) return undefined;
    const { labels, annotations } = md as Record<string, unknown>;
    if (!plainMapOrAbsent(labels) || !plainMapOrAbsent(annotations)) return undefined;
    return { ...props, metadata: {
        ...md,
        labels: { ...(labels ?? {}), [MANAGED_LABEL]: "true" },
        annotations: { [PATCH_FORCE]: "true", ...(annotations ?? {}) },
    } };
}

/** A transform result changing only the inputs: without `opts` the SDK hands the engine the child's options exactly
 *  as they came (handing them back would re-encode aliases and providers). */
function keepOptions(props: Record<string, unknown>): pulumi.ResourceTransformResult {
    return { props } as pulumi.ResourceTransformResult;
}

/** One rendered object, as recorded by the transform. */
interface Rendered {
    tracked: TrackedObjectArgs;
    secret: boolean;
}

/** The key of a rendered object in its member's read-back: `<component>/<Kind>/<namespace>/<name>` (no namespace segment
 *  for cluster-scoped objects or objects without one). */
export function renderedKey(component: string, target: { kind: string; namespace?: string; name: string }): string {
    return [component, target.kind, ...(target.namespace ? [target.namespace] : []), target.name].join("/");
}

/** Whether the SDK can register transforms with this engine (mocks and old engines cannot: the SDK would fail the
 *  registration). The SDK keeps the engine's feature support in its run state, which has no public accessor. */
function transformsSupported(): boolean {
    const getStore = (sdkState as unknown as { getStore?: () => { supportsTransforms?: unknown } | undefined }).getStore;
    return typeof getStore === "function" && getStore()?.supportsTransforms === true;
}

/**
 * Label and read back what one member's Chart/Directory renders. Create it before the Chart/Directory, give it
 * {@link RenderedObjects.transforms} as the `transforms` option, then call {@link RenderedObjects.track} with it.
 */
export class RenderedObjects {
    /** The transforms for the Chart/Directory's options (empty where the engine cannot run them). */
    readonly transforms: pulumi.ResourceTransform[];
    private readonly objects = new Map<string, Rendered>();

    /** `type`: the component's type name (`FederatedChart`); `component`: its name; `tracker`: the member's read-back
     *  as the component's registry gives it. `supported`: tests only; default is whether this engine runs transforms. */
    constructor(private readonly type: string, private readonly component: string, private readonly tracker: MemberTracker,
                supported = transformsSupported()) {
        this.transforms = supported ? [(args) => this.transform(args)] : [];
    }

    /** Labels one rendered child and records it. Anything that is not a plain Kubernetes object passes untouched. */
    transform(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
        if (!args.custom || !args.type.startsWith("kubernetes:") || args.type.startsWith("pulumi:providers:")) return undefined;
        const props = labelled(args.props);
        if (!props) return undefined;
        const md = props.metadata as Record<string, unknown>;
        const { apiVersion, kind } = props;
        if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof md.name !== "string" || md.name === "") {
            return keepOptions(props);
        }
        const target = { apiVersion, kind, name: md.name, ...(typeof md.namespace === "string" && md.namespace ? { namespace: md.namespace } : {}) };
        // what is sent, less what the read-back never compares (status)
        const { status: _status, ...sent } = props;
        const d = desiredOf(sent);
        const key = renderedKey(this.component, target);
        this.objects.set(key, {
            tracked: { target, desired: d.value as pulumi.Input<Record<string, unknown>>, source: { type: this.type, name: this.component } },
            secret: kind === "Secret" || d.secret,
        });
        return keepOptions(props);
    }

    /**
     * Registers what `rendered` renders with the member's read-back. Its URN resolves once the provider has
     * registered every child, so every transform has run by then (also at preview, where the URN is known too).
     */
    track(rendered: pulumi.Resource): void {
        if (this.transforms.length === 0) return;
        const pick = (secret: boolean) => rendered.urn.apply(() => {
            const out: Record<string, TrackedObjectArgs> = {};
            for (const k of [...this.objects.keys()].sort()) {
                const r = this.objects.get(k)!;
                if (r.secret === secret) out[k] = r.tracked;
            }
            return out;
        });
        this.tracker.trackGroup({ name: this.component, objects: pick(false), secretObjects: pick(true), resource: rendered });
    }
}
