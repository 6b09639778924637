// aks-entra bootstrap: the table of contents. Run once by a person with the rights
// docs/bootstrap.md lists: the state backend, the secrets key, one deployment identity per GitHub
// environment; its output `ghVariables` is what the delivery workflows need, as commands.
import * as azuread from "@pulumi/azuread";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../components/config/messages";
import { deploymentIdentityName, environments, MICROSOFT_GRAPH_APP_ID } from "./access";
import { bootstrapConfigFrom } from "./config";
import { DeploymentIdentity } from "./deploymentIdentity";
import { ghVariableCommands } from "./ghVariables";
import { SecretsKey } from "./secretsKey";
import { StateBackend } from "./stateBackend";

export = async () => {
    let config;
    try {
        config = bootstrapConfigFrom(pulumi.runtime.allConfig());
    } catch (e) {
        // Pulumi prints the message alone, no stack trace, and nothing has been created.
        throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
    }
    const login = await authorization.getClientConfig();
    const repository = `${config.github.owner}/${config.github.repository}`;

    const group = new resources.ResourceGroup("bootstrap", {
        resourceGroupName: config.resourceGroupName,
        location: config.location,
    });
    const state = new StateBackend("state", {
        resourceGroupName: group.name,
        location: config.location,
        accountName: config.storageAccountName,
        containerName: config.containerName,
        softDeleteDays: config.softDeleteDays,
    });
    const secrets = new SecretsKey("secrets", {
        resourceGroupName: group.name,
        location: config.location,
        tenantId: login.tenantId,
        vaultName: config.keyVaultName,
        keyName: config.keyName,
    });
    const graph = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID });
    const identities = environments(config.stacks).map((environment) => ({
        environment: environment.name,
        identity: new DeploymentIdentity(deploymentIdentityName(environment.name), {
            environment,
            repository,
            resourceGroupName: group.name,
            location: config.location,
            subscriptionId: login.subscriptionId,
            containerId: state.containerId,
            keyId: secrets.keyId,
            graphObjectId: graph.objectId,
        }),
    }));

    const backendUrl = `azblob://${config.containerName}?storage_account=${config.storageAccountName}`;
    return {
        tenantId: login.tenantId,
        subscriptionId: login.subscriptionId,
        backendUrl,
        secretsProvider: secrets.secretsProvider,
        /** The platform stack's aks-entra:stateBackend: its teams' identities get state access on it. */
        stateBackend: { containerId: state.containerId, secretsKeyId: secrets.keyId },
        /** Client id of each environment's deployment identity. */
        clientIds: Object.fromEntries(identities.map((i) => [i.environment, i.identity.clientId])),
        /** `pulumi stack output ghVariables --json | jq -r '.[]' | sh` sets them all. */
        ghVariables: pulumi.all(identities.map((i) => i.identity.clientId)).apply((ids) =>
            ghVariableCommands({
                repository,
                tenantId: login.tenantId,
                subscriptionId: login.subscriptionId,
                backendUrl,
                secretsProvider: secrets.secretsProvider,
                privateRunnerLabel: config.privateRunnerLabel,
                clientIds: identities.map((i, n) => ({
                    environment: i.environment,
                    clientId: ids[n],
                })),
                teams: config.teams,
                platformStack: config.platformStack,
            }),
        ),
    };
};
