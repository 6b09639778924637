// Defaults and assembly: the typed StackConfig from values every schema and rule accepted.
// Pure module; it checks nothing (parse.ts does), so a reference here always resolves.
import { KUBELET_GRANT_WAIT } from "./constants";
import { poolCount } from "./rules";
import type { GroupAliases } from "./references";
import { resolveGrants } from "./references";
import type { Parsed } from "./schema";
import type { NamespaceSettings, NodePool, Pipeline, StackConfig } from "./types";

type ClusterInput = NonNullable<Parsed["cluster"]>;
type PoolInput = NonNullable<ClusterInput["systemPool"]>;

function pool(p: Omit<PoolInput, "criticalAddonsOnly">): NodePool {
    return {
        vmSize: p.vmSize ?? "Standard_D4ds_v5",
        count: poolCount(p),
        minCount: p.minCount,
        maxCount: p.maxCount,
        zones: p.zones ?? [],
        osSku: p.osSku ?? "AzureLinux",
    };
}

export function buildConfig(p: Parsed, groups: GroupAliases): StackConfig {
    const defaultsUsed: string[] = [];
    const used = (key: string, unset: boolean) => unset && defaultsUsed.push(key);
    const c = p.cluster ?? {};
    used("cluster", p.cluster === undefined);
    used("cluster.tier", c.tier === undefined);
    used("cluster.systemPool.zones", c.systemPool?.zones === undefined);
    used("cluster.userPools", c.userPools === undefined);
    used("cluster.network", c.network === undefined);
    const a = p.admins ?? {};
    used("admins", p.admins === undefined);
    const d = p.deployer ?? {};
    used("kubeloginMode", p.kubeloginMode === undefined);
    used("deployer.principalType", d.principalType === undefined);

    const namespaces: NamespaceSettings[] = (p.namespaces ?? []).map((n) => ({
        name: n.name,
        access: (n.access ?? []).map((g) => ({ group: groups.resolve(g.group), role: g.role })),
        roles: (n.roles ?? []).map((r) => ({
            name: r.name,
            rules: r.rules,
            clusterRole: r.clusterRole,
            groups: r.groups.map((g) => groups.resolve(g)),
            allowPrivilegeEscalation: r.allowPrivilegeEscalation ?? false,
        })),
        workloads: (n.workloads ?? []).map((w) => ({
            namespace: n.name,
            serviceAccount: w.serviceAccount,
            azureRoleAssignments: resolveGrants(w.azureRoleAssignments),
        })),
    }));
    const pipelines: Pipeline[] = (p.pipelines ?? []).map((pl) => ({
        name: pl.name,
        github: pl.github,
        clusterAccess: pl.clusterAccess,
        namespaceAccess: pl.namespaceAccess ?? [],
        azureRoleAssignments: resolveGrants(pl.azureRoleAssignments),
    }));

    return {
        location: p.location ?? "",
        kubernetesVersion: p.kubernetesVersion,
        cluster: {
            tier: c.tier ?? "Standard",
            systemPool: {
                ...pool(c.systemPool ?? {}),
                criticalAddonsOnly:
                    c.systemPool?.criticalAddonsOnly ?? (c.userPools ?? []).length > 0,
            },
            userPools: (c.userPools ?? []).map((u) => ({
                ...pool(u),
                name: u.name,
                labels: { ...u.labels },
                taints: u.taints ?? [],
                spot: u.spot ?? false,
            })),
            network: c.network && {
                ...c.network,
                outboundType: c.network.outboundType ?? "loadBalancer",
            },
            authorizedIpRanges: c.authorizedIpRanges ?? [],
            privateCluster: c.privateCluster ?? false,
            privateDnsZone: c.privateCluster ? (c.privateDnsZone ?? "system") : undefined,
            autoUpgradeChannel: c.autoUpgradeChannel ?? "patch",
            nodeOsUpgradeChannel: c.nodeOsUpgradeChannel ?? "NodeImage",
            disableRunCommand: c.disableRunCommand ?? true,
            kubeletGrantWaitSeconds: c.kubeletGrantWaitSeconds ?? KUBELET_GRANT_WAIT.default,
        },
        groups: Object.fromEntries(groups.entries()),
        admins: {
            createGroup: a.createGroup ?? true,
            members: (a.members ?? []).map((m) => m.toLowerCase()),
            owners: (a.owners ?? []).map((o) => o.toLowerCase()),
            existingGroups: (a.existingGroupObjectIds ?? []).map((g) => groups.resolve(g)),
        },
        clusterAccess: (p.clusterAccess ?? []).map((g) => ({
            group: groups.resolve(g.group),
            role: g.role,
        })),
        namespaces,
        pipelines,
        kubeloginMode: p.kubeloginMode ?? "azurecli",
        deployer: {
            objectId: d.objectId?.toLowerCase(),
            principalType: d.principalType,
            clusterAdmin: d.clusterAdmin ?? true,
            rbacWaitSeconds: d.rbacWaitSeconds ?? 300,
            managedIdentityClientId: d.managedIdentityClientId?.toLowerCase(),
        },
        protect: p.protect ?? false,
        tags: { ...p.tags },
        defaultsUsed,
    };
}
