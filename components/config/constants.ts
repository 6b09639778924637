// Names, limits and allowed values of the configuration. Pure module.

/** The Pulumi config namespace of this project: every key is `aks-entra:<key>`. */
export const NAMESPACE = "aks-entra";

/** Azure's limit on federated identity credentials per managed identity (docs/azure-facts.md, item 3). */
export const MAX_FEDERATED_CREDENTIALS = 20;
/** AKS accepts at most 200 authorized IP ranges. */
export const MAX_AUTHORIZED_RANGES = 200;
/**
 * Azure allows at most 50 tags on a resource
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations);
 * the stack adds its own (STACK_TAG_NAMES) to every resource it tags.
 */
export const MAX_TAGS = 50;

/**
 * The wait after a new Managed Identity Operator grant, in seconds (docs/azure-facts.md, failure
 * mode 11). The default is the 2 minutes aztfmod/terraform-azurerm-caf waits after the grant
 * (#1687); 60 s is the shortest wait seen in published configurations. At most 120: the wait is on
 * the critical path of every first `pulumi up`.
 */
export const KUBELET_GRANT_WAIT = { min: 60, max: 120, default: 120 } as const;
/** Tags the stack puts on every resource it tags (components/stack.ts); config may not set them. */
export const STACK_TAG_NAMES = ["managed-by", "aks-entra-project", "aks-entra-stack"] as const;
export const KUBELOGIN_MODES = [
    "azurecli",
    "workloadidentity",
    "spn",
    "msi",
    "interactive",
    "devicecode",
] as const;
export type KubeloginMode = (typeof KUBELOGIN_MODES)[number];
/**
 * The logins in which kubelogin requests proof-of-possession tokens (`--pop-enabled`): its
 * credential factory builds a PoP credential for interactive, spn and ropc only, and ignores the
 * flags in every other login (Azure/kubelogin pkg/internal/token/provider.go; docs/azure-facts.md,
 * "Proof-of-possession tokens"). ropc is not a mode this stack offers.
 */
export const POP_LOGIN_MODES = ["interactive", "spn"] as const satisfies readonly KubeloginMode[];

/**
 * AKS refuses VM sizes with fewer than 2 vCPUs for any node pool
 * (https://learn.microsoft.com/azure/aks/quotas-skus-regions, "Restricted VM sizes").
 */
export const MIN_NODE_VCPUS = 2;
/** AKS allows 100 node pools per cluster; one is the system pool. */
export const MAX_USER_POOLS = 99;
/** Linux node images the stack offers (agentPoolProfiles osSKU); AzureLinux is the default. */
export const OS_SKUS = ["AzureLinux", "Ubuntu"] as const;
/**
 * Egress of a cluster in your own subnet. `managedNATGateway` needs an AKS-managed VNet, so it is
 * not offered with cluster.network (https://learn.microsoft.com/azure/aks/egress-outboundtype).
 */
export const OUTBOUND_TYPES = [
    "loadBalancer",
    "userDefinedRouting",
    "userAssignedNATGateway",
] as const;

export const TIERS = ["Free", "Standard", "Premium"] as const;

/**
 * Pods on VNet IPs or not: `overlay` is Azure CNI Overlay (pods from podCidr), `azure` Azure CNI
 * with pods on addresses of your VNet (the nodes' subnet, or each pool's podSubnetId). Both are
 * networkPlugin azure (docs/network-plugins.md).
 */
export const NETWORK_PLUGINS = ["overlay", "azure"] as const;
/** Network policy engines: cilium runs on the Cilium dataplane, the others on Azure's. */
export const NETWORK_POLICIES = ["cilium", "azure", "calico", "none"] as const;
export const OS_DISK_TYPES = ["Managed", "Ephemeral"] as const;
/**
 * Max pods per node: AKS enforces 10-250 for Azure CNI, and a pool below 30 only when its nodes
 * hold 30 pods together (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning).
 */
export const MAX_PODS = { min: 10, max: 250, perPool: 30 } as const;
/** OS disk size in GiB: the ARM schema allows at most 2048; AKS node images need 30. */
export const OS_DISK_GB = { min: 30, max: 2048 } as const;

/**
 * Image Cleaner's scan interval in hours: AKS accepts 24 to 2160 (90 days) and defaults to 168
 * (https://learn.microsoft.com/azure/aks/image-cleaner).
 */
export const IMAGE_CLEANER_HOURS = { min: 24, max: 2160, default: 168 } as const;

/**
 * The cluster's resource-log categories (diagnostic settings of Microsoft.ContainerService/
 * managedClusters). The audit trail is kube-audit-admin (writes, without get and list) and guard
 * (Entra and Azure RBAC decisions) (https://learn.microsoft.com/azure/aks/monitor-aks-reference).
 */
export const LOG_CATEGORIES = [
    "kube-apiserver",
    "kube-audit",
    "kube-audit-admin",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "cloud-controller-manager",
    "guard",
    "csi-azuredisk-controller",
    "csi-azurefile-controller",
    "csi-snapshot-controller",
] as const;
export const AUDIT_CATEGORIES = ["kube-audit-admin", "guard"] as const;
/**
 * Retention of the Log Analytics workspace the stack creates: 30 days are included in the price,
 * the workspace allows up to 730 (https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure).
 */
export const RETENTION_DAYS = { min: 30, max: 730, default: 30 } as const;

export const WEEKDAYS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
] as const;
/** A planned-maintenance window lasts 4 to 24 hours (MaintenanceWindow.durationHours). */
export const MAINTENANCE_HOURS = { min: 4, max: 24, default: 4 } as const;
/** Conditional Access policy states, as config names them (`reportOnly` is report-only mode). */
export const CA_STATES = ["enabled", "reportOnly", "disabled"] as const;
/** Grant controls a stack's Conditional Access policy may require (all of them: operator AND). */
export const CA_CONTROLS = ["mfa", "compliantDevice", "domainJoinedDevice"] as const;
/**
 * How long a PIM activation may last: 30 minutes to a day, in 30-minute steps (the provider's
 * maximumDuration takes PT30M..PT23H30M or P1D; docs/jit-and-conditional-access.md: Just-in-time access).
 */
export const ACTIVATION_MINUTES = { min: 30, max: 24 * 60, step: 30, default: 8 * 60 } as const;

/** KMS key vault access (securityProfile.azureKeyVaultKms.keyVaultNetworkAccess). */
export const KMS_NETWORK = ["public", "private"] as const;
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
/** Verbs that let a Role holder grant or assume more than it holds (Kubernetes RBAC docs). */
export const ESCALATING_VERBS = ["escalate", "bind", "impersonate"] as const;

/**
 * Pod Security Standards levels, loosest first: the values of the `pod-security.kubernetes.io/
 * <mode>` namespace labels (https://kubernetes.io/docs/concepts/security/pod-security-admission/).
 */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** Namespaces that exist in every AKS cluster or belong to AKS add-ons: never created here. */
export const RESERVED_NAMESPACES = [
    "default",
    "gatekeeper-system",
    "app-routing-system",
    "aks-command",
    "calico-system",
    "tigera-operator",
];

/** GitHub Actions' OIDC issuer (docs/azure-facts.md, Formats). */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** The only audience Entra accepts for workload identity federation (docs/azure-facts.md, item 3). */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
