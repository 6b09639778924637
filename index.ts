// aks-entra: the table of contents. Read and validate config, build the stack, export outputs.
import * as pulumi from "@pulumi/pulumi";
import {
    AksEntra,
    ConfigError,
    configFromPulumi,
    identityOutput as identity,
    personLoginMode,
    StackNames,
    type StackConfig,
} from "./components";

function loadConfig(): StackConfig {
    try {
        return configFromPulumi(pulumi.runtime.allConfig());
    } catch (e) {
        // RunError: Pulumi prints the message alone, no stack trace, and nothing has been created.
        throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
    }
}

const config = loadConfig();
const names = new StackNames(pulumi.getProject(), pulumi.getStack());
const stack = new AksEntra("aks-entra", { config, names });

export const tenantId = stack.tenantId;
export const subscriptionId = stack.subscriptionId;
export const resourceGroupName = stack.resourceGroup.name;
export const clusterName = stack.cluster.name;
export const clusterId = stack.cluster.id;
export const oidcIssuerUrl = stack.cluster.oidcIssuerUrl;
export const controlPlaneIdentity = identity(stack.identities.controlPlane);
export const kubeletIdentity = identity(stack.identities.kubelet);
export const adminGroupObjectIds = stack.admins.objectIds;
/** Workload identities by `namespace/serviceAccount`. */
export const workloadIdentities = Object.fromEntries(
    Object.entries(stack.workloads).map(([key, w]) => [key, identity(w.identity)]),
);
/** Pipeline identities by name: what `azure/login` needs (client-id, tenant-id, subscription-id). */
export const pipelineIdentities = Object.fromEntries(
    Object.entries(stack.pipelines).map(([key, p]) => [key, identity(p.identity)]),
);
/** What a person runs to reach the cluster. */
export const getCredentialsCommand = pulumi.interpolate`az aks get-credentials --resource-group ${stack.resourceGroup.name} --name ${stack.cluster.name} --overwrite-existing && kubelogin convert-kubeconfig -l ${personLoginMode(config)}`;
/** User kubeconfig, kubelogin exec with a non-interactive login (automationLoginMode). Secret. */
export const kubeconfig = pulumi.secret(stack.cluster.kubeconfig);
