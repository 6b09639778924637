// Who gets what, where: principals, scopes, grants and federated trusts, read off the registrations
// (role assignments, RoleBindings, federated credentials, the cluster's admin groups), never off
// the config. The config only lends names: group aliases, pipeline names.
// Pure module.
import type { StackConfig } from "../components/config";
import type { Deployer } from "../components/deployer";
import { AKS_DATA_PLANE_ROLES } from "../components/roles";
import { StackNames } from "../components/naming";
import {
    type Grant,
    type Principal,
    type PrincipalKind,
    type Scope,
    sortBy,
    type Trust,
} from "./model";
import {
    armScopeLabel,
    azureRoleLevel,
    CLUSTER_ROLE_LEVELS,
    GITHUB_ISSUER,
    roleName,
    type Rule,
    rulesLevel,
    rulesSummary,
    scopeRank,
} from "./labels";
import { at, k8sName, type RegistrationIndex, strings, text, TYPES } from "./registrations";

export interface AccessContext {
    index: RegistrationIndex;
    config: StackConfig;
    project: string;
    stack: string;
    /** Who runs `pulumi up`, as the program resolved it (components/deployer.ts). */
    deployer: Deployer;
}

export interface Access {
    principals: Principal[];
    scopes: Scope[];
    grants: Grant[];
    trusts: Trust[];
    /** Principal by object id (lowercase), for the resource tree. */
    byObjectId: Map<string, Principal>;
    /** Principal of each managed identity, by lowercased resource id. */
    byIdentityId: Map<string, Principal>;
    scopeOf(id: string): Scope;
}

/** Builds the access view of one evaluated stack. */
export function deriveAccess(ctx: AccessContext): Access {
    const { index, config } = ctx;
    const principals = new Map<string, Principal>();
    const byObjectId = new Map<string, Principal>();
    const byIdentityId = new Map<string, Principal>();
    const add = (p: Principal): Principal => {
        const existing = principals.get(p.key);
        if (existing) return existing;
        principals.set(p.key, p);
        if (p.objectId) byObjectId.set(p.objectId.toLowerCase(), p);
        return p;
    };

    const aliases = new Map<string, string>();
    for (const alias of Object.keys(config.groups).sort().reverse()) {
        aliases.set(config.groups[alias].toLowerCase(), alias);
    }

    // The deployer and the groups this stack creates.
    add({
        key: "deployer",
        kind: "deployer",
        label: "deployer",
        objectId: ctx.deployer.objectId.toLowerCase(),
        principalType: ctx.deployer.principalType,
    });
    for (const g of index.ofType(TYPES.group)) {
        add({
            key: "group:admins",
            kind: "group",
            label: "admins (created)",
            objectId: (text(g.state.objectId) || g.id).toLowerCase(),
            principalType: "Group",
            createdBy: g.urn,
        });
    }

    // Managed identities, named by what they are for.
    const names = new StackNames(ctx.project, ctx.stack);
    const pipelineByIdentity = new Map(
        config.pipelines.map((p) => [names.pipelineIdentity(p.name), p.name]),
    );
    const saByClientId = new Map<string, string>();
    for (const sa of index.ofType(TYPES.serviceAccount)) {
        const clientId = text(
            at(sa.inputs, "metadata", "annotations", "azure.workload.identity/client-id"),
        );
        if (clientId) saByClientId.set(clientId.toLowerCase(), k8sName(sa));
    }
    const clusterIn = index.cluster?.inputs ?? {};
    const controlPlaneIds = strings(at(clusterIn, "identity", "userAssignedIdentities")).map((s) =>
        s.toLowerCase(),
    );
    const kubeletId = text(at(clusterIn, "identityProfile", "kubeletidentity", "resourceId"));
    const ficIssuers = new Map<string, string[]>();
    for (const f of index.ofType(TYPES.fic)) {
        const key = `${text(f.inputs.resourceGroupName)}/${text(f.inputs.resourceName)}`;
        ficIssuers.set(key, [...(ficIssuers.get(key) ?? []), text(f.inputs.issuer)]);
    }
    const identityByName = new Map<string, Principal>();
    for (const uai of index.ofType(TYPES.identity)) {
        const id = uai.id.toLowerCase();
        const resourceName = text(uai.inputs.resourceName);
        const clientId = text(uai.state.clientId).toLowerCase();
        const workload = saByClientId.get(clientId);
        const pipeline = pipelineByIdentity.get(resourceName);
        const issuers = ficIssuers.get(`${text(uai.inputs.resourceGroupName)}/${resourceName}`);
        let kind: PrincipalKind;
        let key: string;
        let label: string;
        if (controlPlaneIds.includes(id)) {
            [kind, key, label] = ["control-plane", "control-plane", "control-plane"];
        } else if (kubeletId.toLowerCase() === id) {
            [kind, key, label] = ["kubelet", "kubelet", "kubelet"];
        } else if (workload !== undefined) {
            [kind, key, label] = ["workload", `workload:${workload}`, workload];
        } else if (pipeline !== undefined) {
            [kind, key, label] = ["pipeline", `pipeline:${pipeline}`, pipeline];
        } else if (issuers?.includes(GITHUB_ISSUER)) {
            [kind, key, label] = ["pipeline", `pipeline:${resourceName}`, resourceName];
        } else {
            [kind, key, label] = ["managed-identity", `identity:${resourceName}`, resourceName];
        }
        const p = add({
            key,
            kind,
            label,
            objectId: text(uai.state.principalId).toLowerCase(),
            principalType: "ServicePrincipal",
            clientId,
            createdBy: uai.urn,
        });
        byIdentityId.set(id, p);
        identityByName.set(`${text(uai.inputs.resourceGroupName)}/${resourceName}`, p);
    }

    const principalFor = (objectId: string, principalType: string): Principal => {
        const oid = objectId.toLowerCase();
        const known = byObjectId.get(oid);
        if (known) return known;
        const alias = aliases.get(oid);
        if (principalType === "Group") {
            return add({
                key: `group:${oid}`,
                kind: "group",
                label: alias ?? oid,
                objectId: oid,
                principalType,
            });
        }
        if (principalType === "User") {
            return add({
                key: `user:${oid}`,
                kind: "user",
                label: alias ?? oid,
                objectId: oid,
                principalType,
            });
        }
        return add({
            key: `principal:${oid}`,
            kind: "managed-identity",
            label: alias ?? oid,
            objectId: oid,
            principalType,
        });
    };

    // Scopes.
    const scopes = new Map<string, Scope>();
    const clusterLower = index.clusterId.toLowerCase();
    const scopeOf = (id: string): Scope => {
        const lower = id.toLowerCase();
        let scope: Scope;
        if (clusterLower && lower === clusterLower) {
            scope = { key: "cluster", kind: "cluster", label: "cluster", id: index.clusterId };
        } else if (clusterLower && lower.startsWith(`${clusterLower}/namespaces/`)) {
            const ns = id.slice(clusterLower.length + "/namespaces/".length);
            scope = { key: `namespace:${ns}`, kind: "namespace", label: `namespace ${ns}`, id: ns };
        } else {
            const identity = byIdentityId.get(lower);
            const label = identity ? `identity ${identity.label}` : armScopeLabel(id);
            scope = { key: `azure:${lower}`, kind: "azure", label, id };
        }
        const existing = scopes.get(scope.key);
        if (existing) return existing;
        scopes.set(scope.key, scope);
        return scope;
    };
    const namespaceScope = (ns: string): Scope =>
        scopeOf(clusterLower ? `${index.clusterId}/namespaces/${ns}` : `/namespaces/${ns}`);

    const grants: Grant[] = [];

    // AKS binds the admin groups to Kubernetes cluster-admin itself (no RoleAssignment, no binding).
    if (index.cluster) {
        for (const oid of strings(at(clusterIn, "aadProfile", "adminGroupObjectIDs"))) {
            const p = principalFor(oid, "Group");
            p.clusterAdminGroup = true;
            grants.push({
                principal: p.key,
                scope: scopeOf(index.clusterId).key,
                role: "cluster-admin",
                roleKey: "aks:cluster-admin",
                level: 4,
                via: "aks-admin-group",
                source: index.cluster.urn,
            });
        }
    }

    // Azure role assignments. An AKS access role on a scope that holds the cluster (its resource
    // group or subscription) is inherited by the cluster: the AKS authorizer honours it
    // (docs/azure-facts.md, failure mode 7), so it is a grant on the cluster.
    for (const ra of index.ofType(TYPES.roleAssignment)) {
        const guid = (text(ra.inputs.roleDefinitionId).split("/").pop() ?? "").toLowerCase();
        const p = principalFor(text(ra.inputs.principalId), text(ra.inputs.principalType));
        const scopeId = text(ra.inputs.scope);
        const inherited =
            clusterLower !== "" &&
            AKS_DATA_PLANE_ROLES.includes(guid) &&
            clusterLower.startsWith(`${scopeId.toLowerCase().replace(/\/+$/, "")}/`);
        grants.push({
            principal: p.key,
            scope: inherited ? scopeOf(index.clusterId).key : scopeOf(scopeId).key,
            role: roleName(guid),
            roleKey: `azure:${guid}`,
            level: azureRoleLevel(guid),
            via: "azure-rbac",
            source: ra.urn,
            detail: inherited ? `inherited from ${armScopeLabel(scopeId)}` : undefined,
        });
    }

    // Kubernetes RBAC bindings.
    const roleRules = new Map<string, Rule[]>();
    for (const role of [...index.ofType(TYPES.role), ...index.ofType(TYPES.clusterRole)]) {
        roleRules.set(`${role.type}|${k8sName(role)}`, (role.inputs.rules ?? []) as Rule[]);
    }
    const bindings = [
        ...index.ofType(TYPES.roleBinding),
        ...index.ofType(TYPES.clusterRoleBinding),
    ];
    for (const b of bindings) {
        const ns = text(at(b.inputs, "metadata", "namespace"));
        const refKind = text(at(b.inputs, "roleRef", "kind"));
        const refName = text(at(b.inputs, "roleRef", "name"));
        const scope = ns ? namespaceScope(ns) : scopeOf(index.clusterId);
        let level = CLUSTER_ROLE_LEVELS[refName] ?? 0;
        let detail: string | undefined;
        const rules =
            refKind === "Role"
                ? roleRules.get(`${TYPES.role}|${ns}/${refName}`)
                : CLUSTER_ROLE_LEVELS[refName] === undefined
                  ? roleRules.get(`${TYPES.clusterRole}|${refName}`)
                  : undefined;
        if (rules) {
            level = rulesLevel(rules);
            detail = rulesSummary(rules);
        }
        const subjects = (b.inputs.subjects ?? []) as {
            kind?: string;
            name?: string;
            namespace?: string;
        }[];
        for (const s of subjects) {
            const name = s.name ?? "";
            let p: Principal;
            if (s.kind === "ServiceAccount") {
                const who = `${s.namespace ?? ns}/${name}`;
                p =
                    principals.get(`workload:${who}`) ??
                    add({
                        key: `sa:${who}`,
                        kind: "service-account",
                        label: who,
                        objectId: "",
                        principalType: "ServiceAccount",
                    });
            } else {
                p = principalFor(name, s.kind === "User" ? "User" : "Group");
            }
            grants.push({
                principal: p.key,
                scope: scope.key,
                role: `${refKind} ${refName}`,
                roleKey: `k8s:${refKind}/${refName}`,
                level,
                via: "kubernetes-rbac",
                source: b.urn,
                detail,
            });
        }
    }

    // Federated trusts.
    const trusts: Trust[] = index.ofType(TYPES.fic).map((f) => {
        const identity = identityByName.get(
            `${text(f.inputs.resourceGroupName)}/${text(f.inputs.resourceName)}`,
        );
        const issuer = text(f.inputs.issuer);
        return {
            identity: identity?.key ?? `identity:${text(f.inputs.resourceName)}`,
            issuer,
            issuerLabel:
                issuer === index.issuerUrl && issuer !== ""
                    ? "cluster OIDC issuer"
                    : issuer === GITHUB_ISSUER
                      ? "GitHub Actions"
                      : issuer,
            subject: text(f.inputs.subject),
            audiences: strings(f.inputs.audiences).sort(),
            source: f.urn,
        };
    });

    return {
        principals: sortBy([...principals.values()], (p) => p.key),
        scopes: sortBy(
            [...scopes.values()],
            (s) => scopeRank(s),
            (s) => s.label,
            (s) => s.key,
        ),
        grants: sortBy(
            grants,
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
        byObjectId,
        byIdentityId,
        scopeOf,
    };
}

/** Lookups by key, built once: the plan of a 500-namespace stack has thousands of resources. */
export class Lookups {
    readonly grantBySource = new Map<string, Grant>();
    readonly trustBySource = new Map<string, Trust>();
    readonly principal = new Map<string, Principal>();
    readonly principalByClientId = new Map<string, Principal>();
    readonly scope = new Map<string, Scope>();

    constructor(access: Access) {
        access.grants.forEach((g) => this.grantBySource.set(g.source, g));
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
