// What the plan shows of a Conditional Access policy: its state, apps, users, exclusions and the
// controls it requires, in words. Pure module.
import type { Registration } from "../offline/harness";
import { AKS_SERVER_APP_ID } from "../components/kubeconfig";
import { at, strings, text } from "./registrations";
import type { ResourceContext } from "./resources";

/** Conditional Access states as Entra ID names them, in words. */
export const CA_STATE_WORDS: Readonly<Record<string, string>> = {
    enabled: "enabled (enforced)",
    enabledForReportingButNotEnforced:
        "report-only: NOT enforced (the sign-in logs show what it would have required)",
    disabled: "disabled: NOT applied",
};

const CONTROL_WORDS: Readonly<Record<string, string>> = {
    mfa: "MFA",
    compliantDevice: "compliant device",
    domainJoinedDevice: "hybrid Entra joined device",
    block: "BLOCK",
};

export function conditionalAccessProperties(
    r: Registration,
    ctx: ResourceContext,
): Record<string, string> {
    const i = r.inputs;
    const users = (at(i, "conditions", "users") ?? {}) as Record<string, unknown>;
    const who = (ids: unknown) => strings(ids).map((id) => ctx.access.describeObject(id));
    const excluded = [...who(users.excludedGroups), ...who(users.excludedUsers)];
    const operator = text(at(i, "grantControls", "operator")) || "AND";
    const controls = strings(at(i, "grantControls", "builtInControls")).map(
        (c) => CONTROL_WORDS[c] ?? c,
    );
    const state = text(i.state);
    return {
        state: CA_STATE_WORDS[state] ?? state,
        applications: strings(at(i, "conditions", "applications", "includedApplications"))
            .map((a) =>
                a.toLowerCase() === AKS_SERVER_APP_ID
                    ? `AKS server app (${a}): sign-ins to the cluster`
                    : a === "All"
                      ? "All: EVERY application of the tenant"
                      : a,
            )
            .join(", "),
        clientApps: strings(at(i, "conditions", "clientAppTypes")).join(", "),
        users: [...who(users.includedGroups), ...who(users.includedUsers)].join(", ") || "nobody",
        excluded: excluded.join(", ") || "NOT any group or user (no break-glass)",
        require: controls.join(` ${operator} `) || "nothing",
    };
}
