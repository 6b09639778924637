// Who signs in how: GitHub subjects, kubelogin modes. Pure module. (The deployer's principal type
// comes from the Azure login: components/deployer.ts.)
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
 * The login the Kubernetes provider and the exported kubeconfig use: the configured mode when it
 * needs no person, else azurecli. `interactive` and `devicecode` are for people only (device code
 * also fails under Conditional Access: docs/azure-facts.md, failure mode 8).
 */
export function automationLoginMode(config: Pick<StackConfig, "kubeloginMode">): KubeloginMode {
    return config.kubeloginMode === "interactive" || config.kubeloginMode === "devicecode"
        ? "azurecli"
        : config.kubeloginMode;
}

/** The login a person uses with `kubelogin convert-kubeconfig -l <mode>`. */
export function personLoginMode(config: Pick<StackConfig, "kubeloginMode">): KubeloginMode {
    return config.kubeloginMode === "interactive" || config.kubeloginMode === "devicecode"
        ? config.kubeloginMode
        : "azurecli";
}
