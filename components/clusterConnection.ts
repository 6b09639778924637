// How this stack itself talks to the cluster's Kubernetes API, with local accounts off.
//
// The deployer's data-plane access is granted on the stack's own resource group, right after the
// group exists, so it propagates while AKS creates the cluster: the AKS authorizer honours Azure
// RBAC roles inherited from a parent scope (docs/azure-facts.md, failure mode 7, "inherited"), and
// the group holds this stack's cluster only. The bounded propagation wait runs beside cluster
// creation (about seven minutes, longer than the wait), so the Kubernetes layer starts as soon as
// the cluster exists. Only stacks with Kubernetes objects build a ClusterConnection.
import type * as authorization from "@pulumi/azure-native/authorization";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { assignRole, type PrincipalType } from "./roleAssignment";
import { AKS_ROLES } from "./roles";

export interface ClusterConnectionArgs {
    /** Resource id of the stack's own resource group: the scope of the deployer's grant. */
    readonly resourceGroupId: pulumi.Input<string>;
    /** Resource id of the cluster. */
    readonly clusterId: pulumi.Input<string>;
    /** User kubeconfig with a non-interactive kubelogin login (secret). */
    readonly kubeconfig: pulumi.Input<string>;
    /** The principal running `pulumi up`. */
    readonly deployer: { objectId: pulumi.Input<string>; principalType: PrincipalType };
    /**
     * Grant the deployer AKS RBAC Cluster Admin so it can create namespaces and RBAC objects.
     * Defaults to true; turn off when the deployer is already in an admin group.
     */
    readonly grantDeployerClusterAdmin?: boolean;
    /**
     * Seconds to wait after creating the deployer's grant before the first Kubernetes call: the AKS
     * authorizer can take up to five minutes to honour a new assignment (docs/azure-facts.md, failure
     * mode 7). Waits only when the grant is created or replaced. Defaults to 300; 0 turns it off.
     */
    readonly rbacWaitSeconds?: number;
    readonly subscriptionId: pulumi.Input<string>;
    /** The cluster: every Kubernetes object is deleted with it. */
    readonly cluster: pulumi.Resource;
}

/**
 * Options of every Kubernetes object of the stack: this cluster's provider, and `deletedWith` the
 * cluster, so a destroy (or a cluster that is already gone) never needs the API server for objects
 * that disappear with the cluster anyway (https://www.pulumi.com/docs/iac/concepts/options/deletedwith/).
 */
export interface KubernetesObjectOptions {
    readonly provider: k8s.Provider;
    /** Undefined in a team stack, whose cluster is the platform stack's (docs/team-stacks.md). */
    readonly deletedWith?: pulumi.Resource;
}

export class ClusterConnection extends pulumi.ComponentResource {
    /** Kubernetes provider for this cluster; every Kubernetes object of the stack uses it. */
    public readonly provider: k8s.Provider;
    /** What every Kubernetes object of the stack is created with. */
    public readonly objectOptions: KubernetesObjectOptions;
    /** The deployer's AKS RBAC Cluster Admin grant on the resource group, when made. */
    public readonly deployerGrant?: authorization.RoleAssignment;
    /** The bounded wait for that grant to propagate, when made. */
    public readonly propagationWait?: time.Sleep;

    constructor(name: string, args: ClusterConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:connection:ClusterConnection", name, {}, opts);

        const waitFor: pulumi.Resource[] = [];
        if (args.grantDeployerClusterAdmin ?? true) {
            this.deployerGrant = assignRole(
                `${name}-deployer-cluster-admin`,
                {
                    scope: args.resourceGroupId,
                    roleGuid: AKS_ROLES.rbacClusterAdmin,
                    principalId: args.deployer.objectId,
                    principalType: args.deployer.principalType,
                    description:
                        "the principal running pulumi up manages namespaces and RBAC; on the stack's resource group so it propagates while the cluster is created",
                    defaultSubscriptionId: args.subscriptionId,
                },
                { parent: this },
            );
            waitFor.push(this.deployerGrant);
            const seconds = args.rbacWaitSeconds ?? 300;
            if (seconds > 0) {
                this.propagationWait = new time.Sleep(
                    `${name}-rbac-propagation`,
                    {
                        createDuration: `${seconds}s`,
                        // A new grant (new stack, new deployer) waits again; an unchanged one never.
                        triggers: { grant: this.deployerGrant.id },
                    },
                    { parent: this },
                );
                waitFor.push(this.propagationWait);
            }
        }

        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                kubeconfig: args.kubeconfig,
                enableServerSideApply: true,
                // Replace the provider (and so its objects) only when the cluster itself changes,
                // not when AKS re-issues the kubeconfig (CA rotation).
                clusterIdentifier: args.clusterId,
            },
            { parent: this, dependsOn: waitFor },
        );
        this.objectOptions = { provider: this.provider, deletedWith: args.cluster };

        this.registerOutputs({});
    }
}
