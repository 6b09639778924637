// Findings about names and node pool tuning the stack cannot judge alone. Pure module.
import type { StackConfig } from "../components/config";
import { ephemeralCapacityGiB } from "../components/vmLocalDisk";
import type { FactFinding } from "./dedupe";

/**
 * A name of yours (aks-entra:names) carries no hash of project and stack: the plan says that
 * keeping it apart from other stacks' names is now yours. An Ephemeral OS disk on a VM size the
 * stack does not know is checked by AKS only when it creates the pool.
 */
export function nameAndPoolFindings(config: StackConfig): FactFinding[] {
    const out: FactFinding[] = [];
    for (const key of ["resourceGroup", "cluster", "dnsPrefix", "nodeResourceGroup"] as const) {
        const name = config.names[key];
        if (name === undefined) continue;
        out.push({
            code: "custom-name",
            severity: "info",
            subject: `aks-entra:names.${key}`,
            message: `aks-entra:names.${key} "${name}" is your name, not one derived from project and stack: no hash keeps it apart from another stack's, so two stacks given the same one would manage one Azure resource between them; keep it unique (docs/names.md)`,
        });
    }
    const pools = [
        { path: "cluster.systemPool", pool: config.cluster.systemPool },
        ...config.cluster.userPools.map((pool, i) => ({ path: `cluster.userPools[${i}]`, pool })),
    ];
    for (const { path, pool } of pools) {
        if (pool.osDiskType !== "Ephemeral" || ephemeralCapacityGiB(pool.vmSize) !== undefined) {
            continue;
        }
        out.push({
            code: "ephemeral-os-disk-unchecked",
            severity: "info",
            subject: `aks-entra:${path}.osDiskType`,
            message: `aks-entra:${path}.osDiskType "Ephemeral" on ${pool.vmSize}: the stack does not know this size's temp storage, so AKS checks that the OS disk${pool.osDiskSizeGB === undefined ? "" : ` of ${pool.osDiskSizeGB} GiB`} fits only when it creates the pool (docs/node-pools.md)`,
        });
    }
    return out;
}
