// The pod security initiative assigned at a cluster (aks-entra:cluster.podSecurity): an assignment
// that looks like protection but enforces nothing (effect disabled, or DoNotEnforce) is refused.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, read, show, str } from "./read";

/** Azure Policy assignments, with or without an explicit API version. */
const POLICY_ASSIGNMENT = /^azure-native:authorization(\/v[^:]+)?:PolicyAssignment$/;

/**
 * Microsoft's "Kubernetes cluster pod security baseline/restricted standards for Linux-based
 * workloads" initiatives (docs/azure-facts.md, "Pod security initiatives").
 */
const INITIATIVES: Readonly<Record<string, string>> = {
    "a8640138-9b0a-4a28-b8cb-1666c838647d": "baseline",
    "42b8ef37-b724-4e24-bbc8-7a7708edfe00": "restricted",
};

export const podSecurityEnforced: ResourceValidationPolicy = {
    name: "aks-pod-security-enforced",
    description:
        "A pod security initiative assigned to a cluster acts: effect audit or deny, enforcementMode Default.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (!POLICY_ASSIGNMENT.test(args.type)) return;
        const props = args.props as Record<string, unknown>;
        const id = str(read(props, "policyDefinitionId"));
        const standard = INITIATIVES[(id ?? "").split("/").pop()?.toLowerCase() ?? ""];
        if (standard === undefined) return;
        const effect = read(props, "parameters", "effect", "value");
        if (!isUnknown(effect) && String(effect).toLowerCase() === "disabled") {
            report(
                `the pod security ${standard} initiative is assigned with effect ${show(effect)}: it checks no pod; use audit or deny (aks-entra:cluster.podSecurity.effect)`,
            );
        }
        const mode = read(props, "enforcementMode");
        if (!isUnknown(mode) && mode !== undefined && mode !== "Default") {
            report(
                `the pod security ${standard} initiative is assigned with enforcementMode ${show(mode)}: Azure Policy neither denies nor reports through it; use Default`,
            );
        }
    },
};
