// Cross-field rule of aks-entra:cluster.monitoring: the recommended alerts query the metrics that
// managed Prometheus sends to an Azure Monitor workspace, so they need it. Pure module.
import { NAMESPACE } from "../constants";
import { type RuleContext, rawAt, refused } from "./context";

export function monitoring({ draft, raw }: RuleContext): string[] {
    const m = draft.cluster?.monitoring;
    const written = rawAt(raw, "cluster", "monitoring");
    if (m === undefined || m.alerts === undefined || m.alerts === false) return [];
    if (refused(written, m, "prometheus")) return [];
    if (m.prometheus === undefined || m.prometheus === false) {
        return [
            `${NAMESPACE}:cluster.monitoring.alerts needs managed Prometheus: the recommended alert rules are Prometheus rule groups that query the Azure Monitor workspace the cluster's metrics go to (an Azure Monitor alert rule group without one is refused); set monitoring.prometheus: true (or { azureMonitorWorkspaceId }) or remove alerts`,
        ];
    }
    return [];
}
