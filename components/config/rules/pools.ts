// Cross-field rules of node pool tuning (maxPods, OS disk, subnets) and of the pod network
// (cluster.network.plugin and policy). Pure module.
import { ephemeralProblem } from "../../vmLocalDisk";
import { MAX_PODS, NAMESPACE } from "../constants";
import { show } from "../messages";
import type { Drafts } from "../schema";
import { poolCount } from "./cluster";
import { entries, type RuleContext, rawAt, refused } from "./context";

/** The VNet id of a subnet id, lowercased for comparison. */
const vnetOf = (subnetId: string) => subnetId.replace(/\/subnets\/[^/]+$/i, "").toLowerCase();

/** Every pool with its key path and what was written for it. */
function pools(draft: Drafts, raw: Record<string, unknown>) {
    const c = draft.cluster ?? {};
    const rawPools = rawAt(raw, "cluster").userPools;
    return [
        {
            path: "cluster.systemPool",
            pool: c.systemPool ?? {},
            written: rawAt(raw, "cluster", "systemPool"),
        },
        ...entries(c.userPools).map(([i, p]) => ({
            path: `cluster.userPools[${i}]`,
            pool: p,
            written: Array.isArray(rawPools) ? rawAt(rawPools, i) : {},
        })),
    ];
}

/**
 * Pool tuning AKS checks when it creates a pool: below 30 pods per node the pool's nodes hold 30
 * together (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning); an Ephemeral OS
 * disk fits the VM size's temp storage (components/vmLocalDisk.ts); a pool's subnet and pod subnet
 * are in the VNet of cluster.network.subnetId; pods on a pod subnet need plugin azure, and then
 * every pool has one ("The entire cluster should use only one type of CNI",
 * learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation).
 */
export function poolTuning({ draft, raw }: RuleContext): string[] {
    const out: string[] = [];
    const written = rawAt(raw, "cluster", "network");
    const clusterSubnet = draft.cluster?.network?.subnetId;
    const plugin = draft.cluster?.network?.plugin ?? "overlay";
    const all = pools(draft, raw);
    for (const { path, pool, written: w } of all) {
        const key = `${NAMESPACE}:${path}`;
        const counts = ["count", "minCount", "maxCount"].some((k) => refused(w, pool, k));
        if (pool.maxPods !== undefined && pool.maxPods < MAX_PODS.perPool && !counts) {
            const fewest = pool.minCount ?? poolCount(pool);
            if (pool.maxPods * fewest < MAX_PODS.perPool) {
                out.push(
                    `${key}.maxPods ${pool.maxPods} gives the pool room for ${pool.maxPods * fewest} pods on its fewest nodes (${fewest}); AKS allows fewer than ${MAX_PODS.perPool} pods per node only when a pool's nodes hold ${MAX_PODS.perPool} together: raise maxPods or keep at least ${Math.ceil(MAX_PODS.perPool / pool.maxPods)} nodes (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning)`,
                );
            }
        }
        if (pool.osDiskType === "Ephemeral" && !refused(w, pool, "osDiskSizeGB")) {
            const problem = ephemeralProblem(pool.vmSize ?? "Standard_D4ds_v5", pool.osDiskSizeGB);
            if (problem !== undefined) out.push(`${key}.osDiskType "Ephemeral": ${problem}`);
        }
        for (const k of ["subnetId", "podSubnetId"] as const) {
            const id = pool[k];
            if (id === undefined) continue;
            if (clusterSubnet === undefined) {
                if (!Object.hasOwn(written, "subnetId")) {
                    out.push(
                        `${key}.${k} ${show(id)} needs cluster.network.subnetId: a pool's subnets are subnets of your VNet, the one of cluster.network.subnetId (docs/node-pools-and-networking.md: Networking)`,
                    );
                }
            } else if (vnetOf(id) !== vnetOf(clusterSubnet)) {
                out.push(
                    `${key}.${k} ${show(id)} is in VNet ${show(id.replace(/\/subnets\/[^/]+$/i, ""))}, but cluster.network.subnetId is in ${show(clusterSubnet.replace(/\/subnets\/[^/]+$/i, ""))}; AKS puts every pool, and its pods, in the cluster's VNet`,
                );
            }
        }
        const nodes = pool.subnetId ?? clusterSubnet;
        if (pool.podSubnetId !== undefined) {
            if (plugin !== "azure") {
                out.push(
                    `${key}.podSubnetId ${show(pool.podSubnetId)} needs cluster.network.plugin "azure": with Azure CNI Overlay pods take addresses from podCidr, not from a subnet (docs/network-plugins.md)`,
                );
            }
            if (nodes !== undefined && nodes.toLowerCase() === pool.podSubnetId.toLowerCase()) {
                out.push(
                    `${key}.podSubnetId ${show(pool.podSubnetId)} is the pool's node subnet; pods need a subnet of their own (learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation)`,
                );
            }
        }
    }
    if (plugin === "azure" && Object.hasOwn(written, "podCidr")) {
        out.push(
            `${NAMESPACE}:cluster.network.podCidr ${show(written.podCidr)} applies to plugin "overlay" only: with plugin "azure" pods take addresses of your VNet (docs/network-plugins.md)`,
        );
    }
    // A pod subnet the schema refused is reported there; counting it either way would mislead.
    const withPodSubnet = all.filter((p) => p.pool.podSubnetId !== undefined);
    const moot = all.some((p) => refused(p.written, p.pool, "podSubnetId"));
    if (!moot && withPodSubnet.length > 0 && withPodSubnet.length < all.length) {
        const missing = all.filter((p) => p.pool.podSubnetId === undefined);
        out.push(
            `${NAMESPACE}:${missing.map((p) => p.path).join(", ")} ${missing.length === 1 ? "has" : "have"} no podSubnetId, but ${withPodSubnet.map((p) => p.path).join(", ")} ${withPodSubnet.length === 1 ? "has" : "have"} one; AKS runs one kind of pod networking in a cluster: give every pool a podSubnetId, or none (learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation)`,
        );
    }
    return out;
}

/**
 * AKS creates the node resource group itself and refuses one that is the cluster's own group
 * (docs/names.md). Other collisions, with another stack's names, config cannot see: the plan notes
 * every name of yours.
 */
export function names({ draft }: RuleContext): string[] {
    const n = draft.names ?? {};
    if (
        n.nodeResourceGroup !== undefined &&
        n.resourceGroup !== undefined &&
        n.nodeResourceGroup.toLowerCase() === n.resourceGroup.toLowerCase()
    ) {
        return [
            `${NAMESPACE}:names.nodeResourceGroup ${show(n.nodeResourceGroup)} is names.resourceGroup; AKS creates the node resource group itself and needs one of its own: choose another name`,
        ];
    }
    return [];
}
