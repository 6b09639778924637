// The stack's configuration: one schema, one validation, one typed result.
// Pure module. `index.ts` (pulumi up) and the offline plan both call `parseConfig`, so bad input gets
// the same message everywhere, before any resource is declared. Every problem is collected and
// reported at once: key path, the bad value, what is allowed.
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import {
    ACCESS_ROLES,
    type AccessRole,
    FORBIDDEN_ROLES,
    GUID_PATTERN,
    NAMESPACE_ACCESS_ROLES,
    type NamespaceAccessRole,
    resolveRole,
    AKS_DATA_PLANE_ROLES,
} from "./roles";

export const NAMESPACE = "aks-entra";

/** Azure's limit on federated identity credentials per managed identity (azure-facts.md, item 3). */
export const MAX_FEDERATED_CREDENTIALS = 20;
/** AKS accepts at most 200 authorized IP ranges. */
export const MAX_AUTHORIZED_RANGES = 200;

export const KUBELOGIN_MODES = [
    "azurecli",
    "workloadidentity",
    "spn",
    "msi",
    "interactive",
    "devicecode",
] as const;
export type KubeloginMode = (typeof KUBELOGIN_MODES)[number];

export const TIERS = ["Free", "Standard", "Premium"] as const;
export const UPGRADE_CHANNELS = ["none", "patch", "stable", "rapid", "node-image"] as const;
export const NODE_OS_UPGRADE_CHANNELS = [
    "None",
    "Unmanaged",
    "SecurityPatch",
    "NodeImage",
] as const;
export const PRINCIPAL_TYPES = ["User", "ServicePrincipal"] as const;
export const RBAC_VERBS = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "impersonate",
    "bind",
    "escalate",
    "use",
    "*",
] as const;

/** Namespaces that exist in every AKS cluster or belong to AKS add-ons: never created here. */
export const RESERVED_NAMESPACES = [
    "default",
    "gatekeeper-system",
    "app-routing-system",
    "aks-command",
    "calico-system",
    "tigera-operator",
];

// ---------------------------------------------------------------------------------------------
// Result types (what the components consume)

export interface SystemPool {
    vmSize: string;
    count: number;
    minCount?: number;
    maxCount?: number;
    zones: string[];
}

export interface ClusterSettings {
    tier: (typeof TIERS)[number];
    systemPool: SystemPool;
    /**
     * Pool for applications. When present, the system pool is tainted CriticalAddonsOnly so only
     * system pods run there; when absent, applications run on the system pool (AKS allows it when
     * it is the only pool).
     */
    userPool?: SystemPool;
    authorizedIpRanges: string[];
    privateCluster: boolean;
    autoUpgradeChannel: (typeof UPGRADE_CHANNELS)[number];
    nodeOsUpgradeChannel: (typeof NODE_OS_UPGRADE_CHANNELS)[number];
    disableRunCommand: boolean;
}

/** A principal reference resolved from config: object id plus the name the config gave it. */
export interface GroupRef {
    objectId: string;
    /** Alias from `aks-entra:groups`, or the object id when given directly. */
    label: string;
}

export interface AzureRoleGrant {
    /** Role as written in config (name or GUID), for display. */
    role: string;
    roleGuid: string;
    scope: string;
}

export interface PolicyRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames?: string[];
}

export interface NamespaceRole {
    name: string;
    rules?: PolicyRule[];
    clusterRole?: string;
    groups: GroupRef[];
}

export interface Workload {
    namespace: string;
    serviceAccount: string;
    azureRoleAssignments: AzureRoleGrant[];
}

export interface NamespaceSettings {
    name: string;
    access: { group: GroupRef; role: NamespaceAccessRole }[];
    roles: NamespaceRole[];
    workloads: Workload[];
}

export interface GitHubSubject {
    repository: string;
    environment?: string;
    branch?: string;
    tag?: string;
    pullRequest?: boolean;
}

export interface Pipeline {
    name: string;
    github: GitHubSubject[];
    clusterAccess?: AccessRole;
    namespaceAccess: { namespace: string; role: NamespaceAccessRole }[];
    azureRoleAssignments: AzureRoleGrant[];
}

export interface StackConfig {
    location: string;
    kubernetesVersion?: string;
    cluster: ClusterSettings;
    groups: Record<string, string>;
    admins: {
        createGroup: boolean;
        members: string[];
        owners: string[];
        existingGroups: GroupRef[];
    };
    clusterAccess: { group: GroupRef; role: AccessRole }[];
    namespaces: NamespaceSettings[];
    pipelines: Pipeline[];
    kubeloginMode: KubeloginMode;
    deployer: {
        /**
         * The principal that runs `pulumi up`, fixed in config so a change of operator does not move
         * the grants. Undefined: whoever is logged in (getClientConfig).
         */
        objectId?: string;
        /** Undefined: derived from kubeloginMode by the caller (see deployerPrincipalType). */
        principalType?: (typeof PRINCIPAL_TYPES)[number];
        clusterAdmin: boolean;
        rbacWaitSeconds: number;
    };
    protect: boolean;
    tags: Record<string, string>;
    /** Keys left at their defaults, for reviewers (the plan's findings). */
    defaultsUsed: string[];
}

// ---------------------------------------------------------------------------------------------
// Schemas (structure and per-value rules)

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GROUP_ALIAS = /^[A-Za-z0-9][-_.A-Za-z0-9]{0,63}$/;
const ARM_SCOPE =
    /^\/subscriptions\/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\/resourceGroups\/[-\w.()]+(\/providers\/[A-Za-z0-9.]+\/[^/]+\/[^/]+(\/[^/]+\/[^/]+)*)?)?$/i; // ARM ids are case-insensitive
const GITHUB_REPO = /^[A-Za-z0-9][-A-Za-z0-9]{0,38}\/[-_.A-Za-z0-9]{1,100}$/;
const GIT_REF_PART = /^[^\s*?[\]~^:\\]+$/;

const guid = z.string().regex(GUID_PATTERN, { error: "is not an object id (a GUID)" });
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
    scope: z.string().regex(ARM_SCOPE, {
        error: "is not an Azure resource id (/subscriptions/<guid>[/resourceGroups/<name>[/providers/...]])",
    }),
});

const cidr = z.string().refine((v) => cidrProblem(v) === undefined, {
    error: (iss) => cidrProblem(String(iss.input)) ?? "is not a CIDR",
});

const poolSchema = z.strictObject({
    vmSize: z
        .string()
        .regex(/^Standard_[A-Za-z0-9_]+$/, {
            error: "is not an Azure VM size (Standard_...)",
        })
        .optional(),
    count: z.int().min(1).max(100).optional(),
    minCount: z.int().min(1).max(1000).optional(),
    maxCount: z.int().min(1).max(1000).optional(),
    zones: z
        .array(z.enum(["1", "2", "3"]))
        .min(1)
        .optional(),
});

const clusterSchema = z.strictObject({
    tier: z.enum(TIERS).optional(),
    systemPool: poolSchema.optional(),
    userPool: poolSchema.optional(),
    authorizedIpRanges: z.array(cidr).max(MAX_AUTHORIZED_RANGES).optional(),
    privateCluster: z.boolean().optional(),
    autoUpgradeChannel: z.enum(UPGRADE_CHANNELS).optional(),
    nodeOsUpgradeChannel: z.enum(NODE_OS_UPGRADE_CHANNELS).optional(),
    disableRunCommand: z.boolean().optional(),
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
                groups: z.array(groupRef).min(1),
            }),
        )
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

const githubSubjectSchema = z.strictObject({
    repository: z
        .string()
        .regex(GITHUB_REPO, { error: "is not a GitHub repository (<owner>/<repo>)" }),
    environment: z
        .string()
        .min(1)
        .max(255)
        .regex(GIT_REF_PART, { error: "is not a GitHub environment name" })
        .optional(),
    branch: z
        .string()
        .min(1)
        .regex(GIT_REF_PART, { error: "is not a branch name (no wildcards or spaces)" })
        .optional(),
    tag: z
        .string()
        .min(1)
        .regex(GIT_REF_PART, { error: "is not a tag name (no wildcards or spaces)" })
        .optional(),
    pullRequest: z.literal(true).optional(),
});

const pipelineSchema = z.strictObject({
    name: dnsLabel("pipeline name"),
    github: z.array(githubSubjectSchema).min(1),
    clusterAccess: z.enum(ACCESS_ROLES).optional(),
    namespaceAccess: z
        .array(z.strictObject({ namespace: z.string(), role: z.enum(NAMESPACE_ACCESS_ROLES) }))
        .optional(),
    azureRoleAssignments: z.array(azureRoleAssignment).optional(),
});

/** One schema per top-level key, so a broken key never hides the problems of another. */
const KEY_SCHEMAS = {
    location: z
        .string()
        .regex(/^[a-z][a-z0-9]*$/, { error: "is not an Azure region name (e.g. westeurope)" }),
    kubernetesVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/, {
        error: 'is not a Kubernetes version (e.g. "1.33" or "1.33.2")',
    }),
    cluster: clusterSchema,
    groups: z.record(
        z
            .string()
            .regex(GROUP_ALIAS, { error: "is not a group name (letters, digits, - _ ., max 64)" }),
        guid,
    ),
    admins: z.strictObject({
        createGroup: z.boolean().optional(),
        members: z.array(guid).optional(),
        owners: z.array(guid).optional(),
        existingGroupObjectIds: z.array(groupRef).optional(),
    }),
    clusterAccess: z.array(z.strictObject({ group: groupRef, role: z.enum(ACCESS_ROLES) })),
    namespaces: z.array(namespaceSchema),
    pipelines: z.array(pipelineSchema),
    kubeloginMode: z.enum(KUBELOGIN_MODES),
    deployer: z.strictObject({
        objectId: guid.optional(),
        principalType: z.enum(PRINCIPAL_TYPES).optional(),
        clusterAdmin: z.boolean().optional(),
        rbacWaitSeconds: z.int().min(0).max(900).optional(),
    }),
    protect: z.boolean(),
    // Azure tag names: at most 512 chars, none of < > % & \\ ? /
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

// ---------------------------------------------------------------------------------------------
// Errors

/** All problems found in a stack's configuration. Its message lists every one, one per line. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(
            `aks-entra: invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

function show(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function keyPath(key: string, path: readonly PropertyKey[]): string {
    let out = `${NAMESPACE}:${key}`;
    for (const p of path) {
        out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
    }
    return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}

function describeIssue(key: string, raw: unknown, issue: z.core.$ZodIssue): string {
    const path = keyPath(key, issue.path);
    const value = valueAt(raw, issue.path);
    switch (issue.code) {
        case "unrecognized_keys":
            return `${path} has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed: ${allowedKeys(key, issue.path)}`;
        case "invalid_type":
            return `${path} ${show(value)} is ${value === undefined ? "required" : `not ${article(issue.expected)}`}`;
        case "invalid_value":
            return `${path} ${show(value)} ${value === undefined ? "is required" : "is not allowed"}; allowed: ${issue.values.map((v) => String(v)).join(" | ")}`;
        case "too_small":
            return Array.isArray(value)
                ? `${path} needs at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`
                : `${path} ${show(value)} is below the minimum ${issue.minimum}`;
        case "too_big":
            return Array.isArray(value)
                ? `${path} has ${value.length} entries; at most ${issue.maximum} allowed`
                : typeof value === "string"
                  ? `${path} ${show(value)} ${issue.message.startsWith("is ") ? issue.message : `is longer than ${issue.maximum} chars`}`
                  : `${path} ${show(value)} is above the maximum ${issue.maximum}`;
        case "invalid_key":
            // The path ends with the bad key itself: name the map, then the key.
            return `${keyPath(key, issue.path.slice(0, -1))} key ${show(issue.path.at(-1))} ${issue.issues.map((i) => i.message).join("; ")}`;
        default:
            return `${path} ${show(value)} ${issue.message}`;
    }
}

function article(expected: string): string {
    const words: Record<string, string> = {
        string: "a string",
        number: "a number",
        int: "a whole number",
        boolean: "a boolean (true or false)",
        array: "a list",
        object: "a map",
        record: "a map",
    };
    return words[expected] ?? expected;
}

const NESTED_KEYS: Record<string, string[]> = {
    cluster: Object.keys(clusterSchema.shape),
    "cluster.systemPool": ["vmSize", "count", "minCount", "maxCount", "zones"],
    "cluster.userPool": ["vmSize", "count", "minCount", "maxCount", "zones"],
    admins: ["createGroup", "members", "owners", "existingGroupObjectIds"],
    deployer: ["objectId", "principalType", "clusterAdmin", "rbacWaitSeconds"],
};

function allowedKeys(key: string, path: readonly PropertyKey[]): string {
    const named = [key, ...path.filter((p) => typeof p === "string")].join(".");
    const known = NESTED_KEYS[named];
    if (known) {
        return known.join(", ");
    }
    // Arrays of objects: read the allowed keys off the schema of that element.
    const schema = elementSchema(KEY_SCHEMAS[key as ConfigKey], path);
    return schema ? Object.keys(schema.shape).join(", ") : "see README";
}

function elementSchema(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | undefined {
    let cur: z.ZodType = schema;
    for (const p of path) {
        cur = unwrap(cur);
        if (cur instanceof z.ZodArray && typeof p === "number") {
            cur = cur.element as z.ZodType;
        } else if (cur instanceof z.ZodObject && typeof p === "string") {
            const next = (cur.shape as Record<string, z.ZodType>)[p];
            if (!next) {
                return undefined;
            }
            cur = next;
        } else {
            return undefined;
        }
    }
    cur = unwrap(cur);
    return cur instanceof z.ZodObject ? cur : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
    let cur = schema;
    while (cur instanceof z.ZodOptional) {
        cur = cur.unwrap() as z.ZodType;
    }
    return cur;
}

// ---------------------------------------------------------------------------------------------
// Values that arrive as text

/** Keys whose values are plain text: never JSON-decoded. */
const TEXT_KEYS = ["location", "kubernetesVersion", "kubeloginMode"];

/**
 * Pulumi hands every config value to the program as a string: structured YAML values as JSON, plain
 * scalars as their text. Decodes one value the way Pulumi's `Config.getObject` would, falling back
 * to the text itself for plain strings.
 */
export function decodeConfigValue(key: string, text: string): unknown {
    if (TEXT_KEYS.includes(key)) {
        // "1.33" must stay a string, not become the number 1.33.
        return text;
    }
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Validates one IPv4/IPv6 CIDR (or bare address); returns the problem or undefined. */
export function cidrProblem(value: string): string | undefined {
    const [address = "", prefix, ...rest] = value.split("/");
    // node's isIP is strict (no octal or short forms); ipaddr.js does the network arithmetic.
    const family = isIP(address);
    if (rest.length > 0 || family === 0) {
        return "is not an IP range in CIDR notation (e.g. 203.0.113.0/24)";
    }
    const bits = family === 4 ? 32 : 128;
    if (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits)) {
        return `is not an IP range in CIDR notation (prefix must be 0-${bits})`;
    }
    const length = prefix === undefined ? bits : Number(prefix);
    if (length === 0) {
        return "opens the API server to the whole Internet; remove authorizedIpRanges instead";
    }
    const kind = family === 4 ? ipaddr.IPv4 : ipaddr.IPv6;
    const network = kind.networkAddressFromCIDR(`${address}/${length}`).toString();
    if (network !== ipaddr.parse(address).toString()) {
        return `has host bits set; did you mean ${network}/${length}?`;
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// Parse

/**
 * Parses and validates the raw `aks-entra:*` values (key without namespace -> decoded value).
 * Returns the typed configuration or throws a ConfigError listing every problem.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
    const problems: string[] = [];
    const parsed: Partial<Record<ConfigKey, unknown>> = {};

    for (const key of Object.keys(raw).sort()) {
        if (!(CONFIG_KEYS as string[]).includes(key)) {
            problems.push(
                `${NAMESPACE}:${key} is not a known key; allowed: ${CONFIG_KEYS.join(", ")}`,
            );
        }
    }
    if (raw.location === undefined) {
        problems.push(
            `${NAMESPACE}:location is required (or azure-native:location): the Azure region, e.g. pulumi config set ${NAMESPACE}:location westeurope`,
        );
    }
    for (const key of CONFIG_KEYS) {
        const value = raw[key];
        if (value === undefined || value === null) {
            continue;
        }
        const result = KEY_SCHEMAS[key].safeParse(value);
        if (result.success) {
            parsed[key] = result.data;
        } else {
            problems.push(...result.error.issues.map((issue) => describeIssue(key, value, issue)));
        }
    }

    const config = buildConfig(parsed as ParsedKeys, raw, problems);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return config;
}

type ParsedKeys = { [K in ConfigKey]?: z.output<(typeof KEY_SCHEMAS)[K]> };

/** Cross-key rules and defaults. Appends problems; the result is only used when there are none. */
function buildConfig(
    p: ParsedKeys,
    raw: Readonly<Record<string, unknown>>,
    problems: string[],
): StackConfig {
    const defaultsUsed: string[] = [];
    const groups = Object.fromEntries(
        Object.entries(p.groups ?? {}).map(([alias, id]) => [alias, id.toLowerCase()]),
    );
    // When a key failed its own schema, references into it are checked against what was written,
    // so one mistake is reported once, not again at every reference.
    const writtenAliases = p.groups ? [] : Object.keys(asRecord(raw.groups));

    const resolveGroup = (path: string, ref: string): GroupRef => {
        if (GUID_PATTERN.test(ref)) {
            return { objectId: ref.toLowerCase(), label: ref.toLowerCase() };
        }
        const id = groups[ref];
        if (id === undefined && writtenAliases.includes(ref)) {
            return { objectId: ref, label: ref };
        }
        if (id === undefined) {
            const known = Object.keys(groups);
            problems.push(
                `${path} ${show(ref)} is neither an object id (GUID) nor a name from ${NAMESPACE}:groups` +
                    (known.length ? ` (known: ${known.join(", ")})` : " (none defined)"),
            );
            return { objectId: ref, label: ref };
        }
        return { objectId: id, label: ref };
    };

    const resolveGrants = (
        path: string,
        grants: { role: string; scope: string }[] | undefined,
    ): AzureRoleGrant[] => {
        const resolved = (grants ?? []).flatMap((g, i) => {
            const at = `${path}[${i}].role`;
            // A forbidden role by name is named as forbidden, not as unknown (which would invite its GUID).
            const forbiddenByName = Object.entries(FORBIDDEN_ROLES).find(
                ([, name]) => name.toLowerCase() === g.role.trim().toLowerCase(),
            );
            const guidOfRole = resolveRole(g.role) ?? forbiddenByName?.[0];
            if (guidOfRole === undefined) {
                problems.push(
                    `${at} ${show(g.role)} is not a known built-in role; use a role GUID or one of: ${knownRoleList()}`,
                );
                return [];
            }
            if (AKS_DATA_PLANE_ROLES.includes(guidOfRole)) {
                problems.push(
                    `${at} ${show(g.role)} is an AKS access role; give cluster access with clusterAccess, namespaces[].access or pipelines[].clusterAccess/namespaceAccess instead`,
                );
                return [];
            }
            const forbidden = FORBIDDEN_ROLES[guidOfRole];
            if (forbidden !== undefined) {
                problems.push(
                    `${at} ${show(g.role)} (${forbidden}) is never granted by aks-entra; grant a narrower data-plane role`,
                );
                return [];
            }
            return [{ role: g.role, roleGuid: guidOfRole, scope: g.scope }];
        });
        findDuplicates(resolved.map((g) => `${g.roleGuid} on ${g.scope.toLowerCase()}`)).forEach(
            (dup) =>
                problems.push(`${path} grants role ${dup} twice; list each role and scope once`),
        );
        return resolved;
    };

    // cluster
    const c = p.cluster ?? {};
    const pool = c.systemPool ?? {};
    if (p.cluster === undefined) defaultsUsed.push("cluster");
    if (c.tier === undefined) defaultsUsed.push("cluster.tier");
    if (pool.zones === undefined) defaultsUsed.push("cluster.systemPool.zones");
    const systemPool = checkPool("cluster.systemPool", pool, problems);
    const userPool = c.userPool ? checkPool("cluster.userPool", c.userPool, problems) : undefined;
    if (c.userPool === undefined) defaultsUsed.push("cluster.userPool");
    const autoUpgradeChannel = c.autoUpgradeChannel ?? "patch";
    const nodeOsUpgradeChannel = c.nodeOsUpgradeChannel ?? "NodeImage";
    if (autoUpgradeChannel === "node-image" && nodeOsUpgradeChannel !== "NodeImage") {
        problems.push(
            `${NAMESPACE}:cluster.nodeOsUpgradeChannel ${show(nodeOsUpgradeChannel)} cannot be combined with autoUpgradeChannel "node-image" (AKS then upgrades node images itself); use NodeImage or another autoUpgradeChannel`,
        );
    }
    if (p.kubernetesVersion !== undefined) {
        const patchPinned = /^\d+\.\d+\.\d+$/.test(p.kubernetesVersion);
        if (autoUpgradeChannel === "stable" || autoUpgradeChannel === "rapid") {
            problems.push(
                `${NAMESPACE}:kubernetesVersion ${show(p.kubernetesVersion)} is pinned but cluster.autoUpgradeChannel ${show(autoUpgradeChannel)} moves the minor version; the next pulumi up would try to downgrade. Remove kubernetesVersion or use autoUpgradeChannel patch/none`,
            );
        } else if (patchPinned && autoUpgradeChannel === "patch") {
            problems.push(
                `${NAMESPACE}:kubernetesVersion ${show(p.kubernetesVersion)} pins a patch but cluster.autoUpgradeChannel "patch" moves it; give the minor only (e.g. "${p.kubernetesVersion.split(".").slice(0, 2).join(".")}") or use autoUpgradeChannel none`,
            );
        }
    }
    const ranges = c.authorizedIpRanges ?? [];
    if (c.privateCluster === true && ranges.length > 0) {
        problems.push(
            `${NAMESPACE}:cluster.authorizedIpRanges cannot be combined with cluster.privateCluster: true (a private API server has no public endpoint to restrict); remove one`,
        );
    }
    findDuplicates(ranges).forEach((r) =>
        problems.push(`${NAMESPACE}:cluster.authorizedIpRanges lists ${show(r)} twice`),
    );
    const cluster: ClusterSettings = {
        tier: c.tier ?? "Standard",
        systemPool,
        userPool,
        authorizedIpRanges: ranges,
        privateCluster: c.privateCluster ?? false,
        autoUpgradeChannel,
        nodeOsUpgradeChannel,
        disableRunCommand: c.disableRunCommand ?? true,
    };

    // admins
    const a = p.admins ?? {};
    if (p.admins === undefined) defaultsUsed.push("admins");
    const createGroup = a.createGroup ?? true;
    const existingGroups = (a.existingGroupObjectIds ?? []).map((ref, i) =>
        resolveGroup(`${NAMESPACE}:admins.existingGroupObjectIds[${i}]`, ref),
    );
    if (!createGroup && existingGroups.length === 0) {
        problems.push(
            `${NAMESPACE}:admins.createGroup is false and admins.existingGroupObjectIds is empty; the cluster needs at least one admin group: set createGroup: true or list an existing group`,
        );
    }
    if (!createGroup && ((a.members ?? []).length > 0 || (a.owners ?? []).length > 0)) {
        problems.push(
            `${NAMESPACE}:admins.members/owners are set but admins.createGroup is false; they only apply to the group this stack creates`,
        );
    }
    findDuplicates(existingGroups.map((g) => g.objectId)).forEach((id) =>
        problems.push(`${NAMESPACE}:admins.existingGroupObjectIds lists ${show(id)} twice`),
    );

    // cluster access
    const clusterAccess = (p.clusterAccess ?? []).map((g, i) => ({
        group: resolveGroup(`${NAMESPACE}:clusterAccess[${i}].group`, g.group),
        role: g.role,
    }));
    findDuplicates(clusterAccess.map((g) => g.group.objectId)).forEach((id) =>
        problems.push(
            `${NAMESPACE}:clusterAccess lists group ${show(id)} more than once; give each group one role (the widest it needs)`,
        ),
    );

    // namespaces
    const nsList = p.namespaces ?? [];
    const nsNames = p.namespaces
        ? nsList.map((n) => n.name)
        : (Array.isArray(raw.namespaces) ? raw.namespaces : []).map((n) =>
              String(asRecord(n).name),
          );
    findDuplicates(nsNames).forEach((n) =>
        problems.push(
            `${NAMESPACE}:namespaces declares ${show(n)} more than once; namespace names must be unique`,
        ),
    );
    const namespaces: NamespaceSettings[] = nsList.map((n, i) => {
        const at = `${NAMESPACE}:namespaces[${i}]`;
        if (RESERVED_NAMESPACES.includes(n.name) || n.name.startsWith("kube-")) {
            problems.push(
                `${at}.name ${show(n.name)} is a namespace AKS already owns; choose another name (reserved: ${RESERVED_NAMESPACES.join(", ")}, kube-*)`,
            );
        }
        const access = (n.access ?? []).map((g, j) => ({
            group: resolveGroup(`${at}.access[${j}].group`, g.group),
            role: g.role,
        }));
        findDuplicates(access.map((g) => g.group.objectId)).forEach((id) =>
            problems.push(
                `${at}.access lists group ${show(id)} more than once; give each group one role`,
            ),
        );
        const roles: NamespaceRole[] = (n.roles ?? []).map((r, j) => {
            const has = [r.rules !== undefined, r.clusterRole !== undefined].filter(Boolean).length;
            if (has !== 1) {
                problems.push(
                    `${at}.roles[${j}] ${show(r.name)} needs exactly one of rules (to create a Role) or clusterRole (to bind an existing ClusterRole such as view)`,
                );
            }
            return {
                name: r.name,
                rules: r.rules,
                clusterRole: r.clusterRole,
                groups: r.groups.map((g, k) => resolveGroup(`${at}.roles[${j}].groups[${k}]`, g)),
            };
        });
        findDuplicates(roles.map((r) => r.name)).forEach((name) =>
            problems.push(
                `${at}.roles declares ${show(name)} more than once; role names must be unique in a namespace`,
            ),
        );
        const workloads: Workload[] = (n.workloads ?? []).map((w, j) => {
            if (w.serviceAccount === "default") {
                problems.push(
                    `${at}.workloads[${j}].serviceAccount "default" already exists in every namespace; give the workload its own service account`,
                );
            }
            return {
                namespace: n.name,
                serviceAccount: w.serviceAccount,
                azureRoleAssignments: resolveGrants(
                    `${at}.workloads[${j}].azureRoleAssignments`,
                    w.azureRoleAssignments,
                ),
            };
        });
        findDuplicates(workloads.map((w) => w.serviceAccount)).forEach((sa) =>
            problems.push(`${at}.workloads declares service account ${show(sa)} more than once`),
        );
        return { name: n.name, access, roles, workloads };
    });

    // pipelines
    const pipelines: Pipeline[] = (p.pipelines ?? []).map((pl, i) => {
        const at = `${NAMESPACE}:pipelines[${i}]`;
        pl.github.forEach((s, j) => {
            const kinds = ["environment", "branch", "tag", "pullRequest"].filter(
                (k) => s[k as keyof typeof s] !== undefined,
            );
            if (kinds.length !== 1) {
                problems.push(
                    `${at}.github[${j}] ${show(s)} needs exactly one of environment, branch, tag or pullRequest: true (one exact subject per credential, never a wildcard)`,
                );
            }
        });
        findDuplicates(pl.github.map((s) => githubSubject(s))).forEach((subject) =>
            problems.push(
                `${at}.github lists subject ${show(subject)} twice; issuer+subject must be unique per identity`,
            ),
        );
        if (pl.github.length > MAX_FEDERATED_CREDENTIALS) {
            problems.push(
                `${at}.github has ${pl.github.length} subjects; Azure allows at most ${MAX_FEDERATED_CREDENTIALS} federated credentials per identity: split the pipeline in two`,
            );
        }
        const namespaceAccess = pl.namespaceAccess ?? [];
        if (pl.github.some((s) => s.pullRequest === true)) {
            // Anyone who can push a branch runs pull_request workflows. Such a pipeline may read the
            // cluster and deploy into namespaces (PR previews; the plan flags it), never administer.
            const wider = [
                ...(pl.clusterAccess !== undefined && pl.clusterAccess !== "reader"
                    ? [`clusterAccess ${pl.clusterAccess}`]
                    : []),
                ...namespaceAccess
                    .filter((g) => g.role === "admin")
                    .map((g) => `admin on namespace ${g.namespace}`),
            ];
            if (wider.length > 0) {
                problems.push(
                    `${at} trusts pull_request workflows yet has ${wider.join(", ")}; a pipeline that trusts pull requests gets at most clusterAccess reader and namespace writer: move the rest to a deploy pipeline that trusts an environment or branch`,
                );
            }
        }
        namespaceAccess.forEach((g, j) => {
            if (!nsNames.includes(g.namespace)) {
                problems.push(
                    `${at}.namespaceAccess[${j}].namespace ${show(g.namespace)} is not declared in ${NAMESPACE}:namespaces` +
                        (nsNames.length
                            ? ` (declared: ${nsNames.join(", ")})`
                            : " (none declared)"),
                );
            }
        });
        findDuplicates(namespaceAccess.map((g) => g.namespace)).forEach((ns) =>
            problems.push(
                `${at}.namespaceAccess lists namespace ${show(ns)} more than once; give the pipeline one role per namespace`,
            ),
        );
        return {
            name: pl.name,
            github: pl.github,
            clusterAccess: pl.clusterAccess,
            namespaceAccess,
            azureRoleAssignments: resolveGrants(
                `${at}.azureRoleAssignments`,
                pl.azureRoleAssignments,
            ),
        };
    });
    findDuplicates(pipelines.map((pl) => pl.name)).forEach((name) =>
        problems.push(
            `${NAMESPACE}:pipelines declares ${show(name)} more than once; pipeline names must be unique`,
        ),
    );

    const d = p.deployer ?? {};
    if (p.kubeloginMode === undefined) defaultsUsed.push("kubeloginMode");
    if (d.principalType === undefined) defaultsUsed.push("deployer.principalType");

    return {
        location: p.location ?? "", // only read when there are no problems
        kubernetesVersion: p.kubernetesVersion,
        cluster,
        groups,
        admins: {
            createGroup,
            members: (a.members ?? []).map((m) => m.toLowerCase()),
            owners: (a.owners ?? []).map((o) => o.toLowerCase()),
            existingGroups,
        },
        clusterAccess,
        namespaces,
        pipelines,
        kubeloginMode: p.kubeloginMode ?? "azurecli",
        deployer: {
            objectId: d.objectId?.toLowerCase(),
            principalType: d.principalType,
            clusterAdmin: d.clusterAdmin ?? true,
            rbacWaitSeconds: d.rbacWaitSeconds ?? 300,
        },
        protect: p.protect ?? false,
        tags: p.tags ?? {},
        defaultsUsed,
    };
}

/** GitHub Actions' OIDC issuer (azure-facts.md, Formats). */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** The only audience Entra accepts for workload identity federation (azure-facts.md, item 3). */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** The GitHub Actions OIDC subject for one configured credential (azure-facts.md, Formats). */
export function githubSubject(s: GitHubSubject): string {
    const repo = `repo:${s.repository}`;
    if (s.environment !== undefined) return `${repo}:environment:${s.environment}`;
    if (s.branch !== undefined) return `${repo}:ref:refs/heads/${s.branch}`;
    if (s.tag !== undefined) return `${repo}:ref:refs/tags/${s.tag}`;
    return `${repo}:pull_request`;
}

/**
 * The deploying principal's type. `azurecli` may be a person or a service principal (`az login
 * --service-principal`), so the default follows the login mode and `deployer.principalType` wins.
 */
export function deployerPrincipalType(config: StackConfig): "User" | "ServicePrincipal" {
    if (config.deployer.principalType !== undefined) {
        return config.deployer.principalType;
    }
    return ["spn", "msi", "workloadidentity"].includes(config.kubeloginMode)
        ? "ServicePrincipal"
        : "User";
}

/**
 * The login the Kubernetes provider and the exported kubeconfig use: the configured mode when it
 * needs no person, else azurecli. `interactive` and `devicecode` are for people only (device code
 * also fails under Conditional Access: azure-facts.md, failure mode 8).
 */
export function automationLoginMode(config: StackConfig): KubeloginMode {
    return config.kubeloginMode === "interactive" || config.kubeloginMode === "devicecode"
        ? "azurecli"
        : config.kubeloginMode;
}

/** The login a person uses with `kubelogin convert-kubeconfig -l <mode>`. */
export function personLoginMode(config: StackConfig): KubeloginMode {
    return config.kubeloginMode === "interactive" || config.kubeloginMode === "devicecode"
        ? config.kubeloginMode
        : "azurecli";
}

function knownRoleList(): string {
    return (
        ["Reader", "Storage Blob Data Reader", "Key Vault Secrets User", "AcrPull", "..."].join(
            ", ",
        ) + " (README: Configuration reference)"
    );
}

/** Defaults and cross-field rules of a node pool; messages name `path`. */
function checkPool(
    path: string,
    pool: z.output<typeof poolSchema>,
    problems: string[],
): SystemPool {
    const count = pool.count ?? pool.minCount ?? 3;
    if ((pool.minCount === undefined) !== (pool.maxCount === undefined)) {
        problems.push(
            `${NAMESPACE}:${path} needs both minCount and maxCount to autoscale (got ${show({ minCount: pool.minCount, maxCount: pool.maxCount })})`,
        );
    } else if (pool.minCount !== undefined && pool.maxCount !== undefined) {
        if (pool.minCount > pool.maxCount) {
            problems.push(
                `${NAMESPACE}:${path}.minCount ${pool.minCount} is above maxCount ${pool.maxCount}`,
            );
        } else if (count < pool.minCount || count > pool.maxCount) {
            problems.push(
                `${NAMESPACE}:${path}.count ${count} is outside minCount..maxCount (${pool.minCount}..${pool.maxCount})`,
            );
        }
    }
    if (pool.zones && new Set(pool.zones).size !== pool.zones.length) {
        problems.push(`${NAMESPACE}:${path}.zones ${show(pool.zones)} lists a zone twice`);
    }
    return {
        vmSize: pool.vmSize ?? "Standard_D4ds_v5",
        count,
        minCount: pool.minCount,
        maxCount: pool.maxCount,
        zones: pool.zones ?? [],
    };
}

function asRecord(value: unknown): Record<string, unknown> {
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function findDuplicates<T>(values: T[]): T[] {
    const seen = new Set<T>();
    const dupes = new Set<T>();
    for (const v of values) {
        (seen.has(v) ? dupes : seen).add(v);
    }
    return [...dupes];
}

/**
 * Pulumi's config map holds text: a `Pulumi.<stack>.yaml` `config:` map (YAML values) becomes
 * `namespace:key` -> string, structured values as JSON, the way the CLI hands them to programs.
 */
export function pulumiConfigMap(config: Readonly<Record<string, unknown>>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/**
 * Reads this stack's configuration from Pulumi's config map (`namespace:key` -> text) and
 * validates it. The region comes from `aks-entra:location`, else `azure-native:location`.
 */
export function configFromPulumi(all: Readonly<Record<string, string>>): StackConfig {
    const raw: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(all)) {
        if (fullKey.startsWith(`${NAMESPACE}:`)) {
            const key = fullKey.slice(NAMESPACE.length + 1);
            raw[key] = decodeConfigValue(key, text);
        }
    }
    const fallback = all["azure-native:location"];
    if (raw.location === undefined && fallback !== undefined) {
        raw.location = fallback;
    }
    return parseConfig(raw);
}
