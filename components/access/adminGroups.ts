// Entra groups: AKS binds the admin groups (aadProfile.adminGroupObjectIDs) to Kubernetes
// cluster-admin itself, with no role assignment and no binding; and whoever controls a group the
// stack creates holds what the group holds (issue 29, item 2): an owner adds members, itself
// included (and, for a just-in-time group, skips PIM's MFA and approval), and a group among its
// members hands membership to all of its own. Group control is listed, not resolved against a
// tenant: the owners and member groups the stack registers. Pure module.
import { at, strings, text, TYPES } from "../../plan/registrations";
import type { AccessBuilder } from "./context";

/** Who controls one group the stack creates: its owners and the groups among its members. */
export interface GroupControl {
    /** Principal key of the group. */
    group: string;
    /** Principal keys of its owners. */
    owners: string[];
    /** Principal keys of the groups among its members (ids the stack knows as groups). */
    memberGroups: string[];
    /** URN of the group resource. */
    source: string;
}

/** Adds cluster-admin for each admin group AKS binds. */
export function adminGroupGrants(b: AccessBuilder): void {
    const { index } = b.ctx;
    if (!index.cluster) return;
    for (const oid of strings(at(index.cluster.inputs, "aadProfile", "adminGroupObjectIDs"))) {
        const p = b.principalFor(oid, "Group");
        p.clusterAdminGroup = true;
        b.grants.push({
            principal: p.key,
            scope: b.scopeOf(index.clusterId).key,
            role: "cluster-admin",
            roleKey: "aks:cluster-admin",
            level: 4,
            via: "aks-admin-group",
            source: index.cluster.urn,
        });
    }
}

/**
 * The owners and member groups of every group the stack creates. An owner's type is not
 * registered: a known principal is itself, an alias of aks-entra:groups a group, else a user.
 */
export function groupControl(b: AccessBuilder): GroupControl[] {
    const out: GroupControl[] = [];
    for (const g of b.ctx.index.ofType(TYPES.group)) {
        const group = b.byObjectId.get((text(g.state.objectId) || g.id).toLowerCase());
        if (!group) continue;
        const typeOf = (oid: string) => (b.aliases.has(oid.toLowerCase()) ? "Group" : "User");
        const owners = strings(g.inputs.owners).map((o) => b.principalFor(o, typeOf(o)).key);
        const memberGroups = strings(g.inputs.members)
            .filter((m) => {
                const known = b.byObjectId.get(m.toLowerCase());
                return known ? known.kind === "group" : b.aliases.has(m.toLowerCase());
            })
            .map((m) => b.principalFor(m, "Group").key);
        if (owners.length || memberGroups.length) {
            out.push({
                group: group.key,
                owners: [...new Set(owners)].sort(),
                memberGroups: [...new Set(memberGroups)].sort(),
                source: g.urn,
            });
        }
    }
    return out;
}
