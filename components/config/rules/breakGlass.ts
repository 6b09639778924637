// Conditional Access exclusions of cluster-admins (issue 29, item 6). An excluded group's members
// sign in to the cluster without the policy's controls (Entra ID applies the exclusion first), so
// excluding a group that holds cluster-admin, standing or eligible, exempts admins from MFA. Only a
// group declared emergency access (conditionalAccess.breakGlassGroups) may be excluded then, and a
// declared break-glass group must be excluded: the declaration is what the plan reads. Without
// `groups`, the policy holds the admin and JIT groups less the excluded ones (components/stack.ts):
// with this rule that default shrinks only by a declared break-glass group. Pure module.
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { groupReferences } from "./access";
import { entries, type RuleContext } from "./context";

/** Group key -> how it holds cluster-admin (standing or eligible), first reason wins. */
export function clusterAdminGroups(ctx: RuleContext): Map<string, string> {
    const out = new Map<string, string>();
    const add = (ref: string | undefined, why: string) => {
        if (ref !== undefined && !out.has(ctx.groups.key(ref))) out.set(ctx.groups.key(ref), why);
    };
    for (const [i, g] of entries(ctx.draft.admins?.existingGroupObjectIds)) {
        add(g, `an admin group, ${NAMESPACE}:admins.existingGroupObjectIds[${i}]`);
    }
    for (const [i, a] of entries(ctx.draft.clusterAccess)) {
        if (a.role === "cluster-admin" || a.role === "admin") {
            add(a.group, `${a.role} on the whole cluster, ${NAMESPACE}:clusterAccess[${i}]`);
        }
    }
    for (const [i, j] of entries(ctx.draft.jit)) {
        const wide =
            j.role === "cluster-admin" || (j.role === "admin" && j.namespace === undefined);
        if (!wide) continue;
        for (const [k, e] of entries(j.eligible)) {
            add(e, `eligible for ${j.role} of the cluster, ${NAMESPACE}:jit[${i}].eligible[${k}]`);
        }
    }
    return out;
}

export function breakGlass(ctx: RuleContext): string[] {
    const ca = ctx.draft.conditionalAccess;
    if (ca === undefined) return [];
    const key = `${NAMESPACE}:conditionalAccess`;
    const out = groupReferences(ctx, ca.breakGlassGroups, (i) => `${key}.breakGlassGroups[${i}]`);
    const excluded = new Set(entries(ca.excludeGroups).map(([, g]) => ctx.groups.key(g)));
    const declared = new Set(entries(ca.breakGlassGroups).map(([, g]) => ctx.groups.key(g)));
    for (const [i, g] of entries(ca.breakGlassGroups)) {
        const unresolved = ctx.groups.problem("", g) !== undefined; // reported above
        if (!unresolved && !excluded.has(ctx.groups.key(g))) {
            out.push(
                `${key}.breakGlassGroups[${i}] ${show(g)} is not in ${key}.excludeGroups: a break-glass group is one the policy excludes; add it to excludeGroups or remove it here`,
            );
        }
    }
    const admins = clusterAdminGroups(ctx);
    for (const [i, g] of entries(ca.excludeGroups)) {
        const why = admins.get(ctx.groups.key(g));
        if (why === undefined || declared.has(ctx.groups.key(g))) continue;
        out.push(
            `${key}.excludeGroups[${i}] ${show(g)} holds cluster-admin (${why}): excluding it lets its members sign in to the cluster without the policy's controls; exclude only an emergency-access group and declare it in ${key}.breakGlassGroups, or stop excluding it`,
        );
    }
    return out;
}
