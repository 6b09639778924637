// How principals, roles and scopes read: names and display order (how much a role allows is the
// access model's, components/access/).
// Pure module.
import { ROLE_NAMES } from "../components/roles";
import type { Activation, GrantVia, Principal, PrincipalKind, Scope } from "./model";

export { GITHUB_ISSUER } from "../components/config";

const WORDS: Record<PrincipalKind, string> = {
    group: "group",
    user: "user",
    deployer: "",
    workload: "workload",
    pipeline: "pipeline",
    "control-plane": "identity",
    kubelet: "identity",
    "managed-identity": "identity",
    "service-account": "service account",
};

/** How each way of granting reads (the access matrix's VIA column). */
export const VIA_WORDS: Readonly<Record<GrantVia, string>> = {
    "azure-rbac": "Azure RBAC",
    "kubernetes-rbac": "Kubernetes RBAC",
    "aks-admin-group": "AKS admin group",
    "pim-eligible": "PIM eligible",
};

const KIND_ORDER: PrincipalKind[] = [
    "deployer",
    "group",
    "user",
    "pipeline",
    "workload",
    "service-account",
    "managed-identity",
    "control-plane",
    "kubelet",
];

/** Display order: people and groups first, then automation, then the cluster's own identities. */
export function principalRank(p: Principal): number {
    return KIND_ORDER.indexOf(p.kind);
}

/** How a principal reads in prose and tables: `group sre`, `workload payments/api`, `deployer`. */
export function describePrincipal(p: Principal): string {
    const word = WORDS[p.kind];
    return word ? `${word} ${p.label}` : p.label;
}

/** `Azure Kubernetes Service RBAC Writer` -> `AKS RBAC Writer`; unknown GUIDs stay GUIDs. */
export function roleName(guid: string): string {
    const name = ROLE_NAMES[guid.toLowerCase()];
    return name ? name.replace(/^Azure Kubernetes Service /, "AKS ") : `role ${guid}`;
}

/** Short label of an ARM scope: `vault kv-payments-prod`, `resource group rg-x`, `subscription <id>`. */
export function armScopeLabel(id: string): string {
    const parts = id.split("/").filter((p) => p.length > 0);
    const providers = parts.findIndex((p) => p.toLowerCase() === "providers");
    if (providers < 0) {
        const rg = parts.findIndex((p) => p.toLowerCase() === "resourcegroups");
        if (rg >= 0 && parts[rg + 1]) return `resource group ${parts[rg + 1]}`;
        if (parts[0]?.toLowerCase() === "subscriptions") return `subscription ${parts[1] ?? ""}`;
        return id;
    }
    const namespace = (parts[providers + 1] ?? "").toLowerCase();
    const type = (parts[parts.length - 2] ?? "").toLowerCase();
    const name = parts[parts.length - 1] ?? "";
    const known: Record<string, string> = {
        "microsoft.keyvault/vaults": "vault",
        "microsoft.storage/storageaccounts": "storage",
        "microsoft.servicebus/namespaces": "servicebus",
        "microsoft.eventhub/namespaces": "eventhubs",
        "microsoft.containerregistry/registries": "acr",
        "microsoft.managedidentity/userassignedidentities": "identity",
        "microsoft.containerservice/managedclusters": "aks",
        "microsoft.appconfiguration/configurationstores": "appconfig",
        "microsoft.cognitiveservices/accounts": "cognitive",
    };
    return `${known[`${namespace}/${type}`] ?? type} ${name}`;
}

/** Cluster first, then namespaces, then Azure resources. */
export function scopeRank(s: Scope): number {
    return s.kind === "cluster" ? 0 : s.kind === "namespace" ? 1 : 2;
}

/**
 * Minutes of an ISO 8601 duration of days, hours and minutes (`PT4H`, `PT1H30M`, `P1D`, and `PT1D`,
 * which the azuread provider's docs show though it takes only `P1D`); undefined when it is not one.
 */
export function durationMinutes(value: string): number | undefined {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)D)?(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(value);
    if (!m || value.endsWith("T") || m.slice(1).every((x) => x === undefined)) return undefined;
    const [days, tDays, hours, minutes] = m.slice(1).map((x) => Number(x ?? 0));
    return (days + tDays) * 24 * 60 + hours * 60 + minutes;
}

/** `4h`, `1h30m`, `30m`. */
export function minutesText(minutes: number): string {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return `${h > 0 ? `${h}h` : ""}${m > 0 || h === 0 ? `${m}m` : ""}`;
}

/**
 * How activating a just-in-time group reads: `max 4h, MFA, justification, approval by
 * platform-admins`; what the policy leaves unset is said to be PIM's own.
 */
export function activationText(a: Activation): string {
    const flag = (on: boolean | undefined, word: string) =>
        on === undefined ? `${word} per PIM's policy` : on ? word : `no ${word}`;
    return [
        a.maxMinutes === undefined ? "max per PIM's policy" : `max ${minutesText(a.maxMinutes)}`,
        flag(a.mfa, "MFA"),
        flag(a.justification, "justification"),
        a.approval === true
            ? `approval by ${a.approvers.length ? a.approvers.join(", ") : "nobody named"}`
            : flag(a.approval, "approval"),
    ].join(", ");
}
