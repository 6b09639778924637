// What Azure refuses to change in place, and what Pulumi changes only by replacing the resource:
// the values the plan records per resource (PlanResource.immutable) and the rules `--diff` applies
// to them. A refused change fails `pulumi up` halfway; a replacement of the cluster or an identity
// deletes it (and every grant and trust on it) before creating it again. Pure module.
import type { Registration } from "../offline/harness";
import { agentPool, inlinePools, type Pool } from "./pools";
import { at, text, TYPES } from "./registrations";

export type ImmutableKind = "refused" | "replaces";

interface Rule {
    /** Resource type the rule applies to. */
    type: string;
    /** Fact name (see immutableFacts), `<pool>` for any pool name. */
    fact: RegExp;
    kind: ImmutableKind;
    /** Why, with the source, and what to do instead. */
    why: string;
    /** Only these transitions (default: any change). */
    applies?: (before: string, after: string) => boolean;
}

/** A fact that is absent on one side: a pool that does not exist yet, or no longer. */
export const ABSENT = "(none)";

// Sources:
// - path properties (names, resource group) force replacement: pulumi/pulumi-azure-native#77.
// - location cannot be updated: ARM answers InvalidResourceLocation (pulumi/pulumi-azure-native#3053),
//   and azure-native replaces a resource group or cluster on it under the same name (forceNewMap,
//   docs/azure-facts.md failure mode 26).
// - inline pools cannot be added or removed: azure-native managedCluster docs (agentPoolProfiles),
//   pulumi/pulumi-azure-native#579, #2719.
// - VM size: "You can't change the VM size of a node pool after you create it"
//   (https://learn.microsoft.com/azure/aks/manage-node-pools, Limitations).
// - zones: "Availability zone settings can't be updated after the cluster or node pool is created"
//   (https://learn.microsoft.com/azure/aks/availability-zones).
// - private <-> public: a Private Link cluster cannot be converted either way; only API Server VNet
//   Integration can (https://learn.microsoft.com/azure/aks/private-clusters,
//   https://learn.microsoft.com/azure/aks/api-server-vnet-integration); the stack still treats
//   privateCluster as create-only. That integration is one-way: on, never off, nor to another subnet.
// - dnsPrefix, nodeResourceGroup: set only at create, PropertyChangeNotAllowed after
//   (docs/azure-facts.md, failure mode 17).
// - AKS-managed Entra integration cannot be disabled once enabled, nor the OIDC issuer
//   (https://learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id,
//   https://learn.microsoft.com/azure/aks/use-oidc-issuer).
const RULES: Rule[] = [
    {
        type: TYPES.agentPool,
        fact: /^agentPoolName$/,
        kind: "replaces",
        why: "a new VM size, zones, OS, spot or encryption-at-host setting gives the pool a new name (components/nodePools.ts): Pulumi creates the new pool, then deletes the old one, and AKS drains its nodes so workloads move; make room for both pools (quota, PodDisruptionBudgets)",
    },
    ...[TYPES.cluster, TYPES.identity, TYPES.resourceGroup, TYPES.agentPool].flatMap((type) => [
        {
            type,
            fact: /^(resourceName|resourceGroupName)$/,
            kind: "replaces" as const,
            why: "a name in the resource's id: Pulumi deletes it and creates a new one (pulumi/pulumi-azure-native#77)",
        },
        {
            type,
            fact: /^location$/,
            kind: "refused" as const,
            why: "Azure cannot move a resource to another region (InvalidResourceLocation, pulumi/pulumi-azure-native#3053), and azure-native's replacement of a resource group or cluster meets the fixed name the old one holds (docs/azure-facts.md failure mode 26); pulumi up refuses it before creating anything: create a new stack there",
        },
    ]),
    {
        type: TYPES.cluster,
        fact: /^pool [^ ]+$/,
        kind: "refused",
        why: "AKS refuses adding or removing a pool through the cluster's agentPoolProfiles (pulumi/pulumi-azure-native#579, #2719); declare pools other than the system pool as AgentPool resources",
    },
    ...[TYPES.cluster, TYPES.agentPool].flatMap((type) => [
        {
            type,
            fact: /^pool [^ ]+ vmSize$/,
            kind: "refused" as const,
            why: "AKS cannot change the VM size of an existing node pool (learn.microsoft.com/azure/aks/manage-node-pools); add a pool with the new size, move the workloads, remove the old pool",
        },
        {
            type,
            fact: /^pool [^ ]+ (osSku|spot|subnet|podSubnet|maxPods|osDisk)$/,
            kind: "refused" as const,
            why: "AKS cannot change the OS, spot priority, subnets, max pods or OS disk of an existing node pool (learn.microsoft.com/azure/aks/manage-node-pools, concepts-network-ip-address-planning, concepts-storage); for a user pool named in 1-8 characters the stack derives the pool's Azure name from these settings, so such a change is a new pool; for the system pool, create a new stack (docs/node-pools-and-networking.md: Node pools)",
        },
        {
            type,
            fact: /^pool [^ ]+ zones$/,
            kind: "refused" as const,
            why: "AKS cannot change the availability zones of an existing node pool (learn.microsoft.com/azure/aks/availability-zones); add a pool with the new zones, move the workloads, remove the old pool",
        },
    ]),
    {
        type: TYPES.cluster,
        fact: /^(dnsPrefix|nodeResourceGroup)$/,
        kind: "refused",
        why: "AKS sets it only when the cluster is created (PropertyChangeNotAllowed, hashicorp/terraform-provider-azurerm#2611); both derive from project and stack, so keep the stack name or create a new cluster",
    },
    {
        type: TYPES.cluster,
        fact: /^network (podCidr|serviceCidr|dnsServiceIP|outboundType|networkPluginMode|networkPolicy)$/,
        kind: "refused",
        why: "AKS sets the pod and service ranges, the pod network and its policy engine and, in your own subnet, the outbound type when the cluster is created (learn.microsoft.com/azure/aks/azure-cni-overlay, egress-outboundtype); AKS's one-way migrations (update-azure-cni, use-network-policies) are not driven by the stack: create a new cluster",
    },
    {
        type: TYPES.cluster,
        fact: /^apiServer privateDnsZone$/,
        kind: "refused",
        why: "the private DNS zone of a private cluster is set when it is created (learn.microsoft.com/azure/aks/private-clusters); create a new cluster",
        // Going private is reported by "apiServer private"; the zone compares between private states.
        applies: (before, after) => before !== "" && after !== "",
    },
    {
        type: TYPES.cluster,
        fact: /^apiServer private$/,
        kind: "refused",
        why: "a Private Link API server cannot be made public or private after creation (learn.microsoft.com/azure/aks/private-clusters); create a new cluster",
    },
    {
        type: TYPES.cluster,
        fact: /^apiServer vnetIntegration subnet$/,
        kind: "refused",
        why: "API Server VNet Integration can be turned on for an existing cluster but never off, nor moved to another subnet (learn.microsoft.com/azure/aks/api-server-vnet-integration); create a new cluster",
        applies: (before) => before !== "off",
    },
    {
        type: TYPES.cluster,
        fact: /^(entra managed|oidcIssuer)$/,
        kind: "refused",
        why: "once enabled, AKS cannot turn it off (learn.microsoft.com/azure/aks/use-oidc-issuer, enable-authentication-microsoft-entra-id)",
        applies: (before, after) => before === "true" && after !== "true",
    },
];

function poolFacts(p: Pool, out: Record<string, string>): void {
    if (p.inline) out[`pool ${p.name}`] = "present";
    out[`pool ${p.name} vmSize`] = p.vmSize;
    out[`pool ${p.name} zones`] = p.zones.join(",") || "none";
    out[`pool ${p.name} osSku`] = p.osSku;
    out[`pool ${p.name} spot`] = String(p.spot);
    out[`pool ${p.name} subnet`] = p.subnet || "AKS-managed";
    // Set only when a pool is created (docs/azure-facts.md, failure mode 19).
    out[`pool ${p.name} encryptionAtHost`] = String(p.encryptionAtHost);
    // Recorded only when set, so an older plan's pools compare unchanged.
    if (p.podSubnet) out[`pool ${p.name} podSubnet`] = p.podSubnet;
    if (p.maxPods) out[`pool ${p.name} maxPods`] = p.maxPods;
    if (p.osDisk) out[`pool ${p.name} osDisk`] = p.osDisk;
}

/** The values of `r` that Azure refuses to change in place or that replace it; undefined for other types. */
export function immutableFacts(r: Registration): Record<string, string> | undefined {
    if (!r.custom) return undefined;
    const i = r.inputs;
    const out: Record<string, string> = {};
    switch (r.type) {
        case TYPES.resourceGroup:
        case TYPES.identity:
            out.resourceGroupName = text(i.resourceGroupName);
            if (r.type === TYPES.identity) out.resourceName = text(i.resourceName);
            out.location = text(i.location);
            return out;
        case TYPES.cluster:
            out.resourceGroupName = text(i.resourceGroupName);
            out.resourceName = text(i.resourceName);
            out.location = text(i.location);
            out.dnsPrefix = text(i.dnsPrefix);
            out.nodeResourceGroup = text(i.nodeResourceGroup);
            out["apiServer private"] = String(
                at(i, "apiServerAccessProfile", "enablePrivateCluster") === true,
            );
            out["entra managed"] = String(at(i, "aadProfile", "managed") === true);
            out.oidcIssuer = String(at(i, "oidcIssuerProfile", "enabled") === true);
            // API Server VNet Integration: on for good once on, in the subnet it was made with.
            out["apiServer vnetIntegration subnet"] =
                at(i, "apiServerAccessProfile", "enableVnetIntegration") === true
                    ? text(at(i, "apiServerAccessProfile", "subnetId"))
                    : "off";
            out["apiServer privateDnsZone"] = text(
                at(i, "apiServerAccessProfile", "privateDNSZone"),
            );
            for (const k of [
                "podCidr",
                "serviceCidr",
                "dnsServiceIP",
                "outboundType",
                "networkPluginMode",
                "networkPolicy",
            ]) {
                out[`network ${k}`] = text(at(i, "networkProfile", k)) || "AKS default";
            }
            inlinePools(r).forEach((p) => poolFacts(p, out));
            return out;
        case TYPES.agentPool: {
            const p = agentPool(r)!;
            out.resourceGroupName = text(i.resourceGroupName);
            out.resourceName = text(i.resourceName);
            out.agentPoolName = p.name;
            poolFacts(p, out);
            return out;
        }
        default:
            return undefined;
    }
}

export interface ImmutableChange {
    kind: ImmutableKind;
    urn: string;
    type: string;
    fact: string;
    before: string;
    after: string;
    why: string;
}

/** The refused or replacing changes between two versions of one resource's facts. */
export function immutableChanges(
    urn: string,
    type: string,
    before: Readonly<Record<string, string>> | undefined,
    after: Readonly<Record<string, string>> | undefined,
): ImmutableChange[] {
    if (!before || !after) return [];
    const out: ImmutableChange[] = [];
    for (const fact of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        const b = before[fact] ?? ABSENT;
        const a = after[fact] ?? ABSENT;
        if (b === a) continue;
        // Only a pool's presence compares with a side where it is absent: a pool's own facts
        // compare while the pool exists on both sides, and a fact an older plan did not record
        // is not a change.
        if ((b === ABSENT || a === ABSENT) && !/^pool [^ ]+$/.test(fact)) continue;
        const rule = RULES.find(
            (x) => x.type === type && x.fact.test(fact) && (x.applies?.(b, a) ?? true),
        );
        if (rule)
            out.push({ kind: rule.kind, urn, type, fact, before: b, after: a, why: rule.why });
    }
    return out;
}
