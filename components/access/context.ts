// What every source of access shares while the access view of one stack is built: who the
// principals are (by key, object id and identity id), the scopes, the grants found so far, and how
// an object id reads. Each source (azureRbac.ts, kubernetesRbac.ts, adminGroups.ts,
// pimEligibility.ts, ...) adds to it; build.ts runs them in order. Pure module.
import type { StackConfig } from "../config";
import type { Deployer } from "../deployer";
import type { Grant, Principal, Scope } from "../../plan/model";
import { armScopeLabel, describePrincipal } from "../../plan/labels";
import type { RegistrationIndex } from "../../plan/registrations";
import type { Rule } from "./kubernetesLevels";

export interface AccessContext {
    index: RegistrationIndex;
    config: StackConfig;
    project: string;
    stack: string;
    /** Who runs `pulumi up`, as the program resolved it (components/deployer.ts). */
    deployer: Deployer;
}

/** Principals, scopes and grants of one stack while its sources are read. */
export class AccessBuilder {
    readonly principals = new Map<string, Principal>();
    /** Principal by object id (lowercase). */
    readonly byObjectId = new Map<string, Principal>();
    /** Principal of each managed identity, by lowercased resource id. */
    readonly byIdentityId = new Map<string, Principal>();
    /** Group alias of the stack file (aks-entra:groups), by lowercase object id. */
    readonly aliases = new Map<string, string>();
    readonly scopes = new Map<string, Scope>();
    readonly grants: Grant[] = [];
    /** The rules a Kubernetes binding grants (by the binding's URN), when they are known. */
    readonly rulesBySource = new Map<string, Rule[]>();
    private readonly clusterLower: string;

    constructor(readonly ctx: AccessContext) {
        for (const alias of Object.keys(ctx.config.groups).sort().reverse()) {
            this.aliases.set(ctx.config.groups[alias].toLowerCase(), alias);
        }
        this.clusterLower = ctx.index.clusterId.toLowerCase();
    }

    /** Adds a principal, or returns the one already under its key. */
    add(p: Principal): Principal {
        const existing = this.principals.get(p.key);
        if (existing) return existing;
        this.principals.set(p.key, p);
        if (p.objectId) this.byObjectId.set(p.objectId.toLowerCase(), p);
        return p;
    }

    /** The principal of an object id, added (group, user or other) when the stack does not know it. */
    principalFor(objectId: string, principalType: string): Principal {
        const oid = objectId.toLowerCase();
        const known = this.byObjectId.get(oid);
        if (known) return known;
        const label = this.aliases.get(oid) ?? oid;
        if (principalType === "Group" || principalType === "User") {
            const kind = principalType === "Group" ? "group" : "user";
            return this.add({ key: `${kind}:${oid}`, kind, label, objectId: oid, principalType });
        }
        return this.add({
            key: `principal:${oid}`,
            kind: "managed-identity",
            label,
            objectId: oid,
            principalType,
        });
    }

    /** The short name of an object id: principal label, else group alias, else the id. */
    nameOf = (objectId: string): string => {
        const oid = objectId.toLowerCase();
        return this.byObjectId.get(oid)?.label ?? this.aliases.get(oid) ?? oid;
    };

    /** `group sre`, `group jit oncall-admin`, else `group <alias>`, else the id. */
    describeObject = (objectId: string): string => {
        const oid = objectId.toLowerCase();
        const p = this.byObjectId.get(oid);
        if (p) return describePrincipal(p);
        const alias = this.aliases.get(oid);
        return alias ? `group ${alias}` : oid;
    };

    /** The scope of an ARM id: the cluster, one of its namespaces, or an Azure resource. */
    scopeOf = (id: string): Scope => {
        const lower = id.toLowerCase();
        const cluster = this.clusterLower;
        let scope: Scope;
        if (cluster && lower === cluster) {
            scope = {
                key: "cluster",
                kind: "cluster",
                label: "cluster",
                id: this.ctx.index.clusterId,
            };
        } else if (cluster && lower.startsWith(`${cluster}/namespaces/`)) {
            const ns = id.slice(cluster.length + "/namespaces/".length);
            scope = { key: `namespace:${ns}`, kind: "namespace", label: `namespace ${ns}`, id: ns };
        } else {
            const identity = this.byIdentityId.get(lower);
            const label = identity ? `identity ${identity.label}` : armScopeLabel(id);
            scope = { key: `azure:${lower}`, kind: "azure", label, id };
        }
        const existing = this.scopes.get(scope.key);
        if (existing) return existing;
        this.scopes.set(scope.key, scope);
        return scope;
    };

    namespaceScope(ns: string): Scope {
        const clusterId = this.ctx.index.clusterId;
        return this.scopeOf(clusterId ? `${clusterId}/namespaces/${ns}` : `/namespaces/${ns}`);
    }

    /** True when an Azure scope holds the cluster (its resource group or subscription). */
    holdsCluster(scopeId: string): boolean {
        const cluster = this.clusterLower;
        return (
            cluster !== "" && cluster.startsWith(`${scopeId.toLowerCase().replace(/\/+$/, "")}/`)
        );
    }
}
