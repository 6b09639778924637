// The AKS cluster: every door is Microsoft Entra ID.
import type * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import { autoScalerProfileArgs } from "./autoscalerProfile";
import type { ClusterSettings, KubeloginMode, MaintenanceWindow } from "./config";
import { userKubeconfig } from "./kubeconfig";
import { monitoringAddons } from "./monitoring";
import { type NodeSettings, systemPoolProfile, userAgentPools } from "./nodePools";
import { podSecurityAssignment } from "./podSecurityPolicy";

/**
 * The planned-maintenance configurations AKS reads for each upgrade kind: the names are fixed by
 * AKS (learn.microsoft.com/azure/aks/planned-maintenance).
 */
export const MAINTENANCE_CONFIG_NAMES = {
    autoUpgrade: "aksManagedAutoUpgradeSchedule",
    nodeOs: "aksManagedNodeOSUpgradeSchedule",
} as const;

export interface AksClusterArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Azure name of the cluster. */
    readonly clusterName: string;
    readonly dnsPrefix: string;
    /** Name of the resource group AKS creates for nodes. */
    readonly nodeResourceGroup: string;
    /**
     * Make the node resource group read-only (names.nodeResourceGroupLockdown); false lifts it.
     * Defaults to neither: AKS's default, Unrestricted.
     */
    readonly nodeResourceGroupLockdown?: boolean;
    /** The control plane's grant covering each pool subnet, by lowercased id (ClusterIdentities). */
    readonly subnetGrants?: ReadonlyMap<string, pulumi.Resource>;
    /** Kubernetes version. Defaults to AKS's default version. */
    readonly kubernetesVersion?: string;
    readonly settings: ClusterSettings;
    /** Tenant whose Entra ID authenticates users of the cluster. */
    readonly tenantId: pulumi.Input<string>;
    /** Groups AKS binds to Kubernetes cluster-admin. At least one. */
    readonly adminGroupObjectIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Resource id of the user-assigned control-plane identity. */
    readonly controlPlaneIdentityId: pulumi.Input<string>;
    /** The user-assigned kubelet identity. */
    readonly kubeletIdentity: {
        resourceId: pulumi.Input<string>;
        clientId: pulumi.Input<string>;
        objectId: pulumi.Input<string>;
    };
    /**
     * The control plane's grants AKS checks at create (Managed Identity Operator on the kubelet
     * identity; on your own network, Network Contributor and Private DNS Zone Contributor) and the
     * wait for them to propagate: the cluster is created only after all (docs/azure-facts.md,
     * failure modes 4 and 11).
     */
    readonly clusterPrerequisites: pulumi.Resource[];
    /**
     * The Log Analytics workspace Defender reports to (cluster.defender on). Defaults to
     * cluster.defender.workspaceId.
     */
    readonly defenderWorkspaceId?: pulumi.Input<string>;
    /** The Log Analytics workspace of Container Insights (cluster.monitoring). */
    readonly containerInsightsWorkspaceId?: pulumi.Input<string>;
    /** How the exported kubeconfig logs in. Must not need a person for the Kubernetes provider. */
    readonly kubeloginMode: KubeloginMode;
    /** kubelogin `--client-id` of an msi login (deployer.managedIdentityClientId). */
    readonly kubeloginClientId?: string;
    /**
     * The exported kubeconfig asks for proof-of-possession tokens bound to this cluster's ARM id
     * (kubeloginMode spn only: components/pop.ts). Defaults to false: bearer tokens.
     */
    readonly kubeloginPop?: boolean;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Protect the cluster from deletion. Defaults to false. */
    readonly protect?: boolean;
}

export class AksCluster extends pulumi.ComponentResource {
    public readonly cluster: containerservice.ManagedCluster;
    /** The user pools, each its own AgentPool. */
    public readonly userPools: containerservice.AgentPool[];
    /** Planned-maintenance windows, keyed like cluster.maintenance. */
    public readonly maintenance: Partial<
        Record<keyof typeof MAINTENANCE_CONFIG_NAMES, containerservice.MaintenanceConfiguration>
    > = {};
    /** Microsoft's pod security initiative assigned at the cluster (cluster.podSecurity). */
    public readonly podSecurity?: authorization.PolicyAssignment;
    public readonly id: pulumi.Output<string>;
    public readonly name: pulumi.Output<string>;
    /** The OIDC issuer URL, verbatim (trailing slash included): the issuer of workload tokens. */
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** User kubeconfig with a non-interactive kubelogin exec login. Secret. */
    public readonly kubeconfig: pulumi.Output<string>;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:cluster:AksCluster", name, {}, opts);
        const s = args.settings;
        const nodes: NodeSettings = {
            subnetId: s.network?.subnetId,
            ssh: s.nodeSsh,
            encryptionAtHost: s.encryptionAtHost,
        };
        const system = systemPoolProfile(s.systemPool, nodes);
        this.cluster = new containerservice.ManagedCluster(
            `${name}`,
            {
                // Properties no key covers (cluster.extraProperties, checked by config, never one
                // the stack sets below): docs/extra-properties.md.
                ...s.extraProperties,
                resourceGroupName: args.resourceGroupName,
                resourceName: args.clusterName,
                location: args.location,
                dnsPrefix: args.dnsPrefix,
                nodeResourceGroup: args.nodeResourceGroup,
                // A deny assignment keeps everyone but AKS from changing the node resource group
                // (learn.microsoft.com/azure/aks/node-resource-group-lockdown); false lifts it.
                // Unset otherwise, so an existing cluster's body does not change.
                ...(args.nodeResourceGroupLockdown !== undefined && {
                    nodeResourceGroupProfile: {
                        restrictionLevel: args.nodeResourceGroupLockdown
                            ? "ReadOnly"
                            : "Unrestricted",
                    },
                }),
                kubernetesVersion: args.kubernetesVersion,
                sku: { name: "Base", tier: s.tier },
                supportPlan: "KubernetesOfficial",
                // AKS-managed Entra integration with Azure RBAC. The legacy fields (clientAppID,
                // serverAppID, serverAppSecret) are never set (docs/azure-facts.md, item 9).
                aadProfile: {
                    managed: true,
                    enableAzureRBAC: true,
                    adminGroupObjectIDs: args.adminGroupObjectIds,
                    tenantID: args.tenantId,
                },
                // No static admin credentials: every login is an Entra login.
                disableLocalAccounts: true,
                enableRBAC: true,
                identity: {
                    type: "UserAssigned",
                    // Input is an array of resource ids; the output is a map (docs/azure-facts.md, item 10).
                    userAssignedIdentities: [args.controlPlaneIdentityId],
                },
                identityProfile: {
                    kubeletidentity: {
                        resourceId: args.kubeletIdentity.resourceId,
                        clientId: args.kubeletIdentity.clientId,
                        objectId: args.kubeletIdentity.objectId,
                    },
                },
                oidcIssuerProfile: { enabled: true },
                // Each setting below answers an Azure Policy built-in for AKS (docs/azure-policy.md: Azure
                // Policy built-ins): workload identity 2cc2e023, Image Cleaner af3c26b2,
                // Defender a1840de2, KMS dbbdc317.
                securityProfile: {
                    workloadIdentity: { enabled: true },
                    imageCleaner: s.imageCleaner.enabled
                        ? { enabled: true, intervalHours: s.imageCleaner.intervalHours }
                        : { enabled: false },
                    defender: s.defender && {
                        logAnalyticsWorkspaceResourceId:
                            args.defenderWorkspaceId ?? s.defender.workspaceId,
                        securityMonitoring: { enabled: true },
                    },
                    // The control plane holds Key Vault Crypto User on the key, and Key Vault
                    // Contributor on a private vault, before the cluster (clusterPrerequisites).
                    // A private vault is reached through API Server VNet Integration (config
                    // refuses it without cluster.network.apiServerSubnetId).
                    azureKeyVaultKms: s.kms && {
                        enabled: true,
                        keyId: s.kms.keyId,
                        keyVaultNetworkAccess: s.kms.network === "private" ? "Private" : "Public",
                        keyVaultResourceId:
                            s.kms.network === "private" ? s.kms.keyVaultId : undefined,
                    },
                },
                // The Azure Policy add-on (built-in 0a15ec92): without it no in-cluster built-in
                // can be assigned to the cluster. Container Insights, the Secrets Store CSI driver
                // and managed Prometheus: components/monitoring.ts.
                ...monitoringAddons(s, args.containerInsightsWorkspaceId),
                apiServerAccessProfile: {
                    enablePrivateCluster: s.privateCluster,
                    privateDNSZone: s.privateDnsZone,
                    // [] on a public cluster clears ranges removed from config; a private API
                    // server has none.
                    authorizedIPRanges: s.privateCluster ? undefined : s.authorizedIpRanges,
                    disableRunCommand: s.disableRunCommand,
                    // API Server VNet Integration (docs/node-pools-and-networking.md: Networking): the API server in a subnet
                    // of your VNet, which a private KMS key vault needs. Unset otherwise, so an
                    // existing cluster's body does not change.
                    ...(s.network?.apiServerSubnetId !== undefined && {
                        enableVnetIntegration: true,
                        subnetId: s.network.apiServerSubnetId,
                    }),
                },
                autoUpgradeProfile: {
                    upgradeChannel: s.autoUpgradeChannel,
                    nodeOSUpgradeChannel: s.nodeOsUpgradeChannel,
                },
                // Azure CNI, Overlay or pods on VNet IPs; Cilium's dataplane for its policy, Azure's
                // for the others (docs/network-plugins.md).
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: s.podNetwork.plugin === "overlay" ? "overlay" : undefined,
                    networkDataplane: s.podNetwork.policy === "cilium" ? "cilium" : "azure",
                    networkPolicy: s.podNetwork.policy,
                    loadBalancerSku: "standard",
                    // Your own subnet: egress and ranges as configured; AKS's defaults otherwise.
                    outboundType: s.network?.outboundType,
                    podCidr: s.network?.podCidr,
                    serviceCidr: s.network?.serviceCidr,
                    dnsServiceIP: s.network?.dnsServiceIp,
                },
                agentPoolProfiles: [system],
                // Customer-managed keys for OS and data disks: the control plane holds Reader on
                // the set before the cluster (clusterPrerequisites; docs/azure-facts.md).
                diskEncryptionSetID: s.diskEncryptionSetId,
                autoScalerProfile:
                    s.autoscalerProfile && autoScalerProfileArgs(s.autoscalerProfile),
                // Application routing (managed NGINX): sent only once the key is written, so an
                // existing cluster's body does not change; false turns it off.
                ...(s.appRouting !== undefined && {
                    ingressProfile: { webAppRouting: { enabled: s.appRouting } },
                }),
                tags: args.tags,
            },
            {
                parent: this,
                dependsOn: args.clusterPrerequisites,
                protect: args.protect ?? false,
                // The autoscaler moves the count of an autoscaled pool; Pulumi should not fight it.
                ignoreChanges: system.enableAutoScaling ? ["agentPoolProfiles[0].count"] : [],
            },
        );
        this.userPools = userAgentPools(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                clusterName: this.cluster.name,
                pools: s.userPools,
                nodes,
                subnetGrants: args.subnetGrants,
            },
            this.cluster,
            this,
        );
        for (const kind of ["autoUpgrade", "nodeOs"] as const) {
            const window = s.maintenance[kind];
            if (window === undefined) continue;
            this.maintenance[kind] = new containerservice.MaintenanceConfiguration(
                `${name}-maintenance-${kind}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    resourceName: this.cluster.name,
                    configName: MAINTENANCE_CONFIG_NAMES[kind],
                    maintenanceWindow: maintenanceWindow(window),
                },
                { parent: this, dependsOn: [this.cluster], deletedWith: this.cluster },
            );
        }

        if (s.podSecurity !== undefined) {
            this.podSecurity = podSecurityAssignment(
                `${name}-pod-security`,
                { clusterId: this.cluster.id, ...s.podSecurity },
                { parent: this, dependsOn: [this.cluster], deletedWith: this.cluster },
            );
        }

        this.id = this.cluster.id;
        this.name = this.cluster.name;
        this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((p) => {
            if (!p?.issuerURL) {
                throw new Error(
                    "aks-entra: the cluster reports no OIDC issuer URL; is oidcIssuerProfile enabled?",
                );
            }
            return p.issuerURL;
        });

        // The *user* kubeconfig: the admin one is refused with local accounts off and is never
        // requested (docs/azure-facts.md, failure mode 5).
        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: this.cluster.name,
                format: "exec",
            },
            { parent: this },
        );
        // The PoP claim is the id ARM returned for the cluster, as it wrote it.
        this.kubeconfig = pulumi.secret(
            pulumi.all([credentials.kubeconfigs, this.cluster.id]).apply(([kcs, id]) =>
                userKubeconfig(kcs ?? [], args.kubeloginMode, {
                    clientId: args.kubeloginClientId,
                    popClusterId: args.kubeloginPop === true ? id : undefined,
                }),
            ),
        );

        this.registerOutputs({
            id: this.id,
            name: this.name,
            oidcIssuerUrl: this.oidcIssuerUrl,
            kubeconfig: this.kubeconfig,
        });
    }
}

/** A weekly window as AKS takes it (MaintenanceWindow). */
function maintenanceWindow(
    w: MaintenanceWindow,
): containerservice.MaintenanceConfigurationArgs["maintenanceWindow"] {
    return {
        schedule: { weekly: { dayOfWeek: w.day, intervalWeeks: w.everyWeeks } },
        durationHours: w.durationHours,
        startTime: w.start,
        utcOffset: w.utcOffset,
    };
}
