// `--platform PLATFORM.json`: a team stack (aks-entra:platform; docs/team-stacks.md) planned
// without a backend reads its platform stack's outputs from that stack's plan JSON (`npm run plan
// -- --stack platform --json PLATFORM.json`), as `pulumi up` reads them through a StackReference.
import { readFileSync } from "node:fs";
import type { StackConfig } from "../components/config";
import type { StackOutputs } from "../offline/fakes";
import { UsageError } from "./files";

/** The stacks a team stack's plan reads: its platform's, from the platform's plan JSON. */
export function platformStacks(
    config: StackConfig,
    file: string | undefined,
): Record<string, StackOutputs> | undefined {
    if (config.platform === undefined) {
        if (file !== undefined) {
            throw new UsageError(
                `--platform ${file}: this stack is not a team stack (it sets no aks-entra:platform); plan it without --platform`,
            );
        }
        return undefined;
    }
    if (file === undefined) {
        throw new UsageError(
            `this is a team stack of ${config.platform.stack} (aks-entra:platform): plan the platform first (npm run plan -- --stack <platform> --json platform.json), then this stack with --platform platform.json`,
        );
    }
    let plan: { outputs?: unknown; secretOutputs?: unknown };
    try {
        plan = JSON.parse(readFileSync(file, "utf8")) as typeof plan;
    } catch (e) {
        throw new UsageError(`--platform ${file}: ${(e as Error).message}`);
    }
    if (plan.outputs === null || typeof plan.outputs !== "object") {
        throw new UsageError(
            `--platform ${file} is not a plan JSON (no outputs); write one with --json`,
        );
    }
    return { [config.platform.stack]: { outputs: plan.outputs as Record<string, unknown> } };
}

/**
 * The guardrails' config for a team stack from its platform's outputs: its namespaces are the
 * platform's (stack-namespace-grants-target-stack-namespaces teamNamespaces) and its workloads
 * trust the platform cluster's issuer (stack-fic-issuer-is-stack-cluster allowedClusterIssuers).
 * What the pipeline passes to `pulumi preview --policy-pack-config` for a team stack too.
 */
export function teamPolicyConfig(
    config: StackConfig,
    stacks: Record<string, StackOutputs> | undefined,
): Record<string, unknown> {
    const outputs = config.platform && stacks?.[config.platform.stack]?.outputs;
    if (!outputs) return {};
    const teams = (outputs.teams ?? {}) as Record<
        string,
        { namespaces?: string[]; resourceGroupId?: string } | undefined
    >;
    const team = teams[config.platform!.team];
    return {
        "stack-namespace-grants-target-stack-namespaces": {
            teamNamespaces: team?.namespaces ?? [],
        },
        "team-stack-boundary": {
            teamNamespaces: team?.namespaces ?? [],
            teamResourceGroupId: team?.resourceGroupId ?? "",
            platformClusterId: typeof outputs.clusterId === "string" ? outputs.clusterId : "",
        },
        "stack-fic-issuer-is-stack-cluster": {
            allowedClusterIssuers:
                typeof outputs.oidcIssuerUrl === "string" ? [outputs.oidcIssuerUrl] : [],
        },
    };
}
