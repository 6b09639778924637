// Proof-of-possession (PoP) tokens: which logins carry them and the kubelogin flags that ask for
// them. Pure module.
//
// With `--pop-enabled --pop-claims "u=<ARM id of the cluster>"` kubelogin asks Entra for a token
// bound to an RSA key it holds (the `cnf` claim) and wraps it in a token signed with that key, with
// the cluster's id as the `u` claim and a timestamp (Azure/kubelogin pkg/internal/pop/
// authnscheme.go). A copied token is useless without the key, for another cluster, and once the
// server's freshness window has passed (docs/azure-facts.md, "Proof-of-possession tokens").
//
// kubelogin builds a PoP credential in the interactive, spn and ropc logins only and ignores the
// flags in the others (pkg/internal/token/provider.go); `convert-kubeconfig` writes them after the
// login's own flags, for interactive and spn (pkg/internal/converter/convert.go).
import { type KubeloginMode, POP_LOGIN_MODES, type StackConfig } from "./config";

/** True when a login in `mode` asks for PoP tokens under this config. */
export function usesPop(config: Pick<StackConfig, "kubeloginPop">, mode: KubeloginMode): boolean {
    const modes: readonly KubeloginMode[] = POP_LOGIN_MODES;
    return config.kubeloginPop && modes.includes(mode);
}

/**
 * kubelogin's `--pop-claims` value. `clusterId` is the cluster's ARM id as ARM returned it (the
 * resource's `id`), never rebuilt from names: the server compares `u` with the id it knows.
 */
export function popClaims(clusterId: string): string {
    // kubelogin splits the claims on "," and "=" (parsePoPClaims in pkg/internal/token/options.go);
    // an ARM id has neither, so a value with one is not an ARM id.
    if (!clusterId.startsWith("/subscriptions/") || /[,=\s]/.test(clusterId)) {
        throw new Error(`aks-entra: ${JSON.stringify(clusterId)} is not a cluster ARM id`);
    }
    return `u=${clusterId}`;
}

/** The flags as exec args, in the order `kubelogin convert-kubeconfig` writes them. */
export function popArgs(clusterId: string): string[] {
    return ["--pop-enabled", "--pop-claims", popClaims(clusterId)];
}
