// The resource side of the plan: every registration with its physical name and the properties a
// security reviewer reads, the creation waves, and the orderings a first `pulumi up` relies on.
// Pure module.
import type { Registration } from "../offline/harness";
import { AKS_SERVER_APP_ID } from "../components/kubeconfig";
import { type Access, accessLookups, policyActivation } from "./access";
import { rulesSummary } from "../components/access";
import { activationText, describePrincipal } from "./labels";
import { immutableFacts } from "./immutable";
import {
    addonProperties,
    diagnosticDestinations,
    MONITORING_NAME_INPUT,
    monitoringProperties,
} from "./monitoring";
import { compareText, type PlanResource, sortBy } from "./model";
import { agentPool, inlinePools, poolText, systemPool } from "./pools";
import { extrasRow, parityClusterProperties, podSecurityProperties } from "./parity";
import { at, k8sName, RegistrationIndex, strings, text, TYPES } from "./registrations";
import { kubeconfigTokens, loginMode } from "./signIn";

export interface ResourceContext {
    index: RegistrationIndex;
    access: Access;
}

/** `azure-native:managedidentity:UserAssignedIdentity` -> `azure-native:UserAssignedIdentity`. */
export function shortType(type: string): string {
    if (type.startsWith("pulumi:providers:")) return `provider:${type.slice(17)}`;
    const parts = type.split(":");
    return parts.length >= 3 ? `${parts[0]}:${parts[parts.length - 1]}` : type;
}

/** Display names of the groups this stack creates, by lowercased object id. */
function groupNames(index: RegistrationIndex): Map<string, string> {
    const out = new Map<string, string>();
    for (const g of index.ofType(TYPES.group)) {
        out.set((text(g.state.objectId) || g.id).toLowerCase(), text(g.inputs.displayName));
    }
    return out;
}
const GROUP_NAMES = new WeakMap<RegistrationIndex, Map<string, string>>();

/**
 * Name in Azure, Entra or Kubernetes. PIM objects have none of their own: a policy reads as its
 * group's `<display name> member policy`, an eligibility as `<principal> -> <group display name>`.
 */
export function physicalName(r: Registration, ctx?: ResourceContext): string {
    if (!r.custom) return "";
    const groupName = (id: unknown): string => {
        const oid = text(id).toLowerCase();
        if (!ctx) return oid;
        let names = GROUP_NAMES.get(ctx.index);
        if (!names) {
            names = groupNames(ctx.index);
            GROUP_NAMES.set(ctx.index, names);
        }
        return names.get(oid) || ctx.access.nameOf(oid);
    };
    switch (r.type) {
        case TYPES.pimPolicy:
            return `${groupName(r.inputs.groupId)} ${text(r.inputs.roleId) || "member"} policy`;
        case TYPES.pimEligibility: {
            const who = text(r.inputs.principalId);
            return `${ctx ? ctx.access.nameOf(who) : who} -> ${groupName(r.inputs.groupId)}`;
        }
        default: {
            if (r.type.startsWith("kubernetes:")) return k8sName(r);
            const input = NAME_INPUT[r.type];
            return input === undefined ? "" : text(r.inputs[input]);
        }
    }
}

/** The input that holds a resource's own name, by type. */
const NAME_INPUT: Readonly<Record<string, string>> = {
    [TYPES.resourceGroup]: "resourceGroupName",
    [TYPES.identity]: "resourceName",
    [TYPES.cluster]: "resourceName",
    [TYPES.agentPool]: "agentPoolName",
    [TYPES.fic]: "federatedIdentityCredentialResourceName",
    [TYPES.roleAssignment]: "roleAssignmentName",
    [TYPES.group]: "displayName",
    [TYPES.conditionalAccess]: "displayName",
    [TYPES.workspace]: "workspaceName",
    [TYPES.diagnosticSetting]: "name",
    [TYPES.maintenance]: "configName",
    ...MONITORING_NAME_INPUT,
    [TYPES.policyAssignment]: "policyAssignmentName",
};

function onOff(value: unknown, on = "enabled", off = "disabled"): string {
    return value === true ? on : off;
}

function clusterProperties(r: Registration, ctx: ResourceContext): Record<string, string> {
    const i = r.inputs;
    const who = (oid: string) => {
        const p = ctx.access.byObjectId.get(oid.toLowerCase());
        return p ? p.label : oid;
    };
    const identity = (id: string) => {
        const p = ctx.access.byIdentityId.get(id.toLowerCase());
        return p ? `${describePrincipal(p)} (${id.split("/").pop() ?? id})` : id;
    };
    const legacy = ["clientAppID", "serverAppID", "serverAppSecret"].filter(
        (k) => at(i, "aadProfile", k) !== undefined,
    );
    const api = (i.apiServerAccessProfile ?? {}) as Record<string, unknown>;
    const ranges = strings(api.authorizedIPRanges);
    const adminGroups = strings(at(i, "aadProfile", "adminGroupObjectIDs")).map(who);
    return {
        entra:
            at(i, "aadProfile", "managed") === true
                ? `AKS-managed Entra ID, tenant ${text(at(i, "aadProfile", "tenantID"))}` +
                  (legacy.length ? `; LEGACY fields set: ${legacy.join(", ")}` : "")
                : "NOT integrated with Entra ID",
        azureRbac: onOff(
            at(i, "aadProfile", "enableAzureRBAC"),
            "enabled (Azure RBAC authorizes Kubernetes)",
        ),
        localAccounts:
            i.disableLocalAccounts === true ? "disabled" : "ENABLED (static admin credentials)",
        kubernetesRbac: onOff(i.enableRBAC),
        adminGroups: adminGroups.length ? `${adminGroups.join(", ")} -> cluster-admin` : "none",
        identity: `${text(at(i, "identity", "type"))}: ${strings(
            at(i, "identity", "userAssignedIdentities"),
        )
            .map(identity)
            .join(", ")}`,
        kubeletIdentity: identity(text(at(i, "identityProfile", "kubeletidentity", "resourceId"))),
        oidcIssuer:
            at(i, "oidcIssuerProfile", "enabled") === true
                ? `enabled, ${text(at(r.state, "oidcIssuerProfile", "issuerURL"))}`
                : "disabled",
        workloadIdentity: onOff(at(i, "securityProfile", "workloadIdentity", "enabled")),
        apiServer:
            (api.enablePrivateCluster === true
                ? `private (${text(r.state.privateFQDN)}), DNS zone ${text(api.privateDNSZone) || "system"}`
                : ranges.length > 0
                  ? `public ${text(r.state.fqdn)}, authorized IP ranges ${ranges.join(", ")}`
                  : `public ${text(r.state.fqdn)}, open to any IP`) +
            (api.enableVnetIntegration === true
                ? `, VNet integration in subnet ${text(api.subnetId).split("/").slice(-3).join("/")}`
                : ""),
        runCommand: onOff(api.disableRunCommand !== true),
        azurePolicyAddon: onOff(
            Object.entries((i.addonProfiles ?? {}) as Record<string, unknown>).some(
                ([k, v]) => k.toLowerCase() === "azurepolicy" && at(v, "enabled") === true,
            ),
        ),
        imageCleaner:
            at(i, "securityProfile", "imageCleaner", "enabled") === true
                ? `enabled, every ${String(at(i, "securityProfile", "imageCleaner", "intervalHours"))} h`
                : "disabled",
        defender:
            at(i, "securityProfile", "defender", "securityMonitoring", "enabled") === true
                ? `enabled, workspace ${text(
                      at(i, "securityProfile", "defender", "logAnalyticsWorkspaceResourceId"),
                  )
                      .split("/")
                      .pop()}`
                : "disabled",
        kms:
            at(i, "securityProfile", "azureKeyVaultKms", "enabled") === true
                ? `etcd encrypted with ${text(at(i, "securityProfile", "azureKeyVaultKms", "keyId"))}` +
                  (at(i, "securityProfile", "azureKeyVaultKms", "keyVaultNetworkAccess") ===
                  "Private"
                      ? `, private vault ${text(
                            at(i, "securityProfile", "azureKeyVaultKms", "keyVaultResourceId"),
                        )
                            .split("/")
                            .pop()}`
                      : "")
                : "disabled (platform-managed keys)",
        ...addonProperties(i, ctx.access),
        ...parityClusterProperties(i),
        ...(at(i, "nodeResourceGroupProfile", "restrictionLevel") === "ReadOnly" && {
            nodeResourceGroup: `${text(i.nodeResourceGroup)}, read-only (lockdown)`,
        }),
        kubernetesVersion: text(i.kubernetesVersion) || "AKS default",
        tier: text(at(i, "sku", "tier")),
        ...Object.fromEntries(inlinePools(r).map((p) => [`pool ${p.name}`, poolText(p)])),
        upgrades: `${text(at(i, "autoUpgradeProfile", "upgradeChannel"))}, node OS ${text(at(i, "autoUpgradeProfile", "nodeOSUpgradeChannel"))}`,
        network: [
            `${[text(at(i, "networkProfile", "networkPlugin")), text(at(i, "networkProfile", "networkPluginMode")) || "(pods on VNet IPs)"].join(" ")}, policy ${text(at(i, "networkProfile", "networkPolicy"))}`,
            subnetOf(r),
            // Without overlay pods take subnet addresses; azure-native still sends its default
            // podCidr, which AKS then ignores (docs/network-plugins.md).
            at(i, "networkProfile", "networkPluginMode") === "overlay"
                ? `pods ${text(at(i, "networkProfile", "podCidr")) || "default"}`
                : "pods on subnet addresses",
            `services ${text(at(i, "networkProfile", "serviceCidr")) || "default"}`,
            `outbound ${text(at(i, "networkProfile", "outboundType")) || "loadBalancer"}`,
        ].join(", "),
    };
}

function properties(r: Registration, ctx: ResourceContext): Record<string, string> {
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

/** Creation waves: 1 + the highest wave of what a resource waits for (inputs, dependsOn, provider). */
function waves(index: RegistrationIndex): Map<string, number> {
    const wave = new Map<string, number>();
    const visiting = new Set<string>();
    const visit = (r: Registration): number => {
        if (!r.custom) return 0;
        const known = wave.get(r.urn);
        if (known !== undefined) return known;
        if (visiting.has(r.urn)) return 0;
        visiting.add(r.urn);
        const deps = [...r.dependencies];
        if (r.provider) deps.push(RegistrationIndex.providerUrn(r.provider));
        let max = 0;
        for (const d of deps) {
            const dep = index.byUrn.get(d);
            if (dep) max = Math.max(max, visit(dep));
        }
        visiting.delete(r.urn);
        wave.set(r.urn, max + 1);
        return max + 1;
    };
    index.registrations.forEach(visit);
    return wave;
}

export function planResources(ctx: ResourceContext): PlanResource[] {
    const w = waves(ctx.index);
    return sortBy(
        ctx.index.registrations.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            custom: r.custom,
            physicalName: physicalName(r, ctx),
            provider: r.provider ? RegistrationIndex.providerUrn(r.provider) : "",
            dependsOn: [...r.dependencies].sort(compareText),
            wave: w.get(r.urn) ?? 0,
            properties: properties(r, ctx),
            immutable: immutableFacts(r),
            protect: r.protect,
        })),
        (r) => r.urn,
    );
}

/** Conditional Access states as Entra ID names them, in words. */
export const CA_STATE_WORDS: Readonly<Record<string, string>> = {
    enabled: "enabled (enforced)",
    enabledForReportingButNotEnforced:
        "report-only: NOT enforced (the sign-in logs show what it would have required)",
    disabled: "disabled: NOT applied",
};

const CONTROL_WORDS: Readonly<Record<string, string>> = {
    mfa: "MFA",
    compliantDevice: "compliant device",
    domainJoinedDevice: "hybrid Entra joined device",
    block: "BLOCK",
};

function conditionalAccessProperties(
    r: Registration,
    ctx: ResourceContext,
): Record<string, string> {
    const i = r.inputs;
    const users = (at(i, "conditions", "users") ?? {}) as Record<string, unknown>;
    const who = (ids: unknown) => strings(ids).map((id) => ctx.access.describeObject(id));
    const excluded = [...who(users.excludedGroups), ...who(users.excludedUsers)];
    const operator = text(at(i, "grantControls", "operator")) || "AND";
    const controls = strings(at(i, "grantControls", "builtInControls")).map(
        (c) => CONTROL_WORDS[c] ?? c,
    );
    const state = text(i.state);
    return {
        state: CA_STATE_WORDS[state] ?? state,
        applications: strings(at(i, "conditions", "applications", "includedApplications"))
            .map((a) =>
                a.toLowerCase() === AKS_SERVER_APP_ID
                    ? `AKS server app (${a}): sign-ins to the cluster`
                    : a === "All"
                      ? "All: EVERY application of the tenant"
                      : a,
            )
            .join(", "),
        clientApps: strings(at(i, "conditions", "clientAppTypes")).join(", "),
        users: [...who(users.includedGroups), ...who(users.includedUsers)].join(", ") || "nobody",
        excluded: excluded.join(", ") || "NOT any group or user (no break-glass)",
        require: controls.join(` ${operator} `) || "nothing",
    };
}

/** Where the cluster's nodes are: your subnet (vnet/subnets/name) or the VNet AKS manages. */
function subnetOf(cluster: Registration): string {
    const subnet = systemPool(cluster)?.subnet;
    return subnet ? `your subnet ${subnet.split("/").slice(-3).join("/")}` : "AKS-managed VNet";
}
