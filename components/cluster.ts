// The AKS cluster: every door is Microsoft Entra ID.
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings, KubeloginMode } from "./config";
import { userKubeconfig } from "./kubeconfig";
import { systemPoolProfile, userAgentPools } from "./nodePools";

export interface AksClusterArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Azure name of the cluster. */
    readonly clusterName: string;
    readonly dnsPrefix: string;
    /** Name of the resource group AKS creates for nodes. */
    readonly nodeResourceGroup: string;
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
    /** How the exported kubeconfig logs in. Must not need a person for the Kubernetes provider. */
    readonly kubeloginMode: KubeloginMode;
    /** kubelogin `--client-id` of an msi login (deployer.managedIdentityClientId). */
    readonly kubeloginClientId?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Protect the cluster from deletion. Defaults to false. */
    readonly protect?: boolean;
}

export class AksCluster extends pulumi.ComponentResource {
    public readonly cluster: containerservice.ManagedCluster;
    /** The user pools, each its own AgentPool. */
    public readonly userPools: containerservice.AgentPool[];
    public readonly id: pulumi.Output<string>;
    public readonly name: pulumi.Output<string>;
    /** The OIDC issuer URL, verbatim (trailing slash included): the issuer of workload tokens. */
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** User kubeconfig with a non-interactive kubelogin exec login. Secret. */
    public readonly kubeconfig: pulumi.Output<string>;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:cluster:AksCluster", name, {}, opts);
        const s = args.settings;
        const subnetId = s.network?.subnetId;
        const system = systemPoolProfile(s.systemPool, subnetId);
        this.cluster = new containerservice.ManagedCluster(
            `${name}`,
            {
                resourceGroupName: args.resourceGroupName,
                resourceName: args.clusterName,
                location: args.location,
                dnsPrefix: args.dnsPrefix,
                nodeResourceGroup: args.nodeResourceGroup,
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
                securityProfile: { workloadIdentity: { enabled: true } },
                apiServerAccessProfile: {
                    enablePrivateCluster: s.privateCluster,
                    privateDNSZone: s.privateDnsZone,
                    // [] on a public cluster clears ranges removed from config; a private API
                    // server has none.
                    authorizedIPRanges: s.privateCluster ? undefined : s.authorizedIpRanges,
                    disableRunCommand: s.disableRunCommand,
                },
                autoUpgradeProfile: {
                    upgradeChannel: s.autoUpgradeChannel,
                    nodeOSUpgradeChannel: s.nodeOsUpgradeChannel,
                },
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    networkDataplane: "cilium",
                    networkPolicy: "cilium",
                    loadBalancerSku: "standard",
                    // Your own subnet: egress and ranges as configured; AKS's defaults otherwise.
                    outboundType: s.network?.outboundType,
                    podCidr: s.network?.podCidr,
                    serviceCidr: s.network?.serviceCidr,
                    dnsServiceIP: s.network?.dnsServiceIp,
                },
                agentPoolProfiles: [system],
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
                subnetId,
            },
            this.cluster,
            this,
        );

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
        this.kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((kcs) =>
                userKubeconfig(kcs ?? [], args.kubeloginMode, args.kubeloginClientId),
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
