// What the Kubernetes API answers the stack's objects: 403 until the deployer's AKS RBAC role is
// honoured, the object with the uid the API server gives it, and the kind an AlreadyExists names.
import { AKS_ROLES } from "../components/roles";
import { fakeGuid, type FakeDeployer, type FakeResource, str } from "./fakeWorld";
import { PROPAGATION_SECONDS } from "./timeline";
import { TYPES } from "./types";

type Props = Record<string, unknown>;

/**
 * The Kubernetes API answers 403 until the deployer (the login) holds an AKS RBAC role on the
 * cluster that the authorizer honours: granted on the cluster or a scope above it, at least
 * five minutes earlier (docs/azure-facts.md, failure mode 7), or access from outside the stack.
 */
export function checkKubernetesAccess(
    type: string,
    deployer: FakeDeployer,
    resources: readonly FakeResource[],
    assignments: (principal: string) => { r: FakeResource; guid: string }[],
    now: number,
): void {
    if (deployer.clusterAccessOutsideStack) return;
    const cluster = resources.find((r) => r.type === TYPES.cluster);
    if (!cluster) return;
    const me = deployer.objectId.toLowerCase();
    const clusterId = cluster.id.toLowerCase();
    const roles: string[] = [AKS_ROLES.rbacClusterAdmin, AKS_ROLES.rbacAdmin];
    const grants = assignments(me).filter(
        ({ r, guid }) =>
            roles.includes(guid) &&
            String(r.inputs.principalId).toLowerCase() === me &&
            (clusterId === String(r.inputs.scope).toLowerCase() ||
                clusterId.startsWith(`${String(r.inputs.scope).toLowerCase()}/`)),
    );
    const honoured = Math.min(...grants.map(({ r }) => r.createdAt + PROPAGATION_SECONDS.aksRbac));
    if (honoured > now) {
        throw new Error(
            `Forbidden (403): ${type} by ${me}: ` +
                (grants.length === 0
                    ? "the deployer has no AKS RBAC role on the cluster"
                    : `the deployer's AKS RBAC role is honoured from ${honoured} s, the call came at ${now} s`),
        );
    }
}

export function kubernetesObject(type: string, inputs: Props): { id: string; state: Props } {
    const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
    const n = str(metadata.name, `${type} metadata.name`);
    const id = metadata.namespace ? `${metadata.namespace}/${n}` : n;
    return {
        id,
        state: { ...inputs, metadata: { ...metadata, uid: fakeGuid(`${type}#${id}`) } },
    };
}

/** `Namespace` of `kubernetes:core/v1:Namespace`. */
export function kindOf(type: string): string {
    return type.split(":").pop() ?? type;
}
