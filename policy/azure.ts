// What the guardrails know about Azure, Entra and AKS, restated here on purpose: a policy must not
// inherit a bug from the code it polices. test/policy.test.ts cross-checks these values against
// components/roles.ts so the two never drift apart silently.
// Sources: Microsoft's "Azure built-in roles" reference, "Use Azure RBAC for Kubernetes
// authorization", "Workload identity federation" (docs/azure-facts.md lists them).

/** Roles that control access itself, whole resource trees or the cluster's admin groups: never granted. */
export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
    // managedClusters/write: can rewrite the cluster's admin groups.
    "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8": "Azure Kubernetes Service Contributor Role",
    // roleAssignments/write on Key Vault.
    "8b54135c-b56d-4d72-a534-26097cfdc8d8": "Key Vault Data Access Administrator",
};

/**
 * Identity administration: over a whole subscription or resource group these assign or rewrite
 * every user-assigned identity there, and on one identity they add a federated credential to it or
 * attach it (and so act as it, with all its grants). The one grant the stack makes with them is the
 * control plane's Managed Identity Operator on the kubelet identity, which AKS needs
 * (CLUSTER_IDENTITIES_PARENT).
 */
export const IDENTITY_ADMIN_ROLES: Readonly<Record<string, string>> = {
    "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59": "Managed Identity Contributor",
    "f1a07417-d97a-45cb-824c-7a7467783830": "Managed Identity Operator",
};

/** A subscription or resource group (no provider segment): a scope that covers a whole tree. */
export const BROAD_SCOPE = /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i;

/** A user-assigned identity, or anything under it (its federated credentials). */
export const IDENTITY_SCOPE = /\/providers\/Microsoft\.ManagedIdentity\//i;

/** The aks-entra component that grants the control plane Managed Identity Operator on the kubelet. */
export const CLUSTER_IDENTITIES_PARENT = "aks-entra:identities:ClusterIdentities";
/** Managed Identity Operator: the role of that grant. */
export const MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830";

/** Hands out the *local* admin kubeconfig (listClusterAdminCredential). */
export const AKS_CLUSTER_ADMIN_ROLE = "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8";

/** Azure RBAC for Kubernetes authorization: data-plane roles, valid on a cluster or a namespace. */
export const AKS_RBAC_ROLES: Readonly<Record<string, string>> = {
    "7f6c6a51-bcf8-42ba-9220-52d62157d7db": "Azure Kubernetes Service RBAC Reader",
    "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb": "Azure Kubernetes Service RBAC Writer",
    "3498e952-d568-435e-9b2c-8d77e338d7f7": "Azure Kubernetes Service RBAC Admin",
    "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": "Azure Kubernetes Service RBAC Cluster Admin",
};
export const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";

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
