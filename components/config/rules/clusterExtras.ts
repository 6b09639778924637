// Cross-field rules of the production-parity keys of aks-entra:cluster (issue 23): podSecurity,
// autoscalerProfile, extraProperties. Pure module.
import { extraPropertiesProblems } from "../../extraProperties";
import { NAMESPACE } from "../constants";
import { entries, type RuleContext } from "./context";

/**
 * The pod security initiative is enforced by the Azure Policy add-on, which azurePolicy: false
 * removes; an autoscaler profile tunes only pools that autoscale (minCount and maxCount).
 */
export function clusterExtras({ draft }: RuleContext): string[] {
    const c = draft.cluster ?? {};
    const key = `${NAMESPACE}:cluster`;
    const out: string[] = [];
    if (c.podSecurity !== undefined && c.azurePolicy === false) {
        out.push(
            `${key}.podSecurity needs the Azure Policy add-on, which enforces the initiative in the cluster, but cluster.azurePolicy is false; remove azurePolicy: false (the add-on is on by default) or remove podSecurity`,
        );
    }
    const pools = [c.systemPool, ...entries(c.userPools).map(([, p]) => p)];
    if (
        c.autoscalerProfile !== undefined &&
        !pools.some((p) => p?.minCount !== undefined && p.maxCount !== undefined)
    ) {
        out.push(
            `${key}.autoscalerProfile tunes the cluster autoscaler, but no pool autoscales, so it would do nothing; give cluster.systemPool or a cluster.userPools entry minCount and maxCount, or remove autoscalerProfile`,
        );
    }
    out.push(...extras(c));
    return out;
}

/** extraProperties of the cluster and of each pool (components/extraProperties.ts). */
function extras(c: NonNullable<RuleContext["draft"]["cluster"]>): string[] {
    const key = `${NAMESPACE}:cluster`;
    return [
        ...extraPropertiesProblems(`${key}.extraProperties`, "cluster", c.extraProperties ?? {}),
        ...extraPropertiesProblems(
            `${key}.systemPool.extraProperties`,
            "systemPool",
            c.systemPool?.extraProperties ?? {},
        ),
        ...entries(c.userPools).flatMap(([i, p]) =>
            extraPropertiesProblems(
                `${key}.userPools[${i}].extraProperties`,
                "userPool",
                p.extraProperties ?? {},
            ),
        ),
    ];
}
