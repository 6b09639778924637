// Azure RBAC for Kubernetes authorization: who may do what on the cluster and in each namespace.
import type * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { assignRole, type PrincipalType } from "./roleAssignment";
import { ACCESS_ROLE_GUIDS, type AccessRole, AKS_ROLES, namespaceScope } from "./roles";
import { DeclarationTurns } from "./yieldToEventLoop";

/** Grants declared between two yields to the event loop. */
const GRANTS_PER_TURN = 10;

export interface Principal {
    /**
     * Identifies the principal in URNs and de-duplicates it: the object id where config gives one,
     * else a fixed name (`admins`, `pipeline-<name>`). Never contains `/`.
     */
    readonly key: string;
    /** What people call it: the alias from aks-entra:groups, or the object id. */
    readonly label: string;
    readonly objectId: pulumi.Input<string>;
    readonly type: PrincipalType;
}

export interface AccessGrant {
    readonly principal: Principal;
    readonly role: AccessRole;
    /** Namespace the grant is limited to. Defaults to the whole cluster. */
    readonly namespace?: string;
}

export interface ClusterAccessArgs {
    readonly clusterId: pulumi.Input<string>;
    readonly grants: readonly AccessGrant[];
    /**
     * Principals that need a kubeconfig but no Azure RBAC role: the admin groups, whom AKS binds
     * to cluster-admin itself. Defaults to none.
     */
    readonly kubeconfigOnly?: readonly Principal[];
    readonly subscriptionId: pulumi.Input<string>;
    /**
     * Object ids that hold Cluster User Role already: a team's groups, granted by the platform
     * stack (docs/team-stacks.md), which a second assignment of the same name would collide with.
     * Defaults to none.
     */
    readonly kubeconfigGranted?: readonly string[];
}

/**
 * One AKS RBAC role assignment per grant (scope: the cluster, or `<cluster>/namespaces/<ns>`), and
 * *Azure Kubernetes Service Cluster User Role* once per principal so it can fetch a kubeconfig
 * (the RBAC Reader/Writer roles do not include listClusterUserCredential; docs/azure-facts.md).
 */
export class ClusterAccess extends pulumi.ComponentResource {
    /** Every assignment, keyed by logical name. */
    public readonly assignments: Record<string, authorization.RoleAssignment> = {};

    /**
     * Declares every assignment, yielding to the event loop every GRANTS_PER_TURN of them so the
     * registrations made so far settle before more are made (a stack of thousands of grants).
     * `turns`: the caller's declaration, whose watched failures end this one too (AksEntra.create).
     */
    static async create(
        name: string,
        args: ClusterAccessArgs,
        opts?: pulumi.ComponentResourceOptions,
        turns: DeclarationTurns = new DeclarationTurns(),
    ): Promise<ClusterAccess> {
        const access = new ClusterAccess(name, opts);
        await access.declare(name, args, turns);
        return access;
    }

    private constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:access:ClusterAccess", name, {}, opts);
    }

    private async declare(
        name: string,
        args: ClusterAccessArgs,
        turns: DeclarationTurns,
    ): Promise<void> {
        let declared = 0;

        const grant = (
            logical: string,
            principal: Principal,
            roleGuid: string,
            scope: pulumi.Input<string>,
            why: string,
        ) => {
            this.assignments[logical] = assignRole(
                `${name}-${logical}`,
                {
                    scope,
                    roleGuid,
                    principalId: principal.objectId,
                    principalType: principal.type,
                    description: why,
                    defaultSubscriptionId: args.subscriptionId,
                },
                { parent: this },
            );
            declared++;
        };
        const settle = async () => {
            if (declared % GRANTS_PER_TURN === 0) await turns.yield();
        };

        const kubeconfigUsers = new Map<string, Principal>();
        for (const g of args.grants) {
            const where = g.namespace ?? "cluster";
            const scope =
                g.namespace === undefined
                    ? args.clusterId
                    : pulumi.output(args.clusterId).apply((id) => namespaceScope(id, g.namespace!));
            grant(
                `${g.principal.key}/${where}/${g.role}`,
                g.principal,
                ACCESS_ROLE_GUIDS[g.role],
                scope,
                `${g.role} on ${g.namespace === undefined ? "the cluster" : `namespace ${g.namespace}`}`,
            );
            kubeconfigUsers.set(g.principal.key, g.principal);
            await settle();
        }
        for (const p of args.kubeconfigOnly ?? []) {
            kubeconfigUsers.set(p.key, p);
        }
        const granted = new Set(args.kubeconfigGranted ?? []);
        for (const p of [...kubeconfigUsers.values()].sort((a, b) => a.key.localeCompare(b.key))) {
            if (typeof p.objectId === "string" && granted.has(p.objectId)) continue;
            grant(
                `${p.key}/cluster/cluster-user`,
                p,
                AKS_ROLES.clusterUser,
                args.clusterId,
                "fetch the user kubeconfig",
            );
            await settle();
        }

        this.registerOutputs({});
    }
}
