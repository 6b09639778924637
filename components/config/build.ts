// Defaults and assembly: the typed StackConfig from values every schema and rule accepted.
// Pure module; it checks nothing (parse.ts does), so a reference here always resolves.
import {
    ACTIVATION_MINUTES,
    AUDIT_CATEGORIES,
    IMAGE_CLEANER_HOURS,
    KUBELET_GRANT_WAIT,
    MAINTENANCE_HOURS,
    RETENTION_DAYS,
} from "./constants";
import { monitoringOf, secretsStoreOf } from "./addons";
import { poolCount } from "./rules";
import { podSecurityOf } from "./rules/podSecurity";
import type { GroupAliases } from "./references";
import { resolveGrants } from "./references";
import type { Parsed } from "./schema";
import type {
    MaintenanceWindow,
    NamespaceSettings,
    NetworkSettings,
    NodePool,
    Pipeline,
    StackConfig,
} from "./types";
import { isoDurationMinutes, keyVaultKeyParts } from "./values";

type ClusterInput = NonNullable<Parsed["cluster"]>;
type PoolInput = NonNullable<ClusterInput["systemPool"]>;

/**
 * A pool's settings with their defaults. A pool subnetId that is the cluster's subnet (any case)
 * is the default written out: dropped, so it neither renames the pool nor adds a grant.
 */
function pool(p: Omit<PoolInput, "criticalAddonsOnly">, clusterSubnet?: string): NodePool {
    return {
        vmSize: p.vmSize ?? "Standard_D4ds_v5",
        count: poolCount(p),
        minCount: p.minCount,
        maxCount: p.maxCount,
        zones: p.zones ?? [],
        osSku: p.osSku ?? "AzureLinux",
        extraProperties: p.extraProperties && { ...p.extraProperties },
        maxPods: p.maxPods,
        osDiskType: p.osDiskType,
        osDiskSizeGB: p.osDiskSizeGB,
        maxSurge: p.maxSurge === undefined ? undefined : String(p.maxSurge),
        subnetId:
            p.subnetId?.toLowerCase() === clusterSubnet?.toLowerCase() ? undefined : p.subnetId,
        podSubnetId: p.podSubnetId,
    };
}

type WindowInput = NonNullable<NonNullable<ClusterInput["maintenance"]>["autoUpgrade"]>;

function maintenanceWindow(w: WindowInput | undefined): MaintenanceWindow | undefined {
    return (
        w && {
            day: w.day,
            start: w.start,
            durationHours: w.durationHours ?? MAINTENANCE_HOURS.default,
            utcOffset: w.utcOffset ?? "+00:00",
            everyWeeks: w.everyWeeks ?? 1,
        }
    );
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
    used("cluster.monitoring.containerInsights", c.monitoring?.containerInsights === undefined);
    used("auditLogs", p.auditLogs === undefined);
    const a = p.admins ?? {};
    used("admins", p.admins === undefined);
    const d = p.deployer ?? {};
    used("kubeloginMode", p.kubeloginMode === undefined);
    used("deployer.principalType", d.principalType === undefined);

    const namespaces: NamespaceSettings[] = (p.namespaces ?? []).map((n) => ({
        name: n.name,
        podSecurity: podSecurityOf(n, p.pipelines),
        access: (n.access ?? []).map((g) => ({ group: groups.resolve(g.group), role: g.role })),
        roles: (n.roles ?? []).map((r) => ({
            name: r.name,
            rules: r.rules,
            clusterRole: r.clusterRole,
            clusterRoleRules: r.clusterRoleRules,
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
        ...exception(pl.clusterWideException),
        namespaceAccess: pl.namespaceAccess ?? [],
        azureRoleAssignments: resolveGrants(pl.azureRoleAssignments),
    }));

    return {
        location: p.location ?? "",
        kubernetesVersion: p.kubernetesVersion,
        cluster: {
            tier: c.tier ?? "Standard",
            systemPool: {
                ...pool(c.systemPool ?? {}, c.network?.subnetId),
                criticalAddonsOnly:
                    c.systemPool?.criticalAddonsOnly ?? (c.userPools ?? []).length > 0,
            },
            userPools: (c.userPools ?? []).map((u) => ({
                ...pool(u, c.network?.subnetId),
                name: u.name,
                labels: { ...u.labels },
                taints: u.taints ?? [],
                spot: u.spot ?? false,
            })),
            podNetwork: {
                plugin: c.network?.plugin ?? "overlay",
                policy: c.network?.policy ?? "cilium",
            },
            // Your own subnet; the rule network() refused its other keys without it.
            network: networkSettings(c.network),
            authorizedIpRanges: c.authorizedIpRanges ?? [],
            privateCluster: c.privateCluster ?? false,
            privateDnsZone: c.privateCluster ? (c.privateDnsZone ?? "system") : undefined,
            autoUpgradeChannel: c.autoUpgradeChannel ?? "patch",
            nodeOsUpgradeChannel: c.nodeOsUpgradeChannel ?? "NodeImage",
            disableRunCommand: c.disableRunCommand ?? true,
            nodeSsh: c.nodeSsh ?? false,
            azurePolicy: c.azurePolicy ?? true,
            imageCleaner: {
                enabled: c.imageCleaner?.enabled ?? true,
                intervalHours: c.imageCleaner?.intervalHours ?? IMAGE_CLEANER_HOURS.default,
            },
            containerRegistries: c.containerRegistries ?? [],
            defender: c.defender && { ...c.defender },
            encryptionAtHost: c.encryptionAtHost ?? false,
            kms: c.kms && {
                keyId: c.kms.keyId,
                keyVaultId: c.kms.keyVaultId,
                network: c.kms.network ?? "public",
                // The rule kms() checked that the key id parses and names this vault.
                keyResourceId: `${c.kms.keyVaultId}/keys/${keyVaultKeyParts(c.kms.keyId)!.key}`,
            },
            maintenance: {
                autoUpgrade: maintenanceWindow(c.maintenance?.autoUpgrade),
                nodeOs: maintenanceWindow(c.maintenance?.nodeOs),
            },
            kubeletGrantWaitSeconds: c.kubeletGrantWaitSeconds ?? KUBELET_GRANT_WAIT.default,
            monitoring: monitoringOf(c.monitoring),
            secretsStore: secretsStoreOf(c.secretsStore),
            autoscalerProfile: c.autoscalerProfile && definedOnly(c.autoscalerProfile),
            diskEncryptionSetId: c.diskEncryptionSetId,
            podSecurity: c.podSecurity && {
                standard: c.podSecurity.standard,
                effect: c.podSecurity.effect ?? "audit",
            },
            appRouting: c.appRouting,
            extraProperties: c.extraProperties && { ...c.extraProperties },
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
            ...exception(g.clusterWideException),
        })),
        namespaces,
        pipelines,
        jit: (p.jit ?? []).map((j) => {
            const approvers = j.approvers ?? [];
            const groupIds = new Set(groups.entries().map(([, id]) => id));
            return {
                name: j.name,
                role: j.role,
                namespace: j.namespace,
                eligible: j.eligible.map((e) => groups.resolve(e)),
                maxActivationMinutes:
                    j.maxActivation === undefined
                        ? ACTIVATION_MINUTES.default
                        : isoDurationMinutes(j.maxActivation)!,
                requireJustification: j.requireJustification ?? true,
                requireMfa: j.requireMfa ?? true,
                requireApproval: j.requireApproval ?? approvers.length > 0,
                approvers: approvers.map((a) => {
                    const ref = groups.resolve(a);
                    return { ...ref, kind: groupIds.has(ref.objectId) ? "group" : "user" };
                }),
                ...exception(j.clusterWideException),
            };
        }),
        declaredRoles: (p.declaredRoles ?? []).map((d) => ({
            guid: d.role.toLowerCase(),
            name: d.name,
            access: d.access,
            intent: d.intent,
        })),
        conditionalAccess: p.conditionalAccess && {
            state: p.conditionalAccess.state ?? "reportOnly",
            require: p.conditionalAccess.require ?? ["mfa"],
            groups: p.conditionalAccess.groups?.map((g) => groups.resolve(g)),
            excludeGroups: (p.conditionalAccess.excludeGroups ?? []).map((g) => groups.resolve(g)),
            breakGlassGroups: (p.conditionalAccess.breakGlassGroups ?? []).map((g) =>
                groups.resolve(g),
            ),
        },
        kubeloginMode: p.kubeloginMode ?? "azurecli",
        kubeloginPop: p.kubeloginPop ?? false,
        deployer: {
            objectId: d.objectId?.toLowerCase(),
            principalType: d.principalType,
            clusterAdmin: d.clusterAdmin ?? true,
            rbacWaitSeconds: d.rbacWaitSeconds ?? 300,
            managedIdentityClientId: d.managedIdentityClientId?.toLowerCase(),
        },
        auditLogs: {
            enabled: p.auditLogs?.enabled ?? true,
            workspaceId: p.auditLogs?.workspaceId,
            categories: p.auditLogs?.categories ?? [...AUDIT_CATEGORIES],
            retentionDays: p.auditLogs?.retentionDays ?? RETENTION_DAYS.default,
            metrics: p.auditLogs?.metrics ?? false,
            storageAccountId: p.auditLogs?.storageAccountId,
            eventHub: p.auditLogs?.eventHub && { ...p.auditLogs.eventHub },
        },
        names: { ...p.names },
        protect: p.protect ?? false,
        teams: Object.entries(p.teams ?? {}).map(([name, t]) => ({
            name,
            namespaces: t.namespaces,
            groups: (t.groups ?? []).map((g) => groups.resolve(g)),
            github: t.pipeline.github,
        })),
        platform: p.platform && { ...p.platform },
        stateBackend: p.stateBackend && { ...p.stateBackend },
        tags: { ...p.tags },
        defaultsUsed,
    };
}

/** A map without its undefined values. */
function definedOnly<T>(m: Record<string, T | undefined>): Record<string, T> {
    return Object.fromEntries(
        Object.entries(m).filter((e): e is [string, T] => e[1] !== undefined),
    );
}

/** cluster.network without the pod network's keys: undefined unless the subnet is yours. */
function networkSettings(n: ClusterInput["network"]): NetworkSettings | undefined {
    if (n?.subnetId === undefined) return undefined;
    const { plugin, policy, subnetId, ...rest } = n;
    void plugin;
    void policy;
    return { ...rest, subnetId, outboundType: n.outboundType ?? "loadBalancer" };
}

/** The clusterWideException key of a typed entry, only when it was written. */
function exception(reason: string | undefined): { clusterWideException?: string } {
    return reason === undefined ? {} : { clusterWideException: reason };
}
