// Who the stack's principals are, read off the registrations: the deployer, the groups it creates
// (the admin group, just-in-time groups, others by display name) and its managed identities, named
// by what they are for (control plane, kubelet, workload, pipeline). Pure module.
import type { PrincipalKind } from "../../plan/model";
import { GITHUB_ISSUER } from "../../plan/labels";
import { at, k8sName, strings, text, TYPES } from "../../plan/registrations";
import { StackNames } from "../naming";
import type { AccessBuilder } from "./context";
import type { Principal } from "../../plan/model";

/** Type of the component that registered a resource, from its parent's URN (`...$a:b:C::name`). */
export function parentType(parentUrn: string): string {
    const type = parentUrn.split("::")[2] ?? "";
    return type.split("$").pop() ?? "";
}

/** The component that creates the stack's admin group (components/adminGroup.ts). */
const ADMIN_GROUP_COMPONENT = "aks-entra:admins:AdminGroup";

export interface StackPrincipals {
    /** Principal keys of the just-in-time groups. */
    jitKeys: Set<string>;
    /** Managed identity principals by `<resource group>/<name>`. */
    identityByName: Map<string, Principal>;
}

/** Adds the deployer, the groups and the managed identities the stack creates. */
export function stackPrincipals(b: AccessBuilder): StackPrincipals {
    const { index, config, deployer } = b.ctx;
    b.add({
        key: "deployer",
        kind: "deployer",
        label: "deployer",
        objectId: deployer.objectId.toLowerCase(),
        principalType: deployer.principalType,
    });
    const names = new StackNames(b.ctx.project, b.ctx.stack);
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
            const p = b.add({
                ...common,
                key: `group:jit-${name}`,
                label: `jit ${name}`,
                membersByPim: strings(g.inputs.members).length === 0 ? true : undefined,
            });
            jitKeys.add(p.key);
        } else if (adminGroupIds.has(objectId) || parentType(g.parent) === ADMIN_GROUP_COMPONENT) {
            b.add({ ...common, key: "group:admins", label: "admins (created)" });
        } else {
            b.add({ ...common, key: `group:${objectId}`, label: displayName || objectId });
        }
    }

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
        const p = b.add({
            key,
            kind,
            label,
            objectId: text(uai.state.principalId).toLowerCase(),
            principalType: "ServicePrincipal",
            clientId,
            createdBy: uai.urn,
        });
        b.byIdentityId.set(id, p);
        identityByName.set(`${text(uai.inputs.resourceGroupName)}/${resourceName}`, p);
    }
    return { jitKeys, identityByName };
}
