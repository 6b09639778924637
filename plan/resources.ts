// The resource side of the plan: every registration with its physical name and the properties a
// security reviewer reads (rendered per type in properties.ts), the creation waves, and the
// orderings a first `pulumi up` relies on. Pure module.
import type { Registration } from "../offline/harness";
import type { Access } from "./access";
import { immutableFacts } from "./immutable";
import { MONITORING_NAME_INPUT } from "./monitoring";
import { compareText, type PlanResource, sortBy } from "./model";
import { properties } from "./properties";
import { k8sName, RegistrationIndex, text, TYPES } from "./registrations";

export { CA_STATE_WORDS } from "./conditionalAccessProperties";

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
