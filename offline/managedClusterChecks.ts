// What AKS refuses of a ManagedCluster, its agent pools and its planned-maintenance configurations,
// so that a design that sends one fails offline too. Each refusal restates a documented rule
// (docs/azure-facts.md). Pure module.
import { versionRefusal } from "../components/aksVersions";
import { maxSurgeProblem } from "../components/config/values";
import { ephemeralProblem } from "../components/vmLocalDisk";
import { show } from "./inputValues";

type Props = Record<string, unknown>;

/**
 * The ManagedCluster requests AKS refuses, so that a design that sends one fails offline too. Each
 * is a documented AKS rule; the messages paraphrase AKS's errors.
 */
export function managedClusterProblems(inputs: Props, today: Date = new Date()): string[] {
    const problems: string[] = [];
    // Past AKS end of support, AKS refuses the create (docs/azure-facts.md, AKS Kubernetes
    // versions); config validation refuses such a version first, by the same table.
    const version = inputs.kubernetesVersion;
    if (
        typeof version === "string" &&
        /^\d+\.\d+(\.\d+)?$/.test(version) &&
        versionRefusal(version, today, undefined) !== undefined
    ) {
        problems.push(
            `K8sVersionNotSupported: version ${version} is not supported in this region (past AKS end of support)`,
        );
    }
    const aad = (inputs.aadProfile ?? {}) as Props;
    const api = (inputs.apiServerAccessProfile ?? {}) as Props;
    const upgrade = (inputs.autoUpgradeProfile ?? {}) as Props;
    const net = (inputs.networkProfile ?? {}) as Props;
    const identity = (inputs.identity ?? {}) as Props;
    const pools = (inputs.agentPoolProfiles ?? []) as Props[];
    const security = (inputs.securityProfile ?? {}) as { workloadIdentity?: { enabled?: boolean } };
    const oidc = (inputs.oidcIssuerProfile ?? {}) as { enabled?: boolean };

    if (inputs.disableLocalAccounts === true && aad.managed !== true) {
        problems.push(
            "local accounts can only be disabled on a cluster with AKS-managed Entra integration",
        );
    }
    if (aad.enableAzureRBAC === true && aad.managed !== true) {
        problems.push("Azure RBAC for Kubernetes needs AKS-managed Entra integration");
    }
    if (
        aad.managed === true &&
        ["clientAppID", "serverAppID", "serverAppSecret"].some((k) => aad[k] !== undefined)
    ) {
        problems.push(
            "legacy Entra (client/server app) fields cannot be set with managed integration",
        );
    }
    if (
        api.enablePrivateCluster === true &&
        Array.isArray(api.authorizedIPRanges) &&
        api.authorizedIPRanges.length > 0
    ) {
        problems.push("authorized IP ranges are not supported on a private cluster");
    }
    if (
        upgrade.upgradeChannel === "node-image" &&
        upgrade.nodeOSUpgradeChannel !== undefined &&
        upgrade.nodeOSUpgradeChannel !== "NodeImage"
    ) {
        problems.push("nodeOSUpgradeChannel must be NodeImage when upgradeChannel is node-image");
    }
    const serviceCidr = typeof net.serviceCidr === "string" ? net.serviceCidr : "";
    const servicePrefix = /^[\d.]+\/(\d+)$/.exec(serviceCidr)?.[1];
    if (servicePrefix !== undefined && Number(servicePrefix) < 12) {
        // kube-apiserver: "specified --service-cluster-ip-range is too large; for 32-bit
        // addresses, the mask must be >= 12"; AKS: "smaller than /12".
        problems.push(
            `serviceCidr ${String(net.serviceCidr)} is too large; the mask must be >= 12`,
        );
    }
    // "You can't specify an existing resource group for the node resource group" (AKS FAQ).
    if (
        typeof inputs.nodeResourceGroup === "string" &&
        inputs.nodeResourceGroup.toLowerCase() === String(inputs.resourceGroupName).toLowerCase()
    ) {
        problems.push(
            `nodeResourceGroup ${inputs.nodeResourceGroup} is an existing resource group (the cluster's own); AKS creates the node resource group`,
        );
    }
    const podSubnets = pools.filter((p) => typeof p.podSubnetID === "string").length;
    if (podSubnets > 0 && net.networkPluginMode === "overlay") {
        problems.push("podSubnetID cannot be used with networkPluginMode overlay");
    }
    if (podSubnets > 0 && podSubnets < pools.length) {
        problems.push(
            "every agent pool of a cluster with a pod subnet needs one (the entire cluster uses one type of CNI)",
        );
    }
    if (net.networkPolicy === "cilium" && net.networkDataplane !== "cilium") {
        problems.push("network policy cilium requires networkDataplane cilium");
    }
    if (net.networkDataplane === "cilium" && net.networkPlugin !== "azure") {
        problems.push("the cilium dataplane requires the azure network plugin");
    }
    if (security.workloadIdentity?.enabled === true && oidc.enabled !== true) {
        problems.push("workload identity requires the OIDC issuer to be enabled");
    }
    const profile = inputs.identityProfile as { kubeletidentity?: unknown } | undefined;
    if (profile?.kubeletidentity !== undefined && identity.type !== "UserAssigned") {
        problems.push("a custom kubelet identity requires a user-assigned control-plane identity");
    }
    if (
        identity.type === "UserAssigned" &&
        (!Array.isArray(identity.userAssignedIdentities) ||
            identity.userAssignedIdentities.length !== 1)
    ) {
        problems.push("a user-assigned control plane takes exactly one identity resource id");
    }
    const cleaner = (inputs.securityProfile as { imageCleaner?: Props } | undefined)?.imageCleaner;
    const hours = cleaner?.intervalHours;
    if (cleaner?.enabled === true && typeof hours === "number" && (hours < 24 || hours > 2160)) {
        problems.push(`imageCleaner.intervalHours ${hours} is outside 24-2160`);
    }
    const defender = (inputs.securityProfile as { defender?: Props } | undefined)?.defender;
    if (
        (defender?.securityMonitoring as { enabled?: boolean } | undefined)?.enabled === true &&
        typeof defender?.logAnalyticsWorkspaceResourceId !== "string"
    ) {
        problems.push("Defender security monitoring needs logAnalyticsWorkspaceResourceId");
    }
    const kms = (inputs.securityProfile as { azureKeyVaultKms?: Props } | undefined)
        ?.azureKeyVaultKms;
    if (kms?.enabled === true) {
        if (!/^https:\/\/[^/]+\/keys\/[^/]+\/[0-9a-f]{32}$/i.test(String(kms.keyId))) {
            problems.push(`azureKeyVaultKms.keyId ${String(kms.keyId)} is not a versioned key id`);
        }
        if (kms.keyVaultNetworkAccess === "Private" && typeof kms.keyVaultResourceId !== "string") {
            problems.push("a private KMS key vault needs keyVaultResourceId");
        }
        // "If a cluster has KMS turned on and has a private key vault, it must use the API Server
        // VNet Integration tunnel"; Konnectivity is not offered for private vaults to subscriptions
        // since 2024-09-15 (learn.microsoft.com/azure/aks/use-kms-etcd-encryption).
        if (kms.keyVaultNetworkAccess === "Private" && api.enableVnetIntegration !== true) {
            problems.push(
                "a KMS key vault with keyVaultNetworkAccess Private needs API Server VNet Integration (apiServerAccessProfile.enableVnetIntegration): Konnectivity is not offered for private key vaults",
            );
        }
    }
    problems.push(...vnetIntegrationProblems(api, pools));
    problems.push(...pools.flatMap((p) => poolProblems(p, `agent pool ${String(p.name)}`)));
    if (!pools.some((p) => p.mode === "System")) {
        problems.push("a cluster needs at least one System mode agent pool");
    }
    for (const p of pools) {
        if (typeof p.name !== "string" || !/^[a-z][a-z0-9]{0,11}$/.test(p.name)) {
            problems.push(
                `agent pool name ${String(p.name)} must be 1-12 lowercase letters and digits, starting with a letter`,
            );
        }
        if (
            p.enableAutoScaling === true &&
            (typeof p.minCount !== "number" || typeof p.maxCount !== "number")
        ) {
            problems.push(`agent pool ${String(p.name)} autoscales without minCount and maxCount`);
        }
    }
    return problems;
}

/**
 * API Server VNet Integration in your own VNet (learn.microsoft.com/azure/aks/api-server-vnet-integration;
 * ARM's apiServerAccessProfile.subnetId: "required when creating a new cluster with BYO Vnet"):
 * the API server's subnet is another subnet of the nodes' VNet. Its delegation and size are
 * properties of the subnet, which the fakes do not hold.
 */
function vnetIntegrationProblems(api: Props, pools: Props[]): string[] {
    if (api.enableVnetIntegration !== true) {
        return typeof api.subnetId === "string"
            ? ["apiServerAccessProfile.subnetId is used only with enableVnetIntegration true"]
            : [];
    }
    const nodes = pools.map((p) => p.vnetSubnetID).find((id) => typeof id === "string");
    if (typeof api.subnetId !== "string") {
        return typeof nodes === "string"
            ? [
                  "apiServerAccessProfile.subnetId is required for API Server VNet Integration when the nodes are in your own VNet (vnetSubnetID)",
              ]
            : [];
    }
    const subnet = api.subnetId.toLowerCase();
    const vnet = (id: string) => id.toLowerCase().replace(/\/subnets\/[^/]+$/, "");
    if (typeof nodes !== "string") {
        return [
            "apiServerAccessProfile.subnetId needs the nodes in the same VNet (agent pool vnetSubnetID)",
        ];
    }
    if (
        pools.some(
            (p) => typeof p.vnetSubnetID === "string" && p.vnetSubnetID.toLowerCase() === subnet,
        )
    ) {
        return [
            `apiServerAccessProfile.subnetId ${api.subnetId} is also a node subnet; the API server subnet is delegated to Microsoft.ContainerService/managedClusters and used by nothing else`,
        ];
    }
    if (vnet(subnet) !== vnet(nodes)) {
        return [
            `apiServerAccessProfile.subnetId ${api.subnetId} is not in the nodes' VNet ${vnet(nodes)}`,
        ];
    }
    return [];
}

/**
 * The resource-log categories of Microsoft.ContainerService/managedClusters, restated from Azure
 * Monitor's reference (learn.microsoft.com/azure/aks/monitor-aks-reference), not from the stack.
 */
export const AKS_LOG_CATEGORIES: readonly string[] = [
    "kube-apiserver",
    "kube-audit",
    "kube-audit-admin",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "cloud-controller-manager",
    "guard",
    "csi-azuredisk-controller",
    "csi-azurefile-controller",
    "csi-snapshot-controller",
];

/** What AKS refuses of any pool, inline or an AgentPool. */
export function poolProblems(pool: Props, where: string): string[] {
    const out: string[] = [];
    const ssh = (pool.securityProfile as { sshAccess?: unknown } | undefined)?.sshAccess;
    if (ssh !== undefined && ssh !== "LocalUser" && ssh !== "Disabled") {
        out.push(
            `${where}: securityProfile.sshAccess ${JSON.stringify(ssh)} is not LocalUser or Disabled`,
        );
    }
    if (typeof pool.vmSize === "string" && ONE_VCPU_SIZES.includes(pool.vmSize.toLowerCase())) {
        out.push(
            `${where}: VM size ${pool.vmSize} has fewer than 2 vCPUs, which AKS does not allow`,
        );
    }
    // Max pods: 10-250, and below 30 only when the pool's nodes hold 30 together
    // (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning).
    const maxPods = pool.maxPods;
    if (typeof maxPods === "number") {
        const nodes = Number(pool.minCount ?? pool.count ?? 1);
        if (maxPods < 10 || maxPods > 250) {
            out.push(`${where}: maxPods ${maxPods} is outside 10-250`);
        } else if (maxPods < 30 && maxPods * nodes < 30) {
            out.push(
                `${where}: maxPods ${maxPods} on ${nodes} node(s) leaves room for fewer than 30 pods in the pool`,
            );
        }
    }
    if (pool.osDiskType === "Ephemeral" && typeof pool.vmSize === "string") {
        const size = typeof pool.osDiskSizeGB === "number" ? pool.osDiskSizeGB : undefined;
        const problem = ephemeralProblem(pool.vmSize, size);
        if (problem !== undefined) out.push(`${where}: OS disk type Ephemeral: ${problem}`);
    }
    const surge = (pool.upgradeSettings as { maxSurge?: unknown } | undefined)?.maxSurge;
    if (
        surge !== undefined &&
        (typeof surge !== "string" || maxSurgeProblem(surge) !== undefined)
    ) {
        out.push(
            `${where}: upgradeSettings.maxSurge ${show(surge)} is not an integer or a percentage`,
        );
    }
    // AgentPool count: 1-1000 for System pools, 0-1000 for User pools (the ARM schema's text).
    const least = pool.mode === "System" ? 1 : 0;
    for (const key of ["count", "minCount"]) {
        const n = pool[key];
        if (typeof n === "number" && (n < least || n > 1000)) {
            out.push(
                `${where}: ${key} ${n} is outside ${least}-1000 for a ${String(pool.mode)} pool`,
            );
        }
    }
    return out;
}

/**
 * Sizes with one vCPU (or a shared core) that AKS refuses for any pool, restated from Microsoft's
 * size tables (learn.microsoft.com/azure/virtual-machines/sizes) and AKS's rule "VM sizes with
 * less than 2 CPUs may not be used" (learn.microsoft.com/azure/aks/quotas-skus-regions).
 */
const ONE_VCPU_SIZES: readonly string[] = [
    "Standard_A0",
    "Standard_A1",
    "Standard_A1_v2",
    "Standard_B1ls",
    "Standard_B1s",
    "Standard_B1ms",
    "Standard_D1",
    "Standard_D1_v2",
    "Standard_DS1",
    "Standard_DS1_v2",
    "Standard_DS11-1_v2",
    "Standard_F1",
    "Standard_F1s",
    "Standard_DC1s_v2",
    "Standard_DC1ds_v3",
    "Standard_DC1s_v3",
].map((s) => s.toLowerCase());

/** Planned-maintenance configurations AKS refuses (learn.microsoft.com/azure/aks/planned-maintenance). */
export function maintenanceProblems(inputs: Props): string[] {
    const out: string[] = [];
    const name = inputs.configName;
    if (
        !["default", "aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"].includes(
            String(name),
        )
    ) {
        out.push(
            `maintenance configuration name ${String(name)} is not default, aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule`,
        );
    }
    const w = (inputs.maintenanceWindow ?? {}) as Props;
    const hours = w.durationHours;
    if (typeof hours !== "number" || hours < 4 || hours > 24) {
        out.push(`maintenanceWindow.durationHours ${String(hours)} is outside 4-24`);
    }
    if (typeof w.startTime !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(w.startTime)) {
        out.push(`maintenanceWindow.startTime ${String(w.startTime)} is not HH:mm`);
    }
    return out;
}
