// What a team's deployment identity may do, and what a team stack may declare (docs/team-stacks.md).
// Pure module: the role GUIDs, the ABAC conditions that limit the team's role-assignment writes,
// the platform outputs a team stack reads, and the checks of a team stack's config against them.
import { ConfigError, NAMESPACE, type StackConfig } from "./config";
import { show } from "./config/messages";
import { AKS_ROLES, BUILT_IN_ROLES, namespaceScope } from "./roles";

/** Role Based Access Control Administrator: role-assignment writes only, constrained by a condition. */
export const RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
/** Managed Identity Contributor: creates the team's workload and pipeline identities in its group. */
export const MANAGED_IDENTITY_CONTRIBUTOR = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59";

/**
 * Data-plane roles a team stack may give its identities on resources in the team's resource group:
 * read, send, receive and write data; no role that grants access or owns the data plane (Storage
 * Blob Data Owner, Key Vault Secrets Officer, Service Bus Data Owner, Reader's wider cousins).
 */
export const TEAM_DATA_ROLES: readonly string[] = [
    "Storage Blob Data Reader",
    "Storage Blob Data Contributor",
    "Storage Queue Data Reader",
    "Storage Queue Data Contributor",
    "Key Vault Reader",
    "Key Vault Secrets User",
    "Key Vault Crypto User",
    "Key Vault Certificate User",
    "AcrPull",
    "AcrPush",
    "Azure Service Bus Data Sender",
    "Azure Service Bus Data Receiver",
    "Azure Event Hubs Data Sender",
    "Azure Event Hubs Data Receiver",
];
const TEAM_DATA_ROLE_GUIDS = TEAM_DATA_ROLES.map((r) => BUILT_IN_ROLES[r]);

/** AKS RBAC roles a team stack assigns in its namespaces (namespace access, JIT groups). */
export const TEAM_NAMESPACE_ROLE_GUIDS: readonly string[] = [
    AKS_ROLES.rbacReader,
    AKS_ROLES.rbacWriter,
    AKS_ROLES.rbacAdmin,
];

/** Principal types a team may assign roles to: its identities and groups, never a user. */
export const TEAM_PRINCIPAL_TYPES = ["ServicePrincipal", "Group"] as const;

/**
 * The condition on a Role Based Access Control Administrator assignment that limits both writing
 * and deleting role assignments to `roles` and TEAM_PRINCIPAL_TYPES: Microsoft's "Constrain roles
 * and principal types" example (learn.microsoft.com/azure/role-based-access-control/
 * delegate-role-assignments-examples). A write is checked on the request (@Request), a delete on
 * the existing assignment (@Resource); every other action of the role is left alone.
 */
export function delegationCondition(roles: readonly string[]): string {
    const guids = roles.join(", ");
    const types = TEAM_PRINCIPAL_TYPES.map((t) => `'${t}'`).join(", ");
    const limit = (source: "Request" | "Resource") =>
        `@${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}} AND ` +
        `@${source}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {${types}}`;
    return (
        `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (${limit("Request")})) AND ` +
        `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (${limit("Resource")}))`
    );
}

/** One right of a team's deployment identity. */
export interface TeamRight {
    /** Logical suffix of the assignment. */
    key: string;
    scope: string;
    roleGuid: string;
    /** The ABAC condition (version 2.0), for role-assignment rights. */
    condition?: string;
    why: string;
}

/**
 * Every right of a team's deployment identity, and nothing else: on its resource group, Managed
 * Identity Contributor and role-assignment writes for TEAM_DATA_ROLES; in each of its namespaces,
 * AKS RBAC Admin and role-assignment writes for the AKS RBAC Reader, Writer and Admin roles; on the
 * cluster, Cluster User Role (a kubeconfig, no Kubernetes right) and role-assignment writes for
 * Cluster User Role only, so its groups and pipelines can fetch one too.
 */
export function teamRights(
    resourceGroupId: string,
    clusterId: string,
    namespaces: readonly string[],
): TeamRight[] {
    return [
        {
            key: "rg-identities",
            scope: resourceGroupId,
            roleGuid: MANAGED_IDENTITY_CONTRIBUTOR,
            why: "the team stack creates its workload and pipeline identities in the team's resource group",
        },
        {
            key: "rg-grants",
            scope: resourceGroupId,
            roleGuid: RBAC_ADMINISTRATOR,
            condition: delegationCondition(TEAM_DATA_ROLE_GUIDS),
            why: "the team stack grants its identities data-plane roles on the team's resources",
        },
        ...namespaces.flatMap((ns) => [
            {
                key: `ns-${ns}-admin`,
                scope: namespaceScope(clusterId, ns),
                roleGuid: AKS_ROLES.rbacAdmin,
                why: `the team stack creates service accounts, Roles and RoleBindings in namespace ${ns}`,
            },
            {
                key: `ns-${ns}-grants`,
                scope: namespaceScope(clusterId, ns),
                roleGuid: RBAC_ADMINISTRATOR,
                condition: delegationCondition(TEAM_NAMESPACE_ROLE_GUIDS),
                why: `the team stack grants its groups, pipelines and JIT groups access to namespace ${ns}`,
            },
        ]),
        {
            key: "cluster-user",
            scope: clusterId,
            roleGuid: AKS_ROLES.clusterUser,
            why: "the team stack fetches the cluster's user kubeconfig (no Kubernetes right)",
        },
        {
            key: "cluster-kubeconfig-grants",
            scope: clusterId,
            roleGuid: RBAC_ADMINISTRATOR,
            condition: delegationCondition([AKS_ROLES.clusterUser]),
            why: "the team stack lets its groups and pipelines fetch the user kubeconfig",
        },
    ];
}

/** What a platform stack exports of one team (output `teams.<team>`). */
export interface TeamOutput {
    clientId: string;
    principalId: string;
    resourceGroupName: string;
    resourceGroupId: string;
    namespaces: string[];
    /** Object ids of the team's groups: the platform grants them Cluster User Role. */
    groups: string[];
    /** The team stack's name in the platform's project: `team-<team>`. */
    stack: string;
}

/** What a team stack reads of its platform stack, before it declares anything. */
export interface PlatformView {
    stack: string;
    clusterId: string;
    clusterName: string;
    resourceGroupName: string;
    oidcIssuerUrl: string;
    tenantId: string;
    subscriptionId: string;
    team: TeamOutput;
}

/** The platform outputs a team stack needs: `keys` of the stack, `teams.<team>` of it. */
export const PLATFORM_OUTPUTS = [
    "clusterId",
    "clusterName",
    "resourceGroupName",
    "oidcIssuerUrl",
    "tenantId",
    "subscriptionId",
    "teams",
] as const;

/**
 * The platform's view from its outputs, or a ConfigError saying what is missing: a platform stack
 * that has not run since it declared the team, or a team it does not declare.
 */
export function platformView(
    config: StackConfig,
    outputs: Readonly<Record<string, unknown>>,
): PlatformView {
    const ref = config.platform!;
    const at = `${NAMESPACE}:platform`;
    const missing = PLATFORM_OUTPUTS.filter(
        (k) => typeof outputs[k] !== (k === "teams" ? "object" : "string") || outputs[k] === null,
    );
    if (missing.length > 0) {
        throw new ConfigError([
            `${at}.stack ${show(ref.stack)} has no output ${missing.join(", ")}: it is not an aks-entra platform stack, or it has not been deployed since it declared its teams; run pulumi up on it first (docs/team-stacks.md)`,
        ]);
    }
    const teams = outputs.teams as Record<string, TeamOutput | undefined>;
    const team = Object.hasOwn(teams, ref.team) ? teams[ref.team] : undefined;
    if (team === undefined) {
        const known = Object.keys(teams).sort();
        throw new ConfigError([
            `${at}.team ${show(ref.team)} is not a team of stack ${ref.stack} (its teams: ${known.length > 0 ? known.join(", ") : "none"}); add it to the platform's ${NAMESPACE}:teams and run pulumi up on the platform first`,
        ]);
    }
    const s = (k: (typeof PLATFORM_OUTPUTS)[number]) => outputs[k] as string;
    return {
        stack: ref.stack,
        clusterId: s("clusterId"),
        clusterName: s("clusterName"),
        resourceGroupName: s("resourceGroupName"),
        oidcIssuerUrl: s("oidcIssuerUrl"),
        tenantId: s("tenantId"),
        subscriptionId: s("subscriptionId"),
        team,
    };
}

/**
 * What a team stack declares outside its team's boundary: a namespace the team does not own, a JIT
 * entry in one, and an Azure grant outside the team's resource group or of a role the team's
 * identity cannot assign. Each a whole message line; empty when the config stays inside.
 */
export function teamStackProblems(config: StackConfig, platform: PlatformView): string[] {
    const { team } = platform;
    const name = config.platform!.team;
    const owned = new Set(team.namespaces);
    const ownedList = team.namespaces.join(", ");
    const outside = (at: string, ns: string) =>
        `${at} ${show(ns)} is not a namespace of team ${name} on stack ${platform.stack} (its namespaces: ${ownedList}); a team stack configures only its own namespaces: add it to ${NAMESPACE}:teams.${name}.namespaces of the platform stack first`;
    const problems: string[] = [];
    const rg = team.resourceGroupId.toLowerCase();
    const grants = (at: string, list: StackConfig["pipelines"][number]["azureRoleAssignments"]) =>
        list.forEach((g, k) => {
            const scope = g.scope.toLowerCase();
            if (scope !== rg && !scope.startsWith(`${rg}/`)) {
                problems.push(
                    `${at}[${k}].scope ${show(g.scope)} is outside the resource group of team ${name}, ${team.resourceGroupId}; a team's deployment identity can grant roles only on resources in it`,
                );
            }
            if (!TEAM_DATA_ROLE_GUIDS.includes(g.roleGuid)) {
                problems.push(
                    `${at}[${k}].role ${show(g.role)} is not a role a team's deployment identity may assign; allowed: ${TEAM_DATA_ROLES.join(", ")}`,
                );
            }
        });
    config.namespaces.forEach((ns, i) => {
        const at = `${NAMESPACE}:namespaces[${i}]`;
        if (!owned.has(ns.name)) problems.push(outside(`${at}.name`, ns.name));
        ns.workloads.forEach((w, j) =>
            grants(`${at}.workloads[${j}].azureRoleAssignments`, w.azureRoleAssignments),
        );
    });
    config.pipelines.forEach((pl, i) =>
        grants(`${NAMESPACE}:pipelines[${i}].azureRoleAssignments`, pl.azureRoleAssignments),
    );
    config.jit.forEach((j, i) => {
        if (j.namespace !== undefined && !owned.has(j.namespace)) {
            problems.push(outside(`${NAMESPACE}:jit[${i}].namespace`, j.namespace));
        }
    });
    return problems;
}

/** The platform's view for a team stack, or a ConfigError with every problem of its config. */
export function checkedPlatformView(
    config: StackConfig,
    outputs: Readonly<Record<string, unknown>>,
): PlatformView {
    const view = platformView(config, outputs);
    const problems = teamStackProblems(config, view);
    if (problems.length > 0) throw new ConfigError(problems);
    return view;
}

/** Component type of a platform's team (components/teams.ts): the parent of its rights. */
export const TEAM_BOUNDARY_TYPE = "aks-entra:teams:TeamBoundary";

const RESOURCE_GROUP_ID = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]+$/i;
const TEAM_ASSIGNABLE = new Set([
    ...TEAM_DATA_ROLE_GUIDS,
    ...TEAM_NAMESPACE_ROLE_GUIDS,
    AKS_ROLES.clusterUser,
]);

/**
 * Whether a privileged grant is one of a team's rights as teamRights makes them: Managed Identity
 * Contributor on a resource group (the team's own, which holds only the team's identities), or Role
 * Based Access Control Administrator with exactly delegationCondition (version 2.0) over roles a
 * team may assign. The guardrails pack and the plan accept these under a TeamBoundary and nothing
 * else; a condition edited by hand, or naming one privileged role, is refused as before.
 */
export function isTeamRight(
    roleGuid: string,
    scope: string,
    condition: unknown,
    conditionVersion: unknown,
): boolean {
    if (roleGuid === MANAGED_IDENTITY_CONTRIBUTOR) return RESOURCE_GROUP_ID.test(scope);
    if (roleGuid !== RBAC_ADMINISTRATOR || typeof condition !== "string") return false;
    const set = /GuidEquals \{([^}]*)\}/.exec(condition)?.[1];
    const roles = set?.split(", ") ?? [];
    return (
        conditionVersion === "2.0" &&
        roles.length > 0 &&
        roles.every((r) => TEAM_ASSIGNABLE.has(r)) &&
        condition === delegationCondition(roles)
    );
}
