// Guardrails of the bootstrap project (bootstrap/): the state backend takes Entra ID tokens only,
// keeps what is deleted and is locked; the secrets vault authorizes with Azure RBAC and cannot be
// purged early; deployment identities hold Contributor and a role-assignment right only in the
// bootstrap's own shape (RBAC Administrator with a condition to the roles the stacks assign), and
// no Graph permission that reaches beyond what the stacks declare. Restated here on purpose, as
// policy/azure.ts explains, but for the privilege of roles (components/access/privilege.ts).
// Sources: docs/azure-facts.md ("Bootstrap").
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    azureGrantName,
    BOOTSTRAP_ROLES,
    deploymentIdentityName,
    PLATFORM_STACK,
} from "../bootstrap/access";
import { PRIVILEGE, rolesOfClass } from "../components/access/privilege";
import { assignedRole, parentTypeFromUrn, TYPE } from "./azure";
import { onType } from "./cluster";
import { isUnknown, read, show, str } from "./read";

/** The bootstrap's Pulumi project (bootstrap/Pulumi.yaml). */
export const BOOTSTRAP_PROJECT = "aks-entra-bootstrap";
/** The bootstrap component whose role assignments these rules govern. */
export const DEPLOYMENT_IDENTITY_PARENT = "aks-entra:bootstrap:DeploymentIdentity";

const CONTRIBUTOR = BOOTSTRAP_ROLES.contributor;
const RBAC_ADMINISTRATOR = BOOTSTRAP_ROLES.rbacAdministrator;

/** The project of a URN (`urn:pulumi:<stack>::<project>::...`). */
export function projectOfUrn(urn: string): string {
    return urn.split("::")[1] ?? "";
}

/**
 * True for the bootstrap's deployment grants of Contributor and RBAC Administrator: the one place
 * aks-entra grants them, governed by bootstrap-deployment-grants instead of
 * role-assignment-no-privileged-roles.
 */
export function isBootstrapDeploymentGrant(urn: string, guid: string | undefined): boolean {
    return (
        projectOfUrn(urn) === BOOTSTRAP_PROJECT &&
        parentTypeFromUrn(urn) === DEPLOYMENT_IDENTITY_PARENT &&
        (guid === CONTRIBUTOR || guid === RBAC_ADMINISTRATOR)
    );
}

/** The platform identity's RBAC Administrator grant (bootstrap/index.ts, deploymentIdentity.ts). */
const PLATFORM_GRANT = azureGrantName(deploymentIdentityName(PLATFORM_STACK), {
    role: "rbacAdministrator",
    scope: "subscription",
});

const WRITE = "Microsoft.Authorization/roleAssignments/write";
const DELETE = "Microsoft.Authorization/roleAssignments/delete";
const SUBSCRIPTION = /^\/subscriptions\/[0-9a-fA-F-]{36}$/;

/**
 * What an RBAC Administrator condition allows, or why it is not one this pack can vouch for: the
 * role definition ids it lets its holder assign (write) and remove (delete). Both actions must be
 * constrained; writes may be denied outright.
 */
export function conditionRoles(
    condition: string,
): { write: string[]; remove: string[] } | { problem: string } {
    const set = (source: "Request" | "Resource") => {
        const m = new RegExp(
            `@${source}\\[Microsoft\\.Authorization/roleAssignments:RoleDefinitionId\\] ForAnyOfAnyValues:GuidEquals \\{([^}]*)\\}`,
        ).exec(condition);
        return m ? m[1].split(",").map((g) => g.trim().toLowerCase()) : undefined;
    };
    if (!condition.includes(`ActionMatches{'${DELETE}'}`)) {
        return { problem: `it does not constrain ${DELETE}` };
    }
    const remove = set("Resource");
    if (!remove) return { problem: "it does not limit the role definition ids of deletes" };
    const write = set("Request");
    if (!write) {
        const denied = new RegExp(
            `^\\(\\(!\\(ActionMatches\\{'${WRITE.replace(/\//g, "\\/")}'\\}\\)\\) AND `,
        ).test(condition);
        return denied ? { write: [], remove } : { problem: `it does not constrain ${WRITE}` };
    }
    return { write, remove };
}

export const deploymentGrants: ResourceValidationPolicy = {
    name: "bootstrap-deployment-grants",
    description:
        "A deployment identity of the bootstrap holds Contributor on the subscription only without a condition it does not need, and Role Based Access Control Administrator only with a condition (version 2.0) that limits the roles it assigns and removes to roles the stacks may grant (components/access/privilege.ts, never a forbidden one).",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.roleAssignment, (props, args, report) => {
        const guid = assignedRole(props);
        if (!isBootstrapDeploymentGrant(args.urn, guid)) return;
        const scope = read(props, "scope");
        if (!isUnknown(scope) && !SUBSCRIPTION.test(str(scope) ?? "")) {
            report(
                `scope ${show(scope)}: the bootstrap grants ${PRIVILEGE[guid!].name} on a subscription only`,
            );
        }
        if (guid === CONTRIBUTOR) return;
        const condition = read(props, "condition");
        if (isUnknown(condition)) return;
        if (typeof condition !== "string" || condition === "") {
            report(
                "Role Based Access Control Administrator without a condition grants every role, Owner included, to anyone: limit it to the roles the stacks assign",
            );
            return;
        }
        if (read(props, "conditionVersion") !== "2.0") {
            report(`conditionVersion ${show(read(props, "conditionVersion"))} is not "2.0"`);
        }
        const roles = conditionRoles(condition);
        if ("problem" in roles) {
            report(`the condition does not limit the roles it assigns: ${roles.problem}`);
            return;
        }
        const forbidden = new Set(rolesOfClass("forbidden"));
        // The platform stack's identity also assigns RBAC Administrator (narrowed by its own
        // condition) to each team's deployment identity (bootstrap/access.ts
        // PLATFORM_ASSIGNABLE_ROLES); no other identity may.
        if (args.urn.endsWith(`::${PLATFORM_GRANT}`)) forbidden.delete(RBAC_ADMINISTRATOR);
        const known = new Set(Object.keys(PRIVILEGE));
        const bad = [...new Set([...roles.write, ...roles.remove])].filter(
            (g) => forbidden.has(g) || !known.has(g),
        );
        if (bad.length > 0) {
            report(
                `the condition lets it assign or remove ${bad.map((g) => (PRIVILEGE[g] ? `${PRIVILEGE[g].name} (${g})` : `${g}, a role aks-entra does not know`)).join(", ")}; allow only roles the stacks may grant`,
            );
        }
    }),
};

export const stateStorage: ResourceValidationPolicy = {
    name: "bootstrap-state-storage",
    description:
        "The state backend takes Entra ID tokens only (no shared key), no anonymous blob access, TLS 1.2 or later over HTTPS; its blob service keeps versions and deleted blobs and containers; its containers are private.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (projectOfUrn(args.urn) !== BOOTSTRAP_PROJECT) return;
        const p = args.props as Record<string, unknown>;
        const must = (key: string, want: unknown, why: string, path: string[] = [key]) => {
            const v = read(p, ...path);
            if (!isUnknown(v) && v !== want)
                report(`${path.join(".")} is ${show(v)}, not ${show(want)}: ${why}`);
        };
        if (/^azure-native:storage(\/v[^:]+)?:StorageAccount$/.test(args.type)) {
            must(
                "allowSharedKeyAccess",
                false,
                "account keys would bypass Entra ID and every role condition",
            );
            must("allowBlobPublicAccess", false, "a container could be made public");
            must("minimumTlsVersion", "TLS1_2", "older TLS is refused");
            if (read(p, "enableHttpsTrafficOnly") === false) {
                report("enableHttpsTrafficOnly is false: state would travel in clear text");
            }
        } else if (/^azure-native:storage(\/v[^:]+)?:BlobServiceProperties$/.test(args.type)) {
            must("isVersioningEnabled", true, "a bad write of a stack's state could not be undone");
            must(
                "deleteRetentionPolicy.enabled",
                true,
                "a deleted state blob could not be restored",
                ["deleteRetentionPolicy", "enabled"],
            );
            must(
                "containerDeleteRetentionPolicy.enabled",
                true,
                "a deleted container could not be restored",
                ["containerDeleteRetentionPolicy", "enabled"],
            );
        } else if (/^azure-native:storage(\/v[^:]+)?:BlobContainer$/.test(args.type)) {
            const access = read(p, "publicAccess");
            if (!isUnknown(access) && access !== undefined && access !== "None") {
                report(
                    `publicAccess is ${show(access)}: the state container must be private ("None")`,
                );
            }
        }
    },
};

export const secretsVault: ResourceValidationPolicy = {
    name: "bootstrap-secrets-vault",
    description:
        "The vault of the secrets key authorizes with Azure RBAC (no access policies), keeps deleted keys (soft delete) and cannot be purged before their retention ends (purge protection).",
    enforcementLevel: "mandatory",
    validateResource: onType(/^azure-native:keyvault(\/v[^:]+)?:Vault$/, (props, args, report) => {
        if (projectOfUrn(args.urn) !== BOOTSTRAP_PROJECT) return;
        for (const [key, why] of [
            ["enableRbacAuthorization", "access policies bypass Azure RBAC and its audit"],
            [
                "enablePurgeProtection",
                "a deleted key, and every stack's secrets with it, could be purged at once",
            ],
        ] as const) {
            const v = read(props, "properties", key);
            if (!isUnknown(v) && v !== true)
                report(`properties.${key} is ${show(v)}, not true: ${why}`);
        }
        if (read(props, "properties", "enableSoftDelete") === false) {
            report("properties.enableSoftDelete is false: a deleted key could not be recovered");
        }
    }),
};

/** Graph application permissions a deployment identity never holds (Microsoft's Graph permissions reference). */
const GRAPH_NEVER: Readonly<Record<string, string>> = {
    "62a82d76-70ea-41e2-9197-370581804d09": "Group.ReadWrite.All",
    "19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Directory.ReadWrite.All",
    "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8": "RoleManagement.ReadWrite.Directory",
    "06b708a9-e830-4db3-a914-8e69da51d44f": "AppRoleAssignment.ReadWrite.All",
    "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9": "Application.ReadWrite.All",
};

export const graphPermissions: ResourceValidationPolicy = {
    name: "bootstrap-graph-permissions",
    description:
        "No app role assignment grants Group.ReadWrite.All, Directory.ReadWrite.All, RoleManagement.ReadWrite.Directory, AppRoleAssignment.ReadWrite.All or Application.ReadWrite.All: each reaches far beyond the groups, PIM and Conditional Access policies the stacks declare.",
    enforcementLevel: "mandatory",
    validateResource: onType(
        /^azuread:index\/appRoleAssignment:AppRoleAssignment$/,
        (props, _args, report) => {
            const role = read(props, "appRoleId");
            const name = typeof role === "string" ? GRAPH_NEVER[role.toLowerCase()] : undefined;
            if (name) {
                report(
                    `appRoleId ${role as string} is ${name}, which a deployment identity never holds`,
                );
            }
        },
    ),
};

export const stateLocked: StackValidationPolicy = {
    name: "bootstrap-state-locked",
    description:
        "Every storage account and key vault of the bootstrap has a CanNotDelete management lock: they hold every stack's state and secrets key.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        // The lock's scope is the resource's id, unknown until it exists: the lock depends on it.
        const locked = new Set(
            args.resources
                .filter((r) =>
                    /^azure-native:authorization(\/v[^:]+)?:ManagementLockByScope$/.test(r.type),
                )
                .filter((r) => read(r.props, "level") === "CanNotDelete")
                .flatMap((r) => r.propertyDependencies.scope ?? r.dependencies)
                .map((d) => d.urn),
        );
        for (const r of args.resources) {
            if (projectOfUrn(r.urn) !== BOOTSTRAP_PROJECT) continue;
            if (!/^azure-native:(storage|keyvault)(\/v[^:]+)?:(StorageAccount|Vault)$/.test(r.type))
                continue;
            if (!locked.has(r.urn)) {
                report(
                    `${r.name} has no CanNotDelete lock (a ManagementLockByScope on its id)`,
                    r.urn,
                );
            }
        }
    },
};

export const bootstrapPolicies = [
    deploymentGrants,
    stateStorage,
    secretsVault,
    graphPermissions,
    stateLocked,
];
