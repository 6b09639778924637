// Findings about who gets what: cluster-admin, privileged Azure roles, roles over whole
// subscriptions or resource groups, pull-request pipelines that write, and Kubernetes access
// without a kubeconfig. Pure module.
import { AKS_ROLES, FORBIDDEN_ROLES, holdsIdentities, PRIVILEGED_ROLES } from "../components/roles";
import { teamStateRight } from "../components/stateAccess";
import { isTeamRight, TEAM_BOUNDARY_TYPE } from "../components/teamBoundary";
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";
import { activationText, describePrincipal } from "./labels";
import { type Grant, isStanding, type Principal, type Scope } from "./model";

/** A subscription or resource group: a scope that covers every resource in it, present and future. */
function isBroad(s: Scope): boolean {
    return s.kind === "azure" && !/\/providers\//i.test(s.id);
}

function isAutomation(p: Principal): boolean {
    return ["workload", "pipeline", "managed-identity", "control-plane", "kubelet"].includes(
        p.kind,
    );
}

export function accessFindings(ctx: FindingContext): FactFinding[] {
    const { access } = ctx;
    const out: FactFinding[] = [];
    const principals = new Map(access.principals.map((p) => [p.key, p]));
    const scopes = new Map(access.scopes.map((s) => [s.key, s]));
    const name = (key: string) => {
        const p = principals.get(key);
        return p ? describePrincipal(p) : key;
    };
    const where = (g: Grant) => scopes.get(g.scope)?.label ?? g.scope;
    // Standing access only: an eligible grant (PIM) is reported with the group it activates.
    const grants = access.grants.filter(isStanding);

    // Cluster-admin, however it is given.
    for (const g of grants.filter((x) => x.level >= 4 && x.scope === "cluster")) {
        const p = principals.get(g.principal);
        if (g.via === "aks-admin-group") {
            out.push({
                code: "cluster-admin",
                severity: "medium",
                subject: g.principal,
                message: `${name(g.principal)} is an admin group: AKS binds its members to Kubernetes cluster-admin (aks-entra:admins); keep it small`,
            });
        } else if (p?.membersByPim) {
            // A just-in-time group: cluster-admin only for whoever activates, while it lasts.
            const eligible = access.grants.filter(
                (e) =>
                    !isStanding(e) &&
                    e.activation?.group === g.principal &&
                    e.roleKey === g.roleKey &&
                    e.scope === g.scope,
            );
            const who = [...new Set(eligible.map((e) => name(e.principal)))];
            const rules = eligible[0]?.activation
                ? activationText(eligible[0].activation)
                : "activation rules not set by this stack";
            out.push({
                code: "cluster-admin",
                severity: "medium",
                subject: g.principal,
                message: `${name(g.principal)} gets ${g.role} on the whole cluster for whoever activates its membership in PIM (${rules}); eligible: ${who.join(", ") || "nobody yet"}; keep that list small`,
                facts: [`cluster-admin|${g.source}`],
            });
        } else if (p?.kind === "deployer") {
            out.push({
                code: "cluster-admin",
                severity: "medium",
                subject: g.principal,
                message: `the deployer (${ctx.config.deployer.objectId ? `${ctx.config.deployer.objectId}, aks-entra:deployer.objectId` : "whoever runs pulumi up"}) gets ${g.role} on the cluster${g.detail ? ` (${g.detail}, so it propagates while the cluster is created)` : ""} so it can manage namespaces and RBAC; set aks-entra:deployer.clusterAdmin false once it is in an admin group`,
                facts: [`cluster-admin|${g.source}`],
            });
        } else {
            out.push({
                code: "cluster-admin",
                severity: "high",
                subject: g.principal,
                message: `${name(g.principal)} gets ${g.role} on the whole cluster (${g.via})`,
                facts: [`cluster-admin|${g.source}`],
            });
        }
    }

    // Admin or write on the whole cluster: cluster-wide-write (plan/findingsClusterWide.ts).

    // Privileged Azure roles, named even when config gave them by GUID.
    const privileged = new Set<Grant>();
    for (const g of grants.filter((x) => x.via === "azure-rbac")) {
        const guid = g.roleKey.replace(/^azure:/, "");
        const role = PRIVILEGED_ROLES[guid];
        const s = scopes.get(g.scope);
        // A team's state access (docs/team-stacks.md, State backend): part of its boundary too.
        const state =
            s !== undefined && g.source.includes(`${TEAM_BOUNDARY_TYPE}$`)
                ? teamStateRight(
                      guid,
                      ctx.index.byUrn.get(g.source)?.inputs.condition,
                      ctx.index.byUrn.get(g.source)?.inputs.conditionVersion,
                  )
                : undefined;
        // Its own stack's paths: the write right of team t is the assignment `...-team-t-state-write`.
        if (
            state !== undefined &&
            (!state.stack || g.source.endsWith(`-${state.stack}-state-write`))
        ) {
            const limited = state.stack
                ? ` under an ABAC condition that limits its writes to the state of stack ${state.stack}`
                : "";
            out.push({
                code: "team-right",
                severity: "info",
                subject: g.principal,
                message: `${name(g.principal)} gets ${state.role} (${guid}) on ${s!.label}${limited}: the team stack's state access (docs/team-stacks.md, State backend)`,
                facts: [],
            });
            continue;
        }
        if (!role || !s) continue;
        // Identity administration on one identity: a federated credential added to it, or the
        // identity attached, and the holder signs in as it (issue 29, item 3). The one such grant
        // the stack makes is the control plane's Operator on the kubelet identity.
        const onIdentity = holdsIdentities(s.id) && !isBroad(s);
        const kubeletGrant =
            guid === AKS_ROLES.managedIdentityOperator &&
            principals.get(g.principal)?.kind === "control-plane" &&
            access.byIdentityId.get(s.id.toLowerCase())?.kind === "kubelet";
        if (role.broadScopeOnly === true && (kubeletGrant || !(isBroad(s) || onIdentity))) continue;
        privileged.add(g);
        // A team's right (docs/team-stacks.md): the boundary the platform shows, not a finding.
        const made = ctx.index.byUrn.get(g.source);
        if (
            made !== undefined &&
            g.source.includes(`${TEAM_BOUNDARY_TYPE}$`) &&
            isTeamRight(guid, s.id, made.inputs.condition, made.inputs.conditionVersion)
        ) {
            const limited =
                typeof made.inputs.condition === "string"
                    ? " under an ABAC condition that limits it to assigning the team's roles to service principals and groups"
                    : "";
            out.push({
                code: "team-right",
                severity: "info",
                subject: g.principal,
                message: `${name(g.principal)} gets ${role.name} (${guid}) on ${s.label}${limited}: a right of the team's deployment identity (docs/team-stacks.md)`,
                facts: [`privileged-role|${g.source}`],
            });
            continue;
        }
        out.push({
            code: "privileged-role",
            severity:
                isBroad(s) || onIdentity || FORBIDDEN_ROLES[guid] !== undefined ? "high" : "medium",
            subject: g.principal,
            message: `${name(g.principal)} gets ${role.name} (${guid}) on ${s.label}: it ${role.why}; grant a narrower role on the resources it uses`,
            facts: [`privileged-role|${g.source}`],
        });
    }

    // Identities that act without a person, with roles over whole subscriptions or resource groups.
    for (const g of grants) {
        const p = principals.get(g.principal);
        const s = scopes.get(g.scope);
        if (!p || !s || !isBroad(s) || !isAutomation(p) || privileged.has(g)) continue;
        const subscriptionWide = !/\/resourceGroups\//i.test(s.id);
        out.push({
            code: subscriptionWide ? "subscription-wide-role" : "resource-group-wide-role",
            severity: subscriptionWide ? "high" : "medium",
            subject: g.principal,
            message: `${name(g.principal)} gets ${g.role} on ${s.label}: every resource in it, present and future; scope it to the resources the ${p.kind} uses`,
        });
    }

    // Pull-request workflows run code from any branch. The config lets such a pipeline write in a
    // namespace (PR previews) and nothing wider; Azure roles that write stay HIGH.
    for (const t of access.trusts.filter((x) => x.subject.endsWith(":pull_request"))) {
        const repo = t.subject.replace(/^repo:|:pull_request$/g, "");
        const writes = grants.filter((g) => g.principal === t.identity && g.level >= 2);
        const preview = (g: Grant) => scopes.get(g.scope)?.kind === "namespace" && g.level === 2;
        const wider = writes.filter((g) => !preview(g));
        const roles = (gs: Grant[]) => gs.map((g) => `${g.role} on ${where(g)}`).join(", ");
        out.push(
            wider.length > 0
                ? {
                      code: "pull-request-trust",
                      severity: "high",
                      subject: t.identity,
                      message: `pull_request workflows of ${repo} sign in as ${name(t.identity)}, which has write access: ${roles(writes)}; use a separate read-only pipeline for pull requests`,
                  }
                : writes.length > 0
                  ? {
                        code: "pull-request-trust",
                        severity: "medium",
                        subject: t.identity,
                        message: `pull_request workflows of ${repo} sign in as ${name(t.identity)}, which can write in ${writes.map((g) => `${where(g)} (${g.role})`).join(", ")}: code from any branch with a pull request can deploy there. Allowed for PR previews (a pull_request pipeline gets at most namespace writer); keep production workloads and their secrets out of that namespace`,
                    }
                  : {
                        code: "pull-request-trust",
                        severity: "low",
                        subject: t.identity,
                        message: `pull_request workflows of ${repo} sign in as ${name(t.identity)} (read-only access)`,
                    },
        );
    }

    // Kubernetes access without a way to fetch a kubeconfig: listClusterUserCredential comes with
    // Cluster User Role, RBAC Admin or RBAC Cluster Admin on the cluster
    // (https://learn.microsoft.com/azure/aks/manage-azure-rbac).
    const kubeconfigRoles = [
        AKS_ROLES.clusterUser,
        AKS_ROLES.rbacAdmin,
        AKS_ROLES.rbacClusterAdmin,
    ].map((g) => `azure:${g}`);
    const inCluster = grants.filter((g) => scopes.get(g.scope)?.kind !== "azure");
    for (const key of [...new Set(inCluster.map((g) => g.principal))]) {
        const p = principals.get(key);
        if (!p || !["group", "user", "pipeline"].includes(p.kind) || p.clusterAdminGroup) continue;
        const mine = grants.filter((g) => g.principal === key);
        if (mine.some((g) => g.scope === "cluster" && kubeconfigRoles.includes(g.roleKey)))
            continue;
        out.push({
            code: "no-kubeconfig-access",
            severity: "low",
            subject: key,
            message: `${name(key)} has Kubernetes access (${inCluster
                .filter((g) => g.principal === key)
                .map((g) => `${g.role} in ${where(g)}`)
                .join(
                    ", ",
                )}) but no Cluster User Role, so az aks get-credentials fails for it; give it namespace access in config too, or hand it the kubeconfig (it holds no secret)`,
        });
    }
    return out;
}
