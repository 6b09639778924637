// What Azure answers a deployer whose rights are known, outside the stack (a team stack's
// deployment identity, with the rights its platform gave it: docs/team-stacks.md). ARM authorizes
// a write when a role assignment of the caller at the scope or above allows the action and, when it
// carries an ABAC condition, the condition holds for the request (learn.microsoft.com/azure/
// role-based-access-control/conditions-authorization-actions-attributes). Pure module.

/** One role assignment of the deployer, as its platform made it. */
export interface Right {
    scope: string;
    roleGuid: string;
    condition?: string;
}

/** Built-in roles that allow each action the fakes check (Microsoft's built-in roles reference). */
const ALLOWED_BY: Readonly<Record<string, readonly string[]>> = {
    "Microsoft.Authorization/roleAssignments/write": [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168", // Role Based Access Control Administrator
    ],
    "Microsoft.ManagedIdentity/userAssignedIdentities/write": [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
        "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
        "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59", // Managed Identity Contributor
    ],
};

/** The values a condition's `@Request[<attribute>] ForAnyOfAnyValues:<op> {...}` allows. */
function allowed(condition: string, attribute: string): string[] | undefined {
    const at = condition.indexOf(`@Request[Microsoft.Authorization/roleAssignments:${attribute}]`);
    if (at < 0) return undefined;
    const set = /\{([^}]*)\}/.exec(condition.slice(at))?.[1] ?? "";
    return set.split(",").map((v) => v.trim().replace(/^'|'$/g, "").toLowerCase());
}

/** Whether a condition lets this role-assignment write through (only the forms aks-entra writes). */
function conditionHolds(condition: string, roleGuid: string, principalType: string): boolean {
    const roles = allowed(condition, "RoleDefinitionId");
    const types = allowed(condition, "PrincipalType");
    return (
        (roles === undefined || roles.includes(roleGuid.toLowerCase())) &&
        (types === undefined || types.includes(principalType.toLowerCase()))
    );
}

/**
 * ARM's AuthorizationFailed for `action` at `scope` by `client`, or undefined when one of `rights`
 * allows it. `request` is a role assignment's role and principal type, for its conditions.
 */
export function authorizationProblem(
    rights: readonly Right[],
    client: string,
    action: keyof typeof ALLOWED_BY,
    scope: string,
    request?: { roleGuid: string; principalType: string },
): string | undefined {
    const at = scope.toLowerCase();
    const ok = rights.some((r) => {
        const s = r.scope.toLowerCase();
        if (!(at === s || at.startsWith(`${s}/`))) return false;
        if (!ALLOWED_BY[action].includes(r.roleGuid)) return false;
        if (r.condition === undefined || request === undefined) return true;
        return conditionHolds(r.condition, request.roleGuid, request.principalType);
    });
    return ok
        ? undefined
        : `AuthorizationFailed: The client '${client}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid.`;
}
