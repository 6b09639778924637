// How much Kubernetes RBAC allows, as the plan's Grant.level: the user-facing ClusterRoles' levels
// and the level of a list of rules. Read by the Kubernetes RBAC source (kubernetesRbac.ts). What a
// rule reaches beyond what it names (tokens, pods, escalation) is components/kubernetesRisk.ts.
// Pure module without imports.

/** Levels of Kubernetes' user-facing ClusterRoles (see Grant.level). */
export const CLUSTER_ROLE_LEVELS: Readonly<Record<string, number>> = {
    view: 1,
    edit: 2,
    admin: 3,
    "cluster-admin": 4,
};
const ADMIN_VERBS = ["*", "escalate", "bind", "impersonate"];
const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];

export interface Rule {
    apiGroups?: string[];
    resources?: string[];
    verbs?: string[];
    resourceNames?: string[];
}

/** 3 for `*` or an escalating verb, 2 for a write, 1 for any other verb, 0 for none. */
export function rulesLevel(rules: Rule[]): number {
    const verbs = rules.flatMap((r) => r.verbs ?? []);
    if (verbs.some((v) => ADMIN_VERBS.includes(v))) return 3;
    if (verbs.some((v) => WRITE_VERBS.includes(v))) return 2;
    return verbs.length > 0 ? 1 : 0;
}

/** `pods: get,watch,list; apps/deployments: get` */
export function rulesSummary(rules: Rule[]): string {
    return rules
        .map((r) => {
            const groups = (r.apiGroups ?? []).filter((g) => g !== "");
            const res = (r.resources ?? []).map((x) =>
                groups.length ? `${groups.join(",")}/${x}` : x,
            );
            const names = r.resourceNames?.length ? ` [${r.resourceNames.join(",")}]` : "";
            return `${res.join(",")}${names}: ${(r.verbs ?? []).join(",")}`;
        })
        .join("; ");
}
