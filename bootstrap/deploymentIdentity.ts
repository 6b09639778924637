// One GitHub environment's deployment identity: a user-assigned managed identity that trusts only
// `repo:<owner>/<repo>:environment:<env>`, with the Azure roles, data roles and Microsoft Graph
// application permissions of its profile (bootstrap/access.ts) and nothing else.
import * as azuread from "@pulumi/azuread";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { GITHUB_ISSUER, githubSubject, TOKEN_EXCHANGE_AUDIENCE } from "../components/config";
import { federatedCredentialName } from "../components/naming";
import { assignRole } from "../components/roleAssignment";
import {
    azureGrantName,
    azureGrants,
    BOOTSTRAP_ROLES,
    type Environment,
    GRAPH_APP_ROLES,
    graphPermissions,
} from "./access";

export interface DeploymentIdentityArgs {
    readonly environment: Environment;
    /** `<owner>/<repository>` */
    readonly repository: string;
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly subscriptionId: string;
    readonly containerId: pulumi.Input<string>;
    readonly keyId: pulumi.Input<string>;
    /** Object id of the Microsoft Graph service principal in this tenant. */
    readonly graphObjectId: pulumi.Input<string>;
}

export class DeploymentIdentity extends pulumi.ComponentResource {
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly credential: managedidentity.FederatedIdentityCredential;
    public readonly clientId: pulumi.Output<string>;
    public readonly principalId: pulumi.Output<string>;

    constructor(
        name: string,
        args: DeploymentIdentityArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("aks-entra:bootstrap:DeploymentIdentity", name, {}, opts);
        const env = args.environment;
        this.identity = new managedidentity.UserAssignedIdentity(
            `${name}-identity`,
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: `id-aks-entra-deploy-${env.name}`,
                location: args.location,
            },
            { parent: this },
        );
        const subject = githubSubject({ repository: args.repository, environment: env.name });
        this.credential = new managedidentity.FederatedIdentityCredential(
            `${name}-github`,
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: this.identity.name,
                federatedIdentityCredentialResourceName: federatedCredentialName(
                    `github-${env.name}`,
                    subject,
                ),
                issuer: GITHUB_ISSUER,
                subject,
                audiences: [TOKEN_EXCHANGE_AUDIENCE],
            },
            { parent: this },
        );
        this.clientId = this.identity.clientId;
        this.principalId = this.identity.principalId;

        const scopes = {
            subscription: `/subscriptions/${args.subscriptionId}`,
            container: args.containerId,
            key: args.keyId,
        };
        for (const grant of azureGrants(env.profile, env.stacks)) {
            assignRole(
                azureGrantName(name, grant),
                {
                    scope: scopes[grant.scope],
                    roleGuid: BOOTSTRAP_ROLES[grant.role],
                    principalId: this.principalId,
                    principalType: "ServicePrincipal",
                    description: `deployment identity ${env.name}: ${grant.why}`,
                    defaultSubscriptionId: args.subscriptionId,
                    condition: grant.condition,
                },
                { parent: this },
            );
        }
        for (const permission of graphPermissions(env.graph)) {
            new azuread.AppRoleAssignment(
                `${name}-graph-${permission}`,
                {
                    appRoleId: GRAPH_APP_ROLES[permission],
                    principalObjectId: this.principalId,
                    resourceObjectId: args.graphObjectId,
                },
                { parent: this },
            );
        }
        this.registerOutputs({ clientId: this.clientId, principalId: this.principalId });
    }
}
