// One table of privilege (issue 29, item 7): every built-in Azure role the stack may grant, with
// how much it allows and why, read by config validation (components/config/references.ts), the
// access model (components/access/), the plan's findings, `verify` (verify/compare.ts) and the
// guardrails pack (policy/azure.ts) alike.
// A role GUID missing here is treated as privileged unless the stack file declares it
// (aks-entra:declaredRoles). Names, GUIDs and what each role allows: Microsoft's "Azure built-in
// roles" reference (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles)
// and, for the AKS roles, https://learn.microsoft.com/azure/aks/manage-azure-rbac. A plain module
// without imports, so the policy pack loads it as it is.

/**
 * How much a grant allows, as the plan's Grant.level: 0 fetches a kubeconfig only, 1 reads,
 * 2 writes, 3 administers (data and who reaches it), 4 is cluster-admin.
 */
export type PrivilegeLevel = 0 | 1 | 2 | 3 | 4;

/**
 * ordinary: scoped to the resources it names. privileged: its holder reaches far more than the
 * scope's data (keys, commands on machines, every secret); the plan reports it, HIGH over a
 * subscription or resource group, where the pack refuses it. identity-admin: its holder signs in
 * as the identities in scope; refused over a subscription, a resource group or an identity.
 * forbidden: never granted.
 */
export type RoleClass = "ordinary" | "privileged" | "identity-admin" | "forbidden";

export interface RolePrivilege {
    name: string;
    level: PrivilegeLevel;
    class: RoleClass;
    /** What a holder can do, in Microsoft's terms, for findings and messages. */
    why: string;
}

const role = (name: string, level: PrivilegeLevel, cls: RoleClass, why: string): RolePrivilege => ({
    name,
    level,
    class: cls,
    why,
});

/** Every built-in role the stack may grant, by lowercase GUID. */
export const PRIVILEGE: Readonly<Record<string, RolePrivilege>> = {
    // AKS: cluster access (the access levels of clusterAccess, namespaces and pipelines).
    "4abbcc35-e782-43d8-92c5-2d3f1bd2253f": role(
        "Azure Kubernetes Service Cluster User Role",
        0,
        "ordinary",
        "fetches the user kubeconfig (listClusterUserCredential), which holds no secret",
    ),
    "7f6c6a51-bcf8-42ba-9220-52d62157d7db": role(
        "Azure Kubernetes Service RBAC Reader",
        1,
        "ordinary",
        "reads most Kubernetes objects in scope, not Secrets, Roles or RoleBindings",
    ),
    "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb": role(
        "Azure Kubernetes Service RBAC Writer",
        2,
        "ordinary",
        "writes most Kubernetes objects in scope and runs pods as any of its service accounts",
    ),
    "3498e952-d568-435e-9b2c-8d77e338d7f7": role(
        "Azure Kubernetes Service RBAC Admin",
        3,
        "ordinary",
        "every Kubernetes action in scope but on ResourceQuotas and Namespaces, RoleBindings included",
    ),
    "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": role(
        "Azure Kubernetes Service RBAC Cluster Admin",
        4,
        "ordinary",
        "every Kubernetes action on every resource",
    ),
    // The control plane's and the kubelet's grants (components/identities.ts).
    "4d97b98b-1d4f-4787-a291-c67834d212e7": role(
        "Network Contributor",
        2,
        "ordinary",
        "manages the networks in scope",
    ),
    "b12aa53e-6015-4669-85d0-8515ebb3ae7f": role(
        "Private DNS Zone Contributor",
        2,
        "ordinary",
        "manages the private DNS zones in scope",
    ),
    "f25e0fa2-a7c8-4377-a976-54943a77a395": role(
        "Key Vault Contributor",
        2,
        "ordinary",
        "manages key vaults, not their data",
    ),
    // Data-plane roles a workload or pipeline may be given by name (components/roles.ts).
    // Reader is also the control plane's grant on your disk encryption set
    // (cluster.diskEncryptionSetId), level 1: AKS reads the set (its key URL and identity) to
    // encrypt node disks; the key itself is used by the set's own identity, not the cluster's.
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": role(
        "Reader",
        1,
        "ordinary",
        "reads every resource in scope, not its data",
    ),
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": role(
        "Storage Blob Data Reader",
        1,
        "ordinary",
        "reads blobs",
    ),
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": role(
        "Storage Blob Data Contributor",
        2,
        "ordinary",
        "reads, writes and deletes blobs",
    ),
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": role(
        "Storage Blob Data Owner",
        3,
        "ordinary",
        "full access to blobs, POSIX access control included",
    ),
    "19e7f393-937e-4f77-808e-94535e297925": role(
        "Storage Queue Data Reader",
        1,
        "ordinary",
        "reads queue messages",
    ),
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": role(
        "Storage Queue Data Contributor",
        2,
        "ordinary",
        "reads, writes and deletes queue messages",
    ),
    "21090545-7ca7-4776-b22c-e363652d74d2": role(
        "Key Vault Reader",
        1,
        "ordinary",
        "reads vault metadata, not secrets",
    ),
    "4633458b-17de-408a-b874-0445c86b69e6": role(
        "Key Vault Secrets User",
        1,
        "ordinary",
        "reads secret contents",
    ),
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": role(
        "Key Vault Secrets Officer",
        2,
        "ordinary",
        "manages secrets",
    ),
    "12338af0-0e69-4776-bea7-57ae8d297424": role(
        "Key Vault Crypto User",
        1,
        "ordinary",
        "uses keys for cryptographic operations",
    ),
    "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba": role(
        "Key Vault Certificate User",
        1,
        "ordinary",
        "reads certificate contents",
    ),
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": role("AcrPull", 1, "ordinary", "pulls images"),
    "8311e382-0749-4cb8-b61a-304f252e45ec": role(
        "AcrPush",
        2,
        "ordinary",
        "pushes and pulls images",
    ),
    "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39": role(
        "Azure Service Bus Data Sender",
        2,
        "ordinary",
        "sends messages",
    ),
    "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0": role(
        "Azure Service Bus Data Receiver",
        2,
        "ordinary",
        "receives (and so removes) messages",
    ),
    "090c5cfd-751d-490a-894a-3ce6f1109419": role(
        "Azure Service Bus Data Owner",
        3,
        "ordinary",
        "full access to Service Bus data",
    ),
    "2b629674-e913-4c01-ae53-ef4638d8f975": role(
        "Azure Event Hubs Data Sender",
        2,
        "ordinary",
        "sends events",
    ),
    "a638d3c7-ab3a-418d-83e6-5f17a39d4fde": role(
        "Azure Event Hubs Data Receiver",
        2,
        "ordinary",
        "receives events",
    ),
    "516239f1-63e1-4d78-a4de-a74fb236a071": role(
        "App Configuration Data Reader",
        1,
        "ordinary",
        "reads configuration",
    ),
    "3913510d-42f4-4e42-8a64-420c390055eb": role(
        "Monitoring Metrics Publisher",
        2,
        "ordinary",
        "publishes metrics",
    ),
    "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd": role(
        "Cognitive Services OpenAI User",
        1,
        "ordinary",
        "calls the models",
    ),
    // Privileged: named and reported wherever they are granted.
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": role(
        "Key Vault Administrator",
        3,
        "privileged",
        "reads and changes every secret, key and certificate in the vaults in scope",
    ),
    "9980e02c-c2be-4d73-94e8-173b1dc7cf3c": role(
        "Virtual Machine Contributor",
        3,
        "privileged",
        "runs commands on the virtual machines in scope and attaches identities to them",
    ),
    "17d1049b-9a84-46fb-8f53-869881c3d3ab": role(
        "Storage Account Contributor",
        3,
        "privileged",
        "lists the account keys of the storage accounts in scope: full access to their data",
    ),
    "81a9662b-bebf-436f-a333-f67b29880f12": role(
        "Storage Account Key Operator Service Role",
        3,
        "privileged",
        "lists and regenerates the account keys of the storage accounts in scope: full access to their data",
    ),
    // Identity administration (components/config/references.ts, policy/roleAssignments.ts).
    "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59": role(
        "Managed Identity Contributor",
        3,
        "identity-admin",
        "creates, rewrites and adds federated credentials to every user-assigned identity in scope, and so signs in as them",
    ),
    "f1a07417-d97a-45cb-824c-7a7467783830": role(
        "Managed Identity Operator",
        3,
        "identity-admin",
        "assigns every user-assigned identity in scope to compute it controls, and so acts as them",
    ),
    // Never granted: control of access itself, whole resource trees, local cluster credentials.
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": role(
        "Owner",
        3,
        "forbidden",
        "manages every resource and who has access to it",
    ),
    "b24988ac-6180-42a0-ab88-20f7382dd24c": role(
        "Contributor",
        3,
        "forbidden",
        "manages every resource in scope",
    ),
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": role(
        "User Access Administrator",
        3,
        "forbidden",
        "grants any role to anyone in scope",
    ),
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": role(
        "Role Based Access Control Administrator",
        3,
        "forbidden",
        "grants roles to anyone in scope",
    ),
    "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8": role(
        "Azure Kubernetes Service Cluster Admin Role",
        4,
        "forbidden",
        "fetches the local admin kubeconfig (listClusterAdminCredential)",
    ),
    // managedClusters/write can rewrite aadProfile.adminGroupObjectIDs: cluster-admin by another door.
    "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8": role(
        "Azure Kubernetes Service Contributor Role",
        3,
        "forbidden",
        "rewrites the cluster, its admin groups included",
    ),
    // roleAssignments/write on vaults: hands out Key Vault access.
    "8b54135c-b56d-4d72-a534-26097cfdc8d8": role(
        "Key Vault Data Access Administrator",
        3,
        "forbidden",
        "grants Key Vault data roles to anyone",
    ),
};

/** What the stack assumes of a role GUID it does not know and the stack file does not declare. */
export const UNKNOWN_ROLE: Omit<RolePrivilege, "name"> = {
    level: 3,
    class: "privileged",
    why: "is a role aks-entra does not know: it may allow anything (Storage Account Key Operator lists keys, Contributor manages everything), so it is treated as privileged",
};

/** Access a stack file declares for a role the table does not list (aks-entra:declaredRoles). */
export const DECLARED_ACCESS = ["read", "write", "admin"] as const;
export type DeclaredAccess = (typeof DECLARED_ACCESS)[number];
export const DECLARED_LEVEL: Readonly<Record<DeclaredAccess, PrivilegeLevel>> = {
    read: 1,
    write: 2,
    admin: 3,
};

/** The table's entry for a GUID (any case), or undefined when the stack does not know it. */
export function privilegeOf(guid: string): RolePrivilege | undefined {
    const key = guid.toLowerCase();
    return Object.hasOwn(PRIVILEGE, key) ? PRIVILEGE[key] : undefined;
}

/** The GUIDs of one class, lowercase. */
export function rolesOfClass(cls: RoleClass): string[] {
    return Object.entries(PRIVILEGE)
        .filter(([, r]) => r.class === cls)
        .map(([guid]) => guid);
}

/**
 * How much a role allows (the plan's Grant.level): the table's level; a role it does not know is
 * privileged (level 3) until the stack file declares it.
 */
export function roleLevel(guid: string): PrivilegeLevel {
    return privilegeOf(guid)?.level ?? UNKNOWN_ROLE.level;
}

/**
 * True when a holder of the role reaches more than ordinary data access: the table's privileged,
 * identity-admin and forbidden classes, anything at level 3 or above, and any role the table does
 * not know (fail closed).
 */
export function isPrivilegedRole(guid: string): boolean {
    const r = privilegeOf(guid);
    return r === undefined || r.class !== "ordinary" || r.level >= 3;
}
