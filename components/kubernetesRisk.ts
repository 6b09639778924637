// What a Kubernetes RBAC rule or ClusterRole reaches beyond what it names: the one table that config
// validation (components/config/rules/namespaces.ts), the plan (plan/findingsRbac.ts) and the
// guardrails pack (policy/kubernetes.ts) all read, so a new path to more access is added here once.
// Sources: https://kubernetes.io/docs/concepts/security/rbac-good-practices/ ("Kubernetes RBAC -
// privilege escalation risks") and docs/azure-facts.md, "Kubernetes RBAC paths" (issue 29, item 4).
// Pure module.
import { ESCALATING_VERBS } from "./config/constants";
import { AKS_ROLES } from "./roles";

/** A PolicyRule as config, the registrations and the pack see it (every field may be missing). */
export interface RiskRule {
    apiGroups?: readonly (string | undefined)[];
    resources?: readonly (string | undefined)[];
    verbs?: readonly (string | undefined)[];
}

/**
 * The ClusterRoles a namespace role may bind without declaring their rules: Kubernetes' user-facing
 * roles, whose rules are documented (https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 * #user-facing-roles). cluster-admin is among them but is an escalation (refused unless opted in).
 */
export const KNOWN_CLUSTER_ROLES = ["view", "edit", "admin", "cluster-admin"] as const;

/**
 * ClusterRoles Kubernetes owns and reconciles: `system:aggregate-to-{view,edit,admin}` are
 * aggregated into view/edit/admin and carry their power (aggregate-to-edit impersonates service
 * accounts), others serve the control plane. Never bound from a stack file.
 */
export const SYSTEM_CLUSTER_ROLE = /^system:/;

/**
 * Annotation on a RoleBinding of a declared ClusterRole: the rules the stack file declared for it
 * (clusterRoleRules, JSON), so the plan and the pack check what the binding grants.
 */
export const DECLARED_RULES_ANNOTATION = "aks-entra/clusterrole-rules";

/**
 * The rules a RoleBinding's metadata declares for its ClusterRole (DECLARED_RULES_ANNOTATION), or
 * undefined when it declares none or the value is not a JSON list.
 */
export function declaredRules(metadata: unknown): RiskRule[] | undefined {
    const annotations =
        metadata !== null && typeof metadata === "object"
            ? (metadata as { annotations?: unknown }).annotations
            : undefined;
    const raw =
        annotations !== null && typeof annotations === "object"
            ? (annotations as Record<string, unknown>)[DECLARED_RULES_ANNOTATION]
            : undefined;
    if (typeof raw !== "string") return undefined;
    try {
        const rules: unknown = JSON.parse(raw);
        return Array.isArray(rules) ? rules.map(riskRule) : undefined;
    } catch {
        return undefined;
    }
}

/** Labels that aggregate a ClusterRole's rules into view/edit/admin (and so into every holder). */
export const AGGREGATION_LABEL = /^rbac\.authorization\.k8s\.io\/aggregate-to-/;

/** Verbs that write (a wildcard verb included). */
const WRITE_VERBS = ["create", "update", "patch", "*"];

export interface PathKind {
    /** API group of the resource. */
    group: string;
    resources: readonly string[];
    /** Verbs that open the path; undefined: any verb. */
    verbs?: readonly string[];
    /** Cluster-scoped: a namespace Role cannot grant it, and `*` in a namespace Role does not reach it. */
    clusterScoped?: boolean;
    /** What the rule grants, in a few words (config messages). */
    short: string;
    /** The path it opens, worded for a reviewer. */
    path: string;
}

/**
 * Rules that can only be an escalation: refused in a namespace role unless the role opts in with
 * allowPrivilegeEscalation, HIGH in the plan, refused by the pack unless its config allows the role.
 */
export const ESCALATION_PATHS: readonly PathKind[] = [
    {
        group: "",
        resources: ["serviceaccounts/token"],
        verbs: ["create", "*"],
        short: "serviceaccounts/token create",
        path: "serviceaccounts/token create mints a token for any service account of the namespace, workload-identity ones included: it signs in to Azure as them, with all their Azure roles",
    },
    {
        group: "",
        resources: ["pods/ephemeralcontainers"],
        verbs: ["update", "patch", "*"],
        short: "pods/ephemeralcontainers update/patch",
        path: "pods/ephemeralcontainers adds a container to any running pod: it runs as that pod's service account, with its token and Azure roles",
    },
    {
        group: "",
        resources: ["nodes/proxy"],
        clusterScoped: true,
        short: "nodes/proxy",
        path: "nodes/proxy reaches the kubelet API of every node: commands in any pod of the node, past admission and the audit log",
    },
    {
        group: "admissionregistration.k8s.io",
        resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
        verbs: WRITE_VERBS,
        clusterScoped: true,
        short: "admission webhook configurations write",
        path: "an admission webhook sees and can rewrite every object sent to the API server, Secrets and pods of every namespace included",
    },
    {
        group: "apiextensions.k8s.io",
        resources: ["customresourcedefinitions"],
        verbs: WRITE_VERBS,
        clusterScoped: true,
        short: "customresourcedefinitions write",
        path: "customresourcedefinitions write defines or replaces API types for the whole cluster, and the conversion webhooks that see their objects",
    },
];

/** Resources whose creation runs a pod (directly or through a controller) as any service account. */
const POD_RUNNERS: readonly { group: string; resources: readonly string[] }[] = [
    { group: "", resources: ["pods", "replicationcontrollers"] },
    { group: "apps", resources: ["deployments", "replicasets", "statefulsets", "daemonsets"] },
    { group: "batch", resources: ["jobs", "cronjobs"] },
];

function covers(
    rule: RiskRule,
    group: string,
    resource: string,
    verbs: readonly string[] | undefined,
    wildcardResource: boolean,
): boolean {
    const groups = rule.apiGroups ?? [];
    const resources = rule.resources ?? [];
    const ruleVerbs = rule.verbs ?? [];
    return (
        (groups.includes(group) || groups.includes("*")) &&
        (resources.includes(resource) || (wildcardResource && resources.includes("*"))) &&
        (verbs === undefined
            ? ruleVerbs.length > 0
            : ruleVerbs.some((v) => v !== undefined && verbs.includes(v)))
    );
}

/**
 * What makes one rule an escalation, one line per path it opens; [] when none. `scope` is where the
 * rule applies: in a namespace (a Role, or a ClusterRole bound by a RoleBinding) a wildcard resource
 * does not reach cluster-scoped resources, but naming them is still refused (it would be silently
 * inert, or a ClusterRole meant for more).
 */
export function escalationPaths(rule: RiskRule, scope: "namespace" | "cluster"): string[] {
    // `*` on `*` says it all (and is the wildcard guardrail's to report).
    if (everyVerbOnEverything(rule)) return [EVERY_VERB_ON_EVERYTHING];
    const escalating = escalatingVerbs(rule);
    return [
        ...(escalating.length > 0
            ? [
                  `${escalating.join("/")} lets its holders grant themselves any permission${scope === "namespace" ? " in the namespace" : ""}`,
              ]
            : []),
        ...pathKinds(rule, scope).map((k) => k.path),
    ];
}

/** The ESCALATION_PATHS one rule opens (besides `*` on `*` and escalate/bind/impersonate). */
export function pathKinds(rule: RiskRule, scope: "namespace" | "cluster"): PathKind[] {
    return ESCALATION_PATHS.filter((kind) => {
        const wildcard = scope === "cluster" || kind.clusterScoped !== true;
        return kind.resources.some((r) => covers(rule, kind.group, r, kind.verbs, wildcard));
    });
}

/** True when the rule grants every verb on every resource. */
export const everyVerbOnEverything = (rule: RiskRule): boolean =>
    (rule.verbs ?? []).includes("*") && (rule.resources ?? []).includes("*");

/** The verbs of a rule that grant or assume more than the holder has, in the rule's order. */
export const escalatingVerbs = (rule: RiskRule): string[] =>
    (rule.verbs ?? []).filter(
        (v): v is string => v !== undefined && (ESCALATING_VERBS as readonly string[]).includes(v),
    );

/** What `*` verbs on `*` resources amount to (escalationPaths says only this for such a rule). */
export const EVERY_VERB_ON_EVERYTHING =
    "every verb on every resource amounts to cluster-admin inside the namespace";

/** A rule as the pack reads it off a registration (any shape), for the functions above. */
export function riskRule(rule: unknown): RiskRule {
    const list = (key: string): (string | undefined)[] => {
        const v =
            rule !== null && typeof rule === "object"
                ? (rule as Record<string, unknown>)[key]
                : undefined;
        return Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : undefined)) : [];
    };
    return { apiGroups: list("apiGroups"), resources: list("resources"), verbs: list("verbs") };
}

/** True when the rule creates pods, directly or through a workload controller. */
export function runsPods(rule: RiskRule): boolean {
    return POD_RUNNERS.some((k) =>
        k.resources.some((r) => covers(rule, k.group, r, WRITE_VERBS, true)),
    );
}

/** The built-in ClusterRoles' paths that reach further than their name says. */
export const CLUSTER_ROLE_RUNS_PODS: Readonly<Record<string, boolean>> = {
    // edit and admin create pods and workloads, and impersonate the namespace's service accounts
    // (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles).
    "cluster-admin": true,
    admin: true,
    edit: true,
    view: false,
};

/**
 * What each AKS RBAC role amounts to in Kubernetes, as the user-facing ClusterRole with the same
 * power, by lowercase role GUID; read with CLUSTER_ROLE_RUNS_PODS. Writer "allows accessing
 * Secrets and running Pods as any ServiceAccount in the namespace", Admin adds Roles and
 * RoleBindings, Cluster Admin is every action (https://learn.microsoft.com/azure/aks/
 * manage-azure-rbac, built-in roles; docs/azure-facts.md, "Effective access").
 */
export const AKS_ROLE_AS_CLUSTER_ROLE: Readonly<Record<string, string>> = {
    [AKS_ROLES.rbacReader]: "view",
    [AKS_ROLES.rbacWriter]: "edit",
    [AKS_ROLES.rbacAdmin]: "admin",
    [AKS_ROLES.rbacClusterAdmin]: "cluster-admin",
};

/**
 * AKS RBAC roles that, on the whole cluster, let the holder create a ClusterRoleBinding to
 * cluster-admin: Admin allows every data action but on ResourceQuotas and Namespaces
 * (components/roles.ts, CLUSTER_WIDE_EFFECT).
 */
export const AKS_ROLES_BINDING_CLUSTER_ADMIN: readonly string[] = [AKS_ROLES.rbacAdmin];
