// What the plan shows of the production-parity settings (issue 23): the cluster's autoscaler
// profile, disk encryption set and application routing, and the pod security assignment. Pure
// module.
import { AUTOSCALER_SETTINGS } from "../components/autoscalerProfile";
import { addedProperties } from "../components/extraProperties";
import { POD_SECURITY_INITIATIVES } from "../components/podSecurityPolicy";
import { lastSegment } from "./registrations";

type Props = Record<string, unknown>;

/** azure-native input name -> az name of each autoscaler setting. */
const AZ_NAME = new Map(Object.entries(AUTOSCALER_SETTINGS).map(([az, s]) => [s.arg, az]));

/** Rows of a ManagedCluster's properties for the settings above (only those set). */
export function parityClusterProperties(i: Props): Record<string, string> {
    const out: Record<string, string> = {};
    const profile = (i.autoScalerProfile ?? {}) as Record<string, unknown>;
    out.autoscalerProfile =
        Object.entries(profile)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${AZ_NAME.get(k) ?? k}=${String(v)}`)
            .join(", ") || "AKS defaults";
    out.diskEncryption =
        typeof i.diskEncryptionSetID === "string"
            ? `OS and data disks with customer-managed keys, disk encryption set ${lastSegment(i.diskEncryptionSetID)}`
            : "platform-managed keys";
    const routing = (i.ingressProfile as { webAppRouting?: { enabled?: unknown } } | undefined)
        ?.webAppRouting?.enabled;
    out.appRouting = routing === true ? "enabled (managed NGINX)" : "disabled";
    const system = ((i.agentPoolProfiles ?? []) as Props[])[0] ?? {};
    return {
        ...out,
        ...extrasRow("extraProperties", i, "cluster"),
        ...extrasRow("systemPool extras", system, "systemPool"),
    };
}

/** Rows of a pod security PolicyAssignment. */
export function podSecurityProperties(i: Props): Record<string, string> {
    const standard = Object.entries(POD_SECURITY_INITIATIVES).find(
        ([, id]) => id === i.policyDefinitionId,
    )?.[0];
    const effect = (i.parameters as { effect?: { value?: unknown } } | undefined)?.effect?.value;
    return {
        initiative: standard
            ? `Kubernetes pod security ${standard} standard (${lastSegment(i.policyDefinitionId)})`
            : String(i.policyDefinitionId),
        effect:
            effect === "deny"
                ? "deny: violating pods are refused"
                : `${String(effect)}: violations reported`,
        scope: `cluster ${lastSegment(i.scope)}`,
    };
}

/**
 * The row `label` with the extraProperties a registered cluster or pool carries, as
 * `name: value` JSON; no row when it carries none.
 */
export function extrasRow(
    label: string,
    inputs: Props,
    target: "cluster" | "systemPool" | "userPool",
): Record<string, string> {
    const added = addedProperties(target, inputs);
    return added.length === 0
        ? {}
        : { [label]: added.map((k) => `${k}: ${JSON.stringify(inputs[k])}`).join("; ") };
}
