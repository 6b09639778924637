// What the plan shows of the cluster itself: Entra, RBAC, API server, security profile, pools,
// network (properties.ts renders every other type). Pure module.
import type { Registration } from "../offline/harness";
import { describePrincipal } from "./labels";
import { addonProperties } from "./monitoring";
import { parityClusterProperties } from "./parity";
import { inlinePools, poolText, systemPool } from "./pools";
import { at, strings, text } from "./registrations";
import type { ResourceContext } from "./resources";

function onOff(value: unknown, on = "enabled", off = "disabled"): string {
    return value === true ? on : off;
}

export function clusterProperties(r: Registration, ctx: ResourceContext): Record<string, string> {
    const i = r.inputs;
    const who = (oid: string) => {
        const p = ctx.access.byObjectId.get(oid.toLowerCase());
        return p ? p.label : oid;
    };
    const identity = (id: string) => {
        const p = ctx.access.byIdentityId.get(id.toLowerCase());
        return p ? `${describePrincipal(p)} (${id.split("/").pop() ?? id})` : id;
    };
    const legacy = ["clientAppID", "serverAppID", "serverAppSecret"].filter(
        (k) => at(i, "aadProfile", k) !== undefined,
    );
    const api = (i.apiServerAccessProfile ?? {}) as Record<string, unknown>;
    const ranges = strings(api.authorizedIPRanges);
    const adminGroups = strings(at(i, "aadProfile", "adminGroupObjectIDs")).map(who);
    return {
        entra:
            at(i, "aadProfile", "managed") === true
                ? `AKS-managed Entra ID, tenant ${text(at(i, "aadProfile", "tenantID"))}` +
                  (legacy.length ? `; LEGACY fields set: ${legacy.join(", ")}` : "")
                : "NOT integrated with Entra ID",
        azureRbac: onOff(
            at(i, "aadProfile", "enableAzureRBAC"),
            "enabled (Azure RBAC authorizes Kubernetes)",
        ),
        localAccounts:
            i.disableLocalAccounts === true ? "disabled" : "ENABLED (static admin credentials)",
        kubernetesRbac: onOff(i.enableRBAC),
        adminGroups: adminGroups.length ? `${adminGroups.join(", ")} -> cluster-admin` : "none",
        identity: `${text(at(i, "identity", "type"))}: ${strings(
            at(i, "identity", "userAssignedIdentities"),
        )
            .map(identity)
            .join(", ")}`,
        kubeletIdentity: identity(text(at(i, "identityProfile", "kubeletidentity", "resourceId"))),
        oidcIssuer:
            at(i, "oidcIssuerProfile", "enabled") === true
                ? `enabled, ${text(at(r.state, "oidcIssuerProfile", "issuerURL"))}`
                : "disabled",
        workloadIdentity: onOff(at(i, "securityProfile", "workloadIdentity", "enabled")),
        apiServer:
            (api.enablePrivateCluster === true
                ? `private (${text(r.state.privateFQDN)}), DNS zone ${text(api.privateDNSZone) || "system"}`
                : ranges.length > 0
                  ? `public ${text(r.state.fqdn)}, authorized IP ranges ${ranges.join(", ")}`
                  : `public ${text(r.state.fqdn)}, open to any IP`) +
            (api.enableVnetIntegration === true
                ? `, VNet integration in subnet ${text(api.subnetId).split("/").slice(-3).join("/")}`
                : ""),
        runCommand: onOff(api.disableRunCommand !== true),
        azurePolicyAddon: onOff(
            Object.entries((i.addonProfiles ?? {}) as Record<string, unknown>).some(
                ([k, v]) => k.toLowerCase() === "azurepolicy" && at(v, "enabled") === true,
            ),
        ),
        imageCleaner:
            at(i, "securityProfile", "imageCleaner", "enabled") === true
                ? `enabled, every ${String(at(i, "securityProfile", "imageCleaner", "intervalHours"))} h`
                : "disabled",
        defender:
            at(i, "securityProfile", "defender", "securityMonitoring", "enabled") === true
                ? `enabled, workspace ${text(
                      at(i, "securityProfile", "defender", "logAnalyticsWorkspaceResourceId"),
                  )
                      .split("/")
                      .pop()}`
                : "disabled",
        kms:
            at(i, "securityProfile", "azureKeyVaultKms", "enabled") === true
                ? `etcd encrypted with ${text(at(i, "securityProfile", "azureKeyVaultKms", "keyId"))}` +
                  (at(i, "securityProfile", "azureKeyVaultKms", "keyVaultNetworkAccess") ===
                  "Private"
                      ? `, private vault ${text(
                            at(i, "securityProfile", "azureKeyVaultKms", "keyVaultResourceId"),
                        )
                            .split("/")
                            .pop()}`
                      : "")
                : "disabled (platform-managed keys)",
        ...addonProperties(i, ctx.access),
        ...parityClusterProperties(i),
        ...(at(i, "nodeResourceGroupProfile", "restrictionLevel") === "ReadOnly" && {
            nodeResourceGroup: `${text(i.nodeResourceGroup)}, read-only (lockdown)`,
        }),
        kubernetesVersion: text(i.kubernetesVersion) || "AKS default",
        tier: text(at(i, "sku", "tier")),
        ...Object.fromEntries(inlinePools(r).map((p) => [`pool ${p.name}`, poolText(p)])),
        upgrades: `${text(at(i, "autoUpgradeProfile", "upgradeChannel"))}, node OS ${text(at(i, "autoUpgradeProfile", "nodeOSUpgradeChannel"))}`,
        network: [
            `${[text(at(i, "networkProfile", "networkPlugin")), text(at(i, "networkProfile", "networkPluginMode")) || "(pods on VNet IPs)"].join(" ")}, policy ${text(at(i, "networkProfile", "networkPolicy"))}`,
            subnetOf(r),
            // Without overlay pods take subnet addresses; azure-native still sends its default
            // podCidr, which AKS then ignores (docs/network-plugins.md).
            at(i, "networkProfile", "networkPluginMode") === "overlay"
                ? `pods ${text(at(i, "networkProfile", "podCidr")) || "default"}`
                : "pods on subnet addresses",
            `services ${text(at(i, "networkProfile", "serviceCidr")) || "default"}`,
            `outbound ${text(at(i, "networkProfile", "outboundType")) || "loadBalancer"}`,
        ].join(", "),
    };
}

/** Where the cluster's nodes are: your subnet (vnet/subnets/name) or the VNet AKS manages. */
function subnetOf(cluster: Registration): string {
    const subnet = systemPool(cluster)?.subnet;
    return subnet ? `your subnet ${subnet.split("/").slice(-3).join("/")}` : "AKS-managed VNet";
}
