// Policies on Kubernetes RBAC objects the stack creates.
import type { ResourceValidationPolicy } from "@pulumi/policy";
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

export const kubernetesPolicies: ResourceValidationPolicy[] = [noSystemMasters, noWildcardRules];
