// What Azure refuses to change on an existing resource (updateProblems): the in-place rules of
// ARM, AKS and Graph, so that an update the real `pulumi up` would fail on fails offline too.
import { location, sameValue, show } from "./inputValues";
import { TYPES } from "./types";

type Props = Record<string, unknown>;

function zonesOf(value: unknown): string {
    return Array.isArray(value) ? (value as unknown[]).map(String).sort().join(",") : "";
}

/** A value at a dotted path of plain objects. */
function valueAt(props: Props, path: string): unknown {
    let v: unknown = props;
    for (const k of path.split(".")) {
        v = v !== null && typeof v === "object" ? (v as Props)[k] : undefined;
    }
    return v;
}

/** A pool's properties AKS cannot change on an existing pool (see updateProblems). */
const FIXED_POOL_PROPERTIES = [
    "vmSize",
    "enableEncryptionAtHost",
    "availabilityZones",
    "osSKU",
    "scaleSetPriority",
    "vnetSubnetID",
    // Set when the pool is made: learn.microsoft.com/azure/aks/concepts-network-ip-address-planning
    // (maxPods: "add a new node pool"), concepts-storage ("You can't change the OS disk size after
    // cluster or node pool creation"; the ARM schema: osDiskType "May not be changed after
    // creation"), and the pod subnet with the pool's scale set.
    "maxPods",
    "osDiskType",
    "osDiskSizeGB",
    "podSubnetID",
] as const;

function poolChanges(before: Props, after: Props, where: string, prefix: string): string[] {
    const out: string[] = [];
    for (const p of FIXED_POOL_PROPERTIES) {
        const changed =
            p === "availabilityZones"
                ? zonesOf(before[p]) !== zonesOf(after[p])
                : !sameValue(before[p], after[p]);
        if (changed) {
            out.push(
                `PropertyChangeNotAllowed: Changing property '${prefix}${p}' is not allowed (${where}: ${show(before[p])} -> ${show(after[p])}); AKS cannot change it on an existing node pool: add a pool with the new value, move the workloads, remove the old pool`,
            );
        }
    }
    return out;
}

/**
 * The in-place updates Azure refuses, with messages that paraphrase Azure's. Sources:
 * - location: ARM cannot move a resource (InvalidResourceLocation, pulumi/pulumi-azure-native#3053;
 *   the message is ARM's).
 * - inline pools added or removed: "Adding agent pools to an existing cluster is not allowed
 *   through managed cluster operations" (azure-native's ManagedCluster docs; docs/azure-facts.md
 *   failure mode 13, pulumi/pulumi-azure-native#579, #2719).
 * - a pool's vmSize ("You can't change the VM size of a node pool after you create it",
 *   learn.microsoft.com/azure/aks/manage-node-pools; AKS answers PropertyChangeNotAllowed "Changing
 *   property 'agentPoolProfile.vmSize' is not allowed", Azure/bicep-registry-modules#7130), its
 *   availabilityZones (learn.microsoft.com/azure/aks/availability-zones), osSKU, scaleSetPriority
 *   and vnetSubnetID (set when the pool's scale set is made; docs/azure-facts.md failure mode 17),
 *   enableEncryptionAtHost ("can only be set at cluster or node pool creation time",
 *   learn.microsoft.com/azure/aks/enable-host-encryption).
 * - dnsPrefix, nodeResourceGroup: PropertyChangeNotAllowed (docs/azure-facts.md failure mode 17,
 *   hashicorp/terraform-provider-azurerm#2611).
 * - enablePrivateCluster, privateDNSZone: a Private Link API server cannot be made public or
 *   private, nor moved to another zone, after creation (learn.microsoft.com/azure/aks/private-clusters);
 *   with API Server VNet Integration it can be made either, and that integration cannot be turned
 *   off nor moved to another subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration).
 * - aadProfile.managed, oidcIssuerProfile.enabled: cannot be turned off once on (docs/azure-facts.md
 *   failure mode 9; learn.microsoft.com/azure/aks/use-oidc-issuer).
 * - networkProfile podCidr, serviceCidr, dnsServiceIP, outboundType, networkPlugin: the cluster's
 *   network is set at create (plan/immutable.ts; AKS offers only one-way migrations of some).
 * - RoleAssignment principalId, roleDefinitionId, principalType under one name: ARM answers
 *   RoleAssignmentUpdateNotPermitted.
 * Everything else of these types updates in place: counts, autoscaler bounds, taints, labels,
 * modes, upgrade channels, tags, authorized IP ranges, Kubernetes upgrades, and a federated
 * credential's issuer, subject and audiences.
 */
export function updateProblems(type: string, before: Props, after: Props): string[] {
    const out: string[] = [];
    if (
        type.startsWith("azure-native:") &&
        before.location !== undefined &&
        location(before.location) !== location(after.location)
    ) {
        out.push(
            `InvalidResourceLocation: The resource already exists in location ${show(before.location)}; a resource with the same name cannot be created in location ${show(after.location)}. Azure cannot move it: create it under a new name`,
        );
    }
    switch (type) {
        case TYPES.cluster: {
            const pools = (props: Props) =>
                new Map(
                    ((props.agentPoolProfiles ?? []) as Props[]).map((p) => [String(p.name), p]),
                );
            const old = pools(before);
            const now = pools(after);
            for (const name of now.keys()) {
                if (!old.has(name)) {
                    out.push(
                        `Adding agent pools to an existing cluster is not allowed through managed cluster operations (agent pool ${name} is new in agentPoolProfiles; declare it as an AgentPool resource)`,
                    );
                }
            }
            for (const [name, p] of old) {
                const q = now.get(name);
                if (!q) {
                    out.push(
                        `Removing agent pools from an existing cluster is not allowed through managed cluster operations (agent pool ${name} is gone from agentPoolProfiles)`,
                    );
                } else {
                    out.push(...poolChanges(p, q, `agent pool ${name}`, "agentPoolProfile."));
                }
            }
            for (const p of ["dnsPrefix", "nodeResourceGroup"]) {
                if (!sameValue(before[p], after[p])) {
                    out.push(
                        `PropertyChangeNotAllowed: Changing property '${p}' is not allowed (${show(before[p])} -> ${show(after[p])}); AKS sets it only when the cluster is created`,
                    );
                }
            }
            const isPrivate = (props: Props) =>
                valueAt(props, "apiServerAccessProfile.enablePrivateCluster") === true;
            const integrated = (props: Props) =>
                valueAt(props, "apiServerAccessProfile.enableVnetIntegration") === true;
            if (integrated(before) && !integrated(after)) {
                out.push(
                    "API Server VNet Integration cannot be disabled once enabled (apiServerAccessProfile.enableVnetIntegration true -> false)",
                );
            }
            const apiSubnet = "apiServerAccessProfile.subnetId";
            if (
                integrated(before) &&
                integrated(after) &&
                !sameValue(valueAt(before, apiSubnet), valueAt(after, apiSubnet))
            ) {
                out.push(
                    `Changing property '${apiSubnet}' is not allowed (${show(valueAt(before, apiSubnet))} -> ${show(valueAt(after, apiSubnet))}); the API server stays in the subnet it was integrated with`,
                );
            }
            // With API Server VNet Integration, public access can be added or removed in place.
            if (
                isPrivate(before) !== isPrivate(after) &&
                !(integrated(before) && integrated(after))
            ) {
                out.push(
                    `Changing property 'apiServerAccessProfile.enablePrivateCluster' is not allowed (${isPrivate(before)} -> ${isPrivate(after)}); a Private Link API server cannot be made public or private after creation`,
                );
            }
            const zone = "apiServerAccessProfile.privateDNSZone";
            if (!sameValue(valueAt(before, zone), valueAt(after, zone))) {
                out.push(
                    `Changing property '${zone}' is not allowed (${show(valueAt(before, zone))} -> ${show(valueAt(after, zone))}); the private DNS zone is set at create`,
                );
            }
            for (const [path, what] of [
                ["aadProfile.managed", "AKS-managed Entra integration"],
                ["oidcIssuerProfile.enabled", "The OIDC issuer"],
            ]) {
                if (valueAt(before, path) === true && valueAt(after, path) !== true) {
                    out.push(
                        `${what} cannot be disabled once enabled (${path} true -> ${show(valueAt(after, path))})`,
                    );
                }
            }
            for (const p of [
                "podCidr",
                "serviceCidr",
                "dnsServiceIP",
                "outboundType",
                "networkPlugin",
                // AKS migrates Azure CNI to Overlay, and the Azure dataplane to Cilium, one way only
                // (learn.microsoft.com/azure/aks/update-azure-cni): never back.
                ...(valueAt(before, "networkProfile.networkPluginMode") === "overlay"
                    ? ["networkPluginMode"]
                    : []),
                ...(valueAt(before, "networkProfile.networkDataplane") === "cilium"
                    ? ["networkDataplane"]
                    : []),
            ]) {
                const path = `networkProfile.${p}`;
                if (!sameValue(valueAt(before, path), valueAt(after, path))) {
                    out.push(
                        `Changing property '${path}' is not allowed (${show(valueAt(before, path))} -> ${show(valueAt(after, path))}); the cluster's network is set at create`,
                    );
                }
            }
            break;
        }
        case TYPES.agentPool:
            out.push(
                ...poolChanges(before, after, `agent pool ${String(after.agentPoolName)}`, ""),
            );
            break;
        case TYPES.roleAssignment:
            for (const p of ["principalId", "roleDefinitionId", "principalType"]) {
                const norm = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
                if (norm(before[p]) !== norm(after[p])) {
                    out.push(
                        `RoleAssignmentUpdateNotPermitted: Tenant ID, application ID, principal ID, and scope are not allowed to be updated (${p} ${show(before[p])} -> ${show(after[p])} under the same roleAssignmentName)`,
                    );
                }
            }
            break;
        default:
            break;
    }
    return out;
}
