// Azure's refusal of concurrent federated-credential writes under one managed identity, read off
// the simulated `pulumi up` timeline. Pure module.
import { overlappingWrites, type WriteOperation } from "./concurrency";
import type { StepOp } from "./fakeWorld";
import { TYPES } from "./types";

type Props = Record<string, unknown>;

/** One write of a federated credential in the timeline: a create, update or delete. */
export interface FicOperation extends WriteOperation {
    op: StepOp;
    /** resourceGroupName and resourceName (the identity) come from here. */
    inputs: Props;
}

/**
 * Azure rejects concurrent federated-credential writes under one managed identity, creates and
 * deletes alike (docs/azure-facts.md failure modes 2 and 16; pulumi/pulumi-azure-native#4343,
 * hashicorp/terraform-provider-azurerm#29242). A problem for each write that overlaps an earlier
 * one of the same identity.
 */
export function ficConcurrencyProblems(ops: readonly FicOperation[]): string[] {
    return overlappingWrites(
        ops,
        (o) => `${String(o.inputs.resourceGroupName)}|${String(o.inputs.resourceName)}`,
    ).map(({ earlier: a, later: b }) => {
        const identity = b.id.replace(/\/federatedIdentityCredentials\/[^/]+$/i, "");
        return `${TYPES.fic} ${b.name}: ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity: Too many Federated Identity Credentials are written concurrently for the managed identity ${identity} (${b.op} at ${b.span.start}-${b.span.end} s beside the ${a.op} of ${a.name} at ${a.span.start}-${a.span.end} s)`;
    });
}
