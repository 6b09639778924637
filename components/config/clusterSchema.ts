// The shape of aks-entra:cluster: node pools, network, maintenance, monitoring and the rest of the
// cluster's settings (schema.ts puts it under its key). Pure module.
import { z } from "zod";
import { autoscalerProfileSchema } from "../autoscalerProfile";
import { POD_SECURITY_EFFECTS, POD_SECURITY_STANDARDS } from "../podSecurityPolicy";
import {
    IMAGE_CLEANER_HOURS,
    KMS_NETWORK,
    KUBELET_GRANT_WAIT,
    MAINTENANCE_HOURS,
    MAX_AUTHORIZED_RANGES,
    MAX_PODS,
    MAX_USER_POOLS,
    NETWORK_PLUGINS,
    NETWORK_POLICIES,
    NODE_OS_UPGRADE_CHANNELS,
    OS_DISK_GB,
    OS_DISK_TYPES,
    OS_SKUS,
    OUTBOUND_TYPES,
    TIERS,
    UPGRADE_CHANNELS,
    WEEKDAYS,
} from "./constants";
import {
    cidrProblem,
    ipv4AddressProblem,
    keyVaultKeyIdProblem,
    maxSurgeProblem,
    podCidrProblem,
    poolLabelKeyProblem,
    privateDnsZoneProblem,
    resourceIdProblem,
    serviceCidrProblem,
    taintProblem,
    timeOfDayProblem,
    utcOffsetProblem,
    vmSizeProblem,
} from "./values";
import { rotationPollIntervalProblem } from "./addons";

import {
    between,
    checked,
    checkedString,
    idOf,
    listOf,
    subnetId,
    workspaceId,
} from "./schemaParts";

/**
 * A node pool. `leastNodes`: AKS keeps at least one node in a system pool and lets a user pool
 * scale to zero (AgentPool `count`: 1-1000 for system pools, 0-1000 for user pools).
 */
const poolSchema = (leastNodes: 0 | 1) => {
    const nodes = (max: number) => {
        const error =
            leastNodes === 1
                ? `is outside 1-${max}; a system pool keeps at least one node (user pools may scale to 0)`
                : `is outside 0-${max} (nodes of a user pool)`;
        return z.int().min(leastNodes, { error }).max(max, { error });
    };
    return z.strictObject({
        vmSize: checkedString(vmSizeProblem).optional(),
        count: nodes(100).optional(),
        minCount: nodes(1000).optional(),
        maxCount: z.int().min(1).max(1000).optional(),
        zones: z
            .array(z.enum(["1", "2", "3"]))
            .min(1)
            .optional(),
        osSku: z.enum(OS_SKUS).optional(),
        // AgentPool properties no key covers: checked by rules/clusterExtras.ts.
        extraProperties: z.record(z.string(), z.unknown()).optional(),
        // Tuning AKS fixes when it creates the pool (rules/pools.ts checks them together).
        maxPods: between("pods per node", MAX_PODS).optional(),
        osDiskType: z.enum(OS_DISK_TYPES).optional(),
        osDiskSizeGB: between("GiB of OS disk", OS_DISK_GB).optional(),
        maxSurge: z
            .union([z.int(), z.string()], {
                error: 'is not a node count or a percentage (e.g. 1 or "33%")',
            })
            .check(checked(maxSurgeProblem))
            .optional(),
        subnetId: subnetId.optional(),
        podSubnetId: subnetId.optional(),
    });
};

const systemPoolSchema = poolSchema(1).extend({
    // Only system pods (CriticalAddonsOnly) on the system pool; default: when userPools exist.
    criticalAddonsOnly: z.boolean().optional(),
});

// AKS allows 1-12 lowercase letters and digits, starting with a letter, for a Linux pool. A name
// of 1-8 gets 4 hex of its create-only settings appended (components/nodePools.ts); a longer one
// is the pool's Azure name as written (docs/node-pools-and-networking.md: Node pools).
const userPoolSchema = poolSchema(0).extend({
    name: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, {
        error: "is not a pool name (1-12 lowercase letters and digits, starting with a letter, as AKS allows for a Linux pool)",
    }),
    labels: z
        .record(
            checkedString(poolLabelKeyProblem),
            z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, {
                error: "is not a Kubernetes label value (at most 63 letters, digits, - _ ., alphanumeric at both ends)",
            }),
        )
        .optional(),
    taints: z.array(checkedString(taintProblem)).optional(),
    spot: z.boolean().optional(),
});

const networkSchema = z.strictObject({
    // Your subnet; without it AKS creates the VNet (rules/network.ts says which keys need it).
    subnetId: subnetId.optional(),
    plugin: z.enum(NETWORK_PLUGINS).optional(),
    policy: z.enum(NETWORK_POLICIES).optional(),
    podCidr: checkedString(podCidrProblem).optional(),
    serviceCidr: checkedString(serviceCidrProblem).optional(),
    dnsServiceIp: checkedString(ipv4AddressProblem).optional(),
    outboundType: z.enum(OUTBOUND_TYPES).optional(),
    routeTableId: checkedString((v) =>
        resourceIdProblem(v, "Microsoft.Network/routeTables"),
    ).optional(),
    // API Server VNet Integration: the API server's own subnet (rules/cluster.ts, apiServerSubnet).
    apiServerSubnetId: checkedString((v) =>
        resourceIdProblem(v, "Microsoft.Network/virtualNetworks/subnets"),
    ).optional(),
});

/** A weekly planned-maintenance window (containerservice.MaintenanceConfiguration). */
const maintenanceWindowSchema = z.strictObject({
    day: z.enum(WEEKDAYS),
    start: checkedString(timeOfDayProblem),
    durationHours: between("hours a window lasts", MAINTENANCE_HOURS).optional(),
    utcOffset: checkedString(utcOffsetProblem).optional(),
    everyWeeks: z.int().min(1).max(4).optional(),
});

/** `true`, `false` or a map of the feature's settings (cluster.monitoring, cluster.secretsStore). */
const toggle = <T extends z.ZodObject>(settings: T, shape: string) =>
    z.union([z.boolean(), settings], { error: `is not true, false or ${shape}` });

/** Container Insights, managed Prometheus and its recommended alerts (components/monitoring.ts). */
const monitoringSchema = z.strictObject({
    containerInsights: z.boolean().optional(),
    prometheus: toggle(
        z.strictObject({ azureMonitorWorkspaceId: idOf("Microsoft.Monitor/accounts") }),
        "{ azureMonitorWorkspaceId }",
    ).optional(),
    alerts: toggle(
        z.strictObject({ actionGroupId: idOf("Microsoft.Insights/actionGroups") }),
        "{ actionGroupId }",
    ).optional(),
});

export const clusterSchema = z.strictObject({
    tier: z.enum(TIERS).optional(),
    systemPool: systemPoolSchema.optional(),
    // Replaced by userPools; a rule refuses it with the new form (rules/cluster.ts).
    userPool: z.unknown().optional(),
    userPools: listOf(userPoolSchema, MAX_USER_POOLS).optional(),
    network: networkSchema.optional(),
    authorizedIpRanges: listOf(checkedString(cidrProblem), MAX_AUTHORIZED_RANGES).optional(),
    privateCluster: z.boolean().optional(),
    privateDnsZone: checkedString(privateDnsZoneProblem).optional(),
    autoUpgradeChannel: z.enum(UPGRADE_CHANNELS).optional(),
    nodeOsUpgradeChannel: z.enum(NODE_OS_UPGRADE_CHANNELS).optional(),
    disableRunCommand: z.boolean().optional(),
    // Hardening on by default (docs/azure-policy.md: Azure Policy built-ins); each can be turned off.
    nodeSsh: z.boolean().optional(),
    azurePolicy: z.boolean().optional(),
    imageCleaner: z
        .strictObject({
            enabled: z.boolean().optional(),
            intervalHours: between(
                "hours between Image Cleaner scans",
                IMAGE_CLEANER_HOURS,
            ).optional(),
        })
        .optional(),
    containerRegistries: listOf(idOf("Microsoft.ContainerRegistry/registries"), 50).optional(),
    // Opt-in hardening: each needs a subscription feature or a resource of yours.
    defender: z.strictObject({ workspaceId: workspaceId.optional() }).optional(),
    encryptionAtHost: z.boolean().optional(),
    kms: z
        .strictObject({
            keyId: checkedString(keyVaultKeyIdProblem),
            keyVaultId: idOf("Microsoft.KeyVault/vaults"),
            network: z.enum(KMS_NETWORK).optional(),
        })
        .optional(),
    maintenance: z
        .strictObject({
            autoUpgrade: maintenanceWindowSchema.optional(),
            nodeOs: maintenanceWindowSchema.optional(),
        })
        .optional(),
    // Production parity (issue 23): docs/configuration.md.
    autoscalerProfile: autoscalerProfileSchema.optional(),
    diskEncryptionSetId: idOf("Microsoft.Compute/diskEncryptionSets").optional(),
    podSecurity: z
        .strictObject({
            standard: z.enum(POD_SECURITY_STANDARDS),
            effect: z.enum(POD_SECURITY_EFFECTS).optional(),
        })
        .optional(),
    appRouting: z.boolean().optional(),
    // ManagedCluster properties no key covers: checked by rules/clusterExtras.ts.
    extraProperties: z.record(z.string(), z.unknown()).optional(),
    // AKS refuses a cluster whose Managed Identity Operator grant has not propagated
    // (docs/azure-facts.md, failure mode 11); public configurations wait 60 s to 2 min.
    kubeletGrantWaitSeconds: z
        .int()
        .min(KUBELET_GRANT_WAIT.min, {
            error: `is shorter than ${KUBELET_GRANT_WAIT.min} s, the shortest wait after a Managed Identity Operator grant that published configurations rely on (AKS answers CustomKubeletIdentityMissingPermissionError); allowed: ${KUBELET_GRANT_WAIT.min}-${KUBELET_GRANT_WAIT.max}`,
        })
        .max(KUBELET_GRANT_WAIT.max, {
            error: `is longer than ${KUBELET_GRANT_WAIT.max} s; allowed: ${KUBELET_GRANT_WAIT.min}-${KUBELET_GRANT_WAIT.max} (the wait runs only when the grant is new)`,
        })
        .optional(),
    monitoring: monitoringSchema.optional(),
    secretsStore: toggle(
        z.strictObject({ rotationPollInterval: checkedString(rotationPollIntervalProblem) }),
        "{ rotationPollInterval }",
    ).optional(),
});
