// Findings: what a reviewer of this stack should look at twice. Read off the derived access and the
// registrations; config is consulted for names, opt-ins and the keys left at their defaults.
// The checks live beside this file by subject (findingsAccess, findingsRbac, findingsConfig,
// findingsJit); this module runs them with the guardrails pack, keeps one finding per fact
// (dedupe.ts) and sorts.
// Pure module.
import type { StackConfig } from "../components/config";
import type { Access } from "./access";
import { dedupe, type FactFinding, policyFact } from "./dedupe";
import { accessFindings } from "./findingsAccess";
import { clusterWideFindings } from "./findingsClusterWide";
import { roleFindings } from "./findingsRoles";
import { configFindings } from "./findingsConfig";
import { stateAccessFindings } from "./findingsStateAccess";
import { jitFindings } from "./findingsJit";
import { podSecurityFindings } from "./findingsPodSecurity";
import { rbacFindings } from "./findingsRbac";
import { type Finding, type OrderCheck, SEVERITIES, sortBy } from "./model";
import { agentPool, inlinePools, systemPool } from "./pools";
import { upgradeFindings } from "./findingsUpgrades";
import { at, type RegistrationIndex, strings, TYPES } from "./registrations";
import { type SignIn, signInFindings } from "./signIn";

export interface FindingContext {
    index: RegistrationIndex;
    access: Access;
    order: OrderCheck[];
    config: StackConfig;
    /**
     * The stack file's config map as written (`aks-entra:deployer` -> its map), for findings about
     * a key set to what is also its default; absent, those findings are not made.
     */
    written?: Readonly<Record<string, unknown>>;
    /** How people and the exported kubeconfig sign in. Undefined: no sign-in findings. */
    signIn?: SignIn;
    /** What the guardrails pack (policy/) reports for these registrations. */
    policyViolations?: readonly PolicyViolation[];
}

/** One violation of the policy pack (policy/evaluate.ts `Violation`). */
export interface PolicyViolation {
    policy: string;
    enforcementLevel: string;
    urn?: string;
    message: string;
}

export function deriveFindings(ctx: FindingContext): Finding[] {
    const out: FactFinding[] = [
        ...accessFindings(ctx),
        ...clusterWideFindings(ctx),
        ...roleFindings(ctx),
        ...rbacFindings(ctx),
        ...podSecurityFindings(ctx),
        ...clusterFindings(ctx),
        ...configFindings(ctx),
        ...stateAccessFindings(ctx.config),
        ...jitFindings(ctx),
        ...(ctx.signIn ? signInFindings(ctx, ctx.signIn) : []),
    ];

    for (const c of ctx.order.filter((x) => !x.ok)) {
        out.push({
            code: `order:${c.code}`,
            severity: "high",
            subject: c.resource,
            message: c.message,
        });
    }

    // The same pack `pulumi preview --policy-pack policy` runs, here with every id known.
    for (const v of ctx.policyViolations ?? []) {
        const fact = policyFact(v);
        out.push({
            code: `policy:${v.policy}`,
            severity: v.enforcementLevel === "mandatory" ? "high" : "medium",
            subject: v.urn ?? "stack",
            message: `${v.message} (${v.enforcementLevel} rule ${v.policy}; pulumi preview --policy-pack policy would report it)`,
            facts: fact ? [fact] : undefined,
            level: v.enforcementLevel,
        });
    }

    return sortBy(
        dedupe(out),
        (f) => SEVERITIES.indexOf(f.severity),
        (f) => f.code,
        (f) => f.subject,
        (f) => f.message,
    );
}

/** The cluster's own settings that weaken it. */
function clusterFindings(ctx: FindingContext): FactFinding[] {
    const cluster = ctx.index.cluster;
    if (!cluster) return [];
    const out: FactFinding[] = [];
    const i = cluster.inputs;
    const api = (i.apiServerAccessProfile ?? {}) as Record<string, unknown>;
    const subject = cluster.urn;
    const fact = (topic: string) => [`${topic}|${subject}`];
    if (api.enablePrivateCluster !== true && strings(api.authorizedIPRanges).length === 0) {
        out.push({
            code: "public-api-server",
            severity: "high",
            subject,
            message:
                "the API server is public with no authorized IP ranges: any address can reach it (Entra still authenticates); set aks-entra:cluster.authorizedIpRanges or privateCluster",
            facts: fact("api-server"),
        });
    }
    if (api.disableRunCommand !== true) {
        out.push({
            code: "run-command-enabled",
            severity: "medium",
            subject,
            message:
                "az aks command invoke (run command) is enabled: it runs kubectl inside the cluster, bypassing network restrictions; set aks-entra:cluster.disableRunCommand true",
            facts: fact("run-command"),
        });
    }
    if (i.disableLocalAccounts !== true) {
        out.push({
            code: "local-accounts-enabled",
            severity: "high",
            subject,
            message: "local accounts are enabled: static admin credentials bypass Entra ID",
            facts: fact("local-accounts"),
        });
    }
    if (
        at(i, "aadProfile", "managed") !== true ||
        at(i, "aadProfile", "enableAzureRBAC") !== true
    ) {
        out.push({
            code: "entra-rbac-off",
            severity: "high",
            subject,
            message: "AKS-managed Entra integration with Azure RBAC is not enabled",
            facts: fact("entra-rbac"),
        });
    }
    // The defaults that answer Azure Policy's built-ins for AKS (docs/azure-policy.md: Azure Policy built-ins).
    const sshPools = [
        ...((i.agentPoolProfiles ?? []) as Record<string, unknown>[]).map((p) => ({
            name: String(p.name),
            ssh: at(p, "securityProfile", "sshAccess"),
            urn: subject,
        })),
        ...ctx.index.ofType(TYPES.agentPool).map((p) => ({
            name: String(p.inputs.agentPoolName),
            ssh: at(p.inputs, "securityProfile", "sshAccess"),
            urn: p.urn,
        })),
    ].filter((p) => p.ssh !== "Disabled");
    if (sshPools.length > 0) {
        out.push({
            code: "node-ssh-enabled",
            severity: "high",
            subject,
            message: `SSH to nodes is on in pool${sshPools.length === 1 ? "" : "s"} ${sshPools.map((p) => p.name).join(", ")}: a way onto nodes that is not an Entra login (Azure Policy built-in 28257686 reports the cluster); set aks-entra:cluster.nodeSsh false (the default) and use kubectl debug node/<name>`,
            facts: [...new Set(sshPools.map((p) => `ssh|${p.urn}`))],
        });
    }
    const addons = (i.addonProfiles ?? {}) as Record<string, unknown>;
    const policyAddon = Object.entries(addons).find(([k]) => k.toLowerCase() === "azurepolicy");
    if (at(policyAddon?.[1], "enabled") !== true) {
        out.push({
            code: "azure-policy-addon-off",
            severity: "medium",
            subject,
            message:
                "the Azure Policy add-on is off: no in-cluster Azure Policy (pod security baseline, allowed registries) can be assigned to this cluster (built-in 0a15ec92 reports it); set aks-entra:cluster.azurePolicy true (the default)",
            facts: fact("azure-policy"),
        });
    }
    if (at(i, "securityProfile", "imageCleaner", "enabled") !== true) {
        out.push({
            code: "image-cleaner-off",
            severity: "medium",
            subject,
            message:
                "Image Cleaner is off: unused images, vulnerable ones included, stay on the nodes (built-in af3c26b2 reports it); set aks-entra:cluster.imageCleaner.enabled true (the default)",
            facts: fact("image-cleaner"),
        });
    }
    const audit = ctx.config.auditLogs;
    if (!audit.enabled || ctx.index.ofType(TYPES.diagnosticSetting).length === 0) {
        out.push({
            code: "audit-logs-off",
            severity: "high",
            subject,
            message:
                "the cluster keeps no audit trail: nobody can see who did what with an Entra token or how Azure RBAC decided (built-in 245fc9df reports it); leave aks-entra:auditLogs on (the default)",
            facts: fact("audit-logs"),
        });
    } else {
        // Every part of the trail that is missing, named at once.
        const missing = [
            ...(audit.categories.some((c) => c === "kube-audit-admin" || c === "kube-audit")
                ? []
                : ["kube-audit-admin (who changed what)"]),
            ...(audit.categories.includes("guard")
                ? []
                : ["guard (how Entra and Azure RBAC decided)"]),
        ];
        if (missing.length > 0) {
            out.push({
                code: "audit-logs-partial",
                severity: "medium",
                subject,
                message: `aks-entra:auditLogs.categories ${JSON.stringify(audit.categories)} miss ${missing.join(" and ")}: the audit trail has ${missing.length === 1 ? "a gap" : "gaps"}`,
                facts: fact("audit-logs"),
            });
        }
    }
    if ((systemPool(cluster)?.zones ?? []).length === 0) {
        out.push({
            code: "no-availability-zones",
            severity: "low",
            subject,
            message:
                "the system node pool has no availability zones: one datacenter failure stops the control-plane add-ons; set aks-entra:cluster.systemPool.zones",
        });
    }
    const userPools = [
        ...inlinePools(cluster).filter((p) => p.mode !== "System"),
        ...ctx.index.ofType(TYPES.agentPool).flatMap((r) => agentPool(r) ?? []),
    ].filter((p) => p.zones.length === 0 && p.mode !== "System");
    if (userPools.length > 0) {
        // The name config gives the pool (label POOL_LABEL of components/nodePools.ts, not imported:
        // it loads the SDK); its AgentPool name has a hash of its settings.
        const names = userPools.map((p) => p.labels["aks-entra/pool"] ?? p.name).sort();
        out.push({
            code: "no-availability-zones",
            severity: "low",
            subject: "aks-entra:cluster.userPools",
            message: `user pool${names.length === 1 ? "" : "s"} ${names.join(", ")} ${names.length === 1 ? "has" : "have"} no availability zones: one datacenter failure takes ${names.length === 1 ? "its" : "their"} nodes and the workloads on them; set zones on ${names.length === 1 ? "it" : "each"} in aks-entra:cluster.userPools (a pool's zones are fixed when it is created: the change creates a new pool)`,
        });
    }
    out.push(...upgradeFindings(cluster.inputs, subject));
    return out;
}
