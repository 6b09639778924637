// Whether `npm run e2e` runs, skips or fails before creating anything. Pure module: the
// environment and every probe of the machine (commands on PATH, `az account show`, `pulumi
// whoami`) are passed in, so test/e2e.test.ts covers each branch without Azure or Pulumi.
//
// - Not asked for (AKS_ENTRA_E2E is not 1): skipped, exit 0, saying why. The machine is probed
//   (`az account show`) only once AKS_ENTRA_E2E=1.
// - Asked for, but without Azure credentials, or with them but without a tool, the Pulumi backend
//   login or a setting: a failure, exit 1, listing every problem: the user asked for a run that
//   cannot happen, and a pipeline that meant to run it must not pass.
//
// Credentials are those azure-native reads, in its order (pulumi-azure-native
// provider/pkg/provider/auth_azidentity.go, newSingleMethodAuthCredential: certificate, secret,
// OIDC, managed identity, then the Azure CLI; a method that is selected but incomplete is an
// error, never a fall-through), or the AZURE_* variables of DefaultAzureCredential, which
// azure-native uses when ARM_USE_DEFAULT_AZURE_CREDENTIAL=true with ARM_SUBSCRIPTION_ID: the run
// sets both for the pulumi it starts. `npm run verify` (DefaultAzureCredential, which reads no
// ARM_*) gets the same principal under the AZURE_* names (verifySignIn).
import { cidrProblem } from "../components/config";
import { GUID_PATTERN } from "../components/roles";

/** The variable that asks for a run. */
export const ENABLE = "AKS_ENTRA_E2E";
/** Optional: the API server's authorized ranges, comma-separated, instead of the runner's /32. */
export const RANGES_VAR = "AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES";
/** Optional: JSON map of the profile's group aliases to object ids of your tenant. */
export const GROUPS_VAR = "AKS_ENTRA_E2E_GROUPS";

export type Env = Readonly<Record<string, string | undefined>>;

/** What the machine answers; each is asked only when its answer matters. */
export interface Probes {
    /** Whether an executable of that name is on PATH. */
    onPath(command: string): boolean;
    /** `az account show`: a signed-in session, none, or no az at all. */
    az(): "signed-in" | "signed-out" | "missing";
    /** `pulumi whoami`: logged in to a backend, and its URL when it said. */
    pulumiWhoami(): { ok: boolean; url?: string };
}

/** Where the credentials come from: azure-native's method, DefaultAzureCredential's, or az. */
export type CredentialKind =
    "arm-certificate" | "arm-secret" | "arm-oidc" | "arm-msi" | "azure-env" | "az";

/** The Azure login the providers will use. */
export interface Credentials {
    kind: CredentialKind;
    /** For the log: which variables or session. */
    description: string;
    /** Added to the environment of the pulumi the run starts. */
    providerEnv: Record<string, string>;
}

export type Gate =
    | { action: "skip"; reason: string }
    | { action: "fail"; problems: string[] }
    | {
          action: "run";
          credentials: Credentials;
          /** How verify signs in as the same principal. */
          verify: VerifySignIn;
          /** The login kubelogin will use: AAD_LOGIN_METHOD, else the profile's kubeloginMode. */
          kubelogin: string;
          /** Where the state goes, for the log. */
          backend: string;
          /** Parsed AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES; undefined: find the runner's address. */
          authorizedIpRanges?: string[];
          /** Parsed AKS_ENTRA_E2E_GROUPS; undefined: the profile's placeholder ids. */
          groups?: Record<string, string>;
      };

export interface GateInput {
    env: Env;
    probes: Probes;
    /** The profile's aks-entra:kubeloginMode (what the kubeconfig in state says). */
    kubeloginMode: string;
    /** The profile's group aliases, to check AKS_ENTRA_E2E_GROUPS against. */
    groupAliases: readonly string[];
}

const set = (env: Env, name: string) => (env[name] ?? "").trim() !== "";
const isTrue = (env: Env, name: string) => (env[name] ?? "").trim().toLowerCase() === "true";

const ARM_BASE = ["ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"];
const AZURE_BASE = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID"];
const OIDC_TOKENS =
    "ARM_OIDC_TOKEN, ARM_OIDC_TOKEN_FILE_PATH, or ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions: permissions id-token: write)";

/** azure-native's methods, in the order it tries them; the first one selected decides. */
const ARM_METHODS: readonly {
    kind: CredentialKind;
    name: string;
    selected: (env: Env) => boolean;
    needs: readonly string[];
    token?: boolean;
}[] = [
    {
        kind: "arm-certificate",
        name: "a client certificate (ARM_CLIENT_CERTIFICATE_PATH)",
        selected: (env) => set(env, "ARM_CLIENT_CERTIFICATE_PATH"),
        needs: ARM_BASE,
    },
    {
        kind: "arm-secret",
        name: "a client secret (ARM_CLIENT_SECRET)",
        selected: (env) => set(env, "ARM_CLIENT_SECRET"),
        needs: ARM_BASE,
    },
    {
        kind: "arm-oidc",
        name: "OIDC (ARM_USE_OIDC=true)",
        selected: (env) => isTrue(env, "ARM_USE_OIDC"),
        needs: ARM_BASE,
        token: true,
    },
    {
        kind: "arm-msi",
        name: "a managed identity (ARM_USE_MSI=true)",
        selected: (env) => isTrue(env, "ARM_USE_MSI"),
        needs: ["ARM_SUBSCRIPTION_ID"],
    },
];

/** DefaultAzureCredential's environment: EnvironmentCredential, then WorkloadIdentityCredential. */
const AZURE_METHODS = [
    "AZURE_CLIENT_SECRET",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_CLIENT_CERTIFICATE_PATH",
];

const hasOidcToken = (env: Env) =>
    set(env, "ARM_OIDC_TOKEN") ||
    set(env, "ARM_OIDC_TOKEN_FILE_PATH") ||
    (set(env, "ACTIONS_ID_TOKEN_REQUEST_URL") && set(env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN"));

const listed = (names: readonly string[]) => names.join(", ");

/**
 * The Azure credentials in the environment (or the az session), or why there are none: one line
 * per way to sign in, naming what is missing.
 */
export function findCredentials(
    env: Env,
    az: () => ReturnType<Probes["az"]>,
): { credentials: Credentials } | { missing: string[] } {
    const arm = ARM_METHODS.find((m) => m.selected(env));
    if (arm !== undefined) {
        // azure-native uses this method and nothing else: what it lacks is what is missing.
        const missing = arm.needs.filter((name) => !set(env, name));
        if (arm.token && !hasOidcToken(env)) missing.push(`one of ${OIDC_TOKENS}`);
        if (missing.length === 0) {
            return {
                credentials: {
                    kind: arm.kind,
                    description: `ARM_* variables, ${arm.name}`,
                    providerEnv: {},
                },
            };
        }
        return {
            missing: [
                `azure-native would sign in with ${arm.name}, but ${listed(missing)} ${missing.length === 1 ? "is" : "are"} not set`,
            ],
        };
    }
    const azureMethod = AZURE_METHODS.find((name) => set(env, name));
    const azureMissing = AZURE_BASE.filter((name) => !set(env, name));
    if (azureMethod !== undefined && azureMissing.length === 0) {
        return {
            credentials: {
                kind: "azure-env",
                description: `AZURE_* variables (DefaultAzureCredential, ${azureMethod})`,
                providerEnv: {
                    ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true",
                    ARM_SUBSCRIPTION_ID:
                        env.ARM_SUBSCRIPTION_ID?.trim() || env.AZURE_SUBSCRIPTION_ID!.trim(),
                },
            },
        };
    }
    const session = az();
    if (session === "signed-in") {
        return {
            credentials: {
                kind: "az",
                description: "the Azure CLI session (az login)",
                providerEnv: {},
            },
        };
    }
    const armMissing = [
        ...ARM_BASE.filter((name) => !set(env, name)),
        "one of ARM_CLIENT_SECRET, ARM_CLIENT_CERTIFICATE_PATH, ARM_USE_OIDC=true or ARM_USE_MSI=true",
    ];
    return {
        missing: [
            `ARM_* (azure-native): missing ${listed(armMissing)}`,
            `AZURE_* (DefaultAzureCredential): missing ${listed([
                ...azureMissing,
                ...(azureMethod === undefined ? [`one of ${listed(AZURE_METHODS)}`] : []),
            ])}`,
            session === "missing"
                ? "az login: az is not on PATH"
                : "az login: `az account show` found no signed-in session",
        ],
    };
}

/**
 * How `npm run verify` signs in: DefaultAzureCredential (@azure/identity), which reads AZURE_*
 * (a secret or certificate, or AZURE_FEDERATED_TOKEN_FILE), a managed identity or the az session,
 * never ARM_*. The same principal as the providers', given in the names it reads. A federated
 * token is a file: ARM_OIDC_TOKEN is written to one, and on GitHub Actions a fresh token is
 * requested before each verify (`federatedToken`), as kubelogin's workloadidentity login does.
 */
export interface VerifySignIn {
    env: Record<string, string>;
    federatedToken?: "ARM_OIDC_TOKEN" | "github";
}

export function verifySignIn(env: Env, credentials: Credentials): VerifySignIn {
    const v = (name: string) => (env[name] ?? "").trim();
    const client = { AZURE_CLIENT_ID: v("ARM_CLIENT_ID"), AZURE_TENANT_ID: v("ARM_TENANT_ID") };
    switch (credentials.kind) {
        case "arm-secret":
            return { env: { ...client, AZURE_CLIENT_SECRET: v("ARM_CLIENT_SECRET") } };
        case "arm-certificate":
            return {
                env: {
                    ...client,
                    AZURE_CLIENT_CERTIFICATE_PATH: v("ARM_CLIENT_CERTIFICATE_PATH"),
                    ...(set(env, "ARM_CLIENT_CERTIFICATE_PASSWORD")
                        ? {
                              AZURE_CLIENT_CERTIFICATE_PASSWORD: v(
                                  "ARM_CLIENT_CERTIFICATE_PASSWORD",
                              ),
                          }
                        : {}),
                },
            };
        case "arm-oidc":
            // azure-native's order: the token, the token file, then GitHub's request URL.
            if (set(env, "ARM_OIDC_TOKEN"))
                return { env: client, federatedToken: "ARM_OIDC_TOKEN" };
            if (set(env, "ARM_OIDC_TOKEN_FILE_PATH")) {
                return {
                    env: { ...client, AZURE_FEDERATED_TOKEN_FILE: v("ARM_OIDC_TOKEN_FILE_PATH") },
                };
            }
            return { env: client, federatedToken: "github" };
        case "arm-msi":
            // DefaultAzureCredential takes a user-assigned identity's client id from AZURE_CLIENT_ID.
            return {
                env: set(env, "ARM_CLIENT_ID") ? { AZURE_CLIENT_ID: v("ARM_CLIENT_ID") } : {},
            };
        case "azure-env":
        case "az":
            return { env: {} };
    }
}

/** AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES: comma-separated CIDRs, each as the config accepts it. */
export function parseRanges(text: string): { ranges: string[] } | { problem: string } {
    const ranges = text
        .split(",")
        .map((r) => r.trim())
        .filter((r) => r !== "");
    if (ranges.length === 0) return { problem: `${RANGES_VAR} is set but lists no range` };
    const bad = ranges.flatMap((r) => {
        const problem = cidrProblem(r);
        return problem === undefined ? [] : [`${JSON.stringify(r)} ${problem}`];
    });
    return bad.length === 0 ? { ranges } : { problem: `${RANGES_VAR}: ${bad.join("; ")}` };
}

/** AKS_ENTRA_E2E_GROUPS: `{"alias": "<object id>", ...}` over the profile's aliases. */
export function parseGroups(
    text: string,
    aliases: readonly string[],
): { groups: Record<string, string> } | { problem: string } {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return { problem: `${GROUPS_VAR} is not JSON; give {"alias": "<object id>", ...}` };
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return {
            problem: `${GROUPS_VAR} is not a JSON object; give {"alias": "<object id>", ...}`,
        };
    }
    const problems: string[] = [];
    const groups: Record<string, string> = {};
    for (const [alias, id] of Object.entries(value)) {
        if (!aliases.includes(alias)) {
            problems.push(
                `${JSON.stringify(alias)} is not a group of the profile (${listed(aliases)})`,
            );
        } else if (typeof id !== "string" || !GUID_PATTERN.test(id)) {
            problems.push(`${alias}: ${JSON.stringify(id)} is not an object id (a GUID)`);
        } else {
            groups[alias] = id.toLowerCase();
        }
    }
    return problems.length === 0
        ? { groups }
        : { problem: `${GROUPS_VAR}: ${problems.join("; ")}` };
}

/** A Pulumi Cloud URL (https); anything else is a self-managed backend (azblob, s3, file, ...). */
const isCloud = (url: string) => /^https?:\/\//i.test(url);

/** Decides: skip (exit 0), fail (exit 1) or run. Probes run only when their answer matters. */
export function gate({ env, probes, kubeloginMode, groupAliases }: GateInput): Gate {
    const asked = (env[ENABLE] ?? "").trim();
    if (asked !== "1") {
        return {
            action: "skip",
            reason:
                asked === ""
                    ? `${ENABLE} is not set. Set ${ENABLE}=1 to run: it creates a throw-away stack with an AKS cluster in your Azure subscription (billed while it exists) and destroys it.`
                    : `${ENABLE} is ${JSON.stringify(env[ENABLE])}, not 1. Set ${ENABLE}=1 to run.`,
        };
    }
    // Asked for: the machine may be probed now, each probe at most once.
    let azAnswer: ReturnType<Probes["az"]> | undefined;
    const az = () => (azAnswer ??= probes.az());
    const found = findCredentials(env, az);
    if ("missing" in found) {
        // Asked for a run: a pipeline that meant to run it must not pass without running it.
        return {
            action: "fail",
            problems: [
                "there are no Azure credentials in the environment; complete one of these ways to sign in:",
                ...found.missing.map((m) => `  ${m}`),
            ],
        };
    }

    const problems: string[] = [];
    const hasPulumi = probes.onPath("pulumi");
    if (!hasPulumi) {
        problems.push(
            "the pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/; in GitHub Actions pulumi/actions with pulumi-version 3.270.0, the version of @pulumi/pulumi)",
        );
    }
    if (!probes.onPath("kubelogin")) {
        problems.push(
            "kubelogin is not on PATH: the Kubernetes provider signs in to the cluster through it (az aks install-cli; in GitHub Actions azure/use-kubelogin)",
        );
    }

    let backend: string | undefined;
    if (set(env, "PULUMI_BACKEND_URL")) backend = env.PULUMI_BACKEND_URL!.trim();
    else if (set(env, "PULUMI_ACCESS_TOKEN")) backend = "Pulumi Cloud (PULUMI_ACCESS_TOKEN)";
    else if (hasPulumi) {
        const who = probes.pulumiWhoami();
        if (who.ok) backend = who.url ?? "the backend of pulumi login";
    }
    if (backend === undefined) {
        problems.push(
            "no Pulumi backend login: set PULUMI_BACKEND_URL (e.g. azblob://<container>?storage_account=<account>) or PULUMI_ACCESS_TOKEN, or run pulumi login" +
                (hasPulumi ? " (pulumi whoami failed)" : ""),
        );
    } else if (
        !isCloud(backend) &&
        backend.includes("://") &&
        ![
            "PULUMI_SECRETS_PROVIDER",
            "PULUMI_CONFIG_PASSPHRASE",
            "PULUMI_CONFIG_PASSPHRASE_FILE",
        ].some((n) => set(env, n))
    ) {
        // A self-managed backend encrypts the stack's secrets (the kubeconfig output) with a
        // passphrase unless told otherwise, and a non-interactive stack init cannot ask for one.
        problems.push(
            `the backend ${backend} needs a secrets provider for the stack's secret outputs: set PULUMI_SECRETS_PROVIDER (e.g. azurekeyvault://<vault>.vault.azure.net/keys/<key>) or PULUMI_CONFIG_PASSPHRASE`,
        );
    }

    // kubelogin reads AAD_LOGIN_METHOD over the kubeconfig's --login (docs/azure-facts.md, Signing in from CI).
    const kubelogin = (env.AAD_LOGIN_METHOD ?? "").trim() || kubeloginMode;
    if (kubelogin === "azurecli" && az() !== "signed-in") {
        problems.push(
            `kubelogin will sign in with the Azure CLI (${set(env, "AAD_LOGIN_METHOD") ? "AAD_LOGIN_METHOD=azurecli" : `aks-entra:kubeloginMode ${kubeloginMode}, AAD_LOGIN_METHOD not set`}) but ${az() === "missing" ? "az is not on PATH" : "az has no signed-in session"}: run az login, or set AAD_LOGIN_METHOD for this runner (docs/ci-sign-in.md: CI sign-in; GitHub Actions: AAD_LOGIN_METHOD=workloadidentity with AZURE_CLIENT_ID and AZURE_TENANT_ID)`,
        );
    }

    let authorizedIpRanges: string[] | undefined;
    if (set(env, RANGES_VAR)) {
        const parsed = parseRanges(env[RANGES_VAR]!);
        if ("problem" in parsed) problems.push(parsed.problem);
        else authorizedIpRanges = parsed.ranges;
    }
    let groups: Record<string, string> | undefined;
    if (set(env, GROUPS_VAR)) {
        const parsed = parseGroups(env[GROUPS_VAR]!, groupAliases);
        if ("problem" in parsed) problems.push(parsed.problem);
        else groups = parsed.groups;
    }

    if (problems.length > 0 || backend === undefined) return { action: "fail", problems };
    return {
        action: "run",
        credentials: found.credentials,
        verify: verifySignIn(env, found.credentials),
        kubelogin,
        backend,
        authorizedIpRanges,
        groups,
    };
}
