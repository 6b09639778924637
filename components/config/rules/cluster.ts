// Cross-field rules of aks-entra:cluster and aks-entra:kubernetesVersion. Pure module.
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import type { Drafts } from "../schema";
import { type RuleContext, rawAt, refused } from "./context";

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
    return [
        ...poolRule("cluster.systemPool", c.systemPool ?? {}, rawAt(raw, "cluster", "systemPool")),
        ...(c.userPool
            ? poolRule("cluster.userPool", c.userPool, rawAt(raw, "cluster", "userPool"))
            : []),
    ];
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
export function versionPin({ draft, raw }: RuleContext): string[] {
    const version = draft.kubernetesVersion;
    if (
        version === undefined ||
        refused(rawAt(raw, "cluster"), draft.cluster, "autoUpgradeChannel")
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
