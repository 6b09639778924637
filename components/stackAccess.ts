// What the stack declares after its cluster: namespaces, workloads, teams, pipelines, JIT groups,
// Conditional Access and every grant (AksEntra.create in stack.ts calls it once the core is made).
import * as pulumi from "@pulumi/pulumi";
import { type AccessGrant, ClusterAccess, type Principal } from "./clusterAccess";
import { conditionalAccessPolicy } from "./jit";
import { TeamNamespace } from "./namespace";
import { declareJit, declarePipeline } from "./principalGrants";
import type { AksEntra, AksEntraArgs } from "./stack";
import { identityOutputs } from "./identityOutput";
import { LABELS, stackTags } from "./stackTags";
import { TeamBoundary } from "./teams";
import { WorkloadIdentity } from "./workloadIdentity";
import type { DeclarationTurns } from "./yieldToEventLoop";

/**
 * Namespaces, workloads, pipelines, JIT groups, Conditional Access and every grant of `stack`,
 * yielding to the event loop after each namespace (`turns`). Sets `stack.access` and
 * `stack.conditionalAccess` and fills its records.
 */
export async function declareAccess(
    stack: AksEntra,
    name: string,
    args: AksEntraArgs,
    turns: DeclarationTurns,
): Promise<void> {
    const { config, names, deployer } = args;
    const parent = { parent: stack };
    const deployerObjectId = deployer.objectId;
    const inGroup = {
        resourceGroupName: stack.resourceGroup.name,
        location: config.location,
        tags: stackTags(config, names),
    };
    const grants: AccessGrant[] = [];
    const group = (ref: { objectId: string; label: string }): Principal => ({
        key: ref.objectId,
        label: ref.label,
        objectId: ref.objectId,
        type: "Group",
    });
    for (const g of config.clusterAccess) {
        grants.push({ principal: group(g.group), role: g.role });
    }

    for (const ns of config.namespaces) {
        // Defined: there are namespaces, so there is a connection.
        const kubernetes = stack.connection!.objectOptions;
        const team = new TeamNamespace(
            `${name}-ns-${ns.name}`,
            {
                namespace: ns.name,
                podSecurity: ns.podSecurity,
                roles: ns.roles,
                labels: LABELS,
                kubernetes,
                protect: config.protect,
            },
            parent,
        );
        stack.namespaces[ns.name] = team;
        for (const g of ns.access) {
            grants.push({ principal: group(g.group), role: g.role, namespace: ns.name });
        }
        for (const w of ns.workloads) {
            const workload = new WorkloadIdentity(
                `${name}-wl/${w.namespace}/${w.serviceAccount}`,
                {
                    ...inGroup,
                    identityName: names.workloadIdentity(w.namespace, w.serviceAccount),
                    namespace: team.name,
                    namespaceName: w.namespace,
                    serviceAccount: w.serviceAccount,
                    issuerUrl: stack.cluster.oidcIssuerUrl,
                    tenantId: stack.tenantId,
                    azureRoleAssignments: w.azureRoleAssignments,
                    subscriptionId: stack.subscriptionId,
                    kubernetes,
                    labels: LABELS,
                },
                parent,
            );
            stack.workloads[`${w.namespace}/${w.serviceAccount}`] = workload;
            turns.watch(...identityOutputs(workload.identity));
        }
        await turns.yield();
    }

    for (const t of config.teams) {
        stack.teams[t.name] = new TeamBoundary(
            `${name}-team-${t.name}`,
            {
                team: t,
                resourceGroupName: names.teamResourceGroup(t.name),
                identityName: names.teamIdentity(t.name),
                platformResourceGroupName: stack.resourceGroup.name,
                location: config.location,
                clusterId: stack.cluster.id,
                subscriptionId: stack.subscriptionId,
                kubernetes: stack.connection!.objectOptions,
                labels: LABELS,
                tags: inGroup.tags,
                protect: config.protect,
                stateBackend: config.stateBackend,
            },
            parent,
        );
        // The team's groups read its namespaces (and so get a kubeconfig) from the platform.
        for (const g of t.groups) {
            grants.push(
                ...t.namespaces.map((ns) => ({
                    principal: group(g),
                    role: "reader" as const,
                    namespace: ns,
                })),
            );
        }
    }

    for (const pl of config.pipelines) {
        const { identity, grants: access } = declarePipeline(
            name,
            pl,
            { placement: inGroup, names, subscriptionId: stack.subscriptionId },
            parent,
        );
        stack.pipelines[pl.name] = identity;
        turns.watch(...identityOutputs(identity.identity));
        grants.push(...access);
    }

    // Just-in-time access: the group holds the role; people hold an eligibility to the group.
    for (const entry of config.jit) {
        const { jit, grant } = declareJit(
            name,
            entry,
            { names, deployerObjectId, protect: config.protect },
            parent,
        );
        stack.jit[entry.name] = jit;
        turns.watch(jit.group.objectId);
        grants.push(grant);
    }
    if (config.conditionalAccess) {
        const ca = config.conditionalAccess;
        stack.conditionalAccess = conditionalAccessPolicy(
            `${name}-conditional-access`,
            {
                settings: ca,
                displayName: names.conditionalAccessPolicy,
                // Default: the admin and JIT groups, less the break-glass groups (an admin
                // group may be the break-glass one), so nobody is both held and excluded.
                groups: ca.groups
                    ? ca.groups.map((g) => g.objectId)
                    : pulumi
                          .all([
                              stack.admins.objectIds,
                              pulumi.all(Object.values(stack.jit).map((j) => j.group.objectId)),
                          ])
                          .apply(([admins, jit]) => {
                              const excluded = new Set(ca.excludeGroups.map((g) => g.objectId));
                              return [...admins, ...jit].filter(
                                  (id) => !excluded.has(id.toLowerCase()),
                              );
                          }),
            },
            parent,
        );
    }

    // Admin groups get cluster-admin from AKS itself, and groups bound only by a RoleBinding get
    // their rights from Kubernetes RBAC: they still need Cluster User Role to fetch a kubeconfig.
    const kubeconfigOnly: Principal[] = [
        ...config.admins.existingGroups.map(group),
        ...config.namespaces.flatMap((ns) => ns.roles.flatMap((role) => role.groups.map(group))),
    ];
    if (stack.admins.group !== undefined) {
        kubeconfigOnly.unshift({
            key: "admins",
            label: "admins (created)",
            objectId: stack.admins.group.objectId,
            type: "Group",
        });
    }
    stack.access = await ClusterAccess.create(
        `${name}-access`,
        {
            clusterId: stack.cluster.id,
            grants,
            kubeconfigOnly,
            subscriptionId: stack.subscriptionId,
        },
        parent,
        turns,
    );
}
