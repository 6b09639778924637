// What the guardrails know about Azure, Entra and AKS. Other facts are restated here on purpose (a
// policy must not inherit a bug from the code it polices; test/policy.test.ts cross-checks them
// against the program's), but roles are the access model's: their GUIDs (components/roles.ts) and
// privilege (components/access/privilege.ts) are one table for the config, the plan, `verify` and
// the pack (issue 29, "One access model").
// Sources: Microsoft's "Azure built-in roles" reference, "Use Azure RBAC for Kubernetes
// authorization", "Workload identity federation" (docs/azure-facts.md lists them).

import { PRIVILEGE, privilegeOf, rolesOfClass } from "../components/access/privilege";
import { ACCESS_ROLE_GUIDS, AKS_ROLES } from "../components/roles";
import { read } from "./read";

/** Hands out the *local* admin kubeconfig (listClusterAdminCredential). */
export const AKS_CLUSTER_ADMIN_ROLE: string = AKS_ROLES.clusterAdminLocal;

/**
 * Roles that control access itself, whole resource trees or the cluster's admin groups: never
 * granted. From the one table of privilege (components/access/privilege.ts, issue 29 item 7), so the
 * pack, the config and the plan can never disagree about which roles are privileged. (The local
 * admin credential role has a rule of its own, role-assignment-no-aks-local-admin.)
 */
export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = Object.fromEntries(
    rolesOfClass("forbidden")
        .filter((guid) => guid !== AKS_CLUSTER_ADMIN_ROLE)
        .map((guid) => [guid, PRIVILEGE[guid].name]),
);

/**
 * Roles whose holder reaches far more than the scope's data (Key Vault Administrator, Virtual
 * Machine Contributor, Storage Account Contributor, ...): refused over a subscription or a
 * resource group, where the plan reports them HIGH. A role the table does not know counts as one.
 */
export const BROADLY_PRIVILEGED_ROLES: Readonly<Record<string, string>> = Object.fromEntries(
    rolesOfClass("privileged").map((guid) => [guid, PRIVILEGE[guid].name]),
);

/** True when the privilege table lists `guid`. */
export const knownRole = (guid: string): boolean => privilegeOf(guid) !== undefined;

/**
 * Identity administration: over a whole subscription or resource group these assign or rewrite
 * every user-assigned identity there, and on one identity they add a federated credential to it or
 * attach it (and so act as it, with all its grants). The one grant the stack makes with them is the
 * control plane's Managed Identity Operator on the kubelet identity, which AKS needs
 * (CLUSTER_IDENTITIES_PARENT).
 */
export const IDENTITY_ADMIN_ROLES: Readonly<Record<string, string>> = Object.fromEntries(
    rolesOfClass("identity-admin").map((guid) => [guid, PRIVILEGE[guid].name]),
);

/** A subscription or resource group (no provider segment): a scope that covers a whole tree. */
export const BROAD_SCOPE = /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i;

/** A user-assigned identity, or anything under it (its federated credentials). */
export const IDENTITY_SCOPE = /\/providers\/Microsoft\.ManagedIdentity\//i;

/** The aks-entra component that grants the control plane Managed Identity Operator on the kubelet. */
export const CLUSTER_IDENTITIES_PARENT = "aks-entra:identities:ClusterIdentities";
/** Managed Identity Operator: the role of that grant. */
export const MANAGED_IDENTITY_OPERATOR: string = AKS_ROLES.managedIdentityOperator;

/** Azure RBAC for Kubernetes authorization: data-plane roles, valid on a cluster or a namespace. */
export const AKS_RBAC_ROLES: Readonly<Record<string, string>> = Object.fromEntries(
    Object.values(ACCESS_ROLE_GUIDS).map((guid) => [guid, PRIVILEGE[guid].name]),
);
export const AKS_RBAC_CLUSTER_ADMIN: string = AKS_ROLES.rbacClusterAdmin;

/** Values Azure accepts for a role assignment's principalType. */
export const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"];

/** The only audience Entra accepts for workload identity federation. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** GitHub Actions' OIDC issuer: the default allowed external issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** Shape of an AKS cluster's OIDC issuer URL, trailing slash included. */
export const AKS_ISSUER_PATTERN =
    "^https://[a-z0-9-]+\\.oic\\.prod-aks\\.azure\\.com/[0-9a-fA-F-]{36}/[0-9a-fA-F-]{36}/$";

/** The workload identity webhook's service-account annotation. */
export const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** `<cluster id>` or `<cluster id>/namespaces/<namespace>`; groups: cluster name, namespace. */
export const AKS_SCOPE =
    /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]+\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)(?:\/namespaces\/([a-z0-9]([-a-z0-9]*[a-z0-9])?))?$/i;

/**
 * The AKS Microsoft Entra server application (the audience of every kubelogin token): the one
 * application a stack's Conditional Access policy may target.
 */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/** Resource type tokens, with or without an explicit API version (`containerservice/v20250101`). */
export const TYPE = {
    cluster: /^azure-native:containerservice(\/v[^:]+)?:ManagedCluster$/,
    agentPool: /^azure-native:containerservice(\/v[^:]+)?:AgentPool$/,
    diagnosticSetting: /^azure-native:(monitor|insights)(\/v[^:]+)?:DiagnosticSetting$/,
    roleAssignment: /^azure-native:authorization(\/v[^:]+)?:RoleAssignment$/,
    identity: /^azure-native:managedidentity(\/v[^:]+)?:UserAssignedIdentity$/,
    fic: /^azure-native:managedidentity(\/v[^:]+)?:FederatedIdentityCredential$/,
    namespace: /^kubernetes:core\/v1:Namespace$/,
    serviceAccount: /^kubernetes:core\/v1:ServiceAccount$/,
    role: /^kubernetes:rbac\.authorization\.k8s\.io\/v1\w*:(Role|ClusterRole)$/,
    binding: /^kubernetes:rbac\.authorization\.k8s\.io\/v1\w*:(RoleBinding|ClusterRoleBinding)$/,
    group: /^azuread:index\/group:Group$/,
    groupMember: /^azuread:index\/groupMember:GroupMember$/,
    /** PIM for Groups: the rules of one role (member or owner) of one group. */
    pimPolicy: /^azuread:index\/groupRoleManagementPolicy:GroupRoleManagementPolicy$/,
    /** PIM for Groups: a principal's eligibility to activate a role of a group. */
    pimEligibility:
        /^azuread:index\/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule$/,
    conditionalAccess: /^azuread:index\/conditionalAccessPolicy:ConditionalAccessPolicy$/,
} as const;

/** The aks-entra component that makes the deployer's cluster-admin grant (deployer.clusterAdmin). */
export const DEPLOYER_GRANT_PARENT = "aks-entra:connection:ClusterConnection";

/** The role GUID at the end of a role definition id, lowercased. */
export function roleGuidOf(roleDefinitionId: string): string {
    const last = roleDefinitionId.split("/").pop() ?? "";
    return last.toLowerCase();
}

/** The role GUID of a role assignment's props; undefined while unknown or absent. */
export function assignedRole(props: Record<string, unknown>): string | undefined {
    const id = read(props, "roleDefinitionId");
    return typeof id === "string" ? roleGuidOf(id) : undefined;
}

/** Display name of a role GUID this pack knows. */
export function roleName(guid: string): string {
    return (
        PRIVILEGED_ROLES[guid] ??
        IDENTITY_ADMIN_ROLES[guid] ??
        AKS_RBAC_ROLES[guid] ??
        (guid === AKS_CLUSTER_ADMIN_ROLE ? "Azure Kubernetes Service Cluster Admin Role" : guid)
    );
}

/** Parent type of a resource, read from its URN (`...$<parent type>$<type>::<name>`). */
export function parentTypeFromUrn(urn: string): string | undefined {
    const qualified = urn.split("::")[2] ?? "";
    const chain = qualified.split("$");
    return chain.length >= 2 ? chain[chain.length - 2] : undefined;
}
