// What the stack file declares about access that the guardrails pack must see to honour it (issue
// 29): the break-glass groups a Conditional Access policy may exclude although they hold
// cluster-admin, and the clusterWideException of each entry given writer or admin on the whole
// cluster. The aks-entra component registers them as its outputs, which the engine shows to stack
// policies (policy/accessPaths.ts; docs/azure-facts.md, "Pulumi specifics"); nothing reaches
// Azure. Pure module.
import type { StackConfig } from "./config";

export interface AccessDeclarations {
    /** Object ids of aks-entra:conditionalAccess.breakGlassGroups. */
    breakGlassGroups?: string[];
    /**
     * Reason by the principal key of a cluster-wide grant's logical name
     * (`<name>-access-<key>/cluster/<role>`, components/clusterAccess.ts): a group's object id,
     * `pipeline-<name>` or `jit-<name>`.
     */
    clusterWideExceptions?: Record<string, string>;
}

export function accessDeclarations(config: StackConfig): AccessDeclarations {
    const exceptions: (readonly [string, string | undefined])[] = [
        ...config.clusterAccess.map((g) => [g.group.objectId, g.clusterWideException] as const),
        ...config.pipelines.map((p) => [`pipeline-${p.name}`, p.clusterWideException] as const),
        ...config.jit.map((j) => [`jit-${j.name}`, j.clusterWideException] as const),
    ];
    const declared = exceptions.filter((e): e is readonly [string, string] => e[1] !== undefined);
    return {
        ...(config.conditionalAccess && {
            breakGlassGroups: config.conditionalAccess.breakGlassGroups.map((g) => g.objectId),
        }),
        ...(declared.length > 0 && { clusterWideExceptions: Object.fromEntries(declared) }),
    };
}
