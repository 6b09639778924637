// Cluster monitoring (aks-entra:cluster.monitoring): Container Insights' data collection rule and
// its association with the cluster, managed Prometheus (an Azure Monitor workspace, a data
// collection endpoint, rule and association, Microsoft's recording rules) and Microsoft's
// recommended Prometheus alerts. The add-ons themselves are properties of the ManagedCluster
// (monitoringAddons below); the resources here are created after it and deleted before it.
import * as alertsmanagement from "@pulumi/azure-native/alertsmanagement";
import type * as containerservice from "@pulumi/azure-native/containerservice";
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSettings, MonitoringSettings } from "./config";
import {
    ALERT_RULE_GROUPS,
    KUBERNETES_RECORDING_RULES,
    NODE_RECORDING_RULES,
} from "./monitoringRules";
import { shortHash } from "./naming";

/**
 * Container Insights' streams under Microsoft's "Cost-optimized" preset: every standard table,
 * container logs in the ContainerLogV2 schema, collected every 5 minutes, without the namespaces
 * of the platform (learn.microsoft.com/azure/azure-monitor/containers/container-insights-cost-config).
 */
export const CONTAINER_INSIGHTS_STREAMS = [
    "Microsoft-ContainerLogV2",
    "Microsoft-KubeEvents",
    "Microsoft-KubePodInventory",
    "Microsoft-KubeNodeInventory",
    "Microsoft-KubePVInventory",
    "Microsoft-KubeServices",
    "Microsoft-KubeMonAgentEvents",
    "Microsoft-InsightsMetrics",
    "Microsoft-ContainerInventory",
    "Microsoft-ContainerNodeInventory",
    "Microsoft-Perf",
] as const;
export const CONTAINER_INSIGHTS_EXCLUDED_NAMESPACES = [
    "kube-system",
    "gatekeeper-system",
    "azure-arc",
] as const;

/**
 * Container Insights' association has a fixed name (Microsoft's onboarding template); managed
 * Prometheus' is named like its rule, `MSProm-<cluster region>-<cluster>`
 * (Azure/prometheus-collector AddonBicepTemplate, dcraName).
 */
export const CONTAINER_INSIGHTS_ASSOCIATION = "ContainerInsightsExtension";

/**
 * The add-on profiles and Azure Monitor profile of the cluster: Container Insights' agent with
 * managed-identity (Entra) ingestion, which a workspace without shared keys requires; the Key
 * Vault Secrets Store CSI driver with rotation; the managed Prometheus metrics profile. An add-on
 * that is off is written `enabled: false`, so turning it off turns it off.
 */
export function monitoringAddons(
    s: ClusterSettings,
    workspaceId: pulumi.Input<string> | undefined,
): Pick<containerservice.ManagedClusterArgs, "addonProfiles" | "azureMonitorProfile"> {
    const insights = s.monitoring.containerInsights && workspaceId !== undefined;
    return {
        addonProfiles: {
            azurepolicy: { enabled: s.azurePolicy },
            omsagent: insights
                ? {
                      enabled: true,
                      config: { logAnalyticsWorkspaceResourceID: workspaceId, useAADAuth: "true" },
                  }
                : { enabled: false },
            azureKeyvaultSecretsProvider: s.secretsStore
                ? {
                      enabled: true,
                      config: {
                          enableSecretRotation: "true",
                          rotationPollInterval: s.secretsStore.rotationPollInterval,
                      },
                  }
                : { enabled: false },
        },
        azureMonitorProfile: {
            metrics: s.monitoring.prometheus
                ? {
                      enabled: true,
                      kubeStateMetrics: {
                          metricLabelsAllowlist: "",
                          metricAnnotationsAllowList: "",
                      },
                  }
                : { enabled: false },
        },
    };
}

/** `<prefix>-<location>-<cluster>` as Microsoft names them, hashed down to `max` characters. */
export function monitorName(
    prefix: string,
    location: string,
    cluster: string,
    max: number,
): string {
    const full = `${prefix}-${location}-${cluster}`;
    if (full.length <= max) return full;
    const hash = shortHash(full);
    return `${full.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

export interface ClusterMonitoringArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    /** The cluster's region: the rules, endpoint and workspace are created there. */
    readonly location: string;
    readonly clusterName: string;
    readonly cluster: containerservice.ManagedCluster;
    readonly settings: MonitoringSettings;
    /** The Log Analytics workspace Container Insights sends to; undefined: Container Insights off. */
    readonly logWorkspaceId?: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class ClusterMonitoring extends pulumi.ComponentResource {
    public readonly containerInsightsRule?: monitor.DataCollectionRule;
    /** The Azure Monitor workspace the stack created (prometheus: true). */
    public readonly prometheusWorkspace?: monitor.AzureMonitorWorkspace;
    public readonly prometheusRule?: monitor.DataCollectionRule;
    public readonly ruleGroups: alertsmanagement.PrometheusRuleGroup[] = [];

    constructor(name: string, args: ClusterMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:monitoring:ClusterMonitoring", name, {}, opts);
        const s = args.settings;
        const after = { parent: this, dependsOn: [args.cluster] };
        const inGroup = {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            tags: args.tags,
        };
        if (s.containerInsights && args.logWorkspaceId !== undefined) {
            // The rule Microsoft's onboarding creates (MSCI-<region>-<cluster>): the agent reads
            // it through the association; ingestion is authorised by the agent's managed identity.
            this.containerInsightsRule = new monitor.DataCollectionRule(
                `${name}-container-insights`,
                {
                    ...inGroup,
                    dataCollectionRuleName: monitorName(
                        "MSCI",
                        args.location,
                        args.clusterName,
                        64,
                    ),
                    kind: "Linux",
                    dataSources: {
                        extensions: [
                            {
                                name: "ContainerInsightsExtension",
                                extensionName: "ContainerInsights",
                                streams: [...CONTAINER_INSIGHTS_STREAMS],
                                extensionSettings: {
                                    dataCollectionSettings: {
                                        interval: "5m",
                                        namespaceFilteringMode: "Exclude",
                                        namespaces: [...CONTAINER_INSIGHTS_EXCLUDED_NAMESPACES],
                                        enableContainerLogV2: true,
                                    },
                                },
                            },
                        ],
                    },
                    destinations: {
                        logAnalytics: [
                            { name: "ciworkspace", workspaceResourceId: args.logWorkspaceId },
                        ],
                    },
                    dataFlows: [
                        { streams: [...CONTAINER_INSIGHTS_STREAMS], destinations: ["ciworkspace"] },
                    ],
                },
                after,
            );
            association(name, "container-insights", {
                clusterId: args.cluster.id,
                name: CONTAINER_INSIGHTS_ASSOCIATION,
                ruleId: this.containerInsightsRule.id,
                parent: this,
            });
        }
        if (s.prometheus === undefined) {
            this.registerOutputs({});
            return;
        }
        let accountId: pulumi.Input<string>;
        if (s.prometheus.azureMonitorWorkspaceId === undefined) {
            this.prometheusWorkspace = new monitor.AzureMonitorWorkspace(
                `${name}-prometheus-workspace`,
                {
                    ...inGroup,
                    azureMonitorWorkspaceName: monitorName(
                        "amw",
                        args.location,
                        args.clusterName,
                        44,
                    ),
                    // No access keys: reading the metrics takes an Entra role on the workspace
                    // (Monitoring Data Reader), which the stack grants nobody (docs/monitoring.md).
                },
                { parent: this },
            );
            accountId = this.prometheusWorkspace.id;
        } else {
            accountId = s.prometheus.azureMonitorWorkspaceId;
        }
        const endpoint = new monitor.DataCollectionEndpoint(
            `${name}-prometheus-endpoint`,
            {
                ...inGroup,
                dataCollectionEndpointName: monitorName(
                    "MSProm",
                    args.location,
                    args.clusterName,
                    44,
                ),
                kind: "Linux",
                networkAcls: { publicNetworkAccess: "Enabled" },
            },
            { parent: this },
        );
        this.prometheusRule = new monitor.DataCollectionRule(
            `${name}-prometheus`,
            {
                ...inGroup,
                dataCollectionRuleName: monitorName("MSProm", args.location, args.clusterName, 64),
                kind: "Linux",
                dataCollectionEndpointId: endpoint.id,
                dataSources: {
                    prometheusForwarder: [
                        {
                            name: "PrometheusDataSource",
                            streams: ["Microsoft-PrometheusMetrics"],
                            labelIncludeFilter: {},
                        },
                    ],
                },
                destinations: {
                    monitoringAccounts: [
                        { name: "MonitoringAccount1", accountResourceId: accountId },
                    ],
                },
                dataFlows: [
                    {
                        streams: ["Microsoft-PrometheusMetrics"],
                        destinations: ["MonitoringAccount1"],
                    },
                ],
            },
            { parent: this },
        );
        association(name, "prometheus", {
            clusterId: args.cluster.id,
            name: monitorName("MSProm", args.location, args.clusterName, 64),
            ruleId: this.prometheusRule.id,
            parent: this,
        });
        const group = (
            key: string,
            ruleGroupName: string,
            description: string,
            interval: string,
            rules: alertsmanagement.PrometheusRuleGroupArgs["rules"],
        ) =>
            this.ruleGroups.push(
                new alertsmanagement.PrometheusRuleGroup(
                    `${name}-rules-${key}`,
                    {
                        ...inGroup,
                        ruleGroupName,
                        description,
                        clusterName: args.clusterName,
                        // The workspace the rules query and the cluster they are about.
                        scopes: [accountId, args.cluster.id],
                        enabled: true,
                        interval,
                        rules,
                    },
                    { parent: this, dependsOn: [args.cluster] },
                ),
            );
        group(
            "node-recording",
            `NodeRecordingRulesRuleGroup-${args.clusterName}`,
            "Node Recording Rules RuleGroup",
            "PT1M",
            NODE_RECORDING_RULES.map((r) => ({ ...r, enabled: true })),
        );
        group(
            "kubernetes-recording",
            `KubernetesRecordingRulesRuleGroup-${args.clusterName}`,
            "Kubernetes Recording Rules RuleGroup",
            "PT1M",
            KUBERNETES_RECORDING_RULES.map((r) => ({ ...r, enabled: true })),
        );
        if (s.alerts !== undefined) {
            const actionGroupId = s.alerts.actionGroupId;
            for (const [level, rules] of Object.entries(ALERT_RULE_GROUPS)) {
                const Level = `${level[0].toUpperCase()}${level.slice(1)}`;
                group(
                    `alerts-${level}`,
                    `KubernetesAlert-RecommendedMetricAlerts-${Level}-level-${args.clusterName}`,
                    `Kubernetes Alert RuleGroup-RecommendedMetricAlerts ${Level} level`,
                    "PT1M",
                    rules.map((r) => ({
                        alert: r.alert,
                        expression: r.expression,
                        for: r.for,
                        severity: r.severity,
                        enabled: true,
                        labels: { severity: "warning" },
                        resolveConfiguration: {
                            autoResolved: true,
                            timeToResolve: r.timeToResolve,
                        },
                        actions: actionGroupId === undefined ? undefined : [{ actionGroupId }],
                    })),
                );
            }
        }
        this.registerOutputs({});
    }
}

/** A data collection rule associated with the cluster (an extension resource of the cluster). */
function association(
    name: string,
    key: string,
    a: {
        clusterId: pulumi.Input<string>;
        name: string;
        ruleId: pulumi.Input<string>;
        parent: pulumi.Resource;
    },
): monitor.DataCollectionRuleAssociation {
    return new monitor.DataCollectionRuleAssociation(
        `${name}-${key}-association`,
        {
            resourceUri: a.clusterId,
            associationName: a.name,
            dataCollectionRuleId: a.ruleId,
            description:
                "Association of data collection rule. Deleting this association will break the data collection for this AKS Cluster.",
        },
        { parent: a.parent },
    );
}
