// A CI pipeline's Entra identity, trusted for exact GitHub Actions subjects.
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { type AzureRoleGrant, GITHUB_ISSUER, type GitHubSubject, githubSubject } from "./config";
import { trustedIdentity } from "./federatedCredentials";
import { federatedCredentialName } from "./naming";

export interface PipelineIdentityArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Azure name of the identity. */
    readonly identityName: string;
    /** Pipeline name from config (used in descriptions). */
    readonly pipeline: string;
    /** GitHub subjects the identity trusts, one federated credential each (at most 20). */
    readonly github: readonly GitHubSubject[];
    /** Azure roles of the identity. Defaults to none. */
    readonly azureRoleAssignments?: readonly AzureRoleGrant[];
    readonly subscriptionId: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A user-assigned identity that GitHub Actions logs in as (`azure/login` with client-id, tenant-id,
 * subscription-id), trusted only for the exact repository/environment/branch/tag/pull-request
 * subjects configured. Its cluster and namespace access is granted by ClusterAccess.
 */
export class PipelineIdentity extends pulumi.ComponentResource {
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly federatedCredentials: managedidentity.FederatedIdentityCredential[];
    public readonly clientId: pulumi.Output<string>;
    public readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: PipelineIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:pipelines:PipelineIdentity", name, {}, opts);

        const trusted = trustedIdentity(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                identityName: args.identityName,
                credentials: args.github.map((s) => {
                    const subject = githubSubject(s);
                    const label = `gh-${s.repository}-${s.environment ?? s.branch ?? s.tag ?? "pr"}`;
                    return {
                        name: federatedCredentialName(label, subject),
                        issuer: GITHUB_ISSUER,
                        subject,
                    };
                }),
                azureRoleAssignments: args.azureRoleAssignments ?? [],
                describedAs: `pipeline ${args.pipeline}`,
                subscriptionId: args.subscriptionId,
                tags: args.tags,
            },
            { parent: this },
        );
        this.identity = trusted.identity;
        this.federatedCredentials = trusted.federatedCredentials;
        this.clientId = this.identity.clientId;
        this.principalId = this.identity.principalId;

        this.registerOutputs({ clientId: this.clientId, principalId: this.principalId });
    }
}
