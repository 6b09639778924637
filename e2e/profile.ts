// The e2e stack's configuration: profiles/e2e.yaml with what only the run knows (the runner's
// address, the expiry date, optionally your tenant's groups), the change of step 4, and the form
// the Automation API takes it in. Pure module (reading the profile file aside).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { configFromPulumi, pulumiConfigMap, type StackConfig } from "../components/config";

export const ROOT = path.resolve(__dirname, "..");
export const PROFILE = path.join(ROOT, "profiles", "e2e.yaml");

/** A stack file's `config:` map: `namespace:key` -> YAML value. */
export type ConfigMap = Record<string, unknown>;

const NS = "aks-entra";

/** The `config:` map of a profile file. */
export function readProfile(file = PROFILE): ConfigMap {
    const doc = parse(readFileSync(file, "utf8")) as { config?: unknown } | null;
    if (doc === null || typeof doc.config !== "object" || doc.config === null) {
        throw new Error(`${file} has no top-level config: map`);
    }
    return doc.config as ConfigMap;
}

/** The profile's group aliases (aks-entra:groups). */
export function groupAliases(config: ConfigMap): string[] {
    const groups = config[`${NS}:groups`];
    return groups !== null && typeof groups === "object" ? Object.keys(groups) : [];
}

/** The profile's kubeloginMode (the default is azurecli, as components/config/build.ts sets it). */
export function kubeloginMode(config: ConfigMap): string {
    const mode = config[`${NS}:kubeloginMode`];
    return typeof mode === "string" ? mode : "azurecli";
}

/** What only the run knows. */
export interface RunValues {
    /** The API server's authorized ranges: the runner's egress address as a /32, or given. */
    authorizedIpRanges: string[];
    /** tags.expires-at, an ISO date. */
    expiresAt: string;
    /** Group alias -> object id, over the profile's placeholders. */
    groups?: Record<string, string>;
}

/** The day after `now` (UTC), as an ISO date: the e2e stack's expires-at tag. */
export function expiresAt(now: Date): string {
    return new Date(now.getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/** The profile with the run's values; the profile itself is not changed. */
export function runConfig(profile: ConfigMap, values: RunValues): ConfigMap {
    const config = structuredClone(profile);
    const cluster = (config[`${NS}:cluster`] ?? {}) as Record<string, unknown>;
    cluster.authorizedIpRanges = [...values.authorizedIpRanges];
    config[`${NS}:cluster`] = cluster;
    const tags = (config[`${NS}:tags`] ?? {}) as Record<string, unknown>;
    tags["expires-at"] = values.expiresAt;
    config[`${NS}:tags`] = tags;
    if (values.groups !== undefined) {
        config[`${NS}:groups`] = {
            ...(config[`${NS}:groups`] as Record<string, string>),
            ...values.groups,
        };
    }
    return config;
}

/**
 * Step 4's change: in the profile's first namespace, a RoleBinding of the ClusterRole view for
 * the auditors (one more grant: a Kubernetes RoleBinding) and a second workload, e2e-worker (one
 * more federated trust: an identity, its credential and a service account).
 */
export const CHANGE = {
    role: { name: "e2e-view", clusterRole: "view", groups: ["auditors"] },
    workload: { serviceAccount: "e2e-worker" },
} as const;

interface NamespaceEntry {
    name: string;
    roles?: unknown[];
    workloads?: unknown[];
}

/** `config` with step 4's change. */
export function changedConfig(config: ConfigMap): ConfigMap {
    const out = structuredClone(config);
    const namespaces = out[`${NS}:namespaces`] as NamespaceEntry[] | undefined;
    const first = namespaces?.[0];
    if (first === undefined) {
        throw new Error(
            `the e2e profile declares no ${NS}:namespaces; step 4 changes the first one`,
        );
    }
    first.roles = [...(first.roles ?? []), structuredClone(CHANGE.role)];
    first.workloads = [...(first.workloads ?? []), structuredClone(CHANGE.workload)];
    return out;
}

/**
 * The argument of the Automation API's `setAllConfigJson` (`pulumi config set-all --json`, the
 * shape `pulumi config --json` prints): structured values as `objectValue` (Pulumi writes them
 * as YAML maps and lists, as in a stack file), scalars as text (as `pulumi config set` stores them;
 * the program decodes them as components/config/pulumi.ts does).
 */
export function configJson(config: ConfigMap): string {
    const entries = Object.entries(config).map(([key, value]) => {
        if (value !== null && typeof value === "object") {
            return [key, { value: JSON.stringify(value), objectValue: value, secret: false }];
        }
        return [key, { value: String(value), secret: false }];
    });
    return JSON.stringify(Object.fromEntries(entries));
}

/** A stack file's text (for the offline plan of the run's config). */
export function stackFile(config: ConfigMap): string {
    return stringify({ config });
}

/** The validated config (throws ConfigError, listing every problem). */
export function validate(config: ConfigMap): StackConfig {
    return configFromPulumi(pulumiConfigMap(config));
}

/**
 * What the stack costs, as a basis (no prices: Azure bills at the subscription's rates). From the
 * validated config, so defaults show as they apply; `estimateSeconds` is the offline plan's estimate
 * of the first `pulumi up`.
 */
export function costBasis(config: StackConfig, estimateSeconds?: number): string[] {
    const c = config.cluster;
    const pools = [{ name: "system", ...c.systemPool }, ...c.userPools];
    const nodes = pools
        .map((p) => {
            const scale =
                p.minCount !== undefined ? ` (autoscale ${p.minCount}-${p.maxCount})` : "";
            return `${p.count} x ${p.vmSize} (pool ${p.name}${scale})`;
        })
        .join(", ");
    const total = pools.reduce((n, p) => n + p.count, 0);
    const lines = [
        `AKS tier ${c.tier}: ${c.tier === "Free" ? "no cluster management fee (and no uptime SLA)" : "an hourly cluster management fee"}`,
        `nodes: ${nodes}, ${total} in all: each VM and its OS disk, for the minutes it exists`,
        `network: the Standard load balancer and the outbound public IP AKS creates for the cluster`,
    ];
    if (config.auditLogs.enabled) {
        lines.push(
            `audit logs: ${config.auditLogs.categories.join(", ")} to ${config.auditLogs.workspaceId === undefined ? `a Log Analytics workspace of the stack, kept ${config.auditLogs.retentionDays} days` : "your workspace"}: ingestion per GB (retention beyond the included 31 days is billed)`,
        );
    }
    lines.push(
        "not billed: identities, role assignments, federated credentials, Kubernetes objects",
        estimateSeconds === undefined
            ? "minutes: from the start of up to the end of destroy (printed at the end)"
            : `minutes: the offline plan estimates the first up at ${(estimateSeconds / 60).toFixed(1)} min; the cluster exists from the start of up to the end of destroy (printed at the end)`,
    );
    return lines;
}
