// Time in the fake world: how long Azure typically takes to create, update and delete each kind of
// resource, how long a new role assignment takes to be honoured, and when each registration of one
// evaluation would start and end in a `pulumi up` (a first one, or a second one with the stack's
// previous state) and each delete in a `pulumi destroy`. The fakes use it to fail like Azure (a
// cluster created before its kubelet grant propagated, a Kubernetes call before the deployer's
// access did, two writes of one identity's federated credentials at once); the plan and
// `npm run bench:deploy` use it to estimate a first `pulumi up`. Pure module.
import { TYPES } from "./types";

/**
 * Typical create times in seconds. Sources (docs/azure-facts.md, "Typical durations"): Microsoft's
 * AKS quickstarts ("after a few minutes", "allow up to 10 minutes"), `Creation complete after` lines
 * of public Terraform logs (cluster 2-15 min, role assignment and resource group up to 25 s), and
 * the latency model of the issue that set the deploy-time target. A model, not a promise: the
 * cluster dominates every first `pulumi up`, and its time varies most.
 */
export const CREATE_SECONDS: Readonly<Record<string, number>> = {
    [TYPES.resourceGroup]: 3,
    [TYPES.identity]: 5,
    [TYPES.roleAssignment]: 8,
    [TYPES.fic]: 6,
    [TYPES.cluster]: 420,
    // An estimate: "az aks nodepool add" takes a few minutes (a new scale set and its nodes joining),
    // less than a cluster, which also builds its control plane.
    [TYPES.agentPool]: 240,
    [TYPES.group]: 5,
    // Estimates: a workspace is provisioned in under a minute; a diagnostic setting and a
    // maintenance window are settings on the cluster, written at once.
    [TYPES.workspace]: 30,
    [TYPES.diagnosticSetting]: 5,
    [TYPES.maintenance]: 5,
    // Microsoft Graph writes, like a group's.
    [TYPES.pimPolicy]: 5,
    [TYPES.pimEligibility]: 5,
    [TYPES.conditionalAccess]: 5,
};
/** Every Kubernetes object through the API server. */
export const KUBERNETES_OBJECT_SECONDS = 1;

/**
 * How long after a role assignment is created the fakes take to honour it, in seconds.
 * - AKS RBAC roles, by the AKS authorizer: "New role assignments can take up to five minutes to
 *   propagate" (learn.microsoft.com/azure/aks/manage-azure-rbac): 300, the documented bound.
 * - Managed Identity Operator, by AKS's create-time check: no documented figure; 60 s is the
 *   shortest wait after the grant that published configurations rely on (KUBELET_GRANT_WAIT.min).
 */
export const PROPAGATION_SECONDS = { aksRbac: 300, kubeletOperator: 60 } as const;

/** Seconds of a time.Sleep's `createDuration` ("120s", "5m", "1m30s"); 0 when unreadable. */
export function sleepSeconds(createDuration: unknown): number {
    if (typeof createDuration !== "string") return 0;
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(createDuration);
    if (!m || createDuration === "") return 0;
    return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Create time of one registration: Azure's typical time, a sleep's duration, 0 for the rest. */
export function createSeconds(
    type: string,
    custom: boolean,
    inputs: Readonly<Record<string, unknown>>,
): number {
    if (!custom) return 0;
    if (type === TYPES.sleep) return sleepSeconds(inputs.createDuration);
    if (type.startsWith("pulumi:providers:")) return 0;
    if (type.startsWith("kubernetes:")) return KUBERNETES_OBJECT_SECONDS;
    return CREATE_SECONDS[type] ?? 0;
}

/**
 * Typical delete times in seconds: estimates, as no Microsoft page gives figures. A cluster delete
 * removes its node resource group and every node with it (a few minutes, like a create); a node pool
 * drains and deletes its scale set; a resource group that still holds resources takes longer than
 * this. Types without an entry delete at once: a time.Sleep (the time provider does nothing on
 * delete) and providers and components, which live only in Pulumi's state.
 */
export const DELETE_SECONDS: Readonly<Record<string, number>> = {
    [TYPES.resourceGroup]: 60,
    [TYPES.identity]: 5,
    [TYPES.roleAssignment]: 5,
    [TYPES.fic]: 5,
    [TYPES.cluster]: 300,
    [TYPES.agentPool]: 180,
    [TYPES.group]: 5,
    [TYPES.sleep]: 0,
    [TYPES.workspace]: 10,
    [TYPES.diagnosticSetting]: 5,
    [TYPES.maintenance]: 5,
    [TYPES.pimPolicy]: 0,
    [TYPES.pimEligibility]: 5,
    [TYPES.conditionalAccess]: 5,
};

/** Delete time of one resource of a state: Azure's typical time, 0 for what has no cloud object. */
export function deleteSeconds(type: string, custom: boolean): number {
    if (!custom || type.startsWith("pulumi:providers:")) return 0;
    if (type.startsWith("kubernetes:")) return KUBERNETES_OBJECT_SECONDS;
    return DELETE_SECONDS[type] ?? 0;
}

/**
 * Update time of one registration: an estimate, as long as a create (an AKS update rolls its
 * control plane or nodes like a create does). A time.Sleep sleeps only when created, and providers
 * have nothing to update.
 */
export function updateSeconds(
    type: string,
    custom: boolean,
    inputs: Readonly<Record<string, unknown>>,
): number {
    if (type === TYPES.sleep) return 0;
    return createSeconds(type, custom, inputs);
}

/** When one step (a create, update or delete) starts and ends, in simulated seconds. */
export interface Span {
    start: number;
    end: number;
}

/** Two operations overlap when each starts before the other ends (touching spans do not). */
export function overlaps(a: Span, b: Span): boolean {
    return a.start < b.end && b.start < a.end;
}

/** The URN in a provider reference (`<urn>::<id>`); "" for none. */
export function providerUrn(reference: string): string {
    const at = reference.lastIndexOf("::");
    return at > 0 ? reference.slice(0, at) : "";
}

/**
 * The schedule of one evaluation as the engine runs it with unbounded parallelism: a registration
 * starts when everything it waits for (its dependencies and its provider) has ended. Resources that
 * already exist take no time.
 */
export class Timeline {
    private readonly spans = new Map<string, Span>();

    /** When a registration waiting for `urns` can start. */
    startAfter(urns: readonly string[]): number {
        let start = 0;
        for (const urn of urns) start = Math.max(start, this.spans.get(urn)?.end ?? 0);
        return start;
    }

    record(urn: string, span: Span): void {
        this.spans.set(urn, span);
    }

    get(urn: string): Span | undefined {
        return this.spans.get(urn);
    }
}
