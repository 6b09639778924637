// Who runs `pulumi up`: the object id the stack grants to and its principal type, read from the
// Azure login before any resource is declared. Pure module (the login is passed in).
//
// The type comes from the login, never from kubeloginMode: a service principal signed in through
// the Azure CLI (GitHub's azure/login, Azure DevOps' AzureCLI task) is still a service principal,
// and a role assignment with the wrong principalType fails with UnmatchedPrincipalType
// (docs/azure-facts.md, failure mode 12) after the cluster already exists. A person signed in
// through another public client than the Azure CLI carries that client's id, which the login
// cannot tell from an application's: such a person sets `deployer.principalType: User`.
import { ConfigError } from "./config";
import { show } from "./config/messages";
import type { StackConfig } from "./config";
import type { PrincipalType } from "./roleAssignment";

/**
 * The Azure CLI's first-party application id: the client id of every token `az login` gets for a
 * person (docs/azure-facts.md, Fixed application ids). A service principal or managed identity signs
 * in with its own client id, whichever tool it uses.
 */
export const AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/** What azure-native's getClientConfig reports for the signed-in principal. */
export interface AzureLogin {
    clientId: string;
    objectId: string;
    tenantId: string;
    subscriptionId: string;
}

export interface Deployer {
    /** Object id the stack grants to (lowercase). */
    objectId: string;
    principalType: Extract<PrincipalType, "User" | "ServicePrincipal">;
    /** How the type was decided, for the plan. */
    typeFrom: "login" | "config";
    /** The type the login shows (getClientConfig clientId). */
    loginType: "User" | "ServicePrincipal";
}

/** The type of the signed-in principal: a person through the Azure CLI, else an application. */
export function loginPrincipalType(login: AzureLogin): "User" | "ServicePrincipal" {
    return login.clientId.toLowerCase() === AZURE_CLI_APP_ID ? "User" : "ServicePrincipal";
}

function describeLogin(login: AzureLogin): string {
    return `a person (object id ${login.objectId}, client id ${AZURE_CLI_APP_ID}: the Azure CLI)`;
}

/**
 * The deployer of `config` given the login. Throws a ConfigError (before any resource) when config
 * and login disagree, or when the type of a configured deployer other than the login is unknown.
 */
export function resolveDeployer(config: StackConfig, login: AzureLogin): Deployer {
    const loginId = (login.objectId ?? "").toLowerCase();
    const configured = config.deployer.objectId;
    const loginType = loginPrincipalType(login);
    if (configured !== undefined && configured !== loginId) {
        // Someone else runs the stack for the configured deployer: the login says nothing of its type.
        if (config.deployer.principalType === undefined) {
            throw new ConfigError([
                `aks-entra:deployer.objectId ${show(configured)} is not the signed-in principal (${loginId || "no object id"}), so its type cannot be read from the login; set aks-entra:deployer.principalType (User or ServicePrincipal)`,
            ]);
        }
        return {
            objectId: configured,
            principalType: config.deployer.principalType,
            typeFrom: "config",
            loginType,
        };
    }
    if (!loginId) {
        throw new ConfigError([
            "aks-entra:deployer.objectId is not set and the Azure login reports no object id (getClientConfig); set aks-entra:deployer.objectId and aks-entra:deployer.principalType",
        ]);
    }
    const said = config.deployer.principalType;
    // Only the Azure CLI's client id proves a person. Any other client id is read as an
    // application, but a person signed in through another public client looks the same: there
    // `principalType: User` is the deployer's word, and Azure checks it (UnmatchedPrincipalType).
    if (said === "ServicePrincipal" && loginType === "User") {
        throw new ConfigError([
            `aks-entra:deployer.principalType ${show(said)} contradicts the Azure login: you are signed in as ${describeLogin(login)}; remove the key (the login decides) or sign in as the deployer`,
        ]);
    }
    if (said !== undefined && said !== loginType) {
        return { objectId: loginId, principalType: said, typeFrom: "config", loginType };
    }
    return { objectId: loginId, principalType: loginType, typeFrom: "login", loginType };
}
