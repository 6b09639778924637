// The observability and secrets keys: cluster.monitoring (Container Insights, managed Prometheus,
// recommended alerts), cluster.secretsStore (the Key Vault Secrets Store CSI driver add-on) and
// the extra sinks of aks-entra:auditLogs. Their value checks and defaults. Pure module.
import type { MonitoringSettings, SecretsStoreSettings } from "./types";

/**
 * The Secrets Store CSI driver polls the vault every two minutes unless told otherwise
 * (learn.microsoft.com/azure/aks/csi-secrets-store-configuration-options).
 */
export const DEFAULT_ROTATION_POLL_INTERVAL = "2m";

/**
 * The add-on hands rotationPollInterval to the driver's --rotation-poll-interval flag, a Go
 * duration (`az aks addon update --rotation-poll-interval 5m`); seconds, minutes and hours are
 * the units that make sense for polling a vault. The stack allows 10s-24h: every pod that mounts
 * a secret reads the vault at each poll (Key Vault throttles reads per vault), and a day is as
 * long as a rotated secret should stay stale.
 */
export function rotationPollIntervalProblem(value: string): string | undefined {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
    if (value === "" || !m) {
        return 'is not a duration the add-on accepts (a Go duration in h, m and s, e.g. "2m", "90s", "1h30m")';
    }
    const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
    if (seconds < 10 || seconds > 24 * 3600) {
        return "is outside 10s-24h (how often the driver polls the vault for a new version)";
    }
    return undefined;
}

type Toggle<T> = boolean | T | undefined;

/** cluster.monitoring as the components take it. */
export function monitoringOf(m?: {
    containerInsights?: boolean;
    prometheus?: Toggle<{ azureMonitorWorkspaceId?: string }>;
    alerts?: Toggle<{ actionGroupId?: string }>;
}): MonitoringSettings {
    const prometheus = m?.prometheus;
    const alerts = m?.alerts;
    return {
        containerInsights: m?.containerInsights ?? true,
        prometheus:
            prometheus === undefined || prometheus === false
                ? undefined
                : {
                      azureMonitorWorkspaceId:
                          prometheus === true ? undefined : prometheus.azureMonitorWorkspaceId,
                  },
        alerts:
            alerts === undefined || alerts === false
                ? undefined
                : { actionGroupId: alerts === true ? undefined : alerts.actionGroupId },
    };
}

/** cluster.secretsStore as the components take it; undefined: the add-on is off. */
export function secretsStoreOf(
    s: Toggle<{ rotationPollInterval?: string }>,
): SecretsStoreSettings | undefined {
    if (s === undefined || s === false) return undefined;
    return {
        rotationPollInterval:
            (s === true ? undefined : s.rotationPollInterval) ?? DEFAULT_ROTATION_POLL_INTERVAL,
    };
}
