// Federated identity credentials of one managed identity, written one after another.
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { type AzureRoleGrant, MAX_FEDERATED_CREDENTIALS, TOKEN_EXCHANGE_AUDIENCE } from "./config";
import { assignRole, grantLogicalName } from "./roleAssignment";

export { GITHUB_ISSUER, TOKEN_EXCHANGE_AUDIENCE } from "./config";

export interface FederatedCredentialSpec {
    /** Credential name: 3-120 chars of [A-Za-z0-9_-] (see naming.federatedCredentialName). */
    readonly name: string;
    readonly issuer: pulumi.Input<string>;
    readonly subject: string;
}

/**
 * Creates the credentials of one identity, each waiting for every one before it: Azure rejects
 * parallel writes under one identity with 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity,
 * deletes included, and the provider does not serialise them (pulumi-azure-native#4343,
 * hashicorp/terraform-provider-azurerm#29242; docs/azure-facts.md, failure modes 2 and 16). Pulumi
 * deletes a resource only after everything that depended on it in the state, so with every later
 * credential depending on every earlier one, any set of credentials removed together is deleted one
 * at a time; a chain to the previous one only would let two credentials that are not neighbours be
 * deleted at once. Azure allows 20 per identity, so the dependencies stay few. Different identities
 * call this separately and so stay parallel.
 */
export function chainedFederatedCredentials(
    logicalPrefix: string,
    identity: { resourceGroupName: pulumi.Input<string>; identityName: pulumi.Input<string> },
    specs: readonly FederatedCredentialSpec[],
    opts: pulumi.CustomResourceOptions,
): managedidentity.FederatedIdentityCredential[] {
    if (specs.length > MAX_FEDERATED_CREDENTIALS) {
        // Config validation reports this first; this guards callers that bypass it.
        throw new Error(
            `aks-entra: ${specs.length} federated credentials on one identity; Azure allows ${MAX_FEDERATED_CREDENTIALS}`,
        );
    }
    const created: managedidentity.FederatedIdentityCredential[] = [];
    for (const spec of specs) {
        created.push(
            new managedidentity.FederatedIdentityCredential(
                `${logicalPrefix}-${spec.name}`,
                {
                    resourceGroupName: identity.resourceGroupName,
                    resourceName: identity.identityName,
                    federatedIdentityCredentialResourceName: spec.name,
                    issuer: spec.issuer,
                    subject: spec.subject,
                    audiences: [TOKEN_EXCHANGE_AUDIENCE],
                },
                { ...opts, dependsOn: [...created] },
            ),
        );
    }
    return created;
}

export interface TrustedIdentityArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Azure name of the identity. */
    readonly identityName: string;
    /** The subjects it trusts, one credential each, chained. */
    readonly credentials: readonly FederatedCredentialSpec[];
    /** Its Azure roles. */
    readonly azureRoleAssignments: readonly AzureRoleGrant[];
    /** Who it is, for role-assignment descriptions ("workload payments/api"). */
    readonly describedAs: string;
    readonly subscriptionId: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface TrustedIdentity {
    identity: managedidentity.UserAssignedIdentity;
    federatedCredentials: managedidentity.FederatedIdentityCredential[];
}

/**
 * A user-assigned identity, its chained federated credentials and its Azure role assignments
 * (principalType ServicePrincipal): what workload and pipeline identities have in common.
 */
export function trustedIdentity(
    name: string,
    args: TrustedIdentityArgs,
    opts: pulumi.CustomResourceOptions,
): TrustedIdentity {
    const identity = new managedidentity.UserAssignedIdentity(
        name,
        {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            resourceName: args.identityName,
            tags: args.tags,
        },
        opts,
    );
    // Azure deletes an identity's credentials with it: a destroy does not delete them one by one.
    const federatedCredentials = chainedFederatedCredentials(
        name,
        { resourceGroupName: args.resourceGroupName, identityName: identity.name },
        args.credentials,
        { ...opts, deletedWith: identity },
    );
    for (const g of args.azureRoleAssignments) {
        assignRole(
            grantLogicalName(name, g),
            {
                scope: g.scope,
                roleGuid: g.roleGuid,
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                description: `${args.describedAs}: ${g.role}`,
                defaultSubscriptionId: args.subscriptionId,
            },
            opts,
        );
    }
    return { identity, federatedCredentials };
}
