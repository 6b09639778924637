// The cluster's audit trail: a diagnostic setting that sends kube-audit-admin (every write to the
// API server, with the Entra user and groups) and guard (every Entra authentication and Azure RBAC
// decision) to a Log Analytics workspace, in resource-specific tables (AKSAuditAdmin,
// AKSControlPlane). Azure Policy built-in 245fc9df audits a cluster without resource logs.
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";

/** Name of the diagnostic setting on the cluster (unique per resource, so fixed). */
export const AUDIT_SETTING_NAME = "aks-entra-audit";

export interface AuditWorkspaceArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly workspaceName: string;
    readonly retentionDays: number;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The workspace the audit trail goes to when config names none. It is made before the cluster,
 * in parallel with the identities, so Defender on the cluster can report to it too.
 */
export function auditWorkspace(
    name: string,
    args: AuditWorkspaceArgs,
    opts: pulumi.CustomResourceOptions,
): operationalinsights.Workspace {
    return new operationalinsights.Workspace(
        name,
        {
            resourceGroupName: args.resourceGroupName,
            workspaceName: args.workspaceName,
            location: args.location,
            sku: { name: "PerGB2018" },
            retentionInDays: args.retentionDays,
            // Queries and ingestion need an Entra token: no shared workspace keys.
            features: { disableLocalAuth: true },
            tags: args.tags,
        },
        opts,
    );
}

export interface AuditLogsArgs {
    readonly categories: readonly string[];
    /** The cluster's resource id. */
    readonly clusterId: pulumi.Input<string>;
    /** Resource id of the Log Analytics workspace. */
    readonly workspaceId: pulumi.Input<string>;
    /** Send the AllMetrics category too (auditLogs.metrics). Defaults to false. */
    readonly metrics?: boolean;
    /** A storage account that archives the same logs (auditLogs.storageAccountId). */
    readonly storageAccountId?: string;
    /** An event hub that streams them (auditLogs.eventHub). */
    readonly eventHub?: { authorizationRuleId: string; name: string };
}

/**
 * The diagnostic setting on the cluster. It is deleted on its own, before the cluster (it depends
 * on the cluster's id), never `deletedWith` the cluster: Azure Monitor keeps the settings of a
 * deleted resource and gives them to a resource recreated under the same id, and the stack's
 * names are fixed, so a setting left behind by `pulumi destroy` makes the next `pulumi up` fail
 * with "already exists" (docs/azure-facts.md failure mode 27).
 */
export class AuditLogs extends pulumi.ComponentResource {
    public readonly setting: monitor.DiagnosticSetting;

    constructor(name: string, args: AuditLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:audit:AuditLogs", name, {}, opts);
        this.setting = new monitor.DiagnosticSetting(
            `${name}-setting`,
            {
                name: AUDIT_SETTING_NAME,
                resourceUri: args.clusterId,
                workspaceId: args.workspaceId,
                // Resource-specific tables (AKSAuditAdmin, AKSControlPlane) rather than the shared
                // AzureDiagnostics table: typed columns, and a cheaper plan can be set per table.
                logAnalyticsDestinationType: "Dedicated",
                logs: args.categories.map((category) => ({ category, enabled: true })),
                // AKS has one metric category, AllMetrics (learn.microsoft.com/azure/aks/monitor-aks-reference).
                metrics: args.metrics ? [{ category: "AllMetrics", enabled: true }] : undefined,
                // The same setting sends to every sink it names (at most one of each kind).
                storageAccountId: args.storageAccountId,
                eventHubAuthorizationRuleId: args.eventHub?.authorizationRuleId,
                eventHubName: args.eventHub?.name,
            },
            { parent: this },
        );
        this.registerOutputs({ settingId: this.setting.id });
    }
}
