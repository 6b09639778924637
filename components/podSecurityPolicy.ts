// cluster.podSecurity: Microsoft's built-in Kubernetes pod security initiative assigned to the
// cluster, so the Azure Policy add-on (on by default) enforces a Pod Security Standard in every
// namespace it does not exclude. docs/azure-facts.md, "Pod security initiatives".
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

export const POD_SECURITY_STANDARDS = ["baseline", "restricted"] as const;
export type PodSecurityStandard = (typeof POD_SECURITY_STANDARDS)[number];
/** The initiatives' `effect` parameter as this stack offers it (`disabled` is no key at all). */
export const POD_SECURITY_EFFECTS = ["audit", "deny"] as const;
export type PodSecurityEffect = (typeof POD_SECURITY_EFFECTS)[number];

/**
 * The built-in policy set definitions "Kubernetes cluster pod security baseline/restricted
 * standards for Linux-based workloads" (learn.microsoft.com/azure/aks/use-azure-policy;
 * mspnp/aks-baseline assigns the restricted one).
 */
export const POD_SECURITY_INITIATIVES: Readonly<Record<PodSecurityStandard, string>> = {
    baseline:
        "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d",
    restricted:
        "/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00",
};

export interface PodSecurityAssignmentArgs {
    /** ARM id of the cluster: the assignment's scope. */
    readonly clusterId: pulumi.Input<string>;
    readonly standard: PodSecurityStandard;
    /** Defaults to audit: violations are reported, not refused. */
    readonly effect?: PodSecurityEffect;
}

/**
 * The initiative of `standard` assigned at the cluster with its effect. Its name is the standard,
 * fixed per cluster scope; audit and deny need no managed identity (no location, no grant).
 */
export function podSecurityAssignment(
    name: string,
    args: PodSecurityAssignmentArgs,
    opts: pulumi.CustomResourceOptions,
): authorization.PolicyAssignment {
    const effect = args.effect ?? "audit";
    return new authorization.PolicyAssignment(
        name,
        {
            scope: args.clusterId,
            policyAssignmentName: `aks-entra-pod-security-${args.standard}`,
            policyDefinitionId: POD_SECURITY_INITIATIVES[args.standard],
            displayName: `Kubernetes pod security ${args.standard} standard (${effect})`,
            description:
                "Assigned by aks-entra (cluster.podSecurity): the Azure Policy add-on checks every pod against the Pod Security Standard",
            parameters: { effect: { value: effect } },
            enforcementMode: "Default",
        },
        opts,
    );
}
