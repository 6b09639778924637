// Shared pieces of the bad-input tables (badInput.test.ts, hostileConfigs.ts).
import { stackConfig } from "./helpers";

// Stack config is free-form YAML that cases build and edit.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Config = Record<string, any>;

export interface BadInput {
    what: string;
    config: Config;
    /** Every problem line, exactly, in the order reported. */
    problems: string[];
}

export const SRE = "0b9e6d2c-7a4f-4e8b-b1c3-2d5f6a7e8c90";
export const RESERVED =
    "reserved: default, gatekeeper-system, app-routing-system, aks-command, calico-system, tigera-operator, kube-*";
export const NOT_A_ROLE =
    "use a role GUID or one of: Reader, Storage Blob Data Reader, Key Vault Secrets User, AcrPull, ... (docs/configuration.md: Configuration reference)";

/** A config with only a location, plus `extra` keys (without the aks-entra: namespace). */
export function min(extra: Config = {}): Config {
    return {
        "aks-entra:location": "westeurope",
        ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`aks-entra:${k}`, v])),
    };
}

/** Pulumi.dev.yaml's config (complete and valid) with one edit. */
export function dev(edit: (c: Config) => unknown): Config {
    const config = structuredClone(stackConfig("dev")) as Config;
    edit(config);
    return config;
}

/** One workload in namespace `web` granted `role` on `scope`. */
export function grantOn(scope: string, role = "Reader"): Config {
    return min({
        namespaces: [
            {
                name: "web",
                workloads: [{ serviceAccount: "api", azureRoleAssignments: [{ role, scope }] }],
            },
        ],
    });
}

export const pipeline = (extra: Config = {}): Config => ({
    name: "deploy",
    github: [{ repository: "contoso/payments", branch: "main" }],
    ...extra,
});

/** The form an Azure resource id takes, as messages state it. */
export const ARM_ID =
    "/subscriptions/<guid>[/resourceGroups/<name>][/providers/<Namespace>/<type>/<name>[/<type>/<name>]...]";

export const KV =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";

/** Microsoft.Network of the hub subscription the network cases use. */
export const NETWORK =
    "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-network/providers/Microsoft.Network";
/** A subnet of your own VNet (cluster.network.subnetId). */
export const SUBNET = `${NETWORK}/virtualNetworks/vnet-spoke/subnets/aks`;
