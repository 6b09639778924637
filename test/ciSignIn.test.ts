// CI sign-in as the README documents it (components/ciSignIn.ts): for each runner, the stack's
// kubeconfig plus the runner's environment gives kubelogin a login that needs no person, the
// environment names only variables the tools read, and the README shows every line
// (docs/azure-facts.md, "Signing in from CI").
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, parseConfig } from "../components";
import { effectiveKubelogin, KUBELOGIN_ENV_ORDER, SIGN_INS } from "../components/ciSignIn";
import { minimalConfig, one, ROOT, run, TYPES } from "./helpers";

/** Variables kubelogin get-token reads (UpdateFromEnv, provider.go, azurepipelines). */
const KUBELOGIN_ENV = new Set([
    "AAD_LOGIN_METHOD",
    "AAD_SERVICE_PRINCIPAL_CLIENT_ID",
    "AAD_SERVICE_PRINCIPAL_CLIENT_SECRET",
    "AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_TENANT_ID",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_AUTHORITY_HOST",
    "SYSTEM_ACCESSTOKEN",
]);
/** Variables azure-native (auth_azidentity.go) and azuread read. */
const PULUMI_AZURE_ENV = new Set([
    "ARM_USE_OIDC",
    "ARM_CLIENT_ID",
    "ARM_TENANT_ID",
    "ARM_SUBSCRIPTION_ID",
    "ARM_OIDC_TOKEN",
    "ARM_OIDC_TOKEN_FILE_PATH",
    "ARM_USE_MSI",
    "ARM_CLIENT_CERTIFICATE_PATH",
    "ARM_CLIENT_CERTIFICATE_PASSWORD",
]);
const MSI_CLIENT_ID = "5e0b3a51-0c43-4d4e-9c1f-2f6a8d9e7b10";

async function stateKubeloginArgs(config: Record<string, unknown>): Promise<string[]> {
    const r = await run({ config: { ...config, "aks-entra:namespaces": [{ name: "apps" }] } });
    const kc = parse(
        String(one(r, TYPES.k8sProvider, "aks-entra-connection-k8s").inputs.kubeconfig),
    ) as {
        users: { user: { exec: { args: string[] } } }[];
    };
    return kc.users[0].user.exec.args;
}

describe("CI sign-in (components/ciSignIn.ts)", function () {
    let azurecli: string[];
    let msi: string[];
    before(async function () {
        azurecli = await stateKubeloginArgs(minimalConfig());
        msi = await stateKubeloginArgs(
            minimalConfig({
                kubeloginMode: "msi",
                deployer: { managedIdentityClientId: MSI_CLIENT_ID },
            }),
        );
    });

    it("keeps kubelogin's environment override on (no --disable-environment-override)", function () {
        assert.deepEqual(azurecli.slice(0, 3), ["get-token", "--login", "azurecli"]);
        assert.ok(!azurecli.includes("--disable-environment-override"));
        assert.deepEqual(msi.slice(0, 3), ["get-token", "--login", "msi"]);
        assert.equal(msi[msi.indexOf("--client-id") + 1], MSI_CLIENT_ID);
    });

    for (const s of SIGN_INS) {
        it(`${s.runner}: kubelogin logs in with ${s.login}`, function () {
            const args = s.login === "msi" ? msi : azurecli;
            const got = effectiveKubelogin(args, s.kubelogin);
            assert.equal(got.login, s.login);
            if (s.login === "workloadidentity" || s.login === "spn") {
                assert.ok(got.clientId && got.tenantId, "client and tenant ids");
            }
            if (s.login === "spn") assert.ok(s.kubelogin.AZURE_CLIENT_CERTIFICATE_PATH);
            if (s.login === "msi") assert.equal(got.clientId, MSI_CLIENT_ID);
            if (s.login === "azurepipelines") assert.ok(s.kubelogin.SYSTEM_ACCESSTOKEN);
            for (const k of Object.keys(s.kubelogin)) assert.ok(KUBELOGIN_ENV.has(k), k);
            for (const k of Object.keys(s.pulumi)) assert.ok(PULUMI_AZURE_ENV.has(k), k);
            // An application signs in with its own client id: the deployer is a service principal.
            const ownClientId = s.pulumi.ARM_CLIENT_ID !== undefined;
            assert.equal(s.deployer, ownClientId ? "ServicePrincipal" : "User");
        });
    }

    it("kubelogin's precedence as UpdateFromEnv applies it: AZURE_CLIENT_ID after AAD_SERVICE_PRINCIPAL_CLIENT_ID", function () {
        const SPN = "aad-spn-client";
        const AZ = "azure-client";
        const ARM = "arm-client";
        const cases: [string, readonly string[], Record<string, string>, string | undefined][] = [
            [
                "both set: AZURE_CLIENT_ID wins",
                azurecli,
                { AAD_SERVICE_PRINCIPAL_CLIENT_ID: SPN, AZURE_CLIENT_ID: AZ },
                AZ,
            ],
            ["only the kubelogin name", azurecli, { AAD_SERVICE_PRINCIPAL_CLIENT_ID: SPN }, SPN],
            ["over the kubeconfig's --client-id", msi, { AZURE_CLIENT_ID: AZ }, AZ],
            [
                "ARM_CLIENT_ID without --use-azurerm-env-vars is not read",
                msi,
                { ARM_CLIENT_ID: ARM },
                MSI_CLIENT_ID,
            ],
            [
                "--use-azurerm-env-vars: ARM_CLIENT_ID, not AZURE_CLIENT_ID",
                [...azurecli, "--use-azurerm-env-vars"],
                { ARM_CLIENT_ID: ARM, AZURE_CLIENT_ID: AZ },
                ARM,
            ],
            [
                "--use-azurerm-env-vars with workloadidentity: AZURE_CLIENT_ID applied last",
                [...azurecli, "--use-azurerm-env-vars"],
                { ARM_CLIENT_ID: ARM, AZURE_CLIENT_ID: AZ, AAD_LOGIN_METHOD: "workloadidentity" },
                AZ,
            ],
            [
                "--disable-environment-override keeps the flag",
                [...msi, "--disable-environment-override"],
                { AZURE_CLIENT_ID: AZ },
                MSI_CLIENT_ID,
            ],
        ];
        for (const [what, args, env, clientId] of cases) {
            assert.equal(effectiveKubelogin(args, env).clientId, clientId, what);
        }
    });

    it("docs/ci-sign-in.md's precedence table is the helper's order", function () {
        const readme = readFileSync(path.join(ROOT, "docs", "ci-sign-in.md"), "utf8");
        for (const [flag, names] of Object.entries(KUBELOGIN_ENV_ORDER)) {
            const row = `| \`${flag}\` | ${names.map((n) => `\`${n}\``).join(", ")} |`;
            assert.ok(readme.includes(row), row);
            // Set every variable of the row to its own name: the last one is what kubelogin uses.
            const env = Object.fromEntries(names.map((n) => [n, n]));
            const got = effectiveKubelogin(["get-token", flag, "flag"], env);
            const key = {
                "--login": "login",
                "--client-id": "clientId",
                "--tenant-id": "tenantId",
            }[flag]!;
            assert.equal(got[key as keyof typeof got], names[names.length - 1], flag);
        }
    });

    it("docs/ci-sign-in.md shows every variable of every runner", function () {
        const readme = readFileSync(path.join(ROOT, "docs", "ci-sign-in.md"), "utf8");
        for (const s of SIGN_INS) {
            for (const [k, v] of [...Object.entries(s.pulumi), ...Object.entries(s.kubelogin)]) {
                assert.ok(readme.includes(`${k}=${v}`), `${s.runner}: ${k}=${v}`);
            }
        }
    });

    it("refuses deployer.managedIdentityClientId without kubeloginMode msi", function () {
        assert.throws(
            () =>
                parseConfig({
                    location: "westeurope",
                    deployer: { managedIdentityClientId: MSI_CLIENT_ID },
                }),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.problems.length === 1 &&
                e.problems[0] ===
                    `aks-entra:deployer.managedIdentityClientId "${MSI_CLIENT_ID}" is used only with kubeloginMode msi (it becomes kubelogin's --client-id), but kubeloginMode is "azurecli"; set kubeloginMode: msi or remove the key`,
        );
    });
});
