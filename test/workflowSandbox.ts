// The workflows of .github/workflows as the tests read them (parsed YAML, helpers over jobs and
// steps), and a sandbox that runs a step's shell, or a script of scripts/delivery/, as GitHub
// does, with fake commands (gh, pulumi, npm) first on PATH.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import {
    chmodSync,
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

export const ROOT = path.resolve(__dirname, "..");
export const DIR = path.join(ROOT, ".github", "workflows");

export interface Step {
    id?: string;
    if?: string;
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    "working-directory"?: string;
}
export interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: string | Record<string, string>;
    "runs-on"?: string;
    env?: Record<string, unknown>;
    outputs?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    strategy?: { matrix: unknown; "max-parallel"?: number; "fail-fast"?: boolean };
    /** A call of a reusable workflow: no steps of its own. */
    uses?: string;
    with?: Record<string, unknown>;
    steps: Step[];
}
export interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: string | Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
}
export interface Loaded {
    file: string;
    text: string;
    wf: Workflow;
}

export const FILES = readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
export const WORKFLOWS: Loaded[] = FILES.map((file) => {
    const text = readFileSync(path.join(DIR, file), "utf8");
    const wf = parse(text) as Workflow;
    // A job that calls a reusable workflow has no steps: an empty list for the helpers.
    for (const job of Object.values(wf.jobs)) job.steps ??= [];
    return { file, text, wf };
});

export function load(file: string): Loaded {
    const w = WORKFLOWS.find((x) => x.file === file);
    assert.ok(w, `.github/workflows/${file} exists`);
    return w;
}
export const jobsOf = (w: Loaded): [string, Job][] => Object.entries(w.wf.jobs);
export const allJobs = (): [string, Job][] =>
    WORKFLOWS.flatMap((w) => jobsOf(w).map(([id, job]): [string, Job] => [`${w.file}/${id}`, job]));
export const usesAction = (job: Job, action: string) =>
    job.steps.filter((s) => s.uses?.split("@")[0].toLowerCase() === action.toLowerCase());
export const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
export const stepIndex = (job: Job, pred: (s: Step) => boolean, what: string) => {
    const i = job.steps.findIndex(pred);
    assert.ok(i >= 0, `a step that ${what}`);
    return i;
};
export const runIndex = (job: Job, re: RegExp) =>
    stepIndex(job, (s) => re.test(s.run ?? ""), `runs ${String(re)}`);
export const usesIndex = (job: Job, action: string) =>
    stepIndex(job, (s) => s.uses?.startsWith(`${action}@`) === true, `uses ${action}`);
export const step = (job: Job, pred: (s: Step) => boolean, what: string) =>
    job.steps[stepIndex(job, pred, what)];
export const environmentOf = (job: Job) =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;
export const needsOf = (job: Job) =>
    job.needs === undefined ? [] : typeof job.needs === "string" ? [job.needs] : job.needs;
/** The sign-in step (docs/ci-sign-in.md: CI sign-in): az login by federation, last before pulumi. */
export const AZURE_LOGIN = "scripts/delivery/azure-login.sh";
export const signsIn = (job: Job) => job.steps.some((s) => s.run === AZURE_LOGIN);
/**
 * A step that runs pulumi (not a message naming it): directly, through `npm run e2e` (the
 * Automation API), or through a script of scripts/delivery/ that runs it.
 */
export const PULUMI_COMMAND =
    /(^|\$\(|\bif !? ?)\s*(pulumi (preview|up|destroy|stack|config)\b|npm run --silent e2e\b|scripts\/delivery\/(destroy-stack|janitor-list)\.sh|npx tsx scripts\/delivery\/previewComment\.ts)/m;

/** Names of the steps' failures the validator reports, flattened (its errors nest "states"). */
export function errorPaths(src: string): string[] {
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
export function broken(text: string, from: string | RegExp, to: string): string {
    const out = text.replace(from, to);
    assert.notEqual(out, text, `the breaking edit ${String(from)} applies`);
    return out;
}

// ---- running a step's shell as GitHub does, with fake commands first on PATH ----

export const HAS_JQ = spawnSync("jq", ["--version"]).status === 0;

export interface Sandbox {
    dir: string;
    bin: string;
    summary: string;
    output: string;
    env: string;
    log: string;
}
export function sandbox(): Sandbox {
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
export function fake(sb: Sandbox, name: string, body: string): void {
    const file = path.join(sb.bin, name);
    writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(file, 0o755);
}
/** Runs `script` like `run:` (bash --noprofile --norc -eo pipefail) in the sandbox. */
export function runStep(
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
export const calls = (sb: Sandbox) =>
    readFileSync(sb.log, "utf8")
        .split("\n")
        .filter((l) => l !== "");
/** `name<<DELIM ... DELIM` and `name=value` entries of a $GITHUB_OUTPUT file. */
export function outputs(file: string): Record<string, string> {
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

/** Writes `files` (path -> text) under `dir`. */
export function write(dir: string, files: Record<string, string>): void {
    for (const [f, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        writeFileSync(path.join(dir, f), text);
    }
}
export function withSandbox<T>(body: (sb: Sandbox) => T): T {
    const sb = sandbox();
    try {
        return body(sb);
    } finally {
        rmSync(sb.dir, { recursive: true, force: true });
    }
}
export const envOf = (sb: Sandbox, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: `${sb.bin}:${process.env.PATH ?? ""}`,
    HOME: sb.dir,
    FAKE_DIR: sb.dir,
    FAKE_LOG: sb.log,
    ...extra,
});
