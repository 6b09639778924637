// Pod Security admission in `--diff` (issue 29): a namespace's enforce, warn and audit labels are
// access (what anyone who creates a pod there may run), so a change of them is an access change:
// widened when enforce loosens (baseline -> privileged admits hostPath pods, which take the node),
// narrowed when it tightens, changed otherwise. A base written before the plan listed them (no
// `podSecurity`) says nothing about them. Pure module.
import { enforceRank, type PodAdmission, POD_ADMISSION_MODES } from "../components/access";
import type { AccessChange } from "./diff";
import type { Plan } from "./model";

/** How the changes read: the principal is whoever creates pods in the namespace. */
export const POD_SECURITY_PRINCIPAL = "Pod Security";

/** `enforce baseline`, `warn restricted`, `audit (none)`. */
const labels = (p: PodAdmission | undefined): string[] =>
    p ? POD_ADMISSION_MODES.map((m) => `${m} ${p[m] || "(none)"}`) : [];

export function podSecurityChanges(base: Plan, current: Plan): AccessChange[] {
    if (base.podSecurity === undefined) return [];
    const before = new Map(base.podSecurity.map((p) => [p.namespace, p]));
    const after = new Map((current.podSecurity ?? []).map((p) => [p.namespace, p]));
    const out: AccessChange[] = [];
    for (const ns of new Set([...before.keys(), ...after.keys()])) {
        const [b, a] = [before.get(ns), after.get(ns)];
        const lost = labels(b).filter((l) => !labels(a).includes(l));
        const gained = labels(a).filter((l) => !labels(b).includes(l));
        if (lost.length === 0 && gained.length === 0) continue;
        const trend = a && b ? enforceRank(a.enforce) - enforceRank(b.enforce) : 0;
        out.push({
            kind: !b
                ? "added"
                : !a
                  ? "removed"
                  : trend < 0
                    ? "widened"
                    : trend > 0
                      ? "narrowed"
                      : "changed",
            principal: POD_SECURITY_PRINCIPAL,
            scope: `namespace ${ns}`,
            podSecurity: true,
            removed: lost,
            added: gained,
            after: labels(a),
        });
    }
    return out;
}
