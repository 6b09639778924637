// Findings about the configuration itself: keys left at their defaults (with the value the default
// takes), documentation IP ranges and example object ids left over from a copied Pulumi.dev.yaml,
// a Kubernetes version near AKS end of support or newer than the table. Pure module; today is a parameter.
import ipaddr from "ipaddr.js";
import { AKS_MINORS, TABLE_TEXT, versionInstead, versionSupport } from "../components/aksVersions";
import type { StackConfig } from "../components/config";
import type { FactFinding } from "./dedupe";
import { DOCUMENTATION_RANGES } from "./examples";
import type { FindingContext } from "./findings";
import { idFindings } from "./findingsIds";
import { nameAndPoolFindings } from "./findingsNames";
import { strings } from "./registrations";

/**
 * The value a key left at its default takes, as a reviewer reads it. Keys not listed here show
 * their value in the validated config.
 */
const DEFAULT_VALUES: Readonly<Record<string, (c: StackConfig) => string>> = {
    admins: (c) =>
        c.admins.createGroup
            ? "a new admin group owned by the deployer, no other admin groups"
            : "no new admin group",
    cluster: (c) =>
        `tier ${c.cluster.tier}, one system pool of ${c.cluster.systemPool.count} x ${c.cluster.systemPool.vmSize}`,
    "cluster.tier": (c) => c.cluster.tier,
    "cluster.systemPool.zones": (c) =>
        c.cluster.systemPool.zones.length > 0
            ? c.cluster.systemPool.zones.join(",")
            : "none (the pool lives in one datacenter)",
    "cluster.userPools": () => "none (applications run on the system pool)",
    "cluster.network": () =>
        "none (AKS creates and manages the VNet; the cluster cannot be moved into your network later)",
    "cluster.monitoring.containerInsights": (c) =>
        `on: Container Insights to ${c.auditLogs.workspaceId === undefined ? "the stack's Log Analytics workspace" : "your workspace (auditLogs.workspaceId)"}, whose ingestion is billed per GB (docs/monitoring.md)`,
    auditLogs: (c) =>
        `${c.auditLogs.categories.join(" and ")} logs to a new Log Analytics workspace in the stack's resource group, kept ${c.auditLogs.retentionDays} days`,
    kubeloginMode: (c) => c.kubeloginMode,
    "deployer.principalType": () =>
        "read from the Azure login (getClientConfig: the Azure CLI's client id means a person, any other a service principal)",
};

/** The value at a dotted key of the validated config, shown as JSON. */
function configValue(config: StackConfig, key: string): string {
    let cur: unknown = config;
    for (const part of key.split(".")) {
        cur =
            cur !== null && typeof cur === "object"
                ? (cur as Record<string, unknown>)[part]
                : undefined;
    }
    return cur === undefined ? "(unset)" : JSON.stringify(cur);
}

export function defaultValue(config: StackConfig, key: string): string {
    return DEFAULT_VALUES[key]?.(config) ?? configValue(config, key);
}

/** `today` defaults to the real date: the plan judges the version on the day it runs. */
export function configFindings(ctx: FindingContext, today: Date = new Date()): FactFinding[] {
    const { config, index } = ctx;
    const out: FactFinding[] = [];

    const version = kubernetesVersionFinding(config, today);
    if (version) out.push(version);

    for (const key of config.defaultsUsed) {
        out.push({
            code: "default-in-use",
            severity: "info",
            subject: `aks-entra:${key}`,
            message: `aks-entra:${key} is not set; the default applies: ${defaultValue(config, key)}`,
        });
    }

    // Documentation ranges (RFC 5737, RFC 3849) as authorized IP ranges: nobody can reach the API.
    const ranges = strings(
        (index.cluster?.inputs.apiServerAccessProfile as { authorizedIPRanges?: unknown })
            ?.authorizedIPRanges,
    );
    for (const r of ranges) {
        const doc = documentationRange(r);
        if (!doc) continue;
        out.push({
            code: "documentation-ip-range",
            severity: "high",
            subject: "aks-entra:cluster.authorizedIpRanges",
            message: `aks-entra:cluster.authorizedIpRanges lists ${r}, inside ${doc.range} (${doc.name}), a range reserved for documentation: no real client has such an address, so the API server is unreachable through it; list your own egress ranges`,
        });
    }

    out.push(...idFindings(config));
    out.push(...nameAndPoolFindings(config));

    // deployer.clusterAdmin true is honoured only when the stack makes Kubernetes objects.
    const deployer = ctx.written?.["aks-entra:deployer"];
    if (
        config.namespaces.length === 0 &&
        config.deployer.clusterAdmin &&
        deployer !== null &&
        typeof deployer === "object" &&
        (deployer as Record<string, unknown>).clusterAdmin === true
    ) {
        out.push({
            code: "deployer-cluster-admin-unused",
            severity: "low",
            subject: "aks-entra:deployer.clusterAdmin",
            message:
                "aks-entra:deployer.clusterAdmin is true but grants nothing: the stack has no aks-entra:namespaces, so it makes no Kubernetes objects and gives the deployer no AKS RBAC Cluster Admin (nor waits for one); remove the key, or add the namespaces it was meant for",
        });
    }
    return out;
}

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
/** "2026-10" as the calendar writes it: "Oct 2026". */
const month = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;

/**
 * aks-entra:kubernetesVersion judged by the AKS release calendar table (components/aksVersions.ts,
 * docs/azure-facts.md "AKS Kubernetes versions") on `today`: MEDIUM within 60 days of AKS end of
 * support, LOW when the table does not know the minor as generally available. Nothing when
 * supported or unset; a version past the end is no finding but refused by config validation
 * (versionRefusal), in the plan as in `pulumi up`.
 */
export function kubernetesVersionFinding(
    config: Pick<StackConfig, "kubernetesVersion" | "location">,
    today: Date,
): FactFinding | undefined {
    const s = versionSupport(config.kubernetesVersion, today);
    const v = config.kubernetesVersion;
    if (v === undefined || s.minor === undefined) return undefined;
    const key = "aks-entra:kubernetesVersion";
    const check = `az aks get-versions --location ${config.location}`;
    const finding = (severity: FactFinding["severity"], message: string): FactFinding => ({
        code: "kubernetes-version",
        severity,
        subject: key,
        message,
    });
    switch (s.status) {
        case "ending-soon": {
            const when =
                s.daysLeft === 0 ? "today" : `in ${s.daysLeft} day${s.daysLeft === 1 ? "" : "s"}`;
            return finding(
                "medium",
                `AKS support for ${s.minor} ends ${s.endOfLife} (${when}, per ${TABLE_TEXT}); after that AKS refuses to create a cluster at ${v}: move ${key} to ${versionInstead(today, config.location)} or leave it unset for AKS's default`,
            );
        }
        case "unknown-newer": {
            const why = !s.row
                ? `is not in ${TABLE_TEXT} (newest ${AKS_MINORS[AKS_MINORS.length - 1].minor})`
                : s.row.gaPlanned
                  ? `has only a planned GA (${month(s.row.ga)}) in ${TABLE_TEXT}`
                  : `is not generally available until ${month(s.row.ga)} per ${TABLE_TEXT}`;
            const stale = !s.row || s.row.gaPlanned ? ": the table may be stale" : "";
            return finding("low", `${key} ${v} ${why}${stale}; check ${check}`);
        }
        default:
            return undefined;
    }
}

/** The documentation range `cidr` lies in, or undefined. */
export function documentationRange(
    cidr: string,
): (typeof DOCUMENTATION_RANGES)[number] | undefined {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    let prefix: number;
    try {
        [address, prefix] = cidr.includes("/")
            ? ipaddr.parseCIDR(cidr)
            : [ipaddr.parse(cidr), ipaddr.parse(cidr).kind() === "ipv4" ? 32 : 128];
    } catch {
        return undefined;
    }
    return DOCUMENTATION_RANGES.find((d) => {
        const [net, bits] = ipaddr.parseCIDR(d.range);
        return net.kind() === address.kind() && prefix >= bits && address.match(net, bits);
    });
}
