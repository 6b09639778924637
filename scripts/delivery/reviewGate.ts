// The review gate of .github/workflows/review-gate.yml (docs/delivery.md: The review gate). It runs
// from the BASE branch's checkout, on plans the base's code made (scripts/delivery/gate-plan.sh),
// so a pull request cannot weaken the plan or the policy pack it is judged by.
//
// It passes when every path that needs review has an approving review, on the pull request's head
// commit, by someone other than its author who owns that path in the base's CODEOWNERS:
//   - a stack file whose plan changes access (`--diff` exit 2), a new or a deleted stack file;
//   - every changed file under the paths that decide access: stack files, Pulumi.yaml, profiles/,
//     policy/, plan/, bootstrap/, .github/, scripts/delivery/.
// A replacement (`--diff` exit 4, kind "replaces") passes only with its own approval: an approving
// review on the head commit, by an owner of the stack file, whose body has the line
//   approve-replacement <urn>
// A change Azure refuses in place (kind "refused") never passes: `pulumi up` would fail halfway.
//
// Approvals on an earlier commit never count, whatever the repository's rulesets say: a push after
// an approval fails the gate until someone approves the new head. Team owners (@org/team) are
// checked with `gh api orgs/<org>/teams/<team>/memberships/<login>`; GitHub's workflow token cannot
// read team membership (it answers 404), and then the gate accepts GitHub's own verdict instead:
// the pull request's reviewDecision is APPROVED, which with the ruleset of docs/delivery.md means a
// code owner approved and no push came after it. A replacement never falls back: its approver must
// be confirmed an owner.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { ownersOf, parseCodeowners, type Rule } from "./codeowners";

/** Paths whose every change needs an owner's approval (they decide who gets access). */
export const GUARDED = [
    /^Pulumi(\.[^/]+)?\.ya?ml$/,
    /^profiles\//,
    /^policy\//,
    /^plan\//,
    /^bootstrap\//,
    /^\.github\//,
    /^scripts\/delivery\//,
];

export interface Review {
    login: string;
    state: string;
    commit: string;
    body: string;
}
interface ChangedFile {
    status: string;
    file: string;
}
interface PlanRow {
    stack: string;
    file: string;
    rc: number;
    diff: string;
}
interface Refused {
    kind: string;
    urn: string;
    why: string;
}

export interface GateEnv {
    repo: string;
    pr: string;
    head: string;
    author: string;
    codeowners: string;
    results: string;
    env: NodeJS.ProcessEnv;
}

function gh(env: NodeJS.ProcessEnv, args: string[]): { ok: boolean; out: string; err: string } {
    const r = spawnSync("gh", args, { encoding: "utf8", env });
    return { ok: r.status === 0, out: r.stdout ?? "", err: r.stderr ?? "" };
}
function ghOrThrow(env: NodeJS.ProcessEnv, args: string[]): string {
    const r = gh(env, args);
    if (!r.ok) throw new Error(`gh ${args.join(" ")} failed: ${r.err.trim()}`);
    return r.out;
}
const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

/** Each reviewer's review that counts: their latest APPROVED, CHANGES_REQUESTED or DISMISSED. */
export function latestReviews(reviews: readonly Review[]): Map<string, Review> {
    const latest = new Map<string, Review>();
    for (const r of reviews) {
        if (["APPROVED", "CHANGES_REQUESTED", "DISMISSED"].includes(r.state)) {
            latest.set(r.login.toLowerCase(), r);
        }
    }
    return latest;
}

export function gate(g: GateEnv): { ok: boolean; report: string[]; errors: string[] } {
    const report: string[] = [];
    const errors: string[] = [];
    const rules: Rule[] = existsSync(g.codeowners)
        ? parseCodeowners(readFileSync(g.codeowners, "utf8"))
        : [];
    if (rules.length === 0)
        errors.push(
            `the base branch has no CODEOWNERS rules (${g.codeowners}): nobody can approve`,
        );

    const changed: ChangedFile[] = lines(
        ghOrThrow(g.env, [
            "api",
            "--paginate",
            `repos/${g.repo}/pulls/${g.pr}/files`,
            "--jq",
            '.[] | [.status, .filename, (.previous_filename // "")] | @tsv',
        ]),
    ).flatMap((l) => {
        const [status, file, previous] = l.split("\t");
        return previous
            ? [
                  { status, file },
                  { status: "removed", file: previous },
              ]
            : [{ status, file }];
    });
    const reviews: Review[] = lines(
        ghOrThrow(g.env, [
            "api",
            "--paginate",
            `repos/${g.repo}/pulls/${g.pr}/reviews`,
            "--jq",
            '.[] | {login: .user.login, state, commit: .commit_id, body: (.body // "")} | tojson',
        ]),
    ).map((l) => JSON.parse(l) as Review);
    const latest = latestReviews(reviews);
    const author = g.author.toLowerCase();
    const approvers = [...latest.values()].filter(
        (r) => r.state === "APPROVED" && r.commit === g.head && r.login.toLowerCase() !== author,
    );
    for (const r of latest.values()) {
        if (r.state === "APPROVED" && r.commit !== g.head) {
            report.push(
                `- approval by @${r.login} is on ${r.commit.slice(0, 7)}, not the head ${g.head.slice(0, 7)}: it does not count`,
            );
        }
        if (r.state === "APPROVED" && r.login.toLowerCase() === author) {
            report.push(`- approval by @${r.login}, the pull request's author, does not count`);
        }
    }

    let decision: string | undefined;
    const reviewDecision = () => {
        if (decision === undefined) {
            const [owner, name] = g.repo.split("/");
            const r = gh(g.env, [
                "api",
                "graphql",
                "-f",
                "query=query($o:String!,$r:String!,$n:Int!){repository(owner:$o,name:$r){pullRequest(number:$n){reviewDecision}}}",
                "-F",
                `o=${owner}`,
                "-F",
                `r=${name}`,
                "-F",
                `n=${g.pr}`,
                "--jq",
                ".data.repository.pullRequest.reviewDecision",
            ]);
            decision = r.ok ? r.out.trim() : "";
        }
        return decision;
    };
    const membership = new Map<string, boolean | undefined>();
    const inTeam = (team: string, login: string): boolean | undefined => {
        const key = `${team} ${login}`.toLowerCase();
        if (!membership.has(key)) {
            const [org, slug] = team.replace(/^@/, "").split("/");
            const r = gh(g.env, [
                "api",
                `orgs/${org}/teams/${slug}/memberships/${login}`,
                "--jq",
                ".state",
            ]);
            membership.set(key, r.ok ? r.out.trim() === "active" : undefined);
        }
        return membership.get(key);
    };
    /** Whether `login` owns `file`: true, false, or undefined (a team GitHub would not answer for). */
    const owns = (file: string, login: string): boolean | undefined => {
        let unknown = false;
        for (const o of ownersOf(rules, file)) {
            if (!o.startsWith("@")) continue;
            if (!o.includes("/")) {
                if (o.slice(1).toLowerCase() === login.toLowerCase()) return true;
                continue;
            }
            const m = inTeam(o, login);
            if (m === true) return true;
            if (m === undefined) unknown = true;
        }
        return unknown ? undefined : false;
    };

    const needOwners = new Map<string, string>();
    for (const c of changed) {
        if (GUARDED.some((re) => re.test(c.file))) needOwners.set(c.file, `${c.status} file`);
    }
    const rows: PlanRow[] = lines(readFileSync(g.results, "utf8")).map((l) => {
        const [stack, file, rc, diff] = l.split("\t");
        return { stack, file, rc: Number(rc), diff: diff ?? "" };
    });
    const replacements: { row: PlanRow; c: Refused }[] = [];
    for (const row of rows) {
        let diff: { accessChanged?: boolean; refused?: Refused[] } = {};
        if (row.diff && existsSync(row.diff))
            diff = JSON.parse(readFileSync(row.diff, "utf8")) as typeof diff;
        if (row.rc === 0) continue;
        if (row.rc === 2 || (row.rc === 4 && diff.accessChanged === true)) {
            needOwners.set(row.file, `stack ${row.stack}: access changes`);
        }
        if (row.rc === 4) {
            for (const c of diff.refused ?? []) {
                if (c.kind === "replaces") replacements.push({ row, c });
                else
                    errors.push(
                        `stack ${row.stack} (${row.file}): ${c.urn}: ${c.why}; Azure refuses this change in place and no approval accepts it`,
                    );
            }
            if ((diff.refused ?? []).length === 0)
                errors.push(
                    `stack ${row.stack} (${row.file}): the plan exited 4 but listed no change; cannot judge it`,
                );
        } else if (row.rc !== 2) {
            errors.push(
                `stack ${row.stack} (${row.file}): the base branch's plan failed (exit ${row.rc}); nothing was reviewed`,
            );
        }
    }

    for (const [file, why] of [...needOwners].sort()) {
        const owners = ownersOf(rules, file);
        if (owners.length === 0) {
            errors.push(
                `${file} (${why}) has no code owner in the base branch's CODEOWNERS: nobody can approve it`,
            );
            continue;
        }
        const verdicts = approvers.map((a) => ({ a, owns: owns(file, a.login) }));
        const confirmed = verdicts.find((v) => v.owns === true);
        if (confirmed) {
            report.push(
                `- ${file} (${why}): approved on the head by @${confirmed.a.login}, an owner (${owners.join(" ")})`,
            );
        } else if (verdicts.some((v) => v.owns === undefined) && reviewDecision() === "APPROVED") {
            report.push(
                `- ${file} (${why}): approved on the head; team membership unreadable with this token, GitHub's reviewDecision (code owners) is APPROVED`,
            );
        } else {
            errors.push(
                `${file} (${why}) needs an approving review of commit ${g.head} by one of its owners (${owners.join(" ")}), other than the author`,
            );
        }
    }

    for (const { row, c } of replacements) {
        const line = `approve-replacement ${c.urn}`;
        const by = approvers.find(
            (a) =>
                a.body.split(/\r?\n/).some((l) => l.trim() === line) &&
                owns(row.file, a.login) === true,
        );
        if (by)
            report.push(`- stack ${row.stack}: replacement of ${c.urn} accepted by @${by.login}`);
        else
            errors.push(
                `stack ${row.stack} (${row.file}) replaces ${c.urn} (${c.why}); an owner of ${row.file} (${ownersOf(rules, row.file).join(" ") || "none"}) accepts it with an approving review of commit ${g.head} whose body has the line: ${line}`,
            );
    }
    if (needOwners.size === 0 && replacements.length === 0 && errors.length === 0) {
        report.push("- no access change, no replacement, no guarded file: nothing to approve");
    }
    return { ok: errors.length === 0, report, errors };
}

export function main(env: NodeJS.ProcessEnv): number {
    const need = ["GH_REPO", "PR_NUMBER", "HEAD_SHA", "PR_AUTHOR", "CODEOWNERS", "RESULTS"];
    const missing = need.filter((k) => !env[k]);
    if (missing.length > 0) {
        process.stderr.write(`::error::review gate: ${missing.join(", ")} not set\n`);
        return 1;
    }
    const r = gate({
        repo: env.GH_REPO!,
        pr: env.PR_NUMBER!,
        head: env.HEAD_SHA!,
        author: env.PR_AUTHOR!,
        codeowners: env.CODEOWNERS!,
        results: env.RESULTS!,
        env,
    });
    const text = [
        "## Review gate",
        "",
        r.ok ? "Passed." : "**Failed.**",
        "",
        ...r.report,
        ...r.errors.map((e) => `- **${e}**`),
        "",
    ].join("\n");
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, text);
    process.stdout.write(text);
    for (const e of r.errors) process.stdout.write(`::error title=review gate::${e}\n`);
    return r.ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.env);
