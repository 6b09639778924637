// What Azure Policy answers to a policy assignment the stack registers (cluster.podSecurity): the
// built-in initiatives it knows and the values their parameters allow. Pure module.
import { POD_SECURITY_INITIATIVES } from "../components/podSecurityPolicy";

type Props = Record<string, unknown>;

/**
 * The `effect` values of the pod security initiatives ("Kubernetes cluster pod security
 * baseline/restricted standards for Linux-based workloads": audit, deny, disabled).
 */
const EFFECTS = ["audit", "deny", "disabled"];

/**
 * ARM's refusals of a policy assignment: a definition id no built-in has (PolicyDefinitionNotFound),
 * a parameter the initiative does not declare or a value outside its allowed values
 * (InvalidPolicyParameters), and a scope that is no cluster.
 */
export function policyAssignmentProblems(inputs: Props): string[] {
    const id = String(inputs.policyDefinitionId);
    if (!Object.values(POD_SECURITY_INITIATIVES).includes(id)) {
        return [
            `PolicySetDefinitionNotFound: The policy set definition '${id}' could not be found`,
        ];
    }
    const out: string[] = [];
    const params = (inputs.parameters ?? {}) as Record<string, { value?: unknown }>;
    for (const [name, p] of Object.entries(params)) {
        if (name !== "effect") {
            out.push(
                `InvalidPolicyParameters: The policy set definition '${id}' has no parameter '${name}'`,
            );
        } else if (!EFFECTS.includes(String(p.value))) {
            out.push(
                `InvalidPolicyParameters: The value '${String(p.value)}' is not allowed for policy parameter 'effect'; allowed values: ${EFFECTS.join(", ")}`,
            );
        }
    }
    if (
        !/\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i.test(
            String(inputs.scope),
        )
    ) {
        out.push(`InvalidScope: ${String(inputs.scope)} is not a managed cluster`);
    }
    return out;
}
