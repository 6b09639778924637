// The principals a stack declares from config with their cluster access: a pipeline's identity and
// a JIT entry's group, each with the AccessGrants that ClusterAccess makes for it. One declaration
// serves the whole stack (stack.ts) and a team stack on a platform cluster (teamStack.ts).
import type * as pulumi from "@pulumi/pulumi";
import type { AccessGrant, Principal } from "./clusterAccess";
import type { JitAccess, Pipeline } from "./config";
import { JitGroup } from "./jit";
import type { StackNames } from "./naming";
import { PipelineIdentity } from "./pipelineIdentity";

/** Where a pipeline's identity lives. */
export interface IdentityPlacement {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A pipeline's identity, and its cluster-wide and namespace access as grants. */
export function declarePipeline(
    name: string,
    pl: Pipeline,
    args: {
        placement: IdentityPlacement;
        names: StackNames;
        subscriptionId: pulumi.Input<string>;
    },
    opts: pulumi.ComponentResourceOptions,
): { identity: PipelineIdentity; grants: AccessGrant[] } {
    const identity = new PipelineIdentity(
        `${name}-ci-${pl.name}`,
        {
            ...args.placement,
            identityName: args.names.pipelineIdentity(pl.name),
            pipeline: pl.name,
            github: pl.github,
            azureRoleAssignments: pl.azureRoleAssignments,
            subscriptionId: args.subscriptionId,
        },
        opts,
    );
    const principal: Principal = {
        key: `pipeline-${pl.name}`,
        label: `pipeline ${pl.name}`,
        objectId: identity.principalId,
        type: "ServicePrincipal",
    };
    const grants: AccessGrant[] = [
        ...(pl.clusterAccess === undefined ? [] : [{ principal, role: pl.clusterAccess }]),
        ...pl.namespaceAccess.map((g) => ({ principal, role: g.role, namespace: g.namespace })),
    ];
    return { identity, grants };
}

/** A JIT entry's group (its PIM policy and eligibilities), and the access the group holds. */
export function declareJit(
    name: string,
    entry: JitAccess,
    args: { names: StackNames; deployerObjectId: pulumi.Input<string>; protect: boolean },
    opts: pulumi.ComponentResourceOptions,
): { jit: JitGroup; grant: AccessGrant } {
    const jit = new JitGroup(
        `${name}-jit-${entry.name}`,
        {
            entry,
            displayName: args.names.jitGroupDisplayName(entry.name),
            mailNickname: args.names.jitGroupMailNickname(entry.name),
            deployerObjectId: args.deployerObjectId,
            stackLabel: `${args.names.project}/${args.names.stack}`,
            protect: args.protect,
        },
        opts,
    );
    const grant: AccessGrant = {
        principal: {
            key: `jit-${entry.name}`,
            label: `jit ${entry.name}`,
            objectId: jit.group.objectId,
            type: "Group",
        },
        role: entry.role,
        namespace: entry.namespace,
    };
    return { jit, grant };
}
