// Findings about the Kubernetes RBAC the stack creates in namespaces. The config refuses rules that
// amount to cluster-admin inside a namespace (verb * on resource *, escalate/bind/impersonate, the
// cluster-admin ClusterRole) or open a path past it (components/kubernetesRisk.ts: token creation,
// ephemeral containers, nodes/proxy, webhooks, CRDs) unless the role opts in with
// allowPrivilegeEscalation: such a role is HIGH, with the path it opens. So is a role that runs pods
// (pods or a workload controller, or the edit/admin ClusterRoles) in a namespace whose service
// accounts hold Azure roles: the pod runs as that account and gets its Azure token (issue 29, item
// 4). Lesser risks are MEDIUM: reading Secrets, exec/attach/port-forward into pods, every verb on a
// resource, every resource, and the built-in admin/edit ClusterRoles elsewhere
// (https://kubernetes.io/docs/concepts/security/rbac-good-practices/). Each finding names the
// namespace, the role and the rule. Pure module.
import type { StackConfig } from "../components/config";
import {
    CLUSTER_ROLE_RUNS_PODS,
    declaredRules,
    escalationPaths,
    KNOWN_CLUSTER_ROLES,
    runsPods,
} from "../components/kubernetesRisk";
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";
import { type Rule, rulesSummary } from "../components/access";
import { describePrincipal } from "./labels";
import { at, k8sName, text, TYPES } from "./registrations";

const READ_VERBS = ["get", "list", "watch"];
const INTO_PODS = ["pods/exec", "pods/attach", "pods/portforward"];

/** What makes one rule an escalation in its namespace (every path it opens), or undefined. */
export function escalation(rule: Rule): string | undefined {
    const paths = escalationPaths(rule, "namespace");
    return paths.length > 0 ? paths.join("; ") : undefined;
}

/**
 * The service accounts of a namespace that hold Azure roles, each with its grants:
 * `payments/payments-api → Key Vault Secrets User on kv-payments`. [] when none.
 */
export function azureServiceAccounts(config: StackConfig, namespace: string): string[] {
    const ns = config.namespaces.find((n) => n.name === namespace);
    return (ns?.workloads ?? [])
        .filter((w) => w.azureRoleAssignments.length > 0)
        .map(
            (w) =>
                `${namespace}/${w.serviceAccount} → ${w.azureRoleAssignments.map((g) => `${g.role} on ${g.scope.split("/").pop()}`).join(", ")}`,
        );
}

/** The finding's words for pods run as the namespace's Azure-holding service accounts. */
const viaPods = (accounts: string[]): string =>
    `runs pods as any service account of the namespace, ${azureReach(accounts)}`;
const azureReach = (accounts: string[]): string =>
    `so reaches their Azure roles: via a pod running as ${accounts.join("; ")}`;

/** The lesser risks of one rule, worded for a reviewer; [] when none. */
export function lesserRisks(rule: Rule): string[] {
    const verbs = rule.verbs ?? [];
    const resources = rule.resources ?? [];
    const every = verbs.includes("*");
    const out: string[] = [];
    if (resources.includes("*")) {
        out.push("every resource type, Secrets included, present and future");
    } else if (
        resources.includes("secrets") &&
        (every || verbs.some((v) => READ_VERBS.includes(v)))
    ) {
        out.push("reads Secrets");
    }
    const into = resources.filter((r) => INTO_PODS.includes(r));
    if (into.length > 0 && (every || verbs.includes("create"))) {
        out.push(
            `${into.map((r) => r.slice("pods/".length)).join("/")} into pods: runs commands in them and reads what they can`,
        );
    }
    if (every && !resources.includes("*")) {
        out.push("every verb, delete and verbs added later included");
    }
    return out;
}

const BUILT_IN: Readonly<Record<string, { severity: "high" | "medium"; what: string }>> = {
    "cluster-admin": {
        severity: "high",
        what: "full control of the namespace, its Roles and RoleBindings included: cluster-admin inside it",
    },
    admin: {
        severity: "medium",
        what: "reads Secrets, execs into pods and manages the namespace's Roles and RoleBindings",
    },
    edit: {
        severity: "medium",
        what: "reads Secrets and execs into pods, and runs pods as any service account of the namespace",
    },
};

export function rbacFindings(ctx: FindingContext): FactFinding[] {
    const { index, access, config } = ctx;
    const out: FactFinding[] = [];
    const optIns = new Map<string, { path: string; allowed: boolean }>();
    config.namespaces.forEach((ns, i) =>
        ns.roles.forEach((role, j) =>
            optIns.set(`${ns.name}/${role.name}`, {
                path: `aks-entra:namespaces[${i}].roles[${j}].allowPrivilegeEscalation`,
                // Read loosely: the key is new in the config (issue 7) and may be absent from the type.
                allowed:
                    (role as { allowPrivilegeEscalation?: boolean }).allowPrivilegeEscalation ===
                    true,
            }),
        ),
    );
    const roles = new Map(index.ofType(TYPES.role).map((r) => [k8sName(r), r]));

    for (const b of index.ofType(TYPES.roleBinding)) {
        const ns = text(at(b.inputs, "metadata", "namespace"));
        const bindingName = text(at(b.inputs, "metadata", "name"));
        const kind = text(at(b.inputs, "roleRef", "kind"));
        const ref = text(at(b.inputs, "roleRef", "name"));
        const optIn = optIns.get(`${ns}/${bindingName}`);
        const allowed = optIn?.allowed ? `; allowed by ${optIn.path}: true` : "";
        const holders = ((b.inputs.subjects ?? []) as { name?: string }[])
            .map((s) => {
                const p = access.byObjectId.get((s.name ?? "").toLowerCase());
                return p ? describePrincipal(p) : (s.name ?? "");
            })
            .join(", ");
        const where = `namespace ${ns} role ${bindingName}`;
        let escalates = false;

        const accounts = azureServiceAccounts(config, ns);
        /** Checks each rule; true when one is an escalation. */
        const check = (rules: Rule[], subject: string, label: string): void =>
            rules.forEach((rule, i) => {
                const facts = [`kubernetes-rule|${subject}|${i}`];
                const admin = escalation(rule);
                const ruleText = `${label}rule ${JSON.stringify(rulesSummary([rule]))}`;
                if (admin) {
                    escalates = true;
                    out.push({
                        code: "kubernetes-rbac-escalation",
                        severity: "high",
                        subject,
                        message: `${where} ${ruleText}: ${admin}${allowed}; held by ${holders}`,
                        facts,
                    });
                    return;
                }
                if (runsPods(rule) && accounts.length > 0) {
                    out.push({
                        code: "kubernetes-rbac-reach",
                        severity: "high",
                        subject,
                        message: `${where} ${ruleText}: ${viaPods(accounts)}; held by ${holders}`,
                        facts: [...facts, `pods-reach|${b.urn}`],
                    });
                    return;
                }
                const risks = lesserRisks(rule);
                if (risks.length > 0) {
                    out.push({
                        code: "kubernetes-rbac-risk",
                        severity: "medium",
                        subject,
                        message: `${where} ${ruleText}: ${risks.join("; ")}; held by ${holders}`,
                        facts,
                    });
                }
            });

        if (kind === "Role") {
            const role = roles.get(`${ns}/${ref}`);
            check((role?.inputs.rules ?? []) as Rule[], role?.urn ?? b.urn, "");
        } else if (kind === "ClusterRole" && BUILT_IN[ref]) {
            const risk = BUILT_IN[ref];
            escalates = risk.severity === "high";
            const reach = !escalates && CLUSTER_ROLE_RUNS_PODS[ref] && accounts.length > 0;
            out.push({
                code: escalates
                    ? "kubernetes-rbac-escalation"
                    : reach
                      ? "kubernetes-rbac-reach"
                      : "kubernetes-rbac-risk",
                severity: reach ? "high" : risk.severity,
                subject: b.urn,
                facts: escalates
                    ? [`kubernetes-clusterrole|${b.urn}`]
                    : reach
                      ? [`pods-reach|${b.urn}`]
                      : undefined,
                message: `${where} binds ClusterRole ${ref}: ${reach ? `${risk.what}, ${azureReach(accounts)}` : risk.what}${escalates ? allowed : ""}; held by ${holders}`,
            });
        } else if (
            kind === "ClusterRole" &&
            !(KNOWN_CLUSTER_ROLES as readonly string[]).includes(ref)
        ) {
            const declared = declaredRules(b.inputs.metadata) as Rule[] | undefined;
            if (declared === undefined) {
                // Fail closed: rules nobody declared may be anything, cluster-admin included.
                escalates = true;
                out.push({
                    code: "kubernetes-rbac-escalation",
                    severity: "high",
                    subject: b.urn,
                    message: `${where} binds ClusterRole ${ref}, whose rules the stack does not declare: treated as cluster-admin inside the namespace; held by ${holders}`,
                    facts: [`kubernetes-clusterrole|${b.urn}`],
                });
            } else {
                check(declared, b.urn, `ClusterRole ${ref} (declared) `);
            }
        }
        if (optIn?.allowed && !escalates) {
            out.push({
                code: "kubernetes-rbac-escalation",
                severity: "high",
                subject: b.urn,
                message: `${where} has ${optIn.path}: true: the config lets it amount to cluster-admin inside the namespace; held by ${holders}`,
            });
        }
    }
    return out;
}
