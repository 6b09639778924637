// Findings about just-in-time access (PIM for Groups) and the Conditional Access policy on the AKS
// server app: standing cluster-admins left beside just-in-time ones, eligibility for what is held
// standing already, a policy with no break-glass exclusion or that enforces nothing yet, and device
// code sign-in under Conditional Access.
// Read off the derived access and the registrations; config lends the kubelogin mode. Pure module.
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";
import { activationText, describePrincipal, VIA_WORDS } from "./labels";
import { type Grant, isStanding, type Severity } from "./model";
import { text, strings, at, TYPES } from "./registrations";

/** How a reviewer reads a Conditional Access state, and how severe its gaps are in it. */
const STATE: Readonly<Record<string, { words: string; rank: number }>> = {
    enabled: { words: "enabled", rank: 2 },
    enabledForReportingButNotEnforced: { words: "report-only", rank: 1 },
    disabled: { words: "disabled", rank: 0 },
};
const stateOf = (state: string) => STATE[state] ?? { words: state, rank: 0 };

const CONTROL_WORDS: Readonly<Record<string, string>> = {
    mfa: "MFA",
    compliantDevice: "a compliant device",
    domainJoinedDevice: "a hybrid Entra joined device",
};

/** The AKS server app as the Entra admin center lists it (docs/azure-facts.md, fixed ids). */
const SERVER_APP =
    'application "Azure Kubernetes Service AAD Server" (6dae42f8-4368-4678-94ff-3960e28e3630)';

export function jitFindings(ctx: FindingContext): FactFinding[] {
    const { access, index, config } = ctx;
    const out: FactFinding[] = [];
    const principals = new Map(access.principals.map((p) => [p.key, p]));
    const policies = index.ofType(TYPES.conditionalAccess).map((r) => {
        const users = at(r.inputs, "conditions", "users");
        return {
            r,
            name: text(r.inputs.displayName),
            state: text(r.inputs.state),
            excludedGroups: strings(at(users, "excludedGroups")).map((g) => g.toLowerCase()),
            excludedUsers: strings(at(users, "excludedUsers")),
            controls: strings(at(r.inputs, "grantControls", "builtInControls")),
        };
    });

    // Standing cluster-admins held by people, beside just-in-time groups. Only a group declared
    // break-glass (conditionalAccess.breakGlassGroups) is the one standing admin worth keeping: any
    // other excluded group is just an exemption (issue 29, item 6).
    const declaredBreakGlass = new Set(
        (config.conditionalAccess?.breakGlassGroups ?? []).map((g) => g.objectId),
    );
    const jit = access.principals.filter((p) => p.membersByPim);
    if (jit.length > 0) {
        const held = new Map<string, Grant[]>();
        for (const g of access.grants) {
            if (!isStanding(g) || g.level < 4 || g.scope !== "cluster") continue;
            held.set(g.principal, [...(held.get(g.principal) ?? []), g]);
        }
        for (const [key, grants] of held) {
            const p = principals.get(key);
            if (!p || p.membersByPim) continue;
            const person =
                p.kind === "user" ||
                (p.kind === "group" && !declaredBreakGlass.has(p.objectId)) ||
                (p.kind === "deployer" && p.principalType === "User");
            if (!person) continue;
            const roles = [...new Set(grants.map((g) => `${g.role} via ${VIA_WORDS[g.via]}`))];
            const fix =
                p.kind === "deployer"
                    ? "set aks-entra:deployer.clusterAdmin false and have the deployer activate a just-in-time group before pulumi up, or deploy from a pipeline"
                    : p.kind === "group"
                      ? "make its members eligible in aks-entra:jit and drop its standing grant, or, if it is the break-glass group, exclude it from Conditional Access and declare it in aks-entra:conditionalAccess.breakGlassGroups"
                      : "make the user eligible in aks-entra:jit and drop the standing grant";
            out.push({
                code: "standing-cluster-admin-with-jit",
                severity: "medium",
                subject: key,
                message: `${p.kind === "deployer" ? `the deployer (${p.principalType} ${p.objectId})` : describePrincipal(p)} holds standing cluster-admin (${roles.join(", ")}) although this stack gives just-in-time access (aks-entra:jit): with JIT, keep only a break-glass group as standing admin; ${fix}`,
            });
        }
    }

    // Eligible for what one already holds: activation adds nothing, its rules protect nothing.
    const scopeLabel = new Map(access.scopes.map((s) => [s.key, s.label]));
    const reported = new Set<string>();
    for (const e of access.grants.filter((g) => !isStanding(g) && g.level > 0)) {
        const covering = access.grants.find(
            (g) =>
                isStanding(g) &&
                g.principal === e.principal &&
                (g.scope === e.scope ||
                    (g.scope === "cluster" && e.scope.startsWith("namespace:"))) &&
                g.level >= e.level,
        );
        const group = e.activation?.group ?? e.source;
        if (!covering || reported.has(`${e.principal}|${group}`)) continue;
        reported.add(`${e.principal}|${group}`);
        const p = principals.get(e.principal);
        const jitGroup = principals.get(group);
        out.push({
            code: "eligible-already-held",
            severity: "medium",
            subject: e.principal,
            message: `${p ? describePrincipal(p) : e.principal} is eligible for ${e.role} on ${scopeLabel.get(e.scope) ?? e.scope} through ${jitGroup?.label ?? group} but already holds ${covering.role} on ${scopeLabel.get(covering.scope) ?? covering.scope} standing (${VIA_WORDS[covering.via]}): activating adds nothing, so its rules (${e.activation ? activationText(e.activation) : "none set here"}) protect nothing; drop the standing grant, or the eligibility`,
        });
    }

    const localAccountsOff = index.cluster?.inputs.disableLocalAccounts === true;
    for (const ca of policies) {
        const state = stateOf(ca.state);
        const named = `Conditional Access policy "${ca.name}" (${state.words})`;
        if (ca.excludedGroups.length === 0 && ca.excludedUsers.length === 0) {
            out.push({
                code: "conditional-access-no-exclusion",
                severity: state.rank === 2 ? "high" : "medium",
                subject: ca.r.urn,
                message: `${named} excludes no group or user: with no break-glass group, a broken MFA setup (an outage, lost authenticators) locks everyone it holds out of the cluster, admins included${localAccountsOff ? ", and with local accounts off there is no other way in" : ""}; exclude an emergency-access group in aks-entra:conditionalAccess.excludeGroups`,
                facts: [`ca-exclusion|${ca.r.urn}`],
            });
        }
        // A declared break-glass group that holds cluster-admin leaves the default targets and
        // skips the controls: said, not silent (issue 29, item 6; config refuses it undeclared).
        for (const id of ca.excludedGroups) {
            const p = access.principals.find((x) => x.kind === "group" && x.objectId === id);
            const admin = access.grants.some(
                (g) => g.principal === p?.key && g.level >= 4 && g.scope === "cluster",
            );
            if (!p || !admin || !declaredBreakGlass.has(id)) continue;
            out.push({
                code: "conditional-access-break-glass-admin",
                severity: "info",
                subject: p.key,
                message: `${named} excludes ${describePrincipal(p)}, which holds cluster-admin, as declared break-glass (aks-entra:conditionalAccess.breakGlassGroups): its members sign in to the cluster without the policy's controls; keep it to emergency accounts and alert on its sign-ins`,
            });
        }
        if (ca.state === "enabledForReportingButNotEnforced") {
            const controls = ca.controls.map((c) => CONTROL_WORDS[c] ?? c).join(" and ");
            out.push({
                code: "conditional-access-report-only",
                severity: "low",
                subject: ca.r.urn,
                message: `${named} enforces nothing: sign-ins to the cluster need no ${controls || "control"} yet. Before enabling it, read the Entra sign-in logs for ${SERVER_APP}, Report-only tab: sign-ins with result "Report-only: Failure" or "Report-only: User action required" are the ones it would block or challenge; then set aks-entra:conditionalAccess.state enabled`,
            });
        }
    }

    // Device code sign-in fails under Conditional Access (docs/azure-facts.md, failure mode 8).
    const strictest = [...policies].sort(
        (a, b) => stateOf(b.state).rank - stateOf(a.state).rank,
    )[0];
    if (config.kubeloginMode === "devicecode" && strictest) {
        const rank = stateOf(strictest.state).rank;
        const severity: Severity = rank === 2 ? "high" : rank === 1 ? "medium" : "low";
        const when =
            rank === 2
                ? "so sign-ins with the stack's kubeconfig fail for everyone the policy holds"
                : "so once the policy is enabled, sign-ins with the stack's kubeconfig fail for everyone it holds";
        out.push({
            code: "devicecode-under-conditional-access",
            severity,
            subject: "aks-entra:kubeloginMode",
            message: `aks-entra:kubeloginMode is devicecode while Conditional Access policy "${strictest.name}" (${stateOf(strictest.state).words}) holds sign-ins to the cluster: device code sign-in does not work under Conditional Access (docs/azure-facts.md, failure mode 8), ${when}; use interactive or azurecli`,
        });
    }
    // An approver who is also eligible: approval is then a peer's click inside the same group,
    // not a check by someone else.
    config.jit.forEach((j, i) => {
        if (!j.requireApproval) return;
        const eligible = new Set(j.eligible.map((e) => e.objectId.toLowerCase()));
        const both = j.approvers.filter((a) => eligible.has(a.objectId.toLowerCase()));
        if (both.length === 0) return;
        const who = both.map((a) => `${a.kind} ${a.label}`).join(", ");
        out.push({
            code: "jit-approver-is-eligible",
            severity: "medium",
            subject: `aks-entra:jit[${i}].approvers`,
            message: `aks-entra:jit[${i}] (${j.name}): ${who} both activate${both.length === 1 ? "s" : ""} and approve${both.length === 1 ? "s" : ""}: any eligible member can approve another's ${j.role} activation, so approval is no check by someone else; name approvers who are not eligible`,
        });
    });
    return out;
}
