// The state backend of every aks-entra stack: a storage account that takes Entra ID tokens only,
// keeps versions and deleted blobs and containers, and cannot be deleted while its lock stands;
// and the container the stacks' state lives in (PULUMI_BACKEND_URL azblob://<container>).
import type * as authorization from "@pulumi/azure-native/authorization";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { deleteLock } from "./deleteLock";

export interface StateBackendArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    /** Globally unique account name (3-24 lowercase letters and digits). */
    readonly accountName: string;
    readonly containerName: string;
    /** Days deleted blobs, versions and containers can be restored. */
    readonly softDeleteDays: number;
}

export class StateBackend extends pulumi.ComponentResource {
    public readonly account: storage.StorageAccount;
    public readonly blobService: storage.BlobServiceProperties;
    public readonly container: storage.BlobContainer;
    public readonly lock: authorization.ManagementLockByScope;
    /** ARM id of the container: the scope of the deployment identities' data roles. */
    public readonly containerId: pulumi.Output<string>;

    constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:bootstrap:StateBackend", name, {}, opts);
        this.account = new storage.StorageAccount(
            `${name}-account`,
            {
                resourceGroupName: args.resourceGroupName,
                accountName: args.accountName,
                location: args.location,
                kind: "StorageV2",
                // Zone-redundant: the state of every stack must survive a zone outage.
                sku: { name: "Standard_ZRS" },
                // Entra ID only: no account keys, no SAS signed with them; the portal uses Entra too.
                allowSharedKeyAccess: false,
                defaultToOAuthAuthentication: true,
                allowBlobPublicAccess: false,
                allowCrossTenantReplication: false,
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: "TLS1_2",
            },
            { parent: this },
        );
        this.blobService = new storage.BlobServiceProperties(
            `${name}-blob-service`,
            {
                resourceGroupName: args.resourceGroupName,
                accountName: this.account.name,
                blobServicesName: "default",
                isVersioningEnabled: true,
                deleteRetentionPolicy: { enabled: true, days: args.softDeleteDays },
                containerDeleteRetentionPolicy: { enabled: true, days: args.softDeleteDays },
            },
            { parent: this },
        );
        this.container = new storage.BlobContainer(
            `${name}-container`,
            {
                resourceGroupName: args.resourceGroupName,
                accountName: this.account.name,
                containerName: args.containerName,
                publicAccess: "None",
            },
            { parent: this, dependsOn: [this.blobService] },
        );
        // Nobody deletes the account, and every stack's state with it, without removing the lock.
        this.lock = deleteLock(
            `${name}-lock`,
            {
                scope: this.account.id,
                lockName: "aks-entra-state-cannot-delete",
                notes: "aks-entra: the state of every stack lives here (docs/bootstrap.md)",
            },
            { parent: this },
        );
        this.containerId = pulumi.interpolate`${this.account.id}/blobServices/default/containers/${this.container.name}`;
        this.registerOutputs({ containerId: this.containerId });
    }
}
