// PIM for Groups eligibility: a principal eligible for membership of a group gets, for each grant
// the group holds, the same grant, held only while an activation lasts, under the rules of the
// group's member policy. Pure module.
import type { Activation } from "../../plan/model";
import { activationText, describePrincipal, durationMinutes } from "../../plan/labels";
import { at, type Props, text, TYPES } from "../../plan/registrations";
import type { AccessBuilder } from "./context";

/** The activation rules a group's `member` PIM policy declares (its `activationRules`). */
export function policyActivation(group: string, policy: Props): Activation {
    const rules = policy.activationRules as Props | undefined;
    const flag = (v: unknown) => (typeof v === "boolean" ? v : undefined);
    const duration = text(rules?.maximumDuration);
    const approvers = at(rules, "approvalStage", "primaryApprovers");
    return {
        group,
        maxMinutes: duration ? durationMinutes(duration) : undefined,
        justification: flag(rules?.requireJustification),
        mfa: flag(rules?.requireMultifactorAuthentication),
        approval: flag(rules?.requireApproval),
        approvers: (Array.isArray(approvers) ? (approvers as Props[]) : [])
            .map((a) => text(a.objectId).toLowerCase())
            .filter((id) => id !== "")
            .sort(),
    };
}

/** Adds the eligible grants; run after every source of standing grants. */
export function eligibleGrants(b: AccessBuilder, jitKeys: Set<string>): void {
    const { index } = b.ctx;
    const policies = new Map<string, Props>();
    for (const pol of index.ofType(TYPES.pimPolicy)) {
        if (![undefined, "member"].includes(pol.inputs.roleId as string | undefined)) continue;
        policies.set(text(pol.inputs.groupId).toLowerCase(), pol.inputs);
    }
    const standing = [...b.grants];
    for (const e of index.ofType(TYPES.pimEligibility)) {
        if (![undefined, "member"].includes(e.inputs.assignmentType as string | undefined))
            continue;
        const groupId = text(e.inputs.groupId).toLowerCase();
        const group = b.principalFor(groupId, "Group");
        const oid = text(e.inputs.principalId).toLowerCase();
        // Config-listed groups are groups; any other id a user (as components/config reads approvers).
        const who = b.principalFor(oid, b.aliases.has(oid) ? "Group" : "User");
        const policy = policies.get(groupId);
        const activation = policy ? policyActivation(group.key, policy) : undefined;
        if (activation) activation.approvers = activation.approvers.map(b.nameOf).sort();
        const via = jitKeys.has(group.key) ? group.label : describePrincipal(group);
        const rules = activation
            ? activationText(activation)
            : "activation rules not set by this stack (the group's PIM policy applies)";
        for (const g of standing.filter((x) => x.principal === group.key)) {
            b.grants.push({
                principal: who.key,
                scope: g.scope,
                role: g.role,
                roleKey: g.roleKey,
                level: g.level,
                via: "pim-eligible",
                source: e.urn,
                detail: `eligible via ${via}, ${rules}${g.detail ? `; ${g.detail}` : ""}`,
                activation,
            });
        }
    }
}
