// Cross-field rules of aks-entra:cluster and aks-entra:kubernetesVersion. Pure module.
import ipaddr from "ipaddr.js";
import { stringify } from "yaml";
import { versionRefusal } from "../../aksVersions";
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import type { Drafts } from "../schema";
import { cidrsOverlap, NODE_POD_PREFIX, privateDnsZoneRegion } from "../values";
import { entries, type RuleContext, rawAt, refused } from "./context";

type PoolDraft = NonNullable<NonNullable<Drafts["cluster"]>["systemPool"]>;

/** Node count when none is given: minCount when autoscaling, else 3. */
export function poolCount(pool: { count?: number; minCount?: number }): number {
    return pool.count ?? pool.minCount ?? 3;
}

/** Autoscaling bounds come in pairs and hold the node count; zones are listed once. */
function poolRule(path: string, pool: PoolDraft, raw: Record<string, unknown>): string[] {
    const out: string[] = [];
    // A count or bound the schema refused is reported there; comparing what is left would mislead.
    if (!["count", "minCount", "maxCount"].some((k) => refused(raw, pool, k))) {
        const count = poolCount(pool);
        if ((pool.minCount === undefined) !== (pool.maxCount === undefined)) {
            out.push(
                `${NAMESPACE}:${path} needs both minCount and maxCount to autoscale (got ${show({ minCount: pool.minCount, maxCount: pool.maxCount })})`,
            );
        } else if (pool.minCount !== undefined && pool.maxCount !== undefined) {
            if (pool.minCount > pool.maxCount) {
                out.push(
                    `${NAMESPACE}:${path}.minCount ${pool.minCount} is above maxCount ${pool.maxCount}`,
                );
            } else if (count < pool.minCount || count > pool.maxCount) {
                out.push(
                    `${NAMESPACE}:${path}.count ${count} is outside minCount..maxCount (${pool.minCount}..${pool.maxCount})`,
                );
            }
        }
    }
    const zones = (pool.zones ?? []).filter((z) => z !== undefined);
    if (duplicates(zones).length > 0) {
        out.push(`${NAMESPACE}:${path}.zones ${show(pool.zones)} lists a zone twice`);
    }
    return out;
}

export function nodePools({ draft, raw }: RuleContext): string[] {
    const c = draft.cluster ?? {};
    const out = poolRule(
        "cluster.systemPool",
        c.systemPool ?? {},
        rawAt(raw, "cluster", "systemPool"),
    );
    const rawPools = rawAt(raw, "cluster").userPools;
    for (const [i, p] of entries(c.userPools)) {
        const rawPool = Array.isArray(rawPools) ? rawAt(rawPools, i) : {};
        out.push(...poolRule(`cluster.userPools[${i}]`, p, rawPool));
    }
    const names = entries(c.userPools).flatMap(([, p]) => (p.name === undefined ? [] : [p.name]));
    for (const n of duplicates(names)) {
        out.push(
            `${NAMESPACE}:cluster.userPools has two pools named ${show(n)}; pool names are unique`,
        );
    }
    const written = rawAt(raw, "cluster");
    if (Object.hasOwn(written, "userPool")) out.push(userPoolMoved(written.userPool));
    return out;
}

/**
 * cluster.userPool was inline in the cluster's agentPoolProfiles, which AKS refuses to add to or
 * remove from an existing cluster (docs/azure-facts.md, failure mode 13). Its replacement is a
 * list of AgentPool resources; the message shows the user's pool in the new form.
 */
function userPoolMoved(value: unknown): string {
    const pool = value !== null && typeof value === "object" ? value : {};
    const yaml = stringify(
        { userPools: [{ name: "apps", ...pool }] },
        { collectionStyle: "flow" },
    ).trim();
    return `${NAMESPACE}:cluster.userPool is replaced by cluster.userPools, a list of pools that are each their own AgentPool (AKS refuses adding or removing a pool inside the cluster resource, so the inline pool could never be added or removed later); write under aks-entra:cluster: ${yaml.replace(/\n\s*/g, " ")}. A cluster created with userPool keeps that pool until you delete it with az aks nodepool delete (docs/node-pools-and-networking.md: Node pools)`;
}

/**
 * Your own subnet: the service range holds the DNS service address (not its first two), and pods,
 * services and AKS's reserved ranges never overlap
 * (https://learn.microsoft.com/azure/aks/azure-cni-overlay, "IP address planning"). A user-defined
 * route needs its route table, where the control plane is granted too.
 */
export function network({ draft, raw }: RuleContext): string[] {
    const n = draft.cluster?.network;
    if (n === undefined) return [];
    const out: string[] = [];
    const key = `${NAMESPACE}:cluster.network`;
    const written = rawAt(raw, "cluster", "network");
    if (!Object.hasOwn(written, "subnetId")) return withoutSubnet(key, written);
    if (Object.hasOwn(written, "serviceCidr") !== Object.hasOwn(written, "dnsServiceIp")) {
        out.push(
            `${key} needs serviceCidr and dnsServiceIp together (got ${show({ serviceCidr: written.serviceCidr, dnsServiceIp: written.dnsServiceIp })}); the DNS service address lies in the service range`,
        );
    } else if (n.serviceCidr !== undefined && n.dnsServiceIp !== undefined) {
        const [net, bits] = ipaddr.IPv4.parseCIDR(n.serviceCidr);
        const ip = ipaddr.IPv4.parse(n.dnsServiceIp);
        const toInt = (a: ipaddr.IPv4) => a.toByteArray().reduce((n, b) => n * 256 + b, 0);
        const offset = toInt(ip) - toInt(net);
        if (!ip.match(net, bits)) {
            out.push(
                `${key}.dnsServiceIp ${show(n.dnsServiceIp)} is outside serviceCidr ${show(n.serviceCidr)}`,
            );
        } else if (offset < 2) {
            out.push(
                `${key}.dnsServiceIp ${show(n.dnsServiceIp)} is the ${offset === 0 ? "network" : "first"} address of serviceCidr, which Kubernetes keeps for itself; use e.g. the tenth`,
            );
        } else if (offset === 2 ** (32 - bits) - 1) {
            out.push(
                `${key}.dnsServiceIp ${show(n.dnsServiceIp)} is the last (broadcast) address of serviceCidr, which Kubernetes never hands out; use e.g. the tenth`,
            );
        }
    }
    if (n.podCidr !== undefined) {
        const blocks = 2 ** (NODE_POD_PREFIX - Number(n.podCidr.split("/")[1]));
        const nodes = mostNodes(draft, raw);
        if (nodes !== undefined && nodes > blocks) {
            out.push(
                `${key}.podCidr ${show(n.podCidr)} holds ${blocks} node block${blocks === 1 ? "" : "s"} (a /${NODE_POD_PREFIX} per node, Azure CNI Overlay) but the pools can grow to ${nodes} nodes; use a wider range (e.g. 10.244.0.0/16)`,
            );
        }
    }
    if (
        n.podCidr !== undefined &&
        n.serviceCidr !== undefined &&
        cidrsOverlap(n.podCidr, n.serviceCidr)
    ) {
        out.push(
            `${key}.podCidr ${show(n.podCidr)} overlaps serviceCidr ${show(n.serviceCidr)}; pods and services need separate ranges`,
        );
    }
    const subscription = (id: string) => id.split("/")[2]?.toLowerCase();
    if (
        n.routeTableId !== undefined &&
        n.subnetId !== undefined &&
        subscription(n.routeTableId) !== subscription(n.subnetId)
    ) {
        out.push(
            `${key}.routeTableId ${show(n.routeTableId)} is in subscription ${subscription(n.routeTableId)}, but subnetId is in ${subscription(n.subnetId)}; Azure associates a route table only with subnets of its own subscription and region: use the route table of the subnet's VNet`,
        );
    }
    if (n.outboundType === "userDefinedRouting" && !Object.hasOwn(written, "routeTableId")) {
        out.push(
            `${key}.outboundType "userDefinedRouting" needs routeTableId: the route table of the subnet, on which the control-plane identity is given Network Contributor before the cluster (AKS reads and writes routes there)`,
        );
    }
    out.push(...apiServerSubnet(key, n));
    return out;
}

/**
 * Without your subnet AKS creates the VNet: only the pod network's plugin and policy apply (and
 * pods on VNet IPs need a VNet of yours); every other key describes your network.
 */
function withoutSubnet(key: string, written: Record<string, unknown>): string[] {
    const yours = Object.keys(written).filter((k) => k !== "plugin" && k !== "policy");
    return [
        ...yours.map(
            (k) =>
                `${key}.${k} ${show(written[k])} needs cluster.network.subnetId: it describes your own network, and without subnetId AKS creates and manages the VNet (docs/node-pools-and-networking.md: Networking)`,
        ),
        ...(written.plugin === "azure"
            ? [
                  `${key}.plugin "azure" needs cluster.network.subnetId: pods take addresses of your VNet (the nodes' subnet, or each pool's podSubnetId); use plugin "overlay" in a VNet AKS manages (docs/network-plugins.md)`,
              ]
            : []),
    ];
}

/** The VNet id of a subnet id (`.../virtualNetworks/<vnet>/subnets/<name>`), as written. */
const vnetOf = (subnetId: string) => subnetId.replace(/\/subnets\/[^/]+$/i, "");

/**
 * API Server VNet Integration in your own VNet: the API server gets a subnet of its own in the
 * nodes' VNet (learn.microsoft.com/azure/aks/api-server-vnet-integration, "bring-your-own VNet").
 * Its delegation and size (/28 or larger) are properties of the subnet that config cannot see;
 * the README says so (docs/node-pools-and-networking.md: Networking), and AKS refuses the cluster otherwise.
 */
function apiServerSubnet(
    key: string,
    n: { subnetId?: string; apiServerSubnetId?: string },
): string[] {
    const api = n.apiServerSubnetId;
    const nodes = n.subnetId;
    if (api === undefined || nodes === undefined) return [];
    if (api.toLowerCase() === nodes.toLowerCase()) {
        return [
            `${key}.apiServerSubnetId ${show(api)} is the nodes' subnetId; API Server VNet Integration needs a subnet of its own in the same VNet, delegated to Microsoft.ContainerService/managedClusters and used by nothing else (learn.microsoft.com/azure/aks/api-server-vnet-integration)`,
        ];
    }
    if (vnetOf(api).toLowerCase() !== vnetOf(nodes).toLowerCase()) {
        return [
            `${key}.apiServerSubnetId ${show(api)} is in VNet ${show(vnetOf(api))}, but the nodes' subnetId is in ${show(vnetOf(nodes))}; AKS projects the API server into a subnet of the nodes' VNet (learn.microsoft.com/azure/aks/api-server-vnet-integration)`,
        ];
    }
    return [];
}

/**
 * The most nodes the pools can have: each pool's maxCount when it autoscales, else its count.
 * Undefined when a pool or one of its counts was refused (that problem is reported on its own).
 */
function mostNodes(draft: Drafts, raw: Record<string, unknown>): number | undefined {
    const c = draft.cluster ?? {};
    const rawPools = rawAt(raw, "cluster").userPools;
    const userPools = Array.isArray(rawPools) ? rawPools : [];
    if ((c.userPools ?? []).length !== userPools.length) return undefined;
    const pools: [PoolDraft | undefined, Record<string, unknown>][] = [
        [c.systemPool ?? {}, rawAt(raw, "cluster", "systemPool")],
        ...userPools.map((_, i): [PoolDraft | undefined, Record<string, unknown>] => [
            c.userPools?.[i],
            rawAt(userPools, i),
        ]),
    ];
    let total = 0;
    for (const [p, written] of pools) {
        if (
            p === undefined ||
            ["count", "minCount", "maxCount"].some((k) => refused(written, p, k))
        ) {
            return undefined;
        }
        total += p.maxCount ?? poolCount(p);
    }
    return total;
}

/**
 * A private API server is reachable only from its VNet or a peered one (docs/azure-facts.md,
 * failure mode 15): with Kubernetes objects, `pulumi up` must run there, so the subnet must be
 * known. A private DNS zone belongs to a private cluster in the zone's region.
 */
export function privateCluster({ draft, raw }: RuleContext): string[] {
    const c = draft.cluster ?? {};
    const written = rawAt(raw, "cluster");
    const out: string[] = [];
    const hasObjects = (draft.namespaces ?? []).length > 0;
    const ownSubnet = Object.hasOwn(rawAt(written, "network"), "subnetId");
    if (c.privateCluster === true && hasObjects && !ownSubnet) {
        out.push(
            `${NAMESPACE}:cluster.privateCluster is true and the stack creates Kubernetes objects (aks-entra:namespaces), but cluster.network.subnetId is not set: the API server would get a private address in a VNet that AKS creates and nothing can reach, so pulumi up could not create the namespaces. Set cluster.network.subnetId to a subnet of your VNet and run pulumi up from that VNet or a peered one (docs/node-pools-and-networking.md: Networking), or leave privateCluster false and restrict authorizedIpRanges`,
        );
    }
    if (Object.hasOwn(written, "privateDnsZone") && c.privateCluster !== true) {
        out.push(
            `${NAMESPACE}:cluster.privateDnsZone ${show(written.privateDnsZone)} applies only to a private cluster; set privateCluster: true or remove it`,
        );
    }
    const zone = c.privateDnsZone;
    const region = zone === undefined ? undefined : privateDnsZoneRegion(zone);
    if (region !== undefined && draft.location !== undefined && region !== draft.location) {
        out.push(
            `${NAMESPACE}:cluster.privateDnsZone ${show(zone)} is a zone for ${region}, but the cluster is in ${draft.location}; AKS needs privatelink.${draft.location}.azmk8s.io (or a subzone of it)`,
        );
    }
    if (zone !== undefined && zone !== "system" && zone !== "none" && !ownSubnet) {
        out.push(
            `${NAMESPACE}:cluster.privateDnsZone: your own zone needs cluster.network.subnetId (the zone must be linked to the cluster's VNet, which then is yours)`,
        );
    }
    return out;
}

/** autoUpgradeChannel node-image upgrades node images itself. */
export function upgradeChannels({ draft }: RuleContext): string[] {
    const c = draft.cluster ?? {};
    const auto = c.autoUpgradeChannel ?? "patch";
    const nodeOs = c.nodeOsUpgradeChannel ?? "NodeImage";
    return auto === "node-image" && nodeOs !== "NodeImage"
        ? [
              `${NAMESPACE}:cluster.nodeOsUpgradeChannel ${show(nodeOs)} cannot be combined with autoUpgradeChannel "node-image" (AKS then upgrades node images itself); use NodeImage or another autoUpgradeChannel`,
          ]
        : [];
}

/** A pinned version that the upgrade channel moves would be downgraded by the next pulumi up. */
export function versionPin({ draft, raw, today }: RuleContext): string[] {
    const version = draft.kubernetesVersion;
    if (
        version === undefined ||
        refused(rawAt(raw, "cluster"), draft.cluster, "autoUpgradeChannel") ||
        // A version AKS no longer creates is refused as such (rules/version.ts): a hint to pin its
        // minor instead would point at another refused value.
        (/^1\.\d+(\.\d+)?$/.test(version) &&
            versionRefusal(version, today, draft.location) !== undefined)
    ) {
        return [];
    }
    const channel = draft.cluster?.autoUpgradeChannel ?? "patch";
    if (channel === "stable" || channel === "rapid") {
        return [
            `${NAMESPACE}:kubernetesVersion ${show(version)} is pinned but cluster.autoUpgradeChannel ${show(channel)} moves the minor version; the next pulumi up would try to downgrade. Remove kubernetesVersion or use autoUpgradeChannel patch/none`,
        ];
    }
    if (/^\d+\.\d+\.\d+$/.test(version) && channel === "patch") {
        return [
            `${NAMESPACE}:kubernetesVersion ${show(version)} pins a patch but cluster.autoUpgradeChannel "patch" moves it; give the minor only (e.g. "${version.split(".").slice(0, 2).join(".")}") or use autoUpgradeChannel none`,
        ];
    }
    return [];
}

/** A private API server has no public endpoint to restrict; a range is listed once. */
export function apiServerAccess({ draft, raw }: RuleContext): string[] {
    const c = draft.cluster ?? {};
    const written = rawAt(raw, "cluster").authorizedIpRanges;
    const out: string[] = [];
    if (c.privateCluster === true && Array.isArray(written) && written.length > 0) {
        out.push(
            `${NAMESPACE}:cluster.authorizedIpRanges cannot be combined with cluster.privateCluster: true (a private API server has no public endpoint to restrict); remove one`,
        );
    }
    const ranges = (c.authorizedIpRanges ?? []).filter((r) => r !== undefined);
    for (const r of duplicates(ranges)) {
        out.push(`${NAMESPACE}:cluster.authorizedIpRanges lists ${show(r)} twice`);
    }
    return out;
}
