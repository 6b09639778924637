// The GitHub Actions workflows of .github/workflows: each passes the workflow schema
// (@action-validator/core) and a broken copy fails it; then the properties the delivery design
// rests on: triggers, least-privilege permissions (id-token only where azure/login runs), actions
// pinned to a commit with their version, the README's CI sign-in environment, the commands each
// job runs; and the shell of the steps that decide something (the plan diff and its review gate,
// the preview stack, the janitor), run with bash against fake npm and pulumi commands.
import type { StepRecord } from "../e2e/steps";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import {
    chmodSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { SIGN_INS } from "../components/ciSignIn";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");

interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    "working-directory"?: string;
}
interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: string | Record<string, string>;
    "runs-on"?: string;
    env?: Record<string, unknown>;
    outputs?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: string | Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
}
interface Loaded {
    file: string;
    text: string;
    wf: Workflow;
}

const FILES = readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
const WORKFLOWS: Loaded[] = FILES.map((file) => {
    const text = readFileSync(path.join(DIR, file), "utf8");
    return { file, text, wf: parse(text) as Workflow };
});

function load(file: string): Loaded {
    const w = WORKFLOWS.find((x) => x.file === file);
    assert.ok(w, `.github/workflows/${file} exists`);
    return w;
}
const jobsOf = (w: Loaded): [string, Job][] => Object.entries(w.wf.jobs);
const allJobs = (): [string, Job][] =>
    WORKFLOWS.flatMap((w) => jobsOf(w).map(([id, job]): [string, Job] => [`${w.file}/${id}`, job]));
const usesAction = (job: Job, action: string) =>
    job.steps.filter((s) => s.uses?.split("@")[0].toLowerCase() === action.toLowerCase());
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const stepIndex = (job: Job, pred: (s: Step) => boolean, what: string) => {
    const i = job.steps.findIndex(pred);
    assert.ok(i >= 0, `a step that ${what}`);
    return i;
};
const runIndex = (job: Job, re: RegExp) =>
    stepIndex(job, (s) => re.test(s.run ?? ""), `runs ${String(re)}`);
const usesIndex = (job: Job, action: string) =>
    stepIndex(job, (s) => s.uses?.startsWith(`${action}@`) === true, `uses ${action}`);
const step = (job: Job, pred: (s: Step) => boolean, what: string) =>
    job.steps[stepIndex(job, pred, what)];
const environmentOf = (job: Job) =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;
const needsOf = (job: Job) =>
    job.needs === undefined ? [] : typeof job.needs === "string" ? [job.needs] : job.needs;
const signsIn = (job: Job) => usesAction(job, "azure/login").length > 0;
/** A pulumi command a step runs (not one a message names). */
/** A step that runs pulumi: directly, or through `npm run e2e` (the Automation API). */
const PULUMI_COMMAND =
    /(^|\$\(|\bif !? ?)\s*(pulumi (preview|up|destroy|stack|config)\b|npm run --silent e2e\b)/m;

/** Names of the steps' failures the validator reports, flattened (its errors nest "states"). */
function errorPaths(src: string): string[] {
    const out: string[] = [];
    const walk = (errors: ReturnType<typeof validateWorkflow>["errors"]) => {
        for (const e of errors) {
            out.push(`${e.code} ${"path" in e ? e.path : ""}`.trim());
            if ("states" in e && e.states) for (const s of e.states) walk(s.errors);
        }
    };
    walk(validateWorkflow(src).errors);
    return out;
}

/** A copy of `text` with `from` replaced, failing when `from` is not there. */
function broken(text: string, from: string | RegExp, to: string): string {
    const out = text.replace(from, to);
    assert.notEqual(out, text, `the breaking edit ${String(from)} applies`);
    return out;
}

// ---- running a step's shell as GitHub does, with fake commands first on PATH ----

const HAS_JQ = spawnSync("jq", ["--version"]).status === 0;

interface Sandbox {
    dir: string;
    bin: string;
    summary: string;
    output: string;
    env: string;
    log: string;
}
function sandbox(): Sandbox {
    const dir = mkdtempSync(path.join(tmpdir(), "aks-entra-wf-"));
    const bin = path.join(dir, ".fake-bin");
    mkdirSync(bin);
    const s = {
        dir,
        bin,
        summary: path.join(dir, ".summary.md"),
        output: path.join(dir, ".output"),
        env: path.join(dir, ".env"),
        log: path.join(dir, ".calls.log"),
    };
    for (const f of [s.summary, s.output, s.env, s.log]) writeFileSync(f, "");
    return s;
}
function fake(sb: Sandbox, name: string, body: string): void {
    const file = path.join(sb.bin, name);
    writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(file, 0o755);
}
/** Runs `script` like `run:` (bash --noprofile --norc -eo pipefail) in the sandbox. */
function runStep(
    sb: Sandbox,
    script: string,
    env: Record<string, string>,
    cwd = sb.dir,
): { code: number; stdout: string; stderr: string } {
    const file = path.join(sb.dir, ".step.sh");
    writeFileSync(file, script);
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
        cwd,
        encoding: "utf8",
        env: {
            PATH: `${sb.bin}:${process.env.PATH ?? ""}`,
            HOME: sb.dir,
            GITHUB_WORKSPACE: sb.dir,
            GITHUB_STEP_SUMMARY: sb.summary,
            GITHUB_OUTPUT: sb.output,
            GITHUB_ENV: sb.env,
            FAKE_LOG: sb.log,
            ...env,
        },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const calls = (sb: Sandbox) =>
    readFileSync(sb.log, "utf8")
        .split("\n")
        .filter((l) => l !== "");
/** `name<<DELIM ... DELIM` and `name=value` entries of a $GITHUB_OUTPUT file. */
function outputs(file: string): Record<string, string> {
    const out: Record<string, string> = {};
    const lines = readFileSync(file, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
        const heredoc = /^([\w-]+)<<(\S+)$/.exec(lines[i]);
        if (heredoc) {
            const end = lines.indexOf(heredoc[2], i + 1);
            assert.ok(end > i, `the delimiter of output ${heredoc[1]} closes it`);
            out[heredoc[1]] = lines.slice(i + 1, end).join("\n");
            i = end;
            continue;
        }
        const kv = /^([\w-]+)=(.*)$/.exec(lines[i]);
        if (kv) out[kv[1]] = kv[2];
    }
    return out;
}

describe("GitHub Actions workflows (.github/workflows)", function () {
    it("has the four delivery workflows", function () {
        for (const f of ["pr-checks.yml", "pr-preview.yml", "deploy.yml", "janitor.yml"]) {
            assert.ok(FILES.includes(f), `${f} in ${FILES.join(", ")}`);
        }
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

    describe("triggers", function () {
        it("pr-checks: every pull request, forks included, and its label changes", function () {
            const { on } = load("pr-checks.yml").wf;
            assert.deepEqual(Object.keys(on), ["pull_request"]);
            const types = (on.pull_request as { types: string[] }).types;
            for (const t of ["opened", "synchronize", "reopened", "labeled", "unlabeled"]) {
                assert.ok(types.includes(t), t);
            }
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
        it("id-token: write exactly in the jobs that run azure/login", function () {
            assert.deepEqual(
                allJobs()
                    .filter(([, j]) => signsIn(j))
                    .map(([id]) => id)
                    .sort(),
                [
                    "deploy.yml/dev",
                    "deploy.yml/prod",
                    "e2e.yml/e2e",
                    "janitor.yml/expire",
                    "pr-preview.yml/destroy-preview-stack",
                    "pr-preview.yml/preview",
                    "pr-preview.yml/preview-stack",
                ],
            );
            for (const [id, job] of allJobs()) {
                const perms = job.permissions as Record<string, string>;
                assert.equal(perms["id-token"] === "write", signsIn(job), id);
                if (!signsIn(job)) assert.equal(perms["id-token"], undefined, id);
            }
        });
        it("writes only id-token (to sign in) and pull-requests in pr-checks' comment job", function () {
            const writes = allJobs().flatMap(([id, job]) =>
                Object.entries(job.permissions as Record<string, string>)
                    .filter(([, level]) => level === "write")
                    .map(([scope]) => `${id} ${scope}`),
            );
            const expected = allJobs()
                .filter(([, j]) => signsIn(j))
                .map(([id]) => `${id} id-token`)
                .concat(["pr-checks.yml/comment pull-requests"]);
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
            "azure/login",
            "pulumi/actions",
            "azure/use-kubelogin",
            "marocchino/sticky-pull-request-comment",
        ];
        it("every uses: is owner/repo@<40-hex commit> # vX.Y[.Z] of an allowed action", function () {
            let count = 0;
            for (const w of WORKFLOWS) {
                for (const line of w.text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l))) {
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
            assert.ok(count >= 30, `${count} uses: lines`);
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
                    assert.deepEqual(s.with, { "node-version": 22, cache: "npm" }, id);
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

    describe("sign-in as README: CI sign-in (components/ciSignIn.ts, GitHub Actions)", function () {
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
                const [login] = usesAction(job, "azure/login");
                assert.deepEqual(login.with, {
                    "client-id": VAR["<client id>"],
                    "tenant-id": VAR["<tenant id>"],
                    "subscription-id": VAR["<subscription id>"],
                });
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
        it("azure/login is the last setup step before pulumi (its assertion lasts five minutes)", function () {
            for (const [id, job] of allJobs().filter(([, j]) => signsIn(j))) {
                const login = usesIndex(job, "azure/login");
                for (const a of ["actions/setup-node", "pulumi/actions", "azure/use-kubelogin"]) {
                    assert.ok(usesIndex(job, a) < login, `${id}: ${a} before azure/login`);
                }
                assert.ok(runIndex(job, /npm ci/) < login, id);
                assert.ok(runIndex(job, PULUMI_COMMAND) > login, id);
            }
        });
    });

    describe("pr-checks.yml", function () {
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
        it("plans every Pulumi.*.yaml and the preview profile, with --json", function () {
            const head = step(plan, (s) => s.id === "head", "plans the pull request").run!;
            assert.match(head, /for file in Pulumi\.\*\.yaml profiles\/preview\.yaml; do/);
            assert.match(head, /profiles\/preview\.yaml\) stack="pr-\$\{PR_NUMBER\}"/);
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
        it("the access review gate runs whatever the plan job did", function () {
            const gate = wf.jobs["access-review"];
            assert.deepEqual(needsOf(gate), ["plan"]);
            assert.equal(gate.if, "${{ !cancelled() }}");
            assert.deepEqual(gate.permissions, {});
            assert.equal(
                gate.steps[0].env?.REVIEWED,
                "${{ contains(github.event.pull_request.labels.*.name, 'access-reviewed') }}",
            );
        });

        describe("the gate (run with bash)", function () {
            const script = wf.jobs["access-review"].steps[0].run!;
            const cases: [string, Record<string, string>, number, RegExp][] = [
                ["access unchanged passes", { WORST: "0" }, 0, /Access unchanged/],
                [
                    "access change without the label fails",
                    { WORST: "2", REVIEWED: "false" },
                    1,
                    /needs? review/,
                ],
                [
                    "access change with access-reviewed passes",
                    { WORST: "2", REVIEWED: "true" },
                    0,
                    /accepted/,
                ],
                [
                    "exit 4 fails, label or not",
                    { WORST: "4", REVIEWED: "true" },
                    1,
                    /refuses in place/,
                ],
                [
                    "a failed plan fails",
                    { PLAN_RESULT: "failure", WORST: "" },
                    1,
                    /nothing was reviewed/,
                ],
            ];
            for (const [title, env, code, message] of cases) {
                it(title, function () {
                    const sb = sandbox();
                    try {
                        const r = runStep(sb, script, {
                            PLAN_RESULT: "success",
                            REVIEWED: "false",
                            ...env,
                        });
                        assert.equal(r.code, code, r.stdout + r.stderr);
                        assert.match(r.stdout, message);
                    } finally {
                        rmSync(sb.dir, { recursive: true, force: true });
                    }
                });
            }
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
                for (const f of baseFiles)
                    writeFileSync(path.join(sb.dir, "base", f), "config: {}\n");
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
                    assert.ok(
                        !existsSync(path.join(sb.dir, "plans", "main", "team-payments.json")),
                    );
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
                    assert.match(
                        out.comment,
                        /\| `dev` \| `Pulumi\.dev\.yaml` \| access unchanged \|/,
                    );
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

    describe("pr-preview.yml", function () {
        const { wf } = load("pr-preview.yml");
        it("every job runs for same-repository pull requests only", function () {
            for (const [id, job] of Object.entries(wf.jobs)) {
                assert.match(
                    job.if ?? "",
                    /^github\.event\.pull_request\.head\.repo\.full_name == github\.repository &&/,
                    id,
                );
            }
        });
        it("one concurrency group per pull request, never cancelling a running deploy", function () {
            assert.deepEqual(wf.concurrency, {
                group: "pr-preview-${{ github.event.pull_request.number }}",
                "cancel-in-progress": false,
            });
            assert.equal(wf.env?.PR_NUMBER, "${{ github.event.pull_request.number }}");
        });
        it("previews the target stack with the guardrails pack", function () {
            assert.equal(wf.env?.TARGET_STACK, "dev");
            assert.match(
                runs(wf.jobs.preview),
                /^pulumi preview .*--stack "\$TARGET_STACK" --policy-pack policy$/m,
            );
            assert.equal(wf.jobs.preview.environment, undefined);
        });
        it("on the label preview-stack: stack pr-<number> from profiles/preview.yaml, expires-at, pulumi up", function () {
            const job = wf.jobs["preview-stack"];
            assert.match(job.if!, /github\.event\.label\.name == 'preview-stack'/);
            assert.match(
                job.if!,
                /contains\(github\.event\.pull_request\.labels\.\*\.name, 'preview-stack'\)/,
            );
            assert.equal(environmentOf(job), "preview");
            const sh = runs(job);
            assert.match(sh, /stack="pr-\$\{PR_NUMBER\}"/);
            assert.match(sh, /cp profiles\/preview\.yaml "Pulumi\.\$\{stack\}\.yaml"/);
            assert.match(
                sh,
                /pulumi config set --path 'aks-entra:tags\.expires-at' "\$expires_at" --stack "\$stack"/,
            );
            assert.match(
                sh,
                /pulumi up --yes --non-interactive --stack "\$stack" --policy-pack policy/,
            );
            assert.ok(runIndex(job, /--fail-on high/) < runIndex(job, /pulumi up/));
        });
        it("on closing (or removing the label): pulumi destroy, then pulumi stack rm", function () {
            const job = wf.jobs["destroy-preview-stack"];
            assert.match(job.if!, /github\.event\.action == 'closed'/);
            assert.match(
                job.if!,
                /github\.event\.action == 'unlabeled' && github\.event\.label\.name == 'preview-stack'/,
            );
            assert.equal(environmentOf(job), "preview");
            const sh = runs(job);
            assert.ok(sh.indexOf('pulumi destroy --yes --non-interactive --stack "$stack"') > 0);
            assert.ok(
                sh.indexOf('pulumi stack rm --yes --non-interactive "$stack"') >
                    sh.indexOf("pulumi destroy"),
            );
        });

        describe("its stack steps (run with bash, a fake pulumi)", function () {
            const FAKE_PULUMI = String.raw`
echo "pulumi $*" >> "$FAKE_LOG"
if [ "$1 $2" = "stack ls" ]; then cat "$FAKE_STACKS"; fi`;
            it("copies the profile, selects or creates pr-<number>, sets expires-at TTL days ahead", function () {
                const sb = sandbox();
                try {
                    fake(sb, "pulumi", FAKE_PULUMI);
                    mkdirSync(path.join(sb.dir, "profiles"));
                    writeFileSync(path.join(sb.dir, "profiles", "preview.yaml"), "config: {}\n");
                    const script = step(
                        wf.jobs["preview-stack"],
                        (s) => /cp profiles/.test(s.run ?? ""),
                        "makes the stack",
                    ).run!;
                    const r = runStep(sb, script, {
                        PR_NUMBER: "7",
                        PREVIEW_TTL_DAYS: "3",
                        PULUMI_SECRETS_PROVIDER: "azurekeyvault://kv.vault.azure.net/keys/pulumi",
                    });
                    assert.equal(r.code, 0, r.stderr);
                    assert.ok(existsSync(path.join(sb.dir, "Pulumi.pr-7.yaml")));
                    const expires = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10);
                    assert.deepEqual(calls(sb), [
                        "pulumi stack select --create --secrets-provider azurekeyvault://kv.vault.azure.net/keys/pulumi pr-7",
                        `pulumi config set --path aks-entra:tags.expires-at ${expires} --stack pr-7`,
                    ]);
                    assert.equal(readFileSync(sb.env, "utf8"), `EXPIRES_AT=${expires}\n`);
                } finally {
                    rmSync(sb.dir, { recursive: true, force: true });
                }
            });
            it("destroys and removes pr-<number> when it exists, and does nothing otherwise", function () {
                if (!HAS_JQ) this.skip();
                const script = step(
                    wf.jobs["destroy-preview-stack"],
                    (s) => /pulumi destroy/.test(s.run ?? ""),
                    "destroys the stack",
                ).run!;
                for (const [stacks, expected] of [
                    [
                        [{ name: "organization/aks-entra/pr-7" }, { name: "dev" }],
                        [
                            "pulumi stack ls --json",
                            "pulumi destroy --yes --non-interactive --stack pr-7",
                            "pulumi stack rm --yes --non-interactive pr-7",
                        ],
                    ],
                    [[{ name: "pr-70" }], ["pulumi stack ls --json"]],
                ] as [object[], string[]][]) {
                    const sb = sandbox();
                    try {
                        fake(sb, "pulumi", FAKE_PULUMI);
                        writeFileSync(path.join(sb.dir, "stacks.json"), JSON.stringify(stacks));
                        const r = runStep(sb, script, {
                            PR_NUMBER: "7",
                            FAKE_STACKS: path.join(sb.dir, "stacks.json"),
                        });
                        assert.equal(r.code, 0, r.stderr);
                        assert.deepEqual(calls(sb), expected);
                    } finally {
                        rmSync(sb.dir, { recursive: true, force: true });
                    }
                }
            });
        });
    });

    describe("deploy.yml", function () {
        const { wf } = load("deploy.yml");
        it("dev, then prod through the protected environment prod", function () {
            assert.deepEqual(Object.keys(wf.jobs), ["dev", "prod"]);
            assert.equal(environmentOf(wf.jobs.dev), "dev");
            assert.equal(environmentOf(wf.jobs.prod), "prod");
            assert.deepEqual(needsOf(wf.jobs.prod), ["dev"]);
            assert.deepEqual(wf.concurrency, { group: "deploy", "cancel-in-progress": false });
        });
        it("pulumi up of each stack with the guardrails pack", function () {
            for (const [id, stack] of [
                ["dev", "dev"],
                ["prod", "prod"],
            ]) {
                const job = wf.jobs[id];
                assert.equal(job.env?.STACK, stack);
                assert.match(
                    runs(job),
                    /pulumi up --yes --non-interactive --stack "\$STACK" --policy-pack policy/,
                );
            }
            // prod's stack exists already: a missing one stops the job instead of starting another.
            assert.doesNotMatch(runs(wf.jobs.prod), /--create/);
        });
        it("verifies each stack after its pulumi up, with a fresh sign-in, failing the job on drift or a failed read", function () {
            for (const id of ["dev", "prod"]) {
                const names = (wf.jobs[id].steps ?? []).map((s: { name?: string }) => s.name ?? "");
                const up = names.indexOf(`pulumi up ${id}`);
                const login = names.indexOf("Sign in to Azure again (verify)");
                const verify = names.indexOf(`verify ${id}`);
                assert.ok(up >= 0 && up < login && login < verify, names.join(" | "));
                const script = step(wf.jobs[id], (s) => s.name === `verify ${id}`, "verify").run!;
                assert.match(
                    script,
                    /npm run --silent verify -- --stack "\$STACK" --markdown verify\.md \|\| code=\$\?/,
                );
                assert.match(script, /GITHUB_STEP_SUMMARY/);
                assert.match(script, /exit "\$code"$/m);
            }
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

    describe("janitor.yml", function () {
        const { wf } = load("janitor.yml");
        const job = wf.jobs.expire;
        const script = step(job, (s) => s.id === "expire", "expires stacks").run!;
        it("lists pr-* and e2e-* stacks, reads expires-at from each one's state, destroys, removes, summarizes", function () {
            assert.ok(
                script.includes(
                    `pulumi stack ls --json | jq -r '.[].name | select(test("(^|/)(pr-[0-9]+|e2e-[0-9a-f]{8})$"))'`,
                ),
                script,
            );
            assert.match(script, /pulumi stack export --stack "\$stack"/);
            assert.match(script, /\["expires-at"\]/);
            assert.match(
                script,
                /pulumi destroy --yes --non-interactive --stack "\$stack" &&\s+pulumi stack rm --yes --non-interactive "\$stack"/,
            );
            assert.match(script, /GITHUB_STEP_SUMMARY/);
            assert.equal(environmentOf(job), "preview-janitor");
            assert.deepEqual(wf.concurrency, {
                group: "preview-janitor",
                "cancel-in-progress": false,
            });
        });

        describe("run with bash, a fake pulumi", function () {
            const day = 86400_000;
            const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
            const STATES: Record<string, object> = {
                // Expired yesterday: destroyed.
                "pr-1": {
                    deployment: {
                        resources: [
                            {
                                type: "azure-native:resources:ResourceGroup",
                                outputs: { tags: { "expires-at": iso(Date.now() - day) } },
                            },
                        ],
                    },
                },
                // Expires in two days: kept.
                "organization/aks-entra/pr-2": {
                    deployment: {
                        resources: [
                            { inputs: { tags: { "expires-at": iso(Date.now() + 2 * day) } } },
                        ],
                    },
                },
                // Nothing deployed: listed, kept.
                "pr-3": { deployment: { resources: [] } },
                // An end-to-end stack left by a cancelled run, expired: destroyed.
                "e2e-0a1b2c3d": {
                    deployment: {
                        resources: [{ outputs: { tags: { "expires-at": iso(Date.now() - day) } } }],
                    },
                },
                // Expired, but its destroy fails.
                "pr-4": {
                    deployment: {
                        resources: [
                            { outputs: { tags: { "expires-at": "2020-01-01T00:00:00Z" } } },
                        ],
                    },
                },
            };
            const FAKE_PULUMI = String.raw`
echo "pulumi $*" >> "$FAKE_LOG"
case "$1 $2" in
  "stack ls") cat "$FAKE_DIR/stacks.json" ;;
  "stack export") cat "$FAKE_DIR/$(echo "$4" | tr / _).json" ;;
  "destroy --yes") [ "$5" != "pr-4" ] ;;
esac`;
            function janitor(env: Record<string, string>) {
                const sb = sandbox();
                fake(sb, "pulumi", FAKE_PULUMI);
                const names = [...Object.keys(STATES), "dev", "prod", "pr-x", "e2e-test", "e2e"];
                writeFileSync(
                    path.join(sb.dir, "stacks.json"),
                    JSON.stringify(names.map((name) => ({ name }))),
                );
                for (const [name, state] of Object.entries(STATES)) {
                    writeFileSync(
                        path.join(sb.dir, `${name.replace(/\//g, "_")}.json`),
                        JSON.stringify(state),
                    );
                }
                const r = runStep(sb, script, { FAKE_DIR: sb.dir, ...env });
                const result = {
                    ...r,
                    calls: calls(sb),
                    summary: readFileSync(sb.summary, "utf8"),
                };
                rmSync(sb.dir, { recursive: true, force: true });
                return result;
            }
            before(function () {
                if (!HAS_JQ) this.skip(); // jq reads the JSON, as on GitHub's runners
            });

            it("destroys and removes exactly the expired pr-* and e2e-* stacks, and fails when one could not be", function () {
                const r = janitor({ DRY_RUN: "false" });
                assert.equal(r.code, 1, r.stderr);
                assert.deepEqual(
                    r.calls.filter((c) => /destroy|stack rm/.test(c)),
                    [
                        "pulumi destroy --yes --non-interactive --stack pr-1",
                        "pulumi stack rm --yes --non-interactive pr-1",
                        "pulumi destroy --yes --non-interactive --stack e2e-0a1b2c3d",
                        "pulumi stack rm --yes --non-interactive e2e-0a1b2c3d",
                        "pulumi destroy --yes --non-interactive --stack pr-4",
                    ],
                );
                assert.ok(
                    !r.calls.some((c) => /--stack (dev|prod|pr-x|e2e-test|e2e)$/.test(c)),
                    r.calls.join("\n"),
                );
                assert.match(r.summary, /\| `pr-1` \| [\d-]+ \| expired: destroyed and removed \|/);
                assert.match(
                    r.summary,
                    /\| `organization\/aks-entra\/pr-2` \| [\d-]+ \| kept: not expired \|/,
                );
                assert.match(r.summary, /\| `pr-3` \| none \| kept: no expires-at tag/);
                assert.match(
                    r.summary,
                    /\| `pr-4` \| 2020-01-01T00:00:00Z \| expired: \*\*destroy or remove failed\*\*/,
                );
                assert.match(r.stdout, /::error::could not destroy and remove pr-4/);
            });
            it("a dry run destroys nothing and says what it would do", function () {
                const r = janitor({ DRY_RUN: "true" });
                assert.equal(r.code, 0, r.stderr);
                assert.ok(!r.calls.some((c) => /destroy|stack rm/.test(c)), r.calls.join("\n"));
                assert.match(r.summary, /Dry run: nothing destroyed/);
                assert.match(
                    r.summary,
                    /\| `pr-1` \| [\d-]+ \| expired: would be destroyed and removed \|/,
                );
            });
        });
    });
});
