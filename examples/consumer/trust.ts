// What the consumer builds from an aks-entra stack's outputs, as pure functions: the federated
// credential that lets a service account on that cluster sign in as another team's identity, and
// the AcrPull grant for the cluster's kubelet on that team's registry. index.ts passes them to the
// Azure resources; test/stacks.test.ts calls them on a real run's outputs.
import { createHash } from "node:crypto";
import type { StackOutputs } from "./expectations";

/** The audience Entra ID's token exchange requires of every workload identity token. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** Azure's built-in AcrPull role. */
export const ACR_PULL_ROLE = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const REGISTRY_ID = new RegExp(
    `^/subscriptions/(${GUID})/resourceGroups/[^/]+/providers/Microsoft\\.ContainerRegistry/registries/[A-Za-z0-9]{5,50}$`,
    "i",
);

/** The service account a credential trusts: `namespace/name`, each an RFC 1123 label. */
export function parseServiceAccount(text: string): { namespace: string; name: string } {
    const [namespace, name, ...rest] = text.split("/");
    if (
        rest.length > 0 ||
        !DNS_LABEL.test(namespace ?? "") ||
        !DNS_LABEL.test(name ?? "") ||
        name === "default"
    ) {
        throw new Error(
            `aks-entra-consumer:serviceAccount "${text}" is not <namespace>/<service account> (lowercase RFC 1123 labels, not "default")`,
        );
    }
    return { namespace, name };
}

/** Where the trust goes: another team's user-assigned identity, and the service account trusted. */
export interface TrustTarget {
    /** Resource group of the identity, in this consumer's subscription. */
    readonly identityResourceGroup: string;
    /** Azure name of the user-assigned identity. */
    readonly identityName: string;
    /** `namespace/name` on the aks-entra cluster. */
    readonly serviceAccount: string;
}

/** The inputs of a managedidentity.FederatedIdentityCredential. */
export interface FederatedCredentialArgs {
    readonly resourceGroupName: string;
    readonly resourceName: string;
    readonly federatedIdentityCredentialResourceName: string;
    readonly issuer: string;
    readonly subject: string;
    readonly audiences: string[];
}

const hash = (text: string, chars: number) =>
    createHash("sha256").update(text).digest("hex").slice(0, chars);

/**
 * The credential's name: `aks-<cluster>-<namespace>-<name>` in Azure's 3-120 characters of
 * letters, digits, `-` and `_`, cut and suffixed with a hash of the whole when longer.
 */
export function credentialName(clusterName: string, namespace: string, name: string): string {
    const full = `aks-${clusterName}-${namespace}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-");
    return full.length <= 120 ? full : `${full.slice(0, 111)}-${hash(full, 8)}`;
}

/**
 * The federated credential that lets pods of `target.serviceAccount` on the aks-entra cluster sign
 * in as `target`'s identity. The issuer is the stack's `oidcIssuerUrl` exactly as exported
 * (trailing slash included): Entra ID compares it character by character with the token's `iss`.
 * Refuses a service account the stack already gives an identity: its `client-id` annotation names
 * that identity, so pods would never use this one.
 */
export function federatedCredentialArgs(
    outputs: Pick<StackOutputs, "oidcIssuerUrl" | "clusterName" | "workloadIdentities">,
    target: TrustTarget,
): FederatedCredentialArgs {
    const { namespace, name } = parseServiceAccount(target.serviceAccount);
    const key = `${namespace}/${name}`;
    const existing = outputs.workloadIdentities[key];
    if (existing !== undefined) {
        throw new Error(
            `${key} is a workload of the aks-entra stack already (identity client id ${existing.clientId}, in its azure.workload.identity/client-id annotation): pods of it sign in as that identity, never as ${target.identityName}; trust another service account, or add the role to that workload in the aks-entra stack`,
        );
    }
    return {
        resourceGroupName: target.identityResourceGroup,
        resourceName: target.identityName,
        federatedIdentityCredentialResourceName: credentialName(
            outputs.clusterName,
            namespace,
            name,
        ),
        issuer: outputs.oidcIssuerUrl,
        subject: `system:serviceaccount:${namespace}:${name}`,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
    };
}

/** A GUID derived from `text` (the shape of an RFC 4122 version 5 name, from SHA-256). */
export function guidFrom(text: string): string {
    const h = hash(text, 32);
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The inputs of an authorization.RoleAssignment. */
export interface RoleAssignmentArgs {
    readonly roleAssignmentName: string;
    readonly scope: string;
    readonly roleDefinitionId: string;
    readonly principalId: string;
    readonly principalType: "ServicePrincipal";
}

/**
 * AcrPull for the cluster's kubelet identity on `registryId`, so the cluster's nodes pull this
 * team's images. Named after scope, role and principal, so a rerun never makes a second one.
 */
export function kubeletAcrPullArgs(
    outputs: Pick<StackOutputs, "kubeletIdentity">,
    registryId: string,
): RoleAssignmentArgs {
    const match = REGISTRY_ID.exec(registryId);
    if (!match) {
        throw new Error(
            `aks-entra-consumer:registryId "${registryId}" is not a container registry id (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>)`,
        );
    }
    const principalId = outputs.kubeletIdentity.principalId;
    return {
        roleAssignmentName: guidFrom(`${registryId.toLowerCase()}|${ACR_PULL_ROLE}|${principalId}`),
        scope: registryId,
        roleDefinitionId: `/subscriptions/${match[1]}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE}`,
        principalId,
        principalType: "ServicePrincipal",
    };
}
