// What the delivery workflows decide, run against fake `gh`, `pulumi` and `npm` (first on PATH):
// the review gate (scripts/delivery/reviewGate.ts on the plans gate-plan.sh makes with the base
// branch's code), the preview destroy and the janitor (destroy-stack.sh, janitor-list.sh), the
// deploy list (stacks.ts). The workflows' shape is test/workflowShape.test.ts and
// test/workflowJobs.test.ts; pr-checks' plan steps test/prChecksPlan.test.ts; the PR preview
// comment test/previewComment.test.ts.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { gate } from "../scripts/delivery/reviewGate";
import { deployOrder, main as stacksMain } from "../scripts/delivery/stacks";
import {
    calls,
    fake,
    HAS_JQ,
    outputs,
    ROOT,
    runStep,
    type Sandbox,
    envOf,
    withSandbox,
    write,
} from "./workflowSandbox";

const SCRIPTS = path.join(ROOT, "scripts", "delivery");
const HEAD = "c0ffee0000000000000000000000000000000002";
const OLD = "c0ffee0000000000000000000000000000000001";
const URN = "urn:pulumi:dev::aks-entra::azure-native:containerservice:AgentPool::dev-apps";

describe("delivery workflows, run against fake gh, pulumi and npm", function () {
    describe("review gate (reviewGate.ts): an approving review of the head by a code owner", function () {
        // gh api: the pull request's files and reviews, GitHub's reviewDecision and team
        // memberships, from files of the sandbox (the --jq of the real call is GitHub's job here).
        const FAKE_GH = String.raw`
echo "gh $*" >> "$FAKE_LOG"
target="$2"; [ "$target" = --paginate ] && target="$3"
case "$target" in
  */files) cat "$FAKE_DIR/files.tsv" ;;
  */reviews) cat "$FAKE_DIR/reviews.jsonl" ;;
  graphql) cat "$FAKE_DIR/decision" 2>/dev/null || echo REVIEW_REQUIRED ;;
  orgs/*/memberships/*)
    [ -f "$FAKE_DIR/no-org-read" ] && { echo "HTTP 404: Not Found" >&2; exit 1; }
    key="$(echo "$target" | sed -E 's#orgs/([^/]+)/teams/([^/]+)/memberships/(.+)#\1/\2 \3#')"
    grep -qxF "$key" "$FAKE_DIR/members" && { echo active; exit 0; }
    echo "HTTP 404: Not Found" >&2; exit 1 ;;
  *) echo "unexpected gh $*" >&2; exit 2 ;;
esac`;
        const CODEOWNERS = [
            "*                            @contoso/platform",
            "/Pulumi.*.yaml               @contoso/platform",
            "/Pulumi.team-payments.yaml   @contoso/payments @contoso/platform",
            "/policy/                     @contoso/platform @alice",
            "/.github/                    @contoso/platform",
        ].join("\n");
        const MEMBERS = [
            "contoso/platform alice",
            "contoso/platform bob",
            "contoso/platform dave",
            "contoso/payments pat",
        ];
        interface Case {
            files: string[];
            results: string[];
            diffs?: Record<string, object>;
            reviews: { login: string; state: string; commit: string; body?: string }[];
            decision?: string;
            noOrgRead?: boolean;
        }
        function judge(c: Case) {
            return withSandbox((sb) => {
                fake(sb, "gh", FAKE_GH);
                write(sb.dir, {
                    CODEOWNERS: `${CODEOWNERS}\n`,
                    members: `${MEMBERS.join("\n")}\n`,
                    "files.tsv": c.files.map((f) => `${f}\n`).join(""),
                    "reviews.jsonl": c.reviews
                        .map((r) => `${JSON.stringify({ body: "", ...r })}\n`)
                        .join(""),
                    "results.tsv": c.results.map((r) => `${r}\n`).join(""),
                    ...(c.decision ? { decision: `${c.decision}\n` } : {}),
                    ...(c.noOrgRead ? { "no-org-read": "" } : {}),
                    ...Object.fromEntries(
                        Object.entries(c.diffs ?? {}).map(([f, d]) => [f, JSON.stringify(d)]),
                    ),
                });
                const r = gate({
                    repo: "contoso/aks-entra",
                    pr: "42",
                    head: HEAD,
                    author: "dave",
                    codeowners: path.join(sb.dir, "CODEOWNERS"),
                    results: path.join(sb.dir, "results.tsv"),
                    env: envOf(sb),
                });
                return { ...r, calls: calls(sb) };
            });
        }
        const devAccess = (diff = "") => `dev\tPulumi.dev.yaml\t2\t${diff}`;
        const approved = (login: string, commit = HEAD, body = "") => ({
            login,
            state: "APPROVED",
            commit,
            body,
        });

        it("an access change approved on the head by a code owner passes", function () {
            const r = judge({
                files: ["modified\tPulumi.dev.yaml"],
                results: [devAccess()],
                reviews: [approved("alice")],
            });
            assert.deepEqual(r.errors, []);
            assert.ok(r.ok);
            assert.ok(
                r.report.some((l) => /Pulumi\.dev\.yaml .*approved on the head by @alice/.test(l)),
                r.report.join("\n"),
            );
            assert.ok(
                r.calls.includes(
                    "gh api orgs/contoso/teams/platform/memberships/alice --jq .state",
                ),
            );
        });
        it("a push after the approval fails the gate again: an approval of an earlier commit never counts", function () {
            const r = judge({
                files: ["modified\tPulumi.dev.yaml"],
                results: [devAccess()],
                reviews: [approved("alice", OLD)],
            });
            assert.equal(r.ok, false);
            assert.deepEqual(r.errors, [
                `Pulumi.dev.yaml (stack dev: access changes) needs an approving review of commit ${HEAD} by one of its owners (@contoso/platform), other than the author`,
            ]);
            assert.ok(
                r.report.includes(
                    `- approval by @alice is on c0ffee0, not the head c0ffee0: it does not count`,
                ),
            );
        });
        it("a later request for changes withdraws an approval", function () {
            const r = judge({
                files: ["modified\tPulumi.dev.yaml"],
                results: [devAccess()],
                reviews: [
                    approved("alice"),
                    { login: "alice", state: "CHANGES_REQUESTED", commit: HEAD },
                ],
            });
            assert.equal(r.ok, false);
        });
        it("the author approving their own change is refused, owner or not", function () {
            const r = judge({
                files: ["modified\tPulumi.dev.yaml"],
                results: [devAccess()],
                reviews: [approved("Dave")],
            });
            assert.equal(r.ok, false);
            assert.ok(
                r.report.includes("- approval by @Dave, the pull request's author, does not count"),
                r.report.join("\n"),
            );
            assert.match(
                r.errors[0],
                /needs an approving review of commit .* other than the author/,
            );
        });
        it("someone outside the file's owners cannot approve it: a team stack file is its team's and the platform's", function () {
            const team = (login: string) =>
                judge({
                    files: ["modified\tPulumi.team-payments.yaml", "modified\tPulumi.prod.yaml"],
                    results: [
                        "team-payments\tPulumi.team-payments.yaml\t2\t",
                        "prod\tPulumi.prod.yaml\t0\tgate/diffs/prod.json",
                    ],
                    reviews: [approved(login)],
                });
            const pat = team("pat");
            // pat (payments) owns the team's file, not prod's.
            assert.deepEqual(pat.errors, [
                `Pulumi.prod.yaml (modified file) needs an approving review of commit ${HEAD} by one of its owners (@contoso/platform), other than the author`,
            ]);
            assert.ok(pat.report.some((l) => /Pulumi\.team-payments\.yaml .*by @pat/.test(l)));
            assert.deepEqual(team("bob").errors, []);
            assert.equal(team("carol").ok, false);
        });
        describe("a replacement: accepted only by its own approval", function () {
            const diffs = {
                "dev.json": {
                    accessChanged: false,
                    refused: [
                        { kind: "replaces", urn: URN, why: "vmSize replaces the agent pool" },
                    ],
                },
            };
            const rows = [`dev\tPulumi.dev.yaml\t4\t__DIR__/dev.json`];
            const run = (reviews: Case["reviews"], extra: Partial<Case> = {}) =>
                withSandbox((sb) => {
                    const c: Case = {
                        files: ["modified\tPulumi.dev.yaml"],
                        results: rows.map((r) => r.replace("__DIR__", sb.dir)),
                        diffs,
                        reviews,
                        ...extra,
                    };
                    // judge() makes its own sandbox: the diff JSON is written there by name.
                    c.results = [`dev\tPulumi.dev.yaml\t4\t${path.join(sb.dir, "dev.json")}`];
                    writeFileSync(path.join(sb.dir, "dev.json"), JSON.stringify(diffs["dev.json"]));
                    return judge(c);
                });
            it("without it the gate fails, saying the exact line that accepts it, even with an approval", function () {
                const r = run([approved("alice")]);
                assert.equal(r.ok, false);
                assert.deepEqual(r.errors, [
                    `stack dev (Pulumi.dev.yaml) replaces ${URN} (vmSize replaces the agent pool); an owner of Pulumi.dev.yaml (@contoso/platform) accepts it with an approving review of commit ${HEAD} whose body has the line: approve-replacement ${URN}`,
                ]);
            });
            it("with an owner's approving review of the head saying approve-replacement <urn>, it passes", function () {
                const r = run([
                    approved(
                        "alice",
                        HEAD,
                        `Pool resize is planned.\napprove-replacement ${URN}\n`,
                    ),
                ]);
                assert.deepEqual(r.errors, []);
                assert.ok(
                    r.report.includes(`- stack dev: replacement of ${URN} accepted by @alice`),
                );
            });
            it("the same line on an earlier commit, by a non-owner, or in a comment-only review does not count", function () {
                const line = `approve-replacement ${URN}`;
                assert.equal(run([approved("alice", OLD, line), approved("bob")]).ok, false);
                assert.equal(run([approved("carol", HEAD, line), approved("bob")]).ok, false);
                assert.equal(
                    run([
                        { login: "alice", state: "COMMENTED", commit: HEAD, body: line },
                        approved("bob"),
                    ]).ok,
                    false,
                );
            });
            it("never through GitHub's reviewDecision when team membership is unreadable", function () {
                const r = run([approved("alice", HEAD, `approve-replacement ${URN}`)], {
                    noOrgRead: true,
                    decision: "APPROVED",
                });
                assert.equal(r.ok, false);
                assert.match(r.errors[0], /^stack dev \(Pulumi\.dev\.yaml\) replaces/);
            });
            it("a change Azure refuses in place never passes", function () {
                const refused = withSandbox((sb) => {
                    writeFileSync(
                        path.join(sb.dir, "d.json"),
                        JSON.stringify({
                            refused: [
                                {
                                    kind: "refused",
                                    urn: URN,
                                    why: "Azure refuses a new subnet in place",
                                },
                            ],
                        }),
                    );
                    return judge({
                        files: ["modified\tPulumi.dev.yaml"],
                        results: [`dev\tPulumi.dev.yaml\t4\t${path.join(sb.dir, "d.json")}`],
                        reviews: [approved("alice", HEAD, `approve-replacement ${URN}`)],
                    });
                });
                assert.deepEqual(refused.errors, [
                    `stack dev (Pulumi.dev.yaml): ${URN}: Azure refuses a new subnet in place; Azure refuses this change in place and no approval accepts it`,
                ]);
            });
        });
        it("team owners unreadable with the workflow's token: GitHub's reviewDecision decides access approvals", function () {
            const base: Case = {
                files: ["modified\tPulumi.dev.yaml"],
                results: [devAccess()],
                reviews: [approved("alice")],
                noOrgRead: true,
            };
            assert.equal(judge({ ...base, decision: "REVIEW_REQUIRED" }).ok, false);
            const r = judge({ ...base, decision: "APPROVED" });
            assert.deepEqual(r.errors, []);
            assert.match(
                r.report.join("\n"),
                /team membership unreadable with this token, GitHub's reviewDecision \(code owners\) is APPROVED/,
            );
        });
        it("a pull request that edits the policy pack needs its owners, whatever the plans say", function () {
            const files = ["modified\tpolicy/rules.ts", "modified\tREADME.md"];
            const none = judge({ files, results: [], reviews: [] });
            assert.deepEqual(none.errors, [
                `policy/rules.ts (modified file) needs an approving review of commit ${HEAD} by one of its owners (@contoso/platform @alice), other than the author`,
            ]);
            assert.deepEqual(
                judge({ files, results: [], reviews: [approved("alice")] }).errors,
                [],
            );
        });
        it("a deleted or renamed stack file, or a failed base plan, is never waved through", function () {
            const r = judge({
                files: ["removed\tPulumi.staging.yaml", "renamed\tPulumi.qa.yaml"],
                results: ["staging\tPulumi.staging.yaml\t2\t", "qa\tPulumi.qa.yaml\t3\t"],
                reviews: [],
            });
            assert.ok(
                r.errors.includes(
                    "stack qa (Pulumi.qa.yaml): the base branch's plan failed (exit 3); nothing was reviewed",
                ),
            );
            assert.ok(
                r.errors.some((e) =>
                    e.startsWith("Pulumi.staging.yaml (stack staging: access changes) needs"),
                ),
            );
        });
        it("nothing guarded and no access change: nothing to approve", function () {
            const r = judge({
                files: ["modified\tREADME.md"],
                results: ["dev\tPulumi.dev.yaml\t0\t"],
                reviews: [],
            });
            assert.ok(r.ok);
            assert.deepEqual(r.report, [
                "- no access change, no replacement, no guarded file: nothing to approve",
            ]);
        });
    });

    describe("gate-plan.sh: the base branch's code plans the pull request's files", function () {
        // npm run plan: logs the directory it runs in and its arguments; the base's code (run in
        // base/) reports an access change for dev whatever the head's own policy pack says. Like
        // plan/cli.ts, it fails a team stack without --platform, and a --platform plan not there.
        const FAKE_NPM = String.raw`
echo "$(basename "$PWD") $*" >> "$FAKE_LOG"
json=; diffjson=; diff=; config=; platform=
while [ $# -gt 0 ]; do
  case "$1" in
    --platform) platform="$2"; shift ;;
    --json) json="$2"; shift ;;
    --diff-json) diffjson="$2"; shift ;;
    --diff) diff="$2"; shift ;;
    --config) config="$2"; shift ;;
  esac
  shift
done
if [ -n "$platform" ] && [ ! -f "$platform" ]; then exit 1; fi
if [ -z "$platform" ] && grep -q "aks-entra:platform" "$config"; then exit 1; fi
[ -n "$json" ] && echo '{"schemaVersion": 3}' > "$json"
[ -n "$diffjson" ] && echo '{"accessChanged": true, "refused": []}' > "$diffjson"
if [ -n "$diff" ] && [ "$(basename "$PWD")" = base ] && grep -q widen "$config"; then exit 2; fi
exit 0`;
        const teamOf = (team: string) =>
            stringify({
                config: { "aks-entra:platform": { stack: "contoso/aks-entra/platform", team } },
            });
        it("plans head/'s stack files and profiles in base/ only, new and deleted files counted as access changes", function () {
            if (!HAS_JQ) this.skip();
            withSandbox((sb) => {
                fake(sb, "npm", FAKE_NPM);
                write(sb.dir, {
                    "base/Pulumi.dev.yaml": "config: {}\n",
                    "base/Pulumi.staging.yaml": "config: {}\n",
                    "base/profiles/e2e.yaml": "config: {}\n",
                    "base/policy/rules.ts": "// the guardrails\n",
                    "base/Pulumi.platform.yaml": "config: {}\n",
                    "head/Pulumi.dev.yaml": "config: {} # widen\n",
                    "head/Pulumi.platform.yaml": "config: {}\n",
                    // A new team stack: planned after its platform, with the platform's plan.
                    "head/Pulumi.team-search.yaml": stringify({
                        config: {
                            "aks-entra:platform": {
                                stack: "contoso/aks-entra/platform",
                                team: "search",
                            },
                        },
                    }),
                    // A team stack on one side only: each side's plan with its own side's platform,
                    // both after the platform's plans.
                    "base/Pulumi.a.yaml": teamOf("search"),
                    "head/Pulumi.a.yaml": "config: {}\n",
                    "base/Pulumi.team-pay.yaml": "config: {}\n",
                    "head/Pulumi.team-pay.yaml": teamOf("pay"),
                    "head/profiles/e2e.yaml": "config: {}\n",
                    // The pull request weakens the pack: nothing of head/ ever runs.
                    "head/policy/rules.ts": "// no guardrails\n",
                });
                const r = spawnSync("bash", [path.join(SCRIPTS, "gate-plan.sh")], {
                    cwd: sb.dir,
                    encoding: "utf8",
                    // The base's own tsx and stacks.ts, as the workflow's base/ checkout has them.
                    env: envOf(sb, {
                        PR_NUMBER: "42",
                        TSX: path.join(ROOT, "node_modules", ".bin", "tsx"),
                        STACKS_TS: path.join(SCRIPTS, "stacks.ts"),
                    }),
                });
                assert.equal(r.status, 0, r.stderr);
                const log = calls(sb);
                assert.ok(
                    log.length > 0 && log.every((l) => l.startsWith("base run plan --silent -- ")),
                    log.join("\n"),
                );
                assert.ok(
                    log.includes(
                        `base run plan --silent -- --config ${sb.dir}/head/Pulumi.dev.yaml --stack dev --json ${sb.dir}/gate/plans/dev.head.json --diff ${sb.dir}/gate/plans/dev.base.json --diff-json ${sb.dir}/gate/diffs/dev.json`,
                    ),
                    log.join("\n"),
                );
                assert.ok(
                    log.includes(
                        `base run plan --silent -- --config profiles/e2e.yaml --stack e2e-00000000 --json ${sb.dir}/gate/plans/e2e-00000000.base.json`,
                    ),
                );
                for (const line of [
                    `base run plan --silent -- --config Pulumi.a.yaml --stack a --platform ${sb.dir}/gate/plans/platform.base.json --json ${sb.dir}/gate/plans/a.base.json`,
                    `base run plan --silent -- --config ${sb.dir}/head/Pulumi.a.yaml --stack a --json ${sb.dir}/gate/plans/a.head.json --diff ${sb.dir}/gate/plans/a.base.json --diff-json ${sb.dir}/gate/diffs/a.json`,
                    `base run plan --silent -- --config Pulumi.team-pay.yaml --stack team-pay --json ${sb.dir}/gate/plans/team-pay.base.json`,
                    `base run plan --silent -- --config ${sb.dir}/head/Pulumi.team-pay.yaml --stack team-pay --platform ${sb.dir}/gate/plans/platform.head.json --json ${sb.dir}/gate/plans/team-pay.head.json --diff ${sb.dir}/gate/plans/team-pay.base.json --diff-json ${sb.dir}/gate/diffs/team-pay.json`,
                ]) {
                    assert.ok(log.includes(line), `${line}\n${log.join("\n")}`);
                }
                assert.equal(
                    log.at(-1),
                    `base run plan --silent -- --config ${sb.dir}/head/Pulumi.team-search.yaml --stack team-search --platform ${sb.dir}/gate/plans/platform.head.json --json ${sb.dir}/gate/plans/team-search.head.json`,
                );
                assert.equal(
                    readFileSync(path.join(sb.dir, "gate", "results.tsv"), "utf8"),
                    [
                        "dev\tPulumi.dev.yaml\t2\tgate/diffs/dev.json",
                        "platform\tPulumi.platform.yaml\t0\tgate/diffs/platform.json",
                        "e2e-00000000\tprofiles/e2e.yaml\t0\tgate/diffs/e2e-00000000.json",
                        "a\tPulumi.a.yaml\t0\tgate/diffs/a.json",
                        "team-pay\tPulumi.team-pay.yaml\t0\tgate/diffs/team-pay.json",
                        "team-search\tPulumi.team-search.yaml\t2\t",
                        "staging\tPulumi.staging.yaml\t2\t",
                        "",
                    ].join("\n"),
                );
            });
        });
        it("a stack file that names no readable platform stack: every stack file fails (3), none planned", function () {
            if (!HAS_JQ) this.skip();
            withSandbox((sb) => {
                fake(sb, "npm", FAKE_NPM);
                write(sb.dir, {
                    "base/Pulumi.dev.yaml": "config: {}\n",
                    "head/Pulumi.dev.yaml": "config: {}\n",
                    "head/Pulumi.team-x.yaml": stringify({
                        config: { "aks-entra:platform": { stack: "platform", team: "x" } },
                    }),
                });
                const r = spawnSync("bash", [path.join(SCRIPTS, "gate-plan.sh")], {
                    cwd: sb.dir,
                    encoding: "utf8",
                    env: envOf(sb, { PR_NUMBER: "42" }),
                });
                assert.equal(r.status, 0, r.stderr);
                assert.match(
                    r.stderr,
                    /::error::head\/Pulumi\.team-x\.yaml: aks-entra:platform\.stack "platform" is not a stack reference/,
                );
                assert.deepEqual(calls(sb), []);
                assert.equal(
                    readFileSync(path.join(sb.dir, "gate", "results.tsv"), "utf8"),
                    "dev\tPulumi.dev.yaml\t3\t\nteam-x\tPulumi.team-x.yaml\t3\t\n",
                );
            });
        });
    });

    describe("destroy-stack.sh and janitor-list.sh: stale locks, expired stacks", function () {
        // pulumi: stacks from stacks.json, states from <stack>.json; a stack with a <stack>.lock
        // file is locked (a killed run's): destroy fails until `pulumi cancel` removes the lock.
        const FAKE_PULUMI = String.raw`
echo "pulumi $*" >> "$FAKE_LOG"
last="${"$"}{@: -1}"
case "$1 $2" in
  "stack ls") cat "$FAKE_DIR/stacks.json" ;;
  "stack export") cat "$FAKE_DIR/$(echo "$4" | tr / _).json" ;;
  "cancel --yes") rm -f "$FAKE_DIR/$last.lock" ;;
  "destroy --yes")
    if [ -f "$FAKE_DIR/$5.lock" ]; then echo "error: the stack is currently locked by 1 lock(s)" >&2; exit 255; fi
    [ "$5" != "pr-4" ] ;;
esac`;
        const day = 86400_000;
        const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        const expiredState = {
            deployment: {
                resources: [{ outputs: { tags: { "expires-at": iso(Date.now() - day) } } }],
            },
        };
        function world(
            sb: Sandbox,
            stacks: string[],
            locked: string[],
            states: Record<string, object> = {},
        ) {
            fake(sb, "pulumi", FAKE_PULUMI);
            writeFileSync(
                path.join(sb.dir, "stacks.json"),
                JSON.stringify(stacks.map((name) => ({ name }))),
            );
            for (const l of locked) writeFileSync(path.join(sb.dir, `${l}.lock`), "");
            for (const [name, state] of Object.entries(states)) {
                writeFileSync(
                    path.join(sb.dir, `${name.replace(/\//g, "_")}.json`),
                    JSON.stringify(state),
                );
            }
        }
        const destroy = (sb: Sandbox, stack: string, env: Record<string, string> = {}) =>
            runStep(sb, `${path.join(SCRIPTS, "destroy-stack.sh")} "$STACK"`, {
                STACK: stack,
                FAKE_DIR: sb.dir,
                ...env,
            });
        before(function () {
            if (!HAS_JQ) this.skip(); // jq reads the JSON, as on GitHub's runners
        });

        it("a closed pull request whose preview was still waiting or was killed: its lock cancelled, then destroyed and removed", function () {
            withSandbox((sb) => {
                world(sb, ["organization/aks-entra/pr-7", "dev"], ["pr-7"]);
                const r = destroy(sb, "pr-7");
                assert.equal(r.code, 0, r.stdout + r.stderr);
                assert.deepEqual(calls(sb), [
                    "pulumi stack ls --json",
                    "pulumi cancel --yes --stack pr-7",
                    "pulumi destroy --yes --non-interactive --stack pr-7",
                    "pulumi stack rm --yes --non-interactive pr-7",
                ]);
                assert.ok(!existsSync(path.join(sb.dir, "pr-7.lock")));
            });
        });
        it("a stack that was never made: nothing to destroy; and only pr-* and e2e-* stacks, ever", function () {
            withSandbox((sb) => {
                world(sb, ["pr-70", "dev"], []);
                assert.equal(destroy(sb, "pr-7").code, 0);
                assert.deepEqual(calls(sb), ["pulumi stack ls --json"]);
                for (const stack of ["dev", "prod", "pr-7; rm -rf /", "e2e-XYZ"]) {
                    const r = destroy(sb, stack);
                    assert.equal(r.code, 1, stack);
                    assert.match(r.stdout, /destroys pr-<number> and e2e-<8 hex> stacks only/);
                }
                assert.deepEqual(calls(sb), ["pulumi stack ls --json"]);
            });
        });
        it("the janitor finds a locked expired stack: it is listed, its lock cancelled, then destroyed", function () {
            withSandbox((sb) => {
                world(
                    sb,
                    [
                        "pr-1",
                        "organization/aks-entra/pr-2",
                        "pr-3",
                        "e2e-0a1b2c3d",
                        "dev",
                        "pr-x",
                        "e2e",
                    ],
                    ["pr-1"],
                    {
                        "pr-1": expiredState,
                        "organization/aks-entra/pr-2": {
                            deployment: {
                                resources: [
                                    {
                                        inputs: {
                                            tags: { "expires-at": iso(Date.now() + 2 * day) },
                                        },
                                    },
                                ],
                            },
                        },
                        "pr-3": { deployment: { resources: [] } },
                        "e2e-0a1b2c3d": expiredState,
                    },
                );
                const list = runStep(sb, path.join(SCRIPTS, "janitor-list.sh"), {
                    FAKE_DIR: sb.dir,
                    DRY_RUN: "false",
                });
                assert.equal(list.code, 0, list.stderr);
                assert.equal(outputs(sb.output).stacks, '["pr-1","e2e-0a1b2c3d"]');
                assert.ok(
                    !calls(sb).some((c) => /destroy|cancel|stack rm/.test(c)),
                    "the list job only reads",
                );
                const summary = readFileSync(sb.summary, "utf8");
                assert.match(
                    summary,
                    /\| `pr-1` \| [\d-]+ \| expired: destroyed and removed by the job destroy pr-1 \|/,
                );
                assert.match(
                    summary,
                    /\| `organization\/aks-entra\/pr-2` \| [\d-]+ \| kept: not expired \|/,
                );
                assert.match(summary, /\| `pr-3` \| none \| kept: no expires-at tag/);
                writeFileSync(sb.log, "");
                // The janitor's destroy job checks the expiry again once it holds the group.
                const r = destroy(sb, "pr-1", { ONLY_IF_EXPIRED: "true" });
                assert.equal(r.code, 0, r.stderr);
                assert.deepEqual(calls(sb).slice(1), [
                    "pulumi stack export --stack pr-1",
                    "pulumi cancel --yes --stack pr-1",
                    "pulumi destroy --yes --non-interactive --stack pr-1",
                    "pulumi stack rm --yes --non-interactive pr-1",
                ]);
            });
        });
        it("the janitor keeps a stack a preview deployed again after the list: its expiry moved", function () {
            withSandbox((sb) => {
                world(sb, ["pr-9"], ["pr-9"], {
                    "pr-9": {
                        deployment: {
                            resources: [
                                { outputs: { tags: { "expires-at": iso(Date.now() + 3 * day) } } },
                            ],
                        },
                    },
                });
                const r = destroy(sb, "pr-9", { ONLY_IF_EXPIRED: "true" });
                assert.equal(r.code, 0, r.stderr);
                assert.match(
                    r.stdout,
                    /Stack pr-9 is not expired any more \(expires-at [\d-]+\): kept\./,
                );
                assert.deepEqual(calls(sb), [
                    "pulumi stack ls --json",
                    "pulumi stack export --stack pr-9",
                ]);
            });
        });
        it("a failed destroy fails its job; a dry run lists and destroys nothing", function () {
            withSandbox((sb) => {
                world(sb, ["pr-4"], [], { "pr-4": expiredState });
                assert.equal(destroy(sb, "pr-4").code, 1);
                assert.ok(!calls(sb).includes("pulumi stack rm --yes --non-interactive pr-4"));
                writeFileSync(sb.output, "");
                const dry = runStep(sb, path.join(SCRIPTS, "janitor-list.sh"), {
                    FAKE_DIR: sb.dir,
                    DRY_RUN: "true",
                });
                assert.equal(dry.code, 0);
                assert.equal(outputs(sb.output).stacks, "[]");
                assert.match(
                    readFileSync(sb.summary, "utf8"),
                    /Dry run: nothing destroyed[\s\S]*expired: would be destroyed and removed/,
                );
            });
        });
    });

    describe("azure-login.sh: the job's GitHub token exchanged for an az session", function () {
        it("requests the token for Entra's audience and signs az in as the environment's identity", function () {
            if (!HAS_JQ) this.skip();
            withSandbox((sb) => {
                fake(
                    sb,
                    "curl",
                    'echo "curl $*" >> "$FAKE_LOG"; echo \'{"value": "gh-oidc-token"}\'',
                );
                fake(sb, "az", 'echo "az $*" >> "$FAKE_LOG"');
                const env = {
                    AZURE_CLIENT_ID: "client-1",
                    AZURE_TENANT_ID: "tenant-1",
                    AZURE_SUBSCRIPTION_ID: "sub-1",
                    ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions.example/req?api-version=2",
                    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
                };
                const login = path.join(SCRIPTS, "azure-login.sh");
                const r = runStep(sb, login, env);
                assert.equal(r.code, 0, r.stderr);
                assert.deepEqual(calls(sb), [
                    "curl -sSf -H Authorization: bearer request-token https://token.actions.example/req?api-version=2&audience=api://AzureADTokenExchange",
                    "az login --service-principal --username client-1 --tenant tenant-1 --federated-token gh-oidc-token --output none",
                    "az account set --subscription sub-1",
                ]);
                assert.match(r.stdout, /^::add-mask::gh-oidc-token$/m);
                // Without the environment's identity, or without id-token: write: no sign-in.
                const none = runStep(sb, login, { ...env, AZURE_CLIENT_ID: "" });
                assert.equal(none.code, 1);
                assert.match(
                    none.stderr,
                    /AZURE_CLIENT_ID: the GitHub environment variable AZURE_CLIENT_ID/,
                );
                const noToken = runStep(sb, login, { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: "" });
                assert.match(
                    noToken.stderr,
                    /no OIDC token: the job needs permissions: id-token: write/,
                );
                assert.equal(calls(sb).length, 3);
            });
        });
    });

    describe("stacks.ts: the deploy list, in order, each with its environment and runner", function () {
        const yaml = (config: Record<string, unknown>) => stringify({ config });
        const ns = { "aks-entra:namespaces": [{ name: "payments" }] };
        const FILES = {
            // Project config: every stack's cluster is private unless its file says otherwise.
            "Pulumi.yaml": stringify({
                name: "aks-entra",
                runtime: "nodejs",
                config: { "aks-entra:cluster": { default: { privateCluster: true } } },
            }),
            "Pulumi.dev.yaml": yaml({ "aks-entra:cluster": { privateCluster: false }, ...ns }),
            "Pulumi.prod.yaml": yaml({ ...ns, "aks-entra:protect": true }),
            "Pulumi.staging.yaml": yaml({}),
            "Pulumi.platform.yaml": yaml({ "aks-entra:teams": { payments: {}, search: {} } }),
            "Pulumi.team-payments.yaml": yaml({
                "aks-entra:platform": { stack: "contoso/aks-entra/platform", team: "payments" },
                ...ns,
            }),
            "Pulumi.pr-12.yaml": yaml({}),
            "Pulumi.sandbox.yaml": yaml({ "aks-entra:cluster": { privateCluster: false } }),
        };
        const order = (extra: Record<string, string>, label = "") =>
            withSandbox((sb) => {
                write(sb.dir, { ...FILES, ...extra });
                return deployOrder(sb.dir, label);
            });
        const NEW_TEAM = {
            "Pulumi.team-search.yaml": yaml({
                "aks-entra:platform": { stack: "contoso/aks-entra/platform", team: "search" },
            }),
        };
        it("a new team stack file is deployed right after its platform; dev -> staging -> prod -> platform", function () {
            const list = order(NEW_TEAM, "aks-private");
            assert.deepEqual(
                list.map((e) => [
                    e.stack,
                    e.environment,
                    e.platform,
                    e.approval,
                    e.create,
                    e.runner,
                ]),
                [
                    ["dev", "dev", "", false, true, "ubuntu-24.04"],
                    ["staging", "staging", "", true, true, "ubuntu-24.04"],
                    ["prod", "prod", "", true, false, "aks-private"],
                    ["platform", "platform", "", true, true, "ubuntu-24.04"],
                    ["team-payments", "team-payments", "platform", true, true, "aks-private"],
                    ["team-search", "team-search", "platform", true, true, "aks-private"],
                    ["sandbox", "sandbox", "", true, true, "ubuntu-24.04"],
                ],
            );
        });
        it("a job that needs the private network refuses to start without PRIVATE_RUNNER_LABEL", function () {
            const list = order(NEW_TEAM);
            const refused = list.filter((e) => e.refuse !== "").map((e) => e.stack);
            assert.deepEqual(refused, ["prod", "team-payments", "team-search"]);
            assert.equal(
                list.find((e) => e.stack === "prod")!.refuse,
                "Pulumi.prod.yaml: stack prod talks to a private API server (aks-entra:cluster.privateCluster: true) and GitHub's hosted runners cannot reach it; set the repository variable PRIVATE_RUNNER_LABEL to the label of a self-hosted runner that reaches it (docs/delivery.md: Runners)",
            );
        });
        it("a team stack whose platform has no stack file here, or is itself a team stack, is refused by name", function () {
            assert.throws(
                () =>
                    order({
                        "Pulumi.team-x.yaml": yaml({
                            "aks-entra:platform": { stack: "contoso/aks-entra/shared", team: "x" },
                        }),
                    }),
                {
                    message:
                        "Pulumi.team-x.yaml: aks-entra:platform.stack names stack shared, which has no Pulumi.shared.yaml here; a team stack deploys after its platform stack, from the same repository",
                },
            );
            assert.throws(
                () =>
                    order({
                        "Pulumi.team-y.yaml": yaml({
                            "aks-entra:platform": {
                                stack: "contoso/aks-entra/team-payments",
                                team: "y",
                            },
                        }),
                    }),
                /names team-payments, itself a team stack; allowed: a platform stack/,
            );
            assert.throws(
                () =>
                    order({
                        "Pulumi.team-z.yaml": yaml({ "aks-entra:platform": { stack: "platform" } }),
                    }),
                {
                    message:
                        'Pulumi.team-z.yaml: aks-entra:platform.stack "platform" is not a stack reference; allowed: <org>/<project>/<stack>, the platform stack whose outputs this team stack reads',
                },
            );
        });
        it("the CLI writes the matrix for deploy.yml, and fails with ::error:: lines", function () {
            withSandbox((sb) => {
                write(sb.dir, { ...FILES, ...NEW_TEAM });
                const env = { ...process.env };
                process.env.GITHUB_OUTPUT = sb.output;
                process.env.PRIVATE_RUNNER_LABEL = "aks-private";
                const stderr = process.stderr.write.bind(process.stderr);
                process.stderr.write = () => true;
                try {
                    assert.equal(stacksMain(["deploy-matrix", sb.dir]), 0);
                    const matrix = JSON.parse(outputs(sb.output).matrix) as {
                        include: { stack: string }[];
                    };
                    assert.deepEqual(matrix.include.map((e) => e.stack).slice(3, 6), [
                        "platform",
                        "team-payments",
                        "team-search",
                    ]);
                    write(sb.dir, {
                        "Pulumi.team-x.yaml": yaml({
                            "aks-entra:platform": { stack: "a/b/none", team: "x" },
                        }),
                    });
                    assert.equal(stacksMain(["deploy-matrix", sb.dir]), 1);
                } finally {
                    process.stderr.write = stderr;
                    process.env = env;
                }
            });
        });
        it("an API server that admits only listed ranges needs the self-hosted runner too; one without Kubernetes objects does not", function () {
            const ranges = {
                "aks-entra:cluster": {
                    privateCluster: false,
                    authorizedIpRanges: ["192.0.2.0/24"],
                },
            };
            const list = order({
                "Pulumi.dev.yaml": yaml({ ...ranges, ...ns }),
                "Pulumi.sandbox.yaml": yaml(ranges),
            });
            assert.equal(
                list.find((e) => e.stack === "dev")!.refuse,
                "Pulumi.dev.yaml: stack dev talks to an API server that admits only aks-entra:cluster.authorizedIpRanges, and GitHub's hosted runners have no fixed address to list; set the repository variable PRIVATE_RUNNER_LABEL to the label of a self-hosted runner that reaches it (docs/delivery.md: Runners)",
            );
            assert.deepEqual(
                [
                    list.find((e) => e.stack === "sandbox")!.runner,
                    list.find((e) => e.stack === "sandbox")!.refuse,
                ],
                ["ubuntu-24.04", ""],
            );
        });
        it("the repository's stack files: every team stack after its platform; dev on the runner its ranges admit", function () {
            const list = deployOrder(ROOT, "");
            assert.equal(list[0].stack, "dev");
            assert.match(
                list[0].refuse,
                /^Pulumi\.dev\.yaml: stack dev talks to an API server that admits only/,
            );
            assert.deepEqual(
                deployOrder(ROOT, "aks-runners")
                    .map((e) => [e.stack, e.runner, e.refuse])
                    .filter(([s]) => s === "dev"),
                [["dev", "aks-runners", ""]],
            );
            for (const e of list.filter((x) => x.platform !== "")) {
                assert.ok(list.findIndex((x) => x.stack === e.platform) < list.indexOf(e), e.stack);
            }
        });
    });
});
