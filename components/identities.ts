// The cluster's own identities: control plane and kubelet, both user-assigned and distinct.
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
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
    /**
     * Seconds between a new Managed Identity Operator grant and the cluster: AKS checks the grant
     * when the cluster is created and answers CustomKubeletIdentityMissingPermissionError while it
     * propagates (docs/azure-facts.md, failure mode 11). Waits only when the grant is created or
     * replaced (the wait's trigger is the grant's id).
     */
    readonly operatorGrantWaitSeconds: number;
}

/**
 * A bring-your-own control-plane identity and kubelet identity, and the Managed Identity Operator
 * grant of the first over the second. AKS requires that grant to exist, and to have propagated,
 * before the cluster is created with the kubelet identity (docs/azure-facts.md, failure modes 4
 * and 11): the cluster depends on `clusterPrerequisites`.
 */
export class ClusterIdentities extends pulumi.ComponentResource {
    public readonly controlPlane: managedidentity.UserAssignedIdentity;
    public readonly kubelet: managedidentity.UserAssignedIdentity;
    /** Control plane -> Managed Identity Operator on the kubelet identity. */
    public readonly operatorAssignment: authorization.RoleAssignment;
    /** The bounded wait after a new operator grant. */
    public readonly operatorPropagation: time.Sleep;
    /** What the cluster must wait for: the grant and its propagation wait. */
    public readonly clusterPrerequisites: pulumi.Resource[];

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
        this.operatorPropagation = new time.Sleep(
            `${name}-kubelet-operator-propagation`,
            {
                createDuration: `${args.operatorGrantWaitSeconds}s`,
                // A new grant (new identities, a rename) waits again; an unchanged one never.
                triggers: { grant: this.operatorAssignment.id },
            },
            { parent: this },
        );
        this.clusterPrerequisites = [this.operatorAssignment, this.operatorPropagation];

        this.registerOutputs({
            controlPlaneId: this.controlPlane.id,
            kubeletId: this.kubelet.id,
        });
    }
}
