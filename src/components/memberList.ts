/**
 * The member list a federated component is given (`clusters`), checked once. A program hands the same list to every
 * component, so the check and the core's view of the members are kept per list, and the cluster facts (names,
 * labels) are validated by the core's own per-list memo (`clusterListIssues`), the one every plan over the list
 * uses: the components and the core validate a list once, along one path.
 */
import { ClusterInfo, ValidationIssue, assertValid } from "../core";
import { clusterListIssues } from "../core/clusterFacts";
import { MemberCluster } from "./memberCluster";

/** A checked member list: the members sorted by cluster name, and the core's view of them in the same order (the
 *  array the core's per-list memo is keyed by: pass it to every plan over this list). */
export interface MemberList {
    members: MemberCluster[];
    infos: ClusterInfo[];
}

/** Lists already checked, by the array the program passed. `given` is a copy of the list as checked: an element
 *  replaced in place (`clusters[1] = clusters[0]`, a duplicate) must be checked again, so the copy is compared element
 *  by element (O(members), nothing allocated on a hit). The core re-checks names and labels itself (its memo compares
 *  them in place), so a label changed in place is caught there. */
const checked = new WeakMap<MemberCluster[], Checked>();
/** `order[i]`: the position in the given list of the i-th member of the sorted one. */
interface Checked { given: MemberCluster[]; order: number[]; list: MemberList }

/** The core's view of `members`, in their order. */
export function clusterInfos(members: MemberCluster[]): ClusterInfo[] {
    return members.map(m => ({ name: m.clusterName, labels: m.labels, region: m.region, zones: m.zones }));
}

/** Checks `clusters` (MemberCluster objects, no duplicate cluster name, valid names and labels) and returns it sorted. */
export function memberList(subject: string, clusters: MemberCluster[] | undefined, field = "clusters"): MemberList {
    const hit = Array.isArray(clusters) ? checked.get(clusters) : undefined;
    if (hit && sameElements(hit.given, clusters!)) {
        assertValid(subject, clusterIssues(hit, field));
        return hit.list;
    }
    const issues: ValidationIssue[] = [];
    if (!Array.isArray(clusters) || clusters.length === 0) {
        issues.push({ severity: "error", field, message: "must list the MemberCluster objects of the federation" });
    } else {
        clusters.forEach((c, i) => {
            if (!MemberCluster.isInstance(c)) {
                issues.push({ severity: "error", field: `${field}[${i}]`, message: "is not a MemberCluster; pass the objects returned by new MemberCluster(...)" });
            }
        });
    }
    assertValid(subject, issues);
    const given = [...clusters!];
    const name = (i: number) => given[i].clusterName;
    const order = given.map((_m, i) => i).sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
    const members = order.map(i => given[i]);
    const entry = { given, order, list: { members, infos: clusterInfos(members) } };
    assertValid(subject, clusterIssues(entry, field));
    checked.set(clusters!, entry);
    return entry.list;
}

/** The core's issues for the sorted list, with their indices turned back into positions in the list as given. */
function clusterIssues(c: Checked, field: string): ValidationIssue[] {
    const issues = clusterListIssues(c.list.infos);
    if (issues.length === 0) return issues;
    // The sort is stable, so of two members with one name the later one in the given list is reported, as before.
    return issues.map(i => ({
        ...i,
        field: i.field.replace(/^clusters\[(\d+)\]/, (_m, n: string) => `${field}[${c.order[Number(n)]}]`),
    }));
}

function sameElements<T>(a: T[], b: T[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}
