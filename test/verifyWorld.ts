// A deployed stack, made from the fakes: one offline run of the program under a "live" deployer
// (its own subscription, tenant and login, so every id Azure invents differs from the plan's),
// turned into what Azure's REST API and the Kubernetes API would return for it, plus the stack's
// state as `pulumi stack export` holds it. Tests edit the world (an extra Owner, local accounts
// re-enabled, a wrong issuer, a RoleBinding edited by hand) and read it as verify/live.ts reads
// Azure: for the targets verify asks for, with role assignments listed at, above or below a scope
// as the Authorization API lists them.
import { fakeGuid, type FakeDeployer } from "../offline/fakes";
import { type Registration, type RunResult, loginFor, runProgram } from "../offline/harness";
import { TYPES } from "../offline/types";
import type {
    ArmResource,
    KubeObject,
    ReadError,
    ReadTargets,
    Snapshot,
    StackState,
} from "../verify/snapshot";
import { SNAPSHOT_VERSION } from "../verify/snapshot";

export const LIVE_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";

/** Who deployed the live stack: the config's deployer, in a real subscription and tenant. */
export function liveDeployer(config: Record<string, unknown>): FakeDeployer {
    return {
        ...loginFor(config),
        subscriptionId: LIVE_SUBSCRIPTION,
        tenantId: "72f988bf-0000-4000-8000-00000000aaaa",
    };
}

export interface World {
    project: string;
    stack: string;
    state: StackState;
    clusters: ArmResource[];
    /** Every role assignment in the tenant that matters, inherited ones included. */
    assignments: ArmResource[];
    identities: ArmResource[];
    credentials: ArmResource[];
    serviceAccounts: KubeObject[];
    roleBindings: KubeObject[];
    clusterRoleBindings: KubeObject[];
    /** `what` of a read (as verify/live.ts names it) -> the error it fails with. */
    failing: Record<string, string>;
}

type Props = Record<string, unknown>;

const ARM_TOP = new Set(["id", "name", "type", "location", "tags", "identity", "sku"]);
const PULUMI_ONLY = new Set(["resourceGroupName", "resourceName", "agentPoolName"]);

/** A Pulumi-shaped resource state as ARM's REST API returns it: properties nested. */
export function armShape(id: string, type: string, state: Props): ArmResource {
    const top: Props = { id, name: id.split("/").pop(), type };
    const properties: Props = {};
    for (const [k, v] of Object.entries(state)) {
        if (ARM_TOP.has(k)) {
            if (k !== "id" && k !== "name" && k !== "type") top[k] = v;
        } else if (!PULUMI_ONLY.has(k)) {
            properties[k] = v;
        }
    }
    return { ...top, id, properties };
}

function kube(r: Registration): KubeObject {
    const s = structuredClone(r.state) as KubeObject;
    s.metadata = {
        ...s.metadata,
        resourceVersion: "1",
        creationTimestamp: "2026-11-23T10:00:00Z",
    };
    return s;
}

export async function deployedWorld(
    config: Record<string, unknown>,
    stack = "dev",
    deployer: FakeDeployer = liveDeployer(config),
): Promise<World> {
    const result = await runProgram({ config, stack, deployer });
    return worldOf(result, stack);
}

export function worldOf(result: RunResult, stack: string): World {
    const regs = (type: string) => result.registrations.filter((r) => r.type === type && r.custom);
    const sub = LIVE_SUBSCRIPTION;
    const clusters = regs(TYPES.cluster).map((c) => {
        const shaped = armShape(c.id, "Microsoft.ContainerService/ManagedClusters", c.state);
        const pools = regs(TYPES.agentPool)
            .filter((p) => p.inputs.resourceName === c.inputs.resourceName)
            .map((p) => {
                const { agentPoolName, ...rest } = p.state;
                return { name: agentPoolName, ...rest };
            });
        const props = shaped.properties as Props;
        props.agentPoolProfiles = [...((props.agentPoolProfiles as Props[]) ?? []), ...pools];
        return shaped;
    });
    const assignments: ArmResource[] = regs(TYPES.roleAssignment).map((r) => {
        const s = r.state;
        return {
            id: r.id,
            name: String(s.roleAssignmentName),
            type: "Microsoft.Authorization/roleAssignments",
            properties: {
                scope: s.scope,
                roleDefinitionId: s.roleDefinitionId,
                principalId: s.principalId,
                principalType: s.principalType,
                createdOn: "2026-11-23T10:00:00Z",
            },
        };
    });
    // The subscription's owner: inherited by every scope of the stack, not the stack's to review.
    assignments.push(
        assignment(
            `/subscriptions/${sub}`,
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            fakeGuid("sub-owner"),
            "User",
        ),
    );
    const identities = regs(TYPES.identity).map((r) =>
        armShape(r.id, "Microsoft.ManagedIdentity/userAssignedIdentities", r.state),
    );
    const credentials = regs(TYPES.fic).map((r) =>
        armShape(
            r.id,
            "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
            r.state,
        ),
    );
    const namespaces = regs(TYPES.namespace).map((r) => String((r.inputs.metadata as Props).name));
    const clusterAdminGroups = clusters.flatMap(
        (c) =>
            (((c.properties as Props).aadProfile as Props)?.adminGroupObjectIDs as string[]) ?? [],
    );
    const secret = new Set(result.secretOutputs);
    return {
        project: "aks-entra",
        stack,
        state: {
            outputs: Object.fromEntries(
                Object.entries(result.outputs).map(([k, v]) => [k, secret.has(k) ? "[secret]" : v]),
            ),
            resources: result.registrations.map((r) => ({
                urn: r.urn,
                type: r.type,
                id: r.id,
                inputs: Object.fromEntries(
                    Object.entries(r.inputs).map(([k, v]) => [
                        k,
                        r.secretInputs.includes(k) ? "[secret]" : v,
                    ]),
                ),
                outputs: r.state,
            })),
        },
        clusters,
        assignments,
        identities,
        credentials,
        serviceAccounts: [
            ...regs(TYPES.serviceAccount).map(kube),
            // Kubernetes makes one in every namespace.
            ...namespaces.map((ns) => ({
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name: "default", namespace: ns },
            })),
        ],
        roleBindings: regs(TYPES.roleBinding).map(kube),
        clusterRoleBindings: [
            ...regs(TYPES.clusterRoleBinding).map(kube),
            // AKS's own: Kubernetes' system bindings and the admin groups' binding.
            binding(
                "ClusterRoleBinding",
                "system:basic-user",
                "",
                "ClusterRole",
                "system:basic-user",
                [{ kind: "Group", name: "system:authenticated" }],
            ),
            binding(
                "ClusterRoleBinding",
                "aks-cluster-admin-binding-aad",
                "",
                "ClusterRole",
                "cluster-admin",
                clusterAdminGroups.map((g) => ({ kind: "Group", name: g })),
            ),
        ],
        failing: {},
    };
}

export function assignment(
    scope: string,
    roleGuid: string,
    principalId: string,
    principalType: string,
    name = fakeGuid(`${scope}|${roleGuid}|${principalId}`),
): ArmResource {
    return {
        id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        name,
        type: "Microsoft.Authorization/roleAssignments",
        properties: {
            scope,
            roleDefinitionId: `/subscriptions/${LIVE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
            principalId,
            principalType,
        },
    };
}

export function binding(
    kind: "RoleBinding" | "ClusterRoleBinding",
    name: string,
    namespace: string,
    refKind: string,
    refName: string,
    subjects: { kind: string; name: string; namespace?: string }[],
): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind,
        metadata: { name, ...(namespace ? { namespace } : {}) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: refKind, name: refName },
        subjects: subjects.map((s) => ({
            ...(s.kind === "ServiceAccount" ? {} : { apiGroup: "rbac.authorization.k8s.io" }),
            ...s,
        })),
    };
}

const lower = (s: string) => s.toLowerCase();

/**
 * What verify/live.ts would read from this world for `targets`: role assignments at or above a
 * scope (`atScope()`), and below it too for the cluster, as the Authorization API lists them.
 */
export function read(world: World, targets: ReadTargets, kubernetes = true): Snapshot {
    const errors: ReadError[] = [];
    const attempt = <T>(what: string, value: () => T): T | undefined => {
        if (world.failing[what] !== undefined) {
            errors.push({ what, error: world.failing[what] });
            return undefined;
        }
        return value();
    };
    const within = (inner: string, outer: string) =>
        lower(inner) === lower(outer) || lower(inner).startsWith(`${lower(outer)}/`);
    const roleAssignments: Record<string, ArmResource[]> = {};
    for (const s of targets.scopes) {
        const list = attempt(`role assignments at ${s.id}`, () =>
            world.assignments.filter((a) => {
                const scope = String((a.properties as Props).scope);
                return within(s.id, scope) || (s.below && within(scope, s.id));
            }),
        );
        if (list) roleAssignments[s.id] = structuredClone(list);
    }
    const federatedIdentityCredentials: Record<string, ArmResource[]> = {};
    const userAssignedIdentities: ArmResource[] = [];
    for (const id of targets.identities) {
        const found = attempt(`identity ${id}`, () =>
            world.identities.find((i) => lower(i.id) === lower(id)),
        );
        if (found) userAssignedIdentities.push(structuredClone(found));
        else if (world.failing[`identity ${id}`] === undefined)
            errors.push({ what: `identity ${id}`, error: "404 ResourceNotFound: not found" });
        const fics = attempt(`federated credentials of ${id}`, () =>
            world.credentials.filter((f) => lower(f.id).startsWith(`${lower(id)}/`)),
        );
        if (fics) federatedIdentityCredentials[id] = structuredClone(fics);
    }
    const managedClusters: ArmResource[] = [];
    for (const id of targets.clusters) {
        const c = attempt(`managed cluster ${id}`, () =>
            world.clusters.find((x) => lower(x.id) === lower(id)),
        );
        if (c) managedClusters.push(structuredClone(c));
        else if (world.failing[`managed cluster ${id}`] === undefined)
            errors.push({
                what: `managed cluster ${id}`,
                error: "404 ResourceNotFound: not found",
            });
    }
    const inNamespace = (list: KubeObject[], what: string) =>
        targets.namespaces.flatMap(
            (ns) =>
                attempt(`${what} in ${ns}`, () =>
                    list.filter((o) => o.metadata.namespace === ns),
                ) ?? [],
        );
    const kube = kubernetes && targets.clusters.length > 0;
    return {
        snapshotVersion: SNAPSHOT_VERSION,
        project: world.project,
        stack: world.stack,
        readAt: "2026-11-23T12:00:00Z",
        state: structuredClone(world.state),
        targets,
        arm: {
            managedClusters,
            roleAssignments,
            userAssignedIdentities,
            federatedIdentityCredentials,
        },
        kubernetes: {
            read: kube,
            serviceAccounts: kube
                ? structuredClone(inNamespace(world.serviceAccounts, "service accounts"))
                : [],
            roleBindings: kube
                ? structuredClone(inNamespace(world.roleBindings, "role bindings"))
                : [],
            clusterRoleBindings: kube
                ? structuredClone(
                      attempt("cluster role bindings", () => world.clusterRoleBindings) ?? [],
                  )
                : [],
        },
        errors,
    };
}
