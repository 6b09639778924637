// Settings AKS fixes when it creates the cluster: the region, the inline system pool's VM size,
// zones, OS and encryption at host, the subnet and address ranges, the private API server with its
// DNS zone, and the API server's subnet once API Server VNet Integration is on. Azure refuses to
// change them later (docs/azure-facts.md, failure modes 13, 17 and 26), and a refused cluster
// update, or a replacement under a name the old resource still holds,
// fails `pulumi up` halfway, after the run has created other things. So the stack exports them,
// reads its own previous export back before declaring anything, and refuses a change as a config
// problem: nothing is created, and the message says what to do instead.
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, type StackConfig } from "./config";
import type { StackNames } from "./naming";
import { HASHED_NAME_MAX, immutablePoolSettings, POOL_CREATE_ONLY } from "./nodePools";

/** The tuning AKS fixes on the inline system pool, as exported (null: unset). */
const SYSTEM_POOL_TUNING = POOL_CREATE_ONLY;
/** The physical names the cluster was created under (aks-entra:names, or derived). */
const NAME_KEYS = ["resourceGroup", "cluster", "dnsPrefix", "nodeResourceGroup"] as const;
type Names = Record<(typeof NAME_KEYS)[number], string>;

/** The create-only settings as the stack exports them (output `createOnlySettings`). */
export interface CreateOnlySettings {
    /** The region of the resource group, the cluster and every identity (`aks-entra:location`). */
    location: string;
    systemPool: { vmSize: string; zones: string[]; osSku: string } & {
        [K in (typeof SYSTEM_POOL_TUNING)[number]]?: string | number | null;
    };
    /** Pods on VNet IPs or overlay, and the policy engine (absent in older exports: the defaults). */
    podNetwork?: { plugin: string; policy: string };
    /** Physical names (absent in older exports: derived from project and stack). */
    names?: Names;
    /**
     * The create-only settings of each user pool whose Azure name is its config name (9-12
     * characters, no room for the hash that would make a change a new pool).
     */
    exactPools?: Record<string, string[]>;
    /** Encryption at host on every pool, the inline system pool included. */
    encryptionAtHost: boolean;
    network: {
        subnetId: string;
        podCidr: string | null;
        serviceCidr: string | null;
        dnsServiceIp: string | null;
        outboundType: string;
        /** API Server VNet Integration: on for good once on (absent in older exports). */
        apiServerSubnetId?: string | null;
    } | null;
    privateCluster: boolean;
    privateDnsZone: string | null;
    /** Customer-managed disk keys (absent in older exports: clusters made without them). */
    diskEncryptionSetId?: string | null;
}

/** `names`: the stack's physical names; without them the export records none (tests). */
export function createOnlySettings(config: StackConfig, names?: StackNames): CreateOnlySettings {
    const c = config.cluster;
    const n = c.network;
    return {
        location: config.location,
        systemPool: {
            vmSize: c.systemPool.vmSize,
            zones: c.systemPool.zones,
            osSku: c.systemPool.osSku,
            ...Object.fromEntries(SYSTEM_POOL_TUNING.map((k) => [k, c.systemPool[k] ?? null])),
        },
        podNetwork: { ...c.podNetwork },
        ...(names && { names: Object.fromEntries(NAME_KEYS.map((k) => [k, names[k]])) as Names }),
        exactPools: Object.fromEntries(
            c.userPools
                .filter((p) => p.name.length > HASHED_NAME_MAX)
                .map((p) => [p.name, immutablePoolSettings(p, c.encryptionAtHost)]),
        ),
        encryptionAtHost: c.encryptionAtHost,
        network: n
            ? {
                  subnetId: n.subnetId,
                  podCidr: n.podCidr ?? null,
                  serviceCidr: n.serviceCidr ?? null,
                  dnsServiceIp: n.dnsServiceIp ?? null,
                  outboundType: n.outboundType,
                  apiServerSubnetId: n.apiServerSubnetId ?? null,
              }
            : null,
        privateCluster: c.privateCluster,
        privateDnsZone: c.privateDnsZone ?? null,
        diskEncryptionSetId: c.diskEncryptionSetId ?? null,
    };
}

const SYSTEM_POOL_PROCEDURE =
    "AKS cannot change it on an existing pool, and the system pool is part of the cluster resource. Keep the value; put workloads that need other nodes in cluster.userPools; to change the system pool itself, create a new stack and move the workloads (docs/node-pools-and-networking.md: Node pools)";
const NEW_CLUSTER =
    "AKS sets it only when the cluster is created. Keep the value, or create a new stack for a new cluster and move the workloads (docs/node-pools-and-networking.md: Networking)";

/** Why each create-only setting cannot change, keyed by its config key after `aks-entra:`. */
const WHY: Readonly<Record<string, string>> = {
    location:
        "Azure cannot move a resource group, a cluster or an identity to another region, and every name in this stack is fixed, so Pulumi's replacement would try to create each under the name the old one still holds and fail halfway (azure-native replaces on a location change). Keep the value; for a cluster in another region, create a new stack with the new location, move the workloads and the pipelines to its identities, then pulumi destroy this one (docs/updates-and-destroy.md: Updates and destroy)",
    "cluster.systemPool.vmSize": SYSTEM_POOL_PROCEDURE,
    "cluster.systemPool.zones": SYSTEM_POOL_PROCEDURE,
    "cluster.systemPool.osSku": SYSTEM_POOL_PROCEDURE,
    "cluster.encryptionAtHost":
        "a pool gets encryption at host only when it is created (learn.microsoft.com/azure/aks/enable-host-encryption), and the system pool is part of the cluster resource. Keep the value, or create a new stack with it and move the workloads",
    "cluster.network": NEW_CLUSTER,
    "cluster.network.subnetId": NEW_CLUSTER,
    "cluster.network.podCidr": NEW_CLUSTER,
    "cluster.network.serviceCidr": NEW_CLUSTER,
    "cluster.network.dnsServiceIp": NEW_CLUSTER,
    "cluster.network.outboundType": NEW_CLUSTER,
    "cluster.network.apiServerSubnetId":
        "API Server VNet Integration can be turned on for an existing cluster, but never off nor moved to another subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration). Keep the value, or create a new stack and move the workloads (docs/node-pools-and-networking.md: Networking)",
    "cluster.privateCluster":
        "a Private Link API server cannot be made public or private after creation (learn.microsoft.com/azure/aks/private-clusters). Keep the value, or create a new stack",
    "cluster.privateDnsZone": NEW_CLUSTER,
    "cluster.diskEncryptionSetId":
        "OS disks are encrypted with customer-managed keys only when the cluster is created (learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys, Limitations). Keep the value (rotate the key inside the set instead), or create a new stack with the new set and move the workloads",
    "cluster.network.plugin":
        "AKS sets how pods get addresses when it creates the cluster; it can migrate some clusters in place with az aks update (learn.microsoft.com/azure/aks/update-azure-cni), which the stack does not drive. Keep the value, or create a new stack and move the workloads (docs/network-plugins.md)",
    "cluster.network.policy":
        "the policy engine and its dataplane are set when the cluster is created; AKS can migrate some engines in place with az aks update (learn.microsoft.com/azure/aks/use-network-policies), which the stack does not drive. Keep the value, or create a new stack and move the workloads (docs/network-plugins.md)",
    ...Object.fromEntries(
        SYSTEM_POOL_TUNING.map((k) => [`cluster.systemPool.${k}`, SYSTEM_POOL_PROCEDURE]),
    ),
    ...Object.fromEntries(
        NAME_KEYS.map((k) => [
            `names.${k}`,
            "the name is in the id of the resource group or cluster (or, for dnsPrefix and nodeResourceGroup, AKS sets it only at create: PropertyChangeNotAllowed), so a new one would be a new cluster under Pulumi's replacement, deleting the old one with every grant on it. Keep the value; for a cluster under new names, create a new stack with them and move the workloads (docs/names.md)",
        ]),
    ),
};

/** Why a user pool named in 9-12 characters cannot change a create-only setting. */
const EXACT_POOL =
    "AKS cannot change it on an existing pool, and a pool named in 9-12 characters has no room for the 4 characters that would give the changed pool a new Azure name beside the old one. Give the pool a new name (or one of 1-8 characters): the stack creates the new pool, then deletes the old one (docs/node-pools-and-networking.md: Node pools)";

const show = (v: unknown) => (v === null || v === undefined ? "(unset)" : JSON.stringify(v));

/**
 * The problems of changing `previous` (the last export, or undefined before the first successful
 * `pulumi up`) into `now`: one line per setting, config key first. `derived`: the names the stack
 * derives from project and stack, which an export from before aks-entra:names was created under.
 */
export function createOnlyProblems(
    previous: unknown,
    now: CreateOnlySettings,
    derived?: StackNames,
): string[] {
    if (previous === null || typeof previous !== "object") return [];
    const before = previous as Partial<CreateOnlySettings>;
    const out: string[] = [];
    const compare = (key: string, was: unknown, is: unknown) => {
        if (was === undefined || JSON.stringify(was) === JSON.stringify(is)) return;
        out.push(
            `${NAMESPACE}:${key} ${show(is)} differs from ${show(was)}, which the cluster was created with: ${WHY[key]}`,
        );
    };
    // Config validates a region as lowercase letters and digits, as the last export holds it.
    compare("location", before.location, now.location);
    if (before.systemPool) {
        for (const k of ["vmSize", "zones", "osSku"] as const) {
            compare(`cluster.systemPool.${k}`, before.systemPool[k], now.systemPool[k]);
        }
        // An export from before the tuning keys comes from a pool made without them.
        for (const k of SYSTEM_POOL_TUNING) {
            compare(`cluster.systemPool.${k}`, before.systemPool[k] ?? null, now.systemPool[k]);
        }
    }
    const podNetwork = before.podNetwork ?? { plugin: "overlay", policy: "cilium" };
    for (const k of ["plugin", "policy"] as const) {
        compare(`cluster.network.${k}`, podNetwork[k], now.podNetwork?.[k]);
    }
    const names =
        before.names ?? (derived && Object.fromEntries(NAME_KEYS.map((k) => [k, derived[k]])));
    for (const k of NAME_KEYS) {
        if (names && now.names) compare(`names.${k}`, names[k], now.names[k]);
    }
    for (const [pool, settings] of Object.entries(now.exactPools ?? {})) {
        const was = before.exactPools?.[pool];
        if (was !== undefined && JSON.stringify(was) !== JSON.stringify(settings)) {
            out.push(
                `${NAMESPACE}:cluster.userPools (pool ${show(pool)}) ${show(settings)} differs from ${show(was)}, which the pool was created with: ${EXACT_POOL}`,
            );
        }
    }
    // An export from before the key existed comes from a cluster made without it.
    compare("cluster.encryptionAtHost", before.encryptionAtHost ?? false, now.encryptionAtHost);
    if (before.network !== undefined) {
        if (before.network === null || now.network === null) {
            compare("cluster.network", before.network, now.network);
        } else {
            for (const k of Object.keys(now.network) as (keyof typeof now.network)[]) {
                // Turning API Server VNet Integration on is an update AKS makes; off is not.
                if (k === "apiServerSubnetId" && (before.network[k] ?? null) === null) continue;
                compare(`cluster.network.${k}`, before.network[k], now.network[k]);
            }
        }
    }
    compare("cluster.privateCluster", before.privateCluster, now.privateCluster);
    compare("cluster.privateDnsZone", before.privateDnsZone, now.privateDnsZone);
    compare(
        "cluster.diskEncryptionSetId",
        before.diskEncryptionSetId ?? null,
        now.diskEncryptionSetId ?? null,
    );
    return out;
}

/**
 * This stack's `createOnlySettings` output from its last update, read through a StackReference to
 * the stack itself (undefined before the first update that exported it).
 */
export async function previousCreateOnlySettings(): Promise<unknown> {
    const self = new pulumi.StackReference(
        `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    );
    const details = await self.getOutputDetails("createOnlySettings");
    return details.value ?? details.secretValue;
}
