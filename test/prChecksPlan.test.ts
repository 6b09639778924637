// pr-checks.yml: the offline plan of every stack file of a pull request, diffed against the base
// branch's plan of the same file, and its sticky comment; its plan steps run with bash against a
// fake npm. It informs only: what may merge is the review gate's (test/workflows.test.ts).
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import {
    calls,
    fake,
    HAS_JQ,
    load,
    needsOf,
    outputs,
    ROOT,
    runIndex,
    runs,
    runStep,
    type Sandbox,
    sandbox,
    step,
    stepIndex,
    usesAction,
    usesIndex,
    write,
} from "./workflowSandbox";

describe("pr-checks.yml: the offline plan of every stack file, and its comment", function () {
    const { wf } = load("pr-checks.yml");
    const plan = wf.jobs.plan;
    it("checkout, Node 22, npm ci, npm test, then the plans, in that order", function () {
        const order = [
            usesIndex(plan, "actions/checkout"),
            usesIndex(plan, "actions/setup-node"),
            runIndex(plan, /^npm ci\b/),
            runIndex(plan, /^npm test$/),
            stepIndex(plan, (s) => s.id === "head", "plans the pull request"),
            stepIndex(plan, (s) => s.with?.path === "base", "checks out the base"),
            stepIndex(plan, (s) => s["working-directory"] === "base", "installs the base"),
            runIndex(plan, /--json "\$GITHUB_WORKSPACE\/\$out"/),
            stepIndex(plan, (s) => s.id === "diff", "diffs"),
        ];
        assert.deepEqual(
            order,
            [...order].sort((a, b) => a - b),
        );
    });
    it("plans every stack file in plan-order.sh's order, a team stack with --platform, with --json", function () {
        const head = step(plan, (s) => s.id === "head", "plans the pull request").run!;
        assert.match(
            head,
            /^scripts\/delivery\/plan-order\.sh \. > plans\/stacks\.tsv \|\| exit 1$/m,
        );
        assert.match(head, /read -r stack file platform; do/);
        assert.match(head, /with_platform=\(--platform "plans\/head\/\$platform\.json"\)/);
        assert.match(
            head,
            /npm run plan --silent -- --config "\$file" --stack "\$stack" "\$\{with_platform\[@\]\}" --json "plans\/head\/\$stack\.json"/,
        );
        assert.equal(plan.env?.PR_NUMBER, "${{ github.event.pull_request.number }}");
    });
    it("checks out the base branch's commit into base/ and plans its versions", function () {
        const base = step(plan, (s) => s.with?.path === "base", "checks out the base");
        assert.equal(base.with?.ref, "${{ github.event.pull_request.base.sha }}");
        assert.equal(
            runs(plan).match(/cd base && npm run plan --silent -- --config "\$file"/g)?.length,
            1,
        );
        // In the base's own order, a team stack there with the base's plan of its platform.
        const basePlan = plan.steps[runIndex(plan, /GITHUB_WORKSPACE\/\$out/)].run!;
        assert.match(
            basePlan,
            /^scripts\/delivery\/plan-order\.sh base > plans\/base-stacks\.tsv \|\| exit 1$/m,
        );
        assert.match(
            basePlan,
            /with_platform=\(--platform "\$GITHUB_WORKSPACE\/\$out_dir\/\$platform\.json"\)/,
        );
    });
    it("diffs each stack: npm run plan -- --config --stack --diff BASE.json --markdown", function () {
        const diff = step(plan, (s) => s.id === "diff", "diffs").run!;
        assert.match(
            diff,
            /npm run plan --silent -- --config "\$file" --stack "\$stack" "\$\{with_platform\[@\]\}" --diff "\$base_plan" --markdown "\$md"/,
        );
        assert.equal(plan.outputs?.worst, "${{ steps.diff.outputs.worst }}");
    });
    it("comments with a pinned sticky-comment action, same-repository pull requests only, running no code", function () {
        const job = wf.jobs.comment;
        assert.match(
            job.if!,
            /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
        );
        assert.deepEqual(needsOf(job), ["plan"]);
        assert.equal(job.steps.length, 1);
        assert.equal(job.steps[0].with?.message, "${{ needs.plan.outputs.comment }}");
        assert.equal(usesAction(job, "marocchino/sticky-pull-request-comment").length, 1);
    });
    describe("the plan steps (run with bash, a fake npm)", function () {
        // npm run plan: records its arguments; exits 1 for a team stack (aks-entra:platform) without
        // --platform or whose --platform plan does not exist yet, as plan/cli.ts does; writes
        // {"schemaVersion": N} for --json (N from FAKE_SCHEMA_BASE when run in base/), a Markdown
        // page for --markdown (padded to FAKE_MD_BYTES_<stack>) and exits FAKE_RC_<stack> for
        // --diff and --markdown.
        const FAKE_NPM = [
            'echo "$(basename "$PWD") $*" >> "$FAKE_LOG"',
            "shift 3 # run plan --silent",
            'if [ "$1" = "--" ]; then shift; fi',
            "json=; md=; stack=; diff=; config=; platform=",
            "while [ $# -gt 0 ]; do",
            '  case "$1" in',
            '    --config) config="$2"; shift ;;',
            '    --platform) platform="$2"; shift ;;',
            '    --stack) stack="$2"; shift ;;',
            '    --json) json="$2"; shift ;;',
            '    --markdown) md="$2"; shift ;;',
            '    --diff) diff="$2"; shift ;;',
            "  esac",
            "  shift",
            "done",
            'if grep -q "aks-entra:platform" "$config" && { [ -z "$platform" ] || [ ! -f "$platform" ]; }; then',
            '  echo "error: $config is a team stack: --platform <its platform plan> ${platform:-missing}" >&2; exit 1',
            "fi",
            'key="$(echo "$stack" | tr -- - _)"',
            'if [ -n "$json" ]; then',
            "  schema=3",
            '  if [ "$(basename "$PWD")" = base ] && [ -n "${FAKE_SCHEMA_BASE:-}" ]; then schema="$FAKE_SCHEMA_BASE"; fi',
            '  echo "{\\"schemaVersion\\": $schema}" > "$json"',
            "  exit 0",
            "fi",
            'if [ -n "$md" ]; then',
            '  { echo "# aks-entra plan: stack $stack"; echo "diff against: ${diff:-none}"; } > "$md"',
            '  pad="FAKE_MD_BYTES_$key"',
            '  if [ -n "${!pad:-}" ]; then head -c "${!pad}" /dev/zero | tr "\\0" x >> "$md"; fi',
            "fi",
            'rc="FAKE_RC_$key"',
            'exit "${!rc:-0}"',
        ].join("\n");

        /** A team stack file of the platform stack `platform`. */
        const team = (platform: string, name: string) =>
            stringify({
                config: {
                    "aks-entra:platform": { stack: `contoso/aks-entra/${platform}`, team: name },
                },
            });
        /** The checkout (head files) and base/ (base files): "config: {}" unless given a text. */
        function workspace(
            headFiles: string[] | Record<string, string>,
            baseFiles: string[] | Record<string, string>,
        ): Sandbox {
            const sb = sandbox();
            fake(sb, "npm", FAKE_NPM);
            // The pull request's scripts (plan-order.sh runs stacks.ts with the checkout's tsx).
            symlinkSync(path.join(ROOT, "scripts"), path.join(sb.dir, "scripts"));
            mkdirSync(path.join(sb.dir, "profiles"));
            mkdirSync(path.join(sb.dir, "base", "profiles"), { recursive: true });
            const files = (list: string[] | Record<string, string>) =>
                Array.isArray(list)
                    ? Object.fromEntries(list.map((f) => [f, "config: {}\n"]))
                    : list;
            write(sb.dir, files(headFiles));
            write(path.join(sb.dir, "base"), files(baseFiles));
            return sb;
        }
        const scripts = () => {
            const head = step(plan, (s) => s.id === "head", "plans the pull request").run!;
            const base = plan.steps[runIndex(plan, /GITHUB_WORKSPACE\/\$out/)].run!;
            const diff = step(plan, (s) => s.id === "diff", "diffs").run!;
            return { head, base, diff };
        };
        const ENV = { PR_NUMBER: "42", BASE_REF: "main" };

        before(function () {
            if (!HAS_JQ) this.skip(); // the base step reads schemaVersion with jq, as on GitHub's runners
        });

        it("plans each file, diffs it against its base, and reports the worst outcome", function () {
            const sb = workspace(
                [
                    "Pulumi.dev.yaml",
                    "Pulumi.prod.yaml",
                    "Pulumi.team-payments.yaml",
                    "profiles/preview.yaml",
                ],
                ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "profiles/preview.yaml"],
            );
            try {
                const { head, base, diff } = scripts();
                assert.equal(runStep(sb, head, ENV).code, 0);
                assert.equal(
                    readFileSync(path.join(sb.dir, "plans", "stacks.tsv"), "utf8"),
                    "dev\tPulumi.dev.yaml\t\nprod\tPulumi.prod.yaml\t\nteam-payments\tPulumi.team-payments.yaml\t\npr-42\tprofiles/preview.yaml\t\n",
                );
                assert.equal(runStep(sb, base, ENV).code, 0);
                for (const s of ["dev", "prod", "pr-42"]) {
                    assert.ok(existsSync(path.join(sb.dir, "plans", "main", `${s}.json`)), s);
                }
                // New in the pull request: no base plan.
                assert.ok(!existsSync(path.join(sb.dir, "plans", "main", "team-payments.json")));
                const r = runStep(sb, diff, { ...ENV, FAKE_RC_prod: "2" });
                assert.equal(r.code, 0, r.stderr);
                const log = calls(sb);
                assert.ok(
                    log.includes(
                        `${path.basename(sb.dir)} run plan --silent -- --config Pulumi.dev.yaml --stack dev --diff plans/main/dev.json --markdown plans/md/dev.md`,
                    ),
                    log.join("\n"),
                );
                assert.ok(
                    log.includes(
                        "base run plan --silent -- --config profiles/preview.yaml --stack pr-42 --json " +
                            path.join(sb.dir, "plans/main/pr-42.json"),
                    ),
                    log.join("\n"),
                );
                const out = outputs(sb.output);
                assert.equal(out.worst, "2");
                assert.match(out.comment, /\| `dev` \| `Pulumi\.dev\.yaml` \| access unchanged \|/);
                assert.match(
                    out.comment,
                    /\| `prod` \| `Pulumi\.prod\.yaml` \| \*\*access changed\*\* \(exit 2\)/,
                );
                assert.match(
                    out.comment,
                    /\| `team-payments` \| `Pulumi\.team-payments\.yaml` \| \*\*new stack file\*\*/,
                );
                // Changed stacks first.
                const sections = [...out.comment.matchAll(/stack <code>([\w-]+)<\/code>/g)].map(
                    (m) => m[1],
                );
                assert.deepEqual(sections, ["prod", "team-payments", "dev", "pr-42"]);
                assert.match(
                    readFileSync(sb.summary, "utf8"),
                    /diff against: plans\/main\/prod\.json/,
                );
            } finally {
                rmSync(sb.dir, { recursive: true, force: true });
            }
        });

        it("plans the platform first and passes --platform to a team stack's plan: head, base and diff", function () {
            const sb = workspace(
                {
                    "Pulumi.dev.yaml": "config: {}\n",
                    "Pulumi.platform.yaml": "config: {}\n",
                    // Sorts before platform: planned after it all the same.
                    "Pulumi.a-team.yaml": team("platform", "a"),
                    "Pulumi.team-payments.yaml": team("platform", "payments"),
                    // A team stack here; the base's version is not one: no --platform there.
                    "Pulumi.team-search.yaml": team("platform", "search"),
                },
                {
                    "Pulumi.dev.yaml": "config: {}\n",
                    "Pulumi.platform.yaml": "config: {}\n",
                    "Pulumi.team-payments.yaml": team("platform", "payments"),
                    "Pulumi.team-search.yaml": "config: {}\n",
                },
            );
            try {
                const { head, base, diff } = scripts();
                const h = runStep(sb, head, ENV);
                assert.equal(h.code, 0, h.stdout + h.stderr);
                assert.equal(
                    readFileSync(path.join(sb.dir, "plans", "stacks.tsv"), "utf8"),
                    [
                        "dev\tPulumi.dev.yaml\t",
                        "platform\tPulumi.platform.yaml\t",
                        "a-team\tPulumi.a-team.yaml\tplatform",
                        "team-payments\tPulumi.team-payments.yaml\tplatform",
                        "team-search\tPulumi.team-search.yaml\tplatform",
                        "",
                    ].join("\n"),
                );
                const b = runStep(sb, base, ENV);
                assert.equal(b.code, 0, b.stdout + b.stderr);
                assert.doesNotMatch(b.stdout, /::warning/);
                const d = runStep(sb, diff, ENV);
                assert.equal(d.code, 0, d.stdout + d.stderr);
                const here = path.basename(sb.dir);
                const main = path.join(sb.dir, "plans", "main");
                assert.deepEqual(calls(sb), [
                    `${here} run plan --silent -- --config Pulumi.dev.yaml --stack dev --json plans/head/dev.json`,
                    `${here} run plan --silent -- --config Pulumi.platform.yaml --stack platform --json plans/head/platform.json`,
                    `${here} run plan --silent -- --config Pulumi.a-team.yaml --stack a-team --platform plans/head/platform.json --json plans/head/a-team.json`,
                    `${here} run plan --silent -- --config Pulumi.team-payments.yaml --stack team-payments --platform plans/head/platform.json --json plans/head/team-payments.json`,
                    `${here} run plan --silent -- --config Pulumi.team-search.yaml --stack team-search --platform plans/head/platform.json --json plans/head/team-search.json`,
                    `base run plan --silent -- --config Pulumi.dev.yaml --stack dev --json ${main}/dev.json`,
                    `base run plan --silent -- --config Pulumi.platform.yaml --stack platform --json ${main}/platform.json`,
                    `base run plan --silent -- --config Pulumi.team-search.yaml --stack team-search --json ${main}/team-search.json`,
                    `base run plan --silent -- --config Pulumi.team-payments.yaml --stack team-payments --platform ${main}/platform.json --json ${main}/team-payments.json`,
                    `${here} run plan --silent -- --config Pulumi.dev.yaml --stack dev --diff plans/main/dev.json --markdown plans/md/dev.md`,
                    `${here} run plan --silent -- --config Pulumi.platform.yaml --stack platform --diff plans/main/platform.json --markdown plans/md/platform.md`,
                    `${here} run plan --silent -- --config Pulumi.a-team.yaml --stack a-team --platform plans/head/platform.json --markdown plans/md/a-team.md`,
                    `${here} run plan --silent -- --config Pulumi.team-payments.yaml --stack team-payments --platform plans/head/platform.json --diff plans/main/team-payments.json --markdown plans/md/team-payments.md`,
                    `${here} run plan --silent -- --config Pulumi.team-search.yaml --stack team-search --platform plans/head/platform.json --diff plans/main/team-search.json --markdown plans/md/team-search.md`,
                ]);
                const out = outputs(sb.output);
                assert.equal(out.worst, "2"); // a-team is new
                assert.match(
                    out.comment,
                    /\| `team-payments` \| `Pulumi\.team-payments\.yaml` \| access unchanged \|/,
                );
                assert.doesNotMatch(out.comment, /plan failed/);
            } finally {
                rmSync(sb.dir, { recursive: true, force: true });
            }
        });

        it("a team stack file that names no stack reference fails the step before any plan", function () {
            const sb = workspace(
                {
                    "Pulumi.dev.yaml": "config: {}\n",
                    "Pulumi.team-x.yaml": stringify({
                        config: { "aks-entra:platform": { stack: "platform", team: "x" } },
                    }),
                },
                [],
            );
            try {
                const r = runStep(sb, scripts().head, ENV);
                assert.equal(r.code, 1);
                assert.match(
                    r.stderr,
                    /::error::Pulumi\.team-x\.yaml: aks-entra:platform\.stack "platform" is not a stack reference; allowed: <org>\/<project>\/<stack>/,
                );
                assert.deepEqual(calls(sb), []);
            } finally {
                rmSync(sb.dir, { recursive: true, force: true });
            }
        });

        it("exit 4 wins over 2; a failing plan fails the step; the comment stays under GitHub's limit", function () {
            const sb = workspace(
                ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.big.yaml"],
                ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.big.yaml"],
            );
            try {
                const { head, base, diff } = scripts();
                runStep(sb, head, ENV);
                runStep(sb, base, ENV);
                const r = runStep(sb, diff, {
                    ...ENV,
                    FAKE_RC_dev: "4",
                    FAKE_RC_prod: "2",
                    FAKE_RC_big: "2",
                    FAKE_MD_BYTES_big: "70000",
                });
                assert.equal(r.code, 0, r.stderr);
                const out = outputs(sb.output);
                assert.equal(out.worst, "4");
                assert.ok(out.comment.length < 65536, `${out.comment.length} characters`);
                assert.match(out.comment, /stack `big`: too long for this comment/);
                assert.match(
                    out.comment,
                    /refuses in place or that replaces a resource\*\* \(exit 4\)/,
                );
                // The run summary has every stack in full.
                assert.ok(readFileSync(sb.summary, "utf8").length > 70000);

                writeFileSync(sb.output, "");
                const failed = runStep(sb, diff, { ...ENV, FAKE_RC_prod: "3" });
                assert.equal(failed.code, 1);
                assert.match(outputs(sb.output).comment, /plan failed \(exit 3\)/);
            } finally {
                rmSync(sb.dir, { recursive: true, force: true });
            }
        });

        it("plans the base's file with the pull request's code when the base writes another schema", function () {
            const files = {
                "Pulumi.dev.yaml": "config: {}\n",
                "Pulumi.platform.yaml": "config: {}\n",
                "Pulumi.team-search.yaml": team("platform", "search"),
            };
            const sb = workspace(files, files);
            try {
                const { head, base } = scripts();
                runStep(sb, head, ENV);
                const r = runStep(sb, base, { ...ENV, FAKE_SCHEMA_BASE: "2" });
                assert.equal(r.code, 0, r.stderr);
                assert.match(r.stdout, /::warning file=Pulumi\.dev\.yaml::/);
                assert.ok(
                    calls(sb).includes(
                        `${path.basename(sb.dir)} run plan --silent -- --config base/Pulumi.dev.yaml --stack dev --json plans/main/dev.json`,
                    ),
                    calls(sb).join("\n"),
                );
                // A team stack: with the base's plan of its platform, whichever code plans it.
                assert.ok(
                    calls(sb).includes(
                        `${path.basename(sb.dir)} run plan --silent -- --config base/Pulumi.team-search.yaml --stack team-search --platform ${path.join(sb.dir, "plans/main/platform.json")} --json plans/main/team-search.json`,
                    ),
                    calls(sb).join("\n"),
                );
            } finally {
                rmSync(sb.dir, { recursive: true, force: true });
            }
        });
    });
});
