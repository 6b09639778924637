// Policies on the cluster's observability and secrets add-ons (aks-entra:cluster.monitoring,
// cluster.secretsStore): the monitoring agent ingests with its managed identity, never a shared
// workspace key; the Secrets Store CSI driver rotates what it mounts.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPE } from "./azure";
import { onType, readFolded } from "./cluster";
import { isUnknown, read, show } from "./read";

export const containerInsightsManagedIdentity: ResourceValidationPolicy = {
    name: "aks-container-insights-managed-identity",
    description:
        "The monitoring add-on (Container Insights), when on, authenticates to its workspace with its managed identity (useAADAuth), not a shared workspace key.",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.cluster, (props, _args, report) => {
        const oms = readFolded(read(props, "addonProfiles"), "omsagent");
        if (isUnknown(oms) || read(oms, "enabled") !== true) return;
        const aad = read(oms, "config", "useAADAuth");
        if (isUnknown(aad) || aad === "true") return;
        report(
            `addonProfiles.omsagent.config.useAADAuth is ${show(aad)}; the monitoring agent would ingest with the workspace's shared key, which anyone who reads the cluster's add-on secret can use to write into the workspace: set it to "true" (managed-identity ingestion, the stack's default with aks-entra:cluster.monitoring.containerInsights)`,
        );
    }),
};

export const secretsStoreRotation: ResourceValidationPolicy = {
    name: "aks-secrets-store-rotation",
    description:
        "The Key Vault Secrets Store CSI driver, when on, rotates mounted secrets (enableSecretRotation).",
    enforcementLevel: "mandatory",
    validateResource: onType(TYPE.cluster, (props, _args, report) => {
        const kv = readFolded(read(props, "addonProfiles"), "azureKeyvaultSecretsProvider");
        if (isUnknown(kv) || read(kv, "enabled") !== true) return;
        const rotation = read(kv, "config", "enableSecretRotation");
        if (isUnknown(rotation) || rotation === "true") return;
        report(
            `addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation is ${show(rotation)}; a secret rotated or revoked in the vault would stay mounted in running pods until they restart: set it to "true" (aks-entra:cluster.secretsStore always does)`,
        );
    }),
};

export const addonPolicies: ResourceValidationPolicy[] = [
    containerInsightsManagedIdentity,
    secretsStoreRotation,
];
