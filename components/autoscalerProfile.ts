// cluster.autoscalerProfile: the cluster autoscaler's settings by the names `az aks update
// --cluster-autoscaler-profile` takes, each checked for its type and range, and mapped to
// azure-native's ManagedCluster autoScalerProfile (which sends ARM's kebab-case names). Pure module.
//
// The settings and their formats are those of the ARM schema's ManagedClusterPropertiesAutoScalerProfile
// (Microsoft.ContainerService 2025-09-01, the API version azure-native 3.28 uses) and of AKS's
// "cluster autoscaler profile settings" (learn.microsoft.com/azure/aks/cluster-autoscaler-overview):
// docs/azure-facts.md, "Cluster autoscaler profile".
import { z } from "zod";

/** How a setting is written in config, and how ARM takes it. */
type Kind =
    /** `<n>m`: ARM "Values must be an integer followed by an 'm'. No unit of time other than minutes". */
    | "minutes"
    /** `<n>s`: scan-interval, an integer number of seconds (`az aks show` reports "10s"). */
    | "seconds"
    /** `<n>s|m|h`: new-pod-scale-up-delay ("an integer followed by a unit"). */
    | "duration"
    /** A whole number, sent as ARM's string. */
    | "count"
    /** A YAML boolean that ARM takes as the string "true" or "false". */
    | "flag"
    /** A YAML boolean that ARM takes as a boolean. */
    | "boolean"
    /** A fraction 0-1, sent as ARM's string. */
    | "fraction"
    | "expander";

interface Setting {
    kind: Kind;
    /** azure-native's input name (ManagedClusterPropertiesAutoScalerProfileArgs). */
    arg: string;
    /** Inclusive bounds of a count. */
    range?: { min: number; max?: number };
}

/** The expanders AKS offers (azure-native enums.containerservice.Expander). */
export const EXPANDERS = ["least-waste", "most-pods", "priority", "random"] as const;

/** Every setting of the ARM schema's autoScalerProfile, by its az/ARM name. */
export const AUTOSCALER_SETTINGS: Readonly<Record<string, Setting>> = {
    "balance-similar-node-groups": { kind: "flag", arg: "balanceSimilarNodeGroups" },
    "daemonset-eviction-for-empty-nodes": {
        kind: "boolean",
        arg: "daemonsetEvictionForEmptyNodes",
    },
    "daemonset-eviction-for-occupied-nodes": {
        kind: "boolean",
        arg: "daemonsetEvictionForOccupiedNodes",
    },
    expander: { kind: "expander", arg: "expander" },
    "ignore-daemonsets-utilization": { kind: "boolean", arg: "ignoreDaemonsetsUtilization" },
    // "This must be a positive integer. The default is 10."
    "max-empty-bulk-delete": { kind: "count", arg: "maxEmptyBulkDelete", range: { min: 1 } },
    "max-graceful-termination-sec": {
        kind: "count",
        arg: "maxGracefulTerminationSec",
        range: { min: 0 },
    },
    "max-node-provision-time": { kind: "minutes", arg: "maxNodeProvisionTime" },
    // "The maximum is 100 and the minimum is 0."
    "max-total-unready-percentage": {
        kind: "count",
        arg: "maxTotalUnreadyPercentage",
        range: { min: 0, max: 100 },
    },
    "new-pod-scale-up-delay": { kind: "duration", arg: "newPodScaleUpDelay" },
    "ok-total-unready-count": { kind: "count", arg: "okTotalUnreadyCount", range: { min: 0 } },
    "scale-down-delay-after-add": { kind: "minutes", arg: "scaleDownDelayAfterAdd" },
    "scale-down-delay-after-delete": { kind: "minutes", arg: "scaleDownDelayAfterDelete" },
    "scale-down-delay-after-failure": { kind: "minutes", arg: "scaleDownDelayAfterFailure" },
    "scale-down-unneeded-time": { kind: "minutes", arg: "scaleDownUnneededTime" },
    "scale-down-unready-time": { kind: "minutes", arg: "scaleDownUnreadyTime" },
    "scale-down-utilization-threshold": {
        kind: "fraction",
        arg: "scaleDownUtilizationThreshold",
    },
    "scan-interval": { kind: "seconds", arg: "scanInterval" },
    "skip-nodes-with-local-storage": { kind: "flag", arg: "skipNodesWithLocalStorage" },
    "skip-nodes-with-system-pods": { kind: "flag", arg: "skipNodesWithSystemPods" },
};

const pattern = (re: RegExp, what: string) =>
    z.string({ error: `is not ${what}` }).regex(re, { error: `is not ${what}` });

/** The check of one setting's value. */
function valueSchema(s: Setting): z.ZodType<string | number | boolean> {
    switch (s.kind) {
        case "minutes":
            return pattern(
                /^(0|[1-9]\d{0,4})m$/,
                'a whole number of minutes written like "10m" (AKS takes minutes only here)',
            );
        case "seconds":
            return pattern(
                /^[1-9]\d{0,4}s$/,
                'a whole number of seconds written like "10s" (at least 1)',
            );
        case "duration":
            return pattern(
                /^(0|[1-9]\d{0,4})[smh]$/,
                'a whole number followed by s, m or h, like "0s" or "2m"',
            );
        case "count": {
            const { min, max } = s.range!;
            const allowed = max === undefined ? `at least ${min}` : `${min}-${max}`;
            const error = `is not a whole number ${allowed}`;
            const n = z.int({ error }).min(min, { error });
            return max === undefined ? n : n.max(max, { error });
        }
        case "flag":
        case "boolean":
            return z.boolean({ error: "is not true or false" });
        case "fraction":
            return z
                .number({ error: "is not a number above 0 and at most 1, like 0.5" })
                .gt(0, { error: "is not a number above 0 and at most 1, like 0.5" })
                .max(1, { error: "is not a number above 0 and at most 1, like 0.5" });
        case "expander":
            return z.enum(EXPANDERS);
    }
}

/** cluster.autoscalerProfile: only the settings above, each by its own check. */
export const autoscalerProfileSchema = z.strictObject(
    Object.fromEntries(
        Object.entries(AUTOSCALER_SETTINGS).map(([name, s]) => [name, valueSchema(s).optional()]),
    ),
);

/** A profile as config holds it: az names to checked values. */
export type AutoscalerProfile = Readonly<Record<string, string | number | boolean>>;

/**
 * The profile as azure-native's autoScalerProfile takes it: each setting under its input name,
 * counts, fractions and flags as the strings ARM's schema types them as, booleans as booleans.
 */
export function autoScalerProfileArgs(
    profile: AutoscalerProfile,
): Record<string, string | boolean> {
    return Object.fromEntries(
        Object.entries(profile).map(([name, value]) => {
            const s = AUTOSCALER_SETTINGS[name];
            return [s.arg, s.kind === "boolean" ? Boolean(value) : String(value)];
        }),
    );
}
