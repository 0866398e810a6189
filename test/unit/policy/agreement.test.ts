/**
 * The policy pack and the component agree, on 1,000 random programs (fast-check, seeded): random fleets (members
 * with labels and regions), placements (lists with unknown names, selectors, some invalid), overrides (some for
 * unknown or unplaced clusters, some of forbidden or invalid paths, some of a protected path) and replica
 * scheduling (totals, weights, min/max, some infeasible, some invalid).
 *
 * Per program:
 * - component path: the MemberClusters and a FederatedResource are constructed under the mock engine;
 * - core path: `decideFederatedObject` from `pulumi-kubefed/core` (what the pack depends on) on the same input;
 * - policy path: every policy of the pack on what the engine received (the FederatedResource's recorded inputs and
 *   the MemberClusters'), through the helpers the policy tests use.
 * Then:
 * - the component throws ⇔ the core refuses the input, and the component's error names every field the core names;
 *   a refused component is not registered, so the pack (like the engine's state) sees nothing of it;
 * - the component accepts ⇒ the decision the pack reads equals the one the component recorded, and its clusters,
 *   replicas, exclusions, unplaced replicas and warnings equal the core plan's;
 * - the pack reports a mandatory replica-scheduling violation for exactly the core plan's feasibility problems
 *   (same problems, same words), an override violation for exactly the clusters the plan warns are overridden but
 *   not placed, and a cluster-count violation exactly when fewer than 2 clusters get replicas.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { PolicyResource } from "@pulumi/policy";
import { registered, reset } from "../../support/harness";
import * as kubefed from "../../../src";
import { clusterInfos } from "../../../src/components/memberList";
import { FederatedObjectDecision, ReplicaSchedulingSpec, ValidationError, decideFederatedObject } from "pulumi-kubefed/core";
import {
    NAMES, TYPES, clusterCountPolicy, decisionOf, overridesPolicy, policies, replicaFeasibilityPolicy,
} from "../../../policy-pack/policies";
import { resourceArgs, stackResource, stackViolations, violations } from "../../../policy-pack/test/helpers";

const RUNS = 1000;
const SEED = 20261201;
const NAMES_POOL = ["c1", "c2", "c3", "c4", "c5"];
const REGIONS = ["us-east", "us-west", "eu-central", undefined];

interface Member { name: string; tier: "prod" | "dev"; region?: string }
interface Program {
    members: Member[];
    replicas: number;
    pii: boolean;
    placement?: kubefed.Placement;
    overrides: kubefed.ClusterOverride[];
    rsp?: ReplicaSchedulingSpec;
}

const memberArb = fc.record({ tier: fc.constantFrom("prod" as const, "dev" as const), region: fc.constantFrom(...REGIONS) });
const fleetArb = fc.subarray(NAMES_POOL, { minLength: 1 }).chain(names =>
    fc.tuple(...names.map(() => memberArb)).map(ms => ms.map((m, i) => ({ name: names[i], ...m }) as Member)));
// Names a placement or an override may use: mostly the fleet's, sometimes one no member has.
const clusterNameIn = (fleet: string[]) => fc.oneof({ weight: 15, arbitrary: fc.constantFrom(...fleet) },
    { weight: 1, arbitrary: fc.constantFrom(...NAMES_POOL.filter(n => !fleet.includes(n)), "mars") });

const placementArb = (clusterName: fc.Arbitrary<string>): fc.Arbitrary<kubefed.Placement | undefined> => fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.uniqueArray(clusterName, { maxLength: 4 }).map(cs => ({ clusters: cs.map(name => ({ name })) })) },
    { weight: 4, arbitrary: fc.constantFrom("prod", "dev").map(tier => ({ clusterSelector: { matchLabels: { tier } } })) },
    { weight: 3, arbitrary: fc.constant({ clusterSelector: {} }) },
    // An invalid selector operator: the core refuses it.
    { weight: 1, arbitrary: fc.constant({ clusterSelector: { matchExpressions: [{ key: "tier", operator: "Near", values: ["prod"] }] } } as unknown as kubefed.Placement) },
);

const opArb = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ path: "/spec/template/spec/containers/0/image", value: "quay.io/acme/web:2" }) },
    { weight: 3, arbitrary: fc.constant({ path: "/metadata/labels/data-class", value: "pii" }) },
    { weight: 2, arbitrary: fc.constant({ path: "/spec/template/spec/serviceAccountName", value: "admin" }) }, // protected by default
    { weight: 2, arbitrary: fc.constant({ path: "/spec/replicas", value: 0 }) }, // refused with replica scheduling
    { weight: 1, arbitrary: fc.constant({ path: "/metadata/name", value: "other" }) }, // identity: always refused
    { weight: 1, arbitrary: fc.constant({ path: "spec/replicas", value: 1 }) }, // not a JSON pointer
);
const overridesArb = (clusterName: fc.Arbitrary<string>) => fc.array(fc.record({ clusterName, clusterOverrides: fc.array(opArb, { minLength: 1, maxLength: 2 }) }), { maxLength: 2 });

const prefArb = fc.record({
    minReplicas: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 2 }),
    maxReplicas: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 2 }),
    weight: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
}, { requiredKeys: [] });
const rspArb: fc.Arbitrary<ReplicaSchedulingSpec | undefined> = fc.option(fc.record({
    totalReplicas: fc.oneof({ weight: 19, arbitrary: fc.integer({ min: 0, max: 14 }) }, { weight: 1, arbitrary: fc.constant(-1) }),
    rebalance: fc.boolean(),
    intersectWithClusterSelector: fc.boolean(),
    clusters: fc.dictionary(fc.constantFrom(...NAMES_POOL, "*"), prefArb, { maxKeys: 4 }),
}), { nil: undefined, freq: 2 });

const programArb: fc.Arbitrary<Program> = fleetArb.chain(members => {
    const clusterName = clusterNameIn(members.map(m => m.name));
    return fc.record({
        members: fc.constant(members), replicas: fc.integer({ min: 0, max: 5 }), pii: fc.boolean(),
        placement: placementArb(clusterName), overrides: overridesArb(clusterName), rsp: rspArb,
    });
});

function template(name: string, p: Program): kubefed.KubernetesObject {
    return {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name, namespace: "shop", labels: { app: name, ...(p.pii ? { "data-class": "pii" } : {}) } },
        spec: {
            replicas: p.replicas, selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: "web", containers: [{ name: "web", image: "nginx:1.25" }] } },
        },
    };
}

/** Fields a core ValidationError names, wherever it sits in the error's cause chain. */
function coreFields(e: unknown): string[] | undefined {
    for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
        if (c instanceof ValidationError) return c.issues.map(i => i.field);
    }
    return undefined;
}

const kc = pulumi.secret("apiVersion: v1\nkind: Config\n");
const strip = (subject: string, m: string) => m.startsWith(`${subject}: `) ? m.slice(subject.length + 2) : m;

/**
 * MemberClusters by (name, tier, region), each constructed once and shared by the programs that have it (40 at
 * most): constructing members dominates the run time otherwise. The inputs the engine recorded for each are kept
 * for the policy path, since the registrations list is reset per program.
 */
const refusedFields = new Map<string, number>();
const memberCache = new Map<string, { member: kubefed.MemberCluster; inputs: Promise<Record<string, unknown>> }>();
function memberOf(m: Member) {
    const key = `${m.name}-${m.tier}-${m.region ?? "none"}`;
    let hit = memberCache.get(key);
    if (!hit) {
        const member = new kubefed.MemberCluster(key, {
            clusterName: m.name, kubeconfig: kc, labels: { tier: m.tier }, ...(m.region ? { region: m.region } : {}),
        });
        const inputs = new Promise<Record<string, unknown>>(res => member.urn.apply(() => {
            res(registered.find(r => r.type === TYPES.memberCluster && r.name === key)!.inputs);
        }));
        hit = { member, inputs };
        memberCache.set(key, hit);
    }
    return hit;
}

async function check(p: Program, run: number): Promise<void> {
    reset();
    const name = `app${run}`;
    const cached = p.members.map(memberOf);
    const members = cached.map(c => c.member);
    const memberInputs = await Promise.all(cached.map(c => c.inputs));

    // Core path: the function the pack's package exports, on the component's input.
    let plan: FederatedObjectDecision | undefined;
    let refused: unknown;
    try {
        const sorted = [...members].sort((a, b) => a.clusterName < b.clusterName ? -1 : 1);
        plan = decideFederatedObject({
            template: template(name, p) as unknown as Record<string, unknown>, placement: p.placement, overrides: p.overrides,
            clusters: clusterInfos(sorted), replicaScheduling: p.rsp,
        });
    } catch (e) {
        refused = e;
    }

    // Component path.
    let component: kubefed.FederatedResource | undefined;
    let thrown: unknown;
    try {
        component = new kubefed.FederatedResource(name, {
            clusters: members, template: template(name, p), placement: p.placement, overrides: p.overrides,
            replicaScheduling: p.rsp, status: false, logDecision: false,
        });
    } catch (e) {
        thrown = e;
    }
    // Registered with the mock engine (the URN resolves once the registration is done).
    if (component) await new Promise(res => component!.urn.apply(res));
    const ctx = () => `program ${run}: ${JSON.stringify(p)}`;

    // Policy path: what the engine received.
    const fr = registered.find(r => r.type === TYPES.federatedResource && r.name === name);
    const stack: PolicyResource[] = [
        ...memberInputs.map((inputs, i) => stackResource(TYPES.memberCluster, members[i].clusterName, inputs)),
        ...(fr ? [stackResource(fr.type, fr.name, fr.inputs)] : []),
    ];
    const stackFindings: string[] = [];
    for (const pol of policies) {
        if ("validateStack" in pol) stackFindings.push(...await stackViolations(pol, stack));
    }

    assert.equal(thrown !== undefined, refused !== undefined,
        `the component ${thrown ? "threw" : "accepted"} but the core ${refused ? "refused" : "accepted"}: ${String(thrown ?? refused)}; ${ctx()}`);
    if (thrown !== undefined) {
        assert.ok(pulumi.ResourceError.isInstance(thrown), `not a ResourceError: ${String(thrown)}`);
        const fields = coreFields(refused);
        assert.ok(fields && fields.length > 0, `the core refused without naming a field: ${String(refused)}`);
        for (const f of fields!) assert.ok((thrown as Error).message.includes(`${f}: `), `the component's error does not name ${f}: ${(thrown as Error).message}; ${ctx()}`);
        assert.deepEqual(coreFields(thrown), fields, ctx());
        assert.equal(fr, undefined, `a refused component was registered; ${ctx()}`);
        for (const f of fields!) refusedFields.set(f.replace(/\[\d+\]/g, "[]"), (refusedFields.get(f.replace(/\[\d+\]/g, "[]")) ?? 0) + 1);
        assert.ok(!stackFindings.some(m => m.includes(`"${name}"`)), `the pack reported a refused component: ${stackFindings.join("\n")}`);
        return;
    }
    assert.ok(component && plan && fr, ctx());

    // The decision the pack reads is the one the component recorded, and it is the core plan's.
    // Compared as JSON values: that is what reaches the pack. (Node 22's deepStrictEqual also compares hidden
    // details of the SDK's deserialized objects, which it reports as "same structure but not reference-equal".)
    const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
    const seen = json(decisionOf(fr!.type, resourceArgs(fr!.type, fr!.name, fr!.inputs).props));
    assert.ok(seen, ctx());
    assert.deepEqual(seen, json(component!.decision), ctx());
    assert.deepEqual(Object.keys(seen!.placed), plan!.clusters, ctx());
    assert.deepEqual(seen!.excluded, json(plan!.excluded), ctx());
    assert.deepEqual(seen!.warnings, json(plan!.warnings), ctx());
    // Replicas: scheduled ones, else those the object is sent with.
    const sentReplicas = (c: string) => {
        const r = plan!.replicas?.[c] ?? (plan!.objects[c].spec as { replicas?: unknown } | undefined)?.replicas;
        return typeof r === "number" ? r : undefined;
    };
    for (const c of plan!.clusters) assert.equal(seen!.placed[c].replicas, sentReplicas(c), `replicas of ${c}; ${ctx()}`);
    if (p.rsp) assert.equal(seen!.unplacedReplicas, plan!.unplacedReplicas, ctx());

    // What the pack reports for it, against what the core decided.
    const args = resourceArgs(fr!.type, fr!.name, fr!.inputs);
    const subject = `FederatedResource "${name}" (apps/v1 Deployment shop/${name})`;
    const feasibility = (await violations(replicaFeasibilityPolicy, args)).map(m => strip(subject, m));
    assert.deepEqual(feasibility, (plan!.feasibility?.problems ?? []).map(x => x.message),
        `${NAMES.replicaFeasibility} and the core's feasibility disagree; ${ctx()}`);

    const notPlacedWarned = plan!.warnings.flatMap(w => /^overrides\[\d+\]\.clusterName: cluster "([^"]+)" is not placed/.exec(w)?.[1] ?? []);
    const ov = await violations(overridesPolicy, args);
    const unplacedViolation = ov.find(m => m.includes("where it is not placed"));
    assert.deepEqual(unplacedViolation ? [...unplacedViolation.matchAll(/"([^"]+)"/g)].map(m => m[1]).filter(c => notPlacedWarned.includes(c)).sort() : [],
        [...new Set(notPlacedWarned)].sort(), `override clusters not placed: pack ${unplacedViolation ?? "none"}; ${ctx()}`);

    const running = plan!.clusters.filter(c => {
        const r = (plan!.objects[c].spec as { replicas?: unknown } | undefined)?.replicas;
        return typeof r !== "number" || r > 0;
    });
    const count = await violations(clusterCountPolicy, args);
    assert.equal(count.length > 0, running.length < 2, `${NAMES.clusterCount}: ${count.join("; ") || "none"} with ${running.length} running; ${ctx()}`);
}

const restore: (() => void)[] = [];

describe("policy pack ⇔ component: 1,000 random programs agree", function () {
    this.timeout(300_000);
    after(() => {
        for (const f of restore.splice(0)) f();
        reset();
    });

    it(`component refusals, recorded decisions and the pack's verdicts agree (seed ${SEED})`, async () => {
        // The components' warnings go to the (mocked) engine log; 1,000 programs' worth would drown the test output.
        const warn = pulumi.log.warn;
        pulumi.log.warn = () => Promise.resolve();
        restore.push(() => { pulumi.log.warn = warn; });
        let run = 0;
        const outcomes = { refused: 0, accepted: 0, feasibilityViolations: 0 };
        await fc.assert(fc.asyncProperty(programArb, async p => {
            await check(p, run++);
            if (registered.some(r => r.type === TYPES.federatedResource)) {
                outcomes.accepted++;
                const fr = registered.find(r => r.type === TYPES.federatedResource)!;
                if ((await violations(replicaFeasibilityPolicy, resourceArgs(fr.type, fr.name, fr.inputs))).length > 0) outcomes.feasibilityViolations++;
            } else {
                outcomes.refused++;
            }
        }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
        // The generator reaches every branch it is meant to (a vacuous run would prove nothing).
        assert.ok(outcomes.refused > 50 && outcomes.accepted > 200 && outcomes.feasibilityViolations > 20, JSON.stringify(outcomes));
        console.log(`      ${JSON.stringify(outcomes)}; refused fields: ${JSON.stringify(Object.fromEntries([...refusedFields].sort((a, b) => b[1] - a[1])))}`);
    });
});
