// The cluster's own identities: control plane and kubelet, both user-assigned and distinct.
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { assignRole } from "./roleAssignment";
import { AKS_ROLES } from "./roles";

export interface ClusterIdentitiesArgs {
    /** Resource group the identities live in. */
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    /** Azure name of the control-plane identity. */
    readonly controlPlaneName: string;
    /** Azure name of the kubelet identity. */
    readonly kubeletName: string;
    /** Subscription of the identities, for the role definition id. */
    readonly subscriptionId: pulumi.Input<string>;
    /** Tags for both identities. Defaults to none. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A bring-your-own control-plane identity and kubelet identity, and the Managed Identity Operator
 * grant of the first over the second. AKS requires that grant to exist before the cluster is
 * created with the kubelet identity (docs/azure-facts.md, failure mode 4): the cluster depends on
 * `operatorAssignment`.
 */
export class ClusterIdentities extends pulumi.ComponentResource {
    public readonly controlPlane: managedidentity.UserAssignedIdentity;
    public readonly kubelet: managedidentity.UserAssignedIdentity;
    /** Control plane -> Managed Identity Operator on the kubelet identity. */
    public readonly operatorAssignment: authorization.RoleAssignment;

    constructor(name: string, args: ClusterIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:identities:ClusterIdentities", name, {}, opts);

        const common = {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            tags: args.tags,
        };
        this.controlPlane = new managedidentity.UserAssignedIdentity(
            `${name}-control-plane`,
            { ...common, resourceName: args.controlPlaneName },
            { parent: this },
        );
        this.kubelet = new managedidentity.UserAssignedIdentity(
            `${name}-kubelet`,
            { ...common, resourceName: args.kubeletName },
            { parent: this },
        );
        this.operatorAssignment = assignRole(
            `${name}-kubelet-operator`,
            {
                scope: this.kubelet.id,
                roleGuid: AKS_ROLES.managedIdentityOperator,
                principalId: this.controlPlane.principalId,
                principalType: "ServicePrincipal",
                description: "AKS control plane assigns the kubelet identity to nodes",
                defaultSubscriptionId: args.subscriptionId,
            },
            { parent: this },
        );

        this.registerOutputs({
            controlPlaneId: this.controlPlane.id,
            kubeletId: this.kubelet.id,
        });
    }
}
