// Rewrites the user kubeconfig that AKS returns into one that logs in without a person.
// Pure module. AKS's `listManagedClusterUserCredentials` (format exec) returns a kubeconfig whose
// exec plugin runs `kubelogin get-token ... --login devicecode`: interactive, so useless for the
// Kubernetes provider or CI (docs/azure-facts.md, failure mode 6). The args are rewritten the way
// `kubelogin convert-kubeconfig -l <mode>` writes them, from the stack's config only, so a person
// and a pipeline running the same stack leave the same kubeconfig in state.
//
// kubelogin's `get-token` reads its environment after its flags (UpdateFromEnv in
// Azure/kubelogin pkg/internal/token/options.go; "by design", Azure/kubelogin#329): AAD_LOGIN_METHOD
// overrides `--login`, AZURE_CLIENT_ID `--client-id`, AZURE_TENANT_ID `--tenant-id`. That is how a
// pipeline picks its own login without changing the kubeconfig (components/ciSignIn.ts,
// docs/ci-sign-in.md); the args never carry `--disable-environment-override`, which would switch it off.
// An override to a login without PoP (say AAD_LOGIN_METHOD=workloadidentity) gets a bearer token:
// kubelogin ignores the PoP flags there (components/pop.ts).
import { parse, stringify } from "yaml";
import { type KubeloginMode, personLoginMode, type StackConfig } from "./config";
import { popArgs, usesPop } from "./pop";

/** AKS Microsoft Entra server app: token audience, kubelogin `--server-id` (docs/azure-facts.md). */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
/** AKS Microsoft Entra client app: kubelogin's public client for interactive/device code. */
export const AKS_CLIENT_APP_ID = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";

/** Flags each mode keeps from the AKS-issued args (after `get-token`), as convert-kubeconfig does. */
const KEPT_FLAGS: Record<KubeloginMode, string[]> = {
    azurecli: ["--server-id"],
    workloadidentity: ["--server-id"],
    msi: ["--server-id"],
    spn: ["--environment", "--server-id", "--client-id", "--tenant-id"],
    interactive: ["--environment", "--server-id", "--client-id", "--tenant-id"],
    devicecode: ["--environment", "--server-id", "--client-id", "--tenant-id"],
};

/** Modes that need no person at a keyboard: what the Kubernetes provider and CI can use. */
export const NON_INTERACTIVE_MODES: readonly KubeloginMode[] = [
    "azurecli",
    "workloadidentity",
    "spn",
    "msi",
];

interface ExecUser {
    name: string;
    user: { exec?: { command?: string; args?: string[]; env?: unknown; [k: string]: unknown } };
}

/** Parses `--flag value` pairs after the subcommand. */
function flagPairs(args: string[]): Map<string, string> {
    const pairs = new Map<string, string>();
    for (let i = 1; i < args.length; i++) {
        const flag = args[i];
        const next = args[i + 1];
        if (flag.startsWith("--") && next !== undefined && !next.startsWith("--")) {
            pairs.set(flag, next);
            i++;
        }
    }
    return pairs;
}

/** What the rewrite adds to the AKS-issued args besides the login. */
export interface KubeloginOptions {
    /** The managed identity of an msi login (`--client-id`), when the runner has several. */
    clientId?: string;
    /**
     * The cluster's ARM id when the login asks for proof-of-possession tokens (`--pop-enabled
     * --pop-claims u=<id>`, interactive and spn only: components/pop.ts). Undefined: bearer tokens.
     */
    popClusterId?: string;
}

/** The exec args for `mode`, derived from the AKS-issued args. */
export function kubeloginArgs(
    aksArgs: string[],
    mode: KubeloginMode,
    { clientId, popClusterId }: KubeloginOptions = {},
): string[] {
    if (aksArgs[0] !== "get-token") {
        throw new Error(
            `aks-entra: unexpected kubeconfig exec args (no get-token): ${aksArgs.join(" ")}`,
        );
    }
    const pairs = flagPairs(aksArgs);
    if (!pairs.has("--server-id")) {
        throw new Error(
            "aks-entra: the AKS kubeconfig has no --server-id; is AKS-managed Entra integration on?",
        );
    }
    const out = ["get-token", "--login", mode];
    for (const flag of KEPT_FLAGS[mode]) {
        const value = pairs.get(flag);
        if (value !== undefined) {
            out.push(flag, value);
        }
    }
    if (mode === "msi" && clientId !== undefined) out.push("--client-id", clientId);
    if (popClusterId !== undefined) {
        if (!usesPop({ kubeloginPop: true }, mode)) {
            throw new Error(`aks-entra: kubelogin requests no PoP tokens in the ${mode} login`);
        }
        out.push(...popArgs(popClusterId));
    }
    return out;
}

/** Rewrites every exec user of a kubeconfig (YAML text) to `mode`; returns YAML text. */
export function rewriteKubeconfig(
    kubeconfigYaml: string,
    mode: KubeloginMode,
    options: KubeloginOptions = {},
): string {
    const doc = parse(kubeconfigYaml) as { users?: ExecUser[] };
    const users = doc.users ?? [];
    if (users.length === 0 || users.some((u) => u.user.exec === undefined)) {
        throw new Error(
            "aks-entra: the AKS user kubeconfig has no exec (kubelogin) user; request it with format exec",
        );
    }
    for (const u of users) {
        const exec = u.user.exec!;
        exec.command = "kubelogin";
        exec.args = kubeloginArgs(exec.args ?? [], mode, options);
        // A non-interactive login must never wait on a terminal (CI has none).
        exec.interactiveMode = NON_INTERACTIVE_MODES.includes(mode) ? "Never" : "IfAvailable";
    }
    return stringify(doc);
}

/** Decodes the base64 kubeconfig of `listManagedClusterUserCredentials` and rewrites it. */
export function userKubeconfig(
    kubeconfigs: { name?: string; value?: string }[],
    mode: KubeloginMode,
    options: KubeloginOptions = {},
): string {
    const first = kubeconfigs[0]?.value;
    if (first === undefined) {
        throw new Error("aks-entra: AKS returned no user kubeconfig");
    }
    return rewriteKubeconfig(Buffer.from(first, "base64").toString("utf8"), mode, options);
}

/**
 * The `getCredentialsCommand` output: what a person runs to reach the cluster, with the person's
 * login (personLoginMode) and, when it asks for them, PoP tokens bound to `clusterId`.
 */
export function credentialsCommand(
    config: Pick<StackConfig, "kubeloginMode" | "kubeloginPop">,
    cluster: { resourceGroup: string; name: string; id: string },
): string {
    const mode = personLoginMode(config);
    // The same flags as the exec args; the claim quoted for the shell.
    const pop = usesPop(config, mode)
        ? popArgs(cluster.id)
              .map((a) => (a.startsWith("u=") ? ` "${a}"` : ` ${a}`))
              .join("")
        : "";
    return `az aks get-credentials --resource-group ${cluster.resourceGroup} --name ${cluster.name} --overwrite-existing && kubelogin convert-kubeconfig -l ${mode}${pop}`;
}
