// The shape of every key: one zod schema per top-level key, checking each value on its own.
// Cross-field checks live in rules/; a schema line plus at most one rule is a new key. Pure module.
import { z } from "zod";
import { autoscalerProfileSchema } from "../autoscalerProfile";
import { POD_SECURITY_EFFECTS, POD_SECURITY_STANDARDS } from "../podSecurityPolicy";
import { customNameProblem } from "../naming";
import { DECLARED_ACCESS } from "../access/privilege";
import { ACCESS_ROLES, GUID_PATTERN, NAMESPACE_ACCESS_ROLES } from "../roles";
import {
    CA_CONTROLS,
    CA_STATES,
    IMAGE_CLEANER_HOURS,
    KMS_NETWORK,
    KUBELET_GRANT_WAIT,
    KUBELOGIN_MODES,
    LOG_CATEGORIES,
    MAINTENANCE_HOURS,
    MAX_AUTHORIZED_RANGES,
    MAX_PODS,
    MAX_USER_POOLS,
    NETWORK_PLUGINS,
    NETWORK_POLICIES,
    NODE_OS_UPGRADE_CHANNELS,
    OS_DISK_GB,
    OS_DISK_TYPES,
    OS_SKUS,
    OUTBOUND_TYPES,
    PRINCIPAL_TYPES,
    POD_SECURITY_LEVELS,
    RBAC_VERBS,
    RETENTION_DAYS,
    TIERS,
    UPGRADE_CHANNELS,
    WEEKDAYS,
} from "./constants";
import {
    activationDurationProblem,
    armScopeProblem,
    blobContainerIdProblem,
    cidrProblem,
    gitRefProblem,
    githubRepositoryProblem,
    ipv4AddressProblem,
    keyVaultKeyIdProblem,
    kubernetesVersionProblem,
    maxSurgeProblem,
    NIL_GUID,
    podCidrProblem,
    poolLabelKeyProblem,
    privateDnsZoneProblem,
    resourceIdProblem,
    serviceCidrProblem,
    taintProblem,
    timeOfDayProblem,
    utcOffsetProblem,
    vmSizeProblem,
} from "./values";
import { rotationPollIntervalProblem } from "./addons";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GROUP_ALIAS = /^[A-Za-z0-9][-_.A-Za-z0-9]{0,63}$/;
const GIT_REF_PART = /^[^\s*?[\]~^:\\]+$/;

/** A check by a function that returns the value's problem (values.ts), or undefined. */
const checked = (problem: (value: string) => string | undefined) =>
    z.refine((v: unknown) => problem(String(v)) === undefined, {
        error: (iss) => problem(String(iss.input)) ?? "is not valid",
    });
/** A string checked by such a function. */
const checkedString = (problem: (value: string) => string | undefined) =>
    z.string().check(checked(problem));

/**
 * A list of at most `max` entries. zod's own `.max()` stops at the count and checks no entry, so a
 * bad entry in a list that is also too long would only be reported by the next run; this checks
 * both and reports every problem at once.
 */
const listOf = <T extends z.ZodType>(entry: T, max: number) =>
    z.array(entry).check(
        z.refine((list: unknown[]) => list.length <= max, {
            when: (payload) => Array.isArray(payload.value),
            error: (issue) =>
                `has ${(issue.input as unknown[]).length} entries; at most ${max} allowed`,
            params: { listLimit: max },
        }),
    );

const guid = z
    .string()
    .regex(GUID_PATTERN, { error: "is not an object id (a GUID)" })
    .refine((v) => v !== NIL_GUID, { error: "is the nil GUID, which no Entra object has" });
const dnsLabel = (what: string) =>
    z
        .string()
        .max(63, { error: `is not a valid ${what} (lowercase RFC 1123 label, max 63 chars)` })
        .regex(DNS_LABEL, {
            error: `is not a valid ${what} (lowercase RFC 1123 label, max 63 chars)`,
        });
const k8sName = (what: string) =>
    z
        .string()
        .max(253, { error: `is not a valid ${what} (lowercase RFC 1123 subdomain, max 253 chars)` })
        .regex(DNS_SUBDOMAIN, {
            error: `is not a valid ${what} (lowercase RFC 1123 subdomain, max 253 chars)`,
        });
const groupRef = z
    .string()
    .min(1, { error: "is empty; give an object id (GUID) or a name from aks-entra:groups" });
const azureRoleAssignment = z.strictObject({
    role: z.string().min(1),
    scope: checkedString(armScopeProblem),
});

const subnetId = checkedString((v) =>
    resourceIdProblem(v, "Microsoft.Network/virtualNetworks/subnets"),
);
/** A whole number of `unit` in the range Azure accepts. */
const between = (unit: string, range: { min: number; max: number }) => {
    const error = `is outside ${range.min}-${range.max} (${unit} that Azure accepts)`;
    return z.int().min(range.min, { error }).max(range.max, { error });
};

/**
 * A node pool. `leastNodes`: AKS keeps at least one node in a system pool and lets a user pool
 * scale to zero (AgentPool `count`: 1-1000 for system pools, 0-1000 for user pools).
 */
const poolSchema = (leastNodes: 0 | 1) => {
    const nodes = (max: number) => {
        const error =
            leastNodes === 1
                ? `is outside 1-${max}; a system pool keeps at least one node (user pools may scale to 0)`
                : `is outside 0-${max} (nodes of a user pool)`;
        return z.int().min(leastNodes, { error }).max(max, { error });
    };
    return z.strictObject({
        vmSize: checkedString(vmSizeProblem).optional(),
        count: nodes(100).optional(),
        minCount: nodes(1000).optional(),
        maxCount: z.int().min(1).max(1000).optional(),
        zones: z
            .array(z.enum(["1", "2", "3"]))
            .min(1)
            .optional(),
        osSku: z.enum(OS_SKUS).optional(),
        // AgentPool properties no key covers: checked by rules/clusterExtras.ts.
        extraProperties: z.record(z.string(), z.unknown()).optional(),
        // Tuning AKS fixes when it creates the pool (rules/pools.ts checks them together).
        maxPods: between("pods per node", MAX_PODS).optional(),
        osDiskType: z.enum(OS_DISK_TYPES).optional(),
        osDiskSizeGB: between("GiB of OS disk", OS_DISK_GB).optional(),
        maxSurge: z
            .union([z.int(), z.string()], {
                error: 'is not a node count or a percentage (e.g. 1 or "33%")',
            })
            .check(checked(maxSurgeProblem))
            .optional(),
        subnetId: subnetId.optional(),
        podSubnetId: subnetId.optional(),
    });
};

const systemPoolSchema = poolSchema(1).extend({
    // Only system pods (CriticalAddonsOnly) on the system pool; default: when userPools exist.
    criticalAddonsOnly: z.boolean().optional(),
});

// AKS allows 1-12 lowercase letters and digits, starting with a letter, for a Linux pool. A name
// of 1-8 gets 4 hex of its create-only settings appended (components/nodePools.ts); a longer one
// is the pool's Azure name as written (docs/node-pools-and-networking.md: Node pools).
const userPoolSchema = poolSchema(0).extend({
    name: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, {
        error: "is not a pool name (1-12 lowercase letters and digits, starting with a letter, as AKS allows for a Linux pool)",
    }),
    labels: z
        .record(
            checkedString(poolLabelKeyProblem),
            z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, {
                error: "is not a Kubernetes label value (at most 63 letters, digits, - _ ., alphanumeric at both ends)",
            }),
        )
        .optional(),
    taints: z.array(checkedString(taintProblem)).optional(),
    spot: z.boolean().optional(),
});

const networkSchema = z.strictObject({
    // Your subnet; without it AKS creates the VNet (rules/network.ts says which keys need it).
    subnetId: subnetId.optional(),
    plugin: z.enum(NETWORK_PLUGINS).optional(),
    policy: z.enum(NETWORK_POLICIES).optional(),
    podCidr: checkedString(podCidrProblem).optional(),
    serviceCidr: checkedString(serviceCidrProblem).optional(),
    dnsServiceIp: checkedString(ipv4AddressProblem).optional(),
    outboundType: z.enum(OUTBOUND_TYPES).optional(),
    routeTableId: checkedString((v) =>
        resourceIdProblem(v, "Microsoft.Network/routeTables"),
    ).optional(),
    // API Server VNet Integration: the API server's own subnet (rules/cluster.ts, apiServerSubnet).
    apiServerSubnetId: checkedString((v) =>
        resourceIdProblem(v, "Microsoft.Network/virtualNetworks/subnets"),
    ).optional(),
});

/** The id of an existing resource of `type`, checked by resourceIdProblem. */
const idOf = (type: string) => checkedString((v) => resourceIdProblem(v, type));
const workspaceId = idOf("Microsoft.OperationalInsights/workspaces");

/** A weekly planned-maintenance window (containerservice.MaintenanceConfiguration). */
const maintenanceWindowSchema = z.strictObject({
    day: z.enum(WEEKDAYS),
    start: checkedString(timeOfDayProblem),
    durationHours: between("hours a window lasts", MAINTENANCE_HOURS).optional(),
    utcOffset: checkedString(utcOffsetProblem).optional(),
    everyWeeks: z.int().min(1).max(4).optional(),
});

/** `true`, `false` or a map of the feature's settings (cluster.monitoring, cluster.secretsStore). */
const toggle = <T extends z.ZodObject>(settings: T, shape: string) =>
    z.union([z.boolean(), settings], { error: `is not true, false or ${shape}` });

/** Container Insights, managed Prometheus and its recommended alerts (components/monitoring.ts). */
const monitoringSchema = z.strictObject({
    containerInsights: z.boolean().optional(),
    prometheus: toggle(
        z.strictObject({ azureMonitorWorkspaceId: idOf("Microsoft.Monitor/accounts") }),
        "{ azureMonitorWorkspaceId }",
    ).optional(),
    alerts: toggle(
        z.strictObject({ actionGroupId: idOf("Microsoft.Insights/actionGroups") }),
        "{ actionGroupId }",
    ).optional(),
});

const clusterSchema = z.strictObject({
    tier: z.enum(TIERS).optional(),
    systemPool: systemPoolSchema.optional(),
    // Replaced by userPools; a rule refuses it with the new form (rules/cluster.ts).
    userPool: z.unknown().optional(),
    userPools: listOf(userPoolSchema, MAX_USER_POOLS).optional(),
    network: networkSchema.optional(),
    authorizedIpRanges: listOf(checkedString(cidrProblem), MAX_AUTHORIZED_RANGES).optional(),
    privateCluster: z.boolean().optional(),
    privateDnsZone: checkedString(privateDnsZoneProblem).optional(),
    autoUpgradeChannel: z.enum(UPGRADE_CHANNELS).optional(),
    nodeOsUpgradeChannel: z.enum(NODE_OS_UPGRADE_CHANNELS).optional(),
    disableRunCommand: z.boolean().optional(),
    // Hardening on by default (docs/azure-policy.md: Azure Policy built-ins); each can be turned off.
    nodeSsh: z.boolean().optional(),
    azurePolicy: z.boolean().optional(),
    imageCleaner: z
        .strictObject({
            enabled: z.boolean().optional(),
            intervalHours: between(
                "hours between Image Cleaner scans",
                IMAGE_CLEANER_HOURS,
            ).optional(),
        })
        .optional(),
    containerRegistries: listOf(idOf("Microsoft.ContainerRegistry/registries"), 50).optional(),
    // Opt-in hardening: each needs a subscription feature or a resource of yours.
    defender: z.strictObject({ workspaceId: workspaceId.optional() }).optional(),
    encryptionAtHost: z.boolean().optional(),
    kms: z
        .strictObject({
            keyId: checkedString(keyVaultKeyIdProblem),
            keyVaultId: idOf("Microsoft.KeyVault/vaults"),
            network: z.enum(KMS_NETWORK).optional(),
        })
        .optional(),
    maintenance: z
        .strictObject({
            autoUpgrade: maintenanceWindowSchema.optional(),
            nodeOs: maintenanceWindowSchema.optional(),
        })
        .optional(),
    // Production parity (issue 23): docs/configuration.md.
    autoscalerProfile: autoscalerProfileSchema.optional(),
    diskEncryptionSetId: idOf("Microsoft.Compute/diskEncryptionSets").optional(),
    podSecurity: z
        .strictObject({
            standard: z.enum(POD_SECURITY_STANDARDS),
            effect: z.enum(POD_SECURITY_EFFECTS).optional(),
        })
        .optional(),
    appRouting: z.boolean().optional(),
    // ManagedCluster properties no key covers: checked by rules/clusterExtras.ts.
    extraProperties: z.record(z.string(), z.unknown()).optional(),
    // AKS refuses a cluster whose Managed Identity Operator grant has not propagated
    // (docs/azure-facts.md, failure mode 11); public configurations wait 60 s to 2 min.
    kubeletGrantWaitSeconds: z
        .int()
        .min(KUBELET_GRANT_WAIT.min, {
            error: `is shorter than ${KUBELET_GRANT_WAIT.min} s, the shortest wait after a Managed Identity Operator grant that published configurations rely on (AKS answers CustomKubeletIdentityMissingPermissionError); allowed: ${KUBELET_GRANT_WAIT.min}-${KUBELET_GRANT_WAIT.max}`,
        })
        .max(KUBELET_GRANT_WAIT.max, {
            error: `is longer than ${KUBELET_GRANT_WAIT.max} s; allowed: ${KUBELET_GRANT_WAIT.min}-${KUBELET_GRANT_WAIT.max} (the wait runs only when the grant is new)`,
        })
        .optional(),
    monitoring: monitoringSchema.optional(),
    secretsStore: toggle(
        z.strictObject({ rotationPollInterval: checkedString(rotationPollIntervalProblem) }),
        "{ rotationPollInterval }",
    ).optional(),
});

const policyRule = z.strictObject({
    apiGroups: z.array(z.string()).min(1),
    resources: z.array(z.string().min(1)).min(1),
    verbs: z.array(z.enum(RBAC_VERBS)).min(1),
    resourceNames: z.array(z.string().min(1)).optional(),
});

const namespaceSchema = z.strictObject({
    name: dnsLabel("Kubernetes namespace"),
    access: z
        .array(z.strictObject({ group: groupRef, role: z.enum(NAMESPACE_ACCESS_ROLES) }))
        .optional(),
    roles: z
        .array(
            z.strictObject({
                name: k8sName("Kubernetes Role name"),
                rules: z.array(policyRule).min(1).optional(),
                clusterRole: z
                    .string()
                    .max(253)
                    .regex(/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/, {
                        error: "is not a valid ClusterRole name (lowercase letters, digits, - . :)",
                    })
                    .optional(),
                clusterRoleRules: z.array(policyRule).min(1).optional(),
                groups: z.array(groupRef).min(1),
                allowPrivilegeEscalation: z.boolean().optional(),
            }),
        )
        .optional(),
    podSecurity: z
        .strictObject({
            enforce: z.enum(POD_SECURITY_LEVELS).optional(),
            warn: z.enum(POD_SECURITY_LEVELS).optional(),
            audit: z.enum(POD_SECURITY_LEVELS).optional(),
            version: z
                .string()
                .regex(/^(latest|v1\.(0|[1-9]\d{0,2}))$/, {
                    error: 'is not a Pod Security Standards version ("latest" or v1.MINOR, e.g. v1.33)',
                })
                .optional(),
        })
        .optional(),
    workloads: z
        .array(
            z.strictObject({
                serviceAccount: dnsLabel("service account name"),
                azureRoleAssignments: z.array(azureRoleAssignment).optional(),
            }),
        )
        .optional(),
});

/**
 * Why a group, pipeline or JIT entry needs writer or admin on the whole cluster (issue 29): the
 * explicit exception to the rule that refuses it. Plain words, reported HIGH by the plan.
 */
const clusterWideException = z
    .string()
    .trim()
    .min(10, { error: "is too short to say why (10 to 300 characters)" })
    .max(300, { error: "is too long (10 to 300 characters)" });

const jitSchema = z.strictObject({
    name: dnsLabel("JIT name"),
    role: z.enum(ACCESS_ROLES),
    namespace: dnsLabel("Kubernetes namespace").optional(),
    eligible: z.array(groupRef).min(1),
    maxActivation: checkedString(activationDurationProblem).optional(),
    requireJustification: z.boolean().optional(),
    requireMfa: z.boolean().optional(),
    requireApproval: z.boolean().optional(),
    approvers: z.array(groupRef).min(1).optional(),
    clusterWideException: clusterWideException.optional(),
});

const githubSubjectSchema = z.strictObject({
    repository: checkedString(githubRepositoryProblem),
    environment: z
        .string()
        .min(1)
        .max(255)
        .regex(GIT_REF_PART, { error: "is not a GitHub environment name" })
        .optional(),
    branch: z
        .string()
        .min(1)
        .check(checked((v) => gitRefProblem(v, "branch")))
        .optional(),
    tag: z
        .string()
        .min(1)
        .check(checked((v) => gitRefProblem(v, "tag")))
        .optional(),
    pullRequest: z.literal(true).optional(),
});

const pipelineSchema = z.strictObject({
    name: dnsLabel("pipeline name"),
    github: z.array(githubSubjectSchema).min(1),
    clusterAccess: z.enum(ACCESS_ROLES).optional(),
    clusterWideException: clusterWideException.optional(),
    namespaceAccess: z
        .array(z.strictObject({ namespace: z.string(), role: z.enum(NAMESPACE_ACCESS_ROLES) }))
        .optional(),
    azureRoleAssignments: z.array(azureRoleAssignment).optional(),
});

/** A team of a platform stack (docs/team-stacks.md): its namespaces, groups and deploying repo. */
const teamSchema = z.strictObject({
    namespaces: z.array(dnsLabel("Kubernetes namespace")).min(1),
    groups: z.array(groupRef).optional(),
    pipeline: z.strictObject({ github: z.array(githubSubjectSchema).min(1) }),
});

/** One schema per top-level key, so a broken key never hides the problems of another. */
export const KEY_SCHEMAS = {
    location: z
        .string()
        .regex(/^[a-z][a-z0-9]*$/, { error: "is not an Azure region name (e.g. westeurope)" }),
    kubernetesVersion: checkedString(kubernetesVersionProblem),
    cluster: clusterSchema,
    groups: z.record(
        z
            .string()
            .regex(GROUP_ALIAS, { error: "is not a group name (letters, digits, - _ ., max 64)" })
            .refine((alias) => !GUID_PATTERN.test(alias), {
                error: "looks like an object id; a name that is a GUID makes every reference to it ambiguous: choose a name",
            }),
        guid,
    ),
    admins: z.strictObject({
        createGroup: z.boolean().optional(),
        members: z.array(guid).optional(),
        owners: z.array(guid).optional(),
        existingGroupObjectIds: z.array(groupRef).optional(),
    }),
    clusterAccess: z.array(
        z.strictObject({
            group: groupRef,
            role: z.enum(ACCESS_ROLES),
            clusterWideException: clusterWideException.optional(),
        }),
    ),
    namespaces: z.array(namespaceSchema),
    pipelines: z.array(pipelineSchema),
    jit: z.array(jitSchema),
    declaredRoles: z.array(
        z.strictObject({
            role: guid,
            name: z.string().trim().min(1).max(120),
            access: z.enum(DECLARED_ACCESS),
            intent: z
                .string()
                .trim()
                .min(10, {
                    error: "is too short to say what the role is for (10 to 300 characters)",
                })
                .max(300, { error: "is too long (10 to 300 characters)" }),
        }),
    ),
    conditionalAccess: z.strictObject({
        state: z.enum(CA_STATES).optional(),
        require: z.array(z.enum(CA_CONTROLS)).min(1).optional(),
        groups: z.array(groupRef).min(1).optional(),
        excludeGroups: z.array(groupRef).optional(),
        breakGlassGroups: z.array(groupRef).optional(),
    }),
    kubeloginMode: z.enum(KUBELOGIN_MODES),
    kubeloginPop: z.boolean(),
    deployer: z.strictObject({
        objectId: guid.optional(),
        principalType: z.enum(PRINCIPAL_TYPES).optional(),
        clusterAdmin: z.boolean().optional(),
        rbacWaitSeconds: z.int().min(0).max(900).optional(),
        managedIdentityClientId: guid.optional(),
    }),
    auditLogs: z.strictObject({
        enabled: z.boolean().optional(),
        workspaceId: workspaceId.optional(),
        categories: z.array(z.enum(LOG_CATEGORIES)).min(1).optional(),
        retentionDays: between("days a workspace keeps logs", RETENTION_DAYS).optional(),
        metrics: z.boolean().optional(),
        storageAccountId: idOf("Microsoft.Storage/storageAccounts").optional(),
        eventHub: z
            .strictObject({
                authorizationRuleId: idOf("Microsoft.EventHub/namespaces/authorizationRules"),
                // Event hub names: 1-256 letters, digits, . - _, starting and ending alphanumeric.
                name: z.string().regex(/^[A-Za-z0-9]([-._A-Za-z0-9]{0,254}[A-Za-z0-9])?$/, {
                    error: "is not an event hub name (1-256 letters, digits, . - _, alphanumeric at both ends)",
                }),
            })
            .optional(),
    }),
    // Names of your convention instead of the derived ones (components/naming.ts); create-only.
    names: z.strictObject({
        resourceGroup: checkedString((v) => customNameProblem("resourceGroup", v)).optional(),
        cluster: checkedString((v) => customNameProblem("cluster", v)).optional(),
        dnsPrefix: checkedString((v) => customNameProblem("dnsPrefix", v)).optional(),
        nodeResourceGroup: checkedString((v) =>
            customNameProblem("nodeResourceGroup", v),
        ).optional(),
        nodeResourceGroupLockdown: z.boolean().optional(),
    }),
    protect: z.boolean(),
    // Team stacks (docs/team-stacks.md): a platform stack's teams, or the platform of a team stack.
    teams: z.record(dnsLabel("team name"), teamSchema),
    platform: z.strictObject({
        stack: z.string().regex(/^[A-Za-z0-9][-_.A-Za-z0-9]*\/[-_.A-Za-z0-9]+\/[-_.A-Za-z0-9]+$/, {
            error: "is not a fully qualified stack name (<organization>/<project>/<stack>)",
        }),
        team: dnsLabel("team name"),
    }),
    // The bootstrap's state container and secrets key: each team identity's state rights.
    stateBackend: z.strictObject({
        containerId: checkedString(blobContainerIdProblem),
        secretsKeyId: idOf("Microsoft.KeyVault/vaults/keys"),
    }),
    // Azure tag names: at most 512 chars, none of < > % & \ ? /; values at most 256.
    tags: z.record(
        z
            .string()
            .min(1)
            .max(512)
            .regex(/^[^<>%&\\?/]+$/, {
                error: "is not a valid Azure tag name (no < > % & \\ ? /)",
            }),
        z.string().max(256),
    ),
} as const;

export type ConfigKey = keyof typeof KEY_SCHEMAS;
export const CONFIG_KEYS = Object.keys(KEY_SCHEMAS) as ConfigKey[];

/** A key's value once its schema accepted it. */
export type Parsed = { [K in ConfigKey]?: z.output<(typeof KEY_SCHEMAS)[K]> };

/**
 * What survived a key's schema: every value that failed is gone (array entries become holes, so
 * indexes in messages stay right), every value present is valid. Rules run on drafts, so a format
 * error in one entry never hides the cross-field problems of the rest.
 */
export type Draft<T> = T extends readonly (infer U)[]
    ? (Draft<U> | undefined)[]
    : T extends object
      ? { [K in keyof T]?: Draft<T[K]> }
      : T;
export type Drafts = { [K in ConfigKey]?: Draft<NonNullable<Parsed[K]>> };

/** Allowed keys of each nested map, for "unknown key" messages. */
export function schemaAt(key: ConfigKey, path: readonly PropertyKey[]): z.ZodObject | undefined {
    let cur: z.ZodType = KEY_SCHEMAS[key];
    for (const p of path) {
        cur = unwrap(cur);
        if (cur instanceof z.ZodArray && typeof p === "number") {
            cur = cur.element as z.ZodType;
        } else if (
            cur instanceof z.ZodObject &&
            typeof p === "string" &&
            Object.hasOwn(cur.shape, p)
        ) {
            cur = (cur.shape as Record<string, z.ZodType>)[p];
        } else {
            return undefined;
        }
    }
    cur = unwrap(cur);
    return cur instanceof z.ZodObject ? cur : undefined;
}

/** The keys of a map that config may use: not the retired ones, kept only to explain their successor. */
export function currentKeys(schema: z.ZodObject): string[] {
    return Object.entries(schema.shape as Record<string, z.ZodType>)
        .filter(([, s]) => !(unwrap(s) instanceof z.ZodUnknown))
        .map(([k]) => k);
}

function unwrap(schema: z.ZodType): z.ZodType {
    let cur = schema;
    while (cur instanceof z.ZodOptional) {
        cur = cur.unwrap() as z.ZodType;
    }
    // `true | false | { settings }` (toggle): the map is the branch with keys.
    if (cur instanceof z.ZodUnion) {
        const map = (cur.options as z.ZodType[]).find((o) => o instanceof z.ZodObject);
        if (map !== undefined) return map;
    }
    return cur;
}
