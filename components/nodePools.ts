// Node pools. The system pool is inline in the cluster (AKS needs one at create); every other pool
// is its own AgentPool, because AKS refuses adding or removing a pool through the cluster resource
// (docs/azure-facts.md, failure mode 13). A user pool named in 1-8 characters gets a hash of the
// settings AKS cannot change on an existing pool (VM size, zones, OS, spot, and the tuning AKS fixes
// at create) appended, so changing one makes a new pool that Pulumi creates before it deletes the
// old one: workloads move instead of stopping. A name of 9-12 characters has no room for the hash:
// it is the pool's Azure name, and its create-only settings are fixed (components/createOnly.ts).
import * as containerservice from "@pulumi/azure-native/containerservice";
import type * as types from "@pulumi/azure-native/types";
import * as pulumi from "@pulumi/pulumi";
import type { NodePool, SystemPool, UserPool } from "./config";
import { shortHash } from "./naming";

/** Azure name of the inline system pool. */
export const SYSTEM_POOL_NAME = "system";
/** Label on every user pool's nodes: `<name>` from config, stable across replacements. */
export const POOL_LABEL = "aks-entra/pool";
/** The taint that keeps applications off the system pool. */
export const CRITICAL_ADDONS_ONLY = "CriticalAddonsOnly=true:NoSchedule";

/** What the stack sets on every pool alike (from the cluster's settings). */
export interface NodeSettings {
    /** cluster.network.subnetId: every pool's subnet unless the pool has its own. */
    readonly subnetId?: string;
    /** SSH into nodes as a local user; false: `securityProfile.sshAccess: Disabled`. */
    readonly ssh: boolean;
    /** Encryption at host: set only when a pool is created (learn.microsoft.com/azure/aks/enable-host-encryption). */
    readonly encryptionAtHost: boolean;
}

/** The tuning AKS fixes when it creates a pool (hashed as `key=value`, only what is set). */
export const POOL_CREATE_ONLY = [
    "maxPods",
    "osDiskType",
    "osDiskSizeGB",
    "subnetId",
    "podSubnetId",
] as const;

/**
 * The settings AKS cannot change on an existing pool, in the order they are hashed. Encryption at
 * host and each tuning setting join the list only when set, so pools made before they existed
 * keep their names.
 */
export function immutablePoolSettings(
    pool: NodePool & { spot?: boolean },
    encryptionAtHost = false,
): string[] {
    return [
        pool.vmSize,
        pool.zones.join(","),
        pool.osSku,
        pool.spot ? "spot" : "regular",
        ...(encryptionAtHost ? ["encryption-at-host"] : []),
        ...POOL_CREATE_ONLY.flatMap((k) =>
            pool[k] === undefined ? [] : [`${k}=${String(pool[k]).toLowerCase()}`],
        ),
    ];
}

/** The longest config name that leaves room for the 4 hex (AKS allows 12 for a Linux pool). */
export const HASHED_NAME_MAX = 8;

/**
 * `<name><4 hex>` for a name of 1-8 characters; a longer name (9-12) as written. Either is at most
 * 12 lowercase letters and digits, as AKS allows for a Linux pool.
 */
export function userPoolAzureName(pool: UserPool, encryptionAtHost = false): string {
    if (pool.name.length > HASHED_NAME_MAX) return pool.name;
    return `${pool.name}${shortHash(...immutablePoolSettings(pool, encryptionAtHost)).slice(0, 4)}`;
}

/**
 * What every pool shares: Linux on scale sets, autoscaled when min and max are given, no SSH
 * unless asked for (Azure Policy built-in 28257686 audits every pool without
 * `securityProfile.sshAccess: Disabled`).
 */
function common(pool: NodePool, nodes: NodeSettings) {
    const autoscale = pool.minCount !== undefined;
    return {
        // Properties no key covers (extraProperties, checked by config): under the stack's own.
        ...pool.extraProperties,
        type: "VirtualMachineScaleSets",
        osType: "Linux",
        osSKU: pool.osSku,
        vmSize: pool.vmSize,
        count: pool.count,
        enableAutoScaling: autoscale,
        minCount: pool.minCount,
        maxCount: pool.maxCount,
        availabilityZones: pool.zones.length > 0 ? pool.zones : undefined,
        vnetSubnetID: pool.subnetId ?? nodes.subnetId,
        podSubnetID: pool.podSubnetId,
        maxPods: pool.maxPods,
        osDiskType: pool.osDiskType,
        osDiskSizeGB: pool.osDiskSizeGB,
        upgradeSettings: pool.maxSurge === undefined ? undefined : { maxSurge: pool.maxSurge },
        securityProfile: { sshAccess: nodes.ssh ? "LocalUser" : "Disabled" },
        enableEncryptionAtHost: nodes.encryptionAtHost ? true : undefined,
    };
}

/** The cluster's inline system pool. */
export function systemPoolProfile(
    pool: SystemPool,
    nodes: NodeSettings,
): types.input.containerservice.ManagedClusterAgentPoolProfileArgs {
    return {
        name: SYSTEM_POOL_NAME,
        mode: "System",
        ...common(pool, nodes),
        nodeTaints: pool.criticalAddonsOnly ? [CRITICAL_ADDONS_ONLY] : undefined,
    };
}

export interface UserPoolsArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    /** The cluster's Azure name (AgentPool's resourceName). */
    readonly clusterName: pulumi.Input<string>;
    readonly pools: readonly UserPool[];
    readonly nodes: NodeSettings;
    /**
     * The control plane's Network Contributor grant covering each subnet, by lowercased subnet id:
     * a pool waits for the grants on its own subnet and pod subnet (AKS joins them as the control
     * plane). Defaults to none.
     */
    readonly subnetGrants?: ReadonlyMap<string, pulumi.Resource>;
}

/** The grants a pool's own subnets need before it is created. */
function subnetGrantsOf(pool: UserPool, grants?: ReadonlyMap<string, pulumi.Resource>) {
    return [pool.subnetId, pool.podSubnetId].flatMap((id) => {
        const grant = id === undefined ? undefined : grants?.get(id.toLowerCase());
        return grant ? [grant] : [];
    });
}

/**
 * One AgentPool per user pool, deleted with the cluster (a destroy does not remove pools one by
 * one first). Logical names carry the config name, so a pool whose immutable settings change is
 * replaced (its Azure name changes) and Pulumi creates the new pool before deleting the old one.
 *
 * In your subnet (`network.subnetId`), each pool waits for every pool before it: AKS sets
 * ownership of the virtual network when it creates a pool there, and a second pool created while
 * the network is still Updating fails with SetVNetOwnershipFailed (Azure/AKS#4522;
 * hashicorp/terraform-provider-azurerm locks the network for the same reason, #25888, #32682;
 * docs/azure-facts.md failure mode 28). Every later pool depending on every earlier one (as
 * federated credentials do) also makes Pulumi delete pools removed together one at a time. In the
 * network AKS manages, pools are created at once (AKS creates several pools concurrently,
 * Azure/AKS#1913).
 */
export function userAgentPools(
    name: string,
    args: UserPoolsArgs,
    cluster: containerservice.ManagedCluster,
    parent: pulumi.Resource,
): containerservice.AgentPool[] {
    const created: containerservice.AgentPool[] = [];
    const inYourNetwork = args.nodes.subnetId !== undefined;
    for (const pool of args.pools) {
        const autoscale = pool.minCount !== undefined;
        const agentPool = new containerservice.AgentPool(
            `${name}-pool-${pool.name}`,
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: args.clusterName,
                agentPoolName: userPoolAzureName(pool, args.nodes.encryptionAtHost),
                mode: "User",
                ...common(pool, args.nodes),
                nodeLabels: { ...pool.labels, [POOL_LABEL]: pool.name },
                nodeTaints: pool.taints.length > 0 ? pool.taints : undefined,
                // Spot: evicted VMs are deleted, and the price is capped at the on-demand price
                // (-1), so eviction comes from capacity only (learn.microsoft.com/azure/aks/spot-node-pool).
                ...(pool.spot
                    ? {
                          scaleSetPriority: "Spot",
                          scaleSetEvictionPolicy: "Delete",
                          spotMaxPrice: -1,
                      }
                    : {}),
            },
            {
                parent,
                dependsOn: [
                    cluster,
                    ...subnetGrantsOf(pool, args.subnetGrants),
                    ...(inYourNetwork ? created : []),
                ],
                deletedWith: cluster,
                // The autoscaler moves the count; Pulumi should not fight it.
                ignoreChanges: autoscale ? ["count"] : [],
            },
        );
        created.push(agentPool);
    }
    return created;
}

/** Every pool's own subnet and pod subnet, as written (the control plane needs each). */
export function poolSubnetIds(config: {
    cluster: { systemPool: NodePool; userPools: NodePool[] };
}) {
    const pools = [config.cluster.systemPool, ...config.cluster.userPools];
    return pools.flatMap((p) => [p.subnetId, p.podSubnetId].filter((s) => s !== undefined));
}
