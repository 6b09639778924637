// One finding per fact. The plan's own checks and the guardrails pack (policy/) sometimes see the
// same fact (a public API server, run command, a privileged role, a wildcard rule); each such
// finding names its facts (`<topic>|<urn>[|<detail>]`) and each guardrail rule says how to name
// the fact of one of its violations. A violation whose fact a plan finding already reports is
// folded into it: one finding, at the more severe level, saying that the guardrail agrees.
// Pure module.
import type { PolicyViolation } from "./findings";
import { type Finding, SEVERITIES } from "./model";

/** A finding with the facts it reports (dropped from the plan's JSON). */
export interface FactFinding extends Finding {
    facts?: string[];
    /** Enforcement level of a guardrail finding. */
    level?: string;
}

/** How a guardrail's violation names its fact, for the rules that overlap the plan's checks. */
const POLICY_FACTS: Readonly<Record<string, (v: PolicyViolation) => string | undefined>> = {
    "aks-api-server-restricted": (v) => `api-server|${v.urn}`,
    "aks-run-command-disabled": (v) => `run-command|${v.urn}`,
    "aks-local-accounts-disabled": (v) => `local-accounts|${v.urn}`,
    "aks-entra-managed-integration": (v) => `entra-rbac|${v.urn}`,
    "aks-azure-policy-addon": (v) => `azure-policy|${v.urn}`,
    "aks-ssh-disabled": (v) => `ssh|${v.urn}`,
    "aks-image-cleaner": (v) => `image-cleaner|${v.urn}`,
    "stack-cluster-audit-logs": (v) => `audit-logs|${v.urn}`,
    "stack-cluster-admin-principals": (v) => `cluster-admin|${v.urn}`,
    "stack-cluster-wide-write": (v) => `cluster-wide-write|${v.urn}`,
    "role-assignment-no-privileged-roles": (v) => `privileged-role|${v.urn}`,
    // The Conditional Access policy excludes no group or user (no break-glass).
    "entra-ca-break-glass-exclusion": (v) => `ca-exclusion|${v.urn}`,
    // "rules[2].verbs contains ..." is about rule 2 of that Role.
    "k8s-no-wildcard-rules": (v) => {
        const rule = /^rules\[(\d+)\]/.exec(v.message)?.[1];
        return rule === undefined ? undefined : `kubernetes-rule|${v.urn}|${rule}`;
    },
    // Paths to more access (components/kubernetesRisk.ts), in a Role's rules or declared ones.
    "k8s-no-escalating-rules": (v) => {
        const rule = /^rules\[(\d+)\]/.exec(v.message)?.[1];
        return rule === undefined ? undefined : `kubernetes-rule|${v.urn}|${rule}`;
    },
    "k8s-rolebinding-known-cluster-roles": (v) => {
        const rule = /^clusterRoleRules\[(\d+)\]/.exec(v.message)?.[1];
        return rule === undefined
            ? `kubernetes-clusterrole|${v.urn}`
            : `kubernetes-rule|${v.urn}|${rule}`;
    },
    "k8s-namespace-pod-security": (v) => `pod-security|${v.urn}`,
    // A RoleBinding that runs pods where service accounts hold Azure roles.
    "k8s-pods-reach-azure": (v) => `pods-reach|${v.urn}`,
};

/** The fact a guardrail violation reports, when a plan check can report the same one. */
export function policyFact(v: PolicyViolation): string | undefined {
    return v.urn === undefined ? undefined : POLICY_FACTS[v.policy]?.(v);
}

const rank = (f: Finding) => SEVERITIES.indexOf(f.severity);

/**
 * Folds each guardrail finding (code `policy:*`) into the plan finding that reports the same fact.
 * The plan's finding stays (it names the principal, role or rule a reviewer looks for), takes the
 * more severe of the two levels and says which guardrail agrees. Plan findings never fold into
 * each other: two risks of one rule are two facts.
 */
export function dedupe(findings: FactFinding[]): Finding[] {
    const out: FactFinding[] = findings.filter((f) => !f.code.startsWith("policy:"));
    const agree = new Map<FactFinding, { rules: string[]; blocks: boolean }>();
    for (const v of findings.filter((f) => f.code.startsWith("policy:"))) {
        const fact = v.facts?.[0];
        const target = fact
            ? out
                  .filter((f) => !f.code.startsWith("policy:") && f.facts?.includes(fact))
                  .sort((a, b) => rank(a) - rank(b))[0]
            : undefined;
        if (!target) {
            out.push(v);
            continue;
        }
        const seen = agree.get(target) ?? { rules: [], blocks: false };
        const rule = v.code.slice("policy:".length);
        if (!seen.rules.includes(rule)) seen.rules.push(rule);
        seen.blocks ||= v.level === "mandatory";
        agree.set(target, seen);
        if (rank(v) < rank(target)) target.severity = v.severity;
    }
    return out.map((f) => {
        const a = agree.get(f);
        const note = a
            ? ` (guardrail${a.rules.length > 1 ? "s" : ""} ${a.rules.join(", ")} agree${a.rules.length > 1 ? "" : "s"}${a.blocks ? "; a mandatory rule: pulumi preview --policy-pack policy refuses it" : ""})`
            : "";
        return {
            code: f.code,
            severity: f.severity,
            subject: f.subject,
            message: f.message + note,
        };
    });
}
