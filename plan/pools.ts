// Node pools, wherever the program declares them: inline in the cluster's agentPoolProfiles or as
// separate AgentPool resources (pools added after creation must be: azure-native's managedCluster
// docs, "Adding agent pools to an existing cluster is not allowed through managed cluster
// operations", pulumi/pulumi-azure-native#579 and #2719). One description for both, so the tree,
// the JSON and --diff treat every pool alike. Pure module.
import type { Registration } from "../offline/harness";
import { type Props, strings, text, TYPES } from "./registrations";

export interface Pool {
    name: string;
    mode: string;
    vmSize: string;
    count: string;
    autoscale?: { min: string; max: string };
    zones: string[];
    osSku: string;
    spot: boolean;
    /** Subnet id; "" in the AKS-managed VNet. */
    subnet: string;
    taints: string[];
    labels: Record<string, string>;
    /** SSH into the nodes (securityProfile.sshAccess not Disabled; AKS's default is LocalUser). */
    ssh: boolean;
    encryptionAtHost: boolean;
    /** Tuning AKS fixes at create ("" when unset: AKS's default). */
    maxPods: string;
    osDisk: string;
    /** Pod subnet id; "" when pods take addresses from the node subnet or the overlay. */
    podSubnet: string;
    /** upgradeSettings.maxSurge; "" when unset. */
    maxSurge: string;
    /** True when declared inside the cluster's agentPoolProfiles. */
    inline: boolean;
}

function pool(p: Props, name: string, inline: boolean): Pool {
    return {
        name,
        mode: text(p.mode) || "User",
        vmSize: text(p.vmSize),
        count: typeof p.count === "number" ? String(p.count) : "?",
        autoscale:
            p.enableAutoScaling === true
                ? { min: JSON.stringify(p.minCount), max: JSON.stringify(p.maxCount) }
                : undefined,
        zones: strings(p.availabilityZones),
        osSku: text(p.osSKU) || "Ubuntu",
        spot: p.scaleSetPriority === "Spot",
        subnet: text(p.vnetSubnetID),
        taints: strings(p.nodeTaints),
        labels: Object.fromEntries(
            Object.entries((p.nodeLabels ?? {}) as Props).map(([k, v]) => [k, text(v)]),
        ),
        ssh: (p.securityProfile as Props | undefined)?.sshAccess !== "Disabled",
        encryptionAtHost: p.enableEncryptionAtHost === true,
        maxPods: typeof p.maxPods === "number" ? String(p.maxPods) : "",
        osDisk: [
            text(p.osDiskType),
            typeof p.osDiskSizeGB === "number" ? `${p.osDiskSizeGB} GiB` : "",
        ]
            .filter((x) => x !== "")
            .join(" "),
        podSubnet: text(p.podSubnetID),
        maxSurge: text((p.upgradeSettings as Props | undefined)?.maxSurge),
        inline,
    };
}

/** The pools declared inline in a ManagedCluster registration. */
export function inlinePools(cluster: Registration): Pool[] {
    return ((cluster.inputs.agentPoolProfiles ?? []) as Props[]).map((p, i) =>
        pool(p, text(p.name) || `#${i}`, true),
    );
}

/** The pool of an AgentPool registration. */
export function agentPool(r: Registration): Pool | undefined {
    if (r.type !== TYPES.agentPool) return undefined;
    return pool(r.inputs, text(r.inputs.agentPoolName) || r.name, false);
}

/** `System, 3 x Standard_D4ds_v5, AzureLinux, autoscale 3-5, zones 1,2,3, taint CriticalAddonsOnly=true:NoSchedule` */
export function poolText(p: Pool): string {
    return [
        `${p.mode}, ${p.count} x ${p.vmSize}${p.spot ? " spot" : ""}, ${p.osSku}`,
        ...(p.autoscale ? [`autoscale ${p.autoscale.min}-${p.autoscale.max}`] : []),
        p.zones.length ? `zones ${p.zones.join(",")}` : "no availability zones",
        ...(p.subnet ? [`subnet ${p.subnet.split("/").slice(-3).join("/")}`] : []),
        ...(p.podSubnet ? [`pod subnet ${p.podSubnet.split("/").slice(-3).join("/")}`] : []),
        ...(p.maxPods ? [`max ${p.maxPods} pods per node`] : []),
        ...(p.osDisk ? [`OS disk ${p.osDisk}`] : []),
        ...(p.maxSurge ? [`surge ${p.maxSurge}`] : []),
        ...p.taints.map((t) => `taint ${t}`),
        ...Object.entries(p.labels).map(([k, v]) => `label ${k}=${v}`),
        ...(p.encryptionAtHost ? ["encryption at host"] : []),
        // The default (SSH disabled) goes unsaid; a way onto nodes that is not Entra does not.
        ...(p.ssh ? ["SSH ENABLED"] : []),
    ].join(", ");
}

/** The cluster's first System pool (AKS needs one): where add-ons run. */
export function systemPool(cluster: Registration): Pool | undefined {
    return inlinePools(cluster).find((p) => p.mode === "System");
}
