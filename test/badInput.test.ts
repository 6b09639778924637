// Bad input: malformed stack configs fail before anything is registered, from `pulumi up` (the real
// program under the harness) and from `npm run plan`, with messages that name the key path, the
// value and what is allowed. Table-driven; every message is asserted exactly.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { ConfigError, configFromPulumi } from "../components/config";
import { ProgramFailure, pulumiConfigMap, runProgram } from "../offline/harness";
import {
    ARM_ID,
    type BadInput,
    dev,
    KV,
    min,
    NETWORK,
    NOT_A_ROLE,
    pipeline,
    RESERVED,
    SRE,
    SUBNET,
} from "./configCases";

const VNET = `${NETWORK}/virtualNetworks/vnet-hub`;
/** cluster.network.subnetId of Pulumi.dev.yaml. */
const DEV_SUBNET =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-network-dev/providers/Microsoft.Network/virtualNetworks/vnet-spoke-dev/subnets/aks";
/** A key vault and a versioned key of it (vault names are 3-24 characters). */
const KV_ETCD = KV.replace(/\/kv$/, "/kv-etcd");
const KV_KEY = "https://kv-etcd.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef";
const KMS_PRIVATE_NEEDS_API_SUBNET =
    'aks-entra:cluster.kms.network "private" needs cluster.network.apiServerSubnetId: AKS reaches a private key vault only through API Server VNet Integration (Konnectivity is not offered for private key vaults to subscriptions since 2024-09-15; learn.microsoft.com/azure/aks/use-kms-etcd-encryption). Set cluster.network.apiServerSubnetId to a subnet of the nodes\' VNet (cluster.network.subnetId) delegated to Microsoft.ContainerService/managedClusters, at least /28, or use kms.network "public" (docs/azure-policy.md: Azure Policy built-ins, KMS etcd encryption)';
const SURGE = 'is not a node count (1-1000) or a percentage of the pool (1%-100%), e.g. 1 or "33%"';
const ZONE_EASTUS = `${NETWORK}/privateDnsZones/privatelink.eastus.azmk8s.io`;
import { ROOT } from "./helpers";
import { plan } from "./planRun";
import { HOSTILE } from "./hostileConfigs";
import { HOSTILE_ACCESS_PATHS } from "./hostileAccessPaths";
import { HOSTILE_INPUT } from "./hostileInput";
import { SCHEMA_REFUSES, schemaErrors } from "./stackSchema";

/** The bootstrap's storage account and key vault (bootstrap/Pulumi.example.yaml's names). */
const STATE_RG =
    "/subscriptions/00000000-0000-4000-8000-0000000000b1/resourceGroups/rg-aks-entra-state/providers";
const STATE_ACCOUNT = `${STATE_RG}/Microsoft.Storage/storageAccounts/stakentrastateexample`;
const STATE_VAULT = `${STATE_RG}/Microsoft.KeyVault/vaults/kv-aks-entra-example`;
const CONTAINER_FORM =
    "/subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Storage/storageAccounts/<account>/blobServices/default/containers/<container>";

/** A role definition GUID that is no built-in role (issue 29, item 7). */
const UNKNOWN_ROLE = "5a5a5a5a-1234-4321-8765-0123456789ab";
const UNDECLARED =
    "is a role aks-entra does not know: it may allow anything (Storage Account Key Operator lists the account keys, Contributor manages everything), so it is treated as privileged; declare it in aks-entra:declaredRoles with its name, access (read, write, admin) and intent, or grant a built-in role aks-entra knows";

const CASES: BadInput[] = [
    // --- missing keys and wrong types
    {
        what: "no location anywhere",
        config: { "aks-entra:protect": false },
        problems: [
            "aks-entra:location is required (or azure-native:location): the Azure region, e.g. pulumi config set aks-entra:location westeurope",
        ],
    },
    {
        what: "a key without the aks-entra: prefix (protect: true)",
        config: { ...min(), protect: true },
        problems: [
            'aks-entra:protect is written "protect" in the stack file, without a namespace, so this program never reads it (config keys are <namespace>:<name>); write "aks-entra:protect"',
        ],
    },
    {
        what: "a misspelled namespace, and an unknown key without one",
        config: { ...min(), "aks_entra:protect": true, protcet: true },
        problems: [
            'aks-entra:protect is written "aks_entra:protect" in the stack file, in namespace "aks_entra", not aks-entra, so this program never reads it (config keys are <namespace>:<name>); write "aks-entra:protect"',
            'aks-entra:protcet is written "protcet" in the stack file, without a namespace, so this program never reads it (config keys are <namespace>:<name>); and protcet is not a known key; allowed: location, kubernetesVersion, cluster, groups, admins, clusterAccess, namespaces, pipelines, jit, declaredRoles, conditionalAccess, kubeloginMode, kubeloginPop, deployer, auditLogs, names, protect, teams, platform, stateBackend, tags; did you mean "aks-entra:protect"?',
        ],
    },
    {
        what: "a region's display name instead of its name",
        config: min({ location: "West Europe" }),
        problems: [
            'aks-entra:location "West Europe" is not an Azure region name (e.g. westeurope)',
        ],
    },
    {
        what: "kubernetesVersion: latest",
        config: min({ kubernetesVersion: "latest" }),
        problems: [
            'aks-entra:kubernetesVersion "latest" is not a Kubernetes version (e.g. "1.33" or "1.33.2")',
        ],
    },
    {
        what: "cluster given as a string",
        config: min({ cluster: "big" }),
        problems: ['aks-entra:cluster "big" is not a map'],
    },
    {
        what: "namespaces given as a string",
        config: min({ namespaces: "payments" }),
        problems: ['aks-entra:namespaces "payments" is not a list'],
    },
    {
        what: "clusterAccess given as a map",
        config: min({ clusterAccess: { group: SRE, role: "reader" } }),
        problems: [`aks-entra:clusterAccess {"group":"${SRE}","role":"reader"} is not a list`],
    },
    {
        what: "tags given as a list",
        config: min({ tags: ["env=dev"] }),
        problems: ['aks-entra:tags ["env=dev"] is not a map'],
    },
    {
        what: "protect: yes (a string)",
        config: min({ protect: "yes" }),
        problems: ['aks-entra:protect "yes" is not a boolean (true or false)'],
    },
    {
        what: "a pool count as a string",
        config: min({ cluster: { systemPool: { count: "3" } } }),
        problems: ['aks-entra:cluster.systemPool.count "3" is not a number'],
    },
    {
        what: "a namespace without a name",
        config: min({ namespaces: [{ access: [] }] }),
        problems: ["aks-entra:namespaces[0].name (missing) is required"],
    },
    {
        what: "a clusterAccess entry without a role",
        config: min({ clusterAccess: [{ group: SRE }] }),
        problems: [
            "aks-entra:clusterAccess[0].role (missing) is required; allowed: reader | writer | admin | cluster-admin",
        ],
    },
    {
        what: "a role without groups",
        config: min({
            namespaces: [{ name: "payments", roles: [{ name: "view", clusterRole: "view" }] }],
        }),
        problems: ["aks-entra:namespaces[0].roles[0].groups (missing) is required"],
    },
    {
        what: "a pipeline without GitHub subjects",
        config: min({ pipelines: [{ name: "deploy" }] }),
        problems: ["aks-entra:pipelines[0].github (missing) is required"],
    },
    // --- team stacks (docs/team-stacks.md)
    {
        what: "a team whose namespace is another team's, AKS's, or also in aks-entra:namespaces",
        config: min({
            namespaces: [{ name: "shared" }],
            teams: {
                payments: {
                    namespaces: ["payments", "kube-public", "shared"],
                    pipeline: {
                        github: [{ repository: "contoso/payments", environment: "team-payments" }],
                    },
                },
                search: {
                    namespaces: ["payments"],
                    pipeline: {
                        github: [{ repository: "contoso/search", environment: "team-search" }],
                    },
                },
            },
        }),
        problems: [
            `aks-entra:teams.payments.namespaces[1] "kube-public" is a namespace AKS already owns; choose another name (${RESERVED})`,
            'aks-entra:teams.payments.namespaces[2] "shared" is also declared in aks-entra:namespaces; the platform creates a team\'s namespace from its team entry and the team stack configures it: remove it from aks-entra:namespaces',
            'aks-entra:teams.search.namespaces[0] "payments" is already a namespace of team payments; a namespace belongs to one team',
        ],
    },
    {
        what: "a team deployment identity trusted from a branch, and a platform that is also a team stack",
        config: min({
            teams: {
                payments: {
                    namespaces: ["payments"],
                    pipeline: { github: [{ repository: "contoso/payments", branch: "main" }] },
                },
            },
            platform: { stack: "contoso/aks-entra/platform", team: "payments" },
        }),
        problems: [
            "aks-entra:teams.payments.pipeline.github[0] must name an environment and nothing else (e.g. { repository: contoso/payments, environment: team-payments }): the team's deployment identity deploys its team stack from a protected GitHub environment, never from a branch, tag or pull request",
            "aks-entra:platform and aks-entra:teams are both set: a stack is either a platform stack (it declares teams) or a team stack of one (it names its platform); remove one",
        ],
    },
    {
        what: "a state backend whose container is not under blobServices/default, and a key id with its version",
        config: min({
            teams: {
                payments: {
                    namespaces: ["payments"],
                    pipeline: {
                        github: [{ repository: "contoso/payments", environment: "team-payments" }],
                    },
                },
            },
            stateBackend: {
                containerId: `${STATE_ACCOUNT}/blobServices/blob/containers/pulumi-state`,
                secretsKeyId: `${STATE_VAULT}/keys/pulumi-secrets/versions/0123456789abcdef0123456789abcdef`,
            },
        }),
        problems: [
            `aks-entra:stateBackend.containerId "${STATE_ACCOUNT}/blobServices/blob/containers/pulumi-state" is not the id of a Microsoft.Storage/storageAccounts/blobServices/containers resource (a storage account's blob service is named default); expected ${CONTAINER_FORM}`,
            `aks-entra:stateBackend.secretsKeyId "${STATE_VAULT}/keys/pulumi-secrets/versions/0123456789abcdef0123456789abcdef" is not the id of a Microsoft.KeyVault/vaults/keys resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.KeyVault/vaults/<name>/keys/<name>`,
        ],
    },
    {
        what: "a state backend container id of a storage account, and a state backend without teams",
        config: min({
            stateBackend: {
                containerId: STATE_ACCOUNT,
                secretsKeyId: `${STATE_VAULT}/keys/pulumi-secrets`,
            },
        }),
        problems: [
            `aks-entra:stateBackend.containerId "${STATE_ACCOUNT}" is not the id of a Microsoft.Storage/storageAccounts/blobServices/containers resource; expected ${CONTAINER_FORM}`,
            "aks-entra:stateBackend is set but aks-entra:teams is not: the platform stack gives its teams' deployment identities their state access from it, and this stack declares no team; remove it",
        ],
    },
    {
        what: "a platform stack name that is not fully qualified",
        config: min({ platform: { stack: "platform", team: "Payments" } }),
        problems: [
            'aks-entra:platform.stack "platform" is not a fully qualified stack name (<organization>/<project>/<stack>)',
            'aks-entra:platform.team "Payments" is not a valid team name (lowercase RFC 1123 label, max 63 chars)',
        ],
    },
    // --- unknown keys and typos
    {
        what: "a typo in a top-level key (namespace)",
        config: min({ namespace: [{ name: "payments" }] }),
        problems: [
            'aks-entra:namespace is not a known key; allowed: location, kubernetesVersion, cluster, groups, admins, clusterAccess, namespaces, pipelines, jit, declaredRoles, conditionalAccess, kubeloginMode, kubeloginPop, deployer, auditLogs, names, protect, teams, platform, stateBackend, tags; did you mean "namespaces"?',
        ],
    },
    {
        what: "a typo in cluster (privateClsuter)",
        config: min({ cluster: { privateClsuter: true } }),
        problems: [
            'aks-entra:cluster has unknown key "privateClsuter"; allowed: tier, systemPool, userPools, network, authorizedIpRanges, privateCluster, privateDnsZone, autoUpgradeChannel, nodeOsUpgradeChannel, disableRunCommand, nodeSsh, azurePolicy, imageCleaner, containerRegistries, defender, encryptionAtHost, kms, maintenance, autoscalerProfile, diskEncryptionSetId, podSecurity, appRouting, extraProperties, kubeletGrantWaitSeconds, monitoring, secretsStore; did you mean "privateCluster"?',
        ],
    },
    {
        what: "a wrongly cased key in systemPool (vmsize)",
        config: min({ cluster: { systemPool: { vmsize: "Standard_D4ds_v5" } } }),
        problems: [
            'aks-entra:cluster.systemPool has unknown key "vmsize"; allowed: vmSize, count, minCount, maxCount, zones, osSku, extraProperties, maxPods, osDiskType, osDiskSizeGB, maxSurge, subnetId, podSubnetId, criticalAddonsOnly; did you mean "vmSize"?',
        ],
    },
    {
        what: "a typo in a namespace (workload)",
        config: dev((c) => {
            const ns = c["aks-entra:namespaces"][1];
            ns.workload = ns.workloads;
            delete ns.workloads;
        }),
        problems: [
            'aks-entra:namespaces[1] has unknown key "workload"; allowed: name, access, roles, podSecurity, workloads; did you mean "workloads"?',
        ],
    },
    // --- cluster values
    {
        what: "an unknown tier",
        config: min({ cluster: { tier: "Gold" } }),
        problems: [
            'aks-entra:cluster.tier "Gold" is not allowed; allowed: Free | Standard | Premium',
        ],
    },
    {
        what: "an unknown upgrade channel",
        config: min({ cluster: { autoUpgradeChannel: "weekly" } }),
        problems: [
            'aks-entra:cluster.autoUpgradeChannel "weekly" is not allowed; allowed: none | patch | stable | rapid | node-image',
        ],
    },
    {
        what: "a VM size without its Standard_ prefix",
        config: min({ cluster: { systemPool: { vmSize: "D4s_v5" } } }),
        problems: [
            'aks-entra:cluster.systemPool.vmSize "D4s_v5" is not an Azure VM size (Standard_...)',
        ],
    },
    {
        what: "pool count 0",
        config: min({ cluster: { systemPool: { count: 0 } } }),
        problems: [
            "aks-entra:cluster.systemPool.count 0 is outside 1-100; a system pool keeps at least one node (user pools may scale to 0)",
        ],
    },
    {
        what: "pool count 101",
        config: min({ cluster: { systemPool: { count: 101 } } }),
        problems: [
            "aks-entra:cluster.systemPool.count 101 is outside 1-100; a system pool keeps at least one node (user pools may scale to 0)",
        ],
    },
    {
        what: "a fractional pool count",
        config: min({ cluster: { systemPool: { count: 2.5 } } }),
        problems: ["aks-entra:cluster.systemPool.count 2.5 is not a whole number"],
    },
    {
        what: "minCount above maxCount",
        config: dev((c) => {
            Object.assign(c["aks-entra:cluster"].systemPool, {
                count: 4,
                minCount: 5,
                maxCount: 3,
            });
        }),
        problems: ["aks-entra:cluster.systemPool.minCount 5 is above maxCount 3"],
    },
    {
        what: "minCount without maxCount",
        config: dev((c) => delete c["aks-entra:cluster"].systemPool.maxCount),
        problems: [
            'aks-entra:cluster.systemPool needs both minCount and maxCount to autoscale (got {"minCount":3})',
        ],
    },
    {
        what: "count outside minCount..maxCount",
        config: dev((c) => (c["aks-entra:cluster"].systemPool.count = 10)),
        problems: ["aks-entra:cluster.systemPool.count 10 is outside minCount..maxCount (3..5)"],
    },
    {
        what: "availability zone 4",
        config: min({ cluster: { systemPool: { zones: ["4"] } } }),
        problems: ['aks-entra:cluster.systemPool.zones[0] "4" is not allowed; allowed: 1 | 2 | 3'],
    },
    {
        what: "a zone listed twice",
        config: min({ cluster: { systemPool: { zones: ["1", "1"] } } }),
        problems: ['aks-entra:cluster.systemPool.zones ["1","1"] lists a zone twice'],
    },
    {
        what: "an invalid CIDR",
        config: min({ cluster: { authorizedIpRanges: ["10.0.0.300/24"] } }),
        problems: [
            'aks-entra:cluster.authorizedIpRanges[0] "10.0.0.300/24" is not an IP range in CIDR notation (e.g. 203.0.113.0/24)',
        ],
    },
    {
        what: "a CIDR with host bits set",
        config: dev((c) => {
            c["aks-entra:cluster"].authorizedIpRanges.push("10.0.0.1/8");
        }),
        problems: [
            'aks-entra:cluster.authorizedIpRanges[2] "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?',
        ],
    },
    {
        what: "0.0.0.0/0 as an authorized range",
        config: min({ cluster: { authorizedIpRanges: ["0.0.0.0/0"] } }),
        problems: [
            'aks-entra:cluster.authorizedIpRanges[0] "0.0.0.0/0" opens the API server to the whole Internet; remove authorizedIpRanges instead',
        ],
    },
    {
        what: "an authorized range listed twice",
        config: dev((c) => {
            c["aks-entra:cluster"].authorizedIpRanges.push("203.0.113.0/24");
        }),
        problems: ['aks-entra:cluster.authorizedIpRanges lists "203.0.113.0/24" twice'],
    },
    {
        what: "a private cluster with authorized ranges",
        config: dev((c) => (c["aks-entra:cluster"].privateCluster = true)),
        problems: [
            "aks-entra:cluster.authorizedIpRanges cannot be combined with cluster.privateCluster: true (a private API server has no public endpoint to restrict); remove one",
        ],
    },
    // --- production parity (issue 23): autoscaler profile, disk encryption set, pod security
    {
        what: "autoscaler settings of every kind with a wrong value, and a misspelled one",
        config: dev(
            (c) =>
                (c["aks-entra:cluster"].autoscalerProfile = {
                    "scan-interval": "10",
                    "scale-down-unneeded-time": "1h",
                    "new-pod-scale-up-delay": "5 minutes",
                    "max-empty-bulk-delete": 0,
                    "max-total-unready-percentage": 101,
                    "ok-total-unready-count": "3",
                    "balance-similar-node-groups": "true",
                    "ignore-daemonsets-utilization": "yes",
                    "scale-down-utilization-threshold": 1.5,
                    expander: "cheapest",
                    "scan-intervall": "10s",
                }),
        ),
        problems: [
            'aks-entra:cluster.autoscalerProfile.balance-similar-node-groups "true" is not a boolean (true or false)',
            'aks-entra:cluster.autoscalerProfile.expander "cheapest" is not allowed; allowed: least-waste | most-pods | priority | random',
            'aks-entra:cluster.autoscalerProfile.ignore-daemonsets-utilization "yes" is not a boolean (true or false)',
            "aks-entra:cluster.autoscalerProfile.max-empty-bulk-delete 0 is not a whole number at least 1",
            "aks-entra:cluster.autoscalerProfile.max-total-unready-percentage 101 is not a whole number 0-100",
            'aks-entra:cluster.autoscalerProfile.new-pod-scale-up-delay "5 minutes" is not a whole number followed by s, m or h, like "0s" or "2m"',
            'aks-entra:cluster.autoscalerProfile.ok-total-unready-count "3" is not a number',
            'aks-entra:cluster.autoscalerProfile.scale-down-unneeded-time "1h" is not a whole number of minutes written like "10m" (AKS takes minutes only here)',
            "aks-entra:cluster.autoscalerProfile.scale-down-utilization-threshold 1.5 is not a number above 0 and at most 1, like 0.5",
            'aks-entra:cluster.autoscalerProfile.scan-interval "10" is not a whole number of seconds written like "10s" (at least 1)',
            'aks-entra:cluster.autoscalerProfile has unknown key "scan-intervall"; allowed: balance-similar-node-groups, daemonset-eviction-for-empty-nodes, daemonset-eviction-for-occupied-nodes, expander, ignore-daemonsets-utilization, max-empty-bulk-delete, max-graceful-termination-sec, max-node-provision-time, max-total-unready-percentage, new-pod-scale-up-delay, ok-total-unready-count, scale-down-delay-after-add, scale-down-delay-after-delete, scale-down-delay-after-failure, scale-down-unneeded-time, scale-down-unready-time, scale-down-utilization-threshold, scan-interval, skip-nodes-with-local-storage, skip-nodes-with-system-pods; did you mean "scan-interval"?',
        ],
    },
    {
        what: "an autoscaler profile when no pool autoscales",
        config: min({
            cluster: { autoscalerProfile: { "scale-down-unneeded-time": "5m" } },
        }),
        problems: [
            "aks-entra:cluster.autoscalerProfile tunes the cluster autoscaler, but no pool autoscales, so it would do nothing; give cluster.systemPool or a cluster.userPools entry minCount and maxCount, or remove autoscalerProfile",
        ],
    },
    {
        what: "a disk encryption set given as a key vault key id",
        config: dev(
            (c) =>
                (c["aks-entra:cluster"].diskEncryptionSetId =
                    "https://kv-disks.vault.azure.net/keys/disks/0123456789abcdef0123456789abcdef"),
        ),
        problems: [
            'aks-entra:cluster.diskEncryptionSetId "https://kv-disks.vault.azure.net/keys/disks/0123456789abcdef0123456789abcdef" is not an Azure resource id; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Compute/diskEncryptionSets/<name>',
        ],
    },
    {
        what: "a disk encryption set id of another resource type",
        config: dev((c) => (c["aks-entra:cluster"].diskEncryptionSetId = KV)),
        problems: [
            'aks-entra:cluster.diskEncryptionSetId "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" is not the id of a Microsoft.Compute/diskEncryptionSets resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Compute/diskEncryptionSets/<name>',
        ],
    },
    {
        what: "pod security with an unknown standard and effect, app routing as a string",
        config: dev((c) => {
            c["aks-entra:cluster"].podSecurity = { standard: "privileged", effect: "enforce" };
            c["aks-entra:cluster"].appRouting = "yes";
        }),
        problems: [
            'aks-entra:cluster.podSecurity.standard "privileged" is not allowed; allowed: baseline | restricted',
            'aks-entra:cluster.podSecurity.effect "enforce" is not allowed; allowed: audit | deny',
            'aks-entra:cluster.appRouting "yes" is not a boolean (true or false)',
        ],
    },
    {
        what: "pod security without a standard",
        config: dev((c) => (c["aks-entra:cluster"].podSecurity = { effect: "deny" })),
        problems: [
            "aks-entra:cluster.podSecurity.standard (missing) is required; allowed: baseline | restricted",
        ],
    },
    {
        what: "pod security with the Azure Policy add-on off",
        config: dev((c) => {
            c["aks-entra:cluster"].podSecurity = { standard: "baseline" };
            c["aks-entra:cluster"].azurePolicy = false;
        }),
        problems: [
            "aks-entra:cluster.podSecurity needs the Azure Policy add-on, which enforces the initiative in the cluster, but cluster.azurePolicy is false; remove azurePolicy: false (the add-on is on by default) or remove podSecurity",
        ],
    },
    {
        what: "extraProperties: unknown, owned and ill-typed properties of the cluster and its pools",
        config: dev((c) => {
            c["aks-entra:cluster"].extraProperties = {
                serviceMeshProfile: { mode: "Isito", istio: { revision: ["asm-1-25"] } },
                workloadAutoScalerProfile: { keda: { enabled: "yes" } },
                serviceMeshProfil: {},
                aadProfile: { managed: false },
                disableLocalAccounts: false,
                storageProfile: "on",
            };
            c["aks-entra:cluster"].userPools[0].extraProperties = {
                kubeletDiskType: "Disk",
                enableFips: true,
            };
            c["aks-entra:cluster"].systemPool.extraProperties = { vmSize: "Standard_D2s_v5" };
        }),
        problems: [
            'aks-entra:cluster.extraProperties.serviceMeshProfile.mode "Isito" is not allowed; allowed: Istio | Disabled',
            'aks-entra:cluster.extraProperties.serviceMeshProfile.istio.revision is not a property here; did you mean "revisions"?',
            'aks-entra:cluster.extraProperties.workloadAutoScalerProfile.keda.enabled "yes" is not true or false',
            'aks-entra:cluster.extraProperties.serviceMeshProfil is not a property of an AKS ManagedCluster (azure-native\'s inputs for API 2025-09-01); did you mean "serviceMeshProfile"?',
            "aks-entra:cluster.extraProperties.aadProfile is set by the stack from the stack's Entra ID integration (aks-entra:admins, clusterAccess); extraProperties adds only what no key covers",
            "aks-entra:cluster.extraProperties.disableLocalAccounts is set by the stack from the stack's Entra ID integration (aks-entra:admins, clusterAccess); extraProperties adds only what no key covers",
            'aks-entra:cluster.extraProperties.storageProfile "on" is not a map',
            "aks-entra:cluster.systemPool.extraProperties.vmSize is set by the stack from vmSize; extraProperties adds only what no key covers",
            'aks-entra:cluster.userPools[0].extraProperties.kubeletDiskType "Disk" is not allowed; allowed: OS | Temporary',
            'aks-entra:cluster.userPools[0].extraProperties.enableFips is not a property of an AKS AgentPool (azure-native\'s inputs for API 2025-09-01); did you mean "enableFIPS"?',
        ],
    },
    // --- hardening and the audit trail (docs/azure-policy.md: Azure Policy built-ins)
    {
        what: "Image Cleaner scanning every 12 hours",
        config: dev((c) => (c["aks-entra:cluster"].imageCleaner.intervalHours = 12)),
        problems: [
            "aks-entra:cluster.imageCleaner.intervalHours 12 is outside 24-2160 (hours between Image Cleaner scans that Azure accepts)",
        ],
    },
    {
        what: "Image Cleaner off with an interval",
        config: dev((c) => (c["aks-entra:cluster"].imageCleaner.enabled = false)),
        problems: [
            "aks-entra:cluster.imageCleaner.intervalHours applies only when Image Cleaner runs; remove it or set imageCleaner.enabled: true",
        ],
    },
    {
        what: "a registry given by its login server",
        config: dev(
            (c) => (c["aks-entra:cluster"].containerRegistries = ["contosoplatform.azurecr.io"]),
        ),
        problems: [
            'aks-entra:cluster.containerRegistries[0] "contosoplatform.azurecr.io" is not an Azure resource id; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.ContainerRegistry/registries/<name>',
        ],
    },
    {
        what: "a registry listed twice, in two spellings",
        config: dev((c) =>
            c["aks-entra:cluster"].containerRegistries.push(
                c["aks-entra:cluster"].containerRegistries[0].toUpperCase(),
            ),
        ),
        problems: [
            'aks-entra:cluster.containerRegistries lists "/subscriptions/11111111-2222-4333-8444-555555555555/resourcegroups/rg-shared/providers/microsoft.containerregistry/registries/contosoplatform" twice',
        ],
    },
    {
        what: "a KMS key without its version, and a key of another vault",
        config: dev(
            (c) =>
                (c["aks-entra:cluster"].kms = {
                    keyVaultId: KV,
                    keyId: "https://kv.vault.azure.net/keys/etcd",
                }),
        ),
        problems: [
            "aks-entra:cluster.kms.keyId \"https://kv.vault.azure.net/keys/etcd\" is not a versioned Key Vault key id (https://<vault>.vault.azure.net/keys/<name>/<version>, the key's 'Key Identifier' with its version)",
        ],
    },
    {
        what: "a KMS key of another vault",
        config: dev(
            (c) =>
                (c["aks-entra:cluster"].kms = {
                    keyVaultId: KV,
                    keyId: "https://kv-other.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef",
                }),
        ),
        problems: [
            'aks-entra:cluster.kms.keyId "https://kv-other.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef" is a key of vault "kv-other", but keyVaultId names vault "kv"; the control plane is granted Key Vault Crypto User on the key inside keyVaultId, so both must name the same vault',
        ],
    },
    {
        what: "a maintenance window of 2 hours at 25:00, an offset without sign",
        config: dev(
            (c) =>
                (c["aks-entra:cluster"].maintenance.autoUpgrade = {
                    day: "Sun",
                    start: "25:00",
                    durationHours: 2,
                    utcOffset: "01:00",
                }),
        ),
        problems: [
            'aks-entra:cluster.maintenance.autoUpgrade.day "Sun" is not allowed; allowed: Monday | Tuesday | Wednesday | Thursday | Friday | Saturday | Sunday',
            'aks-entra:cluster.maintenance.autoUpgrade.start "25:00" is not a time of day HH:mm (00:00-23:59)',
            "aks-entra:cluster.maintenance.autoUpgrade.durationHours 2 is outside 4-24 (hours a window lasts that Azure accepts)",
            'aks-entra:cluster.maintenance.autoUpgrade.utcOffset "01:00" is not a UTC offset +HH:mm or -HH:mm between -12:00 and +14:00 (e.g. +01:00)',
        ],
    },
    {
        what: "maintenance windows for upgrade channels that are off",
        config: dev((c) => {
            c["aks-entra:cluster"].autoUpgradeChannel = "none";
            c["aks-entra:cluster"].nodeOsUpgradeChannel = "Unmanaged";
            delete c["aks-entra:kubernetesVersion"];
        }),
        problems: [
            'aks-entra:cluster.maintenance.autoUpgrade times cluster upgrades, but autoUpgradeChannel is "none": nothing would run in the window; remove it or choose a channel',
            'aks-entra:cluster.maintenance.nodeOs times node OS upgrades, but nodeOsUpgradeChannel is "Unmanaged": AKS schedules none; remove it or use NodeImage or SecurityPatch',
        ],
    },
    {
        what: "Defender with no workspace anywhere",
        config: dev((c) => {
            c["aks-entra:cluster"].defender = {};
            c["aks-entra:auditLogs"] = { enabled: false };
        }),
        problems: [
            "aks-entra:cluster.defender needs a Log Analytics workspace: set defender.workspaceId, or leave aks-entra:auditLogs on (Defender then uses the audit workspace)",
        ],
    },
    {
        what: "alerts without managed Prometheus; a Prometheus toggle that is neither; a workspace id of another type",
        config: dev((c) => {
            c["aks-entra:cluster"].monitoring = { containerInsights: "yes", alerts: true };
        }),
        problems: [
            'aks-entra:cluster.monitoring.containerInsights "yes" is not a boolean (true or false)',
            "aks-entra:cluster.monitoring.alerts needs managed Prometheus: the recommended alert rules are Prometheus rule groups that query the Azure Monitor workspace the cluster's metrics go to (an Azure Monitor alert rule group without one is refused); set monitoring.prometheus: true (or { azureMonitorWorkspaceId }) or remove alerts",
        ],
    },
    {
        what: "monitoring ids of the wrong type and an unknown monitoring key",
        config: dev((c) => {
            c["aks-entra:cluster"].monitoring = {
                prometheus: { azureMonitorWorkspaceId: KV },
                alerts: { actionGroupId: KV, severity: 3 },
                grafana: true,
            };
        }),
        problems: [
            `aks-entra:cluster.monitoring.prometheus.azureMonitorWorkspaceId "${KV}" is not the id of a Microsoft.Monitor/accounts resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Monitor/accounts/<name>`,
            `aks-entra:cluster.monitoring.alerts.actionGroupId "${KV}" is not the id of a Microsoft.Insights/actionGroups resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Insights/actionGroups/<name>`,
            'aks-entra:cluster.monitoring.alerts has unknown key "severity"; allowed: actionGroupId',
            'aks-entra:cluster.monitoring has unknown key "grafana"; allowed: containerInsights, prometheus, alerts',
        ],
    },
    {
        what: "a Prometheus toggle that is text",
        config: dev((c) => (c["aks-entra:cluster"].monitoring = { prometheus: "on" })),
        problems: [
            'aks-entra:cluster.monitoring.prometheus "on" is not true, false or { azureMonitorWorkspaceId }',
        ],
    },
    {
        what: "secrets store poll intervals the add-on refuses or the stack does not allow",
        config: dev(
            (c) => (c["aks-entra:cluster"].secretsStore = { rotationPollInterval: "2 minutes" }),
        ),
        problems: [
            'aks-entra:cluster.secretsStore.rotationPollInterval "2 minutes" is not a duration the add-on accepts (a Go duration in h, m and s, e.g. "2m", "90s", "1h30m")',
        ],
    },
    {
        what: "a secrets store poll every 5 s",
        config: dev((c) => {
            c["aks-entra:cluster"].secretsStore = { rotationPollInterval: "5s" };
        }),
        problems: [
            'aks-entra:cluster.secretsStore.rotationPollInterval "5s" is outside 10s-24h (how often the driver polls the vault for a new version)',
        ],
    },
    {
        what: "audit sinks of the wrong type, an event hub without a name, metrics as text",
        config: dev((c) => {
            Object.assign(c["aks-entra:auditLogs"], {
                metrics: "yes",
                storageAccountId: KV,
                eventHub: {
                    authorizationRuleId: `${NETWORK}/namespaces/eh/authorizationRules/send`,
                },
            });
        }),
        problems: [
            'aks-entra:auditLogs.metrics "yes" is not a boolean (true or false)',
            `aks-entra:auditLogs.storageAccountId "${KV}" is not the id of a Microsoft.Storage/storageAccounts resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Storage/storageAccounts/<name>`,
            `aks-entra:auditLogs.eventHub.authorizationRuleId "${NETWORK}/namespaces/eh/authorizationRules/send" is not the id of a Microsoft.EventHub/namespaces/authorizationRules resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.EventHub/namespaces/<name>/authorizationRules/<name>`,
            "aks-entra:auditLogs.eventHub.name (missing) is required",
        ],
    },
    {
        what: "audit logs off with metrics and sinks",
        config: dev((c) => {
            c["aks-entra:auditLogs"] = {
                enabled: false,
                metrics: true,
                eventHub: { authorizationRuleId: KV, name: "-bad-" },
            };
        }),
        problems: [
            `aks-entra:auditLogs.eventHub.authorizationRuleId "${KV}" is not the id of a Microsoft.EventHub/namespaces/authorizationRules resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.EventHub/namespaces/<name>/authorizationRules/<name>`,
            'aks-entra:auditLogs.eventHub.name "-bad-" is not an event hub name (1-256 letters, digits, . - _, alphanumeric at both ends)',
            "aks-entra:auditLogs.enabled is false, so metrics, eventHub would do nothing; remove them or turn the audit trail on",
        ],
    },
    {
        what: "audit logs off with categories",
        config: dev((c) => (c["aks-entra:auditLogs"].enabled = false)),
        problems: [
            "aks-entra:auditLogs.enabled is false, so categories, retentionDays would do nothing; remove them or turn the audit trail on",
        ],
    },
    {
        what: "audit logs to your workspace with a retention, kube-audit beside kube-audit-admin, a made-up category",
        config: dev((c) => {
            c["aks-entra:auditLogs"].workspaceId =
                `${KV.replace("Microsoft.KeyVault/vaults/kv", "Microsoft.OperationalInsights/workspaces/log-central")}`;
            c["aks-entra:auditLogs"].categories = [
                "kube-audit",
                "kube-audit-admin",
                "guard",
                "audit",
            ];
        }),
        problems: [
            'aks-entra:auditLogs.categories[3] "audit" is not allowed; allowed: kube-apiserver | kube-audit | kube-audit-admin | kube-controller-manager | kube-scheduler | cluster-autoscaler | cloud-controller-manager | guard | csi-azuredisk-controller | csi-azurefile-controller | csi-snapshot-controller',
            'aks-entra:auditLogs.retentionDays sets the retention of the workspace the stack creates; your workspace "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log-central" keeps its own (set it there), so remove retentionDays or workspaceId',
            "aks-entra:auditLogs.categories lists kube-audit and kube-audit-admin: kube-audit already holds every kube-audit-admin event (it adds get and list), so the writes would be ingested and paid for twice; keep one",
        ],
    },
    {
        what: "audit retention of 7 days, categories listed twice",
        config: dev((c) => {
            c["aks-entra:auditLogs"].retentionDays = 7;
            c["aks-entra:auditLogs"].categories = ["guard", "guard"];
        }),
        problems: [
            "aks-entra:auditLogs.retentionDays 7 is outside 30-730 (days a workspace keeps logs that Azure accepts)",
            'aks-entra:auditLogs.categories lists "guard" twice',
        ],
    },
    // --- just-in-time access and Conditional Access (docs/jit-and-conditional-access.md: Just-in-time access)
    {
        what: "JIT: a bad duration, a too long one, and an unknown role",
        config: dev((c) => {
            c["aks-entra:jit"][0].maxActivation = "4h";
            c["aks-entra:jit"][1].maxActivation = "PT25H";
            c["aks-entra:jit"][1].role = "owner";
        }),
        problems: [
            'aks-entra:jit[0].maxActivation "4h" is not an ISO 8601 duration of hours and minutes (e.g. PT4H, PT1H30M)',
            'aks-entra:jit[1].role "owner" is not allowed; allowed: reader | writer | admin | cluster-admin',
            'aks-entra:jit[1].maxActivation "PT25H" is outside PT30M..PT24H in 30-minute steps, which PIM accepts for an activation',
        ],
    },
    {
        what: "JIT: a namespace with cluster-admin, and a namespace the stack does not create",
        config: dev((c) => {
            c["aks-entra:jit"][0].namespace = "payments";
            c["aks-entra:jit"][1].namespace = "billing";
        }),
        problems: [
            'aks-entra:jit[0].namespace "payments" cannot scope role cluster-admin, which is cluster-wide; use admin for a namespace, or remove namespace',
            'aks-entra:jit[1].namespace "billing" is not declared in aks-entra:namespaces (declared: payments, observability)',
        ],
    },
    {
        what: "JIT: approvers without approval, approval without approvers",
        config: dev((c) => {
            c["aks-entra:jit"][0].requireApproval = false;
            c["aks-entra:jit"][1].requireApproval = true;
        }),
        problems: [
            "aks-entra:jit[0].approvers are listed but requireApproval is false: they would never be asked; remove them or set requireApproval: true",
            "aks-entra:jit[1].requireApproval is true but no approvers are listed: PIM would have nobody to ask; list approvers (users or groups)",
        ],
    },
    {
        what: "JIT: a name used twice, an unknown alias, no eligible principal",
        config: dev((c) => {
            c["aks-entra:jit"][1].name = "oncall-admin";
            c["aks-entra:jit"][0].eligible = ["on-call"];
            c["aks-entra:jit"][1].eligible = [];
        }),
        problems: [
            "aks-entra:jit[1].eligible needs at least 1 entry",
            'aks-entra:jit[0].eligible[0] "on-call" is neither an object id (GUID) nor a name from aks-entra:groups (known: platform-admins, sre, developers, payments-devs, auditors, break-glass)',
            'aks-entra:jit has two entries named "oncall-admin"; each names its own group',
        ],
    },
    {
        what: "JIT: cluster-admin without MFA",
        config: dev((c) => (c["aks-entra:jit"][0].requireMfa = false)),
        problems: [
            "aks-entra:jit[0].requireMfa is false for role cluster-admin: activating cluster-admin without MFA turns a stolen password into full control of the cluster; keep requireMfa: true",
        ],
    },
    {
        what: "Conditional Access: an unknown control and state, a group both included and excluded",
        config: dev((c) => {
            c["aks-entra:conditionalAccess"] = {
                state: "on",
                require: ["mfa", "passkey"],
                groups: ["sre", "break-glass"],
                excludeGroups: ["break-glass"],
            };
        }),
        problems: [
            'aks-entra:conditionalAccess.state "on" is not allowed; allowed: enabled | reportOnly | disabled',
            'aks-entra:conditionalAccess.require[1] "passkey" is not allowed; allowed: mfa | compliantDevice | domainJoinedDevice',
            'aks-entra:conditionalAccess.excludeGroups lists "break-glass", which groups also lists: Entra ID applies the exclusion, so the policy would not hold that group; list it in one of them',
        ],
    },
    // --- groups, admins, access
    {
        what: "createGroup: false and no existing admin group",
        config: min({ admins: { createGroup: false } }),
        problems: [
            "aks-entra:admins.createGroup is false and admins.existingGroupObjectIds is empty; the cluster needs at least one admin group: set createGroup: true or list an existing group",
        ],
    },
    {
        what: "members of a group the stack does not create",
        config: dev((c) => (c["aks-entra:admins"].createGroup = false)),
        problems: [
            "aks-entra:admins.members/owners are set but admins.createGroup is false; they only apply to the group this stack creates",
        ],
    },
    {
        what: "a member given by e-mail instead of object id",
        config: dev((c) => {
            c["aks-entra:admins"].members.push("alice@contoso.com");
        }),
        problems: ['aks-entra:admins.members[1] "alice@contoso.com" is not an object id (a GUID)'],
    },
    {
        what: "a group alias mapped to a name instead of a GUID",
        config: min({ groups: { sre: "sre-group" } }),
        problems: ['aks-entra:groups.sre "sre-group" is not an object id (a GUID)'],
    },
    {
        what: "a group alias with a space",
        config: min({ groups: { "platform admins": SRE } }),
        problems: [
            'aks-entra:groups key "platform admins" is not a group name (letters, digits, - _ ., max 64)',
        ],
    },
    {
        what: "an existing admin group that is neither a GUID nor an alias",
        config: dev((c) => {
            c["aks-entra:admins"].existingGroupObjectIds.push("ops");
        }),
        problems: [
            'aks-entra:admins.existingGroupObjectIds[1] "ops" is neither an object id (GUID) nor a name from aks-entra:groups (known: platform-admins, sre, developers, payments-devs, auditors, break-glass)',
        ],
    },
    {
        what: "an unknown cluster role (owner)",
        config: dev((c) => (c["aks-entra:clusterAccess"][0].role = "owner")),
        problems: [
            'aks-entra:clusterAccess[0].role "owner" is not allowed; allowed: reader | writer | admin | cluster-admin',
        ],
    },
    // Issue 29, item 1: writer or admin on the whole cluster, by every path that gives it.
    {
        what: "writer on the whole cluster for a group",
        config: dev((c) => (c["aks-entra:clusterAccess"][0].role = "writer")),
        problems: [
            `aks-entra:clusterAccess[0].role "writer": Azure Kubernetes Service RBAC Writer on the whole cluster reaches every namespace's service accounts, kube-system's included: it runs pods as any service account in its scope and so gets their API access and their Azure roles; give it in namespaces[].access, or make it a JIT entry (aks-entra:jit) with requireApproval: true, or state why it is needed in aks-entra:clusterAccess[0].clusterWideException (the plan reports it HIGH)`,
        ],
    },
    {
        what: "admin on the whole cluster for a group",
        config: dev((c) => (c["aks-entra:clusterAccess"][1].role = "admin")),
        problems: [
            `aks-entra:clusterAccess[1].role "admin": Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin; give it in namespaces[].access, or make it a JIT entry (aks-entra:jit) with requireApproval: true, or state why it is needed in aks-entra:clusterAccess[1].clusterWideException (the plan reports it HIGH)`,
        ],
    },
    {
        what: "admin on the whole cluster for a pipeline",
        config: dev((c) => (c["aks-entra:pipelines"][0].clusterAccess = "admin")),
        problems: [
            `aks-entra:pipelines[0].clusterAccess "admin": Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin; give it in pipelines[0].namespaceAccess, or state why it is needed in aks-entra:pipelines[0].clusterWideException (the plan reports it HIGH)`,
        ],
    },
    {
        what: "a JIT admin entry on the whole cluster that anyone eligible activates without approval",
        config: dev((c) => delete c["aks-entra:jit"][1].namespace),
        problems: [
            `aks-entra:jit[1].role "admin": Azure Kubernetes Service RBAC Admin on the whole cluster is cluster-admin in effect: it allows every Kubernetes action but on ResourceQuotas and Namespaces, ClusterRoleBindings included, so its holder can bind itself to cluster-admin; set jit[1].namespace, or requireApproval: true with approvers, or state why it is needed in aks-entra:jit[1].clusterWideException (the plan reports it HIGH)`,
        ],
    },
    {
        what: "a clusterWideException where no cluster-wide write needs it",
        config: dev((c) => {
            c["aks-entra:clusterAccess"][1].clusterWideException = "auditors read everything";
            c["aks-entra:jit"][1].clusterWideException = "payments admins are on call";
        }),
        problems: [
            "aks-entra:clusterAccess[1].clusterWideException is set but aks-entra:clusterAccess[1] gives no writer or admin on the whole cluster without approval; remove it",
            "aks-entra:jit[1].clusterWideException is set but aks-entra:jit[1] gives no writer or admin on the whole cluster without approval; remove it",
        ],
    },
    {
        what: "a clusterWideException that says nothing",
        config: dev((c) => {
            c["aks-entra:clusterAccess"][0].role = "writer";
            c["aks-entra:clusterAccess"][0].clusterWideException = "  ok ";
        }),
        problems: [
            'aks-entra:clusterAccess[0].clusterWideException "  ok " is too short to say why (10 to 300 characters)',
        ],
    },
    {
        what: "one group given two cluster roles (case differs)",
        config: min({
            clusterAccess: [
                { group: SRE, role: "reader" },
                { group: SRE.toUpperCase(), role: "cluster-admin" },
            ],
        }),
        problems: [
            `aks-entra:clusterAccess lists group "${SRE}" more than once; give each group one role (the widest it needs)`,
        ],
    },
    {
        what: "a cluster grant to something that is not a group",
        config: min({ clusterAccess: [{ group: "not-a-guid", role: "reader" }] }),
        problems: [
            'aks-entra:clusterAccess[0].group "not-a-guid" is neither an object id (GUID) nor a name from aks-entra:groups (none defined)',
        ],
    },
    // --- namespaces
    {
        what: "an uppercase namespace name",
        config: dev((c) => (c["aks-entra:namespaces"][0].name = "Payments")),
        problems: [
            'aks-entra:namespaces[0].name "Payments" is not a valid Kubernetes namespace (lowercase RFC 1123 label, max 63 chars)',
            // The pipeline's grant on "payments" no longer finds its namespace either.
            'aks-entra:pipelines[0].namespaceAccess[0].namespace "payments" is not declared in aks-entra:namespaces (declared: Payments, observability)',
            'aks-entra:pipelines[1].namespaceAccess[0].namespace "payments" is not declared in aks-entra:namespaces (declared: Payments, observability)',
            'aks-entra:jit[1].namespace "payments" is not declared in aks-entra:namespaces (declared: Payments, observability)',
        ],
    },
    {
        what: "a 64-character namespace name",
        config: min({ namespaces: [{ name: "a".repeat(64) }] }),
        problems: [
            `aks-entra:namespaces[0].name "${"a".repeat(64)}" is not a valid Kubernetes namespace (lowercase RFC 1123 label, max 63 chars)`,
        ],
    },
    {
        what: "a namespace declared twice",
        config: dev((c) => (c["aks-entra:namespaces"][1].name = "payments")),
        problems: [
            'aks-entra:namespaces declares "payments" more than once; namespace names must be unique',
        ],
    },
    {
        what: "the default namespace",
        config: min({ namespaces: [{ name: "default" }] }),
        problems: [
            `aks-entra:namespaces[0].name "default" is a namespace AKS already owns; choose another name (${RESERVED})`,
        ],
    },
    {
        what: "kube-system",
        config: min({ namespaces: [{ name: "kube-system" }] }),
        problems: [
            `aks-entra:namespaces[0].name "kube-system" is a namespace AKS already owns; choose another name (${RESERVED})`,
        ],
    },
    {
        what: "cluster-admin inside a namespace",
        config: dev((c) => (c["aks-entra:namespaces"][0].access[0].role = "cluster-admin")),
        problems: [
            'aks-entra:namespaces[0].access[0].role "cluster-admin" is not allowed; allowed: reader | writer | admin',
        ],
    },
    {
        what: "namespace access for a group alias nobody defined",
        config: dev((c) => (c["aks-entra:namespaces"][0].access[0].group = "payment-devs")),
        problems: [
            'aks-entra:namespaces[0].access[0].group "payment-devs" is neither an object id (GUID) nor a name from aks-entra:groups (known: platform-admins, sre, developers, payments-devs, auditors, break-glass)',
        ],
    },
    {
        what: "a role with both rules and clusterRole",
        config: dev((c) => (c["aks-entra:namespaces"][0].roles[0].clusterRole = "view")),
        problems: [
            'aks-entra:namespaces[0].roles[0] "pod-reader" needs exactly one of rules (to create a Role) or clusterRole (to bind an existing ClusterRole such as view)',
        ],
    },
    {
        what: "a role with neither rules nor clusterRole",
        config: dev((c) => delete c["aks-entra:namespaces"][0].roles[1].clusterRole),
        problems: [
            'aks-entra:namespaces[0].roles[1] "auditors-view" needs exactly one of rules (to create a Role) or clusterRole (to bind an existing ClusterRole such as view)',
        ],
    },
    // --- issue 29, item 4: ClusterRoles and rules that reach further than they name
    {
        what: "a ClusterRole other than view/edit/admin/cluster-admin, undeclared",
        config: dev((c) => (c["aks-entra:namespaces"][0].roles[1].clusterRole = "secret-reader")),
        problems: [
            'aks-entra:namespaces[0].roles[1].clusterRole "secret-reader" is not one of view, edit, admin, cluster-admin, whose rules are known; declare the rules it holds in clusterRoleRules (as kubectl get clusterrole secret-reader -o yaml lists them) so they are checked and shown in the plan, or bind a known ClusterRole',
        ],
    },
    {
        what: "an aggregated system ClusterRole (carries edit's power)",
        config: dev(
            (c) => (c["aks-entra:namespaces"][0].roles[1].clusterRole = "system:aggregate-to-edit"),
        ),
        problems: [
            'aks-entra:namespaces[0].roles[1].clusterRole "system:aggregate-to-edit" is a ClusterRole Kubernetes owns and reconciles (system:aggregate-to-view/edit/admin are aggregated into view, edit and admin and carry their power: system:aggregate-to-edit impersonates service accounts); bind view, edit or admin, or list the rules in a Role',
        ],
    },
    {
        what: "a declared ClusterRole whose rules mint service account tokens",
        config: dev((c) =>
            Object.assign(c["aks-entra:namespaces"][0].roles[1], {
                clusterRole: "token-minter",
                clusterRoleRules: [
                    { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
                ],
            }),
        ),
        problems: [
            'aks-entra:namespaces[0].roles[1] "auditors-view" grants clusterRoleRules[0]: serviceaccounts/token create (serviceaccounts/token create mints a token for any service account of the namespace, workload-identity ones included: it signs in to Azure as them, with all their Azure roles): a path to more access than the role shows; narrow the rules, or set allowPrivilegeEscalation: true on this role to accept it (the plan then reports it as HIGH)',
        ],
    },
    {
        what: "a Role with ephemeral containers, nodes/proxy, webhooks and CRDs",
        config: dev((c) =>
            c["aks-entra:namespaces"][0].roles[0].rules.push(
                { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] },
                { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] },
                {
                    apiGroups: ["admissionregistration.k8s.io"],
                    resources: ["validatingwebhookconfigurations"],
                    verbs: ["update"],
                },
                {
                    apiGroups: ["apiextensions.k8s.io"],
                    resources: ["customresourcedefinitions"],
                    verbs: ["create"],
                },
            ),
        ),
        problems: [
            'aks-entra:namespaces[0].roles[0] "pod-reader" grants rules[1]: pods/ephemeralcontainers update/patch (pods/ephemeralcontainers adds a container to any running pod: it runs as that pod\'s service account, with its token and Azure roles); rules[2]: nodes/proxy (nodes/proxy reaches the kubelet API of every node: commands in any pod of the node, past admission and the audit log); rules[3]: admission webhook configurations write (an admission webhook sees and can rewrite every object sent to the API server, Secrets and pods of every namespace included); rules[4]: customresourcedefinitions write (customresourcedefinitions write defines or replaces API types for the whole cluster, and the conversion webhooks that see their objects): a path to more access than the role shows; narrow the rules, or set allowPrivilegeEscalation: true on this role to accept it (the plan then reports it as HIGH)',
        ],
    },
    // --- issue 29, item 5: Pod Security where pull requests write
    {
        what: "a namespace a pull_request pipeline writes, enforcing baseline",
        config: dev((c) => {
            c["aks-entra:namespaces"][0].podSecurity = { enforce: "baseline" };
            c["aks-entra:pipelines"][1].namespaceAccess[0].role = "writer";
        }),
        problems: [
            'aks-entra:namespaces[0].podSecurity.enforce "baseline" is looser than "restricted", and pull_request workflows of aks-entra:pipelines[1] "payments-pr" can write in namespace "payments": code from any branch with a pull request could run a privileged or hostPath pod there and take the node. Set podSecurity.enforce to "restricted" (the default there), or give the pull_request pipeline reader',
        ],
    },
    {
        what: "a Pod Security level that does not exist",
        config: dev((c) => (c["aks-entra:namespaces"][0].podSecurity = { enforce: "strict" })),
        problems: [
            'aks-entra:namespaces[0].podSecurity.enforce "strict" is not allowed; allowed: privileged | baseline | restricted',
        ],
    },
    {
        what: "an unknown RBAC verb",
        config: dev((c) => (c["aks-entra:namespaces"][0].roles[0].rules[0].verbs = ["read"])),
        problems: [
            'aks-entra:namespaces[0].roles[0].rules[0].verbs[0] "read" is not allowed; allowed: get | list | watch | create | update | patch | delete | deletecollection | impersonate | bind | escalate | use | *',
        ],
    },
    // --- workloads and Azure roles
    {
        what: "a workload declared twice",
        config: dev(
            (c) => (c["aks-entra:namespaces"][0].workloads[1].serviceAccount = "payments-api"),
        ),
        problems: [
            'aks-entra:namespaces[0].workloads declares service account "payments-api" more than once',
        ],
    },
    {
        what: "the default service account",
        config: min({
            namespaces: [{ name: "payments", workloads: [{ serviceAccount: "default" }] }],
        }),
        problems: [
            'aks-entra:namespaces[0].workloads[0].serviceAccount "default" already exists in every namespace; give the workload its own service account',
        ],
    },
    {
        what: "a camel-case service account",
        config: min({
            namespaces: [{ name: "payments", workloads: [{ serviceAccount: "PaymentsApi" }] }],
        }),
        problems: [
            'aks-entra:namespaces[0].workloads[0].serviceAccount "PaymentsApi" is not a valid service account name (lowercase RFC 1123 label, max 63 chars)',
        ],
    },
    {
        what: "an unknown Azure role",
        config: dev(
            (c) =>
                (c["aks-entra:namespaces"][0].workloads[0].azureRoleAssignments[0].role =
                    "Super Reader"),
        ),
        problems: [
            `aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].role "Super Reader" is not a known built-in role; ${NOT_A_ROLE}`,
        ],
    },
    // Issue 29, item 7: a role the privilege table does not know is privileged until declared.
    {
        what: "a role GUID aks-entra does not know, for a workload and a pipeline",
        config: dev((c) => {
            c["aks-entra:namespaces"][0].workloads[0].azureRoleAssignments[0].role = UNKNOWN_ROLE;
            c["aks-entra:pipelines"][0].azureRoleAssignments[0].role = UNKNOWN_ROLE.toUpperCase();
        }),
        problems: [
            `aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].role "${UNKNOWN_ROLE}" ${UNDECLARED}`,
            `aks-entra:pipelines[0].azureRoleAssignments[0].role "${UNKNOWN_ROLE.toUpperCase()}" ${UNDECLARED}`,
        ],
    },
    {
        what: "a declaration of a role aks-entra knows, and one declared twice",
        config: dev((c) => {
            const declare = (role: string) => ({
                role,
                name: "Custom",
                access: "read",
                intent: "reads what it needs",
            });
            c["aks-entra:declaredRoles"] = [
                declare("acdd72a7-3385-48ef-bd42-f606fba81ae7"),
                declare(UNKNOWN_ROLE),
                declare(UNKNOWN_ROLE.toUpperCase()),
            ];
        }),
        problems: [
            'aks-entra:declaredRoles[0].role "acdd72a7-3385-48ef-bd42-f606fba81ae7" is Reader, a built-in role aks-entra knows (level and reason in its privilege table); remove the declaration',
            `aks-entra:declaredRoles declares role "${UNKNOWN_ROLE}" more than once`,
        ],
    },
    {
        what: "a declared role without a real intent or access level",
        config: dev((c) => {
            c["aks-entra:declaredRoles"] = [
                { role: UNKNOWN_ROLE, name: "Custom", access: "everything", intent: "x" },
            ];
        }),
        problems: [
            'aks-entra:declaredRoles[0].access "everything" is not allowed; allowed: read | write | admin',
            'aks-entra:declaredRoles[0].intent "x" is too short to say what the role is for (10 to 300 characters)',
        ],
    },
    {
        what: "Owner, by name",
        config: dev(
            (c) =>
                (c["aks-entra:namespaces"][0].workloads[0].azureRoleAssignments[0].role = "Owner"),
        ),
        problems: [
            'aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].role "Owner" (Owner) is never granted by aks-entra; grant a narrower data-plane role',
        ],
    },
    {
        what: "Contributor, by GUID",
        config: dev(
            (c) =>
                (c["aks-entra:pipelines"][0].azureRoleAssignments[0].role =
                    "b24988ac-6180-42a0-ab88-20f7382dd24c"),
        ),
        problems: [
            'aks-entra:pipelines[0].azureRoleAssignments[0].role "b24988ac-6180-42a0-ab88-20f7382dd24c" (Contributor) is never granted by aks-entra; grant a narrower data-plane role',
        ],
    },
    {
        what: "AKS Cluster Admin Role (local credentials), by GUID",
        config: dev(
            (c) =>
                (c["aks-entra:namespaces"][1].workloads[0].azureRoleAssignments[0].role =
                    "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8"),
        ),
        problems: [
            'aks-entra:namespaces[1].workloads[0].azureRoleAssignments[0].role "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8" (Azure Kubernetes Service Cluster Admin Role) is never granted by aks-entra; grant a narrower data-plane role',
        ],
    },
    {
        what: "a scope that is a resource name, not an id",
        config: dev(
            (c) =>
                (c["aks-entra:namespaces"][0].workloads[0].azureRoleAssignments[0].scope =
                    "kv-payments-prod"),
        ),
        problems: [
            `aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].scope "kv-payments-prod" is not an Azure resource id (it must start with /subscriptions/); expected ${ARM_ID}`,
        ],
    },
    // --- pipelines
    {
        what: "pipeline access to a namespace that is not declared",
        config: dev((c) => (c["aks-entra:pipelines"][0].namespaceAccess[0].namespace = "billing")),
        problems: [
            'aks-entra:pipelines[0].namespaceAccess[0].namespace "billing" is not declared in aks-entra:namespaces (declared: payments, observability)',
        ],
    },
    {
        what: "21 federated credentials on one pipeline identity",
        config: dev((c) => {
            c["aks-entra:pipelines"][0].github = Array.from({ length: 21 }, (_, i) => ({
                repository: "contoso/payments",
                environment: `env-${i + 1}`,
            }));
        }),
        problems: [
            "aks-entra:pipelines[0].github has 21 subjects; Azure allows at most 20 federated credentials per identity: split the pipeline in two",
        ],
    },
    {
        what: "a subject with both a branch and an environment",
        config: min({
            pipelines: [
                pipeline({
                    github: [
                        { repository: "contoso/payments", branch: "main", environment: "prod" },
                    ],
                }),
            ],
        }),
        problems: [
            'aks-entra:pipelines[0].github[0] {"repository":"contoso/payments","environment":"prod","branch":"main"} needs exactly one of environment, branch, tag or pullRequest: true (one exact subject per credential, never a wildcard)',
        ],
    },
    {
        what: "a subject for a whole repository",
        config: min({ pipelines: [pipeline({ github: [{ repository: "contoso/payments" }] })] }),
        problems: [
            'aks-entra:pipelines[0].github[0] {"repository":"contoso/payments"} needs exactly one of environment, branch, tag or pullRequest: true (one exact subject per credential, never a wildcard)',
        ],
    },
    {
        what: "a wildcard branch",
        config: dev((c) => (c["aks-entra:pipelines"][0].github[1].branch = "release/*")),
        problems: [
            'aks-entra:pipelines[0].github[1].branch "release/*" is not a branch name git accepts (no spaces, wildcards or ~ ^ : ? * [ \\)',
            // Pulumi.dev.yaml's second subject is an environment: with the branch it names two.
            'aks-entra:pipelines[0].github[1] {"repository":"contoso/payments","environment":"staging","branch":"release/*"} needs exactly one of environment, branch, tag or pullRequest: true (one exact subject per credential, never a wildcard)',
        ],
    },
    {
        what: "pullRequest: false",
        config: min({
            pipelines: [
                pipeline({ github: [{ repository: "contoso/payments", pullRequest: false }] }),
            ],
        }),
        problems: [
            "aks-entra:pipelines[0].github[0].pullRequest false is not allowed; allowed: true",
        ],
    },
    {
        what: "a repository without its owner",
        config: min({
            pipelines: [pipeline({ github: [{ repository: "payments", branch: "main" }] })],
        }),
        problems: [
            'aks-entra:pipelines[0].github[0].repository "payments" is not a GitHub repository (<owner>/<repo>)',
        ],
    },
    {
        what: "the same subject twice",
        config: dev((c) => {
            c["aks-entra:pipelines"][0].github.push({
                repository: "contoso/payments",
                branch: "main",
            });
        }),
        problems: [
            'aks-entra:pipelines[0].github lists subject "repo:contoso/payments:ref:refs/heads/main" twice; issuer+subject must be unique per identity',
        ],
    },
    {
        what: "two pipelines with one name",
        config: min({
            pipelines: [
                pipeline(),
                pipeline({ github: [{ repository: "contoso/payments", tag: "v1" }] }),
            ],
        }),
        problems: [
            'aks-entra:pipelines declares "deploy" more than once; pipeline names must be unique',
        ],
    },
    // --- login and deployer
    {
        what: "an unknown kubelogin mode",
        config: min({ kubeloginMode: "browser" }),
        problems: [
            'aks-entra:kubeloginMode "browser" is not allowed; allowed: azurecli | workloadidentity | spn | msi | interactive | devicecode',
        ],
    },
    // Proof-of-possession tokens: kubelogin asks for them in the interactive and spn logins only.
    {
        what: "kubeloginPop: yes (a string)",
        config: min({ kubeloginMode: "interactive", kubeloginPop: "yes" }),
        problems: ['aks-entra:kubeloginPop "yes" is not a boolean (true or false)'],
    },
    ...(["azurecli", "workloadidentity", "msi", "devicecode"] as const).map((mode) => ({
        what: `kubeloginPop with kubeloginMode ${mode}`,
        config: min({ kubeloginMode: mode, kubeloginPop: true }),
        problems: [
            `aks-entra:kubeloginPop true is used only with kubeloginMode interactive or spn (kubelogin requests proof-of-possession tokens only in those logins and ignores the flags in the others), but kubeloginMode is "${mode}"; set kubeloginMode: interactive or spn, or remove the key`,
        ],
    })),
    {
        what: "kubeloginPop with kubeloginMode left at its default",
        config: min({ kubeloginPop: true }),
        problems: [
            'aks-entra:kubeloginPop true is used only with kubeloginMode interactive or spn (kubelogin requests proof-of-possession tokens only in those logins and ignores the flags in the others), but kubeloginMode is "azurecli"; set kubeloginMode: interactive or spn, or remove the key',
        ],
    },
    {
        // The mode's own problem only: nothing is known about a mode that was refused.
        what: "kubeloginPop and a managed identity client id with an unknown kubelogin mode",
        config: min({
            kubeloginMode: "browser",
            kubeloginPop: true,
            deployer: { managedIdentityClientId: "6f0a7c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b" },
        }),
        problems: [
            'aks-entra:kubeloginMode "browser" is not allowed; allowed: azurecli | workloadidentity | spn | msi | interactive | devicecode',
        ],
    },
    {
        what: "a deployer of type Group",
        config: dev((c) => (c["aks-entra:deployer"].principalType = "Group")),
        problems: [
            'aks-entra:deployer.principalType "Group" is not allowed; allowed: User | ServicePrincipal',
        ],
    },
    {
        what: "an hour-long RBAC wait",
        config: dev((c) => (c["aks-entra:deployer"].rbacWaitSeconds = 3600)),
        problems: ["aks-entra:deployer.rbacWaitSeconds 3600 is above the maximum 900"],
    },
    // Rules added after review: combinations Azure refuses, or that hand out more than they say.
    {
        what: "a user pool whose minCount is above maxCount",
        config: min({ cluster: { userPools: [{ name: "apps", minCount: 5, maxCount: 2 }] } }),
        problems: ["aks-entra:cluster.userPools[0].minCount 5 is above maxCount 2"],
    },
    // Node pools and your own network (docs/azure-facts.md, failure modes 13 and 15).
    {
        what: "the retired inline cluster.userPool",
        config: min({ cluster: { userPool: { vmSize: "Standard_D8ds_v5", count: 2 } } }),
        problems: [
            "aks-entra:cluster.userPool is replaced by cluster.userPools, a list of pools that are each their own AgentPool (AKS refuses adding or removing a pool inside the cluster resource, so the inline pool could never be added or removed later); write under aks-entra:cluster: { userPools: [ { name: apps, vmSize: Standard_D8ds_v5, count: 2 } ] }. A cluster created with userPool keeps that pool until you delete it with az aks nodepool delete (docs/node-pools-and-networking.md: Node pools)",
        ],
    },
    {
        what: "user pools with a bad name, a twin, an AKS label and a taint without effect",
        config: min({
            cluster: {
                userPools: [
                    { name: "Apps-1" },
                    { name: "apps" },
                    {
                        name: "apps",
                        taints: ["dedicated=gpu"],
                        labels: { "kubernetes.azure.com/mode": "x" },
                    },
                ],
            },
        }),
        problems: [
            'aks-entra:cluster.userPools[0].name "Apps-1" is not a pool name (1-12 lowercase letters and digits, starting with a letter, as AKS allows for a Linux pool)',
            'aks-entra:cluster.userPools[2].labels key "kubernetes.azure.com/mode" uses the prefix kubernetes.azure.com, which AKS and the kubelet own',
            'aks-entra:cluster.userPools[2].taints[0] "dedicated=gpu" is not a taint (expected key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute)',
            'aks-entra:cluster.userPools has two pools named "apps"; pool names are unique',
        ],
    },
    // Pool tuning, the pod network and names (issue 23; docs/node-pools-and-networking.md: Node pools, Networking, Names).
    {
        what: "pool tuning outside what AKS takes, a 13-character pool name, a pod subnet on one pool",
        config: min({
            cluster: {
                systemPool: { maxPods: 5, osDiskType: "Temp", osDiskSizeGB: 10, maxSurge: "150%" },
                userPools: [
                    { name: "apps", maxPods: 300, maxSurge: 0 },
                    { name: "batch", maxSurge: "abc", subnetId: VNET, podSubnetId: "x" },
                    { name: "platformpool1" },
                ],
            },
        }),
        problems: [
            "aks-entra:cluster.systemPool.maxPods 5 is outside 10-250 (pods per node that Azure accepts)",
            'aks-entra:cluster.systemPool.osDiskType "Temp" is not allowed; allowed: Managed | Ephemeral',
            "aks-entra:cluster.systemPool.osDiskSizeGB 10 is outside 30-2048 (GiB of OS disk that Azure accepts)",
            `aks-entra:cluster.systemPool.maxSurge "150%" ${SURGE}`,
            "aks-entra:cluster.userPools[0].maxPods 300 is outside 10-250 (pods per node that Azure accepts)",
            `aks-entra:cluster.userPools[0].maxSurge 0 ${SURGE}`,
            `aks-entra:cluster.userPools[1].maxSurge "abc" ${SURGE}`,
            `aks-entra:cluster.userPools[1].subnetId "${VNET}" is not the id of a Microsoft.Network/virtualNetworks/subnets resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Network/virtualNetworks/<name>/subnets/<name>`,
            'aks-entra:cluster.userPools[1].podSubnetId "x" is not an Azure resource id; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Network/virtualNetworks/<name>/subnets/<name>',
            'aks-entra:cluster.userPools[2].name "platformpool1" is not a pool name (1-12 lowercase letters and digits, starting with a letter, as AKS allows for a Linux pool)',
        ],
    },
    {
        what: "an Ephemeral OS disk where the VM size has no room, and too few pods per pool",
        config: min({
            cluster: {
                systemPool: {
                    vmSize: "Standard_D4s_v5",
                    osDiskType: "Ephemeral",
                    count: 1,
                    maxPods: 10,
                },
                userPools: [
                    {
                        name: "apps",
                        vmSize: "Standard_D4ds_v5",
                        osDiskType: "Ephemeral",
                        osDiskSizeGB: 200,
                    },
                    {
                        name: "small",
                        vmSize: "Standard_D2ds_v5",
                        osDiskType: "Ephemeral",
                        count: 0,
                        minCount: 0,
                        maxCount: 3,
                        maxPods: 20,
                    },
                ],
            },
        }),
        problems: [
            "aks-entra:cluster.systemPool.maxPods 10 gives the pool room for 10 pods on its fewest nodes (1); AKS allows fewer than 30 pods per node only when a pool's nodes hold 30 together: raise maxPods or keep at least 3 nodes (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning)",
            'aks-entra:cluster.systemPool.osDiskType "Ephemeral": Standard_D4s_v5 has no local temp storage for an Ephemeral OS disk (only v5 sizes with "d" among their features have any, e.g. Standard_D4ds_v5)',
            'aks-entra:cluster.userPools[0].osDiskType "Ephemeral": an Ephemeral OS disk of 200 GiB does not fit in the 150 GiB of temp storage of Standard_D4ds_v5; set osDiskSizeGB to at most 150, or osDiskType Managed',
            "aks-entra:cluster.userPools[1].maxPods 20 gives the pool room for 0 pods on its fewest nodes (0); AKS allows fewer than 30 pods per node only when a pool's nodes hold 30 together: raise maxPods or keep at least 2 nodes (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning)",
            'aks-entra:cluster.userPools[1].osDiskType "Ephemeral": Standard_D2ds_v5 has 75 GiB of temp storage, less than the 128 GiB AKS sizes an Ephemeral OS disk from when osDiskSizeGB is not set; set osDiskSizeGB to at most 75',
        ],
    },
    {
        what: "pods on VNet IPs in a VNet AKS manages: plugin azure, a pool subnet and podCidr without subnetId",
        config: min({
            cluster: {
                network: { plugin: "azure", policy: "calico", podCidr: "10.244.0.0/16" },
                userPools: [
                    {
                        name: "apps",
                        subnetId: `${VNET}/subnets/apps`,
                        podSubnetId: `${VNET}/subnets/pods`,
                    },
                ],
            },
        }),
        problems: [
            `aks-entra:cluster.userPools[0].subnetId "${VNET}/subnets/apps" needs cluster.network.subnetId: a pool's subnets are subnets of your VNet, the one of cluster.network.subnetId (docs/node-pools-and-networking.md: Networking)`,
            `aks-entra:cluster.userPools[0].podSubnetId "${VNET}/subnets/pods" needs cluster.network.subnetId: a pool's subnets are subnets of your VNet, the one of cluster.network.subnetId (docs/node-pools-and-networking.md: Networking)`,
            'aks-entra:cluster.network.podCidr "10.244.0.0/16" applies to plugin "overlay" only: with plugin "azure" pods take addresses of your VNet (docs/network-plugins.md)',
            "aks-entra:cluster.systemPool has no podSubnetId, but cluster.userPools[0] has one; AKS runs one kind of pod networking in a cluster: give every pool a podSubnetId, or none (learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation)",
            'aks-entra:cluster.network.podCidr "10.244.0.0/16" needs cluster.network.subnetId: it describes your own network, and without subnetId AKS creates and manages the VNet (docs/node-pools-and-networking.md: Networking)',
            'aks-entra:cluster.network.plugin "azure" needs cluster.network.subnetId: pods take addresses of your VNet (the nodes\' subnet, or each pool\'s podSubnetId); use plugin "overlay" in a VNet AKS manages (docs/network-plugins.md)',
        ],
    },
    {
        what: "a pod subnet with the overlay, on the nodes' own subnet, and a pool in another VNet",
        config: min({
            cluster: {
                network: { subnetId: SUBNET },
                systemPool: { podSubnetId: SUBNET },
                userPools: [{ name: "apps", subnetId: `${VNET}/subnets/apps` }],
            },
        }),
        problems: [
            `aks-entra:cluster.systemPool.podSubnetId "${SUBNET}" needs cluster.network.plugin "azure": with Azure CNI Overlay pods take addresses from podCidr, not from a subnet (docs/network-plugins.md)`,
            `aks-entra:cluster.systemPool.podSubnetId "${SUBNET}" is the pool's node subnet; pods need a subnet of their own (learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation)`,
            `aks-entra:cluster.userPools[0].subnetId "${VNET}/subnets/apps" is in VNet "${VNET}", but cluster.network.subnetId is in "${SUBNET.replace("/subnets/aks", "")}"; AKS puts every pool, and its pods, in the cluster's VNet`,
            "aks-entra:cluster.userPools[0] has no podSubnetId, but cluster.systemPool has one; AKS runs one kind of pod networking in a cluster: give every pool a podSubnetId, or none (learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation)",
        ],
    },
    {
        what: "names Azure refuses, and an unknown key under names",
        config: min({
            names: {
                resourceGroup: "rg-platform.",
                cluster: "-aks",
                dnsPrefix: "a".repeat(55),
                nodeResourceGroup: "x".repeat(81),
                lockdown: true,
            },
        }),
        problems: [
            'aks-entra:names.resourceGroup "rg-platform." is not a name Azure accepts: a resource group name has 1-90 letters, digits, - _ . ( ), and does not end with a period',
            'aks-entra:names.cluster "-aks" is not a name Azure accepts: a cluster name has 1-63 letters, digits, - and _, starting and ending with a letter or digit',
            `aks-entra:names.dnsPrefix "${"a".repeat(55)}" is not a name Azure accepts: a DNS prefix has 1-54 letters, digits and -, starting and ending with a letter or digit`,
            `aks-entra:names.nodeResourceGroup "${"x".repeat(81)}" is not a name Azure accepts: a node resource group name has 1-80 letters, digits, - _ . ( ), and does not end with a period`,
            'aks-entra:names has unknown key "lockdown"; allowed: resourceGroup, cluster, dnsPrefix, nodeResourceGroup, nodeResourceGroupLockdown',
        ],
    },
    {
        what: "a node resource group that is the cluster's own resource group",
        config: min({ names: { resourceGroup: "rg-aks-prod", nodeResourceGroup: "RG-AKS-PROD" } }),
        problems: [
            'aks-entra:names.nodeResourceGroup "RG-AKS-PROD" is names.resourceGroup; AKS creates the node resource group itself and needs one of its own: choose another name',
        ],
    },
    {
        what: "a VNet id as the subnet, and a service range without its DNS address",
        config: min({ cluster: { network: { subnetId: VNET, serviceCidr: "10.0.0.0/16" } } }),
        problems: [
            `aks-entra:cluster.network.subnetId "${VNET}" is not the id of a Microsoft.Network/virtualNetworks/subnets resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Network/virtualNetworks/<name>/subnets/<name>`,
            'aks-entra:cluster.network needs serviceCidr and dnsServiceIp together (got {"serviceCidr":"10.0.0.0/16"}); the DNS service address lies in the service range',
        ],
    },
    {
        what: "overlapping ranges, a DNS address outside its range, user-defined routing without its route table",
        config: min({
            cluster: {
                network: {
                    subnetId: SUBNET,
                    serviceCidr: "10.0.0.0/16",
                    dnsServiceIp: "10.1.0.10",
                    podCidr: "10.0.0.0/8",
                    outboundType: "userDefinedRouting",
                },
            },
        }),
        problems: [
            'aks-entra:cluster.network.dnsServiceIp "10.1.0.10" is outside serviceCidr "10.0.0.0/16"',
            'aks-entra:cluster.network.podCidr "10.0.0.0/8" overlaps serviceCidr "10.0.0.0/16"; pods and services need separate ranges',
            'aks-entra:cluster.network.outboundType "userDefinedRouting" needs routeTableId: the route table of the subnet, on which the control-plane identity is given Network Contributor before the cluster (AKS reads and writes routes there)',
        ],
    },
    {
        what: "a range AKS reserves, host bits, the service range's first address for DNS",
        config: min({
            cluster: {
                network: {
                    subnetId: SUBNET,
                    serviceCidr: "172.30.0.0/16",
                    dnsServiceIp: "172.30.0.1",
                    podCidr: "10.244.0.1/16",
                },
            },
        }),
        problems: [
            'aks-entra:cluster.network.podCidr "10.244.0.1/16" has host bits set; did you mean 10.244.0.0/16?',
            'aks-entra:cluster.network.serviceCidr "172.30.0.0/16" overlaps 172.30.0.0/16, which AKS reserves; choose another private range',
        ],
    },
    {
        what: "the DNS service at the first address of its range",
        config: min({
            cluster: {
                network: { subnetId: SUBNET, serviceCidr: "10.0.0.0/16", dnsServiceIp: "10.0.0.1" },
            },
        }),
        problems: [
            'aks-entra:cluster.network.dnsServiceIp "10.0.0.1" is the first address of serviceCidr, which Kubernetes keeps for itself; use e.g. the tenth',
        ],
    },
    {
        what: "a private cluster with namespaces and no subnet",
        config: min({ cluster: { privateCluster: true }, namespaces: [{ name: "web" }] }),
        problems: [
            "aks-entra:cluster.privateCluster is true and the stack creates Kubernetes objects (aks-entra:namespaces), but cluster.network.subnetId is not set: the API server would get a private address in a VNet that AKS creates and nothing can reach, so pulumi up could not create the namespaces. Set cluster.network.subnetId to a subnet of your VNet and run pulumi up from that VNet or a peered one (docs/node-pools-and-networking.md: Networking), or leave privateCluster false and restrict authorizedIpRanges",
        ],
    },
    {
        what: "KMS with a private key vault and no API Server VNet Integration",
        config: dev(
            (c) =>
                (c["aks-entra:cluster"].kms = {
                    keyVaultId: KV_ETCD,
                    keyId: KV_KEY,
                    network: "private",
                }),
        ),
        problems: [KMS_PRIVATE_NEEDS_API_SUBNET],
    },
    {
        what: "KMS with a private key vault in a VNet that AKS manages",
        config: min({
            cluster: { kms: { keyVaultId: KV_ETCD, keyId: KV_KEY, network: "private" } },
        }),
        problems: [KMS_PRIVATE_NEEDS_API_SUBNET],
    },
    {
        what: "an API server subnet that is the nodes' subnet, in other letters",
        config: dev((c) => {
            const n = c["aks-entra:cluster"].network;
            n.apiServerSubnetId = n.subnetId.toLowerCase();
            c["aks-entra:cluster"].kms = { keyVaultId: KV_ETCD, keyId: KV_KEY, network: "private" };
        }),
        problems: [
            `aks-entra:cluster.network.apiServerSubnetId "${DEV_SUBNET.toLowerCase()}" is the nodes' subnetId; API Server VNet Integration needs a subnet of its own in the same VNet, delegated to Microsoft.ContainerService/managedClusters and used by nothing else (learn.microsoft.com/azure/aks/api-server-vnet-integration)`,
        ],
    },
    {
        what: "an API server subnet in another VNet than the nodes",
        config: dev(
            (c) => (c["aks-entra:cluster"].network.apiServerSubnetId = `${VNET}/subnets/apiserver`),
        ),
        problems: [
            `aks-entra:cluster.network.apiServerSubnetId "${VNET}/subnets/apiserver" is in VNet "${VNET}", but the nodes' subnetId is in "${DEV_SUBNET.replace("/subnets/aks", "")}"; AKS projects the API server into a subnet of the nodes' VNet (learn.microsoft.com/azure/aks/api-server-vnet-integration)`,
        ],
    },
    {
        what: "an API server subnet given as its VNet, with a private key vault",
        config: dev((c) => {
            c["aks-entra:cluster"].network.apiServerSubnetId = VNET;
            c["aks-entra:cluster"].kms = { keyVaultId: KV_ETCD, keyId: KV_KEY, network: "private" };
        }),
        problems: [
            `aks-entra:cluster.network.apiServerSubnetId "${VNET}" is not the id of a Microsoft.Network/virtualNetworks/subnets resource; expected /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Network/virtualNetworks/<name>/subnets/<name>`,
        ],
    },
    {
        what: "a private DNS zone on a public cluster",
        config: min({ cluster: { privateDnsZone: "system" } }),
        problems: [
            'aks-entra:cluster.privateDnsZone "system" applies only to a private cluster; set privateCluster: true or remove it',
        ],
    },
    {
        what: "a private DNS zone of another region, without your own subnet",
        config: min({
            location: "westeurope",
            cluster: { privateCluster: true, privateDnsZone: ZONE_EASTUS },
        }),
        problems: [
            `aks-entra:cluster.privateDnsZone "${ZONE_EASTUS}" is a zone for eastus, but the cluster is in westeurope; AKS needs privatelink.westeurope.azmk8s.io (or a subzone of it)`,
            "aks-entra:cluster.privateDnsZone: your own zone needs cluster.network.subnetId (the zone must be linked to the cluster's VNet, which then is yours)",
        ],
    },
    {
        what: "a private DNS zone AKS does not accept",
        config: min({
            cluster: {
                privateCluster: true,
                privateDnsZone: `${NETWORK}/privateDnsZones/contoso.com`,
            },
        }),
        problems: [
            `aks-entra:cluster.privateDnsZone "${NETWORK}/privateDnsZones/contoso.com" names a zone AKS does not accept: privatelink.<region>.azmk8s.io or <subzone>.privatelink.<region>.azmk8s.io`,
        ],
    },
    {
        what: "a pinned version with the stable upgrade channel",
        config: min({ kubernetesVersion: "1.40", cluster: { autoUpgradeChannel: "stable" } }),
        problems: [
            'aks-entra:kubernetesVersion "1.40" is pinned but cluster.autoUpgradeChannel "stable" moves the minor version; the next pulumi up would try to downgrade. Remove kubernetesVersion or use autoUpgradeChannel patch/none',
        ],
    },
    {
        what: "a pinned patch with the patch upgrade channel",
        config: min({ kubernetesVersion: "1.40.2" }),
        problems: [
            'aks-entra:kubernetesVersion "1.40.2" pins a patch but cluster.autoUpgradeChannel "patch" moves it; give the minor only (e.g. "1.40") or use autoUpgradeChannel none',
        ],
    },
    {
        what: "node-image upgrades with a SecurityPatch node OS channel",
        config: min({
            cluster: { autoUpgradeChannel: "node-image", nodeOsUpgradeChannel: "SecurityPatch" },
        }),
        problems: [
            'aks-entra:cluster.nodeOsUpgradeChannel "SecurityPatch" cannot be combined with autoUpgradeChannel "node-image" (AKS then upgrades node images itself); use NodeImage or another autoUpgradeChannel',
        ],
    },
    {
        what: "a pull-request pipeline with cluster-admin and namespace admin",
        config: min({
            namespaces: [{ name: "web" }],
            pipelines: [
                pipeline({
                    github: [{ repository: "contoso/web", pullRequest: true }],
                    clusterAccess: "cluster-admin",
                    namespaceAccess: [{ namespace: "web", role: "admin" }],
                }),
            ],
        }),
        problems: [
            "aks-entra:pipelines[0] trusts pull_request workflows yet has clusterAccess cluster-admin, admin on namespace web; a pipeline that trusts pull requests gets at most clusterAccess reader and namespace writer: move the rest to a deploy pipeline that trusts an environment or branch",
        ],
    },
    {
        what: "an AKS access role as a workload's Azure role",
        config: min({
            namespaces: [
                {
                    name: "web",
                    workloads: [
                        {
                            serviceAccount: "api",
                            azureRoleAssignments: [
                                { role: "Azure Kubernetes Service RBAC Cluster Admin", scope: KV },
                            ],
                        },
                    ],
                },
            ],
        }),
        problems: [
            'aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].role "Azure Kubernetes Service RBAC Cluster Admin" is an AKS access role; give cluster access with clusterAccess, namespaces[].access or pipelines[].clusterAccess/namespaceAccess instead',
        ],
    },
    {
        what: "AKS Contributor (can rewrite the admin groups), by name",
        config: min({
            namespaces: [
                {
                    name: "web",
                    workloads: [
                        {
                            serviceAccount: "api",
                            azureRoleAssignments: [
                                { role: "Azure Kubernetes Service Contributor Role", scope: KV },
                            ],
                        },
                    ],
                },
            ],
        }),
        problems: [
            'aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].role "Azure Kubernetes Service Contributor Role" (Azure Kubernetes Service Contributor Role) is never granted by aks-entra; grant a narrower data-plane role',
        ],
    },
    {
        what: "Key Vault Data Access Administrator, by GUID",
        config: min({
            namespaces: [
                {
                    name: "web",
                    workloads: [
                        {
                            serviceAccount: "api",
                            azureRoleAssignments: [
                                { role: "8b54135c-b56d-4d72-a534-26097cfdc8d8", scope: KV },
                            ],
                        },
                    ],
                },
            ],
        }),
        problems: [
            'aks-entra:namespaces[0].workloads[0].azureRoleAssignments[0].role "8b54135c-b56d-4d72-a534-26097cfdc8d8" (Key Vault Data Access Administrator) is never granted by aks-entra; grant a narrower data-plane role',
        ],
    },
    {
        what: "a tag name Azure refuses",
        config: min({ tags: { "team/owner": "payments" } }),
        problems: [
            'aks-entra:tags key "team/owner" is not a valid Azure tag name (no < > % & \\ ? /)',
        ],
    },
    {
        what: "IPv6 ranges: the whole Internet, and host bits set",
        config: min({ cluster: { authorizedIpRanges: ["::/0", "2001:db8::1/32"] } }),
        problems: [
            'aks-entra:cluster.authorizedIpRanges[0] "::/0" opens the API server to the whole Internet; remove authorizedIpRanges instead',
            'aks-entra:cluster.authorizedIpRanges[1] "2001:db8::1/32" has host bits set; did you mean 2001:db8::/32?',
        ],
    },
    {
        what: "a deployer object id that is not a GUID",
        config: min({ deployer: { objectId: "me" } }),
        problems: ['aks-entra:deployer.objectId "me" is not an object id (a GUID)'],
    },
];

/** Several problems in one config: every one is reported, in one run. */
const SEVERAL: BadInput = {
    what: "six problems in one config",
    config: dev((c) => {
        c["aks-entra:location"] = "West Europe";
        c["aks-entra:clusterAccess"][1].role = "owner";
        c["aks-entra:namespaces"][1].name = "kube-observability";
        c["aks-entra:pipelines"][0].namespaceAccess[0].namespace = "billing";
        c["aks-entra:kubeloginMode"] = "browser";
        c["aks-entra:protect"] = "no";
    }),
    problems: [
        'aks-entra:location "West Europe" is not an Azure region name (e.g. westeurope)',
        'aks-entra:clusterAccess[1].role "owner" is not allowed; allowed: reader | writer | admin | cluster-admin',
        'aks-entra:kubeloginMode "browser" is not allowed; allowed: azurecli | workloadidentity | spn | msi | interactive | devicecode',
        'aks-entra:protect "no" is not a boolean (true or false)',
        `aks-entra:namespaces[1].name "kube-observability" is a namespace AKS already owns; choose another name (${RESERVED})`,
        'aks-entra:pipelines[0].namespaceAccess[0].namespace "billing" is not declared in aks-entra:namespaces (declared: payments, kube-observability)',
    ],
};

const ALL = [...CASES, ...HOSTILE, ...HOSTILE_INPUT, ...HOSTILE_ACCESS_PATHS, SEVERAL];

// ---------------------------------------------------------------------------------------------
// `npm run plan -- --config FILE`, run as the package.json script runs it.

interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

function spawnCollect(command: string, args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: ROOT,
            env: {
                ...process.env,
                PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
                NO_COLOR: "1",
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += String(d)));
        child.stderr.on("data", (d) => (stderr += String(d)));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** The `plan` script of package.json (`tsx plan/main.ts`), with `--config FILE` appended. */
function planScript(file: string): [string, string[]] {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
    };
    const [command, ...args] = pkg.scripts.plan.split(/\s+/);
    return [command, [...args, "--config", file]];
}

const messageOf = (problems: string[]) => new ConfigError(problems).message;

describe("bad input: rejected before any resource, with every problem named", function () {
    this.timeout(180_000);
    let dir: string;
    const files = new Map<BadInput, string>();

    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "aks-entra-bad-input-"));
        ALL.forEach((c, i) => {
            const file = path.join(dir, `case-${String(i).padStart(3, "0")}.yaml`);
            writeFileSync(file, stringify({ config: c.config }));
            files.set(c, file);
        });
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    it(`has at least 40 malformed and 40 hostile configs (${CASES.length}, ${HOSTILE.length}), each named once`, () => {
        assert.ok(CASES.length >= 40);
        assert.ok(HOSTILE.length >= 40);
        assert.equal(new Set(ALL.map((c) => c.what)).size, ALL.length);
        for (const c of ALL) {
            for (const p of c.problems) {
                assert.match(p, /^aks-entra:[a-zA-Z_]+/, `${c.what}: names the key path`);
            }
        }
    });

    for (const c of ALL) {
        describe(c.what, () => {
            it("config validation lists exactly these problems", () => {
                assert.throws(
                    () => configFromPulumi(pulumiConfigMap(c.config)),
                    (e: unknown) => {
                        assert.ok(e instanceof ConfigError, String(e));
                        assert.deepEqual(e.problems, c.problems);
                        return true;
                    },
                );
            });

            it("the program fails with that message and registers nothing", async () => {
                const failure = await runProgram({ config: c.config }).then(
                    () => assert.fail("the program accepted a bad config"),
                    (e: unknown) => e,
                );
                assert.ok(failure instanceof ProgramFailure, String(failure));
                assert.equal(failure.message, messageOf(c.problems));
                assert.deepEqual(failure.registrations, []);
            });

            const refused = SCHEMA_REFUSES.has(c.what);
            it(
                refused
                    ? "the stack files' JSON Schema refuses it too, as an editor shows it"
                    : "the JSON Schema cannot express it: the program alone refuses it",
                () => {
                    assert.equal(schemaErrors({ config: c.config }).length > 0, refused);
                },
            );

            it("npm run plan exits 1 and prints the message, no stack trace", async () => {
                // The CLI in-process; the two tests at the end run it as a process.
                const result = await plan("--config", files.get(c)!);
                assert.equal(result.code, 1, result.stderr);
                assert.equal(result.stdout, "");
                assert.ok(result.stderr.startsWith("plan: "), result.stderr);
                assert.ok(result.stderr.endsWith(`${messageOf(c.problems)}\n`), result.stderr);
                assert.doesNotMatch(result.stderr, /^\s+at /m);
            });
        });
    }

    it("the literal plan script (tsx plan/main.ts) exits 1 for the several-problems config", async () => {
        const file = path.join(dir, "several-script.yaml");
        writeFileSync(file, stringify({ config: SEVERAL.config }));
        const result = await spawnCollect(...planScript(file));
        assert.equal(result.code, 1, result.stderr);
        assert.ok(result.stderr.endsWith(`${messageOf(SEVERAL.problems)}\n`), result.stderr);
    });

    it("npm run plan itself (through npm) exits non-zero for the several-problems config", async () => {
        const file = path.join(dir, "several-npm.yaml");
        writeFileSync(file, stringify({ config: SEVERAL.config }));
        const npm = process.env.npm_execpath;
        const [command, args] = npm
            ? [process.execPath, [npm, "run", "--silent", "plan", "--", "--config", file]]
            : ["npm", ["run", "--silent", "plan", "--", "--config", file]];
        const result = await spawnCollect(command, args);
        assert.notEqual(result.code, 0);
        assert.ok(result.stderr.includes(messageOf(SEVERAL.problems)), result.stderr);
    });
});
