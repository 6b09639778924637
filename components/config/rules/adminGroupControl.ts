// Who controls the admin group's membership (issue 29, item 2). An owner of a group manages its
// membership, so an owner of the admin group is a cluster-admin whenever it likes; a group among
// its members hands that membership to its own members and whoever manages it, none of which the
// stack sees (docs/azure-facts.md, "Who controls an admin group"). The deployer is always the
// group's owner (components/adminGroup.ts); JIT groups have no other owner (components/jit.ts). A
// group that should be admin is listed in admins.existingGroupObjectIds, where the plan shows it.
// An object id the stack file does not name as a group cannot be told apart offline. Pure module.
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { entries, type RuleContext } from "./context";

/** Object id -> how the stack file names it a group (an alias, or where it is used as one). */
function knownGroups(ctx: RuleContext): Map<string, string> {
    const out = new Map<string, string>();
    for (const [alias, id] of ctx.groups.entries())
        out.set(id, `group ${alias} of ${NAMESPACE}:groups`);
    const refs: [string | undefined, string][] = [
        ...entries(ctx.draft.admins?.existingGroupObjectIds).map(
            ([i, g]) => [g, `admins.existingGroupObjectIds[${i}]`] as [string, string],
        ),
        ...entries(ctx.draft.clusterAccess).map(
            ([i, a]) => [a.group, `clusterAccess[${i}].group`] as [string | undefined, string],
        ),
    ];
    for (const [ref, at] of refs) {
        if (ref === undefined) continue;
        const id = ctx.groups.key(ref);
        if (!out.has(id)) out.set(id, `a group (${NAMESPACE}:${at})`);
    }
    return out;
}

export function adminGroupControl(ctx: RuleContext): string[] {
    const a = ctx.draft.admins;
    if (a === undefined || (a.createGroup ?? true) === false) return [];
    const out: string[] = [];
    const key = `${NAMESPACE}:admins`;
    const deployer = ctx.draft.deployer?.objectId?.toLowerCase();
    for (const [i, o] of entries(a.owners)) {
        if (o.toLowerCase() === deployer) continue;
        out.push(
            `${key}.owners[${i}] ${show(o)} would own the admin group: an owner adds members, itself included, so it is a cluster-admin whenever it likes, outside this stack and its plan. Only the deployer owns the group (always added); remove the entry, and change the group's members through ${key}.members`,
        );
    }
    const groups = knownGroups(ctx);
    for (const [i, m] of entries(a.members)) {
        const what = groups.get(m.toLowerCase());
        if (what === undefined) continue;
        out.push(
            `${key}.members[${i}] ${show(m)} is ${what}: a group among the admin group's members makes all its members cluster-admins, and whoever manages it; list its people in ${key}.members, or make it an admin group in ${key}.existingGroupObjectIds, where the plan shows it`,
        );
    }
    return out;
}
