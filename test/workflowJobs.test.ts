// The shape of each delivery workflow: which environment and concurrency group each job runs in,
// which checkout's code runs, what waits for what (deploy.yml and deploy-stack.yml, review-gate.yml,
// pr-preview.yml and janitor.yml, e2e.yml). What their scripts do: test/workflows.test.ts.
import type { StepRecord } from "../e2e/steps";
import { strict as assert } from "node:assert";
import { environmentOf, load, needsOf, runIndex, runs, step, usesAction } from "./workflowSandbox";

describe("GitHub Actions workflows (.github/workflows): each workflow's jobs", function () {
    describe("deploy.yml and deploy-stack.yml: one list, one job per stack", function () {
        const deploy = load("deploy.yml").wf;
        const one = load("deploy-stack.yml").wf;
        it("the order job computes the list from the stack files, with the private runner's label", function () {
            const order = deploy.jobs.order;
            assert.equal(order.outputs?.matrix, "${{ steps.order.outputs.matrix }}");
            const s = step(order, (x) => x.id === "order", "computes the order");
            assert.equal(s.run, "npx tsx scripts/delivery/stacks.ts deploy-matrix");
            assert.equal(s.env?.PRIVATE_RUNNER_LABEL, "${{ vars.PRIVATE_RUNNER_LABEL }}");
            assert.deepEqual(order.permissions, { contents: "read" });
        });
        it("each stack in turn (max-parallel 1, fail-fast), every matrix field passed on", function () {
            const job = deploy.jobs.deploy;
            assert.deepEqual(needsOf(job), ["order"]);
            assert.deepEqual(job.strategy, {
                matrix: "${{ fromJSON(needs.order.outputs.matrix) }}",
                "max-parallel": 1,
                "fail-fast": true,
            });
            assert.deepEqual(job.with, {
                stack: "${{ matrix.stack }}",
                runner: "${{ matrix.runner }}",
                refuse: "${{ matrix.refuse }}",
                approval: "${{ matrix.approval }}",
                create: "${{ matrix.create }}",
            });
            const inputs = (one.on.workflow_call as { inputs: Record<string, unknown> }).inputs;
            assert.deepEqual(Object.keys(inputs).sort(), Object.keys(job.with).sort());
            assert.equal(deploy.concurrency, undefined);
        });
        it("the approval waits in approve-<stack>, outside any concurrency group, holding no identity", function () {
            const approve = one.jobs.approve;
            assert.equal(environmentOf(approve), "approve-${{ inputs.stack }}");
            assert.equal(approve.concurrency, undefined);
            assert.deepEqual(approve.permissions, {});
            assert.equal(approve.if, "${{ inputs.approval && inputs.refuse == '' }}");
            assert.equal(one.concurrency, undefined);
        });
        it("pulumi up in the stack's environment and its own group, never cancelled, after the approval", function () {
            const up = one.jobs.up;
            assert.equal(environmentOf(up), "${{ inputs.stack }}");
            assert.deepEqual(up.concurrency, {
                group: "deploy-${{ inputs.stack }}",
                "cancel-in-progress": false,
            });
            assert.deepEqual(needsOf(up), ["approve"]);
            assert.equal(
                up.if,
                "${{ !cancelled() && (needs.approve.result == 'success' || needs.approve.result == 'skipped') }}",
            );
            assert.equal(up["runs-on"], "${{ inputs.runner }}");
            assert.match(
                runs(up),
                /pulumi up --yes --non-interactive --stack "\$STACK" --policy-pack policy/,
            );
            // A protected stack is never created by the pipeline.
            assert.match(
                runs(up),
                /if \[ "\$CREATE" = "true" \]; then\n\s+pulumi stack select --create/,
            );
        });
        it("a stack that needs the private network refuses first, before any checkout or sign-in", function () {
            const first = one.jobs.up.steps[0];
            assert.equal(first.if, "${{ inputs.refuse != '' }}");
            assert.equal(first.env?.REFUSE, "${{ inputs.refuse }}");
            assert.match(first.run!, /exit 1$/m);
        });
        it("verifies the stack after its pulumi up, with a fresh sign-in, failing on drift or a failed read", function () {
            const up = one.jobs.up;
            const names = up.steps.map((s) => s.name ?? "");
            const login = names.lastIndexOf("Sign in to Azure again (verify)");
            assert.ok(runIndex(up, /pulumi up --yes/) < login, names.join(" | "));
            const script = step(up, (s) => s.name === "npm run verify", "verify").run!;
            assert.ok(up.steps.indexOf(up.steps.find((s) => s.run === script)!) > login);
            assert.match(
                script,
                /npm run --silent verify -- --stack "\$STACK" --markdown verify\.md \|\| code=\$\?/,
            );
            assert.match(script, /exit "\$code"$/m);
        });
    });

    describe("review-gate.yml: the base branch's code judges", function () {
        const gate = load("review-gate.yml").wf.jobs.gate;
        it("checks out the base commit into base/ and the head into head/, installs only base/", function () {
            const base = step(gate, (s) => s.with?.path === "base", "checks out the base");
            const head = step(gate, (s) => s.with?.path === "head", "checks out the head");
            assert.equal(base.with?.ref, "${{ github.event.pull_request.base.sha }}");
            assert.equal(head.with?.ref, "${{ github.event.pull_request.head.sha }}");
            const installs = gate.steps.filter((s) => /npm ci/.test(s.run ?? ""));
            assert.deepEqual(
                installs.map((s) => s["working-directory"]),
                ["base"],
            );
        });
        it("runs the base's plan script and gate, with the base's CODEOWNERS, read-only", function () {
            assert.ok(gate.steps.some((s) => s.run === "base/scripts/delivery/gate-plan.sh"));
            const judge = step(gate, (s) => /reviewGate/.test(s.run ?? ""), "judges");
            assert.equal(
                judge.run,
                "base/node_modules/.bin/tsx base/scripts/delivery/reviewGate.ts",
            );
            assert.deepEqual(judge.env, {
                GH_TOKEN: "${{ github.token }}",
                GH_REPO: "${{ github.repository }}",
                HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
                PR_AUTHOR: "${{ github.event.pull_request.user.login }}",
                CODEOWNERS: "base/.github/CODEOWNERS",
                RESULTS: "gate/results.tsv",
            });
            assert.doesNotMatch(runs(gate), /(^|\s)(head\/|\.\/)\S*\.(sh|ts)\b/);
            assert.deepEqual(gate.permissions, { contents: "read", "pull-requests": "read" });
        });
    });

    describe("pr-preview.yml and janitor.yml: one concurrency group per preview stack", function () {
        const pr = load("pr-preview.yml").wf;
        const janitor = load("janitor.yml").wf;
        const groupFor = (job: { concurrency?: { group: string } }, stack: string) =>
            job.concurrency?.group
                .replace("${{ github.event.pull_request.number }}", stack.slice(3))
                .replace("${{ matrix.stack }}", stack);
        it("every job runs for same-repository pull requests only", function () {
            for (const [id, job] of Object.entries(pr.jobs)) {
                assert.match(
                    job.if ?? "",
                    /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
                    id,
                );
            }
        });
        it("no workflow-level group: a label event cannot cancel a pending destroy", function () {
            assert.equal(pr.concurrency, undefined);
            assert.equal(janitor.concurrency, undefined);
        });
        it("up, destroy and the janitor's destroy of pr-7 share the group stack-pr-7, never cancelling", function () {
            for (const job of [
                pr.jobs["preview-stack"],
                pr.jobs["destroy-preview-stack"],
                janitor.jobs.destroy,
            ]) {
                assert.equal(groupFor(job, "pr-7"), "stack-pr-7");
                assert.equal(job.concurrency?.["cancel-in-progress"], false);
            }
        });
        it("environments: plan-read previews and lists, preview creates, preview-destroy destroys", function () {
            assert.equal(environmentOf(pr.jobs.preview), "plan-read");
            assert.equal(environmentOf(pr.jobs["preview-stack"]), "preview");
            assert.equal(environmentOf(pr.jobs["destroy-preview-stack"]), "preview-destroy");
            assert.equal(environmentOf(janitor.jobs.list), "plan-read");
            assert.equal(environmentOf(janitor.jobs.destroy), "preview-destroy");
        });
        it("the destroy waits for nothing: no needs, no approval; it runs the base branch's scripts", function () {
            const destroy = pr.jobs["destroy-preview-stack"];
            assert.deepEqual(needsOf(destroy), []);
            assert.match(destroy.if!, /github\.event\.action == 'closed'/);
            assert.equal(
                usesAction(destroy, "actions/checkout")[0].with?.ref,
                "${{ github.event.pull_request.base.sha }}",
            );
            assert.ok(
                destroy.steps.some(
                    (s) => s.run === 'scripts/delivery/destroy-stack.sh "pr-${PR_NUMBER}"',
                ),
            );
            assert.ok(
                janitor.jobs.destroy.steps.some(
                    (s) => s.run === 'scripts/delivery/destroy-stack.sh "$STACK"',
                ),
            );
            // Listed before it held the group: it checks the expiry again.
            assert.equal(janitor.jobs.destroy.env?.ONLY_IF_EXPIRED, "true");
        });
        it("the preview stack and the previews use the base branch's policy pack", function () {
            assert.match(
                runs(pr.jobs["preview-stack"]),
                /pulumi up --yes --non-interactive --stack "\$stack" --policy-pack base\/policy/,
            );
            for (const id of ["preview", "preview-stack"]) {
                const base = step(
                    pr.jobs[id],
                    (s) => s.with?.path === "base",
                    "checks out the base",
                );
                assert.equal(base.with?.ref, "${{ github.event.pull_request.base.sha }}", id);
            }
            assert.ok(
                runIndex(pr.jobs["preview-stack"], /--fail-on high/) <
                    runIndex(pr.jobs["preview-stack"], /pulumi up/),
            );
        });
        it("the comment job posts every job's result and the previews, running no code", function () {
            const c = pr.jobs.comment;
            assert.deepEqual(needsOf(c), ["preview", "preview-stack", "destroy-preview-stack"]);
            assert.deepEqual(c.permissions, { "pull-requests": "write" });
            assert.equal(usesAction(c, "actions/checkout").length, 0);
            assert.equal(step(c, (s) => s.uses !== undefined, "comments").with?.path, "comment.md");
        });
    });

    describe("e2e.yml", function () {
        const { wf } = load("e2e.yml");
        it("runs the real-Azure suite on demand only, in the environment e2e, signed in by federation", function () {
            assert.deepEqual(Object.keys(wf.on as object), ["workflow_dispatch"]);
            const job = wf.jobs.e2e;
            assert.equal(environmentOf(job), "e2e");
            assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
            assert.equal(job.env?.AKS_ENTRA_E2E, "1");
            assert.equal(job.env?.ARM_USE_OIDC, "true");
            assert.deepEqual(wf.concurrency, { group: "e2e", "cancel-in-progress": false });
            const script = step(job, (s) => s.name === "npm run e2e", "runs the suite").run!;
            assert.match(
                script,
                /npm run --silent e2e -- --report e2e-report\.json \|\| code=\$\?/,
            );
            assert.match(script, /exit "\$code"$/m);
        });
        it("writes every step of the report to the job summary (the fields e2e/steps.ts writes)", function () {
            const script = step(
                wf.jobs.e2e,
                (s) => s.name === "npm run e2e",
                "runs the suite",
            ).run!;
            const record: Record<keyof StepRecord, true> = {
                step: true,
                started: true,
                seconds: true,
                result: true,
                detail: true,
            };
            for (const field of script.match(/\\\(\.(\w+)\)/g) ?? []) {
                const name = field.slice(3, -1);
                assert.ok(name in record, `${field} is not a field of StepRecord`);
            }
            assert.match(
                script,
                /\.steps\[\] \| "\| \\\(\.step\) \| \\\(\.seconds\) \| \\\(\.result\) \|"/,
            );
        });
    });
});
