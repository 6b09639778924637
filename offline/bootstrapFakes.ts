// Fake Azure and Microsoft Graph for the bootstrap's resources (bootstrap/): storage accounts,
// their blob service and containers, management locks, key vaults and keys, app role assignments
// and the Microsoft Graph service principal lookup. Answers as the services do (id shapes,
// computed properties) and refuses what they refuse; offline/fakes.ts hands them these types.
import { fakeGuid } from "./fakeWorld";

type Props = Record<string, unknown>;

/** The Pulumi type tokens of the bootstrap's resources. */
export const BOOTSTRAP_TYPES = {
    storageAccount: "azure-native:storage:StorageAccount",
    blobService: "azure-native:storage:BlobServiceProperties",
    blobContainer: "azure-native:storage:BlobContainer",
    lock: "azure-native:authorization:ManagementLockByScope",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    appRoleAssignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
} as const;

export const GET_SERVICE_PRINCIPAL = "azuread:index/getServicePrincipal:getServicePrincipal";

/**
 * The application permissions Microsoft Graph's service principal publishes that the fakes know,
 * as Microsoft's Graph permissions reference lists them (docs/azure-facts.md, "Bootstrap"): an
 * app role assignment of another id is refused as Graph refuses it.
 */
const GRAPH_PUBLISHED_APP_ROLES: Readonly<Record<string, string>> = {
    "Group.Create": "bf7b1a76-6e77-406b-b258-bf5c7720e98f",
    "Group.Read.All": "5b567255-7703-4780-807c-7be8301ae99b",
    "Group.ReadWrite.All": "62a82d76-70ea-41e2-9197-370581804d09",
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
    "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
    "RoleManagement.ReadWrite.Directory": "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
    "RoleManagementPolicy.Read.AzureADGroup": "69e67828-780e-47fd-b28c-7b27d14864e6",
    "RoleManagementPolicy.ReadWrite.AzureADGroup": "b38dcc4d-a239-4ed6-aa84-6c65b284f97c",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup": "edb419d6-7edc-42a3-9345-509bfdf5d87c",
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup": "618b6020-bca8-4de6-99f6-ef445fa4d857",
    "Policy.Read.All": "246dd0d5-5bd0-4def-940b-0421030a5b68",
    "Policy.ReadWrite.ConditionalAccess": "01c0a623-fc9b-48e9-b794-0756f8e8f067",
};

const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** Object id of Microsoft Graph's service principal in the fake tenant (as getServicePrincipals answers). */
export function fakeGraphObjectId(): string {
    return fakeGuid(`sp#${GRAPH_APP_ID}`);
}

const TLS_VERSIONS = ["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"];

function str(value: unknown, what: string): string {
    if (typeof value !== "string" || value.length === 0) {
        throw new Error(`fake azure: ${what} is missing`);
    }
    return value;
}

/** The bootstrap's answer for a registration, or undefined for a type it does not know. */
export function bootstrapAnswer(
    type: string,
    inputs: Props,
    rgId: (rg: unknown) => string,
): { id: string; state: Props } | undefined {
    switch (type) {
        case BOOTSTRAP_TYPES.storageAccount: {
            const n = str(inputs.accountName, "accountName");
            const problems: string[] = [];
            if (!/^[a-z0-9]{3,24}$/.test(n)) {
                problems.push(
                    `AccountNameInvalid: ${n} is not a valid storage account name (3-24 lowercase letters and digits)`,
                );
            }
            const tls = inputs.minimumTlsVersion;
            if (tls !== undefined && (typeof tls !== "string" || !TLS_VERSIONS.includes(tls))) {
                problems.push(`InvalidValue: minimumTlsVersion ${JSON.stringify(tls)}`);
            }
            if (problems.length > 0) throw new Error(problems.join("; "));
            const id = `${rgId(inputs.resourceGroupName)}/providers/Microsoft.Storage/storageAccounts/${n}`;
            return {
                id,
                state: {
                    ...inputs,
                    name: n,
                    primaryEndpoints: { blob: `https://${n}.blob.core.windows.net/` },
                    provisioningState: "Succeeded",
                },
            };
        }
        case BOOTSTRAP_TYPES.blobService: {
            const account = str(inputs.accountName, "accountName");
            for (const k of ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"]) {
                const p = inputs[k] as { enabled?: boolean; days?: number } | undefined;
                if (p?.enabled && (typeof p.days !== "number" || p.days < 1 || p.days > 365)) {
                    throw new Error(
                        `InvalidXmlNodeValue: ${k}.days ${String(p?.days)} is outside 1-365`,
                    );
                }
            }
            return {
                id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.Storage/storageAccounts/${account}/blobServices/default`,
                state: { ...inputs, name: "default" },
            };
        }
        case BOOTSTRAP_TYPES.blobContainer: {
            const account = str(inputs.accountName, "accountName");
            const n = str(inputs.containerName, "containerName");
            return {
                id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.Storage/storageAccounts/${account}/blobServices/default/containers/${n}`,
                state: { ...inputs, name: n },
            };
        }
        case BOOTSTRAP_TYPES.lock: {
            const scope = str(inputs.scope, "scope");
            const n = str(inputs.lockName, "lockName");
            if (!["CanNotDelete", "ReadOnly"].includes(String(inputs.level))) {
                throw new Error(`LockLevelInvalid: level ${String(inputs.level)}`);
            }
            return {
                id: `${scope}/providers/Microsoft.Authorization/locks/${n}`,
                state: { ...inputs, name: n, type: "Microsoft.Authorization/locks" },
            };
        }
        case BOOTSTRAP_TYPES.vault: {
            const n = str(inputs.vaultName, "vaultName");
            const p = (inputs.properties ?? {}) as Props;
            const days = p.softDeleteRetentionInDays;
            if (typeof days === "number" && (days < 7 || days > 90)) {
                throw new Error(`BadRequest: softDeleteRetentionInDays ${days} is outside 7-90`);
            }
            if (p.enablePurgeProtection === false) {
                // Key Vault accepts only true or no value for purge protection.
                throw new Error(
                    'BadRequest: The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.',
                );
            }
            return {
                id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${n}`,
                state: {
                    ...inputs,
                    name: n,
                    properties: { ...p, vaultUri: `https://${n}.vault.azure.net/` },
                },
            };
        }
        case BOOTSTRAP_TYPES.key: {
            const vault = str(inputs.vaultName, "vaultName");
            const n = str(inputs.keyName, "keyName");
            const p = (inputs.properties ?? {}) as Props;
            if (p.kty === "RSA" && ![2048, 3072, 4096].includes(Number(p.keySize ?? 2048))) {
                throw new Error(
                    `BadParameter: keySize ${String(p.keySize)} is not 2048, 3072 or 4096`,
                );
            }
            return {
                id: `${rgId(inputs.resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${vault}/keys/${n}`,
                state: {
                    ...inputs,
                    name: n,
                    keyUri: `https://${vault}.vault.azure.net/keys/${n}`,
                },
            };
        }
        case BOOTSTRAP_TYPES.appRoleAssignment: {
            const resource = str(inputs.resourceObjectId, "resourceObjectId");
            const role = str(inputs.appRoleId, "appRoleId").toLowerCase();
            const principal = str(inputs.principalObjectId, "principalObjectId");
            if (
                resource === fakeGraphObjectId() &&
                !Object.values(GRAPH_PUBLISHED_APP_ROLES).includes(role)
            ) {
                throw new Error(
                    `Request_BadRequest: Permission being assigned was not found on application '${GRAPH_APP_ID}' (appRoleId ${role})`,
                );
            }
            const id = fakeGuid(`approle#${resource}#${role}#${principal}`);
            return {
                id: `/servicePrincipals/${resource}/appRoleAssignedTo/${id}`,
                state: { ...inputs },
            };
        }
        default:
            return undefined;
    }
}

/** Microsoft Graph's service principal, the one lookup the bootstrap makes. */
export function servicePrincipalLookup(inputs: Props): Props {
    if (
        (typeof inputs.clientId === "string" ? inputs.clientId : "").toLowerCase() !== GRAPH_APP_ID
    ) {
        throw new Error(
            `fake azuread: getServicePrincipal is answered for Microsoft Graph (${GRAPH_APP_ID}) only`,
        );
    }
    return {
        id: fakeGraphObjectId(),
        objectId: fakeGraphObjectId(),
        clientId: GRAPH_APP_ID,
        displayName: "Microsoft Graph",
        appRoleIds: { ...GRAPH_PUBLISHED_APP_ROLES },
        appRoles: [],
    };
}
