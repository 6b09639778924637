// Stack policies: relationships between resources that no single resource shows.
// They see resource outputs; values not known yet (a first preview) skip the check they feed.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    AKS_RBAC_CLUSTER_ADMIN,
    AKS_RBAC_ROLES,
    assignedRole,
    CLIENT_ID_ANNOTATION,
    DEPLOYER_GRANT_PARENT,
    parentTypeFromUrn,
    roleName,
    TYPE,
} from "./azure";
import { groupLabel, isJitGroup, pimGroups, policyRole, scheduleRole } from "./entra";
import { SERVICE_ACCOUNT_SUBJECT } from "./federatedCredentials";
import { isUnknown, items, read, show, str } from "./read";

/** The resources of one type. */
export const ofType = (resources: PolicyResource[], type: RegExp) =>
    resources.filter((r) => type.test(r.type));

/** Known string values of `path` across resources, and whether any was unknown. */
function known(
    resources: PolicyResource[],
    ...path: string[]
): { values: string[]; someUnknown: boolean } {
    const values: string[] = [];
    let someUnknown = false;
    for (const r of resources) {
        const v = read(r.props, ...path);
        if (isUnknown(v)) someUnknown = true;
        else if (typeof v === "string") values.push(v);
    }
    return { values, someUnknown };
}

/** Azure name of an azure-native resource: `name` in outputs, the name input otherwise. */
function azureName(r: PolicyResource, input: string): string | undefined {
    const name = read(r.props, "name");
    const fallback = read(r.props, input);
    return str(name) ?? str(fallback);
}

/**
 * The user-assigned identity a federated credential belongs to: the identity its `resourceName`
 * comes from, else the one identity it depends on, else the identity with that name.
 */
export function identityOf(
    fic: PolicyResource,
    identities: PolicyResource[],
): PolicyResource | undefined {
    const byInput = (fic.propertyDependencies?.resourceName ?? []).filter((d) =>
        TYPE.identity.test(d.type),
    );
    if (byInput.length === 1) return byInput[0];
    const deps = (fic.dependencies ?? []).filter((d) => TYPE.identity.test(d.type));
    if (deps.length === 1) return identities.find((i) => i.urn === deps[0].urn) ?? deps[0];
    const name = str(read(fic.props, "resourceName"))?.toLowerCase();
    const rg = str(read(fic.props, "resourceGroupName"))?.toLowerCase();
    const hits = identities.filter(
        (i) =>
            name !== undefined &&
            azureName(i, "resourceName")?.toLowerCase() === name &&
            (rg === undefined ||
                str(read(i.props, "resourceGroupName")) === undefined ||
                str(read(i.props, "resourceGroupName"))!.toLowerCase() === rg),
    );
    return hits.length === 1 ? hits[0] : undefined;
}

export interface TeamNamespaceConfig {
    /** A team stack's namespaces, which its platform stack creates. */
    teamNamespaces?: string[];
}

export const namespaceGrants: StackValidationPolicy = {
    name: "stack-namespace-grants-target-stack-namespaces",
    description:
        "Every namespace-scoped role assignment (<cluster>/namespaces/<ns>) points at a cluster and a namespace this stack creates.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            teamNamespaces: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "A team stack's namespaces, created by its platform stack (docs/team-stacks.md): grants there are its own.",
            },
        },
    },
    validateStack: (args, report) => {
        const namespaces = known(ofType(args.resources, TYPE.namespace), "metadata", "name");
        namespaces.values.push(...(args.getConfig<TeamNamespaceConfig>().teamNamespaces ?? []));
        const clusters = ofType(args.resources, TYPE.cluster).map((c) =>
            azureName(c, "resourceName")?.toLowerCase(),
        );
        for (const ra of ofType(args.resources, TYPE.roleAssignment)) {
            const scope = str(read(ra.props, "scope"));
            const m =
                scope &&
                /\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)\/namespaces\/([^/]+)$/i.exec(
                    scope,
                );
            if (!m) continue;
            const [, cluster, ns] = m as unknown as [string, string, string];
            if (clusters.length > 0 && !clusters.includes(cluster.toLowerCase())) {
                if (clusters.includes(undefined)) continue;
                report(
                    `scope ${show(scope)} grants on cluster "${cluster}", which this stack does not create (created: ${clusters.join(", ")})`,
                    ra.urn,
                );
            } else if (!namespaces.values.includes(ns) && !namespaces.someUnknown) {
                report(
                    `scope ${show(scope)} grants on namespace "${ns}", which this stack does not create (created: ${namespaces.values.join(", ") || "none"}); declare it in aks-entra:namespaces or grant at another scope`,
                    ra.urn,
                );
            }
        }
    },
};

export const workloadServiceAccounts: StackValidationPolicy = {
    name: "stack-workload-identity-service-account",
    description:
        "Every workload identity (an identity trusted for a system:serviceaccount subject) has exactly one matching ServiceAccount, annotated with the identity's clientId.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const identities = ofType(args.resources, TYPE.identity);
        // ServiceAccounts by namespace/name, read once: one lookup per credential, not a scan.
        const accounts = new Map<string, PolicyResource[]>();
        for (const a of ofType(args.resources, TYPE.serviceAccount)) {
            const key = `${String(read(a.props, "metadata", "namespace"))}/${String(read(a.props, "metadata", "name"))}`;
            accounts.set(key, [...(accounts.get(key) ?? []), a]);
        }
        for (const fic of ofType(args.resources, TYPE.fic)) {
            const m = SERVICE_ACCOUNT_SUBJECT.exec(str(read(fic.props, "subject")) ?? "");
            const identity = m && identityOf(fic, identities);
            if (!m || !identity) continue;
            const [, ns, sa] = m as unknown as [string, string, string];
            const idName = azureName(identity, "resourceName") ?? identity.name;
            const matching = accounts.get(`${ns}/${sa}`) ?? [];
            if (matching.length !== 1) {
                report(
                    matching.length === 0
                        ? `workload identity "${idName}" trusts system:serviceaccount:${ns}:${sa} but this stack creates no ServiceAccount ${ns}/${sa}; create it, annotated with ${CLIENT_ID_ANNOTATION}`
                        : `workload identity "${idName}" trusts system:serviceaccount:${ns}:${sa} and this stack creates ${matching.length} ServiceAccounts ${ns}/${sa}; keep exactly one`,
                    identity.urn,
                );
                continue;
            }
            const account = matching[0];
            const annotation = read(account.props, "metadata", "annotations", CLIENT_ID_ANNOTATION);
            const clientId = read(identity.props, "clientId");
            if (isUnknown(annotation) || isUnknown(clientId)) continue;
            if (
                typeof annotation !== "string" ||
                annotation.toLowerCase() !== String(clientId).toLowerCase()
            ) {
                report(
                    `ServiceAccount ${ns}/${sa} has ${CLIENT_ID_ANNOTATION} ${show(annotation)} but the workload identity "${idName}" that trusts it has clientId ${show(clientId)}; annotate it with that clientId`,
                    account.urn,
                );
            }
        }
    },
};

export const serviceAccountClientIds: StackValidationPolicy = {
    name: "stack-service-account-client-id",
    description: `Every ServiceAccount annotated with ${CLIENT_ID_ANNOTATION} names the clientId of an identity this stack creates.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const ids = known(ofType(args.resources, TYPE.identity), "clientId");
        if (ids.someUnknown) return;
        const clientIds = ids.values.map((v) => v.toLowerCase());
        for (const account of ofType(args.resources, TYPE.serviceAccount)) {
            const value = read(account.props, "metadata", "annotations", CLIENT_ID_ANNOTATION);
            if (value === undefined || isUnknown(value)) continue;
            if (typeof value !== "string" || !clientIds.includes(value.toLowerCase())) {
                const where = `${String(read(account.props, "metadata", "namespace"))}/${String(read(account.props, "metadata", "name"))}`;
                report(
                    `ServiceAccount ${where} has ${CLIENT_ID_ANNOTATION} ${show(value)}, which is not the clientId of an identity this stack creates; pods would act as an identity nobody here manages`,
                    account.urn,
                );
            }
        }
    },
};

export interface ClusterAdminConfig {
    /** Object ids allowed to hold AKS RBAC Cluster Admin besides the admin groups. */
    allowedClusterAdminPrincipals?: string[];
    /** Allow the admin groups of the stack's clusters (they are cluster-admin through AKS anyway). */
    allowAdminGroups?: boolean;
    /** Allow the deployer's grant made by aks-entra (deployer.clusterAdmin). */
    allowDeployerGrant?: boolean;
    /** Allow just-in-time groups: members only by PIM activation (entra.ts isJitGroup). */
    allowJitGroups?: boolean;
}

export const clusterAdminPrincipals: StackValidationPolicy = {
    name: "stack-cluster-admin-principals",
    description:
        "AKS RBAC Cluster Admin goes only to the clusters' admin groups, the deployer's own grant, just-in-time groups (members only by PIM activation), or principals listed in allowedClusterAdminPrincipals.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedClusterAdminPrincipals: {
                type: "array",
                items: {
                    type: "string",
                    pattern:
                        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                },
                default: [],
                description: "Object ids allowed to hold AKS RBAC Cluster Admin.",
            },
            allowAdminGroups: { type: "boolean", default: true },
            allowDeployerGrant: { type: "boolean", default: true },
            allowJitGroups: {
                type: "boolean",
                default: true,
                description:
                    "Allow groups whose members come only from PIM eligibility (aks-entra:jit); false: treat them like any group.",
            },
        },
    },
    validateStack: (args, report) => {
        const config = args.getConfig<ClusterAdminConfig>();
        const allowed = (config.allowedClusterAdminPrincipals ?? []).map((p) => p.toLowerCase());
        const adminGroups = ofType(args.resources, TYPE.cluster).flatMap((c) =>
            items(read(c.props, "aadProfile", "adminGroupObjectIDs"))
                .filter((g): g is string => typeof g === "string")
                .map((g) => g.toLowerCase()),
        );
        const jitGroups = [...pimGroups(args.resources).values()]
            .filter(isJitGroup)
            .map((g) => g.target);
        for (const ra of ofType(args.resources, TYPE.roleAssignment)) {
            if (assignedRole(ra.props) !== AKS_RBAC_CLUSTER_ADMIN) continue;
            const principal = read(ra.props, "principalId");
            if (isUnknown(principal)) continue;
            const id = String(principal).toLowerCase();
            const parentType = ra.parent?.type ?? parentTypeFromUrn(ra.urn);
            if (parentType === DEPLOYER_GRANT_PARENT && (config.allowDeployerGrant ?? true)) {
                continue;
            }
            if (allowed.includes(id)) continue;
            if ((config.allowAdminGroups ?? true) && adminGroups.includes(id)) continue;
            const jit = jitGroups.find(
                (t) => (t.id ?? str(read(t.group?.props, "objectId"))?.toLowerCase()) === id,
            );
            if (jit && (config.allowJitGroups ?? true)) continue;
            report(
                jit
                    ? `${roleName(AKS_RBAC_CLUSTER_ADMIN)} is granted to just-in-time ${groupLabel(jit)} (${show(principal)}) and the policy config sets allowJitGroups: false; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), or list the principal in allowedClusterAdminPrincipals`
                    : `${roleName(AKS_RBAC_CLUSTER_ADMIN)} is granted to ${String(read(ra.props, "principalType"))} ${show(principal)}, which is not an admin group of a cluster in this stack, not a just-in-time group (aks-entra:jit), not the deployer's grant and not in allowedClusterAdminPrincipals; grant admin or writer on a namespace instead (cluster-wide they are cluster-admin in effect), make it just-in-time, or list the principal in the policy config`,
                ra.urn,
            );
        }
    },
};

export interface StackIssuerConfig {
    /** Issuers of clusters outside this stack whose service accounts may be trusted. */
    allowedClusterIssuers?: string[];
}

export const ficIssuerIsStackCluster: StackValidationPolicy = {
    name: "stack-fic-issuer-is-stack-cluster",
    description:
        "Every service-account federated credential trusts the OIDC issuer of a cluster in this stack, verbatim.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedClusterIssuers: {
                type: "array",
                items: { type: "string", pattern: "^https://" },
                default: [],
                description: "Issuers of clusters outside this stack that may be trusted.",
            },
        },
    },
    validateStack: (args, report) => {
        const issuers = known(
            ofType(args.resources, TYPE.cluster),
            "oidcIssuerProfile",
            "issuerURL",
        );
        if (issuers.someUnknown) return;
        const allowed = args.getConfig<StackIssuerConfig>().allowedClusterIssuers ?? [];
        for (const fic of ofType(args.resources, TYPE.fic)) {
            const subject = str(read(fic.props, "subject")) ?? "";
            const issuer = read(fic.props, "issuer");
            if (!SERVICE_ACCOUNT_SUBJECT.test(subject) || isUnknown(issuer)) continue;
            const url = str(issuer) ?? "";
            if (!issuers.values.includes(url) && !allowed.includes(url)) {
                report(
                    `federated credential for ${subject} trusts issuer ${show(issuer)}, which is not the OIDC issuer of a cluster in this stack (${issuers.values.join(", ") || "none"}); use the cluster's oidcIssuerProfile.issuerURL verbatim (trailing slash included) or list the issuer in allowedClusterIssuers`,
                    fic.urn,
                );
            }
        }
    },
};

export const deployerGrantScope: StackValidationPolicy = {
    name: "stack-deployer-grant-scope",
    description:
        "An AKS RBAC role on a resource group (the deployer's grant, made there so it propagates while the cluster is created) sits on a group that holds a cluster of this stack, and nowhere else.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const groups = ofType(args.resources, TYPE.cluster)
            .map((c) => str(read(c.props, "resourceGroupName")))
            .filter((g): g is string => g !== undefined)
            .map((g) => g.toLowerCase());
        for (const ra of ofType(args.resources, TYPE.roleAssignment)) {
            const guid = assignedRole(ra.props);
            if (guid === undefined || AKS_RBAC_ROLES[guid] === undefined) continue;
            const scope = read(ra.props, "scope");
            if (isUnknown(scope)) continue;
            const m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(str(scope) ?? "");
            if (!m || groups.includes(m[1].toLowerCase())) continue;
            report(
                `${roleName(guid)} is granted on resource group ${show(m[1])}, which holds no cluster of this stack: every cluster in that group, present and future, would honour it; grant it on the cluster`,
                ra.urn,
            );
        }
    },
};

/** Categories of an audit trail: who wrote what, and how Entra and Azure RBAC decided. */
const AUDIT_CATEGORY_SETS = [["kube-audit-admin", "kube-audit"], ["guard"]];

export const clusterAuditLogs: StackValidationPolicy = {
    name: "stack-cluster-audit-logs",
    description:
        "Every cluster sends an audit trail (kube-audit-admin or kube-audit, and guard) through a diagnostic setting of this stack to a destination.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const settings = ofType(args.resources, TYPE.diagnosticSetting);
        for (const cluster of ofType(args.resources, TYPE.cluster)) {
            const name = azureName(cluster, "resourceName")?.toLowerCase();
            const mine = settings.filter((d) => {
                const byInput = (d.propertyDependencies?.resourceUri ?? []).some(
                    (dep) => dep.urn === cluster.urn,
                );
                const uri = str(read(d.props, "resourceUri"))?.toLowerCase() ?? "";
                return byInput || (name !== undefined && uri.endsWith(`/managedclusters/${name}`));
            });
            if (mine.some((d) => isUnknown(read(d.props, "logs")))) continue;
            const enabled = mine
                .filter((d) =>
                    ["workspaceId", "storageAccountId", "eventHubAuthorizationRuleId"].some(
                        (k) => read(d.props, k) !== undefined && read(d.props, k) !== null,
                    ),
                )
                .flatMap((d) => items(read(d.props, "logs")))
                .filter((l) => read(l, "enabled") === true)
                .map((l) => str(read(l, "category")));
            const missing = AUDIT_CATEGORY_SETS.filter(
                (set) => !set.some((c) => enabled.includes(c)),
            );
            if (missing.length === 0) continue;
            report(
                mine.length === 0
                    ? `cluster ${show(name)} has no diagnostic setting in this stack: nobody can see who did what with an Entra token or how it was authorised (Azure Policy built-in 245fc9df audits it); leave aks-entra:auditLogs on, the default`
                    : `cluster ${show(name)} sends no ${missing.map((set) => set.join(" or ")).join(", nor ")} log to a destination: the audit trail misses ${missing.some((set) => set.includes("guard")) ? "how Entra and Azure RBAC decided" : "who changed what"}; list it in aks-entra:auditLogs.categories`,
                cluster.urn,
            );
        }
    },
};

export const jitGroupsUnmanagedMembers: StackValidationPolicy = {
    name: "stack-jit-groups-unmanaged-members",
    description:
        "Every group a PIM eligibility schedule of this stack targets gets members only by activation (no GroupMember), and its role's GroupRoleManagementPolicy is in this stack, created before the schedules (they depend on it). Mandatory: a standing member skips MFA, justification and the time limit.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const g of pimGroups(args.resources).values()) {
            if (g.schedules.length === 0) continue;
            const label = groupLabel(g.target);
            // Not the group's `members`: outputs list whoever activated (entra.ts isJitGroup).
            for (const m of g.memberships) {
                report(
                    `GroupMember makes ${show(read(m.props, "memberObjectId"))} a standing member of ${label}, which PIM eligibility schedules of this stack target: that member never activates, so no MFA, justification or time limit applies; remove it and list the principal as eligible in the group's aks-entra:jit entry`,
                    m.urn,
                );
            }
            for (const s of g.schedules) {
                const role = scheduleRole(s);
                if (role === undefined) continue;
                const mine = g.policies.filter((p) => [role, undefined].includes(policyRole(p)));
                const who = `the eligibility of ${show(read(s.props, "principalId"))} for ${label}`;
                if (mine.length === 0) {
                    report(
                        `${who} has no GroupRoleManagementPolicy for role ${show(role)} of that group in this stack: activations follow whatever PIM policy the group has, so nothing here checks their MFA, justification or duration; manage the group's policy in this stack (aks-entra:jit does)`,
                        s.urn,
                    );
                    continue;
                }
                const deps = new Set(
                    [
                        ...(s.dependencies ?? []),
                        ...Object.values(s.propertyDependencies ?? {}).flat(),
                    ].map((d) => d.urn),
                );
                if (!mine.some((p) => deps.has(p.urn))) {
                    report(
                        `${who} does not depend on the group's GroupRoleManagementPolicy (${mine.map((p) => p.name).join(", ")}): Pulumi may create it first, under the group's default PIM policy, which may refuse a permanent eligibility and lets people activate without this stack's rules; make the schedule depend on the policy (dependsOn)`,
                        s.urn,
                    );
                }
            }
        }
    },
};

export const stackPolicies: StackValidationPolicy[] = [
    namespaceGrants,
    workloadServiceAccounts,
    serviceAccountClientIds,
    clusterAdminPrincipals,
    jitGroupsUnmanagedMembers,
    deployerGrantScope,
    ficIssuerIsStackCluster,
    clusterAuditLogs,
];
