// The outputs of one user-assigned identity in the shape the stack exports (index.ts, teamStack.ts).
import type * as pulumi from "@pulumi/pulumi";

export interface IdentityOutput {
    clientId: pulumi.Output<string>;
    principalId: pulumi.Output<string>;
    resourceId: pulumi.Output<string>;
}

/** What the stack exports of one user-assigned identity (identityOutput), as a list. */
export function identityOutputs(identity: {
    clientId: pulumi.Output<string>;
    principalId: pulumi.Output<string>;
    id: pulumi.Output<string>;
}): pulumi.Output<string>[] {
    const o = identityOutput(identity);
    return [o.clientId, o.principalId, o.resourceId];
}

/** Outputs of one user-assigned identity in the shape the stack exports. */
export function identityOutput(identity: {
    clientId: pulumi.Output<string>;
    principalId: pulumi.Output<string>;
    id: pulumi.Output<string>;
}): IdentityOutput {
    return {
        clientId: identity.clientId,
        principalId: identity.principalId,
        resourceId: identity.id,
    };
}
