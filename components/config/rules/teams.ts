// Cross-field rules of team stacks (docs/team-stacks.md): a platform stack's aks-entra:teams, and
// what a team stack (aks-entra:platform) may not declare because it belongs to the platform or
// reaches outside the team's namespaces. What needs the platform's outputs (which namespaces and
// resource group the team owns) is checked by components/teamBoundary.ts. Pure module.
import { NAMESPACE } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import type { ConfigKey } from "../schema";
import { entries, type RuleContext, rawAt } from "./context";
import { reservedName } from "./namespaces";

/** Keys of the platform stack: a team stack creates no cluster, admin group or audit trail. */
export const PLATFORM_ONLY_KEYS: readonly ConfigKey[] = [
    "cluster",
    "kubernetesVersion",
    "admins",
    "clusterAccess",
    "conditionalAccess",
    "auditLogs",
    "names",
    "teams",
    "stateBackend",
];

export function teams(ctx: RuleContext): string[] {
    const { draft, raw } = ctx;
    const problems: string[] = [];
    const owner = new Map<string, string>();
    const declared = new Set(ctx.declaredNamespaces);
    for (const [team, t] of Object.entries(draft.teams ?? {})) {
        if (t === undefined) continue;
        const at = `${NAMESPACE}:teams.${team}`;
        for (const [i, ns] of entries(t.namespaces)) {
            const where = `${at}.namespaces[${i}]`;
            problems.push(...reservedName(where, ns).map((p) => p.replace(".name ", " ")));
            const first = owner.get(ns);
            if (first !== undefined && first !== team) {
                problems.push(
                    `${where} ${show(ns)} is already a namespace of team ${first}; a namespace belongs to one team`,
                );
            } else {
                owner.set(ns, team);
            }
            if (declared.has(ns)) {
                problems.push(
                    `${where} ${show(ns)} is also declared in ${NAMESPACE}:namespaces; the platform creates a team's namespace from its team entry and the team stack configures it: remove it from ${NAMESPACE}:namespaces`,
                );
            }
        }
        problems.push(
            ...duplicates(entries(t.namespaces).map(([, n]) => n)).map(
                (n) => `${at}.namespaces lists ${show(n)} more than once`,
            ),
        );
        for (const [i, g] of entries(t.groups)) {
            const p = ctx.groups.problem(`${at}.groups[${i}]`, g);
            if (p !== undefined) problems.push(p);
        }
        const written = rawAt(raw, "teams", team, "pipeline").github;
        (Array.isArray(written) ? written : []).forEach((s, i) => {
            const subject = rawAt(s);
            const kinds = ["branch", "tag", "pullRequest"].filter((k) => Object.hasOwn(subject, k));
            if (!Object.hasOwn(subject, "environment") || kinds.length > 0) {
                problems.push(
                    `${at}.pipeline.github[${i}] must name an environment and nothing else (e.g. { repository: ${typeof subject.repository === "string" ? subject.repository : "<owner>/<repo>"}, environment: team-${team} }): the team's deployment identity deploys its team stack from a protected GitHub environment, never from a branch, tag or pull request`,
                );
            }
        });
    }
    if (
        Object.hasOwn(raw, "stateBackend") &&
        !Object.hasOwn(raw, "teams") &&
        !Object.hasOwn(raw, "platform")
    ) {
        problems.push(
            `${NAMESPACE}:stateBackend is set but ${NAMESPACE}:teams is not: the platform stack gives its teams' deployment identities their state access from it, and this stack declares no team; remove it`,
        );
    }
    if (draft.teams !== undefined && Object.hasOwn(raw, "platform")) {
        problems.push(
            `${NAMESPACE}:platform and ${NAMESPACE}:teams are both set: a stack is either a platform stack (it declares teams) or a team stack of one (it names its platform); remove one`,
        );
    }
    return problems;
}

/** What a team stack (aks-entra:platform set) may not declare. */
export function teamStack(ctx: RuleContext): string[] {
    const { draft, raw } = ctx;
    if (!Object.hasOwn(raw, "platform")) return [];
    const at = (key: string) => `${NAMESPACE}:${key}`;
    const team = draft.platform?.team ?? "<team>";
    return [
        ...PLATFORM_ONLY_KEYS.filter((k) => Object.hasOwn(raw, k) && k !== "teams").map(
            (k) =>
                `${at(k)} is the platform stack's: a team stack (${at("platform")}) creates no cluster and changes nothing outside the namespaces of team ${team}; remove it`,
        ),
        ...entries(draft.namespaces).flatMap(([i, ns]) =>
            Object.hasOwn(rawAt(raw, "namespaces", i), "podSecurity")
                ? [
                      `${at(`namespaces[${i}].podSecurity`)} is the platform stack's: it creates namespace ${show(ns.name)} with its Pod Security labels; remove it`,
                  ]
                : [],
        ),
        ...entries(draft.pipelines).flatMap(([i, pl]) =>
            pl.clusterAccess === undefined
                ? []
                : [
                      `${at(`pipelines[${i}].clusterAccess`)} ${show(pl.clusterAccess)} is access to the whole cluster, which a team stack cannot grant; use namespaceAccess on the namespaces of team ${team}`,
                  ],
        ),
        ...entries(draft.jit).flatMap(([i, j]) =>
            j.namespace === undefined
                ? [
                      `${at(`jit[${i}]`)} ${show(j.name)} has no namespace, so it is access to the whole cluster, which a team stack cannot grant; set namespace to one of the namespaces of team ${team}`,
                  ]
                : [],
        ),
        ...(rawAt(raw, "deployer").clusterAdmin === true
            ? [
                  `${at("deployer.clusterAdmin")} true is a grant on the platform's cluster, which a team stack cannot make; the team's deployment identity holds its rights from the platform stack (docs/team-stacks.md): remove it`,
              ]
            : []),
    ];
}
