// Cross-field rules of the hardening keys (cluster.imageCleaner, defender, kms, maintenance,
// containerRegistries) and of aks-entra:auditLogs. Pure module.
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import { keyVaultKeyParts } from "../values";
import { type RuleContext, rawAt } from "./context";

/**
 * The audit trail: its own workspace keeps its own retention; kube-audit holds every event of
 * kube-audit-admin, so both pay twice for the same writes; a disabled trail takes no settings.
 */
export function auditLogs({ draft, raw }: RuleContext): string[] {
    const a = draft.auditLogs;
    if (a === undefined) return [];
    const key = `${NAMESPACE}:auditLogs`;
    const written = rawAt(raw, "auditLogs");
    const out: string[] = [];
    if (a.enabled === false) {
        const others = Object.keys(written).filter((k) => k !== "enabled");
        if (others.length > 0) {
            out.push(
                `${key}.enabled is false, so ${others.join(", ")} would do nothing; remove ${others.length === 1 ? "it" : "them"} or turn the audit trail on`,
            );
        }
        return out;
    }
    if (Object.hasOwn(written, "workspaceId") && Object.hasOwn(written, "retentionDays")) {
        out.push(
            `${key}.retentionDays sets the retention of the workspace the stack creates; your workspace ${show(written.workspaceId)} keeps its own (set it there), so remove retentionDays or workspaceId`,
        );
    }
    const categories = (a.categories ?? []).filter((c) => c !== undefined);
    for (const c of duplicates(categories)) {
        out.push(`${key}.categories lists ${show(c)} twice`);
    }
    if (categories.includes("kube-audit") && categories.includes("kube-audit-admin")) {
        out.push(
            `${key}.categories lists kube-audit and kube-audit-admin: kube-audit already holds every kube-audit-admin event (it adds get and list), so the writes would be ingested and paid for twice; keep one`,
        );
    }
    return out;
}

/**
 * Hardening keys that need a partner: Image Cleaner's interval needs Image Cleaner, Defender a
 * workspace, KMS a key of the vault it names and, with a private vault, API Server VNet
 * Integration, a maintenance window the upgrade channel it times, and a registry is listed once.
 */
export function hardening({ draft, raw }: RuleContext): string[] {
    const c = draft.cluster ?? {};
    const written = rawAt(raw, "cluster");
    const key = `${NAMESPACE}:cluster`;
    const out: string[] = [];
    if (
        c.imageCleaner?.enabled === false &&
        Object.hasOwn(rawAt(written, "imageCleaner"), "intervalHours")
    ) {
        out.push(
            `${key}.imageCleaner.intervalHours applies only when Image Cleaner runs; remove it or set imageCleaner.enabled: true`,
        );
    }
    const audit = draft.auditLogs ?? {};
    if (
        c.defender !== undefined &&
        c.defender.workspaceId === undefined &&
        !Object.hasOwn(rawAt(written, "defender"), "workspaceId") &&
        audit.enabled === false &&
        audit.workspaceId === undefined
    ) {
        out.push(
            `${key}.defender needs a Log Analytics workspace: set defender.workspaceId, or leave aks-entra:auditLogs on (Defender then uses the audit workspace)`,
        );
    }
    if (c.kms?.keyId !== undefined && c.kms.keyVaultId !== undefined) {
        const vault = keyVaultKeyParts(c.kms.keyId)?.vault;
        const named = c.kms.keyVaultId.split("/").pop()?.toLowerCase();
        if (vault !== undefined && vault !== named) {
            out.push(
                `${key}.kms.keyId ${show(c.kms.keyId)} is a key of vault ${show(vault)}, but keyVaultId names vault ${show(named)}; the control plane is granted Key Vault Crypto User on the key inside keyVaultId, so both must name the same vault`,
            );
        }
    }
    if (
        c.kms?.network === "private" &&
        !Object.hasOwn(rawAt(written, "network"), "apiServerSubnetId")
    ) {
        out.push(
            `${key}.kms.network "private" needs cluster.network.apiServerSubnetId: AKS reaches a private key vault only through API Server VNet Integration (Konnectivity is not offered for private key vaults to subscriptions since 2024-09-15; learn.microsoft.com/azure/aks/use-kms-etcd-encryption). Set cluster.network.apiServerSubnetId to a subnet of the nodes' VNet (cluster.network.subnetId) delegated to Microsoft.ContainerService/managedClusters, at least /28, or use kms.network "public" (docs/azure-policy.md: Azure Policy built-ins, KMS etcd encryption)`,
        );
    }
    const auto = c.autoUpgradeChannel ?? "patch";
    if (c.maintenance?.autoUpgrade !== undefined && auto === "none") {
        out.push(
            `${key}.maintenance.autoUpgrade times cluster upgrades, but autoUpgradeChannel is "none": nothing would run in the window; remove it or choose a channel`,
        );
    }
    const nodeOs = c.nodeOsUpgradeChannel ?? "NodeImage";
    if (c.maintenance?.nodeOs !== undefined && (nodeOs === "None" || nodeOs === "Unmanaged")) {
        out.push(
            `${key}.maintenance.nodeOs times node OS upgrades, but nodeOsUpgradeChannel is ${show(nodeOs)}: AKS schedules none; remove it or use NodeImage or SecurityPatch`,
        );
    }
    const registries = (c.containerRegistries ?? [])
        .filter((r) => r !== undefined)
        .map((r) => r.toLowerCase());
    for (const r of duplicates(registries)) {
        out.push(`${key}.containerRegistries lists ${show(r)} twice`);
    }
    return out;
}
