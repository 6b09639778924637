// Azure RBAC: one grant per role assignment, its level from the one table of privilege
// (privilege.ts) or, for a role the table does not know, as the stack file declares it
// (aks-entra:declaredRoles); undeclared unknown roles are privileged. An AKS access role on a scope
// that holds the cluster (its resource group or subscription) is inherited by the cluster: the AKS
// authorizer honours it (docs/azure-facts.md, failure mode 7), so it is a grant on the cluster.
// Pure module.
import { armScopeLabel, roleName } from "../../plan/labels";
import { roleGuidOf, text, TYPES } from "../../plan/registrations";
import { AKS_DATA_PLANE_ROLES } from "../roles";
import type { AccessBuilder } from "./context";
import { DECLARED_LEVEL, privilegeOf, roleLevel } from "./privilege";

export function azureRbacGrants(b: AccessBuilder): void {
    const { index, config } = b.ctx;
    const declaredRoles = new Map(config.declaredRoles.map((d) => [d.guid, d]));
    for (const ra of index.ofType(TYPES.roleAssignment)) {
        const guid = roleGuidOf(ra);
        const declared = privilegeOf(guid) ? undefined : declaredRoles.get(guid);
        const p = b.principalFor(text(ra.inputs.principalId), text(ra.inputs.principalType));
        const scopeId = text(ra.inputs.scope);
        const inherited = AKS_DATA_PLANE_ROLES.includes(guid) && b.holdsCluster(scopeId);
        b.grants.push({
            principal: p.key,
            scope: inherited ? b.scopeOf(index.clusterId).key : b.scopeOf(scopeId).key,
            role: declared ? `${declared.name} (declared)` : roleName(guid),
            roleKey: `azure:${guid}`,
            level: declared ? DECLARED_LEVEL[declared.access] : roleLevel(guid),
            via: "azure-rbac",
            source: ra.urn,
            detail: inherited ? `inherited from ${armScopeLabel(scopeId)}` : undefined,
        });
    }
}
