// The access view of one evaluated stack: principals, scopes, grants and federated trusts, read
// off the registrations (role assignments, RoleBindings, federated credentials, the cluster's admin
// groups, the groups' owners and members, PIM eligibility schedules and policies), never off the
// config. The config only lends names: group aliases, pipeline names, just-in-time entry names.
// Each source of access is a file of this module; a new kind of access is one more source here.
// Pure module.
import { type Grant, type Principal, type Scope, sortBy, type Trust } from "../../plan/model";
import { scopeRank } from "../../plan/labels";
import { adminGroupGrants, type GroupControl, groupControl } from "./adminGroups";
import { azureRbacGrants } from "./azureRbac";
import { AccessBuilder, type AccessContext } from "./context";
import type { Rule } from "./kubernetesLevels";
import { kubernetesRbacGrants } from "./kubernetesRbac";
import { eligibleGrants } from "./pimEligibility";
import { type PodAdmission, podAdmission } from "./podAdmission";
import { stackPrincipals } from "./principals";
import { federatedTrusts } from "./trusts";

export interface Access {
    principals: Principal[];
    scopes: Scope[];
    grants: Grant[];
    trusts: Trust[];
    /** Owners and member groups of the groups the stack creates (derived.ts reads them). */
    groupControl: GroupControl[];
    /** Pod Security admission of each namespace the stack creates. */
    podAdmission: PodAdmission[];
    /** Principal by object id (lowercase), for the resource tree. */
    byObjectId: Map<string, Principal>;
    /** Principal of each managed identity, by lowercased resource id. */
    byIdentityId: Map<string, Principal>;
    /** The rules a Kubernetes binding grants (by the binding's URN), when they are known. */
    rulesBySource: Map<string, Rule[]>;
    scopeOf(id: string): Scope;
    /**
     * How an Entra object id reads: its principal (`group sre`, `group jit oncall-admin`), else its
     * group alias (`group break-glass`), else the id.
     */
    describeObject(objectId: string): string;
    /** The short name of an object id: principal label, else group alias, else the id. */
    nameOf(objectId: string): string;
}

/** Builds the access view of one evaluated stack. */
export function deriveAccess(ctx: AccessContext): Access {
    const b = new AccessBuilder(ctx);
    const { jitKeys, identityByName } = stackPrincipals(b);
    // Standing grants first: eligibility copies the grants of the groups it makes members of.
    adminGroupGrants(b);
    azureRbacGrants(b);
    kubernetesRbacGrants(b);
    eligibleGrants(b, jitKeys);
    const control = groupControl(b);
    const trusts = federatedTrusts(b, identityByName);
    return {
        describeObject: b.describeObject,
        nameOf: b.nameOf,
        principals: sortBy([...b.principals.values()], (p) => p.key),
        scopes: sortBy(
            [...b.scopes.values()],
            (s) => scopeRank(s),
            (s) => s.label,
            (s) => s.key,
        ),
        grants: sortBy(
            b.grants,
            (g) => g.principal,
            (g) => g.scope,
            (g) => g.roleKey,
            (g) => g.source,
        ),
        trusts: sortBy(
            trusts,
            (t) => t.identity,
            (t) => t.issuerLabel,
            (t) => t.subject,
        ),
        groupControl: control,
        podAdmission: podAdmission(ctx.index),
        byObjectId: b.byObjectId,
        byIdentityId: b.byIdentityId,
        rulesBySource: b.rulesBySource,
        scopeOf: b.scopeOf,
    };
}
