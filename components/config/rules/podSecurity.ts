// Pod Security Admission of the namespaces the stack creates (issue 29, item 5): the defaults and
// the rule that a namespace a pull_request pipeline can write enforces "restricted". Without it a
// namespace writer runs a privileged hostPath pod and takes the node, every token on it and the
// kubelet identity (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
// Pure module.
import { NAMESPACE, POD_SECURITY_LEVELS, type PodSecurityLevel } from "../constants";
import { show } from "../messages";
import type { Drafts } from "../schema";
import type { PodSecurity } from "../types";
import { entries, type RuleContext } from "./context";

type NamespaceDraft = NonNullable<NonNullable<Drafts["namespaces"]>[number]>;
type PipelineDraft = NonNullable<NonNullable<Drafts["pipelines"]>[number]>;

/**
 * `latest`: the labels follow the cluster's Kubernetes version. The levels only ever gained checks
 * that close holes, and warn/audit at restricted show a tightening before anything enforces it;
 * a pinned v1.MINOR (podSecurity.version) would silently keep an old cluster's definition after
 * AKS auto-upgrades the control plane.
 */
export const POD_SECURITY_DEFAULTS = {
    enforce: "baseline",
    warn: "restricted",
    audit: "restricted",
    version: "latest",
} as const satisfies PodSecurity;

/** Level index, loosest first. */
export const podSecurityRank = (level: PodSecurityLevel): number =>
    POD_SECURITY_LEVELS.indexOf(level);

/** The pull_request pipelines (with their index) that can write in a namespace. */
function pullRequestWriters(
    namespace: string | undefined,
    pipelines: readonly (PipelineDraft | undefined)[] | undefined,
): [number, PipelineDraft][] {
    return entries(pipelines).filter(
        ([, pl]) =>
            (pl.github ?? []).some((s) => s?.pullRequest === true) &&
            (pl.namespaceAccess ?? []).some(
                (g) => g?.namespace === namespace && ["writer", "admin"].includes(g?.role ?? ""),
            ),
    );
}

/** A namespace's labels as configured, defaults applied: restricted where pull requests write. */
export function podSecurityOf(
    ns: NamespaceDraft,
    pipelines: readonly (PipelineDraft | undefined)[] | undefined,
): PodSecurity {
    const prWritten = pullRequestWriters(ns.name, pipelines).length > 0;
    return {
        enforce: ns.podSecurity?.enforce ?? (prWritten ? "restricted" : "baseline"),
        warn: ns.podSecurity?.warn ?? POD_SECURITY_DEFAULTS.warn,
        audit: ns.podSecurity?.audit ?? POD_SECURITY_DEFAULTS.audit,
        version: ns.podSecurity?.version ?? POD_SECURITY_DEFAULTS.version,
    };
}

/** The `pod-security.kubernetes.io/*` labels of a namespace. */
export function podSecurityLabels(ps: PodSecurity): Record<string, string> {
    const out: Record<string, string> = {};
    for (const mode of ["enforce", "warn", "audit"] as const) {
        out[`pod-security.kubernetes.io/${mode}`] = ps[mode];
        out[`pod-security.kubernetes.io/${mode}-version`] = ps.version;
    }
    return out;
}

export function podSecurity(ctx: RuleContext): string[] {
    return entries(ctx.draft.namespaces).flatMap(([i, ns]) => {
        const enforce = ns.podSecurity?.enforce;
        if (enforce === undefined || enforce === "restricted") return [];
        return pullRequestWriters(ns.name, ctx.draft.pipelines).map(
            ([j, pl]) =>
                `${NAMESPACE}:namespaces[${i}].podSecurity.enforce ${show(enforce)} is looser than "restricted", and pull_request workflows of ${NAMESPACE}:pipelines[${j}] ${show(pl.name)} can write in namespace ${show(ns.name)}: code from any branch with a pull request could run a privileged or hostPath pod there and take the node. Set podSecurity.enforce to "restricted" (the default there), or give the pull_request pipeline reader`,
        );
    });
}
