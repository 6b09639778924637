// Cross-field rules of aks-entra:namespaces: names, access, Roles and workloads. Pure module.
import { declaredGuids } from "./declaredRoles";
import { ESCALATING_VERBS, NAMESPACE, RESERVED_NAMESPACES } from "../constants";
import { show } from "../messages";
import { duplicates, grantProblems } from "../references";
import type { Drafts } from "../schema";
import { groupReferences, repeatedGroups } from "./access";
import { entries, type RuleContext, rawAt } from "./context";

type NamespaceDraft = NonNullable<NonNullable<Drafts["namespaces"]>[number]>;
type RoleDraft = NonNullable<NonNullable<NamespaceDraft["roles"]>[number]>;

export function uniqueNamespaces({ declaredNamespaces }: RuleContext): string[] {
    return duplicates(declaredNamespaces).map(
        (n) =>
            `${NAMESPACE}:namespaces declares ${show(n)} more than once; namespace names must be unique`,
    );
}

export function namespaces(ctx: RuleContext): string[] {
    return entries(ctx.draft.namespaces).flatMap(([i, ns]) =>
        namespaceRules(ctx, `${NAMESPACE}:namespaces[${i}]`, ns, rawAt(ctx.raw, "namespaces", i)),
    );
}

function namespaceRules(
    ctx: RuleContext,
    at: string,
    ns: NamespaceDraft,
    raw: Record<string, unknown>,
): string[] {
    const access = entries(ns.access);
    const roles = entries(ns.roles);
    const workloads = entries(ns.workloads);
    return [
        ...reservedName(at, ns.name),
        ...access.flatMap(([j, g]) =>
            g.group === undefined
                ? []
                : (ctx.groups.problem(`${at}.access[${j}].group`, g.group) ?? []),
        ),
        ...repeatedGroups(
            ctx,
            access.map(([, g]) => g.group),
        ).map(
            (id) => `${at}.access lists group ${show(id)} more than once; give each group one role`,
        ),
        ...roles.flatMap(([j, r]) => [
            ...oneKindOfRole(`${at}.roles[${j}]`, r, rawAt(raw, "roles", j)),
            ...groupReferences(ctx, r.groups, (k) => `${at}.roles[${j}].groups[${k}]`),
            ...clusterAdminEquivalent(`${at}.roles[${j}]`, r),
        ]),
        ...duplicates(roles.flatMap(([, r]) => r.name ?? [])).map(
            (name) =>
                `${at}.roles declares ${show(name)} more than once; role names must be unique in a namespace`,
        ),
        ...workloads.flatMap(([j, w]) => [
            ...(w.serviceAccount === "default"
                ? [
                      `${at}.workloads[${j}].serviceAccount "default" already exists in every namespace; give the workload its own service account`,
                  ]
                : []),
            ...grantProblems(
                `${at}.workloads[${j}].azureRoleAssignments`,
                w.azureRoleAssignments,
                declaredGuids(ctx),
            ),
        ]),
        ...duplicates(workloads.flatMap(([, w]) => w.serviceAccount ?? [])).map(
            (sa) => `${at}.workloads declares service account ${show(sa)} more than once`,
        ),
    ];
}

/** Names AKS and its add-ons own. */
function reservedName(at: string, name: string | undefined): string[] {
    return name !== undefined && (RESERVED_NAMESPACES.includes(name) || name.startsWith("kube-"))
        ? [
              `${at}.name ${show(name)} is a namespace AKS already owns; choose another name (reserved: ${RESERVED_NAMESPACES.join(", ")}, kube-*)`,
          ]
        : [];
}

/** A Role either creates rules or binds a ClusterRole, never both or neither. */
function oneKindOfRole(at: string, role: RoleDraft, raw: Record<string, unknown>): string[] {
    const kinds = ["rules", "clusterRole"].filter((k) => Object.hasOwn(raw, k)).length;
    return kinds === 1
        ? []
        : [
              `${at} ${show(role.name ?? raw.name)} needs exactly one of rules (to create a Role) or clusterRole (to bind an existing ClusterRole such as view)`,
          ];
}

/**
 * What makes a namespace Role equal to cluster-admin in its namespace: every verb on every
 * resource, the verbs that grant or assume more than the holder has (escalate, bind, impersonate:
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks),
 * or the cluster-admin ClusterRole itself.
 */
export function clusterAdminPowers(role: {
    rules?: readonly (
        | { verbs?: readonly (string | undefined)[]; resources?: readonly (string | undefined)[] }
        | undefined
    )[];
    clusterRole?: string;
}): string[] {
    const powers: string[] = [];
    if (role.clusterRole === "cluster-admin") powers.push('the ClusterRole "cluster-admin"');
    entries(role.rules).forEach(([k, rule]) => {
        const verbs = rule.verbs ?? [];
        if (verbs.includes("*") && (rule.resources ?? []).includes("*")) {
            powers.push(`rules[${k}]: every verb on every resource`);
        }
        const escalating = ESCALATING_VERBS.filter((v) => verbs.includes(v));
        if (escalating.length > 0) powers.push(`rules[${k}]: ${escalating.join(", ")}`);
    });
    return powers;
}

function clusterAdminEquivalent(at: string, role: RoleDraft): string[] {
    const powers = clusterAdminPowers(role);
    if (powers.length === 0 || role.allowPrivilegeEscalation === true) return [];
    return [
        `${at} ${show(role.name)} grants ${powers.join("; ")}: that is cluster-admin inside the namespace (it can grant itself anything there); narrow the rules, or set allowPrivilegeEscalation: true on this role to accept it (the plan then reports it as HIGH)`,
    ];
}
