// What each deployment identity may do, and why: the Azure roles (with their ABAC conditions), the
// data roles on the state container and the secrets key, and the Microsoft Graph application
// permissions. Pure module: no Pulumi resources, so tests and the policy pack read it directly.
// Sources: docs/azure-facts.md ("Bootstrap: deployment identities").
import { PRIVILEGE } from "../components/access/privilege";
import { BUILT_IN_ROLES } from "../components/roles";
import {
    blobWriteCondition,
    lockPrefix,
    MAIN_PROJECT,
    statePaths,
} from "../components/stateAccess";

/** Built-in Azure roles the bootstrap grants, by GUID (Microsoft's "Azure built-in roles"). */
export const BOOTSTRAP_ROLES = {
    /** Manages every resource in scope; no role assignments, no locks (NotActions Authorization writes/deletes). */
    contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    reader: BUILT_IN_ROLES.Reader,
    /** Role assignments only (Microsoft.Authorization/roleAssignments/write, delete): always with a condition here. */
    rbacAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    storageBlobDataReader: BUILT_IN_ROLES["Storage Blob Data Reader"],
    storageBlobDataContributor: BUILT_IN_ROLES["Storage Blob Data Contributor"],
    /** Encrypt and decrypt with a key: what Pulumi's azurekeyvault:// secrets provider calls. */
    keyVaultCryptoUser: BUILT_IN_ROLES["Key Vault Crypto User"],
} as const;

/**
 * Role definitions the stacks assign, collected from the main program's privilege table
 * (components/access/privilege.ts): every role it may grant, none of the `forbidden` class (Owner,
 * Contributor, User Access Administrator, RBAC Administrator, AKS Cluster Admin and Contributor,
 * Key Vault Data Access Administrator). A deployment identity may assign these and no other: a
 * role the table gains is assignable on the next bootstrap run, a forbidden one never.
 */
export const ASSIGNABLE_ROLES: readonly string[] = Object.entries(PRIVILEGE)
    .filter(([, r]) => r.class !== "forbidden")
    .map(([guid]) => guid)
    .sort();

/**
 * What the platform stack's identity may assign: the stacks' roles and RBAC Administrator, which
 * the platform stack gives each team's deployment identity, itself narrowed by a condition
 * (components/teamBoundary.ts). A condition cannot require that the assignment it allows carries a
 * condition of its own (its attributes are the role, the principal and its type: Microsoft's
 * conditions-authorization-actions-attributes), so the platform identity could grant RBAC
 * Administrator without one: it is the estate's most trusted deploying identity, and its
 * environment needs the platform team's approval (docs/bootstrap.md).
 */
export const PLATFORM_ASSIGNABLE_ROLES: readonly string[] = [
    ...ASSIGNABLE_ROLES,
    BOOTSTRAP_ROLES.rbacAdministrator,
].sort();

/** The roles the identity deploying `stacks` may assign and remove. */
export function assignableRoles(stacks: readonly string[]): readonly string[] {
    return stacks.includes(PLATFORM_STACK) ? PLATFORM_ASSIGNABLE_ROLES : ASSIGNABLE_ROLES;
}

/** Logical name of an environment's deployment identity component (bootstrap/index.ts). */
export function deploymentIdentityName(environment: string): string {
    return `deploy-${environment}`;
}

/** Logical name of one Azure grant of a deployment identity (bootstrap/deploymentIdentity.ts). */
export function azureGrantName(
    identity: string,
    grant: Pick<AzureGrant, "role" | "scope">,
): string {
    return `${identity}-${grant.role}-${grant.scope}`;
}

/** The stack that hosts the teams (the delivery contract: Pulumi.platform.yaml). */
export const PLATFORM_STACK = "platform";

/**
 * The ABAC condition of a Role Based Access Control Administrator assignment that lets its holder
 * create and delete role assignments of `write` roles only, and delete those of `remove` roles
 * only (an empty `write` list: no role assignment can be created at all). Format and attributes:
 * learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples
 * ("Constrain roles") and conditions-authorization-actions-attributes; version 2.0.
 */
export function roleAssignmentCondition(
    write: readonly string[],
    remove: readonly string[],
): string {
    const set = (guids: readonly string[]) => `{${guids.join(", ")}}`;
    const writeClause =
        write.length > 0
            ? `(!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${set(write)})`
            : `!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})`;
    return (
        `((${writeClause}) AND ` +
        `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${set(remove)})))`
    );
}

/**
 * Microsoft Graph application permissions (app roles of the Microsoft Graph service principal,
 * client id 00000003-0000-0000-c000-000000000000), ids as Microsoft's Graph permissions reference
 * lists them (learn.microsoft.com/graph/permissions-reference; docs/azure-facts.md).
 */
export const GRAPH_APP_ROLES = {
    "Group.Create": "bf7b1a76-6e77-406b-b258-bf5c7720e98f",
    "Group.Read.All": "5b567255-7703-4780-807c-7be8301ae99b",
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "RoleManagementPolicy.ReadWrite.AzureADGroup": "b38dcc4d-a239-4ed6-aa84-6c65b284f97c",
    "RoleManagementPolicy.Read.AzureADGroup": "69e67828-780e-47fd-b28c-7b27d14864e6",
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup": "618b6020-bca8-4de6-99f6-ef445fa4d857",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup": "edb419d6-7edc-42a3-9345-509bfdf5d87c",
    "Policy.ReadWrite.ConditionalAccess": "01c0a623-fc9b-48e9-b794-0756f8e8f067",
    "Policy.Read.All": "246dd0d5-5bd0-4def-940b-0421030a5b68",
} as const;
export type GraphPermission = keyof typeof GRAPH_APP_ROLES;

/** Microsoft Graph's application (client) id: the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Graph permissions never granted: each reaches far beyond what a stack declares. */
export const GRAPH_NEVER: Readonly<Record<string, string>> = {
    "62a82d76-70ea-41e2-9197-370581804d09":
        "Group.ReadWrite.All (changes the members of every group, admin groups included)",
    "19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Directory.ReadWrite.All",
    "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8":
        "RoleManagement.ReadWrite.Directory (assigns Entra roles, Global Administrator included)",
    "06b708a9-e830-4db3-a914-8e69da51d44f":
        "AppRoleAssignment.ReadWrite.All (grants itself any permission)",
    "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9":
        "Application.ReadWrite.All (adds credentials to any application)",
};

/** Why each Graph permission is granted: the resources of the main program that need it. */
export const GRAPH_JUSTIFICATION: Readonly<Record<GraphPermission, string>> = {
    "Group.Create":
        "azuread.Group: the admin group and the JIT groups (components/adminGroup.ts, jit.ts); the app is their owner, so it updates and deletes them without Group.ReadWrite.All",
    "Group.Read.All":
        "reads groups the stack does not own: preventDuplicateNames looks groups up by display name, a refresh reads each group",
    "Application.Read.All":
        "azuread.getServicePrincipals (components/jit.ts) checks the AKS applications a Conditional Access policy names; Graph needs it to create a group with service principal owners and to write a policy naming applications",
    "RoleManagementPolicy.ReadWrite.AzureADGroup":
        "azuread.GroupRoleManagementPolicy: the activation rules of each JIT group's member role (PIM for Groups)",
    "RoleManagementPolicy.Read.AzureADGroup":
        "reads the PIM for Groups policies (preview, refresh)",
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup":
        "azuread.PrivilegedAccessGroupEligibilitySchedule: who may activate a JIT group (create, and delete on destroy)",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup":
        "reads the PIM for Groups eligibilities (preview, refresh)",
    "Policy.ReadWrite.ConditionalAccess":
        "azuread.ConditionalAccessPolicy: the policy that asks JIT activations for an authentication context (components/jit.ts)",
    "Policy.Read.All":
        "Graph asks for it beside Policy.ReadWrite.ConditionalAccess to create, update and delete Conditional Access policies; reads them on preview",
};

/** What a deployment identity is for. */
export type Profile = "deploy" | "read" | "destroy";

/** One Azure role of an identity: where, and under which condition. */
export interface AzureGrant {
    role: keyof typeof BOOTSTRAP_ROLES;
    scope: "subscription" | "container" | "key";
    condition?: string;
    why: string;
}

/** The Azure grants of an identity of `profile` deploying `stacks` (patterns such as pr-*). */
export function azureGrants(profile: Profile, stacks: readonly string[]): AzureGrant[] {
    const reader: AzureGrant = {
        role: "storageBlobDataReader",
        scope: "container",
        why: "reads the stacks' state (pulumi preview, refresh, stack output)",
    };
    const key: AzureGrant = {
        role: "keyVaultCryptoUser",
        scope: "key",
        why: "encrypts and decrypts the stacks' secrets (azurekeyvault:// secrets provider)",
    };
    const stateWrites = (paths: string[], why: string): AzureGrant => ({
        role: "storageBlobDataContributor",
        scope: "container",
        condition: blobWriteCondition(paths),
        why,
    });
    switch (profile) {
        case "deploy":
            return [
                {
                    role: "contributor",
                    scope: "subscription",
                    why: "creates the stacks' resource groups and everything in them; Contributor can neither assign roles nor remove locks",
                },
                {
                    role: "rbacAdministrator",
                    scope: "subscription",
                    condition: roleAssignmentCondition(
                        assignableRoles(stacks),
                        assignableRoles(stacks),
                    ),
                    why: "assigns and removes only the roles the stacks assign (components/access/privilege.ts), never Owner, Contributor, User Access Administrator or RBAC Administrator",
                },
                reader,
                stateWrites(
                    [".pulumi/meta.yaml", ...stacks.flatMap((s) => statePaths(MAIN_PROJECT, s))],
                    `writes the state of ${stacks.join(", ")} only`,
                ),
                key,
            ];
        case "read":
            return [
                {
                    role: "reader",
                    scope: "subscription",
                    why: "pulumi preview reads every resource of a stack",
                },
                reader,
                stateWrites(
                    [`${lockPrefix(MAIN_PROJECT)}/*`],
                    "takes and releases the stack lock a preview holds on a self-managed backend, nothing else",
                ),
                key,
            ];
        case "destroy":
            return [
                {
                    role: "contributor",
                    scope: "subscription",
                    why: "deletes a pr-* stack's resources (Azure has no delete-only built-in role; the state condition below keeps it to pr-* stacks)",
                },
                {
                    role: "rbacAdministrator",
                    scope: "subscription",
                    condition: roleAssignmentCondition([], ASSIGNABLE_ROLES),
                    why: "deletes the role assignments of pr-* stacks; it can create none",
                },
                reader,
                stateWrites(
                    stacks.flatMap((s) => statePaths(MAIN_PROJECT, s)),
                    `writes the state of ${stacks.join(", ")} only`,
                ),
                key,
            ];
    }
}

/**
 * What of Microsoft Graph an environment's stacks need: `write` creates groups, PIM for Groups
 * policies and eligibilities and Conditional Access policies; `read` reads them (preview with
 * refresh); `none` for pr-* and e2e-* stacks, whose profiles (profiles/preview.yaml, e2e.yaml)
 * create no group, JIT or Conditional Access policy and so never write to Graph
 * (test/bootstrap.test.ts holds them to that).
 */
export type GraphNeed = "write" | "read" | "none";

/** The Graph permissions of a need. */
export function graphPermissions(need: GraphNeed): GraphPermission[] {
    switch (need) {
        case "write":
            return [
                "Group.Create",
                "Group.Read.All",
                "Application.Read.All",
                "RoleManagementPolicy.ReadWrite.AzureADGroup",
                "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
                "Policy.ReadWrite.ConditionalAccess",
                "Policy.Read.All",
            ];
        case "read":
            return [
                "Group.Read.All",
                "Application.Read.All",
                "RoleManagementPolicy.Read.AzureADGroup",
                "PrivilegedEligibilitySchedule.Read.AzureADGroup",
                "Policy.Read.All",
            ];
        case "none":
            return [];
    }
}

/** One GitHub environment and the identity that signs in from it. */
export interface Environment {
    name: string;
    profile: Profile;
    /** The stacks (or patterns) whose state it writes. */
    stacks: string[];
    graph: GraphNeed;
}

/** Every environment of the contract: one per deployed stack, then preview, preview-destroy, plan-read, e2e. */
export function environments(stacks: readonly string[]): Environment[] {
    return [
        ...stacks.map((s) => ({
            name: s,
            profile: "deploy" as const,
            stacks: [s],
            graph: "write" as const,
        })),
        { name: "preview", profile: "deploy", stacks: ["pr-*"], graph: "none" },
        { name: "preview-destroy", profile: "destroy", stacks: ["pr-*"], graph: "none" },
        { name: "plan-read", profile: "read", stacks: [], graph: "read" },
        { name: "e2e", profile: "deploy", stacks: ["e2e-*"], graph: "none" },
    ];
}
