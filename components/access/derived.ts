// Effective access (issue 29): what each principal reaches through other principals and objects,
// beyond the grants it holds. Four paths, each read off the access model (build.ts) and the one
// table of Kubernetes risk (components/kubernetesRisk.ts):
// - a group it owns, or a group it is among the members of (adminGroups.ts): the group's grants,
//   cluster-admin of an admin group included; an owner adds itself, and for a just-in-time group
//   skips PIM's MFA and approval;
// - a service account whose token it can mint (serviceaccounts/token create) or whose pods it can
//   run (pod or workload creation, edit/admin/cluster-admin, AKS RBAC Writer/Admin/Cluster Admin
//   in the namespace or on the cluster): the service account's grants, its workload identity's
//   Azure roles included;
// - an identity it can take over (an identity-administration role on the identity or a scope
//   above it: add a federated credential, or assign it, and sign in as it): the identity's grants;
// - a ClusterRoleBinding it can create (AKS RBAC Admin on the cluster, escalate/bind on the
//   cluster): cluster-admin.
// One step only, from standing grants (an eligible grant's paths open once it is activated).
// Pure module.
import {
    AKS_ROLE_AS_CLUSTER_ROLE,
    AKS_ROLES_BINDING_CLUSTER_ADMIN,
    CLUSTER_ROLE_RUNS_PODS,
    escalatingVerbs,
    everyVerbOnEverything,
    pathKinds,
    runsPods,
} from "../kubernetesRisk";
import {
    type DerivedGrant,
    type Grant,
    isStanding,
    type Principal,
    sortBy,
} from "../../plan/model";
import { describePrincipal } from "../../plan/labels";
import type { Access } from "./build";
import { privilegeOf } from "./privilege";

/** The ClusterRole everything-allowed; what a ClusterRoleBinding can reach. */
const CLUSTER_ADMIN = {
    role: "ClusterRole cluster-admin",
    roleKey: "k8s:ClusterRole/cluster-admin",
};

/** How a grant reaches the service accounts in its scope: by minting tokens, by running pods. */
function serviceAccountPath(g: Grant, access: Access): "token" | "pod" | undefined {
    const [source, id] = g.roleKey.split(":") as [string, string];
    if (g.via === "aks-admin-group") return "pod";
    if (source === "azure") {
        const as = AKS_ROLE_AS_CLUSTER_ROLE[id];
        return as !== undefined && CLUSTER_ROLE_RUNS_PODS[as] ? "pod" : undefined;
    }
    if (source !== "k8s") return undefined;
    const rules = access.rulesBySource.get(g.source);
    if (!rules) {
        // A user-facing ClusterRole, or one whose rules nobody declared (treated as admin).
        return (CLUSTER_ROLE_RUNS_PODS[id.replace(/^ClusterRole\//, "")] ?? true)
            ? "pod"
            : undefined;
    }
    const scope = g.scope === "cluster" ? "cluster" : "namespace";
    const kinds = rules.flatMap((r) => pathKinds(r, scope).map((k) => k.short));
    if (kinds.includes("serviceaccounts/token create")) return "token";
    if (
        kinds.includes("pods/ephemeralcontainers update/patch") ||
        rules.some((r) => runsPods(r) || everyVerbOnEverything(r))
    )
        return "pod";
    return undefined;
}

/** True when the grant lets its holder create a ClusterRoleBinding (so bind cluster-admin). */
function bindsClusterAdmin(g: Grant, access: Access): boolean {
    if (g.scope !== "cluster") return false;
    const [source, id] = g.roleKey.split(":") as [string, string];
    if (source === "azure") return AKS_ROLES_BINDING_CLUSTER_ADMIN.includes(id);
    const rules = access.rulesBySource.get(g.source);
    return (
        source === "k8s" &&
        (rules ?? []).some(
            (r) =>
                everyVerbOnEverything(r) ||
                escalatingVerbs(r).some((v) => v === "escalate" || v === "bind"),
        )
    );
}

/** The identities an identity-administration grant reaches: on the identity, or a scope above. */
function identitiesTakenOver(g: Grant, access: Access): Principal[] {
    if (g.via !== "azure-rbac") return [];
    if (privilegeOf(g.roleKey.slice("azure:".length))?.class !== "identity-admin") return [];
    const scope = access.scopes.find((s) => s.key === g.scope);
    if (scope?.kind !== "azure") return [];
    const above = scope.id.toLowerCase().replace(/\/+$/, "");
    return [...access.byIdentityId]
        .filter(([id]) => id === above || id.startsWith(`${above}/`))
        .map(([, p]) => p);
}

/** Every derived line of the stack, sorted; none a principal already holds as a grant. */
export function effectiveAccess(access: Access): DerivedGrant[] {
    const standing = access.grants.filter(isStanding);
    const held = new Map<string, Grant[]>();
    for (const g of standing) held.set(g.principal, [...(held.get(g.principal) ?? []), g]);
    // Service accounts by namespace (label `<ns>/<name>`): workload identities and bound accounts.
    const accounts = access.principals.filter(
        (p) => (p.kind === "workload" || p.kind === "service-account") && held.has(p.key),
    );
    const namespaceOf = (p: Principal) => p.label.split("/")[0];

    const out = new Map<string, DerivedGrant>();
    const add = (d: DerivedGrant) => {
        const own = held.get(d.principal) ?? [];
        if (own.some((g) => g.scope === d.scope && g.roleKey === d.roleKey && g.level >= d.level))
            return;
        const key = `${d.principal}|${d.scope}|${d.roleKey}|${d.path}`;
        if (!out.has(key)) out.set(key, d);
    };
    /** `g.principal` reaches what `through` holds, opened by `g.source`. */
    const reach = (g: Pick<Grant, "principal" | "source">, through: Principal, path: string) => {
        if (through.key === g.principal) return;
        for (const t of held.get(through.key) ?? []) {
            add({
                principal: g.principal,
                scope: t.scope,
                role: t.role,
                roleKey: t.roleKey,
                level: t.level,
                path,
                through: through.key,
                source: g.source,
            });
        }
    };

    const principal = new Map(access.principals.map((p) => [p.key, p]));
    for (const c of access.groupControl) {
        const group = principal.get(c.group)!;
        const via = (how: string, who: string) =>
            reach(
                { principal: who, source: c.source },
                group,
                `via ${how} of ${describePrincipal(group)}`,
            );
        c.owners.forEach((o) => via("ownership", o));
        c.memberGroups.forEach((m) => via("membership", m));
    }

    for (const g of standing) {
        const mode = serviceAccountPath(g, access);
        if (mode) {
            const ns = g.scope.startsWith("namespace:") ? g.scope.slice("namespace:".length) : "";
            if (g.scope === "cluster" || ns) {
                for (const sa of accounts.filter((a) => !ns || namespaceOf(a) === ns)) {
                    reach(
                        g,
                        sa,
                        mode === "token"
                            ? `via a token for ${sa.label}`
                            : `via a pod running as ${sa.label}`,
                    );
                }
            }
        }
        const name = g.role;
        for (const identity of identitiesTakenOver(g, access)) {
            reach(g, identity, `via takeover of identity ${identity.label} (${name})`);
        }
        if (bindsClusterAdmin(g, access)) {
            add({
                principal: g.principal,
                scope: "cluster",
                ...CLUSTER_ADMIN,
                level: 4,
                path: `via a ClusterRoleBinding it can create (${name})`,
                through: "",
                source: g.source,
            });
        }
    }
    return sortBy(
        [...out.values()],
        (d) => d.principal,
        (d) => d.scope,
        (d) => d.roleKey,
        (d) => d.path,
    );
}
