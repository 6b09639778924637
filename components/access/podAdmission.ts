// Pod Security admission: what anyone who can create a pod in a namespace may run there. A
// namespace that enforces "privileged" (or nothing) admits privileged and hostPath pods, which
// take the node, every token on it and the kubelet identity, so its labels are access as much as
// a grant is (issue 29, item 5): the plan lists them and `--diff` compares them as access.
// Read off the Namespace registrations. Pure module.
import { at, text, TYPES } from "../../plan/registrations";
import type { RegistrationIndex } from "../../plan/registrations";
import { POD_SECURITY_LEVELS } from "../config/constants";

const LABEL = "pod-security.kubernetes.io";

/** The Pod Security Admission labels of one namespace the stack creates ("" where unset). */
export interface PodAdmission {
    namespace: string;
    enforce: string;
    warn: string;
    audit: string;
    /** URN of the Namespace. */
    source: string;
}

export const POD_ADMISSION_MODES = ["enforce", "warn", "audit"] as const;

/** Rank of an enforced level: -1 for none or an unknown value (admits anything), then by strictness. */
export function enforceRank(level: string): number {
    return (POD_SECURITY_LEVELS as readonly string[]).indexOf(level);
}

export function podAdmission(index: RegistrationIndex): PodAdmission[] {
    return index
        .ofType(TYPES.namespace)
        .map((n) => {
            const label = (mode: string) =>
                text(at(n.inputs, "metadata", "labels", `${LABEL}/${mode}`));
            return {
                namespace: text(at(n.inputs, "metadata", "name")),
                enforce: label("enforce"),
                warn: label("warn"),
                audit: label("audit"),
                source: n.urn,
            };
        })
        .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
}
