// Cross-field rules of aks-entra:jit and aks-entra:conditionalAccess. Pure module.
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import { entries, type RuleContext, rawAt } from "./context";
import { groupReferences, repeatedGroups } from "./access";

/**
 * A JIT entry is named once, scopes a declared namespace (never with cluster-admin, which is
 * cluster-wide), names principals that resolve, and asks for approval exactly when it names
 * approvers.
 */
export function jit(ctx: RuleContext): string[] {
    const out: string[] = [];
    const list = entries(ctx.draft.jit);
    const rawList = Array.isArray(ctx.raw.jit) ? ctx.raw.jit : [];
    for (const [i, j] of list) {
        const key = `${NAMESPACE}:jit[${i}]`;
        const written = rawAt(rawList, i);
        out.push(
            ...groupReferences(ctx, j.eligible, (k) => `${key}.eligible[${k}]`),
            ...groupReferences(ctx, j.approvers, (k) => `${key}.approvers[${k}]`),
        );
        for (const id of repeatedGroups(ctx, j.eligible ?? [])) {
            out.push(`${key}.eligible lists ${show(id)} twice`);
        }
        if (j.namespace !== undefined) {
            if (j.role === "cluster-admin") {
                out.push(
                    `${key}.namespace ${show(j.namespace)} cannot scope role cluster-admin, which is cluster-wide; use admin for a namespace, or remove namespace`,
                );
            } else if (!ctx.declaredNamespaces.includes(j.namespace)) {
                out.push(
                    `${key}.namespace ${show(j.namespace)} is not declared in ${NAMESPACE}:namespaces (declared: ${ctx.declaredNamespaces.join(", ") || "none"})`,
                );
            }
        }
        const approvers = Array.isArray(written.approvers) ? written.approvers.length : 0;
        if (j.requireApproval === true && approvers === 0) {
            out.push(
                `${key}.requireApproval is true but no approvers are listed: PIM would have nobody to ask; list approvers (users or groups)`,
            );
        }
        if (j.requireApproval === false && approvers > 0) {
            out.push(
                `${key}.approvers are listed but requireApproval is false: they would never be asked; remove them or set requireApproval: true`,
            );
        }
        if (j.requireMfa === false && j.role === "cluster-admin") {
            out.push(
                `${key}.requireMfa is false for role cluster-admin: activating cluster-admin without MFA turns a stolen password into full control of the cluster; keep requireMfa: true`,
            );
        }
    }
    const names = list.flatMap(([, j]) => (j.name === undefined ? [] : [j.name]));
    for (const n of duplicates(names)) {
        out.push(`${NAMESPACE}:jit has two entries named ${show(n)}; each names its own group`);
    }
    return out;
}

/** Conditional Access: the groups resolve, and nobody is both targeted and excluded. */
export function conditionalAccess(ctx: RuleContext): string[] {
    const ca = ctx.draft.conditionalAccess;
    if (ca === undefined) return [];
    const key = `${NAMESPACE}:conditionalAccess`;
    const out = [
        ...groupReferences(ctx, ca.groups, (i) => `${key}.groups[${i}]`),
        ...groupReferences(ctx, ca.excludeGroups, (i) => `${key}.excludeGroups[${i}]`),
    ];
    for (const c of duplicates((ca.require ?? []).filter((r) => r !== undefined))) {
        out.push(`${key}.require lists ${show(c)} twice`);
    }
    const targeted = new Set(
        (ca.groups ?? []).filter((g) => g !== undefined).map((g) => ctx.groups.key(g)),
    );
    for (const g of (ca.excludeGroups ?? []).filter((g) => g !== undefined)) {
        if (targeted.has(ctx.groups.key(g))) {
            out.push(
                `${key}.excludeGroups lists ${show(g)}, which groups also lists: Entra ID applies the exclusion, so the policy would not hold that group; list it in one of them`,
            );
        }
    }
    out.push(...defaultTargetsExcluded(ctx));
    return out;
}

/**
 * Without `groups`, the policy holds the admin groups and the JIT groups less the excluded ones
 * (components/stack.ts). When the stack creates neither an admin group nor a JIT group and every
 * existing admin group is excluded, it would hold nobody, which Graph refuses (conditions.users
 * must include someone) after the rest of the stack exists.
 */
function defaultTargetsExcluded(ctx: RuleContext): string[] {
    const ca = ctx.draft.conditionalAccess ?? {};
    const written = rawAt(ctx.raw, "conditionalAccess");
    if (Object.hasOwn(written, "groups") || ca.excludeGroups === undefined) return [];
    const admins = ctx.draft.admins ?? {};
    const writtenJit = Array.isArray(ctx.raw.jit) ? ctx.raw.jit : [];
    const existing = admins.existingGroupObjectIds ?? [];
    if ((admins.createGroup ?? true) || writtenJit.length > 0 || existing.length === 0) return [];
    if (existing.some((g) => g === undefined)) return []; // a refused entry is reported on its own
    const excluded = new Set(
        ca.excludeGroups.filter((g) => g !== undefined).map((g) => ctx.groups.key(g)),
    );
    if (!existing.every((g) => g !== undefined && excluded.has(ctx.groups.key(g)))) return [];
    return [
        `${NAMESPACE}:conditionalAccess.excludeGroups excludes every group the policy holds by default (the admin groups of admins.existingGroupObjectIds: ${existing.map((g) => show(g)).join(", ")}; the stack creates no admin or JIT group): it would apply to nobody, which Entra ID refuses after the rest of the stack exists. List the groups it should hold in conditionalAccess.groups, or exclude fewer`,
    ];
}
