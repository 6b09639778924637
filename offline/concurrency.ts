// Writes Azure refuses to run at the same time, found in a run's timeline: each write that
// overlaps an earlier one of the same group (the same managed identity's federated credentials, the
// same virtual network's new node pools). Pure module.
import { overlaps, type Span } from "./timeline";
import { TYPES } from "./types";

/** One write of a resource in the timeline: a create, update, replace or delete. */
export interface WriteOperation {
    op: string;
    name: string;
    id: string;
    inputs: Record<string, unknown>;
    span: Span;
}

/**
 * Each write of `ops` that overlaps an earlier one with the same key (`keyOf`, compared without
 * case; undefined: not grouped), with that earlier write. Writes that take no time do not count.
 */
export function overlappingWrites<T extends WriteOperation>(
    ops: readonly T[],
    keyOf: (o: T) => string | undefined,
): { earlier: T; later: T }[] {
    const groups = new Map<string, T[]>();
    for (const o of ops) {
        const key = keyOf(o)?.toLowerCase();
        if (key === undefined || o.span.end <= o.span.start) continue;
        groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    const out: { earlier: T; later: T }[] = [];
    for (const group of groups.values()) {
        const sorted = [...group].sort((a, b) => a.span.start - b.span.start);
        sorted.forEach((later, j) => {
            const earlier = sorted.slice(0, j).find((x) => overlaps(x.span, later.span));
            if (earlier) out.push({ earlier, later });
        });
    }
    return out;
}

/** The virtual network of a subnet id (`.../virtualNetworks/<vnet>/subnets/<subnet>`). */
export function vnetOf(subnetId: unknown): string | undefined {
    if (typeof subnetId !== "string") return undefined;
    const m = /^(.*\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(
        subnetId,
    );
    return m?.[1];
}

/**
 * AKS sets ownership of your virtual network when it creates a node pool in it, and refuses while
 * the network is still Updating from another pool's create: two AgentPool creates in one virtual
 * network at once fail with SetVNetOwnershipFailed / VirtualNetworkNotInSucceededState
 * (Azure/AKS#4522; hashicorp/terraform-provider-azurerm#25888 serialises them with a lock, its
 * regression #30769 and the fix #32682; docs/azure-facts.md failure mode 28). A problem for each
 * pool create (or replacement) that overlaps an earlier one in the same network.
 */
export function poolCreateConcurrencyProblems(ops: readonly WriteOperation[]): string[] {
    const creates = ops.filter((o) => o.op === "create" || o.op === "replace");
    return overlappingWrites(creates, (o) => vnetOf(o.inputs.vnetSubnetID)).map(
        ({ earlier: a, later: b }) =>
            `${TYPES.agentPool} ${b.name}: SetVNetOwnershipFailed: Set virtual network ownership failed: VirtualNetworkNotInSucceededState: Virtual network ${String(vnetOf(b.inputs.vnetSubnetID))} is in Updating state. It needs to be in Succeeded state in order to set resource ownership. (${b.op} at ${b.span.start}-${b.span.end} s beside the ${a.op} of ${a.name} at ${a.span.start}-${a.span.end} s)`,
    );
}
