// Findings about how the cluster keeps up with fixes: a Kubernetes upgrade channel that never
// moves (autoUpgradeChannel none) and node OS channels that leave security patches to the nodes or
// to nobody (Unmanaged, None). AKS's channels: learn.microsoft.com/azure/aks/auto-upgrade-cluster
// and learn.microsoft.com/azure/aks/auto-upgrade-node-os-image (docs/azure-facts.md, "Upgrade
// channels"). Pure module.
import type { FactFinding } from "./dedupe";
import { at, text } from "./registrations";

/** What a node OS channel leaves undone, per AKS's channel table. */
const NODE_OS: Readonly<Record<string, string>> = {
    None: "nodes get no security updates from AKS or the OS: you alone patch them",
    Unmanaged:
        "the OS patches nodes on its own schedule (Ubuntu's unattended upgrades, about daily), new nodes start unpatched, and nothing reboots them to apply kernel fixes (AKS points to kured); on some OS SKUs it behaves as None",
};

/** The upgrade channels of a ManagedCluster's inputs, as findings about `subject`. */
export function upgradeFindings(inputs: Record<string, unknown>, subject: string): FactFinding[] {
    const out: FactFinding[] = [];
    const channel = text(at(inputs, "autoUpgradeProfile", "upgradeChannel"));
    if (channel === "none") {
        out.push({
            code: "auto-upgrade-off",
            severity: "low",
            subject,
            message:
                'aks-entra:cluster.autoUpgradeChannel is "none": AKS never applies Kubernetes patch releases (security fixes included) to this cluster; someone must run az aks upgrade for each. Use "patch" (the default) unless upgrades are scheduled elsewhere',
        });
    }
    const nodeOs = text(at(inputs, "autoUpgradeProfile", "nodeOSUpgradeChannel"));
    const why = NODE_OS[nodeOs];
    if (why !== undefined) {
        out.push({
            code: "node-os-patches-unmanaged",
            severity: "medium",
            subject,
            message: `aks-entra:cluster.nodeOsUpgradeChannel is "${nodeOs}": ${why}. Use NodeImage (the default) or SecurityPatch`,
        });
    }
    return out;
}
