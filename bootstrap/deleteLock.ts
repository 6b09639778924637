// A CanNotDelete management lock on one resource: removing it needs
// Microsoft.Authorization/locks/delete, which Owner and User Access Administrator hold and
// Contributor's NotActions exclude, so no deployment identity can delete what it guards.
import * as authorization from "@pulumi/azure-native/authorization";
import type * as pulumi from "@pulumi/pulumi";

export function deleteLock(
    name: string,
    args: { scope: pulumi.Input<string>; lockName: string; notes: string },
    opts: pulumi.CustomResourceOptions,
): authorization.ManagementLockByScope {
    return new authorization.ManagementLockByScope(
        name,
        { scope: args.scope, lockName: args.lockName, level: "CanNotDelete", notes: args.notes },
        opts,
    );
}
