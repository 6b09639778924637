// One Kubernetes workload's Entra identity: identity, trust, service account, Azure grants.
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as k8s from "@pulumi/kubernetes";
import type { KubernetesObjectOptions } from "./clusterConnection";
import * as pulumi from "@pulumi/pulumi";
import type { AzureRoleGrant } from "./config";
import { trustedIdentity } from "./federatedCredentials";
import { federatedCredentialName } from "./naming";

export interface WorkloadIdentityArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Azure name of the identity. */
    readonly identityName: string;
    /** Namespace of the service account; pass the namespace resource's name so it exists first. */
    readonly namespace: pulumi.Input<string>;
    /** Namespace as written in config (for the subject, which must be known exactly). */
    readonly namespaceName: string;
    readonly serviceAccount: string;
    /** The cluster's OIDC issuer URL, verbatim. */
    readonly issuerUrl: pulumi.Input<string>;
    readonly tenantId: pulumi.Input<string>;
    /** Azure roles of the identity. Defaults to none. */
    readonly azureRoleAssignments?: readonly AzureRoleGrant[];
    readonly subscriptionId: pulumi.Input<string>;
    /** Provider of this stack's cluster; the service account is deleted with the cluster. */
    readonly kubernetes: KubernetesObjectOptions;
    readonly labels?: Record<string, string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** `system:serviceaccount:<namespace>:<serviceaccount>` (docs/azure-facts.md, Formats). */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/**
 * A user-assigned identity trusted for exactly one Kubernetes service account of this cluster, the
 * service account annotated for the workload identity webhook, and the identity's Azure grants.
 * Pods opt in with the label `azure.workload.identity/use: "true"`.
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly federatedCredentials: managedidentity.FederatedIdentityCredential[];
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly clientId: pulumi.Output<string>;
    public readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:workloads:WorkloadIdentity", name, {}, opts);

        const subject = serviceAccountSubject(args.namespaceName, args.serviceAccount);
        const trusted = trustedIdentity(
            name,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                identityName: args.identityName,
                credentials: [
                    {
                        name: federatedCredentialName(
                            `k8s-${args.namespaceName}-${args.serviceAccount}`,
                            subject,
                        ),
                        issuer: args.issuerUrl,
                        subject,
                    },
                ],
                azureRoleAssignments: args.azureRoleAssignments ?? [],
                describedAs: `workload ${args.namespaceName}/${args.serviceAccount}`,
                subscriptionId: args.subscriptionId,
                tags: args.tags,
            },
            { parent: this },
        );
        this.identity = trusted.identity;
        this.federatedCredentials = trusted.federatedCredentials;
        this.clientId = this.identity.clientId;
        this.principalId = this.identity.principalId;

        this.serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}`,
            {
                metadata: {
                    name: args.serviceAccount,
                    namespace: args.namespace,
                    labels: args.labels ?? {},
                    annotations: {
                        "azure.workload.identity/client-id": this.identity.clientId,
                        "azure.workload.identity/tenant-id": args.tenantId,
                    },
                },
            },
            { parent: this, ...args.kubernetes },
        );

        this.registerOutputs({ clientId: this.clientId, principalId: this.principalId });
    }
}
