// pr-checks.yml: the offline plan of every stack file of a pull request, diffed against the base
// branch's plan of the same file, and its sticky comment; its plan steps run with bash against a
// fake npm. It informs only: what may merge is the review gate's (test/workflows.test.ts).
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
    calls,
    fake,
    HAS_JQ,
    load,
    needsOf,
    outputs,
    runIndex,
    runs,
    runStep,
    type Sandbox,
    sandbox,
    step,
    stepIndex,
    usesAction,
    usesIndex,
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
    it("plans every Pulumi.*.yaml and both profiles, with --json", function () {
        const head = step(plan, (s) => s.id === "head", "plans the pull request").run!;
        assert.match(
            head,
            /for file in Pulumi\.\*\.yaml profiles\/preview\.yaml profiles\/e2e\.yaml; do/,
        );
        assert.match(head, /profiles\/preview\.yaml\) stack="pr-\$\{PR_NUMBER\}"/);
        assert.match(head, /profiles\/e2e\.yaml\) stack="e2e-00000000"/);
        assert.match(head, /stack="\$\{file#Pulumi\.\}"; stack="\$\{stack%\.yaml\}"/);
        assert.match(
            head,
            /npm run plan --silent -- --config "\$file" --stack "\$stack" --json "plans\/head\/\$stack\.json"/,
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
    });
    it("diffs each stack: npm run plan -- --config --stack --diff BASE.json --markdown", function () {
        const diff = step(plan, (s) => s.id === "diff", "diffs").run!;
        assert.match(
            diff,
            /npm run plan --silent -- --config "\$file" --stack "\$stack" --diff "\$base_plan" --markdown "\$md"/,
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
        // npm run plan: records its arguments; writes {"schemaVersion": N} for --json (N from
        // FAKE_SCHEMA_BASE when run in base/), a Markdown page for --markdown (padded to
        // FAKE_MD_BYTES_<stack>) and exits FAKE_RC_<stack> for --diff and --markdown.
        const FAKE_NPM = [
            'echo "$(basename "$PWD") $*" >> "$FAKE_LOG"',
            "shift 3 # run plan --silent",
            'if [ "$1" = "--" ]; then shift; fi',
            "json=; md=; stack=; diff=",
            "while [ $# -gt 0 ]; do",
            '  case "$1" in',
            "    --config) shift ;;",
            '    --stack) stack="$2"; shift ;;',
            '    --json) json="$2"; shift ;;',
            '    --markdown) md="$2"; shift ;;',
            '    --diff) diff="$2"; shift ;;',
            "  esac",
            "  shift",
            "done",
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

        function workspace(headFiles: string[], baseFiles: string[]): Sandbox {
            const sb = sandbox();
            fake(sb, "npm", FAKE_NPM);
            mkdirSync(path.join(sb.dir, "profiles"));
            mkdirSync(path.join(sb.dir, "base", "profiles"), { recursive: true });
            for (const f of headFiles) writeFileSync(path.join(sb.dir, f), "config: {}\n");
            for (const f of baseFiles) writeFileSync(path.join(sb.dir, "base", f), "config: {}\n");
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
                    "dev\tPulumi.dev.yaml\nprod\tPulumi.prod.yaml\nteam-payments\tPulumi.team-payments.yaml\npr-42\tprofiles/preview.yaml\n",
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
            const sb = workspace(["Pulumi.dev.yaml"], ["Pulumi.dev.yaml"]);
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
            } finally {
                rmSync(sb.dir, { recursive: true, force: true });
            }
        });
    });
});
