// aks-entra-consumer: another team's Pulumi program that builds on an aks-entra stack through a
// StackReference, without access to that stack's config. It lets a service account on the
// aks-entra cluster sign in as this team's own managed identity (a federated credential whose
// issuer is the cluster's OIDC issuer, verbatim), optionally lets the cluster's nodes pull from
// this team's registry (AcrPull for the kubelet identity), and exports what it used.
//
//   cd examples/consumer        # packages resolve from the repository's node_modules (npm ci)
//   pulumi stack init reporting-prod
//   pulumi config set stack prod                                   # the aks-entra stack
//   pulumi config set identityResourceGroup rg-reporting-prod
//   pulumi config set identityName id-reporting-api
//   pulumi config set serviceAccount reporting/reporting-api       # namespace/name on the cluster
//   pulumi config set registryId /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ContainerRegistry/registries/<name>   # optional
//   pulumi up
//
// Then annotate the service account on the cluster with the exported serviceAccountAnnotations
// and label its pods azure.workload.identity/use: "true".
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import {
    EXPECTED_OUTPUTS,
    type ExpectedOutputName,
    shapeProblems,
    type StackOutputs,
} from "./expectations";
import { federatedCredentialArgs, kubeletAcrPullArgs, type TrustTarget } from "./trust";

const config = new pulumi.Config();
/** The aks-entra stack: `<org>/aks-entra/<stack>`, the organization defaulting to this one's. */
const stackName = `${config.get("organization") || pulumi.getOrganization()}/aks-entra/${config.require("stack")}`;
const target: TrustTarget = {
    identityResourceGroup: config.require("identityResourceGroup"),
    identityName: config.require("identityName"),
    serviceAccount: config.require("serviceAccount"),
};
/** Optional: "" (the default in Pulumi.yaml) or unset means none. */
const registryId = config.get("registryId") || undefined;

const aksEntra = new pulumi.StackReference(stackName);

/** One output of the aks-entra stack, refused unless it has the shape EXPECTED_OUTPUTS says. */
function read<K extends ExpectedOutputName>(name: K): pulumi.Output<StackOutputs[K]> {
    return aksEntra.requireOutput(name).apply((value: unknown) => {
        const problems = shapeProblems(name, value, EXPECTED_OUTPUTS[name]);
        if (problems.length > 0) {
            throw new Error(
                `aks-entra stack ${stackName} does not export what this program needs: ${problems.join("; ")} (README of aks-entra: Outputs)`,
            );
        }
        return value as StackOutputs[K];
    });
}

const outputs: pulumi.Output<StackOutputs> = pulumi.output({
    oidcIssuerUrl: read("oidcIssuerUrl"),
    clusterId: read("clusterId"),
    clusterName: read("clusterName"),
    resourceGroupName: read("resourceGroupName"),
    tenantId: read("tenantId"),
    kubeletIdentity: read("kubeletIdentity"),
    workloadIdentities: read("workloadIdentities"),
});

const trustArgs = outputs.apply((o) => federatedCredentialArgs(o, target));
const trust = new managedidentity.FederatedIdentityCredential("trust", {
    resourceGroupName: trustArgs.resourceGroupName,
    resourceName: trustArgs.resourceName,
    federatedIdentityCredentialResourceName: trustArgs.federatedIdentityCredentialResourceName,
    issuer: trustArgs.issuer,
    subject: trustArgs.subject,
    audiences: trustArgs.audiences,
});

const identity = managedidentity.getUserAssignedIdentityOutput({
    resourceGroupName: target.identityResourceGroup,
    resourceName: target.identityName,
});

const acrPull =
    registryId === undefined
        ? undefined
        : (() => {
              const args = outputs.apply((o) => kubeletAcrPullArgs(o, registryId));
              return new authorization.RoleAssignment("kubelet-acr-pull", {
                  roleAssignmentName: args.roleAssignmentName,
                  scope: args.scope,
                  roleDefinitionId: args.roleDefinitionId,
                  principalId: args.principalId,
                  principalType: args.principalType,
                  description: pulumi.interpolate`AcrPull for the kubelet of AKS cluster ${outputs.clusterName} (aks-entra stack ${stackName})`,
              });
          })();

/** The aks-entra stack this program read. */
export const aksEntraStack = stackName;
export const cluster = {
    id: outputs.clusterId,
    name: outputs.clusterName,
    resourceGroupName: outputs.resourceGroupName,
    tenantId: outputs.tenantId,
    getCredentialsCommand: pulumi.interpolate`az aks get-credentials --resource-group ${outputs.resourceGroupName} --name ${outputs.clusterName}`,
};
/** The trust created: issuer (the cluster's, verbatim) and subject. */
export const federatedCredential = {
    id: trust.id,
    issuer: trust.issuer,
    subject: trust.subject,
};
/** What the service account on the cluster carries so its pods sign in as this team's identity. */
export const serviceAccountAnnotations = {
    "azure.workload.identity/client-id": identity.clientId,
    "azure.workload.identity/tenant-id": outputs.tenantId,
};
/** The kubelet identity given AcrPull on registryId, when set. */
export const kubeletAcrPull =
    acrPull === undefined
        ? undefined
        : { principalId: acrPull.principalId, scope: acrPull.scope, id: acrPull.id };
