// Findings: what a reviewer of this stack should look at twice. Read off the derived access and the
// cluster's registration; config is consulted only for the keys left at their defaults.
// Pure module.
import type { StackConfig } from "../components/config";
import { AKS_ROLES } from "../components/roles";
import type { Access } from "./access";
import { describePrincipal } from "./labels";
import { type Finding, type OrderCheck, type Principal, SEVERITIES, sortBy } from "./model";
import { at, type RegistrationIndex, strings } from "./registrations";

export interface FindingContext {
    index: RegistrationIndex;
    access: Access;
    order: OrderCheck[];
    config: StackConfig;
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

/** The value a key left at its default resolves to, for the message. */
function defaultValue(config: StackConfig, key: string): string {
    let cur: unknown = config;
    for (const part of key.split(".")) {
        cur =
            cur !== null && typeof cur === "object"
                ? (cur as Record<string, unknown>)[part]
                : undefined;
    }
    if (cur === undefined) return "";
    if (cur !== null && typeof cur === "object" && !Array.isArray(cur)) return "";
    return ` (${JSON.stringify(cur)})`;
}

export function deriveFindings(ctx: FindingContext): Finding[] {
    const { index, access, config } = ctx;
    const out: Finding[] = [];
    const principals = new Map(access.principals.map((p) => [p.key, p]));
    const scopes = new Map(access.scopes.map((s) => [s.key, s]));
    const name = (key: string) => {
        const p = principals.get(key);
        return p ? describePrincipal(p) : key;
    };

    // Cluster-admin, however it is given.
    for (const g of access.grants.filter((x) => x.level >= 4 && x.scope === "cluster")) {
        const p = principals.get(g.principal);
        if (g.via === "aks-admin-group") {
            out.push({
                code: "cluster-admin",
                severity: "medium",
                subject: g.principal,
                message: `${name(g.principal)} is an admin group: AKS binds its members to Kubernetes cluster-admin (aks-entra:admins); keep it small`,
            });
        } else if (p?.kind === "deployer") {
            out.push({
                code: "cluster-admin",
                severity: "medium",
                subject: g.principal,
                message: `the deployer (whoever runs pulumi up) gets ${g.role} on the cluster so it can manage namespaces and RBAC; set aks-entra:deployer.clusterAdmin false once it is in an admin group`,
            });
        } else {
            out.push({
                code: "cluster-admin",
                severity: "high",
                subject: g.principal,
                message: `${name(g.principal)} gets ${g.role} on the whole cluster (${g.via})`,
            });
        }
    }

    // Identities that act without a person, with roles over whole subscriptions or resource groups.
    for (const g of access.grants) {
        const p = principals.get(g.principal);
        const s = scopes.get(g.scope);
        if (!p || !s || s.kind !== "azure" || !isAutomation(p)) continue;
        if (/\/providers\//i.test(s.id)) continue;
        const subscriptionWide = !/\/resourceGroups\//i.test(s.id);
        out.push({
            code: subscriptionWide ? "subscription-wide-role" : "resource-group-wide-role",
            severity: subscriptionWide ? "high" : "medium",
            subject: g.principal,
            message: `${name(g.principal)} gets ${g.role} on ${s.label}: every resource in it, present and future; scope it to the resources the ${p.kind} uses`,
        });
    }

    // Pull-request workflows (which may run code from any branch) signing in as an identity that writes.
    for (const t of access.trusts.filter((x) => x.subject.endsWith(":pull_request"))) {
        const writes = access.grants.filter((g) => g.principal === t.identity && g.level >= 2);
        const roles = writes.map((g) => `${g.role} on ${scopes.get(g.scope)?.label ?? g.scope}`);
        out.push({
            code: "pull-request-trust",
            severity: writes.length > 0 ? "high" : "low",
            subject: t.identity,
            message:
                writes.length > 0
                    ? `pull_request workflows of ${t.subject.replace(/^repo:|:pull_request$/g, "")} sign in as ${name(t.identity)}, which has write access: ${roles.join(", ")}; use a separate read-only pipeline for pull requests`
                    : `pull_request workflows of ${t.subject.replace(/^repo:|:pull_request$/g, "")} sign in as ${name(t.identity)} (read-only access)`,
        });
    }

    // Kubernetes access without a way to fetch a kubeconfig: listClusterUserCredential comes with
    // Cluster User Role, RBAC Admin or RBAC Cluster Admin on the cluster (azure-facts.md).
    const kubeconfigRoles = [
        AKS_ROLES.clusterUser,
        AKS_ROLES.rbacAdmin,
        AKS_ROLES.rbacClusterAdmin,
    ].map((g) => `azure:${g}`);
    const inCluster = access.grants.filter((g) => scopes.get(g.scope)?.kind !== "azure");
    for (const key of [...new Set(inCluster.map((g) => g.principal))]) {
        const p = principals.get(key);
        if (!p || !["group", "user", "pipeline"].includes(p.kind) || p.clusterAdminGroup) continue;
        const mine = access.grants.filter((g) => g.principal === key);
        if (mine.some((g) => g.scope === "cluster" && kubeconfigRoles.includes(g.roleKey)))
            continue;
        out.push({
            code: "no-kubeconfig-access",
            severity: "low",
            subject: key,
            message: `${name(key)} has Kubernetes access (${inCluster
                .filter((g) => g.principal === key)
                .map((g) => `${g.role} in ${scopes.get(g.scope)?.label ?? g.scope}`)
                .join(
                    ", ",
                )}) but no Cluster User Role, so az aks get-credentials fails for it; give it namespace access in config too, or hand it the kubeconfig (it holds no secret)`,
        });
    }

    // Custom roles that hand out control of RBAC itself.
    for (const g of access.grants.filter(
        (x) => x.via === "kubernetes-rbac" && x.detail && x.level >= 3,
    )) {
        out.push({
            code: "kubernetes-role-escalation",
            severity: "medium",
            subject: g.principal,
            message: `${name(g.principal)} gets ${g.role} in ${scopes.get(g.scope)?.label ?? g.scope} with escalate/bind/impersonate/* (${g.detail})`,
        });
    }

    const cluster = index.cluster;
    if (cluster) {
        const i = cluster.inputs;
        const api = (i.apiServerAccessProfile ?? {}) as Record<string, unknown>;
        const subject = cluster.urn;
        if (api.enablePrivateCluster !== true && strings(api.authorizedIPRanges).length === 0) {
            out.push({
                code: "public-api-server",
                severity: "high",
                subject,
                message:
                    "the API server is public with no authorized IP ranges: any address can reach it (Entra still authenticates); set aks-entra:cluster.authorizedIpRanges or privateCluster",
            });
        }
        if (api.disableRunCommand !== true) {
            out.push({
                code: "run-command-enabled",
                severity: "medium",
                subject,
                message:
                    "az aks command invoke (run command) is enabled: it runs kubectl inside the cluster, bypassing network restrictions; set aks-entra:cluster.disableRunCommand true",
            });
        }
        if (i.disableLocalAccounts !== true) {
            out.push({
                code: "local-accounts-enabled",
                severity: "high",
                subject,
                message: "local accounts are enabled: static admin credentials bypass Entra ID",
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
            });
        }
        const pool = ((i.agentPoolProfiles ?? []) as Record<string, unknown>[])[0] ?? {};
        if (strings(pool.availabilityZones).length === 0) {
            out.push({
                code: "no-availability-zones",
                severity: "low",
                subject,
                message:
                    "the system node pool has no availability zones: one datacenter failure stops the control-plane add-ons; set aks-entra:cluster.systemPool.zones",
            });
        }
    }

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
        out.push({
            code: `policy:${v.policy}`,
            severity: v.enforcementLevel === "mandatory" ? "high" : "medium",
            subject: v.urn ?? "stack",
            message: `${v.message} (${v.enforcementLevel} rule ${v.policy}; pulumi preview --policy-pack policy would report it)`,
        });
    }

    for (const key of config.defaultsUsed) {
        out.push({
            code: "default-in-use",
            severity: "info",
            subject: `aks-entra:${key}`,
            message: `aks-entra:${key} is not set; the default applies${defaultValue(config, key)}`,
        });
    }

    return sortBy(
        out,
        (f) => SEVERITIES.indexOf(f.severity),
        (f) => f.code,
        (f) => f.subject,
        (f) => f.message,
    );
}

function isAutomation(p: Principal): boolean {
    return ["workload", "pipeline", "managed-identity", "control-plane", "kubelet"].includes(
        p.kind,
    );
}
