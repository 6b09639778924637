// Azure roles the privilege table (components/access/privilege.ts) does not know (issue 29, item 7):
// HIGH unless the stack file declares them (aks-entra:declaredRoles), LOW with the declared
// intent when it does. Unknown is never read-only: such a grant counts as privileged (level 3).
// Pure module.
import { privilegeOf } from "../components/access/privilege";
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";
import { describePrincipal } from "./labels";
import { isStanding } from "./model";

export function roleFindings(ctx: FindingContext): FactFinding[] {
    const { access, config } = ctx;
    const principals = new Map(access.principals.map((p) => [p.key, p]));
    const scopes = new Map(access.scopes.map((s) => [s.key, s]));
    const declared = new Map(config.declaredRoles.map((d, i) => [d.guid, { ...d, i }]));
    const out: FactFinding[] = [];
    for (const g of access.grants.filter((x) => isStanding(x) && x.via === "azure-rbac")) {
        const guid = g.roleKey.replace(/^azure:/, "");
        if (privilegeOf(guid) !== undefined) continue;
        const p = principals.get(g.principal);
        const who = p ? describePrincipal(p) : g.principal;
        const where = scopes.get(g.scope)?.label ?? g.scope;
        const d = declared.get(guid);
        out.push(
            d === undefined
                ? {
                      code: "unknown-role",
                      severity: "high",
                      subject: g.principal,
                      message: `${who} gets role ${guid} on ${where}, a role aks-entra does not know: it may allow anything, so it counts as privileged; declare it in aks-entra:declaredRoles with its access and intent, or grant a built-in role aks-entra knows`,
                      facts: [`unknown-role|${g.source}`],
                  }
                : {
                      code: "declared-role",
                      severity: "low",
                      subject: g.principal,
                      message: `${who} gets ${d.name} (${guid}) on ${where}, declared in aks-entra:declaredRoles[${d.i}] with ${d.access} access: "${d.intent}"; check the role definition allows no more`,
                  },
        );
    }
    return out;
}
