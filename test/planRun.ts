// Runs the offline plan as a user runs it (`tsx plan/main.ts ...` in a child process) for the plan
// tests, and writes edited copies of the stack files they start from.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { readStackConfig } from "../plan/files";
import type { StackConfig } from "../components/config";
import { resolveDeployer } from "../components/deployer";
import type { RunResult } from "../offline/harness";
import { buildPlan } from "../plan/build";
import { type Io, main } from "../plan/cli";
import type { Plan } from "../plan/model";
import { sharedEvaluate } from "./sharedRuns";

export const ROOT = path.resolve(__dirname, "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "plan");
// @pulumi/pulumi needs Node 22; the machine's own node may be older (package.json devDependency).
const NODE =
    Number(process.versions.node.split(".")[0]) >= 22
        ? process.execPath
        : path.join(ROOT, "node_modules", ".bin", "node");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

export interface Run {
    code: number;
    stdout: string;
    stderr: string;
    ms: number;
}

/**
 * `npm run plan -- ARGS`, in this process: the CLI's own entry point (plan/cli.ts main) with its
 * output captured, the exit code it would exit with, and the stack's evaluation shared with every
 * other plan of the same stack file, stack and policy config in this process (test/sharedRuns.ts).
 * What only a process shows (start-up, flushing, exit) is tested with planProcess.
 */
export function plan(...args: string[]): Promise<Run> {
    return inProcess((io) => main(args, io, sharedEvaluate));
}

/**
 * A CLI of this repository (plan, verify) run in this process through its entry point, with its
 * output captured: what it prints and the code it would exit with.
 */
export async function inProcess(entry: (io: Io) => Promise<number>): Promise<Run> {
    const started = Date.now();
    let stdout = "";
    let stderr = "";
    const io: Io = {
        stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
        stderr: { write: (s: string) => ((stderr += s), true) },
        env: { ...process.env, NO_COLOR: "" },
    };
    const code = await entry(io);
    return { code, stdout, stderr, ms: Date.now() - started };
}

/** `npm run plan -- ARGS` in a child process, as a user starts it (plan/main.ts under tsx). */
export function planProcess(...args: string[]): Promise<Run> {
    return tsx("plan/main.ts", ...args);
}

/** Runs a TypeScript entry point of this repository as `npm run` does, in a child process. */
export function tsx(script: string, ...args: string[]): Promise<Run> {
    const started = Date.now();
    return new Promise((resolve) => {
        execFile(
            NODE,
            [TSX, script, ...args],
            { cwd: ROOT, env: { ...process.env, NO_COLOR: "" }, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
                resolve({ code, stdout, stderr, ms: Date.now() - started });
            },
        );
    });
}

/**
 * `npm run plan -- --config <config> --stack <stack> --diff <base> [extra...]`: a changed stack file
 * planned against an earlier plan JSON of the same stack.
 */
export function planDiff(config: string, stack: string, base: string, ...extra: string[]) {
    return plan("--config", config, "--stack", stack, "--diff", base, ...extra);
}

// Stack config is free-form YAML that tests edit in place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Config = Record<string, any>;

/**
 * The config of a stack file (Pulumi.dev.yaml or a fixture) as Pulumi reads it: Pulumi.yaml's
 * project config under it, so a variant written elsewhere keeps the project's values.
 */
export function readConfig(file: string): Config {
    return readStackConfig(file);
}

/** `from` with one edit, written to `to`; returns `to`. */
export function variant(from: string, to: string, edit: (config: Config) => void): string {
    const config = structuredClone(readConfig(from));
    edit(config);
    writeFileSync(to, stringify({ config }));
    return to;
}

/**
 * A suite's own temporary directory: `out(name)` is a path in it, `dev(name, edit)` writes an
 * edited copy of the dev stack file there, `remove()` deletes it (call it in `after`).
 */
export function workspace(prefix: string) {
    const tmp = mkdtempSync(path.join(tmpdir(), `aks-entra-${prefix}-`));
    const out = (name: string) => path.join(tmp, name);
    return {
        out,
        dev: (name: string, edit: (c: Config) => void) => variant(DEV_FILE, out(name), edit),
        remove: () => rmSync(tmp, { recursive: true, force: true }),
    };
}

/**
 * The dev stack's plan of registrations a test edited (what config would refuse to make), built
 * in-process from one evaluation `run` and the validated config.
 */
export function planOfRegistrations(
    run: Pick<RunResult, "deployer">,
    registrations: RunResult["registrations"],
    config: StackConfig,
): Plan {
    return buildPlan({
        project: "aks-entra",
        stack: "dev",
        registrations,
        outputs: {},
        secretOutputs: [],
        deployer: resolveDeployer(config, run.deployer),
        config,
    });
}

export function readPlan(file: string): Plan {
    return JSON.parse(readFileSync(file, "utf8")) as Plan;
}

// What the "plan tells the truth" suites share (planTruth.test.ts, planFindings.test.ts).
export const DEV_FILE = path.join(ROOT, "Pulumi.dev.yaml");
export const TEAMS_FILE = path.join(FIXTURES, "teams.yaml");
/** The teams fixture, planned as stack "teams". */
export const teams = ["--config", TEAMS_FILE, "--stack", "teams"];
/** `aks-entra:deployer.objectId` of Pulumi.dev.yaml. */
export const DEPLOYER = "4b1d2c3e-5f60-4a7b-8c9d-0e1f2a3b4c5d";

/** The findings section of a text plan, one line each. */
export const findingLines = (r: Run) =>
    r.stdout
        .slice(r.stdout.indexOf("\nFindings ("))
        .split("\n")
        .filter((l) => /^(HIGH|MEDIUM|LOW|INFO) /.test(l));
