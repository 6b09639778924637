// Federated identity credentials of one managed identity, written one after another.
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { MAX_FEDERATED_CREDENTIALS } from "./config";

/** The only audience Entra accepts for workload identity federation (azure-facts.md, item 3). */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** GitHub Actions' OIDC issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

export interface FederatedCredentialSpec {
    /** Credential name: 3-120 chars of [A-Za-z0-9_-] (see naming.federatedCredentialName). */
    readonly name: string;
    readonly issuer: pulumi.Input<string>;
    readonly subject: string;
}

/**
 * Creates the credentials of one identity, each waiting for the one before: Azure rejects parallel
 * writes under one identity with 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity
 * and the provider does not serialise them (pulumi-azure-native#4343; azure-facts.md, item 2).
 * Different identities call this separately and so stay parallel.
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
        const previous = created[created.length - 1];
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
                { ...opts, dependsOn: previous ? [previous] : [] },
            ),
        );
    }
    return created;
}
