// Azure Policy's built-in AKS definitions as policy/builtins.ts restates them: each check both ways
// on hand-built views, the verdicts for the real program (the dev stack, and the dev stack with one
// key changed), the README table, and, when Microsoft's definitions are at hand
// (../shared/azpolicy/definitions), that ids, names, effects, targets and fields match them.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Registration } from "../offline/harness";
import {
    AGENT_POOL_TYPE,
    BUILTIN_KEYS,
    BUILTINS,
    type Builtin,
    builtinsMarkdown,
    CLUSTER_TYPE,
    type ClusterView,
    clusterView,
    DIAGNOSTIC_CATEGORIES,
    DIAGNOSTIC_SETTING_TYPE,
    MAINTENANCE_CONFIGURATION_TYPES,
    MAINTENANCE_TYPE,
    type Verdict,
} from "../policy/builtins";
import { ROOT, run, stackConfig, TYPES } from "./helpers";

// Views and configs are free-form JSON that cases edit in place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;
type Result = Verdict["result"];

const WORKSPACE =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/log-aks";
const STORAGE =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stlogs";
const KEY_VAULT =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-aks";
const KEY_ID = "https://kv-aks.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef";

/** The definition whose id starts with `short` (its first 8 hex digits). */
function builtin(short: string): Builtin {
    const hits = BUILTINS.filter((b) => b.id.startsWith(short));
    assert.equal(hits.length, 1, `one built-in ${short}*, found ${hits.length}`);
    return hits[0];
}

const verdict = (short: string, view: ClusterView): Verdict => builtin(short).check(view);

/** short id -> result, for every definition. */
function results(view: ClusterView): Record<string, Result> {
    return Object.fromEntries(BUILTINS.map((b) => [b.id.slice(0, 8), b.check(view).result]));
}

function pool(name: string, agentPool = false): Props {
    return {
        [agentPool ? "agentPoolName" : "name"]: name,
        count: 3,
        availabilityZones: ["1", "2", "3"],
        enableEncryptionAtHost: true,
        securityProfile: { sshAccess: "Disabled" },
    };
}

/** A view that every definition judging the cluster passes: each opt-in on. */
function compliant(): ClusterView {
    return {
        cluster: {
            aadProfile: {
                managed: true,
                enableAzureRBAC: true,
                adminGroupObjectIDs: ["5f0c8a3e-2b7d-4c1a-9e6f-8d3b2a1c0e9f"],
            },
            addonProfiles: { azurepolicy: { enabled: true } },
            agentPoolProfiles: [pool("system")],
            apiServerAccessProfile: {
                authorizedIPRanges: ["203.0.113.0/24"],
                disableRunCommand: true,
                enablePrivateCluster: true,
            },
            autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
            disableLocalAccounts: true,
            diskEncryptionSetID: `${KEY_VAULT.split("/providers/")[0]}/providers/Microsoft.Compute/diskEncryptionSets/des-aks`,
            enableRBAC: true,
            identity: { type: "UserAssigned" },
            kubernetesVersion: "1.35",
            networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
            securityProfile: {
                workloadIdentity: { enabled: true },
                imageCleaner: { enabled: true, intervalHours: 168 },
                defender: {
                    logAnalyticsWorkspaceResourceId: WORKSPACE,
                    securityMonitoring: { enabled: true },
                },
                azureKeyVaultKms: {
                    enabled: true,
                    keyId: KEY_ID,
                    keyVaultNetworkAccess: "Public",
                },
                imageIntegrity: { enabled: true },
            },
        },
        agentPools: [pool("apps", true)],
        diagnosticSettings: [
            {
                resourceUri: "cluster",
                workspaceId: WORKSPACE,
                logs: DIAGNOSTIC_CATEGORIES.map((category) => ({ category, enabled: true })),
                metrics: [{ category: "AllMetrics", enabled: true }],
            },
        ],
        maintenanceConfigurations: [...MAINTENANCE_CONFIGURATION_TYPES],
    };
}

/** The diagnostic setting the stack sends by default (components/auditLogs.ts). */
const AUDIT_SETTING = {
    resourceUri: "cluster",
    workspaceId: WORKSPACE,
    logAnalyticsDestinationType: "Dedicated",
    logs: [
        { category: "kube-audit-admin", enabled: true },
        { category: "guard", enabled: true },
    ],
};

/** Definitions that never judge the cluster's own ARM shape (or cannot with their defaults). */
const NOT_EVALUATED = [
    "0b0434ec", // backup instance
    "0fc39691", // Defender assessment, deprecated
    "17f4b1cc", // Defender assessment
    "1d61c4d2", // GitOps (Flux v1)
    "2630c91f", // Flux v2
    "36a27de4", // admin groups the assigner names
    "3abeb944", // deprecated, effect Disabled
    "5174c1db",
    "83ea2fd1",
    "9a021087", // backup extension
    "9e980dca",
    "a6f560f4",
    "b6c7fd52",
    "b8c1d6c1",
    "bdff5235",
    "bf1a31be",
    "c050047b",
    "c7f49635", // fleet membership
    "cadd9445",
    "f9175d5f", // Flux extension
    "fda9cd0b",
];

interface Case {
    short: string;
    what: string;
    edit: (v: Props) => void;
    result: Result;
    why?: RegExp;
}

const cluster = (v: Props): Props => v.cluster as Props;
const security = (v: Props): Props => v.cluster.securityProfile as Props;
const api = (v: Props): Props => v.cluster.apiServerAccessProfile as Props;
const upgrades = (v: Props): Props => v.cluster.autoUpgradeProfile as Props;
const inline = (v: Props): Props => v.cluster.agentPoolProfiles[0] as Props;
const agentPool = (v: Props): Props => v.agentPools[0] as Props;
const setting = (v: Props): Props => v.diagnosticSettings[0] as Props;

/** Each case starts from compliant() and changes one thing. */
const CASES: Case[] = [
    // 28257686: SSH
    {
        short: "28257686",
        what: "an AgentPool without securityProfile",
        edit: (v) => delete agentPool(v).securityProfile,
        result: "reports",
        why: /apps \(sshAccess not set\)/,
    },
    {
        short: "28257686",
        what: "the inline pool with sshAccess LocalUser",
        edit: (v) => (inline(v).securityProfile.sshAccess = "LocalUser"),
        result: "reports",
        why: /system \(sshAccess "LocalUser"\)/,
    },
    {
        short: "28257686",
        what: "sshAccess other than LocalUser (EntraId)",
        edit: (v) => (inline(v).securityProfile.sshAccess = "EntraId"),
        result: "complies",
    },
    // af3c26b2 / 7e49285c: Image Cleaner
    ...["af3c26b2", "7e49285c"].flatMap((short): Case[] => [
        {
            short,
            what: "no imageCleaner",
            edit: (v) => delete security(v).imageCleaner,
            result: "reports",
            why: /imageCleaner\.enabled is not set/,
        },
        {
            short,
            what: "imageCleaner.enabled false",
            edit: (v) => (security(v).imageCleaner.enabled = false),
            result: "reports",
        },
        {
            short,
            what: 'imageCleaner.enabled "True" (a string)',
            edit: (v) => (security(v).imageCleaner.enabled = "True"),
            result: "complies",
        },
    ]),
    // 0a15ec92 / a8eff44f: Azure Policy add-on
    ...["0a15ec92", "a8eff44f"].flatMap((short): Case[] => [
        {
            short,
            what: "no addonProfiles",
            edit: (v) => delete cluster(v).addonProfiles,
            result: "reports",
        },
        {
            short,
            what: "azurepolicy.enabled false",
            edit: (v) => (cluster(v).addonProfiles.azurepolicy.enabled = false),
            result: "reports",
        },
        {
            short,
            what: "the alias's own casing (azurePolicy)",
            edit: (v) => (cluster(v).addonProfiles = { azurePolicy: { enabled: true } }),
            result: "complies",
        },
    ]),
    {
        short: "a8eff44f",
        what: "no add-on: the DINE would enable it",
        edit: (v) => delete cluster(v).addonProfiles,
        result: "reports",
        why: /remediation would enable/,
    },
    // a1840de2 / 64def556: Defender
    ...["a1840de2", "64def556"].flatMap((short): Case[] => [
        {
            short,
            what: "no defender",
            edit: (v) => delete security(v).defender,
            result: "reports",
        },
        {
            short,
            what: "securityMonitoring.enabled false",
            edit: (v) => (security(v).defender.securityMonitoring.enabled = false),
            result: "reports",
        },
    ]),
    // dbbdc317: KMS
    {
        short: "dbbdc317",
        what: "no azureKeyVaultKms",
        edit: (v) => delete security(v).azureKeyVaultKms,
        result: "reports",
    },
    {
        short: "dbbdc317",
        what: "azureKeyVaultKms.enabled false",
        edit: (v) => (security(v).azureKeyVaultKms.enabled = false),
        result: "reports",
    },
    // 41425d9f: encryption at host
    {
        short: "41425d9f",
        what: "an AgentPool without enableEncryptionAtHost",
        edit: (v) => delete agentPool(v).enableEncryptionAtHost,
        result: "reports",
        why: /^apps \(enableEncryptionAtHost not set\)/,
    },
    {
        short: "41425d9f",
        what: "the inline pool with enableEncryptionAtHost false",
        edit: (v) => (inline(v).enableEncryptionAtHost = false),
        result: "reports",
        why: /system/,
    },
    // 245fc9df: resource logs
    {
        short: "245fc9df",
        what: "no diagnostic setting",
        edit: (v) => (v.diagnosticSettings = []),
        result: "reports",
        why: /no diagnostic setting/,
    },
    {
        short: "245fc9df",
        what: "the stack's setting (two categories to a workspace, no storage)",
        edit: (v) => (v.diagnosticSettings = [structuredClone(AUDIT_SETTING)]),
        result: "complies",
    },
    {
        short: "245fc9df",
        what: "one log entry disabled (logs.enabled reads them all)",
        edit: (v) => (setting(v).logs[0].enabled = false),
        result: "reports",
        why: /1 of 11 log entries not enabled/,
    },
    {
        short: "245fc9df",
        what: "a storage account keeping logs 30 days",
        edit: (v) => {
            setting(v).storageAccountId = STORAGE;
            for (const l of setting(v).logs) l.retentionPolicy = { enabled: true, days: 30 };
        },
        result: "reports",
        why: /under 365 days/,
    },
    {
        short: "245fc9df",
        what: "a storage account keeping logs 365 days",
        edit: (v) => {
            setting(v).storageAccountId = STORAGE;
            for (const l of setting(v).logs) l.retentionPolicy = { enabled: true, days: 365 };
        },
        result: "complies",
    },
    {
        short: "245fc9df",
        what: "a storage account keeping logs forever (days 0)",
        edit: (v) => {
            setting(v).storageAccountId = STORAGE;
            for (const l of setting(v).logs) l.retentionPolicy = { enabled: true, days: 0 };
        },
        result: "complies",
    },
    {
        short: "245fc9df",
        what: 'a storage account keeping logs 1000 days ("1000" < "365" as padded strings)',
        edit: (v) => {
            setting(v).storageAccountId = STORAGE;
            for (const l of setting(v).logs) l.retentionPolicy = { enabled: true, days: 1000 };
        },
        result: "reports",
    },
    {
        short: "245fc9df",
        what: "a storage account without a retention policy",
        edit: (v) => (setting(v).storageAccountId = STORAGE),
        result: "complies",
    },
    // 6c66c325: diagnostic settings DINE, default parameters (all 11 categories, AllMetrics)
    {
        short: "6c66c325",
        what: "the stack's setting (kube-audit-admin and guard only)",
        edit: (v) => (v.diagnosticSettings = [structuredClone(AUDIT_SETTING)]),
        result: "reports",
        why: /not enabled: kube-apiserver, kube-audit, .*no AllMetrics metric enabled/,
    },
    {
        short: "6c66c325",
        what: "all 11 categories without AllMetrics",
        edit: (v) => (setting(v).metrics = []),
        result: "reports",
        why: /^with the default parameters .*: no AllMetrics metric enabled;/,
    },
    {
        short: "6c66c325",
        what: "one category disabled",
        edit: (v) => (setting(v).logs[6].enabled = false),
        result: "reports",
        why: /not enabled: guard/,
    },
    {
        short: "6c66c325",
        what: "no workspace (storage only)",
        edit: (v) => {
            delete setting(v).workspaceId;
            setting(v).storageAccountId = STORAGE;
        },
        result: "reports",
        why: /no workspaceId/,
    },
    {
        short: "6c66c325",
        what: "no diagnostic setting",
        edit: (v) => (v.diagnosticSettings = []),
        result: "reports",
    },
    // e1352e44: planned maintenance, per configurationType
    {
        short: "e1352e44",
        what: "no maintenance configuration",
        edit: (v) => (v.maintenanceConfigurations = []),
        result: "reports",
        why: /aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule would deploy/,
    },
    {
        short: "e1352e44",
        what: "only the cluster auto-upgrade window",
        edit: (v) => (v.maintenanceConfigurations = ["aksManagedAutoUpgradeSchedule"]),
        result: "reports",
        why: /aksManagedNodeOSUpgradeSchedule would deploy .*complies with aksManagedAutoUpgradeSchedule/,
    },
    {
        short: "e1352e44",
        what: "both windows, names in another case",
        edit: (v) =>
            (v.maintenanceConfigurations = MAINTENANCE_CONFIGURATION_TYPES.map((t) =>
                t.toLowerCase(),
            )),
        result: "complies",
    },
    // 0e246bcf: authorized IP ranges
    {
        short: "0e246bcf",
        what: "no ranges, a public API server",
        edit: (v) => {
            delete api(v).authorizedIPRanges;
            api(v).enablePrivateCluster = false;
        },
        result: "reports",
    },
    {
        short: "0e246bcf",
        what: "no ranges, enablePrivateCluster not set",
        edit: (v) => {
            delete api(v).authorizedIPRanges;
            delete api(v).enablePrivateCluster;
        },
        result: "reports",
    },
    {
        short: "0e246bcf",
        what: "an empty list of ranges (AKS keeps none), a public API server",
        edit: (v) => {
            api(v).authorizedIPRanges = [];
            api(v).enablePrivateCluster = false;
        },
        result: "reports",
    },
    {
        short: "0e246bcf",
        what: "no ranges, a private cluster",
        edit: (v) => delete api(v).authorizedIPRanges,
        result: "complies",
    },
    // 040732e8: private cluster
    {
        short: "040732e8",
        what: "enablePrivateCluster false",
        edit: (v) => (api(v).enablePrivateCluster = false),
        result: "reports",
    },
    {
        short: "040732e8",
        what: "enablePrivateCluster not set",
        edit: (v) => delete api(v).enablePrivateCluster,
        result: "reports",
    },
    // 993c2fcd: local accounts
    {
        short: "993c2fcd",
        what: "disableLocalAccounts false",
        edit: (v) => (cluster(v).disableLocalAccounts = false),
        result: "reports",
    },
    {
        short: "993c2fcd",
        what: "disableLocalAccounts not set",
        edit: (v) => delete cluster(v).disableLocalAccounts,
        result: "reports",
    },
    // 2cc2e023: workload identity
    {
        short: "2cc2e023",
        what: "no workloadIdentity",
        edit: (v) => delete security(v).workloadIdentity,
        result: "reports",
    },
    {
        short: "2cc2e023",
        what: "workloadIdentity.enabled false",
        edit: (v) => (security(v).workloadIdentity.enabled = false),
        result: "reports",
    },
    // 450d2877: Entra
    {
        short: "450d2877",
        what: "no aadProfile",
        edit: (v) => delete cluster(v).aadProfile,
        result: "reports",
    },
    // ac4a19c2: RBAC
    {
        short: "ac4a19c2",
        what: "enableRBAC false",
        edit: (v) => (cluster(v).enableRBAC = false),
        result: "reports",
    },
    {
        short: "ac4a19c2",
        what: "enableRBAC not set (the rule wants it present and false)",
        edit: (v) => delete cluster(v).enableRBAC,
        result: "complies",
    },
    // 46238e2f: Azure CNI
    {
        short: "46238e2f",
        what: "networkPlugin kubenet",
        edit: (v) => (cluster(v).networkProfile.networkPlugin = "kubenet"),
        result: "reports",
    },
    {
        short: "46238e2f",
        what: "no networkPlugin",
        edit: (v) => delete cluster(v).networkProfile,
        result: "reports",
    },
    {
        short: "46238e2f",
        what: "networkPlugin Azure (any case)",
        edit: (v) => (cluster(v).networkProfile.networkPlugin = "Azure"),
        result: "complies",
    },
    // 89f2d532 / 1b708b0a: command invoke
    ...["89f2d532", "1b708b0a"].flatMap((short): Case[] => [
        {
            short,
            what: "disableRunCommand false",
            edit: (v) => (api(v).disableRunCommand = false),
            result: "reports",
        },
        {
            short,
            what: "disableRunCommand not set",
            edit: (v) => delete api(v).disableRunCommand,
            result: "reports",
        },
    ]),
    // 5c345cdf: cluster auto-upgrade (default channels rapid, stable, patch)
    ...["none", "node-image", undefined].map((channel): Case => ({
        short: "5c345cdf",
        what: `upgradeChannel ${channel ?? "not set"}`,
        edit: (v) => (upgrades(v).upgradeChannel = channel),
        result: "reports",
    })),
    {
        short: "5c345cdf",
        what: "upgradeChannel Stable (any case)",
        edit: (v) => (upgrades(v).upgradeChannel = "Stable"),
        result: "complies",
    },
    // 04408ca5: node OS auto-upgrade (default channels NodeImage, SecurityPatch)
    {
        short: "04408ca5",
        what: "nodeOSUpgradeChannel None",
        edit: (v) => (upgrades(v).nodeOSUpgradeChannel = "None"),
        result: "reports",
    },
    {
        short: "04408ca5",
        what: "nodeOSUpgradeChannel Unmanaged",
        edit: (v) => (upgrades(v).nodeOSUpgradeChannel = "Unmanaged"),
        result: "reports",
    },
    {
        short: "04408ca5",
        what: "no autoUpgradeProfile",
        edit: (v) => delete cluster(v).autoUpgradeProfile,
        result: "reports",
    },
    {
        short: "04408ca5",
        what: "nodeOSUpgradeChannel None but upgradeChannel node-image",
        edit: (v) => (cluster(v).autoUpgradeProfile = { upgradeChannel: "node-image" }),
        result: "complies",
    },
    {
        short: "04408ca5",
        what: "nodeOSUpgradeChannel SecurityPatch",
        edit: (v) => (upgrades(v).nodeOSUpgradeChannel = "SecurityPatch"),
        result: "complies",
    },
    // 40f1aee2: node OS auto-upgrade DINE (set and not None)
    {
        short: "40f1aee2",
        what: "nodeOSUpgradeChannel not set",
        edit: (v) => delete upgrades(v).nodeOSUpgradeChannel,
        result: "reports",
    },
    {
        short: "40f1aee2",
        what: "nodeOSUpgradeChannel None",
        edit: (v) => (upgrades(v).nodeOSUpgradeChannel = "none"),
        result: "reports",
    },
    {
        short: "40f1aee2",
        what: "nodeOSUpgradeChannel Unmanaged (set and not None)",
        edit: (v) => (upgrades(v).nodeOSUpgradeChannel = "Unmanaged"),
        result: "complies",
    },
    // da6e2401: managed identity
    {
        short: "da6e2401",
        what: "a service principal",
        edit: (v) =>
            (cluster(v).servicePrincipalProfile = {
                clientId: "3c8d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
            }),
        result: "reports",
    },
    {
        short: "da6e2401",
        what: "servicePrincipalProfile clientId msi",
        edit: (v) => (cluster(v).servicePrincipalProfile = { clientId: "msi" }),
        result: "complies",
    },
    // c5110b6e: CSI drivers (default parameters: all three wanted)
    {
        short: "c5110b6e",
        what: "the disk CSI driver turned off",
        edit: (v) => (cluster(v).storageProfile = { diskCSIDriver: { enabled: false } }),
        result: "reports",
        why: /diskCSIDriver/,
    },
    {
        short: "c5110b6e",
        what: "the snapshot controller turned off",
        edit: (v) => (cluster(v).storageProfile = { snapshotController: { enabled: "false" } }),
        result: "reports",
    },
    // 2dec5f47: zone redundancy
    {
        short: "2dec5f47",
        what: "an AgentPool of count 1",
        edit: (v) => (agentPool(v).count = 1),
        result: "reports",
        why: /^apps \(count 1\)/,
    },
    {
        short: "2dec5f47",
        what: "the inline pool in one zone",
        edit: (v) => (inline(v).availabilityZones = ["1"]),
        result: "reports",
        why: /system \(1 zone\(s\)\)/,
    },
    {
        short: "2dec5f47",
        what: "a pool without zones",
        edit: (v) => delete agentPool(v).availabilityZones,
        result: "reports",
    },
    {
        short: "2dec5f47",
        what: "a pool without count (AKS stores 1)",
        edit: (v) => delete agentPool(v).count,
        result: "reports",
        why: /count 1/,
    },
    // 7d7be79c: customer-managed keys for disks
    {
        short: "7d7be79c",
        what: "no diskEncryptionSetID",
        edit: (v) => delete cluster(v).diskEncryptionSetID,
        result: "reports",
    },
    {
        short: "7d7be79c",
        what: "an empty diskEncryptionSetID",
        edit: (v) => (cluster(v).diskEncryptionSetID = ""),
        result: "reports",
    },
    // fb893a29: Kubernetes versions on the definition's list
    ...["1.10.3", "1.13.4", "1.11.0", "1.1.0", "1.9.11"].map((version): Case => ({
        short: "fb893a29",
        what: `kubernetesVersion ${version}`,
        edit: (v) => (cluster(v).kubernetesVersion = version),
        result: "reports",
    })),
    ...["1.13.5", "1.30.1", "1.35", "1.10"].map((version): Case => ({
        short: "fb893a29",
        what: `kubernetesVersion ${version}`,
        edit: (v) => (cluster(v).kubernetesVersion = version),
        result: "complies",
    })),
    // 5dc99dae: Image Integrity
    {
        short: "5dc99dae",
        what: "no imageIntegrity",
        edit: (v) => delete security(v).imageIntegrity,
        result: "reports",
    },
    // 3abeb944: Pod Security Policy, deprecated and Disabled: not evaluated either way
    {
        short: "3abeb944",
        what: "enablePodSecurityPolicy not set",
        edit: () => undefined,
        result: "not-evaluated",
        why: /default effect Disabled.*would report/,
    },
    {
        short: "3abeb944",
        what: "enablePodSecurityPolicy true",
        edit: (v) => (cluster(v).enablePodSecurityPolicy = true),
        result: "not-evaluated",
        why: /would comply/,
    },
    // 36a27de4: admin groups the assigner chooses
    {
        short: "36a27de4",
        what: "one admin group",
        edit: () => undefined,
        result: "not-evaluated",
        why: /assigner chooses.*1 admin group/,
    },
];

describe("Azure Policy built-ins: the registry", () => {
    it("has 51 definitions with unique GUIDs, and a key text for each", () => {
        assert.equal(BUILTINS.length, 51);
        const ids = BUILTINS.map((b) => b.id);
        assert.equal(new Set(ids).size, ids.length, "duplicate ids");
        for (const id of ids) assert.match(id, /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
        assert.deepEqual(Object.keys(BUILTIN_KEYS).sort(), [...ids].sort());
        assert.equal(new Set(ids.map((i) => i.slice(0, 8))).size, ids.length, "short ids collide");
    });

    it("definitions that judge the cluster read only managedClusters fields", () => {
        for (const b of BUILTINS.filter((x) => x.target === "cluster")) {
            assert.ok(b.fields.length > 0, b.id);
            for (const f of b.fields) {
                assert.ok(
                    f.startsWith("Microsoft.ContainerService/managedClusters/"),
                    `${b.id}: ${f}`,
                );
            }
        }
    });

    it("restates the type tokens of offline/types.ts", () => {
        assert.equal(CLUSTER_TYPE, TYPES.cluster);
        assert.equal(AGENT_POOL_TYPE, TYPES.agentPool);
        const values: string[] = Object.values(TYPES);
        for (const ours of [DIAGNOSTIC_SETTING_TYPE, MAINTENANCE_TYPE]) {
            const suffix = ours.slice(ours.lastIndexOf(":"));
            for (const t of values.filter((v) => v.endsWith(suffix))) assert.equal(t, ours);
        }
    });
});

describe("Azure Policy built-ins: each check both ways on hand-built views", () => {
    it("a view with every opt-in complies with every definition that judges it", () => {
        const got = results(compliant());
        for (const [short, result] of Object.entries(got)) {
            assert.equal(
                result,
                NOT_EVALUATED.includes(short) ? "not-evaluated" : "complies",
                `${short}: ${verdict(short, compliant()).why}`,
            );
        }
    });

    it("definitions not evaluated stay so on an empty view, each with a reason", () => {
        const empty: ClusterView = {
            cluster: {},
            agentPools: [],
            diagnosticSettings: [],
            maintenanceConfigurations: [],
        };
        for (const short of NOT_EVALUATED) {
            const v = verdict(short, empty);
            assert.equal(v.result, "not-evaluated", short);
            assert.ok(v.why.length > 20, `${short}: ${v.why}`);
        }
    });

    it("every definition that judges the cluster has a case it reports", () => {
        const reported = new Set(CASES.filter((c) => c.result === "reports").map((c) => c.short));
        const judged = BUILTINS.map((b) => b.id.slice(0, 8)).filter(
            (s) => !NOT_EVALUATED.includes(s),
        );
        assert.deepEqual(
            judged.filter((s) => !reported.has(s)),
            [],
        );
    });

    for (const c of CASES) {
        it(`${c.short} ${c.result}: ${c.what}`, () => {
            const view = structuredClone(compliant());
            c.edit(view);
            const v = verdict(c.short, view);
            assert.equal(v.result, c.result, v.why);
            if (c.why) assert.match(v.why, c.why);
        });
    }
});

describe("Azure Policy built-ins: clusterView", () => {
    const CLUSTER_ID =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
    const reg = (type: string, name: string, inputs: Props, id = ""): Registration =>
        ({ type, name, inputs, id, custom: true }) as unknown as Registration;

    it("gathers the pools, diagnostic settings and maintenance windows of the cluster", () => {
        const view = clusterView([
            reg(CLUSTER_TYPE, "c", { resourceGroupName: "rg", resourceName: "aks" }, CLUSTER_ID),
            reg(AGENT_POOL_TYPE, "p1", { resourceGroupName: "RG", resourceName: "aks", a: 1 }),
            reg(AGENT_POOL_TYPE, "p2", { resourceGroupName: "rg", resourceName: "other" }),
            reg(DIAGNOSTIC_SETTING_TYPE, "d1", { resourceUri: CLUSTER_ID.toUpperCase(), b: 1 }),
            reg(DIAGNOSTIC_SETTING_TYPE, "d2", { resourceUri: `${CLUSTER_ID}2` }),
            reg(MAINTENANCE_TYPE, "m1", {
                resourceGroupName: "rg",
                resourceName: "aks",
                configName: "aksManagedAutoUpgradeSchedule",
            }),
            reg(MAINTENANCE_TYPE, "m2", {
                resourceGroupName: "rg",
                resourceName: "other",
                configName: "aksManagedNodeOSUpgradeSchedule",
            }),
        ]);
        assert.deepEqual(view.agentPools, [{ resourceGroupName: "RG", resourceName: "aks", a: 1 }]);
        assert.deepEqual(view.diagnosticSettings, [
            { resourceUri: CLUSTER_ID.toUpperCase(), b: 1 },
        ]);
        assert.deepEqual(view.maintenanceConfigurations, ["aksManagedAutoUpgradeSchedule"]);
    });

    it("refuses registrations without exactly one cluster", () => {
        assert.throws(() => clusterView([]), /expected one .*ManagedCluster registration, found 0/);
    });
});

describe("Azure Policy built-ins: builtinsMarkdown", () => {
    const view = compliant();
    view.cluster.kubernetesVersion = "1.10.1";
    const lines = builtinsMarkdown(view, BUILTIN_KEYS).split("\n");

    it("has one row per definition: reports, then complies, then not evaluated", () => {
        assert.equal(
            lines[0],
            "| built-in | what it checks | default stack | key that changes it |",
        );
        assert.equal(lines.length, 2 + BUILTINS.length);
        const order = lines.slice(2).map((l) => /\*\*([a-z-]+)\*\*/.exec(l)?.[1]);
        assert.equal(order[0], "reports");
        const rank = { reports: 0, complies: 1, "not-evaluated": 2 } as Record<string, number>;
        for (let i = 1; i < order.length; i++) {
            assert.ok(rank[order[i]!] >= rank[order[i - 1]!], `row ${i}: ${lines[i + 2]}`);
        }
    });

    it("starts each row with the short id and the name; every row has four cells", () => {
        for (const line of lines.slice(2)) {
            assert.match(line, /^\| `[0-9a-f]{8}` /);
            assert.equal(line.split(/(?<!\\)\|/).length, 6, line);
        }
        const ssh = lines.find((l) => l.includes("`28257686`"))!;
        assert.ok(ssh.startsWith("| `28257686` Azure Kubernetes Clusters should disable SSH |"));
        assert.ok(ssh.includes(BUILTIN_KEYS["28257686-e9db-403e-b9e2-a5eecbe03da9"]));
    });
});

// ---- the definitions themselves (../shared/azpolicy/definitions), when at hand ----

const DEFINITIONS = path.resolve(ROOT, "..", "shared", "azpolicy", "definitions");
const GUID_JSON = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\.json$/i;

/** Every `field` a policyRule reads (and aliases in current()), the type guard excepted. */
function fieldsRead(rule: unknown): string[] {
    const out = new Set<string>();
    const walk = (node: unknown): void => {
        if (Array.isArray(node)) {
            for (const x of node) walk(x);
        } else if (node !== null && typeof node === "object") {
            for (const [k, v] of Object.entries(node as Props)) {
                if (k === "deployment") continue;
                if (k === "field" && typeof v === "string" && v !== "type") out.add(v);
                walk(v);
            }
        } else if (typeof node === "string") {
            for (const m of node.matchAll(/current\('([^']*\/[^']*)'\)/g)) out.add(m[1]);
        }
    };
    walk(rule);
    return [...out].sort();
}

/** The target a definition's then.details type implies. */
function targetOf(detailsType: string | undefined): string {
    const byType: Record<string, string> = {
        "microsoft.containerservice/managedclusters": "cluster",
        "microsoft.insights/diagnosticsettings": "diagnosticSettings",
        "microsoft.containerservice/managedclusters/maintenanceconfigurations":
            "maintenanceConfigurations",
        "microsoft.containerservice/fleetmemberships": "fleetMembership",
        "microsoft.dataprotection/backupinstances": "backup",
        "microsoft.kubernetesconfiguration/extensions": "extension",
        "microsoft.kubernetesconfiguration/fluxconfigurations": "fluxConfiguration",
        "microsoft.kubernetesconfiguration/sourcecontrolconfigurations":
            "sourceControlConfiguration",
        "microsoft.security/assessments": "securityAssessment",
    };
    return detailsType === undefined ? "cluster" : byType[detailsType.toLowerCase()];
}

describe("Azure Policy built-ins: provenance (Azure/azure-policy definitions)", () => {
    if (!existsSync(DEFINITIONS)) {
        it("checks every definition file", function () {
            this.test!.title += ` (skipped: ${DEFINITIONS} is not here)`;
            this.skip();
        });
        return;
    }
    const files = readdirSync(DEFINITIONS).filter((f) => GUID_JSON.test(f));

    it("holds a file for every BUILTINS entry", () => {
        assert.deepEqual(
            BUILTINS.map((b) => `${b.id}.json`).filter((f) => !files.includes(f)),
            [],
        );
    });

    for (const file of files.sort()) {
        it(`${file}: one entry with its id, name, effect, target and fields`, () => {
            const def = JSON.parse(readFileSync(path.join(DEFINITIONS, file), "utf8")) as Props;
            const p = def.properties as Props;
            const hits = BUILTINS.filter((b) => b.id === def.name);
            assert.equal(hits.length, 1, `entries for ${def.name}`);
            const b = hits[0];
            assert.equal(b.id, path.basename(file, ".json"));
            assert.equal(b.name, p.displayName);
            assert.equal(b.effect, p.parameters.effect.defaultValue);
            const details = p.policyRule.then.details as Props | undefined;
            assert.equal(b.target, targetOf(details?.type as string | undefined));
            assert.deepEqual([...b.fields].sort(), fieldsRead(p.policyRule));
        });
    }
});

// ---- the real program ----

/** The dev config with `edit` applied to a deep copy. */
function devWith(edit: (c: Props) => void): Props {
    const config = structuredClone(stackConfig("dev")) as Props;
    edit(config);
    return config;
}

/** What the dev stack's cluster gets (docs/azure-policy.md: Azure Policy built-ins). */
const DEV: Record<string, Result> = {
    ...Object.fromEntries(NOT_EVALUATED.map((s) => [s, "not-evaluated"])),
    "040732e8": "reports", // public API server (authorized ranges instead)
    "2dec5f47": "reports", // the batch pool has count 1
    "41425d9f": "reports", // encryption at host is opt-in
    "5dc99dae": "reports", // Image Integrity: not a stack setting
    "64def556": "reports", // Defender is opt-in
    "6c66c325": "reports", // two categories, not all 11 and AllMetrics
    "7d7be79c": "reports", // no disk encryption set
    a1840de2: "reports",
    dbbdc317: "reports", // KMS is opt-in
    "04408ca5": "complies",
    "0a15ec92": "complies",
    "0e246bcf": "complies",
    "1b708b0a": "complies",
    "245fc9df": "complies",
    "28257686": "complies",
    "2cc2e023": "complies",
    "40f1aee2": "complies",
    "450d2877": "complies",
    "46238e2f": "complies",
    "5c345cdf": "complies",
    "7e49285c": "complies",
    "89f2d532": "complies",
    "993c2fcd": "complies",
    a8eff44f: "complies",
    ac4a19c2: "complies",
    af3c26b2: "complies",
    c5110b6e: "complies",
    da6e2401: "complies",
    e1352e44: "complies", // both maintenance windows (Pulumi.dev.yaml)
    fb893a29: "complies",
};

interface Toggle {
    what: string;
    edit: (c: Props) => void;
    /** The verdicts that differ from the dev stack's. */
    changes: Record<string, Result>;
}

const CLUSTER = "aks-entra:cluster";
const WINDOW = { day: "Sunday", start: "02:00" };

const TOGGLES: Toggle[] = [
    {
        what: "cluster.nodeSsh: true",
        edit: (c) => (c[CLUSTER].nodeSsh = true),
        changes: { "28257686": "reports" },
    },
    {
        what: "cluster.azurePolicy: false",
        edit: (c) => (c[CLUSTER].azurePolicy = false),
        changes: { "0a15ec92": "reports", a8eff44f: "reports" },
    },
    {
        what: "cluster.imageCleaner.enabled: false",
        edit: (c) => (c[CLUSTER].imageCleaner = { enabled: false }),
        changes: { af3c26b2: "reports", "7e49285c": "reports" },
    },
    {
        what: "auditLogs.enabled: false",
        edit: (c) => (c["aks-entra:auditLogs"] = { enabled: false }),
        changes: { "245fc9df": "reports" },
    },
    {
        what: "auditLogs.categories: every category but kube-audit (still no AllMetrics)",
        edit: (c) =>
            (c["aks-entra:auditLogs"] = {
                categories: DIAGNOSTIC_CATEGORIES.filter((x) => x !== "kube-audit"),
            }),
        changes: {},
    },
    {
        what: "cluster.encryptionAtHost: true",
        edit: (c) => (c[CLUSTER].encryptionAtHost = true),
        changes: { "41425d9f": "complies" },
    },
    {
        what: "cluster.defender: {}",
        edit: (c) => (c[CLUSTER].defender = {}),
        changes: { a1840de2: "complies", "64def556": "complies" },
    },
    {
        what: "cluster.kms",
        edit: (c) => (c[CLUSTER].kms = { keyId: KEY_ID, keyVaultId: KEY_VAULT }),
        changes: { dbbdc317: "complies" },
    },
    {
        what: "no cluster.maintenance",
        edit: (c) => delete c[CLUSTER].maintenance,
        changes: { e1352e44: "reports" },
    },
    {
        what: "cluster.maintenance: autoUpgrade only",
        edit: (c) => (c[CLUSTER].maintenance = { autoUpgrade: WINDOW }),
        changes: { e1352e44: "reports" },
    },
    {
        what: "cluster.maintenance: autoUpgrade and nodeOs",
        edit: (c) => (c[CLUSTER].maintenance = { autoUpgrade: WINDOW, nodeOs: WINDOW }),
        changes: {},
    },
    {
        what: "cluster.privateCluster: true, no authorizedIpRanges",
        edit: (c) => {
            delete c[CLUSTER].authorizedIpRanges;
            c[CLUSTER].privateCluster = true;
        },
        changes: { "040732e8": "complies" },
    },
    {
        what: "no cluster.authorizedIpRanges",
        edit: (c) => delete c[CLUSTER].authorizedIpRanges,
        changes: { "0e246bcf": "reports" },
    },
    {
        what: "cluster.disableRunCommand: false",
        edit: (c) => (c[CLUSTER].disableRunCommand = false),
        changes: { "89f2d532": "reports", "1b708b0a": "reports" },
    },
    // A window for a channel that is off is refused: each goes with its channel.
    {
        what: "cluster.autoUpgradeChannel: none (and no autoUpgrade window)",
        edit: (c) => {
            c[CLUSTER].autoUpgradeChannel = "none";
            c[CLUSTER].maintenance = { nodeOs: WINDOW };
        },
        changes: { "5c345cdf": "reports", e1352e44: "reports" },
    },
    {
        what: "cluster.nodeOsUpgradeChannel: None (and no nodeOs window)",
        edit: (c) => {
            c[CLUSTER].nodeOsUpgradeChannel = "None";
            c[CLUSTER].maintenance = { autoUpgrade: WINDOW };
        },
        changes: { "04408ca5": "reports", "40f1aee2": "reports", e1352e44: "reports" },
    },
    {
        what: "cluster.userPools: the batch pool at count 3",
        edit: (c) => (c[CLUSTER].userPools[1].count = 3),
        changes: { "2dec5f47": "complies" },
    },
];

describe("Azure Policy built-ins: the real program", () => {
    let dev: ClusterView;
    before(async () => {
        dev = clusterView((await run()).registrations);
    });

    it("the dev stack: the verdict of every definition", () => {
        assert.deepEqual(results(dev), DEV);
    });

    it("the dev stack: SSH is off on every pool, the AgentPools included", () => {
        const v = verdict("28257686", dev);
        assert.equal(v.result, "complies", v.why);
        assert.equal(dev.agentPools.length, 2);
        assert.match(v.why, /^every pool \(system, apps\w+, batch\w+\)/);
    });

    it("the dev stack: the audit trail satisfies 245fc9df but not 6c66c325's defaults", () => {
        assert.equal(dev.diagnosticSettings.length, 1);
        assert.equal(verdict("245fc9df", dev).result, "complies", verdict("245fc9df", dev).why);
        const dine = verdict("6c66c325", dev);
        assert.equal(dine.result, "reports");
        assert.match(dine.why, /not enabled: kube-apiserver, kube-audit, /);
        assert.doesNotMatch(dine.why, /kube-audit-admin|guard/);
    });

    for (const t of TOGGLES) {
        it(`the dev stack with ${t.what}`, async () => {
            const view = clusterView((await run({ config: devWith(t.edit) })).registrations);
            const changed = Object.fromEntries(
                Object.entries(results(view)).filter(([s, r]) => DEV[s] !== r),
            );
            assert.deepEqual(changed, t.changes);
        });
    }

    it("docs/azure-policy.md holds builtinsMarkdown for the dev stack between the builtins markers", () => {
        const lines = readFileSync(path.join(ROOT, "docs", "azure-policy.md"), "utf8")
            .split("\n")
            .map((l) => l.replace(/\r$/, ""));
        const start = lines.indexOf("<!-- builtins:start -->");
        const end = lines.indexOf("<!-- builtins:end -->");
        assert.ok(
            start >= 0 && end > start,
            "docs/azure-policy.md has no builtins:start/end markers",
        );
        const block = lines
            .slice(start + 1, end)
            .join("\n")
            .trim();
        assert.equal(block, builtinsMarkdown(dev, BUILTIN_KEYS));
    });
});
