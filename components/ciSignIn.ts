// How each kind of runner signs in to run this stack: the environment for azure-native and azuread
// (Pulumi's Azure providers) and for kubelogin (the Kubernetes provider's exec login).
// docs/ci-sign-in.md shows these blocks; test/ciSignIn.test.ts checks them against the rules
// below. Pure module.
//
// Sources (docs/azure-facts.md, "Signing in from CI"):
// - kubelogin get-token reads the environment after its flags: AAD_LOGIN_METHOD overrides --login,
//   AAD_SERVICE_PRINCIPAL_CLIENT_ID then AZURE_CLIENT_ID (the later wins) --client-id,
//   AZURE_TENANT_ID --tenant-id; workloadidentity reads
//   AZURE_FEDERATED_TOKEN_FILE, or on GitHub Actions requests its own token through
//   ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN (Azure/kubelogin pkg/internal/token/options.go UpdateFromEnv,
//   pkg/internal/token/provider.go; #329).
// - azure-native reads ARM_USE_OIDC, ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID, ARM_OIDC_TOKEN,
//   ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, ARM_USE_MSI, ARM_CLIENT_CERTIFICATE_PATH/_PASSWORD
//   (pulumi-azure-native provider/pkg/provider/auth_azidentity.go); azuread the same ARM_* names.
// - GitHub's azure/login runs `az login --service-principal --federated-token` and exports no token
//   file; the GitHub assertion it used expires after 5 minutes (Azure/login#372), so a later
//   `kubelogin --login azurecli`, minutes into a cluster create, cannot get a new token.
import type { KubeloginMode } from "./config";

export interface SignIn {
    /** Where it runs. */
    runner: string;
    /** Environment for azure-native and azuread. `<...>` marks a value the pipeline supplies. */
    pulumi: Readonly<Record<string, string>>;
    /** Environment for kubelogin; empty when the stack's kubeconfig works as it is. */
    kubelogin: Readonly<Record<string, string>>;
    /** The kubelogin login that results. */
    login: KubeloginMode | "azurepipelines";
    /** What the deployer's principal type is read as (components/deployer.ts). */
    deployer: "User" | "ServicePrincipal";
    /** What else the runner needs. */
    needs: string;
}

export const SIGN_INS: readonly SignIn[] = [
    {
        runner: "a person at a terminal",
        pulumi: {},
        kubelogin: {},
        login: "azurecli",
        deployer: "User",
        needs: "az login; kubelogin on PATH",
    },
    {
        runner: "GitHub Actions (OIDC, federated credential on an app or managed identity)",
        pulumi: {
            ARM_USE_OIDC: "true",
            ARM_CLIENT_ID: "<client id>",
            ARM_TENANT_ID: "<tenant id>",
            ARM_SUBSCRIPTION_ID: "<subscription id>",
        },
        kubelogin: {
            AAD_LOGIN_METHOD: "workloadidentity",
            AZURE_CLIENT_ID: "<client id>",
            AZURE_TENANT_ID: "<tenant id>",
        },
        login: "workloadidentity",
        deployer: "ServicePrincipal",
        needs: "permissions: id-token: write (both request fresh GitHub tokens through ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN); azure/login is not needed, and its az session expires during a cluster create",
    },
    {
        runner: "Azure DevOps (workload identity service connection, AzureCLI@2 with addSpnToEnvironment: true)",
        pulumi: {
            ARM_USE_OIDC: "true",
            ARM_CLIENT_ID: "$servicePrincipalId",
            ARM_TENANT_ID: "$tenantId",
            ARM_OIDC_TOKEN: "$idToken",
            ARM_SUBSCRIPTION_ID: "<subscription id>",
        },
        kubelogin: {
            AAD_LOGIN_METHOD: "azurepipelines",
            SYSTEM_ACCESSTOKEN: "$(System.AccessToken)",
        },
        login: "azurepipelines",
        deployer: "ServicePrincipal",
        needs: "kubelogin v0.2.12 or later; the AzureCLI@2 task sets AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, _CLIENT_ID and _TENANT_ID for it",
    },
    {
        runner: "a runner with a user-assigned managed identity",
        pulumi: {
            ARM_USE_MSI: "true",
            ARM_CLIENT_ID: "<identity client id>",
            ARM_SUBSCRIPTION_ID: "<subscription id>",
        },
        kubelogin: {},
        login: "msi",
        deployer: "ServicePrincipal",
        needs: "aks-entra:kubeloginMode msi and aks-entra:deployer.managedIdentityClientId <identity client id> (written into the kubeconfig as --client-id)",
    },
    {
        runner: "a service principal with a certificate",
        pulumi: {
            ARM_CLIENT_ID: "<app id>",
            ARM_CLIENT_CERTIFICATE_PATH: "<cert.pfx>",
            ARM_CLIENT_CERTIFICATE_PASSWORD: "<password>",
            ARM_TENANT_ID: "<tenant id>",
            ARM_SUBSCRIPTION_ID: "<subscription id>",
        },
        kubelogin: {
            AAD_LOGIN_METHOD: "spn",
            AZURE_CLIENT_ID: "<app id>",
            AZURE_CLIENT_CERTIFICATE_PATH: "<cert.pfx>",
            AZURE_CLIENT_CERTIFICATE_PASSWORD: "<password>",
            AZURE_TENANT_ID: "<tenant id>",
        },
        login: "spn",
        deployer: "ServicePrincipal",
        needs: "a .pfx (PKCS#12) or PEM file holding certificate and key",
    },
];

/**
 * The variables kubelogin get-token applies over each flag, in the order `UpdateFromEnv` applies
 * them (Azure/kubelogin pkg/internal/token/options.go), so the last one set wins: for the client id
 * `AZURE_CLIENT_ID` is applied after `AAD_SERVICE_PRINCIPAL_CLIENT_ID`. With
 * `--use-azurerm-env-vars` the `ARM_*` names replace the client and tenant variables; with
 * `--login workloadidentity` (or `AAD_LOGIN_METHOD=workloadidentity`) `AZURE_CLIENT_ID` is applied
 * once more, last. docs/ci-sign-in.md shows this table.
 */
export const KUBELOGIN_ENV_ORDER = {
    "--login": ["AAD_LOGIN_METHOD"],
    "--client-id": ["AAD_SERVICE_PRINCIPAL_CLIENT_ID", "AZURE_CLIENT_ID"],
    "--tenant-id": ["AZURE_TENANT_ID"],
} as const;
const AZURERM_ENV_ORDER = {
    "--client-id": ["ARM_CLIENT_ID"],
    "--tenant-id": ["ARM_TENANT_ID"],
} as const;

/** What kubelogin get-token ends up using: its flags, then the environment over them. */
export function effectiveKubelogin(
    args: readonly string[],
    env: Readonly<Record<string, string>>,
): { login: string; clientId?: string; tenantId?: string } {
    const flag = (name: string) => {
        const i = args.indexOf(name);
        return i >= 0 ? args[i + 1] : undefined;
    };
    let login = flag("--login") ?? "";
    let clientId = flag("--client-id");
    let tenantId = flag("--tenant-id");
    if (args.includes("--disable-environment-override")) return { login, clientId, tenantId };
    /** Each variable in turn, as UpdateFromEnv applies them: the last one set wins. */
    const last = (was: string | undefined, names: readonly string[]) =>
        names.reduce((v, n) => env[n] ?? v, was);
    const order = args.includes("--use-azurerm-env-vars") ? AZURERM_ENV_ORDER : KUBELOGIN_ENV_ORDER;
    clientId = last(clientId, order["--client-id"]);
    tenantId = last(tenantId, order["--tenant-id"]);
    login = last(login, KUBELOGIN_ENV_ORDER["--login"]) ?? "";
    if (login === "workloadidentity") clientId = last(clientId, ["AZURE_CLIENT_ID"]);
    return { login, clientId, tenantId };
}
