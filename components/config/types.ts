// The validated configuration: what the components consume. Pure module (types only).
import type { AutoscalerProfile } from "../autoscalerProfile";
import type { PodSecurityEffect, PodSecurityStandard } from "../podSecurityPolicy";
import type { DeclaredAccess } from "../access/privilege";
import type { AccessRole, NamespaceAccessRole } from "../roles";
import type {
    CA_CONTROLS,
    CA_STATES,
    KMS_NETWORK,
    KubeloginMode,
    LOG_CATEGORIES,
    NETWORK_PLUGINS,
    NETWORK_POLICIES,
    NODE_OS_UPGRADE_CHANNELS,
    OS_DISK_TYPES,
    OS_SKUS,
    OUTBOUND_TYPES,
    PodSecurityLevel,
    PRINCIPAL_TYPES,
    TIERS,
    UPGRADE_CHANNELS,
    WEEKDAYS,
} from "./constants";

/** What every node pool has. vmSize, zones, osSku and spot cannot change on an existing pool. */
export interface NodePool {
    vmSize: string;
    count: number;
    minCount?: number;
    maxCount?: number;
    zones: string[];
    osSku: (typeof OS_SKUS)[number];
    /** AgentPool properties no key covers (docs/extra-properties.md). Undefined: none. */
    extraProperties?: Record<string, unknown>;
    /** Pods per node. Undefined: AKS's default for the network plugin. Create-only. */
    maxPods?: number;
    /** Undefined: AKS chooses (Ephemeral when the VM size has room). Create-only. */
    osDiskType?: (typeof OS_DISK_TYPES)[number];
    /** Undefined: AKS's default for the VM size. Create-only. */
    osDiskSizeGB?: number;
    /** Extra nodes during an upgrade: a count or `N%` (as AKS takes it). Undefined: AKS's default. */
    maxSurge?: string;
    /** The pool's own subnet, in cluster.network's VNet. Undefined: cluster.network.subnetId. */
    subnetId?: string;
    /** The subnet pods take addresses from (network.plugin azure). Create-only. */
    podSubnetId?: string;
}

/** The inline system pool: AKS needs one at create, and it cannot be replaced in place. */
export interface SystemPool extends NodePool {
    /** Taint CriticalAddonsOnly so only system pods run here. Default: when userPools exist. */
    criticalAddonsOnly: boolean;
}

/** A pool for applications: its own AgentPool resource (components/nodePools.ts). */
export interface UserPool extends NodePool {
    /** Name in config (1-8 chars); the Azure name adds a hash of the immutable settings. */
    name: string;
    labels: Record<string, string>;
    taints: string[];
    spot: boolean;
}

/** A bring-your-own subnet for every pool (Azure CNI Overlay: pods get addresses from podCidr). */
export interface NetworkSettings {
    subnetId: string;
    podCidr?: string;
    serviceCidr?: string;
    dnsServiceIp?: string;
    outboundType: (typeof OUTBOUND_TYPES)[number];
    /** The subnet's route table: the control plane is granted on it too. */
    routeTableId?: string;
    /**
     * API Server VNet Integration: the subnet AKS projects the API server into (a subnet of the
     * nodes' VNet, delegated to Microsoft.ContainerService/managedClusters, at least /28). The
     * control plane is granted Network Contributor on it before the cluster. Undefined: off.
     */
    apiServerSubnetId?: string;
}

/** A weekly planned-maintenance window (MaintenanceConfiguration). */
export interface MaintenanceWindow {
    day: (typeof WEEKDAYS)[number];
    /** `HH:mm` in utcOffset. */
    start: string;
    durationHours: number;
    utcOffset: string;
    everyWeeks: number;
}

/** KMS etcd encryption with a key of yours (opt-in). */
export interface KmsSettings {
    /** Versioned key id: https://<vault>.vault.azure.net/keys/<name>/<version>. */
    keyId: string;
    keyVaultId: string;
    network: (typeof KMS_NETWORK)[number];
    /** ARM id of the key (`<keyVaultId>/keys/<name>`): where the control plane is granted. */
    keyResourceId: string;
}

/** cluster.monitoring (components/monitoring.ts). */
export interface MonitoringSettings {
    /** The monitoring add-on (omsagent) with its data collection rule, to the stack's workspace. */
    containerInsights: boolean;
    /** Managed Prometheus. Undefined: off. `azureMonitorWorkspaceId` undefined: the stack creates one. */
    prometheus?: { azureMonitorWorkspaceId?: string };
    /** Microsoft's recommended Prometheus alert rule groups (needs prometheus). Undefined: off. */
    alerts?: { actionGroupId?: string };
}

/** cluster.secretsStore: the Key Vault Secrets Store CSI driver add-on, rotation on. */
export interface SecretsStoreSettings {
    /** A Go duration, e.g. 2m (the add-on's default). */
    rotationPollInterval: string;
}

/** How pods are networked (networkProfile): fixed when the cluster is created. */
export interface PodNetwork {
    /** overlay: Azure CNI Overlay; azure: pods on VNet IPs. */
    plugin: (typeof NETWORK_PLUGINS)[number];
    /** The policy engine; cilium runs on the Cilium dataplane, the others on Azure's. */
    policy: (typeof NETWORK_POLICIES)[number];
}

export interface ClusterSettings {
    tier: (typeof TIERS)[number];
    podNetwork: PodNetwork;
    systemPool: SystemPool;
    /** Pools for applications, each an AgentPool: adding or removing one leaves the cluster alone. */
    userPools: UserPool[];
    /** Undefined: AKS creates and manages the VNet. */
    network?: NetworkSettings;
    authorizedIpRanges: string[];
    privateCluster: boolean;
    /** Private clusters: `system`, `none` or a private DNS zone id. Undefined on public clusters. */
    privateDnsZone?: string;
    autoUpgradeChannel: (typeof UPGRADE_CHANNELS)[number];
    nodeOsUpgradeChannel: (typeof NODE_OS_UPGRADE_CHANNELS)[number];
    disableRunCommand: boolean;
    /** SSH into nodes as a local user. Default false: sshAccess Disabled on every pool. */
    nodeSsh: boolean;
    /** The Azure Policy add-on (addonProfiles.azurepolicy). */
    azurePolicy: boolean;
    imageCleaner: { enabled: boolean; intervalHours: number };
    /** Registries the kubelet identity pulls from (AcrPull on each). */
    containerRegistries: string[];
    /** Defender for Containers' security monitoring (opt-in). Undefined: off. */
    defender?: { workspaceId?: string };
    /** Encryption at host on every pool (opt-in; a subscription feature). */
    encryptionAtHost: boolean;
    kms?: KmsSettings;
    maintenance: { autoUpgrade?: MaintenanceWindow; nodeOs?: MaintenanceWindow };
    /** The cluster autoscaler's settings by their az names. Undefined: AKS's defaults. */
    autoscalerProfile?: AutoscalerProfile;
    /**
     * A disk encryption set of yours: OS and data disks encrypted with its customer-managed key.
     * The control plane holds Reader on it before the cluster. Undefined: platform-managed keys.
     */
    diskEncryptionSetId?: string;
    /** Microsoft's pod security initiative assigned at the cluster. Undefined: none. */
    podSecurity?: { standard: PodSecurityStandard; effect: PodSecurityEffect };
    /** ManagedCluster properties no key covers (docs/extra-properties.md). Undefined: none. */
    extraProperties?: Record<string, unknown>;
    /** The application routing add-on (managed NGINX ingress). Undefined: not sent. */
    appRouting?: boolean;
    /** Seconds between a new Managed Identity Operator grant and the cluster (ClusterIdentities). */
    kubeletGrantWaitSeconds: number;
    monitoring: MonitoringSettings;
    /** Undefined: the Secrets Store CSI driver add-on is off. */
    secretsStore?: SecretsStoreSettings;
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
    /**
     * The rules the bound ClusterRole holds, as the stack file declares them: required for a
     * ClusterRole other than view/edit/admin/cluster-admin, so the checks and the plan see them.
     */
    clusterRoleRules?: PolicyRule[];
    groups: GroupRef[];
    /**
     * The config's explicit acceptance of a Role equal to cluster-admin in its namespace (`*` on
     * `*`, escalate/bind/impersonate, or the cluster-admin ClusterRole). False: such a Role is refused.
     */
    allowPrivilegeEscalation: boolean;
}

export interface Workload {
    namespace: string;
    serviceAccount: string;
    azureRoleAssignments: AzureRoleGrant[];
}

/**
 * Pod Security Admission of a namespace: the `pod-security.kubernetes.io/<mode>` labels and their
 * `<mode>-version` (https://kubernetes.io/docs/concepts/security/pod-security-admission/).
 */
export interface PodSecurity {
    /** Pods above this level are refused. Default baseline; restricted when a pull_request pipeline writes there. */
    enforce: PodSecurityLevel;
    /** Pods above this level get a warning. Default restricted. */
    warn: PodSecurityLevel;
    /** Pods above this level are marked in the audit log. Default restricted. */
    audit: PodSecurityLevel;
    /** Version of the standards the three labels apply: "latest" (default) or v1.MINOR. */
    version: string;
}

export interface NamespaceSettings {
    name: string;
    podSecurity: PodSecurity;
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
    /** Why writer or admin on the whole cluster is needed (docs/configuration.md: cluster-wide write). */
    clusterWideException?: string;
    namespaceAccess: { namespace: string; role: NamespaceAccessRole }[];
    azureRoleAssignments: AzureRoleGrant[];
}

/** Just-in-time access: a group whose members PIM adds on activation, and that group's access. */
export interface JitAccess {
    name: string;
    role: AccessRole;
    /** Namespace scope; undefined: the cluster. */
    namespace?: string;
    /** Users or groups made eligible members (object ids; aliases resolved). */
    eligible: GroupRef[];
    /** Minutes an activation lasts at most. */
    maxActivationMinutes: number;
    requireJustification: boolean;
    requireMfa: boolean;
    requireApproval: boolean;
    /** Approvers: a group (an alias or an id listed in aks-entra:groups) or a user (any other id). */
    approvers: (GroupRef & { kind: "user" | "group" })[];
    /** Why writer or admin on the whole cluster without approval is needed. */
    clusterWideException?: string;
}

/** A role the privilege table (components/access/privilege.ts) does not know, declared by the stack file. */
export interface DeclaredRole {
    /** Lowercase role definition GUID. */
    guid: string;
    name: string;
    access: DeclaredAccess;
    intent: string;
}

export interface ConditionalAccessSettings {
    state: (typeof CA_STATES)[number];
    require: (typeof CA_CONTROLS)[number][];
    /** Undefined: the stack's admin groups and JIT groups. */
    groups?: GroupRef[];
    excludeGroups: GroupRef[];
    /**
     * The excluded groups declared emergency access (break-glass): the only ones that may hold
     * cluster-admin and still be excluded, and the only ones the plan treats as break-glass.
     */
    breakGlassGroups: GroupRef[];
}

/** A team of a platform stack (aks-entra:teams; docs/team-stacks.md). */
export interface TeamSettings {
    name: string;
    /** Namespaces the platform creates for the team; its team stack configures them. */
    namespaces: string[];
    /** The team's groups: Azure Kubernetes Service RBAC Reader on its namespaces, and a kubeconfig. */
    groups: GroupRef[];
    /** Subjects the team's deployment identity trusts. */
    github: GitHubSubject[];
}

/** The estate's state backend and secrets key (aks-entra:stateBackend; components/stateAccess.ts). */
export interface StateBackendSettings {
    /** ARM id of the bootstrap's state container (`.../blobServices/default/containers/<name>`). */
    containerId: string;
    /** ARM id of the bootstrap's secrets key (`.../vaults/<vault>/keys/<key>`). */
    secretsKeyId: string;
}

/** The platform stack a team stack belongs to (aks-entra:platform). */
export interface PlatformRef {
    /** `<organization>/<project>/<stack>`. */
    stack: string;
    team: string;
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
    clusterAccess: { group: GroupRef; role: AccessRole; clusterWideException?: string }[];
    namespaces: NamespaceSettings[];
    pipelines: Pipeline[];
    jit: JitAccess[];
    /** Roles the privilege table does not list, declared with their access and intent. */
    declaredRoles: DeclaredRole[];
    /** Undefined: no Conditional Access policy. */
    conditionalAccess?: ConditionalAccessSettings;
    kubeloginMode: KubeloginMode;
    /**
     * kubelogin asks Entra for proof-of-possession tokens, bound to a key on the signing-in machine
     * and to the cluster's ARM id, in the logins that support them (interactive, spn:
     * components/pop.ts). Default false: bearer tokens.
     */
    kubeloginPop: boolean;
    deployer: {
        /**
         * The principal that runs `pulumi up`, fixed in config so a change of operator does not move
         * the grants. Undefined: whoever is logged in (getClientConfig).
         */
        objectId?: string;
        /** Undefined: read from the Azure login (components/deployer.ts). */
        principalType?: (typeof PRINCIPAL_TYPES)[number];
        clusterAdmin: boolean;
        rbacWaitSeconds: number;
        /**
         * Client id of the user-assigned managed identity a runner signs in with, written into the
         * kubeconfig as kubelogin's `--client-id` (kubeloginMode msi only). Undefined: the runner's
         * only (or system-assigned) identity.
         */
        managedIdentityClientId?: string;
    };
    /** The cluster's audit trail: a diagnostic setting to a Log Analytics workspace. */
    auditLogs: {
        enabled: boolean;
        /** An existing workspace. Undefined: one in the stack's resource group. */
        workspaceId?: string;
        categories: (typeof LOG_CATEGORIES)[number][];
        /** Retention of the workspace the stack creates. */
        retentionDays: number;
        /** The AllMetrics category group too. */
        metrics: boolean;
        /** Further sinks of the same setting: a storage account, an event hub. */
        storageAccountId?: string;
        eventHub?: { authorizationRuleId: string; name: string };
    };
    /** Names of your convention (aks-entra:names); each undefined: derived (components/naming.ts). */
    names: {
        resourceGroup?: string;
        cluster?: string;
        dnsPrefix?: string;
        nodeResourceGroup?: string;
        /**
         * The node resource group read-only (nodeResourceGroupProfile.restrictionLevel ReadOnly);
         * false: Unrestricted (turns a lockdown off). Undefined: not sent, AKS's default.
         */
        nodeResourceGroupLockdown?: boolean;
    };
    protect: boolean;
    /** Teams of a platform stack (empty on other stacks). */
    teams: TeamSettings[];
    /** Set on a team stack: it creates no cluster and configures only its team's namespaces. */
    platform?: PlatformRef;
    /** A platform stack's state backend: its teams' identities get their state access on it. */
    stateBackend?: StateBackendSettings;
    tags: Record<string, string>;
    /** Keys left at their defaults, for reviewers (the plan's findings). */
    defaultsUsed: string[];
}
