// A team stack (aks-entra:platform; docs/team-stacks.md): the team's objects on its platform's
// cluster, and nothing else. No resource group, cluster or namespace of its own: it reads them from
// the platform stack's outputs (teamBoundary.ts, PlatformView) and declares, in the team's
// namespaces, Roles and RoleBindings, workload identities with their federated credentials and
// grants, pipeline identities, JIT groups and their namespace access; identities go in the team's
// resource group. Everything it declares is within the rights the platform gave its deployment
// identity (teamBoundary.ts, teamRights).
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type AccessGrant, ClusterAccess, type Principal } from "./clusterAccess";
import { automationLoginMode, type GroupRef, type StackConfig } from "./config";
import type { Deployer } from "./deployer";
import { JitGroup, PIM_ACTIVATION_URL } from "./jit";
import { userKubeconfig } from "./kubeconfig";
import { TeamNamespace } from "./namespace";
import type { StackNames } from "./naming";
import type { PipelineIdentity } from "./pipelineIdentity";
import { declareJit, declarePipeline } from "./principalGrants";
import { LABELS, stackTags } from "./stackTags";
import { usesPop } from "./pop";
import { identityOutput } from "./stack";
import { PLATFORM_OUTPUTS, type PlatformView } from "./teamBoundary";
import { WorkloadIdentity } from "./workloadIdentity";
import { DeclarationTurns } from "./yieldToEventLoop";

export interface TeamStackArgs {
    readonly config: StackConfig;
    readonly names: StackNames;
    readonly deployer: Deployer;
    /** The platform's outputs, read and checked before anything is declared. */
    readonly platform: PlatformView;
}

export class TeamStack extends pulumi.ComponentResource {
    /** The platform cluster's Kubernetes provider, signed in as the team's deployment identity. */
    public readonly provider: k8s.Provider;
    public readonly namespaces: Record<string, TeamNamespace> = {};
    /** Keyed by `namespace/serviceAccount`. */
    public readonly workloads: Record<string, WorkloadIdentity> = {};
    public readonly pipelines: Record<string, PipelineIdentity> = {};
    public readonly jit: Record<string, JitGroup> = {};
    public access!: ClusterAccess;

    static async create(
        name: string,
        args: TeamStackArgs,
        opts?: pulumi.ComponentResourceOptions,
    ): Promise<TeamStack> {
        const stack = new TeamStack(name, args, opts);
        await stack.declare(name, args, new DeclarationTurns());
        return stack;
    }

    private constructor(name: string, args: TeamStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:teams:TeamStack", name, {}, opts);
        const { config, platform } = args;
        // The user kubeconfig of the platform's cluster (Cluster User Role, from the platform).
        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            {
                resourceGroupName: platform.resourceGroupName,
                resourceName: platform.clusterName,
                format: "exec",
            },
            { parent: this },
        );
        const mode = automationLoginMode(config);
        const kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((kcs) =>
                userKubeconfig(kcs ?? [], mode, {
                    clientId: config.deployer.managedIdentityClientId,
                    popClusterId: usesPop(config, mode) ? platform.clusterId : undefined,
                }),
            ),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig, enableServerSideApply: true, clusterIdentifier: platform.clusterId },
            { parent: this },
        );
    }

    private async declare(name: string, args: TeamStackArgs, turns: DeclarationTurns) {
        const { config, names, deployer, platform } = args;
        const parent = { parent: this };
        const kubernetes = { provider: this.provider };
        const inGroup = {
            resourceGroupName: platform.team.resourceGroupName,
            location: config.location,
            tags: {
                ...stackTags(config, names),
                "aks-entra-team": config.platform!.team,
                ...config.tags,
            },
        };
        const labels = {
            ...LABELS,
            "aks-entra.io/team": config.platform!.team,
        };
        const group = (ref: GroupRef): Principal => ({
            key: ref.objectId,
            label: ref.label,
            objectId: ref.objectId,
            type: "Group",
        });
        const grants: AccessGrant[] = [];
        for (const ns of config.namespaces) {
            const team = new TeamNamespace(
                `${name}-ns-${ns.name}`,
                {
                    namespace: ns.name,
                    existing: true,
                    podSecurity: ns.podSecurity,
                    roles: ns.roles,
                    labels,
                    kubernetes,
                },
                parent,
            );
            this.namespaces[ns.name] = team;
            grants.push(
                ...ns.access.map((g) => ({
                    principal: group(g.group),
                    role: g.role,
                    namespace: ns.name,
                })),
            );
            for (const w of ns.workloads) {
                this.workloads[`${w.namespace}/${w.serviceAccount}`] = new WorkloadIdentity(
                    `${name}-wl/${w.namespace}/${w.serviceAccount}`,
                    {
                        ...inGroup,
                        identityName: names.workloadIdentity(w.namespace, w.serviceAccount),
                        namespace: team.name,
                        namespaceName: w.namespace,
                        serviceAccount: w.serviceAccount,
                        issuerUrl: platform.oidcIssuerUrl,
                        tenantId: platform.tenantId,
                        azureRoleAssignments: w.azureRoleAssignments,
                        subscriptionId: platform.subscriptionId,
                        kubernetes,
                        labels,
                    },
                    parent,
                );
            }
            await turns.yield();
        }
        for (const pl of config.pipelines) {
            const { identity, grants: access } = declarePipeline(
                name,
                pl,
                { placement: inGroup, names, subscriptionId: platform.subscriptionId },
                parent,
            );
            this.pipelines[pl.name] = identity;
            grants.push(...access);
        }
        for (const entry of config.jit) {
            const { jit, grant } = declareJit(
                name,
                entry,
                { names, deployerObjectId: deployer.objectId, protect: config.protect },
                parent,
            );
            this.jit[entry.name] = jit;
            grants.push(grant);
        }
        // Groups bound only by a RoleBinding still need a kubeconfig (Cluster User Role), which
        // the deployment identity may grant on the cluster and nothing else.
        this.access = await ClusterAccess.create(
            `${name}-access`,
            {
                clusterId: platform.clusterId,
                grants,
                kubeconfigOnly: config.namespaces.flatMap((ns) =>
                    ns.roles.flatMap((role) => role.groups.map(group)),
                ),
                subscriptionId: platform.subscriptionId,
                kubeconfigGranted: platform.team.groups,
            },
            parent,
            turns,
        );
        this.registerOutputs({});
    }
}

/**
 * The platform stack's outputs that a team stack reads (teamBoundary.ts, PLATFORM_OUTPUTS), through
 * a StackReference: a read, not a resource, so a refusal that follows still leaves nothing behind.
 */
export async function readPlatformOutputs(stack: string): Promise<Record<string, unknown>> {
    const ref = new pulumi.StackReference(stack);
    const out: Record<string, unknown> = {};
    for (const key of PLATFORM_OUTPUTS) {
        const details = await ref.getOutputDetails(key);
        out[key] = details.value ?? details.secretValue;
    }
    return out;
}

/** What a team stack exports. */
export function teamStackOutputs(stack: TeamStack, platform: PlatformView) {
    return {
        platform: platform.stack,
        clusterId: platform.clusterId,
        oidcIssuerUrl: platform.oidcIssuerUrl,
        resourceGroupName: platform.team.resourceGroupName,
        namespaces: Object.keys(stack.namespaces),
        /** Workload identities by `namespace/serviceAccount`. */
        workloadIdentities: Object.fromEntries(
            Object.entries(stack.workloads).map(([key, w]) => [key, identityOutput(w.identity)]),
        ),
        /** Pipeline identities by name: what `azure/login` needs. */
        pipelineIdentities: Object.fromEntries(
            Object.entries(stack.pipelines).map(([key, p]) => [key, identityOutput(p.identity)]),
        ),
        jitGroups: Object.fromEntries(
            Object.entries(stack.jit).map(([key, j]) => [
                key,
                { objectId: j.group.objectId, activate: PIM_ACTIVATION_URL },
            ]),
        ),
    };
}
