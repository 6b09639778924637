// What AKS answers for a ManagedCluster it accepts: the properties it computes (FQDNs, the OIDC
// issuer URL, the identities' client and principal ids) and the exec-format user kubeconfig of
// listManagedClusterUserCredentials. Every GUID is derived from the cluster's resource id.
import { stringify } from "yaml";
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from "../components/kubeconfig";
import { fakeGuid, type FakeResource, type StackOutputs, str } from "./fakeWorld";
import { TYPES } from "./types";

type Props = Record<string, unknown>;

/** A ManagedCluster as AKS describes one it created. */
export function clusterAnswer(
    inputs: Props,
    sub: string,
    rgId: (rg: unknown) => string,
    tenantId: string,
): { id: string; state: Props } {
    const n = str(inputs.resourceName, "resourceName");
    const id = `${rgId(inputs.resourceGroupName)}/providers/Microsoft.ContainerService/managedClusters/${n}`;
    const location = str(inputs.location, "location");
    const dnsPrefix = str(inputs.dnsPrefix, "dnsPrefix");
    const suffix = fakeGuid(`${id}#fqdn`).slice(0, 8);
    const identity = inputs.identity as
        { type?: string; userAssignedIdentities?: string[] } | undefined;
    const userAssigned = Object.fromEntries(
        (identity?.userAssignedIdentities ?? []).map((uai) => [
            uai,
            { clientId: fakeGuid(`${uai}#client`), principalId: fakeGuid(`${uai}#principal`) },
        ]),
    );
    const api = (inputs.apiServerAccessProfile ?? {}) as { enablePrivateCluster?: boolean };
    const fqdn = `${dnsPrefix}-${suffix}.hcp.${location}.azmk8s.io`;
    return {
        id,
        state: {
            ...inputs,
            name: n,
            type: "Microsoft.ContainerService/ManagedClusters",
            provisioningState: "Succeeded",
            powerState: { code: "Running" },
            kubernetesVersion: inputs.kubernetesVersion ?? "1.35.4",
            currentKubernetesVersion: inputs.kubernetesVersion ?? "1.35.4",
            fqdn: api.enablePrivateCluster ? undefined : fqdn,
            privateFQDN: api.enablePrivateCluster
                ? `${dnsPrefix}-${suffix}.${fakeGuid(id).slice(0, 8)}.privatelink.${location}.azmk8s.io`
                : undefined,
            azurePortalFQDN: `${dnsPrefix}-${suffix}.portal.hcp.${location}.azmk8s.io`,
            identity: {
                type: identity?.type,
                userAssignedIdentities: userAssigned,
                tenantId: tenantId,
            },
            oidcIssuerProfile: {
                enabled: true,
                // Real shape: https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/ (trailing slash).
                issuerURL: `https://${location}.oic.prod-aks.azure.com/${tenantId}/${fakeGuid(`${id}#oidc`)}/`,
            },
            maxAgentPools: 100,
            resourceUID: fakeGuid(`${id}#uid`).replace(/-/g, "").slice(0, 24),
            subscription: sub,
        },
    };
}

/** The exec-format user kubeconfig AKS returns: kubelogin with an interactive device-code login. */
export function userCredentials(
    inputs: Props,
    resources: readonly FakeResource[],
    stacks: Readonly<Record<string, StackOutputs>>,
    tenantId: string,
): Props {
    const rg = str(inputs.resourceGroupName, "resourceGroupName");
    const n = str(inputs.resourceName, "resourceName");
    if (inputs.format !== "exec") {
        throw new Error(
            "fake azure: listManagedClusterUserCredentials without format exec returns an azure auth-provider kubeconfig; ask for exec",
        );
    }
    const cluster = resources.find(
        (r) => r.type === TYPES.cluster && r.state.name === n && r.inputs.resourceGroupName === rg,
    );
    // A team stack's cluster is its platform's (docs/team-stacks.md): known from its outputs.
    const platform = Object.values(stacks).find(
        (s) => s.outputs.clusterName === n && s.outputs.resourceGroupName === rg,
    );
    if (!cluster && !platform) {
        throw new Error(`fake azure: ResourceNotFound: managed cluster ${rg}/${n}`);
    }
    const fqdn = cluster
        ? (cluster.state.fqdn ?? cluster.state.privateFQDN)
        : `${n}-${fakeGuid(`${rg}/${n}#fqdn`).slice(0, 8)}.hcp.azmk8s.io`;
    const server = `https://${String(fqdn)}:443`;
    const user = `clusterUser_${rg}_${n}`;
    const kubeconfig = {
        apiVersion: "v1",
        clusters: [
            {
                cluster: {
                    "certificate-authority-data": Buffer.from(`fake CA of ${n}`).toString("base64"),
                    server,
                },
                name: n,
            },
        ],
        contexts: [{ context: { cluster: n, user }, name: n }],
        "current-context": n,
        kind: "Config",
        preferences: {},
        users: [
            {
                name: user,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        args: [
                            "get-token",
                            "--environment",
                            "AzurePublicCloud",
                            "--server-id",
                            AKS_SERVER_APP_ID,
                            "--client-id",
                            AKS_CLIENT_APP_ID,
                            "--tenant-id",
                            tenantId,
                            "--login",
                            "devicecode",
                        ],
                        command: "kubelogin",
                        env: null,
                        installHint:
                            "\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n",
                        interactiveMode: "IfAvailable",
                        provideClusterInfo: false,
                    },
                },
            },
        ],
    };
    return {
        kubeconfigs: [
            {
                name: "clusterUser",
                value: Buffer.from(stringify(kubeconfig)).toString("base64"),
            },
        ],
    };
}
