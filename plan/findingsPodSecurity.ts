// Findings about Pod Security Admission of the namespaces the stack creates (issue 29, item 5): a
// namespace that enforces no level, or "privileged", admits privileged and hostPath pods, which take
// the node, every token on it and the kubelet identity (HIGH); warn or audit looser than
// "restricted" hides what restricted would refuse (LOW). Read off the access model's Pod Security
// admission (components/access/podAdmission.ts), so the plan reports what would be deployed.
// Pure module.
import { enforceRank } from "../components/access";
import type { FactFinding } from "./dedupe";
import type { FindingContext } from "./findings";

export function podSecurityFindings({ access, config }: FindingContext): FactFinding[] {
    const out: FactFinding[] = [];
    for (const p of access.podAdmission) {
        const name = p.namespace;
        const i = config.namespaces.findIndex((ns) => ns.name === name);
        const key = i < 0 ? "" : ` (aks-entra:namespaces[${i}].podSecurity)`;
        const enforce = p.enforce;
        if (enforceRank(enforce) < enforceRank("baseline")) {
            out.push({
                code: "pod-security",
                severity: "high",
                subject: p.source,
                message: `namespace ${name} enforces ${enforce ? `Pod Security "${enforce}"` : "no Pod Security level"}${key}: anyone who can create a pod there can run it privileged or with hostPath and take the node, every service account token on it and the kubelet identity; enforce "baseline" or "restricted"`,
                facts: [`pod-security|${p.source}`],
            });
        }
        const loose = (["warn", "audit"] as const).filter((m) => p[m] !== "restricted");
        if (loose.length > 0) {
            out.push({
                code: "pod-security-visibility",
                severity: "low",
                subject: p.source,
                message: `namespace ${name} ${loose.map((m) => `${m}s at "${p[m] || "nothing"}"`).join(" and ")}${key}: pods that "restricted" would refuse pass without a warning or audit mark`,
            });
        }
    }
    return out;
}
