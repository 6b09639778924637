// The Pulumi type tokens of everything this stack registers: one table for the fakes, the plan and
// the tests.
export const TYPES = {
    resourceGroup: "azure-native:resources:ResourceGroup",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    fic: "azure-native:managedidentity:FederatedIdentityCredential",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    cluster: "azure-native:containerservice:ManagedCluster",
    /** A node pool as its own resource (pools other than the first system pool belong there). */
    agentPool: "azure-native:containerservice:AgentPool",
    /** A planned-maintenance window of a cluster. */
    maintenance: "azure-native:containerservice:MaintenanceConfiguration",
    /** The Log Analytics workspace of the audit trail. */
    workspace: "azure-native:operationalinsights:Workspace",
    /** A diagnostic setting: the cluster's resource logs to a workspace. */
    diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
    /** Azure Monitor (components/monitoring.ts): data collection, Prometheus and its rules. */
    dataCollectionRule: "azure-native:monitor:DataCollectionRule",
    dataCollectionEndpoint: "azure-native:monitor:DataCollectionEndpoint",
    dataCollectionRuleAssociation: "azure-native:monitor:DataCollectionRuleAssociation",
    azureMonitorWorkspace: "azure-native:monitor:AzureMonitorWorkspace",
    prometheusRuleGroup: "azure-native:alertsmanagement:PrometheusRuleGroup",
    /** Microsoft's pod security initiative assigned at the cluster (cluster.podSecurity). */
    policyAssignment: "azure-native:authorization:PolicyAssignment",
    group: "azuread:index/group:Group",
    /** PIM for Groups: the activation rules of a group's member role. */
    pimPolicy: "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy",
    /** PIM for Groups: a principal's eligibility to become a member. */
    pimEligibility:
        "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
    conditionalAccess: "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy",
    sleep: "time:index/sleep:Sleep",
    k8sProvider: "pulumi:providers:kubernetes",
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
} as const;
