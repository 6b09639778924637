// The cluster's own identities: control plane and kubelet, both user-assigned and distinct.
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { shortHash } from "./naming";
import { assignRole, grantLogicalName } from "./roleAssignment";
import { AKS_ROLES } from "./roles";

export interface ClusterIdentitiesArgs {
    /** Resource group the identities live in. */
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Azure name of the control-plane identity. */
    readonly controlPlaneName: string;
    /** Azure name of the kubelet identity. */
    readonly kubeletName: string;
    /** Subscription of the identities, for the role definition id. */
    readonly subscriptionId: pulumi.Input<string>;
    /** Tags for both identities. Defaults to none. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Seconds between a new Managed Identity Operator grant and the cluster: AKS checks the grant
     * when the cluster is created and answers CustomKubeletIdentityMissingPermissionError while it
     * propagates (docs/azure-facts.md, failure mode 11). Waits only when the grant is created or
     * replaced (the wait's trigger is the grant's id).
     */
    readonly operatorGrantWaitSeconds: number;
    /** Your own network, where the control plane must be granted before the cluster. */
    readonly network?: {
        subnetId: string;
        routeTableId?: string;
        /** API Server VNet Integration: the API server's subnet. */
        apiServerSubnetId?: string;
        /** A private DNS zone id (not `system` or `none`). */
        privateDnsZoneId?: string;
        /** The pools' own subnets and pod subnets, in subnetId's VNet (cluster.*Pool*.subnetId). */
        poolSubnetIds?: readonly string[];
    };
    /**
     * ARM id of the KMS key (`<vault id>/keys/<name>`): the control plane is granted Key Vault
     * Crypto User on it before the cluster, which AKS checks when it enables KMS.
     */
    readonly kmsKeyId?: string;
    /**
     * ARM id of the KMS key vault when it is private: the control plane is granted Key Vault
     * Contributor on it before the cluster, with which AKS makes the private link to the vault.
     */
    readonly kmsPrivateKeyVaultId?: string;
    /**
     * A disk encryption set of yours (cluster.diskEncryptionSetId): the control plane is granted
     * Reader on it before the cluster, the read AKS documents for customer-managed disk keys.
     */
    readonly diskEncryptionSetId?: string;
    /** Registries the kubelet identity pulls images from: AcrPull on each. */
    readonly containerRegistries?: readonly string[];
}

/** The pools' subnets other than the cluster's and the API server's, each once (case-insensitive). */
function poolSubnets(network: ClusterIdentitiesArgs["network"]): string[] {
    if (!network) return [];
    const taken = new Set(
        [network.subnetId, network.apiServerSubnetId].flatMap((s) => (s ? [s.toLowerCase()] : [])),
    );
    const out: string[] = [];
    for (const id of network.poolSubnetIds ?? []) {
        if (taken.has(id.toLowerCase())) continue;
        taken.add(id.toLowerCase());
        out.push(id);
    }
    return out;
}

/** The virtual network of a subnet id (`.../virtualNetworks/<vnet>/subnets/<subnet>`). */
export function virtualNetworkOf(subnetId: string): string {
    return subnetId.replace(/\/subnets\/[^/]+$/i, "");
}

/**
 * A bring-your-own control-plane identity and kubelet identity, and the Managed Identity Operator
 * grant of the first over the second. AKS requires that grant to exist, and to have propagated,
 * before the cluster is created with the kubelet identity (docs/azure-facts.md, failure modes 4
 * and 11): the cluster depends on `clusterPrerequisites`.
 */
export class ClusterIdentities extends pulumi.ComponentResource {
    public readonly controlPlane: managedidentity.UserAssignedIdentity;
    public readonly kubelet: managedidentity.UserAssignedIdentity;
    /** Control plane -> Managed Identity Operator on the kubelet identity. */
    public readonly operatorAssignment: authorization.RoleAssignment;
    /**
     * Control plane -> Network Contributor on your subnet (on its virtual network with your own
     * private DNS zone), route table and API server subnet, Private DNS Zone Contributor on your
     * zone, Key Vault Crypto User on the KMS key and Key Vault Contributor on a private KMS vault:
     * AKS checks them when it creates the cluster.
     */
    public readonly networkAssignments: authorization.RoleAssignment[];
    /**
     * The grant that covers each subnet of your network the pools use, by lowercased subnet id:
     * Network Contributor on the subnet, or on the VNet with your private DNS zone.
     */
    public readonly subnetGrants = new Map<string, authorization.RoleAssignment>();
    /** Kubelet -> AcrPull on each configured registry (images are pulled as the kubelet). */
    public readonly registryAssignments: authorization.RoleAssignment[];
    /**
     * The bounded wait after a new operator or network grant (named for the first; it covers all
     * the grants AKS checks at create).
     */
    public readonly operatorPropagation: time.Sleep;
    /** What the cluster must wait for: the grant and its propagation wait. */
    public readonly clusterPrerequisites: pulumi.Resource[];

    constructor(name: string, args: ClusterIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:identities:ClusterIdentities", name, {}, opts);

        const common = {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            tags: args.tags,
        };
        this.controlPlane = new managedidentity.UserAssignedIdentity(
            `${name}-control-plane`,
            { ...common, resourceName: args.controlPlaneName },
            { parent: this },
        );
        this.kubelet = new managedidentity.UserAssignedIdentity(
            `${name}-kubelet`,
            { ...common, resourceName: args.kubeletName },
            { parent: this },
        );
        this.operatorAssignment = assignRole(
            `${name}-kubelet-operator`,
            {
                scope: this.kubelet.id,
                roleGuid: AKS_ROLES.managedIdentityOperator,
                principalId: this.controlPlane.principalId,
                principalType: "ServicePrincipal",
                description: "AKS control plane assigns the kubelet identity to nodes",
                defaultSubscriptionId: args.subscriptionId,
            },
            { parent: this },
        );
        // AKS joins the nodes to the subnet and, with userDefinedRouting, writes routes; with your
        // own private DNS zone it writes the API server's record there and links the zone to the
        // cluster's virtual network, which needs Network Contributor on the network, not only on
        // the subnet (AKS private-clusters docs; Azure/AKS#2711; docs/azure-facts.md failure mode
        // 29). Without these grants the cluster create fails (docs/azure-facts.md, roles table).
        const network = args.network;
        const networkGrants = [
            network &&
                (network.privateDnsZoneId
                    ? {
                          key: "vnet",
                          scope: virtualNetworkOf(network.subnetId),
                          roleGuid: AKS_ROLES.networkContributor,
                          description:
                              "AKS control plane joins nodes to the subnet and links the private DNS zone to the network",
                      }
                    : {
                          key: "subnet",
                          scope: network.subnetId,
                          roleGuid: AKS_ROLES.networkContributor,
                          description: "AKS control plane joins nodes to the subnet",
                      }),
            // API Server VNet Integration: AKS puts the API server's load balancer and pods in
            // that subnet, and fails to provision without the grant there too.
            network?.apiServerSubnetId && {
                key: "api-server-subnet",
                scope: network.apiServerSubnetId,
                roleGuid: AKS_ROLES.networkContributor,
                description: "AKS control plane projects the API server into its subnet",
            },
            network?.routeTableId && {
                key: "route-table",
                scope: network.routeTableId,
                roleGuid: AKS_ROLES.networkContributor,
                description: "AKS control plane manages the routes of the subnet",
            },
            network?.privateDnsZoneId && {
                key: "private-dns-zone",
                scope: network.privateDnsZoneId,
                roleGuid: AKS_ROLES.privateDnsZoneContributor,
                description: "AKS control plane writes the API server's record",
            },
            // A pool's own subnet or pod subnet: AKS joins its nodes and pods there as the control
            // plane, as in the cluster's subnet. Covered by the grant on the VNet when there is one.
            ...(network?.privateDnsZoneId ? [] : poolSubnets(network)).map((subnet) => ({
                key: `subnet-${shortHash(subnet.toLowerCase())}`,
                scope: subnet,
                roleGuid: AKS_ROLES.networkContributor,
                description: "AKS control plane joins a node pool's nodes or pods to the subnet",
                subnet,
            })),
            // KMS etcd encryption: the control plane wraps and unwraps the data keys with yours.
            args.kmsKeyId && {
                key: "kms-key",
                scope: args.kmsKeyId,
                roleGuid: AKS_ROLES.keyVaultCryptoUser,
                description: "AKS control plane encrypts etcd with the KMS key",
            },
            args.kmsPrivateKeyVaultId && {
                key: "kms-vault",
                scope: args.kmsPrivateKeyVaultId,
                roleGuid: AKS_ROLES.keyVaultContributor,
                description: "AKS control plane links the private KMS key vault to the API server",
            },
            // Customer-managed disk keys: "Ensure your AKS cluster identity has read permission
            // of DiskEncryptionSet" (learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys).
            args.diskEncryptionSetId && {
                key: "disk-encryption-set",
                scope: args.diskEncryptionSetId,
                roleGuid: AKS_ROLES.reader,
                description: "AKS control plane reads the disk encryption set of the node disks",
            },
        ].filter((g) => !!g);
        this.networkAssignments = networkGrants.map((g) =>
            assignRole(
                `${name}-control-plane-${g.key}`,
                {
                    scope: g.scope,
                    roleGuid: g.roleGuid,
                    principalId: this.controlPlane.principalId,
                    principalType: "ServicePrincipal",
                    description: g.description,
                    defaultSubscriptionId: args.subscriptionId,
                },
                { parent: this },
            ),
        );
        networkGrants.forEach((g, i) => {
            const covered =
                g.key === "vnet"
                    ? [network!.subnetId, ...(network!.poolSubnetIds ?? [])]
                    : g.key === "subnet"
                      ? [network!.subnetId]
                      : "subnet" in g
                        ? [g.subnet]
                        : [];
            for (const id of covered)
                this.subnetGrants.set(id.toLowerCase(), this.networkAssignments[i]);
        });
        this.registryAssignments = (args.containerRegistries ?? []).map((registry) =>
            assignRole(
                grantLogicalName(`${name}-kubelet`, {
                    role: "AcrPull",
                    roleGuid: AKS_ROLES.acrPull,
                    scope: registry,
                }),
                {
                    scope: registry,
                    roleGuid: AKS_ROLES.acrPull,
                    principalId: this.kubelet.principalId,
                    principalType: "ServicePrincipal",
                    description: "nodes pull images from the registry",
                    defaultSubscriptionId: args.subscriptionId,
                },
                { parent: this },
            ),
        );
        this.operatorPropagation = new time.Sleep(
            `${name}-kubelet-operator-propagation`,
            {
                createDuration: `${args.operatorGrantWaitSeconds}s`,
                // A new grant (new identities, a rename) waits again; an unchanged one never.
                triggers: {
                    grant: this.operatorAssignment.id,
                    ...Object.fromEntries(
                        this.networkAssignments.map((a, i) => [networkGrants[i].key, a.id]),
                    ),
                },
            },
            { parent: this },
        );
        this.clusterPrerequisites = [
            this.operatorAssignment,
            ...this.networkAssignments,
            this.operatorPropagation,
        ];

        this.registerOutputs({
            controlPlaneId: this.controlPlane.id,
            kubeletId: this.kubelet.id,
        });
    }
}
