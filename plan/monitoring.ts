// How the plan shows cluster.monitoring, cluster.secretsStore and the audit setting's sinks: the
// add-ons on the cluster (and which service account reads which vault through the Secrets Store
// driver), and the Azure Monitor resources with what they collect and where it goes. Pure module.
import type { Registration } from "../offline/harness";
import { BUILT_IN_ROLES } from "../components/roles";
import type { Access } from "./access";
import { at, lastSegment, strings, text, TYPES } from "./registrations";

/** Roles that read secret values in a vault with Azure RBAC (learn.microsoft.com/azure/key-vault/general/rbac-guide). */
const SECRET_READERS = new Set(
    ["Key Vault Secrets User", "Key Vault Secrets Officer", "Key Vault Administrator"]
        .map((n) => BUILT_IN_ROLES[n])
        .filter((g) => g !== undefined)
        .map((g) => `azure:${g.toLowerCase()}`),
);

/** The input that holds the name of each monitoring resource (plan/resources.ts NAME_INPUT). */
export const MONITORING_NAME_INPUT: Readonly<Record<string, string>> = {
    [TYPES.dataCollectionRule]: "dataCollectionRuleName",
    [TYPES.dataCollectionEndpoint]: "dataCollectionEndpointName",
    [TYPES.dataCollectionRuleAssociation]: "associationName",
    [TYPES.azureMonitorWorkspace]: "azureMonitorWorkspaceName",
    [TYPES.prometheusRuleGroup]: "ruleGroupName",
};

/** The cluster's add-on lines: Container Insights, managed Prometheus, the Secrets Store driver. */
export function addonProperties(
    inputs: Record<string, unknown>,
    access: Access,
): Record<string, string> {
    const addon = (key: string) =>
        Object.entries((inputs.addonProfiles ?? {}) as Record<string, unknown>).find(
            ([k]) => k.toLowerCase() === key.toLowerCase(),
        )?.[1];
    const oms = addon("omsagent");
    const kv = addon("azureKeyvaultSecretsProvider");
    const readers = access.grants
        .filter((g) => SECRET_READERS.has(g.roleKey) && g.via === "azure-rbac")
        .flatMap((g) => {
            const p = access.principals.find((x) => x.key === g.principal);
            const s = access.scopes.find((x) => x.key === g.scope);
            return p?.kind === "workload" && s
                ? [`service account ${p.label} reads ${s.label} (${g.role})`]
                : [];
        })
        .sort();
    return {
        containerInsights:
            at(oms, "enabled") === true
                ? `enabled, workspace ${lastSegment(at(oms, "config", "logAnalyticsWorkspaceResourceID"))}, ${at(oms, "config", "useAADAuth") === "true" ? "managed-identity ingestion (no shared keys)" : "SHARED-KEY ingestion"}`
                : "disabled",
        managedPrometheus:
            at(inputs, "azureMonitorProfile", "metrics", "enabled") === true
                ? "enabled"
                : "disabled",
        secretsStore:
            at(kv, "enabled") === true
                ? `Secrets Store CSI driver, rotation ${at(kv, "config", "enableSecretRotation") === "true" ? `every ${text(at(kv, "config", "rotationPollInterval"))}` : "OFF"}; the add-on's own identity is granted nothing by this stack: each workload reads with its workload identity: ${readers.join("; ") || "no service account holds a secret-reading role on a vault"}`
                : "disabled",
    };
}

/** What a monitoring resource collects, where it sends it and what it watches. */
export function monitoringProperties(
    r: Registration,
    access: Access,
): Record<string, string> | undefined {
    const i = r.inputs;
    switch (r.type) {
        case TYPES.dataCollectionRule: {
            const ext = (at(i, "dataSources", "extensions") ?? []) as Record<string, unknown>[];
            const prom = (at(i, "dataSources", "prometheusForwarder") ?? []) as unknown[];
            const la = (at(i, "destinations", "logAnalytics") ?? []) as Record<string, unknown>[];
            const accounts = (at(i, "destinations", "monitoringAccounts") ?? []) as Record<
                string,
                unknown
            >[];
            return {
                collects: [
                    ...ext.map((e) => {
                        const s = at(e, "extensionSettings", "dataCollectionSettings");
                        return `${text(e.extensionName)}: ${strings(e.streams).join(", ")} every ${text(at(s, "interval"))}${at(s, "namespaceFilteringMode") === "Exclude" ? `, except namespaces ${strings(at(s, "namespaces")).join(", ")}` : ""}`;
                    }),
                    ...(prom.length ? ["Prometheus metrics"] : []),
                ].join("; "),
                destination: [
                    ...la.map((d) => `workspace ${lastSegment(d.workspaceResourceId)}`),
                    ...accounts.map(
                        (d) => `Azure Monitor workspace ${lastSegment(d.accountResourceId)}`,
                    ),
                ].join(", "),
            };
        }
        case TYPES.dataCollectionRuleAssociation:
            return {
                resource: access.scopeOf(text(i.resourceUri)).label,
                rule: lastSegment(i.dataCollectionRuleId),
            };
        case TYPES.dataCollectionEndpoint:
            return { publicNetworkAccess: text(at(i, "networkAcls", "publicNetworkAccess")) };
        case TYPES.azureMonitorWorkspace:
            return { location: text(i.location) };
        case TYPES.prometheusRuleGroup: {
            const rules = (i.rules ?? []) as Record<string, unknown>[];
            const alerts = rules.filter((x) => x.alert !== undefined);
            const actions = new Set(
                alerts.flatMap((a) =>
                    ((a.actions ?? []) as Record<string, unknown>[]).map((x) =>
                        lastSegment(x.actionGroupId),
                    ),
                ),
            );
            return {
                rules: alerts.length
                    ? `${alerts.length} alerts (${alerts.map((a) => text(a.alert)).join(", ")})`
                    : `${rules.length} recording rules`,
                every: text(i.interval),
                scopes: strings(i.scopes)
                    .map((s) => access.scopeOf(s).label)
                    .join(", "),
                ...(alerts.length
                    ? {
                          notifies: actions.size
                              ? `action group ${[...actions].join(", ")}`
                              : "nobody (no action group: alerts show in the portal only)",
                      }
                    : {}),
            };
        }
        default:
            return undefined;
    }
}

/** The diagnostic setting's destinations: the workspace, then the sinks of auditLogs. */
export function diagnosticDestinations(i: Record<string, unknown>): string {
    return [
        `workspace ${lastSegment(i.workspaceId)}${i.logAnalyticsDestinationType === "Dedicated" ? " (resource-specific tables)" : ""}`,
        ...(i.storageAccountId !== undefined
            ? [`storage account ${lastSegment(i.storageAccountId)}`]
            : []),
        ...(i.eventHubName !== undefined
            ? [
                  `event hub ${text(i.eventHubName)} (namespace ${text(i.eventHubAuthorizationRuleId).split("/")[8] ?? ""})`,
              ]
            : []),
    ].join(", ");
}
