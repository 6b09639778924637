// The Entra group AKS binds to cluster-admin.
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";

export interface AdminGroupArgs {
    /** Create a group for this stack. Defaults to true. */
    readonly create?: boolean;
    /** Display name (and, cut to 64, mail nickname) of the created group. */
    readonly displayName: string;
    readonly mailNickname: string;
    /** Object ids of members of the created group. Defaults to none. */
    readonly members?: pulumi.Input<string>[];
    /** Object ids of owners of the created group; the deployer is always added. */
    readonly owners?: pulumi.Input<string>[];
    /** The deploying principal's object id: owner of the created group so it can manage it later. */
    readonly deployerObjectId: pulumi.Input<string>;
    /** Existing groups that are admins too. Defaults to none. */
    readonly existingGroupObjectIds?: string[];
    /** Protect the created group from deletion. Defaults to false. */
    readonly protect?: boolean;
}

/**
 * The cluster's admin groups: the group this stack creates (security-enabled, unique name in the
 * tenant) and any existing groups named in config.
 */
export class AdminGroup extends pulumi.ComponentResource {
    /** The created group, when `create` is true. */
    public readonly group?: azuread.Group;
    /** Object ids of every admin group: created first, then existing ones. */
    public readonly objectIds: pulumi.Output<string[]>;

    constructor(name: string, args: AdminGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:admins:AdminGroup", name, {}, opts);

        const existing = args.existingGroupObjectIds ?? [];
        if (args.create ?? true) {
            this.group = new azuread.Group(
                `${name}-group`,
                {
                    displayName: args.displayName,
                    mailNickname: args.mailNickname,
                    description:
                        "Cluster admins (Kubernetes cluster-admin via AKS-managed Entra integration). Managed by Pulumi (aks-entra).",
                    securityEnabled: true,
                    mailEnabled: false,
                    // Fails instead of creating a second group with the same name in the tenant.
                    preventDuplicateNames: true,
                    owners: pulumi
                        .all([args.deployerObjectId, ...(args.owners ?? [])])
                        .apply((ids) => [...new Set(ids.map((id) => id.toLowerCase()))].sort()),
                    members: pulumi
                        .all(args.members ?? [])
                        .apply((ids) => [...new Set(ids.map((id) => id.toLowerCase()))].sort()),
                },
                { parent: this, protect: args.protect ?? false },
            );
            this.objectIds = this.group.objectId.apply((id) => [id, ...existing]);
        } else {
            this.objectIds = pulumi.output([...existing]);
        }

        this.registerOutputs({ objectIds: this.objectIds });
    }
}
