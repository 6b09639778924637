// The per-type property renderers of the plan: what a security reviewer reads of each
// registration (resources.ts builds the resource list from them). Pure module.
import type { Registration } from "../offline/harness";
import { accessLookups, policyActivation } from "./access";
import { rulesSummary } from "../components/access";
import { clusterProperties } from "./clusterProperties";
import { conditionalAccessProperties } from "./conditionalAccessProperties";
import { activationText, describePrincipal } from "./labels";
import { diagnosticDestinations, monitoringProperties } from "./monitoring";
import { agentPool, poolText } from "./pools";
import { extrasRow, podSecurityProperties } from "./parity";
import { at, strings, text, TYPES } from "./registrations";
import type { ResourceContext } from "./resources";
import { kubeconfigTokens, loginMode } from "./signIn";

/** The properties a security reviewer reads of one registration, by its type. */
export function properties(r: Registration, ctx: ResourceContext): Record<string, string> {
    const { access } = ctx;
    const l = accessLookups(access);
    const i = r.inputs;
    const principal = (oid: string) => {
        const p = access.byObjectId.get(oid.toLowerCase());
        return p ? `${describePrincipal(p)} (${oid})` : oid;
    };
    const out: Record<string, string> = {};
    const secret = (r.secretInputs ?? []).filter((k) => k in i);
    if (secret.length > 0) out.secretInputs = secret.join(", ");
    switch (r.type) {
        case TYPES.cluster:
            return { ...out, ...clusterProperties(r, ctx) };
        case TYPES.resourceGroup:
            return { ...out, location: text(i.location) };
        case TYPES.agentPool: {
            const p = agentPool(r)!;
            return {
                ...out,
                cluster: text(i.resourceName),
                [`pool ${p.name}`]: poolText(p),
                ...extrasRow("extraProperties", i, "userPool"),
            };
        }
        case TYPES.identity: {
            const p = access.byIdentityId.get(r.id.toLowerCase());
            return {
                ...out,
                for: p ? describePrincipal(p) : "",
                clientId: text(r.state.clientId),
                principalId: text(r.state.principalId),
            };
        }
        case TYPES.fic: {
            const t = l.trustBySource.get(r.urn);
            const p = t && l.principal.get(t.identity);
            return {
                ...out,
                identity: p ? describePrincipal(p) : text(i.resourceName),
                issuer: t?.issuerLabel ?? text(i.issuer),
                subject: text(i.subject),
                audiences: strings(i.audiences).join(", "),
            };
        }
        case TYPES.roleAssignment: {
            const g = l.grantBySource.get(r.urn);
            const scope = g && l.scope.get(g.scope);
            return {
                ...out,
                principal: principal(text(i.principalId)),
                principalType: text(i.principalType),
                role: g?.role ?? text(i.roleDefinitionId),
                scope: scope?.label ?? text(i.scope),
            };
        }
        case TYPES.workspace:
            return {
                ...out,
                retention: `${String(i.retentionInDays)} days`,
                localAuth:
                    at(i, "features", "disableLocalAuth") === true
                        ? "disabled (Entra only)"
                        : "ENABLED (shared keys)",
            };
        case TYPES.diagnosticSetting: {
            const logs = ((i.logs ?? []) as { category?: unknown; enabled?: unknown }[])
                .filter((l) => l.enabled === true)
                .map((l) => text(l.category));
            return {
                ...out,
                resource: access.scopeOf(text(i.resourceUri)).label,
                logs: logs.join(", ") || "none",
                ...(Array.isArray(i.metrics) && {
                    metrics: (i.metrics as { category?: unknown }[])
                        .map((m) => text(m.category))
                        .join(", "),
                }),
                destination: diagnosticDestinations(i),
            };
        }
        case TYPES.policyAssignment:
            return { ...out, ...podSecurityProperties(i) };
        case TYPES.maintenance: {
            const w = (i.maintenanceWindow ?? {}) as Record<string, unknown>;
            const weekly = at(w, "schedule", "weekly") as Record<string, unknown> | undefined;
            return {
                ...out,
                window: `${text(weekly?.dayOfWeek)}${Number(weekly?.intervalWeeks) > 1 ? ` every ${String(weekly?.intervalWeeks)} weeks` : ""} ${text(w.startTime)} UTC${text(w.utcOffset)}, ${String(w.durationHours)} h`,
            };
        }
        case TYPES.group:
            return {
                ...out,
                securityEnabled: String(i.securityEnabled === true),
                preventDuplicateNames: String(i.preventDuplicateNames === true),
                owners: strings(i.owners).map(principal).join(", "),
                members: strings(i.members).map(principal).join(", ") || "none",
            };
        case TYPES.pimPolicy: {
            const group = text(i.groupId);
            const a = policyActivation(group, i);
            a.approvers = a.approvers.map((id) => access.describeObject(id));
            const expiry = at(i, "eligibleAssignmentRules", "expirationRequired");
            return {
                ...out,
                group: principal(group),
                role: text(i.roleId) || "member",
                activation: i.activationRules === undefined ? "not set" : activationText(a),
                eligibility:
                    expiry === false
                        ? "may be permanent"
                        : expiry === true
                          ? "must expire"
                          : "per PIM's policy",
            };
        }
        case TYPES.pimEligibility: {
            const eligible = access.grants.filter((g) => g.source === r.urn);
            return {
                ...out,
                principal: principal(text(i.principalId)),
                group: principal(text(i.groupId)),
                as: text(i.assignmentType) || "member",
                duration:
                    i.permanentAssignment === true
                        ? "permanent"
                        : text(i.expirationDate)
                          ? `until ${text(i.expirationDate)}`
                          : text(i.duration)
                            ? `for ${text(i.duration)}`
                            : "",
                eligibleFor:
                    eligible.map((g) => `${g.role} on ${l.scope.get(g.scope)?.label}`).join(", ") ||
                    "nothing (the group holds no access)",
            };
        }
        case TYPES.conditionalAccess:
            return { ...out, ...conditionalAccessProperties(r, ctx) };
        case TYPES.sleep: {
            // Which grant it waits for: its trigger is that grant's id.
            const grant = ctx.index.registrations.find(
                (x) => x.type === TYPES.roleAssignment && x.id === text(at(i, "triggers", "grant")),
            );
            const g = grant && l.grantBySource.get(grant.urn);
            const what =
                g?.principal === "control-plane"
                    ? "a new Managed Identity Operator grant (AKS checks it when it creates the cluster)"
                    : g?.principal === "deployer"
                      ? "a new deployer grant (AKS RBAC propagation, beside cluster creation)"
                      : "a new grant";
            return { ...out, wait: `${text(i.createDuration)} after ${what}` };
        }
        case TYPES.k8sProvider: {
            const mode = loginMode(text(i.kubeconfig));
            const tokens = kubeconfigTokens(text(i.kubeconfig)) === "pop" ? "PoP" : "bearer";
            return {
                ...out,
                kubeconfig: `user kubeconfig, kubelogin --login ${mode || "?"}, ${tokens} tokens (secret)`,
                cluster: access.scopeOf(text(i.clusterIdentifier)).label,
            };
        }
        case TYPES.serviceAccount: {
            const clientId = text(
                at(i, "metadata", "annotations", "azure.workload.identity/client-id"),
            );
            const p = l.principalByClientId.get(clientId.toLowerCase());
            return {
                ...out,
                workloadIdentity: clientId
                    ? `client-id ${clientId} (${p ? describePrincipal(p) : "unknown identity"})`
                    : "none",
            };
        }
        case TYPES.role:
        case TYPES.clusterRole:
            return { ...out, rules: rulesSummary((i.rules ?? []) as []) };
        case TYPES.roleBinding:
        case TYPES.clusterRoleBinding: {
            const subjects = (i.subjects ?? []) as { kind?: string; name?: string }[];
            return {
                ...out,
                roleRef: `${text(at(i, "roleRef", "kind"))} ${text(at(i, "roleRef", "name"))}`,
                subjects: subjects.map((s) => principal(s.name ?? "")).join(", "),
            };
        }
        default:
            return { ...out, ...monitoringProperties(r, access) };
    }
}
