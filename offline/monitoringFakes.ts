// Azure Monitor as the fakes answer it: data collection rules, endpoints and associations, Azure
// Monitor workspaces and Prometheus rule groups, and what AKS refuses of the monitoring and
// Secrets Store add-ons. Each refusal restates a documented rule (docs/azure-facts.md, Monitoring).
import { TYPES } from "./types";

type Props = Record<string, unknown>;
/** What the fake knows exists: this run's resources and the objects outside the stack. */
export interface Known {
    type: string;
    id: string;
    inputs?: Props;
}

const lower = (v: unknown) => String(v).toLowerCase();
const MONITOR_ACCOUNT =
    /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.monitor\/accounts\/[^/]+$/;

/**
 * What AKS refuses of the add-ons (learn.microsoft.com/azure/azure-monitor/containers/
 * kubernetes-monitoring-enable; .../aks/csi-secrets-store-configuration-options): the monitoring
 * add-on needs its workspace, and a workspace without shared keys takes only managed-identity
 * (useAADAuth) ingestion; the Secrets Store driver's poll interval is a Go duration.
 */
export function addonProblems(inputs: Props, known: readonly Known[]): string[] {
    const addons = (inputs.addonProfiles ?? {}) as Record<string, Props | undefined>;
    const out: string[] = [];
    const oms = addons.omsagent;
    if (oms?.enabled === true) {
        const config = (oms.config ?? {}) as Props;
        const ws = config.logAnalyticsWorkspaceResourceID;
        if (typeof ws !== "string") {
            out.push("addon omsagent needs config.logAnalyticsWorkspaceResourceID");
        } else {
            const workspace = known.find(
                (k) => k.type === TYPES.workspace && lower(k.id) === lower(ws),
            );
            const noKeys =
                (workspace?.inputs?.features as Props | undefined)?.disableLocalAuth === true;
            if (noKeys && config.useAADAuth !== "true") {
                out.push(
                    `addon omsagent: workspace ${ws} has local authentication disabled; the agent must authenticate with its managed identity (config.useAADAuth "true")`,
                );
            }
        }
    }
    const kv = addons.azureKeyvaultSecretsProvider;
    if (kv?.enabled === true) {
        const config = (kv.config ?? {}) as Props;
        const rotation = config.enableSecretRotation;
        if (rotation !== undefined && rotation !== "true" && rotation !== "false") {
            out.push(
                `addon azureKeyvaultSecretsProvider: enableSecretRotation ${JSON.stringify(rotation)} is not "true" or "false"`,
            );
        }
        const poll = config.rotationPollInterval;
        if (
            poll !== undefined &&
            (typeof poll !== "string" || !/^(\d+h)?(\d+m)?(\d+s)?$/.test(poll))
        ) {
            out.push(
                `addon azureKeyvaultSecretsProvider: rotationPollInterval ${JSON.stringify(poll)} is not a duration`,
            );
        }
    }
    return out;
}

/** The id and state of a monitoring resource, or undefined for a type this module does not hold. */
export function monitoringAnswer(
    type: string,
    inputs: Props,
    rgId: () => string,
    known: readonly Known[],
): { id: string; state: Props } | undefined {
    const problems: string[] = [];
    let id: string;
    switch (type) {
        case TYPES.azureMonitorWorkspace:
            id = `${rgId()}/providers/Microsoft.Monitor/accounts/${String(inputs.azureMonitorWorkspaceName)}`;
            break;
        case TYPES.dataCollectionEndpoint:
            id = `${rgId()}/providers/Microsoft.Insights/dataCollectionEndpoints/${String(inputs.dataCollectionEndpointName)}`;
            break;
        case TYPES.dataCollectionRule:
            id = `${rgId()}/providers/Microsoft.Insights/dataCollectionRules/${String(inputs.dataCollectionRuleName)}`;
            problems.push(...ruleProblems(inputs));
            break;
        case TYPES.dataCollectionRuleAssociation: {
            const target = known.find((k) => lower(k.id) === lower(inputs.resourceUri));
            if (!target) problems.push(`ResourceNotFound: ${String(inputs.resourceUri)}`);
            const rule = known.find(
                (k) =>
                    k.type === TYPES.dataCollectionRule &&
                    lower(k.id) === lower(inputs.dataCollectionRuleId),
            );
            if (!rule) {
                problems.push(
                    `InvalidDataCollectionRule: ${String(inputs.dataCollectionRuleId)} does not exist`,
                );
            }
            id = `${String(inputs.resourceUri)}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${String(inputs.associationName)}`;
            break;
        }
        case TYPES.prometheusRuleGroup:
            id = `${rgId()}/providers/Microsoft.AlertsManagement/prometheusRuleGroups/${String(inputs.ruleGroupName)}`;
            problems.push(...ruleGroupProblems(inputs));
            break;
        default:
            return undefined;
    }
    if (problems.length > 0) throw new Error(`BadRequest: ${problems.join("; ")}`);
    return { id, state: { ...inputs, name: id.split("/").pop() } };
}

/**
 * A data collection rule: every flow goes to a destination the rule declares, and a Prometheus
 * forwarder needs a data collection endpoint.
 */
function ruleProblems(inputs: Props): string[] {
    const out: string[] = [];
    const destinations = (inputs.destinations ?? {}) as Record<
        string,
        { name?: string; workspaceResourceId?: string }[] | undefined
    >;
    const names = Object.values(destinations).flatMap((list) => (list ?? []).map((d) => d.name));
    for (const flow of (inputs.dataFlows ?? []) as { destinations?: string[] }[]) {
        for (const d of flow.destinations ?? []) {
            if (!names.includes(d))
                out.push(`InvalidDataFlow: destination ${d} is not declared in destinations`);
        }
    }
    const sources = (inputs.dataSources ?? {}) as Props;
    if (
        Array.isArray(sources.prometheusForwarder) &&
        typeof inputs.dataCollectionEndpointId !== "string"
    ) {
        out.push(
            "InvalidDataCollectionRule: a prometheusForwarder data source needs dataCollectionEndpointId",
        );
    }
    return out;
}

/**
 * A Prometheus rule group queries an Azure Monitor workspace: its scopes name one (and at most the
 * cluster besides); a rule records or alerts, not both; an alert's severity is 0-4.
 */
function ruleGroupProblems(inputs: Props): string[] {
    const out: string[] = [];
    const scopes = ((inputs.scopes ?? []) as unknown[]).map(lower);
    if (!scopes.some((s) => MONITOR_ACCOUNT.test(s))) {
        out.push(
            "InvalidScopes: a Prometheus rule group needs an Azure Monitor workspace (Microsoft.Monitor/accounts) in scopes",
        );
    }
    for (const r of (inputs.rules ?? []) as Props[]) {
        if ((r.record === undefined) === (r.alert === undefined)) {
            out.push(
                `InvalidRule: a rule has exactly one of record and alert (${JSON.stringify(r.record ?? r.alert)})`,
            );
        }
        if (
            r.alert !== undefined &&
            (typeof r.severity !== "number" || r.severity < 0 || r.severity > 4)
        ) {
            out.push(
                `InvalidRule: alert ${JSON.stringify(r.alert)} severity ${String(r.severity)} is outside 0-4`,
            );
        }
    }
    return out;
}

/**
 * What Azure Monitor refuses of a diagnostic setting's metrics and sinks: AKS has one metric
 * category, AllMetrics (learn.microsoft.com/azure/aks/monitor-aks-reference); an event hub is
 * named through its namespace's authorization rule, so a hub name alone reaches nothing.
 */
export function diagnosticSinkProblems(inputs: Props): string[] {
    const out: string[] = [];
    const uri = lower(inputs.resourceUri);
    if (/\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/.test(uri)) {
        for (const m of (inputs.metrics ?? []) as { category?: unknown }[]) {
            if (m.category !== "AllMetrics") {
                out.push(
                    `Metric category ${JSON.stringify(m.category)} is not supported for Microsoft.ContainerService/managedClusters (AllMetrics only)`,
                );
            }
        }
    }
    if (inputs.eventHubName !== undefined && inputs.eventHubAuthorizationRuleId === undefined) {
        out.push(
            "eventHubName needs eventHubAuthorizationRuleId (the namespace's authorization rule)",
        );
    }
    return out;
}
