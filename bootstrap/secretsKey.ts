// The key Pulumi encrypts every stack's secrets with (PULUMI_SECRETS_PROVIDER
// azurekeyvault://<vault>.vault.azure.net/keys/<key>): in a vault that authorizes with Azure RBAC
// only, whose deleted keys stay recoverable and cannot be purged early, and that a lock keeps.
import type * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { deleteLock } from "./deleteLock";

export interface SecretsKeyArgs {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location: string;
    readonly tenantId: pulumi.Input<string>;
    readonly vaultName: string;
    readonly keyName: string;
}

/** Days a deleted vault or key stays recoverable: Azure's maximum. */
export const VAULT_SOFT_DELETE_DAYS = 90;

export class SecretsKey extends pulumi.ComponentResource {
    public readonly vault: keyvault.Vault;
    public readonly key: keyvault.Key;
    public readonly lock: authorization.ManagementLockByScope;
    /** ARM id of the key: the scope of the deployment identities' Key Vault Crypto User. */
    public readonly keyId: pulumi.Output<string>;
    /** `azurekeyvault://<vault>.vault.azure.net/keys/<key>` */
    public readonly secretsProvider: string;

    constructor(name: string, args: SecretsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aks-entra:bootstrap:SecretsKey", name, {}, opts);
        this.vault = new keyvault.Vault(
            `${name}-vault`,
            {
                resourceGroupName: args.resourceGroupName,
                vaultName: args.vaultName,
                location: args.location,
                properties: {
                    tenantId: args.tenantId,
                    sku: { family: "A", name: "standard" },
                    // Azure RBAC, not access policies: the data roles are role assignments.
                    enableRbacAuthorization: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: VAULT_SOFT_DELETE_DAYS,
                    // Irreversible once on: a deleted key cannot be purged before its retention ends.
                    enablePurgeProtection: true,
                },
            },
            { parent: this },
        );
        this.key = new keyvault.Key(
            `${name}-key`,
            {
                resourceGroupName: args.resourceGroupName,
                vaultName: this.vault.name,
                keyName: args.keyName,
                // RSA-OAEP-256 encrypt/decrypt: what gocloud.dev's azurekeyvault keeper (Pulumi's
                // secrets provider) calls.
                properties: { kty: "RSA", keySize: 3072, keyOps: ["encrypt", "decrypt"] },
            },
            { parent: this },
        );
        this.lock = deleteLock(
            `${name}-lock`,
            {
                scope: this.vault.id,
                lockName: "aks-entra-secrets-cannot-delete",
                notes: "aks-entra: every stack's secrets are encrypted with a key of this vault (docs/bootstrap.md)",
            },
            { parent: this },
        );
        this.keyId = pulumi.interpolate`${this.vault.id}/keys/${this.key.name}`;
        this.secretsProvider = `azurekeyvault://${args.vaultName}.vault.azure.net/keys/${args.keyName}`;
        this.registerOutputs({ keyId: this.keyId });
    }
}
