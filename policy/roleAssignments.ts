// Policies on Azure role assignments: who the stack grants what, and where.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    AKS_CLUSTER_ADMIN_ROLE,
    AKS_RBAC_CLUSTER_ADMIN,
    AKS_RBAC_ROLES,
    AKS_SCOPE,
    assignedRole,
    BROAD_SCOPE,
    BROADLY_PRIVILEGED_ROLES,
    CLUSTER_IDENTITIES_PARENT,
    DEPLOYER_GRANT_PARENT,
    IDENTITY_ADMIN_ROLES,
    IDENTITY_SCOPE,
    knownRole,
    MANAGED_IDENTITY_OPERATOR,
    parentTypeFromUrn,
    PRINCIPAL_TYPES,
    PRIVILEGED_ROLES,
    TYPE,
} from "./azure";
import { isTeamRight, TEAM_BOUNDARY_TYPE } from "../components/teamBoundary";
import { isBootstrapDeploymentGrant } from "./bootstrap";
import { onType } from "./cluster";
import { isUnknown, read, show, str } from "./read";

export const principalTypeSet: ResourceValidationPolicy = {
    name: "role-assignment-principal-type",
    description:
        "Every role assignment sets principalType, so Azure does not look a just-created principal up in Graph (PrincipalNotFound).",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.roleAssignment, (props, _args, report) => {
        const type = read(props, "principalType");
        if (isUnknown(type)) return;
        if (type === undefined || type === null || type === "") {
            report(
                'principalType is not set; set it ("ServicePrincipal" for managed identities, "Group" or "User") or a grant to a just-created principal fails with PrincipalNotFound',
            );
        } else if (typeof type !== "string" || !PRINCIPAL_TYPES.includes(type)) {
            report(`principalType ${show(type)} is not one of ${PRINCIPAL_TYPES.join(", ")}`);
        }
    }),
};

export const noPrivilegedRoles: ResourceValidationPolicy = {
    name: "role-assignment-no-privileged-roles",
    description:
        "The stack never grants Owner, Contributor, User Access Administrator, Role Based Access Control Administrator, AKS Contributor or Key Vault Data Access Administrator, nor Managed Identity Contributor/Operator over a subscription, a resource group or an identity (the control plane's Operator on the kubelet identity excepted), nor a privileged role or one aks-entra does not know (components/access/privilege.ts) over a subscription or resource group. The bootstrap's deployment identities (bootstrap/) are held by bootstrap-deployment-grants instead.",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.roleAssignment, (props, args, report) => {
        const guid = assignedRole(props);
        // The bootstrap's deployment identities: bootstrap-deployment-grants holds them instead.
        if (isBootstrapDeploymentGrant(args.urn, guid)) return;
        const role = guid && PRIVILEGED_ROLES[guid];
        // A team's rights, made by the platform stack exactly as docs/team-stacks.md describes.
        const teamRight =
            parentTypeFromUrn(args.urn) === TEAM_BOUNDARY_TYPE &&
            isTeamRight(
                guid ?? "",
                str(read(props, "scope")) ?? "",
                read(props, "condition"),
                read(props, "conditionVersion"),
            );
        if (teamRight) return;
        if (role) {
            report(
                `roleDefinitionId grants ${role} (${guid}), which controls access, whole resource trees or the cluster's admin groups; grant a narrower data-plane role`,
            );
            return;
        }
        const identityAdmin = guid && IDENTITY_ADMIN_ROLES[guid];
        const scope = read(props, "scope");
        if (!guid || isUnknown(scope)) return;
        const at = str(scope) ?? "";
        // Privileged, or unknown to the privilege table (issue 29, item 7): the plan reports it
        // HIGH over a subscription or a resource group, and so does the pack.
        const broadlyPrivileged =
            BROADLY_PRIVILEGED_ROLES[guid] ??
            (knownRole(guid) ? undefined : `role ${guid}, which aks-entra does not know`);
        if (broadlyPrivileged !== undefined && BROAD_SCOPE.test(at)) {
            report(
                `roleDefinitionId grants ${broadlyPrivileged} (${guid}) on ${show(scope)}: a privileged role over a whole subscription or resource group reaches every resource in it, present and future; grant it on the one resource that needs it`,
            );
            return;
        }
        if (!identityAdmin) return;
        if (BROAD_SCOPE.test(at)) {
            report(
                `roleDefinitionId grants ${identityAdmin} (${guid}) on ${show(scope)}: every user-assigned identity in that subscription or resource group can be assigned or rewritten, and so acted as; grant the data-plane roles the holder needs instead`,
            );
            return;
        }
        // On one identity: the holder adds a federated credential to it (Contributor) or attaches
        // it to compute it controls (Operator), and signs in as it. The stack's own such grant is
        // the control plane's Operator on the kubelet identity, made by ClusterIdentities.
        const kubeletGrant =
            guid === MANAGED_IDENTITY_OPERATOR &&
            parentTypeFromUrn(args.urn) === CLUSTER_IDENTITIES_PARENT;
        if (IDENTITY_SCOPE.test(at) && !kubeletGrant) {
            report(
                `roleDefinitionId grants ${identityAdmin} (${guid}) on the identity ${show(scope)}: the holder can add a federated credential to it or attach it, and sign in as it with all its grants; only aks-entra's control-plane grant on the kubelet identity holds this role`,
            );
        }
    }),
};

export const noAksLocalAdmin: ResourceValidationPolicy = {
    name: "role-assignment-no-aks-local-admin",
    description:
        "The stack never grants Azure Kubernetes Service Cluster Admin Role (local admin credentials).",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.roleAssignment, (props, _args, report) => {
        if (assignedRole(props) === AKS_CLUSTER_ADMIN_ROLE) {
            report(
                `roleDefinitionId grants Azure Kubernetes Service Cluster Admin Role (${AKS_CLUSTER_ADMIN_ROLE}), which hands out the local admin kubeconfig; use Azure Kubernetes Service RBAC Cluster Admin (an Entra login) instead`,
            );
        }
    }),
};

/** A resource group id: the one scope above a cluster where the deployer's own grant may sit. */
const RESOURCE_GROUP_SCOPE = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]+$/i;

export const aksRbacScope: ResourceValidationPolicy = {
    name: "aks-rbac-role-scope",
    description:
        "AKS RBAC roles (Reader, Writer, Admin, Cluster Admin) are granted only on a cluster or on one of its namespaces; the one exception is the deployer's Cluster Admin made by aks-entra on the stack's own resource group (stack-deployer-grant-scope checks which group).",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.roleAssignment, (props, args, report) => {
        const guid = assignedRole(props);
        const role = guid && AKS_RBAC_ROLES[guid];
        if (!role) return;
        const scope = read(props, "scope");
        if (isUnknown(scope)) return;
        const deployerGrant =
            guid === AKS_RBAC_CLUSTER_ADMIN &&
            parentTypeFromUrn(args.urn) === DEPLOYER_GRANT_PARENT &&
            RESOURCE_GROUP_SCOPE.test(str(scope) ?? "");
        if (!deployerGrant && !AKS_SCOPE.test(str(scope) ?? "")) {
            report(
                `${role} is granted at scope ${show(scope)}; AKS RBAC roles belong on a cluster (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>) or one of its namespaces (<cluster id>/namespaces/<namespace>)`,
            );
        }
    }),
};

export const roleAssignmentPolicies: ResourceValidationPolicy[] = [
    principalTypeSet,
    noPrivilegedRoles,
    noAksLocalAdmin,
    aksRbacScope,
];
