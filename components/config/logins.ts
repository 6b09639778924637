// Who signs in how: GitHub subjects, the deployer's principal type, kubelogin modes. Pure module.
import type { KubeloginMode } from "./constants";
import type { GitHubSubject, StackConfig } from "./types";

/** The GitHub Actions OIDC subject for one configured credential (docs/azure-facts.md, Formats). */
export function githubSubject(s: GitHubSubject): string {
    const repo = `repo:${s.repository}`;
    if (s.environment !== undefined) return `${repo}:environment:${s.environment}`;
    if (s.branch !== undefined) return `${repo}:ref:refs/heads/${s.branch}`;
    if (s.tag !== undefined) return `${repo}:ref:refs/tags/${s.tag}`;
    return `${repo}:pull_request`;
}

/**
 * The deploying principal's type. `azurecli` may be a person or a service principal (`az login
 * --service-principal`), so the default follows the login mode and `deployer.principalType` wins.
 */
export function deployerPrincipalType(config: StackConfig): "User" | "ServicePrincipal" {
    if (config.deployer.principalType !== undefined) {
        return config.deployer.principalType;
    }
    return ["spn", "msi", "workloadidentity"].includes(config.kubeloginMode)
        ? "ServicePrincipal"
        : "User";
}

/**
 * The login the Kubernetes provider and the exported kubeconfig use: the configured mode when it
 * needs no person, else azurecli. `interactive` and `devicecode` are for people only (device code
 * also fails under Conditional Access: docs/azure-facts.md, failure mode 8).
 */
export function automationLoginMode(config: StackConfig): KubeloginMode {
    return config.kubeloginMode === "interactive" || config.kubeloginMode === "devicecode"
        ? "azurecli"
        : config.kubeloginMode;
}

/** The login a person uses with `kubelogin convert-kubeconfig -l <mode>`. */
export function personLoginMode(config: StackConfig): KubeloginMode {
    return config.kubeloginMode === "interactive" || config.kubeloginMode === "devicecode"
        ? config.kubeloginMode
        : "azurecli";
}
