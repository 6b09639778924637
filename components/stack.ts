// The whole stack as one component: what `index.ts` builds from the validated config. The core
// (resource group, identities, admin group, cluster) is made here; what comes after the cluster
// (namespaces, workloads, teams, pipelines, JIT, Conditional Access, grants) is in stackAccess.ts.
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AdminGroup } from "./adminGroup";
import { AuditLogs, auditWorkspace } from "./auditLogs";
import type * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type * as azuread from "@pulumi/azuread";
import { AksCluster } from "./cluster";
import type { ClusterAccess } from "./clusterAccess";
import { ClusterConnection } from "./clusterConnection";
import { automationLoginMode, type StackConfig } from "./config";
import { usesPop } from "./pop";
import { accessDeclarations } from "./accessDeclarations";
import type { AzureLogin, Deployer } from "./deployer";
import { identityOutputs } from "./identityOutput";
import { ClusterIdentities } from "./identities";
import { ClusterMonitoring } from "./monitoring";
import type { JitGroup } from "./jit";
import { DeclarationTurns } from "./yieldToEventLoop";
import type { TeamNamespace } from "./namespace";
import { poolSubnetIds } from "./nodePools";
import type { StackNames } from "./naming";
import type { PipelineIdentity } from "./pipelineIdentity";
import { declareAccess } from "./stackAccess";
import { stackTags } from "./stackTags";
import type { TeamBoundary } from "./teams";
import type { WorkloadIdentity } from "./workloadIdentity";

export { type IdentityOutput, identityOutput } from "./identityOutput";

export interface AksEntraArgs {
    /** Validated configuration (config.ts). */
    readonly config: StackConfig;
    /** Physical names for this project and stack (naming.ts). */
    readonly names: StackNames;
    /** Who runs `pulumi up`, resolved from config and login (deployer.ts). */
    readonly deployer: Deployer;
    /** The Azure login (getClientConfig): tenant and subscription. */
    readonly login: AzureLogin;
}

/**
 * Resource group, admin group, identities, cluster, Azure and Kubernetes RBAC, namespaces,
 * workload identities and pipeline identities of one stack, wired together.
 */
export class AksEntra extends pulumi.ComponentResource {
    public readonly tenantId: pulumi.Output<string>;
    public readonly subscriptionId: pulumi.Output<string>;
    public readonly resourceGroup: resources.ResourceGroup;
    public readonly identities: ClusterIdentities;
    public readonly admins: AdminGroup;
    public readonly cluster: AksCluster;
    /** The audit trail; undefined with auditLogs.enabled false. */
    public readonly auditLogs?: AuditLogs;
    /** The audit workspace the stack created (auditLogs on, no workspaceId of yours). */
    public readonly logWorkspace?: operationalinsights.Workspace;
    /** Container Insights' rule, managed Prometheus and alerts; undefined when all are off. */
    public readonly monitoring?: ClusterMonitoring;
    /** How the stack reaches the Kubernetes API; only when it has Kubernetes objects. */
    public readonly connection?: ClusterConnection;
    /** Set by `create` once the namespaces and grants are declared. */
    public access!: ClusterAccess;
    public readonly namespaces: Record<string, TeamNamespace> = {};
    /** Keyed by `namespace/serviceAccount`. */
    public readonly workloads: Record<string, WorkloadIdentity> = {};
    /** Keyed by pipeline name. */
    public readonly pipelines: Record<string, PipelineIdentity> = {};
    /** Teams of a platform stack (docs/team-stacks.md), keyed by team name. */
    public readonly teams: Record<string, TeamBoundary> = {};
    /** Just-in-time groups, keyed by JIT entry name. */
    public readonly jit: Record<string, JitGroup> = {};
    /** The Conditional Access policy on the AKS server app, when configured. */
    public conditionalAccess?: azuread.ConditionalAccessPolicy;

    /**
     * The whole stack: the core in the constructor, then namespaces, pipelines, JIT groups and
     * grants, yielding to the event loop after each namespace so the registrations made so far
     * settle before more are made (docs/performance.md: Scale). `pulumi up`, the plan and the tests all build
     * it this way. What the stack's outputs (index.ts) read is watched from the moment it is made:
     * a failure while the declaration yields fails `create` with its own message at the next
     * yield, and no Output is left failed and unobserved until the outputs are read.
     */
    static async create(
        name: string,
        args: AksEntraArgs,
        opts?: pulumi.ComponentResourceOptions,
    ): Promise<AksEntra> {
        const stack = new AksEntra(name, args, opts);
        const turns = new DeclarationTurns();
        turns.watch(
            stack.resourceGroup.name,
            stack.cluster.id,
            stack.cluster.name,
            stack.cluster.oidcIssuerUrl,
            stack.cluster.kubeconfig,
            ...identityOutputs(stack.identities.controlPlane),
            ...identityOutputs(stack.identities.kubelet),
            stack.admins.objectIds,
        );
        // The cluster's prerequisites register before any namespace, workload or pipeline: the
        // engine starts ready steps in the order they were registered, so at a bounded --parallel
        // nothing that does not lead to the cluster queues ahead of it (issue 26).
        await turns.yield();
        await declareAccess(stack, name, args, turns);
        stack.registerOutputs({});
        return stack;
    }

    private constructor(name: string, args: AksEntraArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:index:AksEntra", name, {}, opts);
        // Stack policies read a component's outputs (the engine's AnalyzeStack gets each
        // resource's final outputs): the pack sees the stack file's access declarations here.
        // Registered now: the SDK registers {} for a component once its constructor returns, and
        // ignores later calls (ComponentResource.initializeAndRegisterOutputs).
        this.registerOutputs(accessDeclarations(args.config));
        const { config, names } = args;
        const parent = { parent: this };

        const { deployer, login } = args;
        this.tenantId = pulumi.output(login.tenantId);
        this.subscriptionId = pulumi.output(login.subscriptionId);
        // Fixed in config, the deployer's grants do not move when another person runs pulumi up.
        const deployerObjectId = deployer.objectId;
        const tags = stackTags(config, names);

        this.resourceGroup = new resources.ResourceGroup(
            `${name}-rg`,
            { resourceGroupName: names.resourceGroup, location: config.location, tags },
            parent,
        );
        const inGroup = {
            resourceGroupName: this.resourceGroup.name,
            location: config.location,
            tags,
        };

        this.identities = new ClusterIdentities(
            `${name}-identities`,
            {
                ...inGroup,
                controlPlaneName: names.controlPlaneIdentity,
                kubeletName: names.kubeletIdentity,
                subscriptionId: this.subscriptionId,
                operatorGrantWaitSeconds: config.cluster.kubeletGrantWaitSeconds,
                network: config.cluster.network && {
                    subnetId: config.cluster.network.subnetId,
                    routeTableId: config.cluster.network.routeTableId,
                    apiServerSubnetId: config.cluster.network.apiServerSubnetId,
                    poolSubnetIds: poolSubnetIds(config),
                    privateDnsZoneId: ["system", "none", undefined].includes(
                        config.cluster.privateDnsZone,
                    )
                        ? undefined
                        : config.cluster.privateDnsZone,
                },
                kmsKeyId: config.cluster.kms?.keyResourceId,
                kmsPrivateKeyVaultId:
                    config.cluster.kms?.network === "private"
                        ? config.cluster.kms.keyVaultId
                        : undefined,
                containerRegistries: config.cluster.containerRegistries,
                diskEncryptionSetId: config.cluster.diskEncryptionSetId,
            },
            parent,
        );

        const audit = config.auditLogs;
        // One workspace for the audit trail and Container Insights: yours, or the stack's.
        const insights = config.cluster.monitoring.containerInsights;
        if ((audit.enabled || insights) && audit.workspaceId === undefined) {
            this.logWorkspace = auditWorkspace(
                `${name}-audit-workspace`,
                {
                    ...inGroup,
                    workspaceName: names.logWorkspace,
                    retentionDays: audit.retentionDays,
                },
                parent,
            );
        }
        const logWorkspaceId = this.logWorkspace?.id ?? pulumi.output(audit.workspaceId!);
        const auditWorkspaceId = audit.enabled ? logWorkspaceId : undefined;
        const insightsWorkspaceId = insights ? logWorkspaceId : undefined;

        this.admins = new AdminGroup(
            `${name}-admins`,
            {
                create: config.admins.createGroup,
                displayName: names.adminGroupDisplayName,
                mailNickname: names.adminGroupMailNickname,
                members: config.admins.members,
                owners: config.admins.owners,
                deployerObjectId,
                existingGroupObjectIds: config.admins.existingGroups.map((g) => g.objectId),
                protect: config.protect,
            },
            parent,
        );

        this.cluster = new AksCluster(
            `${name}-cluster`,
            {
                ...inGroup,
                clusterName: names.cluster,
                dnsPrefix: names.dnsPrefix,
                nodeResourceGroup: names.nodeResourceGroup,
                nodeResourceGroupLockdown: config.names.nodeResourceGroupLockdown,
                subnetGrants: this.identities.subnetGrants,
                kubernetesVersion: config.kubernetesVersion,
                settings: config.cluster,
                tenantId: this.tenantId,
                adminGroupObjectIds: this.admins.objectIds,
                controlPlaneIdentityId: this.identities.controlPlane.id,
                kubeletIdentity: {
                    resourceId: this.identities.kubelet.id,
                    clientId: this.identities.kubelet.clientId,
                    objectId: this.identities.kubelet.principalId,
                },
                clusterPrerequisites: this.identities.clusterPrerequisites,
                // Defender reports to the audit workspace unless given its own.
                defenderWorkspaceId: config.cluster.defender?.workspaceId ?? auditWorkspaceId,
                containerInsightsWorkspaceId: insightsWorkspaceId,
                kubeloginMode: automationLoginMode(config),
                kubeloginClientId: config.deployer.managedIdentityClientId,
                kubeloginPop: usesPop(config, automationLoginMode(config)),
                protect: config.protect,
            },
            parent,
        );
        if (auditWorkspaceId !== undefined) {
            this.auditLogs = new AuditLogs(
                `${name}-audit`,
                {
                    categories: audit.categories,
                    clusterId: this.cluster.id,
                    workspaceId: auditWorkspaceId,
                    metrics: audit.metrics,
                    storageAccountId: audit.storageAccountId,
                    eventHub: audit.eventHub,
                },
                parent,
            );
        }
        if (insightsWorkspaceId !== undefined || config.cluster.monitoring.prometheus) {
            this.monitoring = new ClusterMonitoring(
                `${name}-monitoring`,
                {
                    ...inGroup,
                    clusterName: names.cluster,
                    cluster: this.cluster.cluster,
                    settings: config.cluster.monitoring,
                    logWorkspaceId: insightsWorkspaceId,
                },
                parent,
            );
        }

        // Namespaces hold every Kubernetes object of the stack. Without them there is no provider,
        // no deployer grant and no wait: nothing needs the Kubernetes API.
        if (config.namespaces.length + config.teams.length > 0) {
            this.connection = new ClusterConnection(
                `${name}-connection`,
                {
                    resourceGroupId: this.resourceGroup.id,
                    clusterId: this.cluster.id,
                    kubeconfig: this.cluster.kubeconfig,
                    deployer: { objectId: deployerObjectId, principalType: deployer.principalType },
                    grantDeployerClusterAdmin: config.deployer.clusterAdmin,
                    rbacWaitSeconds: config.deployer.rbacWaitSeconds,
                    subscriptionId: this.subscriptionId,
                    cluster: this.cluster.cluster,
                },
                parent,
            );
        }
    }
}
