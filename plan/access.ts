// The plan's lookups over the access model (components/access/, issue 29), which derives who gets
// what, where. Re-exported here for the plan's modules. Pure module.
import { type Access } from "../components/access";
import { type Grant, isStanding, type Principal, type Scope, type Trust } from "./model";

export {
    type Access,
    type AccessContext,
    deriveAccess,
    policyActivation,
} from "../components/access";

/** Lookups by key, built once: the plan of a 500-namespace stack has thousands of resources. */
export class Lookups {
    readonly grantBySource = new Map<string, Grant>();
    readonly trustBySource = new Map<string, Trust>();
    readonly principal = new Map<string, Principal>();
    readonly principalByClientId = new Map<string, Principal>();
    readonly scope = new Map<string, Scope>();

    constructor(access: Access) {
        // An eligibility schedule makes several eligible grants; a source names one standing grant.
        access.grants.filter(isStanding).forEach((g) => this.grantBySource.set(g.source, g));
        access.trusts.forEach((t) => this.trustBySource.set(t.source, t));
        access.scopes.forEach((s) => this.scope.set(s.key, s));
        for (const p of access.principals) {
            this.principal.set(p.key, p);
            if (p.clientId) this.principalByClientId.set(p.clientId, p);
        }
    }
}

const LOOKUPS = new WeakMap<Access, Lookups>();
export function accessLookups(access: Access): Lookups {
    let l = LOOKUPS.get(access);
    if (!l) {
        l = new Lookups(access);
        LOOKUPS.set(access, l);
    }
    return l;
}
