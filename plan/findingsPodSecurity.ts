// Findings about Pod Security Admission of the namespaces the stack creates (issue 29, item 5): a
// namespace that enforces no level, or "privileged", admits privileged and hostPath pods, which take
// the node, every token on it and the kubelet identity (HIGH); warn or audit looser than
// "restricted" hides what restricted would refuse (LOW). Read off the Namespace registrations, so
// the plan reports what would be deployed. Pure module.
import { POD_SECURITY_LEVELS } from "../components/config/constants";
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";
import { at, text, TYPES } from "./registrations";

const LABEL = "pod-security.kubernetes.io";

export function podSecurityFindings({ index, config }: FindingContext): FactFinding[] {
    const out: FactFinding[] = [];
    for (const n of index.ofType(TYPES.namespace)) {
        const name = text(at(n.inputs, "metadata", "name"));
        const label = (mode: string) =>
            text(at(n.inputs, "metadata", "labels", `${LABEL}/${mode}`));
        const i = config.namespaces.findIndex((ns) => ns.name === name);
        const key = i < 0 ? "" : ` (aks-entra:namespaces[${i}].podSecurity)`;
        const enforce = label("enforce");
        if (
            !(POD_SECURITY_LEVELS as readonly string[]).includes(enforce) ||
            enforce === "privileged"
        ) {
            out.push({
                code: "pod-security",
                severity: "high",
                subject: n.urn,
                message: `namespace ${name} enforces ${enforce ? `Pod Security "${enforce}"` : "no Pod Security level"}${key}: anyone who can create a pod there can run it privileged or with hostPath and take the node, every service account token on it and the kubelet identity; enforce "baseline" or "restricted"`,
                facts: [`pod-security|${n.urn}`],
            });
        }
        const loose = ["warn", "audit"].filter((m) => label(m) !== "restricted");
        if (loose.length > 0) {
            out.push({
                code: "pod-security-visibility",
                severity: "low",
                subject: n.urn,
                message: `namespace ${name} ${loose.map((m) => `${m}s at "${label(m) || "nothing"}"`).join(" and ")}${key}: pods that "restricted" would refuse pass without a warning or audit mark`,
            });
        }
    }
    return out;
}
