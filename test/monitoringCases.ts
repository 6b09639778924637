// The stack configs and lookups the monitoring suites share (test/monitoring.test.ts,
// test/monitoringFakes.test.ts): cluster.monitoring, cluster.secretsStore and the audit sinks.
import type { RunResult } from "../offline/harness";
import { type Config, dev } from "./configCases";
import { ofType, one, TYPES } from "./helpers";

export const SUB = "11111111-2222-4333-8444-555555555555";
export const RG = `/subscriptions/${SUB}/resourceGroups/rg-monitoring/providers`;
export const AMW = `${RG}/Microsoft.Monitor/accounts/amw-platform`;
export const ACTION_GROUP = `${RG}/microsoft.insights/actionGroups/ag-oncall`;
export const STORAGE = `${RG}/Microsoft.Storage/storageAccounts/staudit`;
export const EVENT_HUB_RULE = `${RG}/Microsoft.EventHub/namespaces/eh-siem/authorizationRules/send`;
export const LOG = `${RG}/Microsoft.OperationalInsights/workspaces/log-central`;

/** Everything on, the stack's own workspaces; the audit setting with metrics and both sinks. */
export const everything = dev((c: Config) => {
    c["aks-entra:cluster"].monitoring = {
        prometheus: true,
        alerts: { actionGroupId: ACTION_GROUP },
    };
    c["aks-entra:cluster"].secretsStore = { rotationPollInterval: "5m" };
    Object.assign(c["aks-entra:auditLogs"], {
        metrics: true,
        storageAccountId: STORAGE,
        eventHub: { authorizationRuleId: EVENT_HUB_RULE, name: "aks-audit" },
    });
});
/** Your Azure Monitor and Log Analytics workspaces; Container Insights off; alerts to nobody. */
export const yours = dev((c: Config) => {
    c["aks-entra:cluster"].monitoring = {
        containerInsights: false,
        prometheus: { azureMonitorWorkspaceId: AMW },
        alerts: true,
    };
    c["aks-entra:cluster"].secretsStore = true;
    c["aks-entra:auditLogs"] = { workspaceId: LOG };
});
/** No audit trail: Container Insights (the default) still has the stack's workspace. */
export const auditOff = dev((c: Config) => (c["aks-entra:auditLogs"] = { enabled: false }));

export const cluster = (r: RunResult) => one(r, TYPES.cluster, "aks-entra-cluster");
export const workspace = (r: RunResult) => one(r, TYPES.workspace, "aks-entra-audit-workspace");
export const byName = (r: RunResult, type: string, name: string) =>
    one(r, type, `aks-entra-monitoring-${name}`);
export const ruleGroups = (r: RunResult) => ofType(r, TYPES.prometheusRuleGroup);
