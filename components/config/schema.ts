// The shape of every key: one zod schema per top-level key, checking each value on its own.
// Cross-field checks live in rules/; a schema line plus at most one rule is a new key. Pure module.
import { z } from "zod";
import { customNameProblem } from "../naming";
import { DECLARED_ACCESS } from "../access/privilege";
import { ACCESS_ROLES, GUID_PATTERN, NAMESPACE_ACCESS_ROLES } from "../roles";
import {
    CA_CONTROLS,
    CA_STATES,
    KUBELOGIN_MODES,
    LOG_CATEGORIES,
    PRINCIPAL_TYPES,
    POD_SECURITY_LEVELS,
    RBAC_VERBS,
    RETENTION_DAYS,
} from "./constants";
import {
    activationDurationProblem,
    blobContainerIdProblem,
    gitRefProblem,
    githubRepositoryProblem,
    kubernetesVersionProblem,
} from "./values";

import {
    azureRoleAssignment,
    between,
    checked,
    checkedString,
    dnsLabel,
    GIT_REF_PART,
    GROUP_ALIAS,
    groupRef,
    guid,
    idOf,
    k8sName,
    workspaceId,
} from "./schemaParts";
import { clusterSchema } from "./clusterSchema";

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
