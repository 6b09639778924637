// Azure built-in role definitions and deterministic role-assignment names.
// Pure module: no Pulumi resources, so tests use it without mocks.
// GUIDs: docs/azure-facts.md ("Built-in Azure role definition GUIDs") and Microsoft's
// "Azure built-in roles" reference; each one is pinned by test/units.test.ts.
import { v5 as uuidv5 } from "uuid";
import { PRIVILEGE, rolesOfClass } from "./access/privilege";

/** The AKS-specific roles this project assigns itself. */
export const AKS_ROLES = {
    clusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    clusterAdminLocal: "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
    rbacReader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
    rbacWriter: "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
    rbacAdmin: "3498e952-d568-435e-9b2c-8d77e338d7f7",
    rbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    managedIdentityOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
    aksContributor: "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
    /** Control plane on your own subnet and route table, before the cluster. */
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    /** Control plane on your own private DNS zone, before the cluster. */
    privateDnsZoneContributor: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
    /** Control plane on your KMS key, before the cluster. */
    keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
    /**
     * Control plane on a private KMS key vault, before the cluster: AKS makes the private link to
     * the vault with it (learn.microsoft.com/azure/aks/use-kms-etcd-encryption).
     */
    keyVaultContributor: "f25e0fa2-a7c8-4377-a976-54943a77a395",
    /**
     * Control plane on your disk encryption set, before the cluster: AKS reads the set it encrypts
     * node disks with (learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys).
     */
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    /** Kubelet identity on a container registry: nodes pull images as the kubelet. */
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
} as const;

/** Access levels a group or pipeline can be given on the cluster or in a namespace. */
export const ACCESS_ROLES = ["reader", "writer", "admin", "cluster-admin"] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];
export const NAMESPACE_ACCESS_ROLES = ["reader", "writer", "admin"] as const;
export type NamespaceAccessRole = (typeof NAMESPACE_ACCESS_ROLES)[number];

/**
 * What writer and admin amount to on the whole cluster (issue 29, item 1), from Microsoft's role
 * descriptions (docs/azure-facts.md): refused there unless a JIT activation needs approval or the
 * entry names a clusterWideException, which the plan reports HIGH.
 */
export const CLUSTER_WIDE_EFFECT: Readonly<Record<"writer" | "admin", string>> = {
    admin: "Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin",
    writer: "Azure Kubernetes Service RBAC Writer on the whole cluster reaches every namespace's service accounts, kube-system's included: it runs pods as any service account in its scope and so gets their API access and their Azure roles",
};

/** Access level -> AKS RBAC role GUID (Azure RBAC for Kubernetes authorization). */
export const ACCESS_ROLE_GUIDS: Record<AccessRole, string> = {
    reader: AKS_ROLES.rbacReader,
    writer: AKS_ROLES.rbacWriter,
    admin: AKS_ROLES.rbacAdmin,
    "cluster-admin": AKS_ROLES.rbacClusterAdmin,
};

/**
 * Built-in roles a workload or pipeline identity may be given by name. A role given by GUID is one
 * of the privilege table (components/access/privilege.ts) or one the stack file declares
 * (aks-entra:declaredRoles). Names are matched case-insensitively.
 */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
    Reader: AKS_ROLES.reader,
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Queue Data Reader": "19e7f393-937e-4f77-808e-94535e297925",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Crypto User": AKS_ROLES.keyVaultCryptoUser,
    "Key Vault Certificate User": "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    AcrPull: AKS_ROLES.acrPull,
    AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
    "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    "Azure Service Bus Data Owner": "090c5cfd-751d-490a-894a-3ce6f1109419",
    "Azure Event Hubs Data Sender": "2b629674-e913-4c01-ae53-ef4638d8f975",
    "Azure Event Hubs Data Receiver": "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
    "App Configuration Data Reader": "516239f1-63e1-4d78-a4de-a74fb236a071",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
    "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Azure Kubernetes Service Cluster User Role": AKS_ROLES.clusterUser,
    "Azure Kubernetes Service RBAC Reader": AKS_ROLES.rbacReader,
    "Azure Kubernetes Service RBAC Writer": AKS_ROLES.rbacWriter,
    "Azure Kubernetes Service RBAC Admin": AKS_ROLES.rbacAdmin,
    "Azure Kubernetes Service RBAC Cluster Admin": AKS_ROLES.rbacClusterAdmin,
};

/**
 * AKS roles that open the cluster: given to groups and pipelines through clusterAccess and
 * namespace access (with Cluster User Role beside them), never as a workload's Azure role.
 */
export const AKS_DATA_PLANE_ROLES: readonly string[] = [
    AKS_ROLES.clusterUser,
    AKS_ROLES.rbacReader,
    AKS_ROLES.rbacWriter,
    AKS_ROLES.rbacAdmin,
    AKS_ROLES.rbacClusterAdmin,
];

/**
 * Roles this stack never grants: they hand out control of access itself or of whole resource
 * trees (Owner, Contributor, User Access Administrator, RBAC Administrator), or local cluster
 * credentials that are useless and unwanted with local accounts off (docs/azure-facts.md). The
 * `forbidden` class of the privilege table (components/access/privilege.ts).
 */
export const FORBIDDEN_ROLES: Readonly<Record<string, string>> = Object.fromEntries(
    rolesOfClass("forbidden").map((guid) => [guid, PRIVILEGE[guid].name]),
);

/** Why a role is privileged, and where: `broad` roles are privileged at subscription or resource-group scope only. */
export interface PrivilegedRole {
    name: string;
    /** What a holder can do that makes the role privileged, for findings. */
    why: string;
    /** True: identity administration, privileged over a subscription, a resource group or an identity. */
    broadScopeOnly?: boolean;
}

/**
 * Every role of the privilege table (components/access/privilege.ts) that is not ordinary, by GUID, so a
 * role given by GUID is named and explained. Managed Identity Operator and Contributor are identity
 * administration: over a resource group, a subscription or an identity they let a holder assign or
 * rewrite the user-assigned identities there (and so act as them, with all their grants); the
 * control plane's Operator over the kubelet identity is what AKS needs.
 */
export const PRIVILEGED_ROLES: Readonly<Record<string, PrivilegedRole>> = Object.fromEntries(
    Object.entries(PRIVILEGE)
        .filter(([, r]) => r.class !== "ordinary")
        .map(([guid, r]) => [
            guid,
            r.class === "identity-admin"
                ? { name: r.name, why: r.why, broadScopeOnly: true }
                : { name: r.name, why: r.why },
        ]),
);

/**
 * Identity administration (the table's identity-admin class): whoever holds one over a
 * subscription, a resource group or an identity can add federated credentials to (Contributor) or
 * attach (Operator) every user-assigned identity there, and so sign in as the pipelines, the
 * workloads and the deployer. Config never grants them there (components/config/references.ts).
 */
export const IDENTITY_ADMIN_ROLES: readonly string[] = rolesOfClass("identity-admin");

/** True when `scope` holds user-assigned identities: a subscription, a resource group, or one of them. */
export function holdsIdentities(scope: string): boolean {
    return (
        /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i.test(scope) ||
        /\/providers\/Microsoft\.ManagedIdentity\//i.test(scope)
    );
}

/** Every role GUID the privilege table names, for display: GUID -> role name. */
export const ROLE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
    Object.entries(PRIVILEGE).map(([guid, r]) => [guid, r.name]),
);

export const GUID_PATTERN =
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Resolves a role given by built-in name (case-insensitive) or GUID; undefined when unknown. */
export function resolveRole(role: string): string | undefined {
    if (GUID_PATTERN.test(role)) {
        return role.toLowerCase();
    }
    const wanted = role.trim().toLowerCase();
    const hit = Object.entries(BUILT_IN_ROLES).find(([name]) => name.toLowerCase() === wanted);
    return hit?.[1];
}

/**
 * The full role definition id. Built-in roles exist in every subscription; the id uses the
 * subscription of the scope being granted so cross-subscription grants resolve there.
 */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The subscription id an ARM scope lives in, or undefined for a scope above subscriptions. */
export function subscriptionOfScope(scope: string): string | undefined {
    return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
}

/** Namespace scope for the AKS RBAC roles: `<clusterResourceId>/namespaces/<namespace>`. */
export function namespaceScope(clusterId: string, namespace: string): string {
    return `${clusterId}/namespaces/${namespace}`;
}

// Fixed namespace for role-assignment names, so the same (scope, role, principal) always gives the
// same GUID: re-runs and re-creates never duplicate an assignment (RoleAssignmentExists).
const ASSIGNMENT_NAMESPACE = "8f0f4d1e-6a3c-5b7e-9c2d-1a4b6e8f0c3d";

/** Deterministic role-assignment name (a GUID) derived from scope, role and principal. */
export function roleAssignmentName(scope: string, roleGuid: string, principalId: string): string {
    return uuidv5(
        `${scope.toLowerCase()}|${roleGuid.toLowerCase()}|${principalId.toLowerCase()}`,
        ASSIGNMENT_NAMESPACE,
    );
}
