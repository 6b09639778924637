// What Microsoft's built-in Azure Policy definitions for AKS clusters (Azure/azure-policy, MIT)
// would say about the cluster this stack sends. Each definition is restated here as a check on the
// ARM properties of the ManagedCluster, its AgentPools, its diagnostic settings and its maintenance
// configurations; no definition JSON is copied. test/builtins.test.ts checks ids, names, default
// effects and fields against the definitions when they are at hand. A plain module: importing it
// starts nothing.
//
// ARM semantics restated: a field that is absent or null does not exist; equals, notEquals, in and
// notIn compare the string form case-insensitively (true equals "True"); an absent field is
// notEquals anything; alias paths match property names case-insensitively (addonProfiles.azurePolicy
// reads the stack's addonProfiles.azurepolicy); agentPoolProfiles[*] covers every pool of the
// cluster, AgentPool resources included. Parameters take their default values.
import type { Registration } from "../offline/harness";

/** The ARM properties Azure Policy would evaluate for one cluster of the stack. */
export interface ClusterView {
    /** The ManagedCluster's ARM properties as the stack sends them. */
    cluster: Record<string, unknown>;
    /** Properties of the AgentPool resources of this cluster. */
    agentPools: Record<string, unknown>[];
    /** DiagnosticSetting resources on this cluster. */
    diagnosticSettings: Record<string, unknown>[];
    /** Names of the cluster's MaintenanceConfiguration resources. */
    maintenanceConfigurations: string[];
}

export interface Verdict {
    /**
     * reports: Azure Policy flags the cluster (non-compliant, or a DeployIfNotExists would deploy);
     * not-evaluated: the definition does not judge the cluster's own ARM shape.
     */
    result: "complies" | "reports" | "not-evaluated";
    why: string;
}

export type Effect = "Audit" | "AuditIfNotExists" | "DeployIfNotExists" | "Disabled";

/** What a definition's rule looks at. */
export type Target =
    | "cluster"
    | "diagnosticSettings"
    | "maintenanceConfigurations"
    | "fleetMembership"
    | "backup"
    | "extension"
    | "fluxConfiguration"
    | "sourceControlConfiguration"
    | "securityAssessment";

export interface Builtin {
    /** The definition's name (a GUID). */
    id: string;
    /** Its displayName. */
    name: string;
    /** Default value of its effect parameter. */
    effect: Effect;
    target: Target;
    /** Every `field` its policyRule reads, as written there (the resource-type guard excepted). */
    fields: readonly string[];
    /** What it checks, in a line. */
    checks: string;
    check: (view: ClusterView) => Verdict;
}

// Type tokens, restated (offline/types.ts; test/builtins.test.ts compares them).
export const CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";
export const AGENT_POOL_TYPE = "azure-native:containerservice:AgentPool";
export const DIAGNOSTIC_SETTING_TYPE = "azure-native:monitor:DiagnosticSetting";
export const MAINTENANCE_TYPE = "azure-native:containerservice:MaintenanceConfiguration";

type Props = Record<string, unknown>;

const isObject = (v: unknown): v is Props =>
    v !== null && typeof v === "object" && !Array.isArray(v);

/** The view of the (single) cluster among a run's registrations, from their inputs. */
export function clusterView(registrations: readonly Registration[]): ClusterView {
    const clusters = registrations.filter((r) => r.type === CLUSTER_TYPE);
    if (clusters.length !== 1) {
        throw new Error(`expected one ${CLUSTER_TYPE} registration, found ${clusters.length}`);
    }
    const cluster = clusters[0];
    const ofType = (type: string) => registrations.filter((r) => r.type === type);
    const sameText = (a: unknown, b: unknown) =>
        typeof a !== "string" || typeof b !== "string" || a.toLowerCase() === b.toLowerCase();
    // A pool or maintenance configuration names its cluster by resource group and name.
    const ofCluster = (inputs: Props) =>
        sameText(inputs.resourceGroupName, cluster.inputs.resourceGroupName) &&
        sameText(inputs.resourceName, cluster.inputs.resourceName);
    return {
        cluster: cluster.inputs,
        agentPools: ofType(AGENT_POOL_TYPE)
            .map((r) => r.inputs)
            .filter(ofCluster),
        diagnosticSettings: ofType(DIAGNOSTIC_SETTING_TYPE)
            .map((r) => r.inputs)
            .filter((s) => cluster.id === "" || sameText(s.resourceUri, cluster.id)),
        maintenanceConfigurations: ofType(MAINTENANCE_TYPE)
            .filter((r) => ofCluster(r.inputs))
            .map((r) => (typeof r.inputs.configName === "string" ? r.inputs.configName : r.name)),
    };
}

// ---- reading fields the way Azure Policy does ----

/**
 * Property path of an alias relative to what it is read on: after the last `[*].` (an array
 * member), without a trailing `[*]` (the array itself).
 */
function pathOf(alias: string): string {
    const tail = alias.slice(alias.lastIndexOf("/") + 1).replace(/\[\*\]$/, "");
    const star = tail.lastIndexOf("[*].");
    return star >= 0 ? tail.slice(star + 4) : tail;
}

/** The value at an alias's path; property names match case-insensitively. */
function get(obj: unknown, alias: string): unknown {
    let cur = obj;
    for (const key of pathOf(alias).split(".")) {
        if (!isObject(cur)) return undefined;
        const lower = key.toLowerCase();
        const hit = key in cur ? key : Object.keys(cur).find((k) => k.toLowerCase() === lower);
        cur = hit === undefined ? undefined : cur[hit];
    }
    return cur;
}

const absent = (v: unknown) => v === undefined || v === null;

/** `equals`: the string forms, case-insensitively; an absent field equals nothing. */
function same(v: unknown, expected: string | number | boolean): boolean {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return false;
    return String(v).toLowerCase() === String(expected).toLowerCase();
}

const oneOf = (v: unknown, values: readonly string[]) => values.some((x) => same(v, x));

const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);

/** `like`: `*` matches any run of characters, case-insensitively. */
function like(v: unknown, pattern: string): boolean {
    if (typeof v !== "string") return false;
    const re = pattern
        .split("*")
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${re}$`, "i").test(v);
}

function show(v: unknown): string {
    return absent(v) ? "not set" : JSON.stringify(v);
}

const complies = (why: string): Verdict => ({ result: "complies", why });
const reports = (why: string): Verdict => ({ result: "reports", why });
const notEvaluated = (why: string): Verdict => ({ result: "not-evaluated", why });

interface Pool {
    name: string;
    props: Props;
}

/** agentPoolProfiles[*]: the cluster's inline pools and its AgentPool resources. */
function pools(view: ClusterView): Pool[] {
    const all = [...list(get(view.cluster, "agentPoolProfiles")), ...view.agentPools];
    return all.filter(isObject).map((props, i) => {
        const name = props.name ?? props.agentPoolName;
        return { name: typeof name === "string" ? name : `pool ${i + 1}`, props };
    });
}

/** Reports the pools `bad` picks (a count over agentPoolProfiles[*] greater than 0). */
function everyPool(
    view: ClusterView,
    bad: (pool: Props) => string | undefined,
    ok: string,
    consequence: string,
): Verdict {
    const all = pools(view);
    const problems = all.flatMap((p) => {
        const problem = bad(p.props);
        return problem === undefined ? [] : [`${p.name} (${problem})`];
    });
    if (problems.length > 0) return reports(`${problems.join(", ")}: ${consequence}`);
    return complies(`every pool (${all.map((p) => p.name).join(", ")}) ${ok}`);
}

const MC = "Microsoft.ContainerService/managedClusters/";
const DS = "Microsoft.Insights/diagnosticSettings/";
const KC = "Microsoft.KubernetesConfiguration/";
const FLUX = `${KC}fluxConfigurations/`;
const SCC = `${KC}sourceControlConfigurations/`;
const EXT = `${KC}extensions/`;

// ---- conditions shared by an Audit definition and its DeployIfNotExists twin ----

const AZURE_POLICY_ENABLED = `${MC}addonProfiles.azurePolicy.enabled`;
const IMAGE_CLEANER_ENABLED = `${MC}securityProfile.imageCleaner.enabled`;
const DEFENDER_ENABLED = `${MC}securityProfile.defender.securityMonitoring.enabled`;
const RUN_COMMAND_DISABLED = `${MC}apiServerAccessProfile.disableRunCommand`;
const PRIVATE_CLUSTER = `${MC}apiServerAccessProfile.enablePrivateCluster`;
const UPGRADE_CHANNEL = `${MC}autoUpgradeProfile.upgradeChannel`;
const NODE_OS_CHANNEL = `${MC}autoUpgradeProfile.nodeOSUpgradeChannel`;
const POOLS = `${MC}agentPoolProfiles[*]`;

/**
 * The conditions that read one cluster field and want it true (`equals true`, `exists false` or
 * `notEquals true` around it): complies when it is, else reports, with what follows (a DINE's
 * remediation). The field is named by its alias path.
 */
function isTrue(view: ClusterView, alias: string, consequence?: string): Verdict {
    const v = get(view.cluster, alias);
    const field = pathOf(alias);
    return same(v, true)
        ? complies(`${field} is true`)
        : reports(`${field} is ${show(v)}${consequence === undefined ? "" : `: ${consequence}`}`);
}

/**
 * A built-in whose whole condition is one cluster field being true (isTrue): 0a15ec92 and
 * a8eff44f (the Azure Policy add-on), af3c26b2 and 7e49285c (Image Cleaner), a1840de2 and 64def556
 * (Defender), 89f2d532 and 1b708b0a (no Command Invoke). As Audit it reports a cluster without it;
 * as DeployIfNotExists (`remedy`) it `does` that, and a remediation `would` change the cluster.
 */
function fieldIsTrue(
    id: string,
    name: string,
    alias: string,
    remedy?: { does: string; would: string },
): Builtin {
    const field = pathOf(alias);
    return {
        id,
        name,
        effect: remedy === undefined ? "Audit" : "DeployIfNotExists",
        target: "cluster",
        fields: [alias],
        checks: remedy === undefined ? `${field} is true` : `${field} is true, else ${remedy.does}`,
        check: (view) =>
            isTrue(
                view,
                alias,
                remedy === undefined ? "non-compliant" : `a remediation would ${remedy.would}`,
            ),
    };
}

// ---- diagnostic settings (245fc9df, 6c66c325) ----

/** 245fc9df's parameter requiredRetentionDays, default "365". */
const REQUIRED_RETENTION_DAYS = "365";

/**
 * 245fc9df's existence condition on one setting. `logs.enabled` (no [*]) reads every entry's
 * enabled at once: it equals "true" only when all of them are (Azure/Enterprise-Scale#1635).
 * Retention compares padLeft(days, 3, '0') as strings, as the rule does.
 */
function resourceLogsOf(setting: Props): string | undefined {
    const logs = list(get(setting, `${DS}logs[*]`)).filter(isObject);
    if (logs.length === 0) return "no logs";
    const disabled = logs.filter((l) => !same(get(l, "enabled"), true));
    if (disabled.length > 0) {
        return `${disabled.length} of ${logs.length} log entries not enabled`;
    }
    const storage = !absent(get(setting, `${DS}storageAccountId`));
    const pad = (v: unknown) => String(v).padStart(3, "0").toLowerCase();
    const counted = logs.filter((l) => {
        const retention = same(get(l, `${DS}logs[*].retentionPolicy.enabled`), true);
        const days = get(l, `${DS}logs[*].retentionPolicy.days`);
        const kept =
            same(days, "0") || (!absent(days) && pad(days) >= pad(REQUIRED_RETENTION_DAYS));
        return (retention && kept) || !retention || !storage;
    });
    return counted.length >= 1
        ? undefined
        : `a storage account keeping logs under ${REQUIRED_RETENTION_DAYS} days (retentionPolicy)`;
}

/** 6c66c325's log categories; its parameters default every one of them to "True". */
export const DIAGNOSTIC_CATEGORIES = [
    "kube-apiserver",
    "kube-audit",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "kube-audit-admin",
    "guard",
    "cloud-controller-manager",
    "csi-azuredisk-controller",
    "csi-azurefile-controller",
    "csi-snapshot-controller",
] as const;

/** 6c66c325's existence condition on one setting; its workspace is taken as the assigned one. */
function allCategoriesOf(setting: Props): string[] {
    const logs = list(get(setting, `${DS}logs[*]`)).filter(isObject);
    const missing = DIAGNOSTIC_CATEGORIES.filter(
        (c) =>
            !logs.some(
                (l) =>
                    same(get(l, `${DS}logs[*].category`), c) &&
                    same(get(l, `${DS}logs[*].enabled`), "True"),
            ),
    );
    const problems = missing.length > 0 ? [`not enabled: ${missing.join(", ")}`] : [];
    const metrics = list(get(setting, `${DS}metrics[*]`)).filter(isObject);
    const allMetrics = metrics.some(
        (m) =>
            same(get(m, `${DS}metrics[*].category`), "AllMetrics") &&
            same(get(m, `${DS}metrics[*].enabled`), "True"),
    );
    if (!allMetrics) problems.push("no AllMetrics metric enabled");
    if (absent(get(setting, `${DS}workspaceId`))) problems.push("no workspaceId");
    return problems;
}

// ---- planned maintenance (e1352e44) ----

/** e1352e44's parameter configurationType: no default, one of these per assignment. */
export const MAINTENANCE_CONFIGURATION_TYPES = [
    "aksManagedAutoUpgradeSchedule",
    "aksManagedNodeOSUpgradeSchedule",
] as const;

// ---- Kubernetes versions fb893a29 names ----

const VULNERABLE_VERSIONS = [
    ...[0, 1, 2, 3, 4].map((p) => `1.13.${p}`),
    ...[0, 1, 2, 3, 4, 5, 6].map((p) => `1.12.${p}`),
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((p) => `1.11.${p}`),
];
const VULNERABLE_PATTERNS = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((m) => `1.${m}.*`);

// ---- not-evaluated reasons ----

/** The two GitOps generations the built-ins deploy: what each reads and how it is worded. */
const GITOPS = {
    "Flux v2": {
        target: "fluxConfiguration",
        fields: (source: readonly string[]) => [...FLUX_SOURCE, ...source, FLUX_STATE],
        checks: (given: string) => `a Flux v2 configuration of a given ${given} exists`,
        looksFor: (what: string) =>
            `looks for a Flux v2 configuration (${what}) whose source the assigner names`,
    },
    "Flux v1": {
        target: "sourceControlConfiguration",
        fields: (source: readonly string[]) => [
            `${SCC}operatorParams`,
            `${SCC}repositoryUrl`,
            ...source,
            ...HELM,
        ],
        checks: (given: string) => `a GitOps (Flux v1) configuration of a given ${given} exists`,
        looksFor: (what: string) =>
            `looks for a Flux v1 sourceControlConfiguration (${what}) whose repository the assigner names`,
    },
} as const;

/**
 * A GitOps DeployIfNotExists definition: a configuration of a source the assigner names (`source`:
 * the fields that describe it); nothing to evaluate here, the stack installs no GitOps.
 */
function gitOpsBuiltin(
    version: keyof typeof GITOPS,
    id: string,
    name: string,
    source: readonly string[],
    given: string,
    what: string,
): Builtin {
    const g = GITOPS[version];
    return {
        id,
        name,
        effect: "DeployIfNotExists",
        target: g.target,
        fields: g.fields(source),
        checks: g.checks(given),
        check: () => notEvaluated(`${g.looksFor(what)} (no default); the stack installs no GitOps`),
    };
}

const BACKUP_EXTENSION =
    "looks for the Azure Backup extension (microsoft.dataprotection.kubernetes); the stack " +
    "installs no cluster extensions";

const FLUX_SOURCE = [`${FLUX}scope`, `${FLUX}namespace`];
const GIT_REF = ["branch", "tag", "semver", "commit"].map(
    (r) => `${FLUX}gitRepository.repositoryRef.${r}`,
);
const GIT = [`${FLUX}gitRepository.url`, `${FLUX}gitRepository.timeoutInSeconds`];
const SYNC = `${FLUX}gitRepository.syncIntervalInSeconds`;
const BUCKET = ["url", "timeoutInSeconds", "syncIntervalInSeconds", "insecure", "bucketName"].map(
    (f) => `${FLUX}bucket.${f}`,
);
const FLUX_STATE = `${FLUX}provisioningState`;
const HELM = [
    `${SCC}enableHelmOperator`,
    `${SCC}helmOperatorProperties.chartVersion`,
    `${SCC}helmOperatorProperties.chartValues`,
];

/** The built-in definitions that target AKS clusters (Microsoft.ContainerService/managedClusters). */
export const BUILTINS: readonly Builtin[] = [
    {
        id: "040732e8-d947-40b8-95d6-854c95024bf8",
        name: "Azure Kubernetes Service Private Clusters should be enabled",
        effect: "Audit",
        target: "cluster",
        fields: [PRIVATE_CLUSTER],
        checks: "apiServerAccessProfile.enablePrivateCluster is true",
        check: (view) => isTrue(view, PRIVATE_CLUSTER),
    },
    {
        id: "04408ca5-aa10-42ce-8536-98955cdddd4c",
        name: "Azure Kubernetes Service Clusters should enable node os auto-upgrade",
        effect: "Audit",
        target: "cluster",
        fields: [UPGRADE_CHANNEL, NODE_OS_CHANNEL],
        checks:
            "upgradeChannel is node-image, or nodeOSUpgradeChannel is one of " +
            "allowedNodeOsUpgradeChannels (default NodeImage, SecurityPatch)",
        check: (view) => {
            const allowed = ["NodeImage", "SecurityPatch"];
            const channel = get(view.cluster, UPGRADE_CHANNEL);
            const nodeOs = get(view.cluster, NODE_OS_CHANNEL);
            if (same(channel, "node-image")) return complies("upgradeChannel is node-image");
            return oneOf(nodeOs, allowed)
                ? complies(`nodeOSUpgradeChannel is ${show(nodeOs)} (default allowed channels)`)
                : reports(
                      `upgradeChannel ${show(channel)}, nodeOSUpgradeChannel ${show(nodeOs)}: ` +
                          `neither node-image nor one of ${allowed.join(", ")} (default parameter)`,
                  );
        },
    },
    fieldIsTrue(
        "0a15ec92-a229-4763-bb14-0ea34a568f8d",
        "Azure Policy Add-on for Kubernetes service (AKS) should be installed and enabled on your clusters",
        AZURE_POLICY_ENABLED,
    ),
    {
        id: "0b0434ec-2bad-4229-965f-bb7ae5a71257",
        name: "[Preview]: Azure Backup should be enabled for AKS clusters",
        effect: "AuditIfNotExists",
        target: "backup",
        fields: [],
        checks: "a Microsoft.DataProtection/backupInstances protects the cluster",
        check: () =>
            notEvaluated(
                "looks for a backup instance of the cluster in a Backup vault; the stack creates " +
                    "none, so an assignment would report the cluster",
            ),
    },
    {
        id: "0e246bcf-5f6f-4f87-bc6f-775d4712c7ea",
        name: "Authorized IP ranges should be defined on Kubernetes Services",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}apiServerAccessProfile.authorizedIPRanges`, PRIVATE_CLUSTER],
        checks: "apiServerAccessProfile.authorizedIPRanges is set, unless the cluster is private",
        check: (view) => {
            const ranges = get(view.cluster, `${MC}apiServerAccessProfile.authorizedIPRanges`);
            // An empty list turns the ranges off: AKS then stores none (the field is absent).
            if (list(ranges).length > 0) {
                return complies(`authorizedIPRanges: ${list(ranges).length} range(s)`);
            }
            const priv = get(view.cluster, PRIVATE_CLUSTER);
            return absent(priv) || same(priv, false)
                ? reports("a public API server without authorizedIPRanges")
                : complies("no authorizedIPRanges, but a private cluster");
        },
    },
    {
        id: "0fc39691-5a3f-4e3e-94ee-2e6447309ad9",
        name: "[Deprecated]: Azure running container images should have vulnerabilities resolved (powered by Qualys)",
        effect: "Disabled",
        target: "securityAssessment",
        fields: ["Microsoft.Security/assessments/status.code"],
        checks: "Defender for Cloud's Qualys assessment of running images is Healthy",
        check: () =>
            notEvaluated(
                "deprecated, default effect Disabled; reads a Defender for Cloud assessment of " +
                    "the images running in the cluster, not the cluster's ARM shape",
            ),
    },
    {
        id: "17f4b1cc-c55c-4d94-b1f9-2978f6ac2957",
        name: "Azure running container images should have vulnerabilities resolved (powered by Microsoft Defender Vulnerability Management)",
        effect: "AuditIfNotExists",
        target: "securityAssessment",
        fields: ["Microsoft.Security/assessments/status.code"],
        checks: "Defender for Cloud's assessment of running images is Healthy or NotApplicable",
        check: () =>
            notEvaluated(
                "reads Defender for Cloud's vulnerability assessment of the images running in " +
                    "the cluster: the workloads', not the cluster's ARM shape",
            ),
    },
    fieldIsTrue(
        "1b708b0a-3380-40e9-8b79-821f9fa224cc",
        "Disable Command Invoke on Azure Kubernetes Service clusters",
        RUN_COMMAND_DISABLED,
        { does: "sets it", would: "set it to true" },
    ),
    gitOpsBuiltin(
        "Flux v1",
        "1d61c4d2-aef2-432b-87fc-7f96b019b7e1",
        "Configure Kubernetes clusters with specified GitOps configuration using no secrets",
        [],
        "repository",
        "no secrets",
    ),
    {
        id: "245fc9df-fa96-4414-9a0b-3738c2f7341c",
        name: "Resource logs in Azure Kubernetes Service should be enabled",
        effect: "AuditIfNotExists",
        target: "diagnosticSettings",
        fields: [
            `${DS}logs[*]`,
            `${DS}logs[*].retentionPolicy.enabled`,
            `${DS}logs[*].retentionPolicy.days`,
            `${DS}logs.enabled`,
            `${DS}storageAccountId`,
        ],
        checks:
            "a diagnostic setting with its logs enabled, kept requiredRetentionDays (default " +
            "365) when they go to a storage account",
        check: (view) => {
            if (view.diagnosticSettings.length === 0) return reports("no diagnostic setting");
            const problems = view.diagnosticSettings.map(resourceLogsOf);
            return problems.some((p) => p === undefined)
                ? complies(
                      "a diagnostic setting with every log entry enabled and no storage account " +
                          `(requiredRetentionDays ${REQUIRED_RETENTION_DAYS}, the default, applies ` +
                          "only to logs kept in storage)",
                  )
                : reports(`no diagnostic setting qualifies: ${problems.join("; ")}`);
        },
    },
    gitOpsBuiltin(
        "Flux v2",
        "2630c91f-8a20-8f43-14a2-2485b648e2a9",
        "Configure Kubernetes clusters with Flux v2 configuration using Git repository and HTTPS CA Certificate",
        [...GIT, SYNC, ...GIT_REF, `${FLUX}gitRepository.httpsCAFile`],
        "Git repository (HTTPS CA)",
        "Git over HTTPS with a CA certificate",
    ),
    {
        id: "28257686-e9db-403e-b9e2-a5eecbe03da9",
        name: "Azure Kubernetes Clusters should disable SSH",
        effect: "Audit",
        target: "cluster",
        fields: [POOLS, `${POOLS}.securityProfile.sshAccess`],
        checks: "no pool leaves securityProfile.sshAccess unset or LocalUser",
        check: (view) =>
            everyPool(
                view,
                (p) => {
                    const v = get(p, `${POOLS}.securityProfile.sshAccess`);
                    return absent(v) || same(v, "localuser") ? `sshAccess ${show(v)}` : undefined;
                },
                "has securityProfile.sshAccess set and not LocalUser",
                "SSH as a local user is open",
            ),
    },
    {
        id: "2cc2e023-0dac-4046-875b-178f683929d5",
        name: "Azure Kubernetes Service Clusters should enable workload identity",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}securityProfile.workloadIdentity.enabled`],
        checks: "securityProfile.workloadIdentity.enabled is true",
        check: (view) => {
            const v = get(view.cluster, `${MC}securityProfile.workloadIdentity.enabled`);
            return absent(v) || same(v, false)
                ? reports(`securityProfile.workloadIdentity.enabled is ${show(v)}`)
                : complies("securityProfile.workloadIdentity.enabled is true");
        },
    },
    {
        id: "2dec5f47-bc40-40d1-8c7d-a39d9d6808d1",
        name: "[Preview]: Azure Kubernetes Service Managed Clusters should be Zone Redundant",
        effect: "Audit",
        target: "cluster",
        fields: [POOLS, `${POOLS}.availabilityZones[*]`, `${POOLS}.count`],
        checks: "every pool spans 3 availability zones and has count 3 or more",
        check: (view) =>
            everyPool(
                view,
                (p) => {
                    const zones = list(get(p, `${POOLS}.availabilityZones`)).length;
                    // AKS stores count 1 for a pool sent without one.
                    const raw = get(p, `${POOLS}.count`);
                    const count = absent(raw) ? 1 : Number(raw);
                    const problems = [
                        ...(zones < 3 ? [`${zones} zone(s)`] : []),
                        ...(count < 3 ? [`count ${count}`] : []),
                    ];
                    return problems.length > 0 ? problems.join(", ") : undefined;
                },
                "spans 3 zones with count 3 or more",
                "fewer than 3 zones or 3 nodes (count is the pool's current node count)",
            ),
    },
    {
        id: "36a27de4-199b-40fb-b336-945a8475d6c5",
        name: "Configure Microsoft Entra ID integrated Azure Kubernetes Service Clusters with required Admin Group Access",
        effect: "DeployIfNotExists",
        target: "cluster",
        fields: [`${MC}aadProfile`, `${MC}aadProfile.adminGroupObjectIDs[*]`],
        checks: "aadProfile.adminGroupObjectIDs are exactly the assigned adminGroupObjectIDs",
        check: (view) => {
            const groups = list(get(view.cluster, `${MC}aadProfile.adminGroupObjectIDs`)).length;
            return notEvaluated(
                "needs adminGroupObjectIDs, which the assigner chooses (no default): complies " +
                    `only when the cluster's ${groups} admin group(s) are exactly the assigned ` +
                    "ones, else a remediation rewrites them",
            );
        },
    },
    {
        id: "3abeb944-26af-43ee-b83d-32aaf060fb94",
        name: "[Deprecated]: Pod Security Policies should be defined on Kubernetes Services",
        effect: "Disabled",
        target: "cluster",
        fields: [`${MC}enablePodSecurityPolicy`],
        checks: "enablePodSecurityPolicy is true (PodSecurityPolicy left Kubernetes in 1.25)",
        check: (view) => {
            const v = get(view.cluster, `${MC}enablePodSecurityPolicy`);
            const would = absent(v) || same(v, false) ? "report" : "comply";
            return notEvaluated(
                "deprecated, default effect Disabled: Azure Policy evaluates nothing; with " +
                    `Audit the cluster would ${would} (enablePodSecurityPolicy ${show(v)})`,
            );
        },
    },
    {
        id: "40f1aee2-4db4-4b74-acb1-c6972e24cca8",
        name: "Configure Node OS Auto upgrade on Azure Kubernetes Cluster",
        effect: "DeployIfNotExists",
        target: "cluster",
        fields: [NODE_OS_CHANNEL],
        checks: "autoUpgradeProfile.nodeOSUpgradeChannel is set and not None, else sets it",
        check: (view) => {
            const v = get(view.cluster, NODE_OS_CHANNEL);
            return absent(v) || same(v, "None")
                ? reports(
                      `nodeOSUpgradeChannel is ${show(v)}: a remediation would set NodeImage ` +
                          "(default parameter)",
                  )
                : complies(`nodeOSUpgradeChannel is ${show(v)}`);
        },
    },
    {
        id: "41425d9f-d1a5-499a-9932-f8ed8453932c",
        name: "Temp disks and cache for agent node pools in Azure Kubernetes Service clusters should be encrypted at host",
        effect: "Audit",
        target: "cluster",
        fields: [POOLS, `${POOLS}.enableEncryptionAtHost`],
        checks: "every pool has enableEncryptionAtHost true",
        check: (view) =>
            everyPool(
                view,
                (p) => {
                    const v = get(p, `${POOLS}.enableEncryptionAtHost`);
                    return absent(v) || same(v, "") || same(v, false)
                        ? `enableEncryptionAtHost ${show(v)}`
                        : undefined;
                },
                "has enableEncryptionAtHost true",
                "temp disks and caches not encrypted at host",
            ),
    },
    {
        id: "450d2877-ebea-41e8-b00c-e286317d21bf",
        name: "Azure Kubernetes Service Clusters should enable Microsoft Entra ID integration",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}aadProfile`],
        checks: "aadProfile is set",
        check: (view) =>
            absent(get(view.cluster, `${MC}aadProfile`))
                ? reports("no aadProfile")
                : complies("aadProfile is set (AKS-managed Entra integration)"),
    },
    {
        id: "46238e2f-3f6f-4589-9f3f-77bed4116e67",
        name: "Azure Kubernetes Clusters should use Azure CNI",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}networkProfile.networkPlugin`],
        checks: "networkProfile.networkPlugin is azure",
        check: (view) => {
            const v = get(view.cluster, `${MC}networkProfile.networkPlugin`);
            return same(v, "azure")
                ? complies("networkProfile.networkPlugin is azure")
                : reports(`networkProfile.networkPlugin is ${show(v)}`);
        },
    },
    gitOpsBuiltin(
        "Flux v2",
        "5174c1db-ca42-e0d4-b320-4f1cf6a1fa93",
        "Configure Kubernetes clusters with Flux v2 configuration using Bucket source and secrets in KeyVault",
        [...BUCKET, `${FLUX}bucket.accessKey`],
        "bucket (Key Vault secret)",
        "a bucket with a Key Vault secret",
    ),
    {
        id: "5c345cdf-2049-47e0-b8fe-b0e96bc2df35",
        name: "Azure Kubernetes Service Clusters should enable cluster auto-upgrade",
        effect: "Audit",
        target: "cluster",
        fields: [UPGRADE_CHANNEL],
        checks:
            "autoUpgradeProfile.upgradeChannel is one of allowedClusterAutoUpgradeChannels " +
            "(default rapid, stable, patch)",
        check: (view) => {
            const allowed = ["rapid", "stable", "patch"];
            const v = get(view.cluster, UPGRADE_CHANNEL);
            return oneOf(v, allowed)
                ? complies(`upgradeChannel is ${show(v)} (default allowed channels)`)
                : reports(`upgradeChannel is ${show(v)}, not one of ${allowed.join(", ")}`);
        },
    },
    {
        id: "5dc99dae-cfb2-42cc-8762-9aae02b74e27",
        name: "[Preview]: Deploy Image Integrity on Azure Kubernetes Service",
        effect: "DeployIfNotExists",
        target: "cluster",
        fields: [`${MC}securityProfile.imageIntegrity.enabled`],
        checks: "securityProfile.imageIntegrity.enabled is true, else enables it",
        check: (view) =>
            isTrue(
                view,
                `${MC}securityProfile.imageIntegrity.enabled`,
                "a remediation would enable Image Integrity (preview)",
            ),
    },
    fieldIsTrue(
        "64def556-fbad-4622-930e-72d1d5589bf5",
        "Configure Azure Kubernetes Service clusters to enable Defender profile",
        DEFENDER_ENABLED,
        { does: "enables it", would: "enable Defender" },
    ),
    {
        id: "6c66c325-74c8-42fd-a286-a74b0e2939d8",
        name: "Deploy - Configure diagnostic settings for Azure Kubernetes Service to Log Analytics workspace",
        effect: "DeployIfNotExists",
        target: "diagnosticSettings",
        fields: [
            `${DS}logs[*]`,
            `${DS}logs[*].enabled`,
            `${DS}logs[*].category`,
            `${DS}metrics[*]`,
            `${DS}metrics[*].category`,
            `${DS}metrics[*].enabled`,
            `${DS}workspaceId`,
        ],
        checks:
            "a diagnostic setting to the assigned workspace with every category as its " +
            "parameters say (default: all 11 enabled) and AllMetrics",
        check: (view) => {
            if (view.diagnosticSettings.length === 0) {
                return reports("no diagnostic setting: a remediation would deploy one");
            }
            const problems = view.diagnosticSettings.map(allCategoriesOf);
            if (problems.some((p) => p.length === 0)) {
                return complies(
                    "a diagnostic setting with all 11 categories and AllMetrics enabled " +
                        "(taking its workspace as the assigned logAnalytics, which has no default)",
                );
            }
            return reports(
                `with the default parameters (all 11 categories true): ${problems
                    .map((p) => p.join(", "))
                    .join("; ")}; a remediation would deploy its own setting`,
            );
        },
    },
    {
        id: "7d7be79c-23ba-4033-84dd-45e2a5ccdd67",
        name: "Both operating systems and data disks in Azure Kubernetes Service clusters should be encrypted by customer-managed keys",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}diskEncryptionSetID`],
        checks: "diskEncryptionSetID is set",
        check: (view) => {
            const v = get(view.cluster, `${MC}diskEncryptionSetID`);
            return absent(v) || same(v, "")
                ? reports("no diskEncryptionSetID: disks use platform-managed keys")
                : complies("diskEncryptionSetID is set");
        },
    },
    fieldIsTrue(
        "7e49285c-4bed-4564-b26a-5225ccc311f3",
        "Deploy Image Cleaner on Azure Kubernetes Service",
        IMAGE_CLEANER_ENABLED,
        { does: "enables it", would: "enable it (every 24 hours, default parameter)" },
    ),
    gitOpsBuiltin(
        "Flux v2",
        "83ea2fd1-9eaf-2f6d-f672-cd7b2ac798f6",
        "Configure Kubernetes clusters with Flux v2 configuration using public Git repository",
        [...GIT, SYNC, ...GIT_REF],
        "public Git repository",
        "a public Git repository",
    ),
    fieldIsTrue(
        "89f2d532-c53c-4f8f-9afa-4927b1114a0d",
        "Azure Kubernetes Service Clusters should disable Command Invoke",
        RUN_COMMAND_DISABLED,
    ),
    {
        id: "993c2fcd-2b29-49d2-9eb0-df2c3a730c32",
        name: "Azure Kubernetes Service Clusters should have local authentication methods disabled",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}disableLocalAccounts`],
        checks: "disableLocalAccounts is true",
        check: (view) => isTrue(view, `${MC}disableLocalAccounts`),
    },
    {
        id: "9a021087-bba6-42fd-b535-bba75297566b",
        name: "[Preview]: Install Azure Backup Extension in AKS clusters (Managed Cluster) without a given tag.",
        effect: "DeployIfNotExists",
        target: "extension",
        fields: [
            "[concat('tags[', parameters('exclusionTagName'), ']')]",
            "location",
            `${EXT}extensionType`,
        ],
        checks: "the Azure Backup extension is installed on clusters without an exclusion tag",
        check: () =>
            notEvaluated(`${BACKUP_EXTENSION}; location and storage account have no default`),
    },
    gitOpsBuiltin(
        "Flux v2",
        "9e980dca-f3e1-8da3-6717-ad37b1ca6b27",
        "Configure Kubernetes clusters with Flux v2 configuration using Git repository and SSH secrets",
        [...GIT, SYNC, ...GIT_REF, `${FLUX}gitRepository.sshKnownHosts`],
        "Git repository (SSH, Key Vault)",
        "Git over SSH with a Key Vault secret",
    ),
    fieldIsTrue(
        "a1840de2-8088-4ea8-b153-b4c723e9cb01",
        "Azure Kubernetes Service clusters should have Defender profile enabled",
        DEFENDER_ENABLED,
    ),
    gitOpsBuiltin(
        "Flux v1",
        "a6f560f4-f582-4b67-b123-a37dcd1bf7ea",
        "Configure Kubernetes clusters with specified GitOps configuration using HTTPS secrets",
        [],
        "repository (HTTPS)",
        "HTTPS secrets",
    ),
    fieldIsTrue(
        "a8eff44f-8c92-45c3-a3fb-9880802d67a7",
        "Deploy Azure Policy Add-on to Azure Kubernetes Service clusters",
        AZURE_POLICY_ENABLED,
        { does: "enables it", would: "enable the add-on" },
    ),
    {
        id: "ac4a19c2-fa67-49b4-8ae5-0b2e78c49457",
        name: "Role-Based Access Control (RBAC) should be used on Kubernetes Services",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}enableRBAC`],
        checks: "enableRBAC is not false",
        check: (view) => {
            const v = get(view.cluster, `${MC}enableRBAC`);
            return same(v, false)
                ? reports("enableRBAC is false")
                : complies(`enableRBAC is ${show(v)}`);
        },
    },
    fieldIsTrue(
        "af3c26b2-6fad-493e-9236-9c68928516ab",
        "Azure Kubernetes Service Clusters should enable Image Cleaner",
        IMAGE_CLEANER_ENABLED,
    ),
    gitOpsBuiltin(
        "Flux v2",
        "b6c7fd52-4723-5f4d-a157-3d39bd16a1d7",
        "Configure Kubernetes clusters with Flux v2 configuration using Git repository and local secrets",
        [...GIT, SYNC, ...GIT_REF, `${FLUX}gitRepository.localAuthRef`],
        "Git repository (local secret)",
        "Git with a local secret",
    ),
    gitOpsBuiltin(
        "Flux v2",
        "b8c1d6c1-6137-97c6-9c34-d4627e54ca26",
        "Configure Kubernetes clusters with specified Flux v2 Bucket source using local secrets",
        [...BUCKET, `${FLUX}bucket.localAuthRef`],
        "bucket (local secret)",
        "a bucket with a local secret",
    ),
    {
        id: "bdff5235-9f40-4a32-893f-38a03d5d607c",
        name: "[Preview]: Install Azure Backup Extension in AKS clusters (Managed Cluster) with a given tag.",
        effect: "DeployIfNotExists",
        target: "extension",
        fields: [
            "[concat('tags[', parameters('inclusionTagName'), ']')]",
            "location",
            `${EXT}extensionType`,
        ],
        checks: "the Azure Backup extension is installed on clusters with an inclusion tag",
        check: () => notEvaluated(`${BACKUP_EXTENSION}; the tag and location have no default`),
    },
    gitOpsBuiltin(
        "Flux v2",
        "bf1a31be-3b79-5ba8-c9e0-9a8c9ad9f749",
        "Configure Kubernetes clusters with Flux v2 configuration using Git repository and HTTPS secrets",
        [
            GIT[0],
            SYNC,
            ...GIT_REF,
            `${FLUX}gitRepository.httpsUser`,
            `${FLUX}gitRepository.httpsCAFile`,
        ],
        "Git repository (HTTPS, Key Vault)",
        "Git over HTTPS with a Key Vault secret",
    ),
    gitOpsBuiltin(
        "Flux v1",
        "c050047b-b21b-4822-8a2d-c1e37c3c0c6a",
        "Configure Kubernetes clusters with specified GitOps configuration using SSH secrets",
        [`${SCC}sshKnownHostsContents`],
        "repository (SSH)",
        "SSH secrets",
    ),
    {
        id: "c5110b6e-5272-4989-9935-59ad06fdf341",
        name: "Azure Kubernetes Clusters should enable Container Storage Interface(CSI)",
        effect: "Audit",
        target: "cluster",
        fields: [
            `${MC}storageProfile.diskCSIDriver.enabled`,
            `${MC}storageProfile.fileCSIDriver.enabled`,
            `${MC}storageProfile.snapshotController.enabled`,
        ],
        checks: "no CSI driver (disk, file, snapshot: default parameters true) is turned off",
        check: (view) => {
            const off = ["diskCSIDriver", "fileCSIDriver", "snapshotController"].filter((d) =>
                same(get(view.cluster, `${MC}storageProfile.${d}.enabled`), false),
            );
            return off.length > 0
                ? reports(`storageProfile ${off.join(", ")} enabled false`)
                : complies("no CSI driver turned off (storageProfile unset: AKS enables them)");
        },
    },
    {
        id: "c7f49635-e3f0-4986-b072-90d0c7c3d4cd",
        name: "Azure Kubernetes Service clusters should be a member of an Azure Kubernetes Fleet Manager.",
        effect: "AuditIfNotExists",
        target: "fleetMembership",
        fields: ["name", "[concat('tags[', parameters('skip-cluster-tag'), ']')]"],
        checks: "the cluster has a Fleet Manager membership named default",
        check: () =>
            notEvaluated(
                "looks for a fleetMemberships resource; the stack joins no Fleet Manager, so an " +
                    "assignment would report the cluster",
            ),
    },
    {
        id: "cadd9445-aeb8-4ee4-b505-c279db2f737f",
        name: "Configure AKS clusters to automatically join the specified Azure Kubernetes Fleet Manager",
        effect: "DeployIfNotExists",
        target: "fleetMembership",
        fields: ["identity.type", "name", "[concat('tags[', parameters('skip-cluster-tag'), ']')]"],
        checks: "the cluster joins the assigned Fleet Manager",
        check: () =>
            notEvaluated(
                "joins the Fleet Manager the assigner names (fleet name, group and subscription " +
                    "have no default)",
            ),
    },
    {
        id: "da6e2401-19da-4532-9141-fb8fbde08431",
        name: "Azure Kubernetes Service Clusters should use managed identities",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}servicePrincipalProfile`, `${MC}servicePrincipalProfile.clientId`],
        checks: "no servicePrincipalProfile other than clientId msi",
        check: (view) => {
            const sp = get(view.cluster, `${MC}servicePrincipalProfile`);
            const client = get(view.cluster, `${MC}servicePrincipalProfile.clientId`);
            return !absent(sp) && !same(client, "msi")
                ? reports(`servicePrincipalProfile.clientId is ${show(client)}`)
                : complies("no service principal: managed identities");
        },
    },
    {
        id: "dbbdc317-9734-4dd8-9074-993b29c69008",
        name: "Azure Kubernetes Clusters should enable Key Management Service (KMS)",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}securityProfile.azureKeyVaultKms.enabled`],
        checks: "securityProfile.azureKeyVaultKms.enabled is true",
        check: (view) => isTrue(view, `${MC}securityProfile.azureKeyVaultKms.enabled`),
    },
    {
        id: "e1352e44-d34d-4e4d-a22e-451a15f759a1",
        name: "Deploy Planned Maintenance to schedule and control upgrades for your Azure Kubernetes Service (AKS) cluster",
        effect: "DeployIfNotExists",
        target: "maintenanceConfigurations",
        fields: ["name"],
        checks:
            "a maintenance configuration named configurationType (no default: " +
            "aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule) exists",
        check: (view) => {
            const has = (t: string) => view.maintenanceConfigurations.some((n) => same(n, t));
            const present = MAINTENANCE_CONFIGURATION_TYPES.filter(has);
            const missing = MAINTENANCE_CONFIGURATION_TYPES.filter((t) => !has(t));
            if (missing.length === 0) {
                return complies(`both ${present.join(" and ")} exist: either configurationType`);
            }
            const yes = present.length > 0 ? `; complies with ${present.join(", ")}` : "";
            return reports(
                `an assignment with configurationType ${missing.join(" or ")} would deploy ` +
                    `that window${yes}`,
            );
        },
    },
    {
        id: "f9175d5f-abc8-1dc3-bd3c-5d7476ada3d1",
        name: "Configure installation of Flux extension on Kubernetes cluster",
        effect: "DeployIfNotExists",
        target: "extension",
        fields: [
            `${EXT}extensionType`,
            `${EXT}provisioningState`,
            `${EXT}releaseTrain`,
            `${EXT}autoUpgradeMinorVersion`,
            `${EXT}version`,
        ],
        checks: "the Flux extension (microsoft.flux) is installed",
        check: () =>
            notEvaluated(
                "looks for the Flux cluster extension; the stack installs no cluster extensions, " +
                    "so an assignment would install Flux",
            ),
    },
    {
        id: "fb893a29-21bb-418c-a157-e99480ec364c",
        name: "Kubernetes Services should be upgraded to a non-vulnerable Kubernetes version",
        effect: "Audit",
        target: "cluster",
        fields: [`${MC}kubernetesVersion`],
        checks: "kubernetesVersion is none of 1.0 to 1.10, nor 1.11.0-8, 1.12.0-6, 1.13.0-4",
        check: (view) => {
            const v = get(view.cluster, `${MC}kubernetesVersion`);
            const bad =
                oneOf(v, VULNERABLE_VERSIONS) || VULNERABLE_PATTERNS.some((p) => like(v, p));
            return bad
                ? reports(`kubernetesVersion ${show(v)} is on the definition's vulnerable list`)
                : complies(`kubernetesVersion ${show(v)} is not on the definition's list`);
        },
    },
    {
        id: "fda9cd0b-094c-4cd5-ac2a-5e06e5277c45",
        name: "[Preview]: Azure Backup Extension should be installed in AKS clusters",
        effect: "AuditIfNotExists",
        target: "extension",
        fields: [`${EXT}extensionType`, `${EXT}provisioningState`],
        checks: "the Azure Backup extension is installed and Succeeded",
        check: () => notEvaluated(`${BACKUP_EXTENSION}, so an assignment would report the cluster`),
    },
];

const FIXED = "fixed by the stack";
const OUTSIDE = "outside the stack";
const NOT_SET = "none: the stack never sets";

/** The config key that changes each definition's verdict for this stack. */
export const BUILTIN_KEYS: Readonly<Record<string, string>> = {
    "040732e8-d947-40b8-95d6-854c95024bf8": "`aks-entra:cluster.privateCluster`",
    "04408ca5-aa10-42ce-8536-98955cdddd4c": "`aks-entra:cluster.nodeOsUpgradeChannel`",
    "0a15ec92-a229-4763-bb14-0ea34a568f8d": "`aks-entra:cluster.azurePolicy` (false removes it)",
    "0b0434ec-2bad-4229-965f-bb7ae5a71257": OUTSIDE,
    "0e246bcf-5f6f-4f87-bc6f-775d4712c7ea":
        "`aks-entra:cluster.authorizedIpRanges` (or `cluster.privateCluster`)",
    "0fc39691-5a3f-4e3e-94ee-2e6447309ad9": OUTSIDE,
    "17f4b1cc-c55c-4d94-b1f9-2978f6ac2957": OUTSIDE,
    "1b708b0a-3380-40e9-8b79-821f9fa224cc": "`aks-entra:cluster.disableRunCommand`",
    "1d61c4d2-aef2-432b-87fc-7f96b019b7e1": OUTSIDE,
    "245fc9df-fa96-4414-9a0b-3738c2f7341c": "`aks-entra:auditLogs` (enabled: false removes it)",
    "2630c91f-8a20-8f43-14a2-2485b648e2a9": OUTSIDE,
    "28257686-e9db-403e-b9e2-a5eecbe03da9": "`aks-entra:cluster.nodeSsh` (true turns SSH on)",
    "2cc2e023-0dac-4046-875b-178f683929d5": FIXED,
    "2dec5f47-bc40-40d1-8c7d-a39d9d6808d1":
        "`aks-entra:cluster.systemPool` / `userPools[]`: `zones` (3) and `count` (3 or more)",
    "36a27de4-199b-40fb-b336-945a8475d6c5": `${OUTSIDE} (the assignment's groups)`,
    "3abeb944-26af-43ee-b83d-32aaf060fb94": `${OUTSIDE} (deprecated)`,
    "40f1aee2-4db4-4b74-acb1-c6972e24cca8": "`aks-entra:cluster.nodeOsUpgradeChannel`",
    "41425d9f-d1a5-499a-9932-f8ed8453932c": "`aks-entra:cluster.encryptionAtHost`",
    "450d2877-ebea-41e8-b00c-e286317d21bf": FIXED,
    "46238e2f-3f6f-4589-9f3f-77bed4116e67": FIXED,
    "5174c1db-ca42-e0d4-b320-4f1cf6a1fa93": OUTSIDE,
    "5c345cdf-2049-47e0-b8fe-b0e96bc2df35": "`aks-entra:cluster.autoUpgradeChannel`",
    "5dc99dae-cfb2-42cc-8762-9aae02b74e27": `${NOT_SET} securityProfile.imageIntegrity`,
    "64def556-fbad-4622-930e-72d1d5589bf5": "`aks-entra:cluster.defender`",
    "6c66c325-74c8-42fd-a286-a74b0e2939d8":
        "`aks-entra:auditLogs.categories`, but none complies: the defaults want all 11 categories and AllMetrics (`auditLogs.metrics`)",
    "7d7be79c-23ba-4033-84dd-45e2a5ccdd67": `${NOT_SET} diskEncryptionSetID`,
    "7e49285c-4bed-4564-b26a-5225ccc311f3": "`aks-entra:cluster.imageCleaner`",
    "83ea2fd1-9eaf-2f6d-f672-cd7b2ac798f6": OUTSIDE,
    "89f2d532-c53c-4f8f-9afa-4927b1114a0d": "`aks-entra:cluster.disableRunCommand`",
    "993c2fcd-2b29-49d2-9eb0-df2c3a730c32": FIXED,
    "9a021087-bba6-42fd-b535-bba75297566b": OUTSIDE,
    "9e980dca-f3e1-8da3-6717-ad37b1ca6b27": OUTSIDE,
    "a1840de2-8088-4ea8-b153-b4c723e9cb01": "`aks-entra:cluster.defender`",
    "a6f560f4-f582-4b67-b123-a37dcd1bf7ea": OUTSIDE,
    "a8eff44f-8c92-45c3-a3fb-9880802d67a7": "`aks-entra:cluster.azurePolicy` (false removes it)",
    "ac4a19c2-fa67-49b4-8ae5-0b2e78c49457": FIXED,
    "af3c26b2-6fad-493e-9236-9c68928516ab": "`aks-entra:cluster.imageCleaner`",
    "b6c7fd52-4723-5f4d-a157-3d39bd16a1d7": OUTSIDE,
    "b8c1d6c1-6137-97c6-9c34-d4627e54ca26": OUTSIDE,
    "bdff5235-9f40-4a32-893f-38a03d5d607c": OUTSIDE,
    "bf1a31be-3b79-5ba8-c9e0-9a8c9ad9f749": OUTSIDE,
    "c050047b-b21b-4822-8a2d-c1e37c3c0c6a": OUTSIDE,
    "c5110b6e-5272-4989-9935-59ad06fdf341": FIXED,
    "c7f49635-e3f0-4986-b072-90d0c7c3d4cd": OUTSIDE,
    "cadd9445-aeb8-4ee4-b505-c279db2f737f": OUTSIDE,
    "da6e2401-19da-4532-9141-fb8fbde08431": FIXED,
    "dbbdc317-9734-4dd8-9074-993b29c69008": "`aks-entra:cluster.kms`",
    "e1352e44-d34d-4e4d-a22e-451a15f759a1":
        "`aks-entra:cluster.maintenance` (`autoUpgrade`, `nodeOs`)",
    "f9175d5f-abc8-1dc3-bd3c-5d7476ada3d1": OUTSIDE,
    "fb893a29-21bb-418c-a157-e99480ec364c": `${FIXED} (\`aks-entra:kubernetesVersion\` takes only versions AKS offers)`,
    "fda9cd0b-094c-4cd5-ac2a-5e06e5277c45": OUTSIDE,
};

const ORDER: Record<Verdict["result"], number> = { reports: 0, complies: 1, "not-evaluated": 2 };

/**
 * One row per definition: what it checks, its verdict on `view` and the key that changes it.
 * Rows that report come first, then those that comply, then those not evaluated; by id within.
 */
export function builtinsMarkdown(
    view: ClusterView,
    keys: Readonly<Record<string, string>>,
): string {
    const cell = (s: string) => s.replace(/\|/g, "\\|");
    const rows = BUILTINS.map((b) => ({ b, v: b.check(view) }))
        .sort((x, y) => ORDER[x.v.result] - ORDER[y.v.result] || x.b.id.localeCompare(y.b.id))
        .map(({ b, v }) =>
            [
                `\`${b.id.slice(0, 8)}\` ${b.name}`,
                `${b.effect}: ${b.checks}`,
                `**${v.result}**: ${v.why}`,
                keys[b.id] ?? "",
            ]
                .map(cell)
                .join(" | "),
        )
        .map((row) => `| ${row} |`);
    return [
        "| built-in | what it checks | default stack | key that changes it |",
        "| --- | --- | --- | --- |",
        ...rows,
    ].join("\n");
}
