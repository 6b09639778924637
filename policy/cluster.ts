// Policies on the AKS cluster itself: every door is Microsoft Entra ID.
// The first group mirrors what Azure's built-in AKS policy definitions, Checkov and tfsec check;
// the rest (admin groups, legacy fields, identities) is what none of them checks.
import type {
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
} from "@pulumi/policy";
import { GUID, TYPE } from "./azure";
import { isUnknown, items, keys, read, show, str } from "./read";

type Props = Record<string, unknown>;

/** A validateResource that only looks at resources whose type matches. */
export function onType(
    type: RegExp,
    check: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    return (args, report) => {
        if (type.test(args.type)) {
            check(args.props as Props, args, report);
        }
    };
}

const onCluster = (check: (props: Props, report: ReportViolation) => void) =>
    onType(TYPE.cluster, (props, _args, report) => check(props, report));

export const entraIntegration: ResourceValidationPolicy = {
    name: "aks-entra-managed-integration",
    description: "The cluster uses AKS-managed Microsoft Entra integration (aadProfile.managed).",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const aad = read(props, "aadProfile");
        if (isUnknown(aad)) return;
        if (aad === undefined || aad === null) {
            report(
                "aadProfile is not set: the cluster has no Microsoft Entra integration; set aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [...] }",
            );
            return;
        }
        const managed = read(aad, "managed");
        if (!isUnknown(managed) && managed !== true) {
            report(
                `aadProfile.managed is ${show(managed)}; AKS-managed Entra integration requires managed: true`,
            );
        }
    }),
};

export const noLegacyAad: ResourceValidationPolicy = {
    name: "aks-no-legacy-aad",
    description:
        "No legacy (client/server app) Entra fields: clientAppID, serverAppID and serverAppSecret are never set.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        for (const field of ["clientAppID", "serverAppID", "serverAppSecret"]) {
            const value = read(props, "aadProfile", field);
            if (value !== undefined && value !== null && value !== "") {
                report(
                    `aadProfile.${field} is set; legacy (client/server app) Entra integration is deprecated and replaced by AKS-managed Entra: remove it`,
                );
            }
        }
    }),
};

export const azureRbacWithAdminGroups: ResourceValidationPolicy = {
    name: "aks-azure-rbac-admin-groups",
    description:
        "Azure RBAC for Kubernetes authorization is on and at least one Entra admin group is bound to cluster-admin.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const rbac = read(props, "aadProfile", "enableAzureRBAC");
        if (!isUnknown(rbac) && rbac !== true) {
            report(
                `aadProfile.enableAzureRBAC is ${show(rbac)}; turn on Azure RBAC for Kubernetes authorization so access is granted by Entra role assignments`,
            );
        }
        const groups = read(props, "aadProfile", "adminGroupObjectIDs");
        if (isUnknown(groups)) return;
        const list = items(groups);
        if (list.length === 0) {
            report(
                "aadProfile.adminGroupObjectIDs is empty; list at least one Entra group for AKS to bind to cluster-admin (the way back in with local accounts off)",
            );
        }
        list.forEach((g, i) => {
            if (!isUnknown(g) && !(typeof g === "string" && GUID.test(g))) {
                report(
                    `aadProfile.adminGroupObjectIDs[${i}] ${show(g)} is not an object id (GUID)`,
                );
            }
        });
    }),
};

export const localAccountsDisabled: ResourceValidationPolicy = {
    name: "aks-local-accounts-disabled",
    description:
        "Local accounts are disabled: no static admin kubeconfig, every login is an Entra login.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const value = read(props, "disableLocalAccounts");
        if (!isUnknown(value) && value !== true) {
            report(
                `disableLocalAccounts is ${show(value)}; set it to true so every login is an Entra login (no static admin kubeconfig)`,
            );
        }
    }),
};

export const managedIdentity: ResourceValidationPolicy = {
    name: "aks-managed-identity",
    description:
        "The cluster runs as a user-assigned managed identity, never a service principal with a secret.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const type = read(props, "identity", "type");
        if (!isUnknown(type) && type !== "UserAssigned") {
            report(
                `identity.type is ${show(type)}; run the control plane as a user-assigned managed identity (identity: { type: "UserAssigned", userAssignedIdentities: [<identity id>] })`,
            );
        }
        const sp = read(props, "servicePrincipalProfile");
        if (isUnknown(sp) || sp === undefined || sp === null) return;
        // With a managed identity, Azure itself reports servicePrincipalProfile { clientId: "msi" }.
        const clientId = read(sp, "clientId");
        const secret = read(sp, "secret");
        if (clientId !== "msi" || (secret !== undefined && secret !== null)) {
            report(
                `servicePrincipalProfile is set (clientId ${show(isUnknown(clientId) ? "(unknown)" : clientId)}); a service principal needs a secret that expires and leaks: remove it and use a managed identity`,
            );
        }
    }),
};

export const distinctIdentities: ResourceValidationPolicy = {
    name: "aks-distinct-user-assigned-identities",
    description:
        "Control-plane and kubelet identities are both user-assigned (bring your own) and are not the same identity.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        // Input: an array of resource ids. Output (stack state): a map keyed by resource id.
        const uai = read(props, "identity", "userAssignedIdentities");
        if (isUnknown(uai)) return;
        const controlPlane = Array.isArray(uai) ? items(uai) : keys(uai);
        if (controlPlane.length !== 1) {
            report(
                `identity.userAssignedIdentities lists ${controlPlane.length} identities; give the control plane exactly one user-assigned identity`,
            );
        }
        const kubelet = read(props, "identityProfile", "kubeletidentity", "resourceId");
        if (isUnknown(kubelet)) return;
        if (str(kubelet) === undefined || kubelet === "") {
            report(
                "identityProfile.kubeletidentity.resourceId is not set; give the kubelet its own user-assigned identity instead of one AKS creates in the node resource group",
            );
            return;
        }
        const same = controlPlane.find(
            (id) => typeof id === "string" && id.toLowerCase() === str(kubelet)!.toLowerCase(),
        );
        if (same !== undefined) {
            report(
                `identityProfile.kubeletidentity.resourceId ${show(kubelet)} is also the control-plane identity; use a separate kubelet identity so nodes never hold the control plane's permissions`,
            );
        }
    }),
};

export const workloadIdentity: ResourceValidationPolicy = {
    name: "aks-workload-identity",
    description:
        "The OIDC issuer and workload identity are enabled: pods use federated Entra tokens.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const oidc = read(props, "oidcIssuerProfile", "enabled");
        if (!isUnknown(oidc) && oidc !== true) {
            report(
                `oidcIssuerProfile.enabled is ${show(oidc)}; the OIDC issuer must be on for workload identity federation`,
            );
        }
        const wi = read(props, "securityProfile", "workloadIdentity", "enabled");
        if (!isUnknown(wi) && wi !== true) {
            report(
                `securityProfile.workloadIdentity.enabled is ${show(wi)}; turn on workload identity so pods use federated Entra tokens instead of stored secrets`,
            );
        }
    }),
};

export const kubernetesRbac: ResourceValidationPolicy = {
    name: "aks-kubernetes-rbac",
    description: "Kubernetes RBAC is enabled.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const value = read(props, "enableRBAC");
        if (!isUnknown(value) && value !== true) {
            report(`enableRBAC is ${show(value)}; Kubernetes RBAC must be on`);
        }
    }),
};

export const apiServerRestricted: ResourceValidationPolicy = {
    name: "aks-api-server-restricted",
    description:
        "The API server is private, or its public endpoint is limited to authorized IP ranges.",
    enforcementLevel: "advisory",
    validateResource: onCluster((props, report) => {
        const api = read(props, "apiServerAccessProfile");
        if (isUnknown(api)) return;
        const isPrivate = read(api, "enablePrivateCluster");
        if (isPrivate === true || isUnknown(isPrivate)) return;
        const ranges = read(api, "authorizedIPRanges");
        if (isUnknown(ranges)) return;
        const list = items(ranges);
        if (list.length === 0) {
            report(
                "the API server is public with no authorizedIPRanges: every Internet address can reach it; set apiServerAccessProfile.authorizedIPRanges (aks-entra:cluster.authorizedIpRanges) or enablePrivateCluster: true",
            );
        }
        for (const r of list) {
            if (r === "0.0.0.0/0" || r === "::/0") {
                report(
                    `apiServerAccessProfile.authorizedIPRanges contains ${show(r)}, which allows every address; list your egress ranges instead`,
                );
            }
        }
    }),
};

export const runCommandDisabled: ResourceValidationPolicy = {
    name: "aks-run-command-disabled",
    description: "Run command (az aks command invoke) is disabled.",
    enforcementLevel: "advisory",
    validateResource: onCluster((props, report) => {
        const value = read(props, "apiServerAccessProfile", "disableRunCommand");
        if (!isUnknown(value) && value !== true) {
            report(
                `apiServerAccessProfile.disableRunCommand is ${show(value)}; run command reaches the API server through Azure Resource Manager, around authorizedIpRanges and private endpoints: set aks-entra:cluster.disableRunCommand: true unless your team relies on it`,
            );
        }
    }),
};

/** The value under `key` of a map whose keys Azure treats case-insensitively (addonProfiles). */
export function readFolded(obj: unknown, key: string): unknown {
    if (isUnknown(obj) || obj === null || typeof obj !== "object") return obj;
    const hit = keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
    return hit === undefined ? undefined : read(obj, hit);
}

/** A pool's SSH setting, where the pool lives (an inline profile or an AgentPool). */
function reportSsh(pool: unknown, where: string, report: ReportViolation): void {
    const ssh = read(pool, "securityProfile", "sshAccess");
    if (isUnknown(ssh) || ssh === "Disabled") return;
    report(
        `${where}securityProfile.sshAccess is ${show(ssh)}; SSH is the one way onto nodes that is not an Entra login (Azure Policy built-in 28257686 audits it): set it to "Disabled" (aks-entra:cluster.nodeSsh: false, the default); reach nodes with kubectl debug node/<name> instead`,
    );
}

export const sshDisabled: ResourceValidationPolicy = {
    name: "aks-ssh-disabled",
    description:
        "SSH to nodes is disabled on every pool (securityProfile.sshAccess: Disabled), inline and AgentPool alike.",
    enforcementLevel: "mandatory",
    validateResource: [
        onCluster((props, report) => {
            const pools = read(props, "agentPoolProfiles");
            if (isUnknown(pools)) return;
            items(pools).forEach((pool, i) => {
                const name = str(read(pool, "name")) ?? String(i);
                reportSsh(pool, `agentPoolProfiles[${i}] (${name}): `, report);
            });
        }),
        onType(TYPE.agentPool, (props, _args, report) => reportSsh(props, "", report)),
    ],
};

export const azurePolicyAddon: ResourceValidationPolicy = {
    name: "aks-azure-policy-addon",
    description:
        "The Azure Policy add-on is enabled, so Azure Policy's in-cluster built-ins can be assigned to the cluster.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const enabled = read(readFolded(read(props, "addonProfiles"), "azurepolicy"), "enabled");
        if (!isUnknown(enabled) && enabled !== true) {
            report(
                `addonProfiles.azurepolicy.enabled is ${show(enabled)}; without the Azure Policy add-on no in-cluster policy (pod security, allowed images) can be assigned to the cluster (Azure Policy built-in 0a15ec92 audits it): set aks-entra:cluster.azurePolicy: true, the default`,
            );
        }
    }),
};

export const imageCleaner: ResourceValidationPolicy = {
    name: "aks-image-cleaner",
    description: "Image Cleaner removes unused, vulnerable images from nodes.",
    enforcementLevel: "mandatory",
    validateResource: onCluster((props, report) => {
        const enabled = read(props, "securityProfile", "imageCleaner", "enabled");
        if (!isUnknown(enabled) && enabled !== true) {
            report(
                `securityProfile.imageCleaner.enabled is ${show(enabled)}; unused images, vulnerable ones included, stay on the nodes (Azure Policy built-in af3c26b2 audits it): set aks-entra:cluster.imageCleaner.enabled: true, the default`,
            );
        }
    }),
};

export const clusterPolicies: ResourceValidationPolicy[] = [
    entraIntegration,
    noLegacyAad,
    azureRbacWithAdminGroups,
    localAccountsDisabled,
    managedIdentity,
    distinctIdentities,
    workloadIdentity,
    kubernetesRbac,
    apiServerRestricted,
    runCommandDisabled,
    sshDisabled,
    azurePolicyAddon,
    imageCleaner,
];
