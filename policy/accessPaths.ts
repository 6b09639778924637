// Hidden paths to more access (issue 29) the pack refuses as the plan and config do: someone who
// owns an admin or just-in-time group (an owner adds members, itself included, and for a JIT group
// skips PIM's MFA and approval); a Conditional Access policy that exempts a group holding standing
// or eligible cluster-admin; AKS RBAC Writer or Admin on the whole cluster without approval (Admin
// binds its holder to cluster-admin, Writer runs pods as every namespace's service accounts).
// Each is allowed by the stack file's declaration (components/accessDeclarations.ts) or by an
// exception in the policy config. Sources: docs/azure-facts.md
// ("Who controls an admin group", "Conditional Access exclusions", "Cluster-wide write").
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    AKS_RBAC_CLUSTER_ADMIN,
    AKS_SCOPE,
    assignedRole,
    BROAD_SCOPE,
    DEPLOYER_GRANT_PARENT,
    GUID,
    parentTypeFromUrn,
    roleName,
    TYPE,
} from "./azure";
import { groupLabel, type GroupTarget, isJitGroup, pimGroups, scheduleRole } from "./entra";
import { isUnknown, items, read, show, str } from "./read";
import { AKS_ROLES, CLUSTER_WIDE_EFFECT } from "../components/roles";
import { ofType } from "./stack";

/** AKS RBAC Admin and Writer on the whole cluster, and what they amount to there. */
const WIDE: Readonly<Record<string, "writer" | "admin">> = {
    [AKS_ROLES.rbacWriter]: "writer",
    [AKS_ROLES.rbacAdmin]: "admin",
};

const objectIdList = {
    type: "array",
    items: { type: "string", pattern: GUID.source },
    default: [],
} as const;

/** Known lowercase strings of a list; undefined while any is unknown. */
function ids(value: unknown): string[] | undefined {
    if (isUnknown(value)) return undefined;
    const list = items(value);
    if (list.some(isUnknown)) return undefined;
    return list.flatMap((v) => (typeof v === "string" ? [v.toLowerCase()] : []));
}

/** True when a role assignment's scope covers a whole cluster: the cluster, or a scope above it. */
function clusterWide(scope: string): boolean {
    const m = AKS_SCOPE.exec(scope);
    return m ? m[2] === undefined : BROAD_SCOPE.test(scope);
}

/**
 * What the stack file declares (components/accessDeclarations.ts), as the nearest enclosing
 * component registers it; undefined for a resource no aks-entra component encloses.
 */
function declared(r: PolicyResource, key: string): unknown {
    for (let p = r.parent; p !== undefined; p = p.parent) {
        const v = read(p.props, key);
        if (v !== undefined) return v;
    }
    return undefined;
}

const groupId = (t: GroupTarget) =>
    t.id ?? (t.group ? str(read(t.group.props, "objectId"))?.toLowerCase() : undefined);

/** Object ids of the clusters' admin groups (AKS binds them to cluster-admin). */
const adminGroupIds = (resources: PolicyResource[]) =>
    ofType(resources, TYPE.cluster).flatMap(
        (c) => ids(read(c.props, "aadProfile", "adminGroupObjectIDs")) ?? [],
    );

export interface GroupOwnersConfig {
    /** Object ids besides the deployer that may own an admin or just-in-time group. */
    allowedGroupOwners?: string[];
}

export const adminGroupOwners: StackValidationPolicy = {
    name: "entra-admin-group-owners",
    description:
        "An admin group (AKS binds it to cluster-admin) or a just-in-time group of the stack is owned by the deployer alone (the principal of its own cluster-admin grant), or by principals listed in allowedGroupOwners. Mandatory: an owner adds members, itself included, so it is a cluster-admin whenever it likes, and skips PIM's MFA and approval for a JIT group.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedGroupOwners: {
                ...objectIdList,
                description:
                    "Object ids besides the deployer that may own admin and just-in-time groups.",
            },
        },
    },
    validateStack: (args, report) => {
        const allowed = (args.getConfig<GroupOwnersConfig>().allowedGroupOwners ?? []).map((o) =>
            o.toLowerCase(),
        );
        const deployers = ofType(args.resources, TYPE.roleAssignment)
            .filter(
                (ra) => (ra.parent?.type ?? parentTypeFromUrn(ra.urn)) === DEPLOYER_GRANT_PARENT,
            )
            .flatMap((ra) => str(read(ra.props, "principalId"))?.toLowerCase() ?? []);
        const admins = adminGroupIds(args.resources);
        const jit = new Set(
            [...pimGroups(args.resources).values()].filter(isJitGroup).map((g) => g.target.group),
        );
        for (const g of ofType(args.resources, TYPE.group)) {
            const id = str(read(g.props, "objectId"))?.toLowerCase();
            const what = jit.has(g)
                ? "a just-in-time group"
                : id !== undefined && admins.includes(id)
                  ? "an admin group"
                  : undefined;
            const owners = ids(read(g.props, "owners"));
            if (what === undefined || owners === undefined) continue;
            // Without a deployer grant the pack cannot tell the deployer: the program makes it
            // the only owner, so one owner passes and more are reported.
            const others = owners.filter((o) => !allowed.includes(o) && !deployers.includes(o));
            const extra = deployers.length > 0 ? others : others.length > 1 ? others : [];
            const label = groupLabel({ group: g, id });
            for (const o of extra) {
                report(
                    `${label} is ${what} and ${show(o)} owns it${deployers.length ? "" : " beside another owner (no deployer grant tells which is the deployer)"}: an owner adds members, itself included, so it is a cluster-admin whenever it likes${what === "a just-in-time group" ? ", without PIM's MFA, justification or approval" : ""}; only the deployer owns the stack's groups (remove it from aks-entra:admins.owners), or add it to allowedGroupOwners in the policy config`,
                    g.urn,
                );
            }
        }
    },
};

export interface CaExclusionConfig {
    /** Groups declared emergency access (break-glass): excluded although they hold cluster-admin. */
    breakGlassGroups?: string[];
}

/** Object id -> how the group holds cluster-admin, standing or eligible (first reason wins). */
function clusterAdminHolders(resources: PolicyResource[]): Map<string, string> {
    const out = new Map<string, string>();
    const add = (id: string | undefined, why: string) => {
        if (id !== undefined && !out.has(id)) out.set(id, why);
    };
    for (const id of adminGroupIds(resources)) add(id, "an admin group of the cluster");
    for (const ra of ofType(resources, TYPE.roleAssignment)) {
        const guid = assignedRole(ra.props);
        const scope = str(read(ra.props, "scope"));
        if (scope === undefined || !clusterWide(scope)) continue;
        if (guid !== AKS_RBAC_CLUSTER_ADMIN && guid !== AKS_ROLES.rbacAdmin) continue;
        add(
            str(read(ra.props, "principalId"))?.toLowerCase(),
            `${roleName(guid)} on the whole cluster`,
        );
    }
    const standing = new Map(out);
    for (const g of pimGroups(resources).values()) {
        const why = standing.get(groupId(g.target) ?? "");
        if (why === undefined) continue;
        for (const s of g.schedules.filter((x) => scheduleRole(x) !== "owner")) {
            add(
                str(read(s.props, "principalId"))?.toLowerCase(),
                `eligible for ${groupLabel(g.target)}, which holds ${why}`,
            );
        }
    }
    return out;
}

export const caExcludesClusterAdmins: StackValidationPolicy = {
    name: "entra-ca-excludes-cluster-admins",
    description:
        "A Conditional Access policy of the stack excludes no group that holds cluster-admin, standing (an admin group, AKS RBAC Cluster Admin or Admin on the whole cluster) or eligible (PIM), unless it is declared break-glass: in the stack file (aks-entra:conditionalAccess.breakGlassGroups, which the aks-entra component registers) or in breakGlassGroups of the policy config. Mandatory: an excluded group's members sign in to the cluster without the policy's controls.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            breakGlassGroups: {
                ...objectIdList,
                description:
                    "Emergency-access groups that hold cluster-admin and are excluded on purpose, beside those the stack file declares.",
            },
        },
    },
    validateStack: (args, report) => {
        const allowed = (args.getConfig<CaExclusionConfig>().breakGlassGroups ?? []).map((g) =>
            g.toLowerCase(),
        );
        const holders = clusterAdminHolders(args.resources);
        for (const ca of ofType(args.resources, TYPE.conditionalAccess)) {
            const stackDeclared = ids(declared(ca, "breakGlassGroups")) ?? [];
            for (const g of ids(read(ca.props, "conditions", "users", "excludedGroups")) ?? []) {
                const why = holders.get(g);
                if (why === undefined || allowed.includes(g) || stackDeclared.includes(g)) {
                    continue;
                }
                report(
                    `conditions.users.excludedGroups lists ${show(g)}, which holds cluster-admin (${why}): its members sign in to the cluster without the policy's controls; exclude only an emergency-access group, declared in aks-entra:conditionalAccess.breakGlassGroups (or breakGlassGroups of the policy config)`,
                    ca.urn,
                );
            }
        }
    },
};

export interface ClusterWideConfig {
    /** Object ids allowed AKS RBAC Writer or Admin on the whole cluster (their clusterWideException). */
    allowedClusterWidePrincipals?: string[];
}

export const clusterWideWrite: StackValidationPolicy = {
    name: "stack-cluster-wide-write",
    description:
        "AKS RBAC Writer or Admin on the whole cluster (or a scope above it) goes only to a just-in-time group whose activation needs approval, to an entry whose clusterWideException in the stack file says why (the aks-entra component registers it), or to principals listed in allowedClusterWidePrincipals. Mandatory: Admin there binds its holder to cluster-admin; Writer runs pods as every namespace's service accounts, kube-system's included.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedClusterWidePrincipals: {
                ...objectIdList,
                description:
                    "Object ids allowed writer or admin on the whole cluster beside the stack file's clusterWideException entries.",
            },
        },
    },
    validateStack: (args, report) => {
        const allowed = (
            args.getConfig<ClusterWideConfig>().allowedClusterWidePrincipals ?? []
        ).map((p) => p.toLowerCase());
        const approved = [...pimGroups(args.resources).values()]
            .filter(isJitGroup)
            .filter((g) =>
                g.policies.some(
                    (p) => read(p.props, "activationRules", "requireApproval") === true,
                ),
            )
            .flatMap((g) => groupId(g.target) ?? []);
        for (const ra of ofType(args.resources, TYPE.roleAssignment)) {
            const guid = assignedRole(ra.props);
            const wide = WIDE[guid ?? ""];
            if (wide === undefined) continue;
            const scope = read(ra.props, "scope");
            const principal = read(ra.props, "principalId");
            if (isUnknown(scope) || isUnknown(principal)) continue;
            if (!clusterWide(str(scope) ?? "")) continue;
            const id = str(principal)?.toLowerCase() ?? "";
            if (approved.includes(id) || allowed.includes(id)) continue;
            // The stack file's clusterWideException, by the principal key of the grant's name.
            const key = /-access-([^/]+)\/cluster\/(writer|admin)$/.exec(ra.name)?.[1];
            const exceptions = declared(ra, "clusterWideExceptions");
            if (key !== undefined && typeof read(exceptions, key) === "string") continue;
            report(
                `${roleName(guid!)} is granted to ${String(read(ra.props, "principalType"))} ${show(principal)} on ${show(scope)}: ${CLUSTER_WIDE_EFFECT[wide]}; grant it on a namespace, through a JIT entry that needs approval, or state why in the entry's clusterWideException in the stack file (or list the principal in allowedClusterWidePrincipals of the policy config)`,
                ra.urn,
            );
        }
    },
};

export const accessPathPolicies: StackValidationPolicy[] = [
    adminGroupOwners,
    caExcludesClusterAdmins,
    clusterWideWrite,
];
