// Cross-field rules of aks-entra:pipelines: one exact subject per credential, Azure's limits, and
// how far a pipeline that trusts pull requests may reach. Pure module.
import { declaredGuids } from "./declaredRoles";
import { MAX_FEDERATED_CREDENTIALS, NAMESPACE } from "../constants";
import { githubSubject } from "../logins";
import { show } from "../messages";
import { duplicates, grantProblems } from "../references";
import type { Drafts } from "../schema";
import type { GitHubSubject } from "../types";
import { entries, type RuleContext, rawAt } from "./context";

type PipelineDraft = NonNullable<NonNullable<Drafts["pipelines"]>[number]>;

const SUBJECT_KINDS = ["environment", "branch", "tag", "pullRequest"] as const;

export function pipelines(ctx: RuleContext): string[] {
    return entries(ctx.draft.pipelines).flatMap(([i, pl]) =>
        pipelineRules(ctx, `${NAMESPACE}:pipelines[${i}]`, pl, rawAt(ctx.raw, "pipelines", i)),
    );
}

export function uniquePipelines({ draft }: RuleContext): string[] {
    return duplicates(entries(draft.pipelines).flatMap(([, pl]) => pl.name ?? [])).map(
        (name) =>
            `${NAMESPACE}:pipelines declares ${show(name)} more than once; pipeline names must be unique`,
    );
}

function pipelineRules(
    ctx: RuleContext,
    at: string,
    pl: PipelineDraft,
    raw: Record<string, unknown>,
): string[] {
    const written = Array.isArray(raw.github) ? raw.github : [];
    const subjects = entries(pl.github);
    const namespaceAccess = entries(pl.namespaceAccess);
    return [
        ...written.flatMap((s, j) => {
            const kinds = SUBJECT_KINDS.filter((k) => Object.hasOwn(rawAt(s), k));
            return kinds.length === 1
                ? []
                : [
                      `${at}.github[${j}] ${show(inSchemaOrder(rawAt(s)))} needs exactly one of environment, branch, tag or pullRequest: true (one exact subject per credential, never a wildcard)`,
                  ];
        }),
        ...duplicates(
            subjects.flatMap(([j, s]) =>
                subjectComplete(s, written[j]) ? [githubSubject(s as GitHubSubject)] : [],
            ),
        ).map(
            (subject) =>
                `${at}.github lists subject ${show(subject)} twice; issuer+subject must be unique per identity`,
        ),
        ...(written.length > MAX_FEDERATED_CREDENTIALS
            ? [
                  `${at}.github has ${written.length} subjects; Azure allows at most ${MAX_FEDERATED_CREDENTIALS} federated credentials per identity: split the pipeline in two`,
              ]
            : []),
        ...pullRequestReach(at, pl),
        ...namespaceAccess.flatMap(([j, g]) =>
            g.namespace === undefined || ctx.declaredNamespaces.includes(g.namespace)
                ? []
                : [
                      `${at}.namespaceAccess[${j}].namespace ${show(g.namespace)} is not declared in ${NAMESPACE}:namespaces` +
                          (ctx.declaredNamespaces.length
                              ? ` (declared: ${ctx.declaredNamespaces.join(", ")})`
                              : " (none declared)"),
                  ],
        ),
        ...duplicates(namespaceAccess.flatMap(([, g]) => g.namespace ?? [])).map(
            (ns) =>
                `${at}.namespaceAccess lists namespace ${show(ns)} more than once; give the pipeline one role per namespace`,
        ),
        ...grantProblems(`${at}.azureRoleAssignments`, pl.azureRoleAssignments, declaredGuids(ctx)),
    ];
}

/** A written subject with its keys in the schema's order, for messages. */
function inSchemaOrder(s: Record<string, unknown>): Record<string, unknown> {
    const order: string[] = ["repository", ...SUBJECT_KINDS];
    const keys = [...order.filter((k) => Object.hasOwn(s, k)), ...Object.keys(s)];
    return Object.fromEntries([...new Set(keys)].map((k): [string, unknown] => [k, s[k]]));
}

/** A subject whose repository and one kind survived their schemas, so its text is known. */
function subjectComplete(
    s: NonNullable<NonNullable<PipelineDraft["github"]>[number]>,
    written: unknown,
): boolean {
    const kinds = SUBJECT_KINDS.filter((k) => Object.hasOwn(rawAt(written), k));
    return s.repository !== undefined && kinds.length === 1 && Object.hasOwn(s, kinds[0]);
}

/**
 * Anyone who can push a branch runs pull_request workflows. Such a pipeline may read the cluster
 * and deploy into namespaces (PR previews; the plan flags it), never administer.
 */
function pullRequestReach(at: string, pl: PipelineDraft): string[] {
    if (!entries(pl.github).some(([, s]) => s.pullRequest === true)) return [];
    const wider = [
        ...(pl.clusterAccess !== undefined && pl.clusterAccess !== "reader"
            ? [`clusterAccess ${pl.clusterAccess}`]
            : []),
        ...entries(pl.namespaceAccess)
            .filter(([, g]) => g.role === "admin")
            .map(([, g]) => `admin on namespace ${g.namespace}`),
    ];
    return wider.length > 0
        ? [
              `${at} trusts pull_request workflows yet has ${wider.join(", ")}; a pipeline that trusts pull requests gets at most clusterAccess reader and namespace writer: move the rest to a deploy pipeline that trusts an environment or branch`,
          ]
        : [];
}
