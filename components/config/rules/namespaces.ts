// Cross-field rules of aks-entra:namespaces: names, access, Roles and workloads. Pure module.
import { declaredGuids } from "./declaredRoles";
import {
    escalatingVerbs,
    everyVerbOnEverything,
    KNOWN_CLUSTER_ROLES,
    pathKinds,
    SYSTEM_CLUSTER_ROLE,
} from "../../kubernetesRisk";
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
            ...clusterRoleKnown(`${at}.roles[${j}]`, r),
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
export function reservedName(at: string, name: string | undefined): string[] {
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
 * A ClusterRole is bound only when its rules are known: one of Kubernetes' user-facing roles, or
 * declared in clusterRoleRules. Kubernetes' own system: roles are never bound (issue 29, item 4).
 */
function clusterRoleKnown(at: string, role: RoleDraft): string[] {
    const name = role.clusterRole;
    const declared = role.clusterRoleRules !== undefined;
    if (name === undefined) {
        return declared
            ? [
                  `${at}.clusterRoleRules declares the rules of a ClusterRole, but ${show(role.name)} binds none; set clusterRole to the ClusterRole they belong to, or move them to rules to create a Role`,
              ]
            : [];
    }
    const known = (KNOWN_CLUSTER_ROLES as readonly string[]).includes(name);
    if (SYSTEM_CLUSTER_ROLE.test(name)) {
        return [
            `${at}.clusterRole ${show(name)} is a ClusterRole Kubernetes owns and reconciles (system:aggregate-to-view/edit/admin are aggregated into view, edit and admin and carry their power: system:aggregate-to-edit impersonates service accounts); bind view, edit or admin, or list the rules in a Role`,
        ];
    }
    if (known && declared) {
        return [
            `${at}.clusterRoleRules declares rules for ClusterRole ${show(name)}, whose rules Kubernetes defines; remove clusterRoleRules (declarations are for ClusterRoles other than ${KNOWN_CLUSTER_ROLES.join(", ")})`,
        ];
    }
    if (!known && !declared) {
        return [
            `${at}.clusterRole ${show(name)} is not one of ${KNOWN_CLUSTER_ROLES.join(", ")}, whose rules are known; declare the rules it holds in clusterRoleRules (as kubectl get clusterrole ${name} -o yaml lists them) so they are checked and shown in the plan, or bind a known ClusterRole`,
        ];
    }
    return [];
}

type DraftRule =
    | {
          apiGroups?: readonly (string | undefined)[];
          verbs?: readonly (string | undefined)[];
          resources?: readonly (string | undefined)[];
      }
    | undefined;

interface RoleRules {
    rules?: readonly DraftRule[];
    clusterRole?: string;
    clusterRoleRules?: readonly DraftRule[];
}

/** Each rule of a role (created or declared) with its key path. */
function eachRule(role: RoleRules): [string, NonNullable<DraftRule>][] {
    return (["rules", "clusterRoleRules"] as const).flatMap((key) =>
        entries(role[key]).map(([k, rule]): [string, NonNullable<DraftRule>] => [
            `${key}[${k}]`,
            rule,
        ]),
    );
}

/**
 * What makes a namespace Role equal to cluster-admin in its namespace: every verb on every
 * resource, the verbs that grant or assume more than the holder has (escalate, bind, impersonate:
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks),
 * or the cluster-admin ClusterRole itself.
 */
export function clusterAdminPowers(role: RoleRules): string[] {
    const powers: string[] = [];
    if (role.clusterRole === "cluster-admin") powers.push('the ClusterRole "cluster-admin"');
    for (const [at, rule] of eachRule(role)) {
        if (everyVerbOnEverything(rule)) powers.push(`${at}: every verb on every resource`);
        // Listed in ESCALATING_VERBS' order, as this message always has.
        const escalating = ESCALATING_VERBS.filter((v) => escalatingVerbs(rule).includes(v));
        if (escalating.length > 0) powers.push(`${at}: ${escalating.join(", ")}`);
    }
    return powers;
}

/**
 * The paths a role opens past what it names (components/kubernetesRisk.ts ESCALATION_PATHS): a
 * workload-identity token, another pod's identity, the kubelet, admission, the API's types.
 */
export function reachPowers(role: RoleRules): string[] {
    return eachRule(role).flatMap(([at, rule]) =>
        everyVerbOnEverything(rule)
            ? []
            : pathKinds(rule, "namespace").map((kind) => `${at}: ${kind.short} (${kind.path})`),
    );
}

function clusterAdminEquivalent(at: string, role: RoleDraft): string[] {
    if (role.allowPrivilegeEscalation === true) return [];
    const powers = clusterAdminPowers(role);
    const reach = reachPowers(role);
    return [
        ...(powers.length === 0
            ? []
            : [
                  `${at} ${show(role.name)} grants ${powers.join("; ")}: that is cluster-admin inside the namespace (it can grant itself anything there); narrow the rules, or set allowPrivilegeEscalation: true on this role to accept it (the plan then reports it as HIGH)`,
              ]),
        ...(reach.length === 0
            ? []
            : [
                  `${at} ${show(role.name)} grants ${reach.join("; ")}: a path to more access than the role shows; narrow the rules, or set allowPrivilegeEscalation: true on this role to accept it (the plan then reports it as HIGH)`,
              ]),
    ];
}
