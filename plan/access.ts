// Who gets what, where: principals, scopes, grants and federated trusts, read off the registrations
// (role assignments, RoleBindings, federated credentials, the cluster's admin groups, PIM
// eligibility schedules and policies), never off the config. The config only lends names: group
// aliases, pipeline names, just-in-time entry names.
// Pure module.
import { declaredRules } from "../components/kubernetesRisk";
import type { StackConfig } from "../components/config";
import type { Deployer } from "../components/deployer";
import { DECLARED_LEVEL, privilegeOf } from "../components/privilege";
import { AKS_DATA_PLANE_ROLES } from "../components/roles";
import { StackNames } from "../components/naming";
import {
    type Activation,
    type Grant,
    isStanding,
    type Principal,
    type PrincipalKind,
    type Scope,
    sortBy,
    type Trust,
} from "./model";
import {
    activationText,
    armScopeLabel,
    azureRoleLevel,
    CLUSTER_ROLE_LEVELS,
    describePrincipal,
    durationMinutes,
    GITHUB_ISSUER,
    roleName,
    type Rule,
    rulesLevel,
    rulesSummary,
    scopeRank,
} from "./labels";
import {
    at,
    k8sName,
    type Props,
    type RegistrationIndex,
    strings,
    text,
    TYPES,
} from "./registrations";

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

/** Type of the component that registered a resource, from its parent's URN (`...$a:b:C::name`). */
export function parentType(parentUrn: string): string {
    const type = parentUrn.split("::")[2] ?? "";
    return type.split("$").pop() ?? "";
}

/** The component that creates the stack's admin group (components/adminGroup.ts). */
const ADMIN_GROUP_COMPONENT = "aks-entra:admins:AdminGroup";

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

    const nameOf = (objectId: string): string => {
        const oid = objectId.toLowerCase();
        return byObjectId.get(oid)?.label ?? aliases.get(oid) ?? oid;
    };
    const describeObject = (objectId: string): string => {
        const oid = objectId.toLowerCase();
        const p = byObjectId.get(oid);
        if (p) return describePrincipal(p);
        const alias = aliases.get(oid);
        return alias ? `group ${alias}` : oid;
    };

    // The deployer and the groups this stack creates: the admin group (bound by AKS, or made by the
    // admin-group component), just-in-time groups (PIM eligibility and a member policy point at
    // them), and any other group by its display name.
    add({
        key: "deployer",
        kind: "deployer",
        label: "deployer",
        objectId: ctx.deployer.objectId.toLowerCase(),
        principalType: ctx.deployer.principalType,
    });
    const names = new StackNames(ctx.project, ctx.stack);
    const clusterIn = index.cluster?.inputs ?? {};
    const adminGroupIds = new Set(
        strings(at(clusterIn, "aadProfile", "adminGroupObjectIDs")).map((s) => s.toLowerCase()),
    );
    const pimTargets = new Set(
        [...index.ofType(TYPES.pimPolicy), ...index.ofType(TYPES.pimEligibility)].map((r) =>
            text(r.inputs.groupId).toLowerCase(),
        ),
    );
    const jitByDisplayName = new Map(
        config.jit.map((j) => [names.jitGroupDisplayName(j.name), j.name]),
    );
    const jitKeys = new Set<string>();
    for (const g of index.ofType(TYPES.group)) {
        const objectId = (text(g.state.objectId) || g.id).toLowerCase();
        const displayName = text(g.inputs.displayName);
        const common = {
            kind: "group" as const,
            objectId,
            principalType: "Group",
            createdBy: g.urn,
        };
        if (pimTargets.has(objectId)) {
            const name = jitByDisplayName.get(displayName) ?? displayName;
            const p = add({
                ...common,
                key: `group:jit-${name}`,
                label: `jit ${name}`,
                membersByPim: strings(g.inputs.members).length === 0 ? true : undefined,
            });
            jitKeys.add(p.key);
        } else if (adminGroupIds.has(objectId) || parentType(g.parent) === ADMIN_GROUP_COMPONENT) {
            add({ ...common, key: "group:admins", label: "admins (created)" });
        } else {
            add({ ...common, key: `group:${objectId}`, label: displayName || objectId });
        }
    }

    // Managed identities, named by what they are for.
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

    const declaredRoles = new Map(config.declaredRoles.map((d) => [d.guid, d]));
    // Azure role assignments. An AKS access role on a scope that holds the cluster (its resource
    // group or subscription) is inherited by the cluster: the AKS authorizer honours it
    // (docs/azure-facts.md, failure mode 7), so it is a grant on the cluster.
    for (const ra of index.ofType(TYPES.roleAssignment)) {
        const guid = (text(ra.inputs.roleDefinitionId).split("/").pop() ?? "").toLowerCase();
        // A role the privilege table does not know, as the stack file declares it.
        const declared = privilegeOf(guid) ? undefined : declaredRoles.get(guid);
        const p = principalFor(text(ra.inputs.principalId), text(ra.inputs.principalType));
        const scopeId = text(ra.inputs.scope);
        const inherited =
            clusterLower !== "" &&
            AKS_DATA_PLANE_ROLES.includes(guid) &&
            clusterLower.startsWith(`${scopeId.toLowerCase().replace(/\/+$/, "")}/`);
        grants.push({
            principal: p.key,
            scope: inherited ? scopeOf(index.clusterId).key : scopeOf(scopeId).key,
            role: declared ? `${declared.name} (declared)` : roleName(guid),
            roleKey: `azure:${guid}`,
            level: declared ? DECLARED_LEVEL[declared.access] : azureRoleLevel(guid),
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
    const rulesBySource = new Map<string, Rule[]>();
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
                  ? (roleRules.get(`${TYPES.clusterRole}|${refName}`) ??
                    // A ClusterRole the stack does not create: the rules the stack file declared.
                    (declaredRules(b.inputs.metadata) as Rule[] | undefined))
                  : undefined;
        if (rules) {
            rulesBySource.set(b.urn, rules);
            level = rulesLevel(rules);
            detail = rulesSummary(rules);
        } else if (refKind === "ClusterRole" && CLUSTER_ROLE_LEVELS[refName] === undefined) {
            // Fail closed (issue 29): rules nobody declared may be anything.
            level = 3;
            detail = "rules not declared: treated as admin";
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

    // Eligible grants (PIM for Groups): a principal eligible for membership of a group gets, for
    // each grant the group holds, the same grant, held only while an activation lasts, under the
    // rules of the group's member policy.
    const policies = new Map<string, Props>();
    for (const pol of index.ofType(TYPES.pimPolicy)) {
        if (![undefined, "member"].includes(pol.inputs.roleId as string | undefined)) continue;
        policies.set(text(pol.inputs.groupId).toLowerCase(), pol.inputs);
    }
    const standing = [...grants];
    for (const e of index.ofType(TYPES.pimEligibility)) {
        if (![undefined, "member"].includes(e.inputs.assignmentType as string | undefined))
            continue;
        const groupId = text(e.inputs.groupId).toLowerCase();
        const group = principalFor(groupId, "Group");
        const oid = text(e.inputs.principalId).toLowerCase();
        // Config-listed groups are groups; any other id a user (as components/config reads approvers).
        const who = principalFor(oid, aliases.has(oid) ? "Group" : "User");
        const policy = policies.get(groupId);
        const activation = policy ? policyActivation(group.key, policy) : undefined;
        if (activation) activation.approvers = activation.approvers.map(nameOf).sort();
        const via = jitKeys.has(group.key) ? group.label : describePrincipal(group);
        const rules = activation
            ? activationText(activation)
            : "activation rules not set by this stack (the group's PIM policy applies)";
        for (const g of standing.filter((x) => x.principal === group.key)) {
            grants.push({
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
        describeObject,
        nameOf,
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
        rulesBySource,
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
