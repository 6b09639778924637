// Cross-field rules of aks-entra:admins and aks-entra:clusterAccess. Pure module.
import { type KubeloginMode, NAMESPACE, POP_LOGIN_MODES } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import { entries, type RuleContext, rawAt } from "./context";

/** Every group reference in `refs` (holes skipped) resolves; `at(i)` is its key path. */
export function groupReferences(
    ctx: RuleContext,
    refs: readonly (string | undefined)[] | undefined,
    at: (i: number) => string,
): string[] {
    return entries(refs).flatMap(([i, ref]) => ctx.groups.problem(at(i), ref) ?? []);
}

/** Groups given twice (by alias and by id, or twice by either), as object ids. */
export function repeatedGroups(ctx: RuleContext, refs: readonly (string | undefined)[]): string[] {
    return duplicates(refs.filter((r) => r !== undefined).map((r) => ctx.groups.key(r)));
}

export function admins(ctx: RuleContext): string[] {
    const a = ctx.draft.admins ?? {};
    const written = rawAt(ctx.raw, "admins");
    const existing = a.existingGroupObjectIds ?? [];
    const out = groupReferences(
        ctx,
        existing,
        (i) => `${NAMESPACE}:admins.existingGroupObjectIds[${i}]`,
    );
    const createGroup = a.createGroup ?? true;
    const listed = Array.isArray(written.existingGroupObjectIds)
        ? written.existingGroupObjectIds.length
        : 0;
    if (!createGroup && listed === 0) {
        out.push(
            `${NAMESPACE}:admins.createGroup is false and admins.existingGroupObjectIds is empty; the cluster needs at least one admin group: set createGroup: true or list an existing group`,
        );
    }
    const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
    if (!createGroup && (nonEmpty(written.members) || nonEmpty(written.owners))) {
        out.push(
            `${NAMESPACE}:admins.members/owners are set but admins.createGroup is false; they only apply to the group this stack creates`,
        );
    }
    for (const id of repeatedGroups(ctx, existing)) {
        out.push(`${NAMESPACE}:admins.existingGroupObjectIds lists ${show(id)} twice`);
    }
    return out;
}

export function clusterAccess(ctx: RuleContext): string[] {
    const grants = entries(ctx.draft.clusterAccess);
    const out = grants.flatMap(([i, g]) =>
        g.group === undefined
            ? []
            : (ctx.groups.problem(`${NAMESPACE}:clusterAccess[${i}].group`, g.group) ?? []),
    );
    for (const id of repeatedGroups(
        ctx,
        grants.map(([, g]) => g.group),
    )) {
        out.push(
            `${NAMESPACE}:clusterAccess lists group ${show(id)} more than once; give each group one role (the widest it needs)`,
        );
    }
    return out;
}

/**
 * The kubelogin mode the stack will use (the default azurecli when unset), or undefined when the
 * written mode was refused: a rule that depends on it has nothing true to say about it then.
 */
function loginMode(ctx: RuleContext): KubeloginMode | undefined {
    const written = ctx.raw.kubeloginMode !== undefined;
    if (written && ctx.draft.kubeloginMode === undefined) return undefined;
    return ctx.draft.kubeloginMode ?? "azurecli";
}

/** A managed identity's client id is for kubelogin's msi login only. */
export function deployerLogin(ctx: RuleContext): string[] {
    const id = ctx.draft.deployer?.managedIdentityClientId;
    const mode = loginMode(ctx);
    if (id === undefined || mode === undefined || mode === "msi") return [];
    return [
        `${NAMESPACE}:deployer.managedIdentityClientId ${show(id)} is used only with kubeloginMode msi (it becomes kubelogin's --client-id), but kubeloginMode is ${show(mode)}; set kubeloginMode: msi or remove the key`,
    ];
}

/** Proof-of-possession tokens exist only in the logins kubelogin requests them in. */
export function kubeloginPop(ctx: RuleContext): string[] {
    const mode = loginMode(ctx);
    const modes: readonly string[] = POP_LOGIN_MODES;
    if (ctx.draft.kubeloginPop !== true || mode === undefined || modes.includes(mode)) return [];
    return [
        `${NAMESPACE}:kubeloginPop true is used only with kubeloginMode ${POP_LOGIN_MODES.join(" or ")} (kubelogin requests proof-of-possession tokens only in those logins and ignores the flags in the others), but kubeloginMode is ${show(mode)}; set kubeloginMode: ${POP_LOGIN_MODES.join(" or ")}, or remove the key`,
    ];
}
