// cluster.extraProperties and extraProperties on each pool: ARM properties of the ManagedCluster
// or AgentPool that no key covers (a service mesh, the workload autoscaler, ...), merged into the
// resource's inputs. Each is checked against azure-native's own input types (components/armTypes.ts)
// and refused when it touches what the stack owns. Pure module but for reading those types.
// docs/extra-properties.md.
import { type ArmType, armEnum, armObject } from "./armTypes";
import { show } from "./config/messages";
import { closest } from "./nearMiss";

export type ExtraTarget = "cluster" | "systemPool" | "userPool";

/** The azure-native interface that types each target's inputs. */
const INTERFACE: Readonly<Record<ExtraTarget, string>> = {
    cluster: "ManagedClusterArgs",
    systemPool: "ManagedClusterAgentPoolProfileArgs",
    userPool: "AgentPoolArgs",
};

const WHAT: Readonly<Record<ExtraTarget, string>> = {
    cluster: "an AKS ManagedCluster",
    systemPool: "an AKS agent pool profile",
    userPool: "an AKS AgentPool",
};

/** The API version azure-native 3.28's containerservice resources use. */
export const CONTAINERSERVICE_API_VERSION = "2025-09-01";

const ENTRA = "the stack's Entra ID integration (aks-entra:admins, clusterAccess)";
const IDENTITIES = "the stack's control-plane and kubelet identities";
const NETWORK = "the stack's network (cluster.network)";
const API_SERVER =
    "cluster.privateCluster, authorizedIpRanges, disableRunCommand, network.apiServerSubnetId";
const SECURITY =
    "the stack's security profile (workload identity, cluster.imageCleaner, defender, kms)";

/** What the stack sets on a ManagedCluster, and the key or part of the stack that sets it. */
const CLUSTER_OWNED: Readonly<Record<string, string>> = {
    resourceGroupName: "the stack's resource group",
    resourceName: "the stack's cluster name",
    location: "aks-entra:location",
    extendedLocation: "aks-entra:location",
    kind: "the stack's cluster kind (Base)",
    dnsPrefix: "the stack's DNS prefix",
    fqdnSubdomain: "the stack's DNS prefix",
    nodeResourceGroup: "the stack's node resource group name",
    nodeResourceGroupProfile: "the stack's node resource group",
    kubernetesVersion: "aks-entra:kubernetesVersion",
    sku: "cluster.tier",
    supportPlan: "the stack's support plan (KubernetesOfficial)",
    aadProfile: ENTRA,
    enableRBAC: ENTRA,
    disableLocalAccounts: ENTRA,
    servicePrincipalProfile: IDENTITIES,
    identity: IDENTITIES,
    identityProfile: IDENTITIES,
    podIdentityProfile: "workload identity, which the stack turns on",
    oidcIssuerProfile: "workload identity, which the stack turns on",
    securityProfile: SECURITY,
    linuxProfile: "cluster.nodeSsh (no SSH keys on nodes)",
    windowsProfile: "the stack's Linux-only node pools",
    networkProfile: NETWORK,
    apiServerAccessProfile: API_SERVER,
    publicNetworkAccess: API_SERVER,
    privateLinkResources: API_SERVER,
    addonProfiles: "the add-on keys (cluster.azurePolicy, monitoring, secretsStore)",
    autoUpgradeProfile: "cluster.autoUpgradeChannel, nodeOsUpgradeChannel",
    agentPoolProfiles: "cluster.systemPool (extraProperties there) and cluster.userPools",
    azureMonitorProfile: "cluster.monitoring",
    diskEncryptionSetID: "cluster.diskEncryptionSetId",
    autoScalerProfile: "cluster.autoscalerProfile",
    ingressProfile: "cluster.appRouting",
    tags: "aks-entra:tags",
};

/** What the stack sets on every pool, inline or AgentPool. */
const POOL_OWNED: Readonly<Record<string, string>> = {
    name: "the stack's pool names",
    agentPoolName: "cluster.userPools[].name",
    resourceGroupName: "the stack's resource group",
    resourceName: "the stack's cluster name",
    mode: "the pool's place (systemPool or userPools)",
    type: "the stack's scale-set pools",
    osType: "the stack's Linux-only node pools",
    osSKU: "osSku",
    vmSize: "vmSize",
    count: "count",
    minCount: "minCount",
    maxCount: "maxCount",
    enableAutoScaling: "minCount and maxCount",
    availabilityZones: "zones",
    orchestratorVersion: "aks-entra:kubernetesVersion",
    vnetSubnetID: "cluster.network.subnetId or the pool's subnetId",
    podSubnetID: "the pool's podSubnetId",
    securityProfile: "cluster.nodeSsh",
    enableEncryptionAtHost: "cluster.encryptionAtHost",
    nodeLabels: "labels",
    nodeTaints: "taints (and criticalAddonsOnly)",
    scaleSetPriority: "spot",
    scaleSetEvictionPolicy: "spot",
    spotMaxPrice: "spot",
    maxPods: "maxPods",
    osDiskType: "osDiskType",
    osDiskSizeGB: "osDiskSizeGB",
    upgradeSettings: "maxSurge",
    tags: "aks-entra:tags",
};

const OWNED: Readonly<Record<ExtraTarget, Readonly<Record<string, string>>>> = {
    cluster: CLUSTER_OWNED,
    systemPool: POOL_OWNED,
    userPool: POOL_OWNED,
};

/** The inputs of a registered `target` that extraProperties added: those the stack does not own. */
export function addedProperties(target: ExtraTarget, inputs: Readonly<Record<string, unknown>>) {
    return Object.keys(inputs).filter(
        (k) => inputs[k] !== undefined && !Object.hasOwn(OWNED[target], k),
    );
}

/** The names a target's inputs may take from extraProperties. */
export function extraPropertyNames(target: ExtraTarget): string[] {
    const object = armObject(INTERFACE[target]);
    return [...(object?.properties.keys() ?? [])].filter((k) => !Object.hasOwn(OWNED[target], k));
}

/**
 * The problems of `extra` as extra properties of `target`, each a message line starting with
 * `key` (the config path of the map): unknown or owned properties, values of the wrong type.
 */
export function extraPropertiesProblems(
    key: string,
    target: ExtraTarget,
    extra: Readonly<Record<string, unknown>>,
): string[] {
    const object = armObject(INTERFACE[target]);
    if (object === undefined) {
        return [
            `${key} cannot be checked: the installed @pulumi/azure-native has no ${INTERFACE[target]} type definitions`,
        ];
    }
    const out: string[] = [];
    for (const [name, value] of Object.entries(extra)) {
        const owner = Object.hasOwn(OWNED[target], name) ? OWNED[target][name] : undefined;
        const type = object.properties.get(name);
        if (owner !== undefined) {
            out.push(
                `${key}.${name} is set by the stack from ${owner}; extraProperties adds only what no key covers`,
            );
        } else if (type === undefined) {
            const near = closest(name, extraPropertyNames(target));
            out.push(
                `${key}.${name} is not a property of ${WHAT[target]} (azure-native's inputs for API ${CONTAINERSERVICE_API_VERSION})${near ? `; did you mean "${near}"?` : `; allowed: ${extraPropertyNames(target).join(", ")}`}`,
            );
        } else {
            out.push(...valueProblems(`${key}.${name}`, type, value));
        }
    }
    return out;
}

/** What ARM would refuse in `value` as a `type`. */
function valueProblems(at: string, type: ArmType, value: unknown): string[] {
    switch (type.kind) {
        case "any":
            return [];
        case "number":
            return typeof value === "number" ? [] : [`${at} ${show(value)} is not a number`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at} ${show(value)} is not true or false`];
        case "string": {
            if (typeof value !== "string") return [`${at} ${show(value)} is not a string`];
            const allowed = type.enumName === undefined ? [] : armEnum(type.enumName);
            return allowed.length === 0 || allowed.includes(value)
                ? []
                : [`${at} ${show(value)} is not allowed; allowed: ${allowed.join(" | ")}`];
        }
        case "array":
            return Array.isArray(value)
                ? value.flatMap((v, i) => valueProblems(`${at}[${i}]`, type.items, v))
                : [`${at} ${show(value)} is not a list`];
        case "map":
            return isMap(value)
                ? Object.entries(value).flatMap(([k, v]) =>
                      valueProblems(`${at}.${k}`, type.values, v),
                  )
                : [`${at} ${show(value)} is not a map`];
        case "object": {
            if (!isMap(value)) return [`${at} ${show(value)} is not a map`];
            const object = armObject(type.name);
            if (object === undefined) return [];
            const out: string[] = [];
            for (const [k, v] of Object.entries(value)) {
                const t = object.properties.get(k);
                if (t === undefined) {
                    const known = [...object.properties.keys()];
                    const near = closest(k, known);
                    out.push(
                        `${at}.${k} is not a property here${near ? `; did you mean "${near}"?` : `; allowed: ${known.join(", ")}`}`,
                    );
                } else {
                    out.push(...valueProblems(`${at}.${k}`, t, v));
                }
            }
            for (const r of object.required) {
                if (value[r] === undefined) out.push(`${at}.${r} (missing) is required`);
            }
            return out;
        }
    }
}

function isMap(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}
