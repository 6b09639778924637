// What Microsoft Graph and the azuread provider refuse of the stack's Entra ID objects: PIM group
// policies and Conditional Access policies. Pure module.

type Props = Record<string, unknown>;

/**
 * The values the azuread provider accepts for `activation_rules.maximum_duration`, restated from
 * its schema (hashicorp/terraform-provider-azuread,
 * internal/services/policies/group_role_management_policy_resource.go, StringInSlice): 30 minutes
 * to 23 h 30 in 30-minute steps, then `P1D`. `PT1D`, which its docs show, is not among them.
 */
export const PROVIDER_MAX_DURATIONS: readonly string[] = [
    "PT30M",
    "PT1H",
    "PT1H30M",
    "PT2H",
    "PT2H30M",
    "PT3H",
    "PT3H30M",
    "PT4H",
    "PT4H30M",
    "PT5H",
    "PT5H30M",
    "PT6H",
    "PT6H30M",
    "PT7H",
    "PT7H30M",
    "PT8H",
    "PT8H30M",
    "PT9H",
    "PT9H30M",
    "PT10H",
    "PT10H30M",
    "PT11H",
    "PT11H30M",
    "PT12H",
    "PT12H30M",
    "PT13H",
    "PT13H30M",
    "PT14H",
    "PT14H30M",
    "PT15H",
    "PT15H30M",
    "PT16H",
    "PT16H30M",
    "PT17H",
    "PT17H30M",
    "PT18H",
    "PT18H30M",
    "PT19H",
    "PT19H30M",
    "PT20H",
    "PT20H30M",
    "PT21H",
    "PT21H30M",
    "PT22H",
    "PT22H30M",
    "PT23H",
    "PT23H30M",
    "P1D",
];

/**
 * PIM's member-role policy as the provider (at preview: maximumDuration) and Graph (approval rules)
 * refuse it.
 */
export function pimPolicyProblems(inputs: Props): string[] {
    const out: string[] = [];
    if (inputs.roleId !== "member" && inputs.roleId !== "owner") {
        out.push(`roleId ${String(inputs.roleId)} is not member or owner`);
    }
    const a = (inputs.activationRules ?? {}) as Props;
    const d = a.maximumDuration;
    if (d !== undefined && !PROVIDER_MAX_DURATIONS.includes(d as string)) {
        out.push(
            `expected activation_rules.0.maximum_duration to be one of PT30M..PT23H30M in 30-minute steps or P1D, got ${JSON.stringify(d)}`,
        );
    }
    const approvers = ((a.approvalStage as Props | undefined)?.primaryApprovers ?? []) as Props[];
    if (a.requireApproval === true && approvers.length === 0) {
        out.push("requireApproval needs an approvalStage with at least one primary approver");
    }
    for (const p of approvers) {
        if (p.type !== "singleUser" && p.type !== "groupMembers") {
            out.push(`approver type ${String(p.type)} is not singleUser or groupMembers`);
        }
    }
    return out;
}

/** What Graph refuses of a Conditional Access policy (conditionalAccessPolicy resource). */
export function conditionalAccessProblems(inputs: Props): string[] {
    const out: string[] = [];
    if (
        !["enabled", "disabled", "enabledForReportingButNotEnforced"].includes(String(inputs.state))
    ) {
        out.push(
            `state ${String(inputs.state)} is not enabled, disabled or enabledForReportingButNotEnforced`,
        );
    }
    const c = (inputs.conditions ?? {}) as Props;
    const apps = (c.applications ?? {}) as Props;
    if (!Array.isArray(apps.includedApplications) || apps.includedApplications.length === 0) {
        out.push("conditions.applications needs includedApplications");
    }
    if (!Array.isArray(c.clientAppTypes) || c.clientAppTypes.length === 0) {
        out.push("conditions.clientAppTypes is required");
    }
    const users = (c.users ?? {}) as Props;
    if (
        !["includedUsers", "includedGroups", "includedRoles"].some(
            (k) => Array.isArray(users[k]) && (users[k] as unknown[]).length > 0,
        )
    ) {
        out.push("conditions.users includes nobody");
    }
    const g = (inputs.grantControls ?? {}) as Props;
    if (g.operator !== "AND" && g.operator !== "OR") {
        out.push(`grantControls.operator ${String(g.operator)} is not AND or OR`);
    }
    const known = [
        "block",
        "mfa",
        "approvedApplication",
        "compliantApplication",
        "compliantDevice",
        "domainJoinedDevice",
        "passwordChange",
    ];
    for (const b of (g.builtInControls ?? []) as unknown[]) {
        if (!known.includes(String(b)))
            out.push(`builtInControls ${String(b)} is not a built-in control`);
    }
    return out;
}
