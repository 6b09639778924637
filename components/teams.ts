// A platform stack's team (aks-entra:teams; docs/team-stacks.md): the team's namespaces, its
// resource group, and its deployment identity, trusted for the team's GitHub environments and
// holding exactly the rights its team stack needs (teamBoundary.ts, teamRights).
import type * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObjectOptions } from "./clusterConnection";
import type { StateBackendSettings, TeamSettings } from "./config";
import { POD_SECURITY_DEFAULTS } from "./config/rules/podSecurity";
import { TeamNamespace } from "./namespace";
import { PipelineIdentity } from "./pipelineIdentity";
import { assignRole } from "./roleAssignment";
import { teamStateRights } from "./stateAccess";
import { teamRights } from "./teamBoundary";

export interface TeamBoundaryArgs {
    readonly team: TeamSettings;
    /** Azure name of the team's resource group. */
    readonly resourceGroupName: string;
    /** Azure name of the team's deployment identity. */
    readonly identityName: string;
    /** The platform's own resource group: the deployment identity lives there, out of the team's reach. */
    readonly platformResourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly clusterId: pulumi.Input<string>;
    readonly subscriptionId: pulumi.Input<string>;
    readonly kubernetes: KubernetesObjectOptions;
    readonly labels: Record<string, string>;
    readonly tags: Record<string, string>;
    /** The estate's state backend (aks-entra:stateBackend): the identity's state rights on it. */
    readonly stateBackend?: StateBackendSettings;
    /** Protect the namespaces and the resource group from deletion. Defaults to false. */
    readonly protect?: boolean;
}

export class TeamBoundary extends pulumi.ComponentResource {
    public readonly resourceGroup: resources.ResourceGroup;
    public readonly deployment: PipelineIdentity;
    public readonly namespaces: TeamNamespace[];
    /** The deployment identity's rights, keyed by TeamRight.key. */
    public readonly rights: Record<string, authorization.RoleAssignment> = {};

    constructor(name: string, args: TeamBoundaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:teams:TeamBoundary", name, {}, opts);
        const parent = { parent: this };
        const { team } = args;
        const tags = { ...args.tags, "aks-entra-team": team.name };

        this.resourceGroup = new resources.ResourceGroup(
            `${name}-rg`,
            { resourceGroupName: args.resourceGroupName, location: args.location, tags },
            { ...parent, protect: args.protect ?? false },
        );
        this.namespaces = team.namespaces.map(
            (ns) =>
                new TeamNamespace(
                    `${name}-ns-${ns}`,
                    {
                        namespace: ns,
                        podSecurity: { ...POD_SECURITY_DEFAULTS },
                        labels: { ...args.labels, "aks-entra.io/team": team.name },
                        kubernetes: args.kubernetes,
                        protect: args.protect,
                    },
                    parent,
                ),
        );
        this.deployment = new PipelineIdentity(
            `${name}-deploy`,
            {
                resourceGroupName: args.platformResourceGroupName,
                location: args.location,
                identityName: args.identityName,
                pipeline: `team ${team.name}`,
                github: team.github,
                subscriptionId: args.subscriptionId,
                tags,
            },
            parent,
        );
        const rights = pulumi
            .all([this.resourceGroup.id, args.clusterId])
            .apply(([rg, cluster]) => teamRights(rg, cluster, team.namespaces));
        // The rights' shape is known before the ids: one assignment per right, scope from the ids.
        // The state rights' scopes are config (aks-entra:stateBackend): they wait for no resource.
        const scoped = [
            ...teamRights("<rg>", "<cluster>", team.namespaces).map((right, i) => ({
                right,
                scope: rights.apply((r) => r[i].scope),
            })),
            ...(args.stateBackend ? teamStateRights(team.name, args.stateBackend) : []).map(
                (right) => ({ right, scope: pulumi.output(right.scope) }),
            ),
        ];
        for (const { right, scope } of scoped) {
            this.rights[right.key] = assignRole(
                `${name}-${right.key}`,
                {
                    scope,
                    roleGuid: right.roleGuid,
                    principalId: this.deployment.principalId,
                    principalType: "ServicePrincipal",
                    description: `team ${team.name}'s deployment identity: ${right.why}`,
                    defaultSubscriptionId: args.subscriptionId,
                    condition: right.condition,
                },
                parent,
            );
        }
        this.registerOutputs({});
    }
}

/** What the platform stack exports of a team (`teams.<team>`; teamBoundary.ts TeamOutput). */
export function teamOutput(team: TeamBoundary, settings: TeamSettings) {
    return {
        clientId: team.deployment.clientId,
        principalId: team.deployment.principalId,
        resourceGroupName: team.resourceGroup.name,
        resourceGroupId: team.resourceGroup.id,
        namespaces: settings.namespaces,
        groups: settings.groups.map((g) => g.objectId),
        stack: `team-${settings.name}`,
    };
}
