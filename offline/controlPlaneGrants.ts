// The grants AKS checks the control-plane identity holds when it creates a cluster or an agent
// pool, as ARM sees them at that moment: a role assignment is honoured PROPAGATION_SECONDS after
// it is created (docs/azure-facts.md, failure modes 4 and 11).
import { AKS_ROLES } from "../components/roles";
import { fakeGuid, type FakeResource } from "./fakeWorld";
import { PROPAGATION_SECONDS } from "./timeline";

type Props = Record<string, unknown>;

/**
 * The control-plane grants at `now` (simulated seconds), from the role assignments registered so
 * far to a principal (lowercase object id), with their role GUID.
 */
export class ControlPlaneGrants {
    constructor(
        private readonly assignments: (principal: string) => { r: FakeResource; guid: string }[],
        private readonly now: number,
    ) {}

    /**
     * AKS checks at create time that the control-plane identity holds, as ARM sees it then
     * (docs/azure-facts.md, failure modes 4 and 11; roles table): Managed Identity Operator on the
     * kubelet identity; with API Server VNet Integration Network Contributor on the API server
     * subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration); with KMS etcd encryption
     * Key Vault Crypto User on the key and, for a private vault, Key Vault Contributor on the vault
     * (learn.microsoft.com/azure/aks/use-kms-etcd-encryption); and with your own private DNS zone
     * Private DNS Zone Contributor on the zone and Network Contributor on the nodes' virtual
     * network, where AKS links the zone (learn.microsoft.com/azure/aks/private-clusters;
     * Azure/AKS#2711; docs/azure-facts.md failure mode 29). A grant on a scope above counts.
     */
    checkControlPlaneGrants(inputs: Props): void {
        const kubelet = (inputs.identityProfile as { kubeletidentity?: { resourceId?: string } })
            ?.kubeletidentity?.resourceId;
        const controlPlane = (inputs.identity as { userAssignedIdentities?: string[] })
            ?.userAssignedIdentities?.[0];
        if (controlPlane === undefined) return;
        const principal = fakeGuid(`${controlPlane}#principal`);
        if (kubelet !== undefined) {
            const target = kubelet.toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.managedIdentityOperator,
                (at) => target === at || target.startsWith(`${at}/`),
                (why) =>
                    `CustomKubeletIdentityMissingPermissionError: the control-plane identity ${principal} does not have Managed Identity Operator on the kubelet identity ${kubelet}${why}`,
            );
        }
        this.checkPrivateDnsZoneGrants(inputs, principal);
        this.checkPoolSubnetGrants(inputs, (inputs.agentPoolProfiles ?? []) as Props[]);
        const api = (inputs.apiServerAccessProfile ?? {}) as Props;
        if (api.enableVnetIntegration === true && typeof api.subnetId === "string") {
            // "Lack of permissions at the API server subnet can cause a provisioning failure"
            // (learn.microsoft.com/azure/aks/api-server-vnet-integration).
            const subnet = api.subnetId.toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.networkContributor,
                (at) => subnet === at || subnet.startsWith(`${at}/`),
                (why) =>
                    `LinkedAuthorizationFailed: the control-plane identity ${principal} has no Network Contributor on the API server subnet ${String(api.subnetId)}${why}`,
            );
        }
        const kms = (inputs.securityProfile as { azureKeyVaultKms?: Props } | undefined)
            ?.azureKeyVaultKms;
        if (kms?.enabled === true && kms.keyVaultNetworkAccess === "Private") {
            // A private vault: AKS makes the private link to it as the control plane, which needs
            // Key Vault Contributor on the vault (learn.microsoft.com/azure/aks/use-kms-etcd-encryption).
            const vault = String(kms.keyVaultResourceId).toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.keyVaultContributor,
                (at) => vault === at || vault.startsWith(`${at}/`),
                (why) =>
                    `KMSKeyVaultAccessDenied: the control-plane identity ${principal} cannot link the private key vault ${String(kms.keyVaultResourceId)}: it holds no Key Vault Contributor on the vault${why}`,
            );
        }
        if (typeof inputs.diskEncryptionSetID === "string") {
            // "Ensure your AKS cluster identity has read permission of DiskEncryptionSet"
            // (learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys).
            const des = inputs.diskEncryptionSetID.toLowerCase();
            this.requireGrant(
                principal,
                AKS_ROLES.reader,
                (at) => des === at || des.startsWith(`${at}/`),
                (why) =>
                    `LinkedAuthorizationFailed: the control-plane identity ${principal} does not have permission to perform action 'Microsoft.Compute/diskEncryptionSets/read' on the disk encryption set ${String(inputs.diskEncryptionSetID)}${why}`,
            );
        }
        if (kms?.enabled === true) {
            // Vault names are global: the key id's vault and key name find the key's ARM scope.
            const key = /^https:\/\/([^.]+)\.vault\.azure\.net\/keys\/([^/]+)\//.exec(
                String(kms.keyId),
            );
            const suffix = key
                ? `/providers/microsoft.keyvault/vaults/${key[1]}/keys/${key[2]}`.toLowerCase()
                : "(no key)";
            this.requireGrant(
                principal,
                AKS_ROLES.keyVaultCryptoUser,
                (at) => {
                    const tail = at.slice(at.indexOf("/providers/microsoft.keyvault/vaults/"));
                    return (
                        tail.startsWith("/providers/") &&
                        (suffix === tail || suffix.startsWith(`${tail}/`))
                    );
                },
                (why) =>
                    `KMSKeyVaultAccessDenied: the control-plane identity ${principal} cannot use the KMS key ${String(kms.keyId)}: it holds no Key Vault Crypto User on the key or its vault${why}`,
            );
        }
    }

    /**
     * AKS joins a pool's nodes to its vnetSubnetID and its pods to its podSubnetID as the cluster's
     * control plane, which needs Network Contributor there (or on the VNet) when the pool is created
     * (learn.microsoft.com/azure/aks/concepts-network-legacy-cni, prerequisites: "at least Network
     * Contributor permissions on the subnet within the virtual network").
     */
    checkPoolSubnetGrants(cluster: Props, pools: Props[]): void {
        const controlPlane = (cluster.identity as { userAssignedIdentities?: string[] } | undefined)
            ?.userAssignedIdentities?.[0];
        if (controlPlane === undefined) return;
        const principal = fakeGuid(`${controlPlane}#principal`);
        for (const pool of pools) {
            for (const key of ["vnetSubnetID", "podSubnetID"]) {
                const subnet = pool[key];
                if (typeof subnet !== "string") continue;
                const target = subnet.toLowerCase();
                this.requireGrant(
                    principal,
                    AKS_ROLES.networkContributor,
                    (at) => target === at || target.startsWith(`${at}/`),
                    (why) =>
                        `LinkedAuthorizationFailed: the control-plane identity ${principal} does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope '${subnet}' (${key} of agent pool ${String(pool.name ?? pool.agentPoolName)})${why}`,
                );
            }
        }
    }

    /** The grants of your own private DNS zone (see checkControlPlaneGrants). */
    private checkPrivateDnsZoneGrants(inputs: Props, principal: string): void {
        const zone = (inputs.apiServerAccessProfile as { privateDNSZone?: unknown } | undefined)
            ?.privateDNSZone;
        if (typeof zone !== "string" || !zone.startsWith("/")) return;
        const within = (target: string) => (at: string) =>
            target.toLowerCase() === at || target.toLowerCase().startsWith(`${at}/`);
        this.requireGrant(
            principal,
            AKS_ROLES.privateDnsZoneContributor,
            within(zone),
            (why) =>
                `CustomPrivateDNSZoneMissingPermissionError: Service principal or user-assigned identity must be given permission to read and write to custom private dns zone ${zone}. Check access result not allowed for action Microsoft.Network/privateDnsZones/write${why}`,
        );
        const pools = (inputs.agentPoolProfiles ?? []) as { vnetSubnetID?: unknown }[];
        const subnet = pools.map((p) => p.vnetSubnetID).find((x) => typeof x === "string");
        if (typeof subnet !== "string") return;
        const vnet = subnet.replace(/\/subnets\/[^/]+$/i, "");
        this.requireGrant(
            principal,
            AKS_ROLES.networkContributor,
            within(vnet),
            (why) =>
                `LinkedAuthorizationFailed: The client '${principal}' has permission to perform action 'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write' on scope '${zone}'; however, it does not have permission to perform action 'Microsoft.Network/virtualNetworks/join/action' on the linked scope(s) '${vnet}'${why}`,
        );
    }

    /**
     * Throws `message(why)` unless `principal` holds `role` on a scope `covers` accepts (given in
     * lowercase), honoured now.
     */
    private requireGrant(
        principal: string,
        role: string,
        covers: (scope: string) => boolean,
        message: (why: string) => string,
    ): void {
        const grant = this.assignments(principal.toLowerCase()).find(
            ({ r, guid }) =>
                guid === role &&
                covers(String(r.inputs.scope).toLowerCase()) &&
                r.inputs.principalId === principal,
        );
        const honoured = grant && grant.r.createdAt + PROPAGATION_SECONDS.kubeletOperator;
        if (honoured === undefined || honoured > this.now) {
            throw new Error(
                message(
                    grant
                        ? ` yet (granted at ${grant.r.createdAt} s, honoured from ${honoured} s; the cluster was created at ${this.now} s)`
                        : " (no such grant when the cluster was created)",
                ),
            );
        }
    }
}
