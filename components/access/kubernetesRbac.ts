// Kubernetes RBAC: one grant per subject of each RoleBinding and ClusterRoleBinding, its level from
// the rules it grants (a Role or ClusterRole the stack creates, or the rules the stack file
// declared for a ClusterRole it does not create) or from the user-facing ClusterRole it names. A
// ClusterRole whose rules nobody declared is treated as admin (fail closed, issue 29). Pure module.
import type { Principal } from "../../plan/model";
import { at, k8sName, text, TYPES } from "../../plan/registrations";
import { declaredRules } from "../kubernetesRisk";
import type { AccessBuilder } from "./context";
import { CLUSTER_ROLE_LEVELS, type Rule, rulesLevel, rulesSummary } from "./kubernetesLevels";

interface Subject {
    kind?: string;
    name?: string;
    namespace?: string;
}

export function kubernetesRbacGrants(b: AccessBuilder): void {
    const { index } = b.ctx;
    const roleRules = new Map<string, Rule[]>();
    for (const role of [...index.ofType(TYPES.role), ...index.ofType(TYPES.clusterRole)]) {
        roleRules.set(`${role.type}|${k8sName(role)}`, (role.inputs.rules ?? []) as Rule[]);
    }
    const bindings = [
        ...index.ofType(TYPES.roleBinding),
        ...index.ofType(TYPES.clusterRoleBinding),
    ];
    for (const binding of bindings) {
        const ns = text(at(binding.inputs, "metadata", "namespace"));
        const refKind = text(at(binding.inputs, "roleRef", "kind"));
        const refName = text(at(binding.inputs, "roleRef", "name"));
        const scope = ns ? b.namespaceScope(ns) : b.scopeOf(index.clusterId);
        let level = CLUSTER_ROLE_LEVELS[refName] ?? 0;
        let detail: string | undefined;
        const rules =
            refKind === "Role"
                ? roleRules.get(`${TYPES.role}|${ns}/${refName}`)
                : CLUSTER_ROLE_LEVELS[refName] === undefined
                  ? (roleRules.get(`${TYPES.clusterRole}|${refName}`) ??
                    // A ClusterRole the stack does not create: the rules the stack file declared.
                    (declaredRules(binding.inputs.metadata) as Rule[] | undefined))
                  : undefined;
        if (rules) {
            b.rulesBySource.set(binding.urn, rules);
            level = rulesLevel(rules);
            detail = rulesSummary(rules);
        } else if (refKind === "ClusterRole" && CLUSTER_ROLE_LEVELS[refName] === undefined) {
            // Fail closed (issue 29): rules nobody declared may be anything.
            level = 3;
            detail = "rules not declared: treated as admin";
        }
        for (const s of (binding.inputs.subjects ?? []) as Subject[]) {
            const p = subjectPrincipal(b, s, ns);
            b.grants.push({
                principal: p.key,
                scope: scope.key,
                role: `${refKind} ${refName}`,
                roleKey: `k8s:${refKind}/${refName}`,
                level,
                via: "kubernetes-rbac",
                source: binding.urn,
                detail,
            });
        }
    }
}

/** A binding's subject: a service account (a workload's when it has one), a user or a group. */
function subjectPrincipal(b: AccessBuilder, s: Subject, ns: string): Principal {
    const name = s.name ?? "";
    if (s.kind !== "ServiceAccount")
        return b.principalFor(name, s.kind === "User" ? "User" : "Group");
    const who = `${s.namespace ?? ns}/${name}`;
    return (
        b.principals.get(`workload:${who}`) ??
        b.add({
            key: `sa:${who}`,
            kind: "service-account",
            label: who,
            objectId: "",
            principalType: "ServiceAccount",
        })
    );
}
