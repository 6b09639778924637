// One way to grant an Azure role, used by every component: deterministic name, principalType
// always set, role definition id in the scope's own subscription.
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { shortHash, slug } from "./naming";
import { roleAssignmentName, roleDefinitionId, ROLE_NAMES, subscriptionOfScope } from "./roles";

export type PrincipalType = "User" | "Group" | "ServicePrincipal";

export interface RoleGrantArgs {
    /** ARM id the role applies to (a cluster, `<cluster>/namespaces/<ns>`, an identity, ...). */
    readonly scope: pulumi.Input<string>;
    /** Role definition GUID. */
    readonly roleGuid: string;
    /** Object id of the user, group or service principal. */
    readonly principalId: pulumi.Input<string>;
    /**
     * Always set: without it Azure looks the principal up in Graph, which fails with
     * PrincipalNotFound for a just-created identity or group (docs/azure-facts.md, failure mode 1).
     */
    readonly principalType: PrincipalType;
    /** Why the grant exists; shown in the portal. */
    readonly description: string;
    /** Subscription used when the scope names none (management-group scopes are not accepted). */
    readonly defaultSubscriptionId: pulumi.Input<string>;
    /** An ABAC condition (version 2.0) that narrows the grant. Defaults to none. */
    readonly condition?: string;
}

/**
 * Creates a role assignment named by a GUID derived from (scope, role, principal): a re-run, or a
 * re-create of the same grant, reuses the name instead of adding a duplicate assignment.
 */
export function assignRole(
    name: string,
    args: RoleGrantArgs,
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    const scope = pulumi.output(args.scope);
    return new authorization.RoleAssignment(
        name,
        {
            scope,
            roleDefinitionId: pulumi
                .all([scope, args.defaultSubscriptionId])
                .apply(([s, sub]) =>
                    roleDefinitionId(subscriptionOfScope(s) ?? sub, args.roleGuid),
                ),
            principalId: args.principalId,
            principalType: args.principalType,
            roleAssignmentName: pulumi
                .all([scope, args.principalId])
                .apply(([s, p]) => roleAssignmentName(s, args.roleGuid, p)),
            description: `aks-entra: ${args.description} (${ROLE_NAMES[args.roleGuid] ?? args.roleGuid})`,
            ...(args.condition ? { condition: args.condition, conditionVersion: "2.0" } : {}),
        },
        opts,
    );
}

/** Logical name of a configured Azure grant: readable role, hash of the exact scope and role. */
export function grantLogicalName(
    prefix: string,
    grant: { role: string; roleGuid: string; scope: string },
): string {
    return `${prefix}-${slug(grant.role)}-${shortHash(grant.scope.toLowerCase(), grant.roleGuid)}`;
}
