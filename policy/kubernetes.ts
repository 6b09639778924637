// Policies on Kubernetes RBAC objects and namespaces the stack creates. What counts as a path to
// more access is components/kubernetesRisk.ts, the table the config and the plan read too.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
    AGGREGATION_LABEL,
    DECLARED_RULES_ANNOTATION,
    declaredRules,
    escalationPaths,
    EVERY_VERB_ON_EVERYTHING,
    KNOWN_CLUSTER_ROLES,
    riskRule,
    SYSTEM_CLUSTER_ROLE,
} from "../components/kubernetesRisk";
import { TYPE } from "./azure";
import { onType } from "./cluster";
import { isUnknown, items, read, show, str } from "./read";

export interface WildcardConfig {
    /** Roles allowed to use "*": `<namespace>/<name>` for a Role, `<name>` for a ClusterRole. */
    allowedWildcardRoles?: string[];
}

export const noSystemMasters: ResourceValidationPolicy = {
    name: "k8s-no-system-masters",
    description:
        "No RoleBinding or ClusterRoleBinding names system:masters (Kubernetes superusers, outside Entra and RBAC).",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.binding, (props, _args, report) => {
        items(read(props, "subjects")).forEach((subject, i) => {
            const name = read(subject, "name");
            if (name === "system:masters") {
                report(
                    `subjects[${i}] is ${show(read(subject, "kind"))} "system:masters" (Kubernetes superusers, outside Entra and RBAC); bind an Entra group object id instead`,
                );
            }
        });
    }),
};

export const noWildcardRules: ResourceValidationPolicy = {
    name: "k8s-no-wildcard-rules",
    description:
        'Custom Roles and ClusterRoles list their verbs, resources and API groups; "*" only in roles allowed by the policy config.',
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedWildcardRoles: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: 'Roles allowed to use "*": <namespace>/<name> or <clusterrole name>.',
            },
        },
    },
    validateResource: onType(TYPE.role, (props, args, report) => {
        const name = read(props, "metadata", "name");
        const namespace = read(props, "metadata", "namespace");
        if (isUnknown(name) || isUnknown(namespace)) return;
        const id = namespace ? `${str(namespace)}/${str(name)}` : (str(name) ?? "");
        const allowed = args.getConfig<WildcardConfig>().allowedWildcardRoles ?? [];
        if (allowed.includes(id)) return;
        items(read(props, "rules")).forEach((rule, i) => {
            for (const field of ["apiGroups", "resources", "verbs", "nonResourceURLs"]) {
                const wild = items(read(rule, field)).find(
                    (v) => typeof v === "string" && v.includes("*"),
                );
                if (wild !== undefined) {
                    report(
                        `rules[${i}].${field} contains ${show(wild)}; list exactly what the role needs, or add ${show(id)} to allowedWildcardRoles in the policy config`,
                    );
                }
            }
        });
    }),
};

export interface EscalationConfig {
    /** Roles allowed a path to more access: `<namespace>/<name>` of a Role or RoleBinding, or a ClusterRole name. */
    allowedEscalatingRoles?: string[];
}

const allowedEscalating = (args: ResourceValidationArgs) =>
    args.getConfig<EscalationConfig>().allowedEscalatingRoles ?? [];
const escalatingSchema = {
    properties: {
        allowedEscalatingRoles: {
            type: "array" as const,
            items: { type: "string" as const },
            default: [],
            description:
                "Roles allowed a path to more access: <namespace>/<name> of a Role or RoleBinding, or a ClusterRole name.",
        },
    },
};

/** What one rule opens besides `*` on `*` (noWildcardRules reports that), worded for a report. */
const rulePaths = (rule: unknown, scope: "namespace" | "cluster"): string[] =>
    escalationPaths(riskRule(rule), scope).filter((p) => p !== EVERY_VERB_ON_EVERYTHING);

export const noEscalatingRules: ResourceValidationPolicy = {
    name: "k8s-no-escalating-rules",
    description:
        "No Role or ClusterRole grants escalate/bind/impersonate, serviceaccounts/token create, pods/ephemeralcontainers, nodes/proxy, admission webhooks or CRDs, unless the policy config allows it.",
    enforcementLevel: "mandatory",
    configSchema: escalatingSchema,
    validateResource: onType(TYPE.role, (props, args, report) => {
        const name = read(props, "metadata", "name");
        const namespace = read(props, "metadata", "namespace");
        if (isUnknown(name) || isUnknown(namespace)) return;
        const id = namespace ? `${str(namespace)}/${str(name)}` : (str(name) ?? "");
        if (allowedEscalating(args).includes(id)) return;
        const scope = namespace ? "namespace" : "cluster";
        items(read(props, "rules")).forEach((rule, i) => {
            const paths = rulePaths(rule, scope);
            if (paths.length > 0) {
                report(
                    `rules[${i}] opens a path to more access: ${paths.join("; ")}; narrow the rule, or add ${show(id)} to allowedEscalatingRoles in the policy config`,
                );
            }
        });
        const aggregation = Object.keys(
            (read(props, "metadata", "labels") ?? {}) as Record<string, unknown>,
        ).filter((l) => AGGREGATION_LABEL.test(l));
        if (aggregation.length > 0 || read(props, "aggregationRule") !== undefined) {
            report(
                `${show(id)} aggregates rules (${aggregation.length > 0 ? aggregation.join(", ") : "aggregationRule"}): its rules join view/edit/admin for every holder, or it takes whatever other ClusterRoles carry; list the rules in a Role instead`,
            );
        }
    }),
};

export const knownClusterRoles: ResourceValidationPolicy = {
    name: "k8s-rolebinding-known-cluster-roles",
    description:
        "A RoleBinding binds view, edit or admin, or a ClusterRole whose rules it declares (aks-entra/clusterrole-rules); never a system: ClusterRole, cluster-admin only when the policy config allows it.",
    enforcementLevel: "mandatory",
    configSchema: escalatingSchema,
    validateResource: onType(TYPE.binding, (props, args, report) => {
        if (!/RoleBinding$/.test(args.type) || /ClusterRoleBinding$/.test(args.type)) return;
        if (read(props, "roleRef", "kind") !== "ClusterRole") return;
        const ref = read(props, "roleRef", "name");
        const name = read(props, "metadata", "name");
        const namespace = read(props, "metadata", "namespace");
        if (isUnknown(ref) || isUnknown(name) || isUnknown(namespace)) return;
        const role = str(ref) ?? "";
        const id = `${str(namespace)}/${str(name)}`;
        // view, edit, admin: documented rules; cluster-admin is an escalation, checked below.
        if (role !== "cluster-admin" && (KNOWN_CLUSTER_ROLES as readonly string[]).includes(role))
            return;
        if (SYSTEM_CLUSTER_ROLE.test(role)) {
            report(
                `roleRef is ClusterRole ${show(role)}, which Kubernetes owns (system:aggregate-to-* carry view/edit/admin power); bind view, edit or admin`,
            );
            return;
        }
        if (allowedEscalating(args).includes(id)) return;
        if (role === "cluster-admin") {
            report(
                `roleRef is ClusterRole "cluster-admin": cluster-admin inside the namespace; bind admin or edit, or add ${show(id)} to allowedEscalatingRoles in the policy config`,
            );
            return;
        }
        if (isUnknown(read(props, "metadata", "annotations", DECLARED_RULES_ANNOTATION))) return;
        const rules = declaredRules(read(props, "metadata"));
        if (rules === undefined) {
            report(
                `roleRef is ClusterRole ${show(role)}, whose rules the binding does not declare (annotation ${DECLARED_RULES_ANNOTATION}): it may grant anything; declare its rules (aks-entra:namespaces[].roles[].clusterRoleRules) or bind view, edit or admin`,
            );
            return;
        }
        rules.forEach((rule, i) => {
            const paths = escalationPaths(rule, "namespace");
            if (paths.length > 0) {
                report(
                    `clusterRoleRules[${i}] of ClusterRole ${show(role)} opens a path to more access: ${paths.join("; ")}; bind a narrower ClusterRole, or add ${show(id)} to allowedEscalatingRoles in the policy config`,
                );
            }
        });
    }),
};

export interface PodSecurityConfig {
    /** Namespaces allowed to enforce "privileged" (or nothing). */
    allowedPrivilegedNamespaces?: string[];
}

export const podSecurityLabels: ResourceValidationPolicy = {
    name: "k8s-namespace-pod-security",
    description:
        'Every namespace enforces Pod Security "baseline" or "restricted" (label pod-security.kubernetes.io/enforce).',
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedPrivilegedNamespaces: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: 'Namespaces allowed to enforce "privileged" or no level.',
            },
        },
    },
    validateResource: onType(TYPE.namespace, (props, args, report) => {
        const name = read(props, "metadata", "name");
        const enforce = read(props, "metadata", "labels", "pod-security.kubernetes.io/enforce");
        if (isUnknown(name) || isUnknown(enforce)) return;
        const allowed = args.getConfig<PodSecurityConfig>().allowedPrivilegedNamespaces ?? [];
        if (enforce === "baseline" || enforce === "restricted") return;
        if (allowed.includes(str(name) ?? "")) return;
        report(
            `metadata.labels["pod-security.kubernetes.io/enforce"] is ${show(enforce)}: the namespace admits privileged and hostPath pods, which take the node and every token on it; enforce "baseline" or "restricted", or add ${show(str(name))} to allowedPrivilegedNamespaces in the policy config`,
        );
    }),
};

export const kubernetesPolicies: ResourceValidationPolicy[] = [
    noSystemMasters,
    noWildcardRules,
    noEscalatingRules,
    knownClusterRoles,
    podSecurityLabels,
];
