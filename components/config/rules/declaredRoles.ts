// aks-entra:declaredRoles (issue 29, item 7): the roles the privilege table
// (components/access/privilege.ts) does not list, each declared once with its access and intent. A grant
// of any other unknown role is refused (components/config/references.ts). Pure module.
import { privilegeOf } from "../../access/privilege";
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import { entries, rawAt, refused, type RuleContext } from "./context";

/** The declared role GUIDs, lowercase; undefined when the key was refused (nothing is judged then). */
export function declaredGuids(ctx: RuleContext): ReadonlySet<string> | undefined {
    if (refused(ctx.raw, ctx.draft, "declaredRoles")) return undefined;
    const roles = entries(ctx.draft.declaredRoles).map(([, d]) => d.role);
    const written = rawAt(ctx.raw).declaredRoles;
    // An entry whose role the schema refused: what it declares is unknown, so judge nothing.
    if (roles.includes(undefined) || (Array.isArray(written) && written.length > roles.length)) {
        return undefined;
    }
    return new Set(roles.map((r) => r!.toLowerCase()));
}

export function declaredRoles(ctx: RuleContext): string[] {
    const declared = entries(ctx.draft.declaredRoles);
    const out = declared.flatMap(([i, d]) => {
        const known = d.role === undefined ? undefined : privilegeOf(d.role);
        return known === undefined
            ? []
            : [
                  `${NAMESPACE}:declaredRoles[${i}].role ${show(d.role)} is ${known.name}, a built-in role aks-entra knows (level and reason in its privilege table); remove the declaration`,
              ];
    });
    for (const guid of duplicates(declared.flatMap(([, d]) => d.role?.toLowerCase() ?? []))) {
        out.push(`${NAMESPACE}:declaredRoles declares role ${show(guid)} more than once`);
    }
    return out;
}
