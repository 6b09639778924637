// Policies on Microsoft Entra ID objects the stack manages: just-in-time access (PIM for Groups)
// and the Conditional Access policy on the AKS server application. Helpers shared with stack.ts
// tell which groups PIM fills (a "JIT group") and who holds what.
import type {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { AKS_RBAC_CLUSTER_ADMIN, AKS_SERVER_APP_ID, assignedRole, roleName, TYPE } from "./azure";
import { onType } from "./cluster";
import { isUnknown, items, read, show, str } from "./read";

const ofType = (resources: PolicyResource[], type: RegExp) =>
    resources.filter((r) => type.test(r.type));

/** The group a PIM or membership resource points at: one of this stack's, or only its id. */
export interface GroupTarget {
    /** The Group resource, when this stack creates the group. */
    group?: PolicyResource;
    /** Object id, lowercased, when known. */
    id?: string;
}

/**
 * The group a resource's `prop` (an object id) names: the group that input comes from, else the
 * group with that objectId, else (id unknown during preview) the one group it depends on.
 * Undefined when the property is absent or nothing tells.
 */
export function groupTarget(
    r: PolicyResource,
    prop: string,
    groups: PolicyResource[],
): GroupTarget | undefined {
    const value = read(r.props, prop);
    const id = str(value)?.toLowerCase();
    const same = (d: PolicyResource) => groups.find((g) => g.urn === d.urn) ?? d;
    const byInput = (r.propertyDependencies?.[prop] ?? []).filter((d) => TYPE.group.test(d.type));
    if (byInput.length === 1) return { group: same(byInput[0]), id };
    if (id !== undefined) {
        return {
            group: groups.find((g) => str(read(g.props, "objectId"))?.toLowerCase() === id),
            id,
        };
    }
    if (!isUnknown(value)) return undefined;
    const deps = (r.dependencies ?? []).filter((d) => TYPE.group.test(d.type));
    return deps.length === 1 ? { group: same(deps[0]) } : undefined;
}

/** How a message names a group: its display name when this stack creates it, else its id. */
export function groupLabel(t: GroupTarget): string {
    const name = t.group && str(read(t.group.props, "displayName"));
    return `group ${show(name ?? t.id ?? t.group?.name ?? "(unknown)")}`;
}

/** The PIM role a schedule or policy is about ("member" or "owner"); undefined while unknown. */
function pimRole(r: PolicyResource, prop: string): string | undefined {
    const v = read(r.props, prop);
    return isUnknown(v) ? undefined : (str(v) ?? "member");
}

/** Everything PIM-related this stack says about one group. */
export interface PimGroup {
    target: GroupTarget;
    /** PrivilegedAccessGroupEligibilitySchedule resources targeting it. */
    schedules: PolicyResource[];
    /** GroupRoleManagementPolicy resources of its roles. */
    policies: PolicyResource[];
    /** GroupMember resources adding a standing member. */
    memberships: PolicyResource[];
}

/** PIM facts per group (keyed by the group's URN, or `id:<object id>` for a group elsewhere). */
export function pimGroups(resources: PolicyResource[]): Map<string, PimGroup> {
    const groups = ofType(resources, TYPE.group);
    const out = new Map<string, PimGroup>();
    const add = (r: PolicyResource, prop: string, into: keyof Omit<PimGroup, "target">) => {
        const target = groupTarget(r, prop, groups);
        if (!target) return;
        const key = target.group?.urn ?? `id:${target.id}`;
        const entry = out.get(key) ?? { target, schedules: [], policies: [], memberships: [] };
        entry[into].push(r);
        out.set(key, entry);
    };
    for (const r of ofType(resources, TYPE.pimEligibility)) add(r, "groupId", "schedules");
    for (const r of ofType(resources, TYPE.pimPolicy)) add(r, "groupId", "policies");
    for (const r of ofType(resources, TYPE.groupMember)) add(r, "groupObjectId", "memberships");
    return out;
}

/** Role of a schedule (assignmentType) or a policy (roleId); undefined while unknown. */
export const scheduleRole = (r: PolicyResource) => pimRole(r, "assignmentType");
export const policyRole = (r: PolicyResource) => pimRole(r, "roleId");

/**
 * A just-in-time group: a group of this stack that people are made eligible members of, whose
 * member role has its PIM policy here, and that gets no member any other way (no GroupMember). Its
 * `members` are not read: stack policies see outputs, and a group's outputs list whoever has
 * activated at the last read (the provider reads members back), so they cannot tell a member list
 * the stack manages from PIM's activations. The program never sets `members` on a JIT group
 * (test/jit.test.ts).
 */
export function isJitGroup(g: PimGroup): boolean {
    if (!g.target.group) return false;
    return (
        g.schedules.some((s) => scheduleRole(s) !== "owner") &&
        g.policies.some((p) => policyRole(p) === "member") &&
        g.memberships.length === 0
    );
}

/** Whether a role assignment of this stack grants AKS RBAC Cluster Admin to the group. */
function holdsClusterAdmin(t: GroupTarget, resources: PolicyResource[]): boolean {
    const id = t.id ?? (t.group && str(read(t.group.props, "objectId"))?.toLowerCase());
    return ofType(resources, TYPE.roleAssignment).some((ra) => {
        if (assignedRole(ra.props) !== AKS_RBAC_CLUSTER_ADMIN) return false;
        const principal = read(ra.props, "principalId");
        if (typeof principal === "string") return principal.toLowerCase() === id;
        const from = [
            ...(ra.propertyDependencies?.principalId ?? []),
            ...(isUnknown(principal) ? (ra.dependencies ?? []) : []),
        ];
        return t.group !== undefined && from.some((d) => d.urn === t.group!.urn);
    });
}

/**
 * Minutes of an ISO 8601 duration of days, hours, minutes and seconds (`PT4H`, `PT1H30M`, `P1D`,
 * and `PT1D`, which the provider's docs show though its validation takes only `P1D`); undefined
 * when it is not one.
 */
export function durationMinutes(value: string): number | undefined {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)D)?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
        value,
    );
    if (!m || value.endsWith("T") || m.slice(1).every((x) => x === undefined)) return undefined;
    const [days, tDays, hours, minutes, seconds] = m.slice(1).map((x) => Number(x ?? 0));
    return (days + tDays) * 24 * 60 + hours * 60 + minutes + seconds / 60;
}

/** An hour count as an ISO 8601 duration: 4 -> PT4H, 1.5 -> PT1H30M, 24 -> PT24H. */
function isoHours(hours: number): string {
    const minutes = Math.round(hours * 60);
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return `PT${h > 0 || m === 0 ? `${h}H` : ""}${m > 0 ? `${m}M` : ""}`;
}

export interface ActivationConfig {
    /** Longest activation allowed, in hours (PIM itself allows at most a day). */
    maxActivationHours?: number;
    /**
     * Require MFA (or a Conditional Access authentication context) on activation of every group;
     * false: only of groups that hold AKS RBAC Cluster Admin, which always must.
     */
    requireMfaForEveryGroup?: boolean;
}

export const pimActivationRules: StackValidationPolicy = {
    name: "entra-pim-activation-rules",
    description:
        "Activating a PIM group role asks for MFA (or a Conditional Access authentication context) and a justification and lasts at most a day (maxActivationHours); a group that holds AKS RBAC Cluster Admin always requires MFA. Mandatory: without them just-in-time access is a standing grant behind a password.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxActivationHours: {
                type: "number",
                default: 24,
                description:
                    "Longest activation allowed, in hours (PIM allows at most 24); lower it to be stricter.",
            },
            requireMfaForEveryGroup: {
                type: "boolean",
                default: true,
                description:
                    "false: only groups that hold AKS RBAC Cluster Admin must require MFA on activation.",
            },
        },
    },
    validateStack: (args, report) => {
        const config = args.getConfig<ActivationConfig>();
        const maxHours = config.maxActivationHours ?? 24;
        const groups = ofType(args.resources, TYPE.group);
        for (const p of ofType(args.resources, TYPE.pimPolicy)) {
            const rules = read(p.props, "activationRules");
            if (isUnknown(rules)) continue;
            const target = groupTarget(p, "groupId", groups);
            const label = target ? groupLabel(target) : `group ${show(read(p.props, "groupId"))}`;
            const role = policyRole(p);
            const what = `activating ${role === "owner" ? "ownership" : "membership"} of ${label}`;
            const mfa = read(rules, "requireMultifactorAuthentication");
            const context = read(rules, "requiredConditionalAccessAuthenticationContext");
            if (
                !isUnknown(mfa) &&
                !isUnknown(context) &&
                mfa !== true &&
                !(typeof context === "string" && context !== "")
            ) {
                const why = `(activationRules.requireMultifactorAuthentication is ${show(mfa)}, no requiredConditionalAccessAuthenticationContext)`;
                if (target && holdsClusterAdmin(target, args.resources)) {
                    report(
                        `${what} does not require MFA ${why} and the group holds ${roleName(AKS_RBAC_CLUSTER_ADMIN)}: a stolen password would activate full control of the cluster; set requireMfa: true on its aks-entra:jit entry`,
                        p.urn,
                    );
                } else if (config.requireMfaForEveryGroup ?? true) {
                    report(
                        `${what} does not require MFA ${why}: a stolen password is enough to take the group's access; set requireMfa: true on its aks-entra:jit entry, or requireMfaForEveryGroup: false in the policy config to insist only for groups that hold cluster-admin`,
                        p.urn,
                    );
                }
            }
            const justification = read(rules, "requireJustification");
            if (!isUnknown(justification) && justification !== true) {
                report(
                    `${what} does not require a justification (activationRules.requireJustification is ${show(justification)}): the audit log would not say why anyone held the group's access; set requireJustification: true on its aks-entra:jit entry`,
                    p.urn,
                );
            }
            const duration = read(rules, "maximumDuration");
            if (isUnknown(duration)) continue;
            const minutes =
                str(duration) === undefined ? undefined : durationMinutes(str(duration)!);
            if (duration === undefined || duration === null) {
                report(
                    `activationRules.maximumDuration is not set: activations of ${label} last as long as whatever PIM policy the group already had allows; set maxActivation on its aks-entra:jit entry (${isoHours(maxHours)} or less)`,
                    p.urn,
                );
            } else if (minutes === undefined) {
                report(
                    `activationRules.maximumDuration ${show(duration)} of ${label} is not an ISO 8601 duration (PT8H, PT1H30M, PT1D); set maxActivation on its aks-entra:jit entry (${isoHours(maxHours)} or less)`,
                    p.urn,
                );
            } else if (minutes > maxHours * 60) {
                report(
                    `activationRules.maximumDuration ${show(duration)} lets an activation of ${label} last ${minutes / 60} hours, more than ${maxHours} (maxActivationHours): a forgotten activation is standing access; set maxActivation on its aks-entra:jit entry to ${isoHours(maxHours)} or less`,
                    p.urn,
                );
            }
        }
    },
};

/** The AKS server app, as a message shows the only list of applications allowed. */
const SERVER_APP_LIST = show([AKS_SERVER_APP_ID]);

export const caAksServerApp: ResourceValidationPolicy = {
    name: "entra-ca-aks-server-app",
    description:
        "A Conditional Access policy of the stack targets exactly the AKS server application (never All: the stack must not change sign-in rules for the whole tenant), holds at least one group and does not exclude it again, and grants access only when every listed control (operator AND) is met. Mandatory: otherwise it either reaches far beyond the cluster or holds nobody to anything.",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.conditionalAccess, (props, _args, report) => {
        const apps = read(props, "conditions", "applications", "includedApplications");
        const list = items(apps);
        if (!isUnknown(apps) && !list.some(isUnknown)) {
            const all = list.some((a) => typeof a === "string" && a.toLowerCase() === "all");
            if (all) {
                report(
                    `conditions.applications.includedApplications is ${show(apps)}: "All" changes sign-in rules for every application of the tenant, far beyond this stack; target the AKS server application alone (${SERVER_APP_LIST})`,
                );
            } else if (
                list.length !== 1 ||
                str(list[0])?.toLowerCase() !== AKS_SERVER_APP_ID.toLowerCase()
            ) {
                report(
                    `conditions.applications.includedApplications is ${show(apps)}; a stack's Conditional Access policy targets the AKS server application alone (${SERVER_APP_LIST}), so it governs sign-ins to the cluster and nothing else of the tenant`,
                );
            }
        }
        const grant = read(props, "grantControls");
        if (!isUnknown(grant)) {
            const lists = ["builtInControls", "customAuthenticationFactors", "termsOfUses"].map(
                (k) => read(grant, k),
            );
            const strength = read(grant, "authenticationStrengthPolicyId");
            const controls = lists
                .flatMap((l) => items(l))
                .concat([strength].filter((v) => v !== undefined && v !== null && v !== ""));
            const operator = read(grant, "operator");
            if (!lists.some(isUnknown) && controls.length === 0) {
                report(
                    "grantControls requires nothing (no builtInControls, authenticationStrengthPolicyId, customAuthenticationFactors or termsOfUses): sign-ins to the cluster would be held to no control; list the controls in aks-entra:conditionalAccess.require (e.g. [mfa])",
                );
            } else if (!isUnknown(operator) && operator !== "AND") {
                report(
                    `grantControls.operator is ${show(operator)}: with OR, meeting any one control is enough; use AND so every control listed in aks-entra:conditionalAccess.require holds`,
                );
            }
        }
        const included = read(props, "conditions", "users", "includedGroups");
        const excluded = read(props, "conditions", "users", "excludedGroups");
        if (isUnknown(included)) return;
        const groups = items(included);
        if (groups.length === 0) {
            report(
                "conditions.users.includedGroups lists no group: the policy holds nobody's sign-ins to the cluster; list groups in aks-entra:conditionalAccess.groups, or leave it unset for the admin and JIT groups",
            );
        }
        if (isUnknown(excluded)) return;
        const ids = groups.flatMap((g) => (typeof g === "string" ? [g.toLowerCase()] : []));
        for (const g of items(excluded)) {
            if (typeof g === "string" && ids.includes(g.toLowerCase())) {
                report(
                    `conditions.users.excludedGroups lists ${show(g)}, which includedGroups lists too: Entra ID applies the exclusion, so nobody in that group is held to the policy; take it out of aks-entra:conditionalAccess.excludeGroups`,
                );
            }
        }
    }),
};

export const caBreakGlassExclusion: ResourceValidationPolicy = {
    name: "entra-ca-break-glass-exclusion",
    description:
        "A Conditional Access policy on the cluster excludes an emergency-access (break-glass) group or user. Advisory: Microsoft recommends excluding emergency-access accounts, but which accounts those are, and whether they reach clusters through this policy at all, is the tenant's call.",
    enforcementLevel: "advisory",
    validateResource: onType(TYPE.conditionalAccess, (props, _args, report) => {
        const groups = read(props, "conditions", "users", "excludedGroups");
        const users = read(props, "conditions", "users", "excludedUsers");
        if (isUnknown(groups) || isUnknown(users)) return;
        if (items(groups).length === 0 && items(users).length === 0) {
            report(
                "conditions.users excludes no group or user: with local accounts off, if the policy locks the admins out (a lost authenticator, an MFA outage) nobody can reach the cluster; exclude an emergency-access (break-glass) group in aks-entra:conditionalAccess.excludeGroups",
            );
        }
    }),
};

export const entraPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    pimActivationRules,
    caAksServerApp,
    caBreakGlassExclusion,
];
