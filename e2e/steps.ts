// The e2e run's skeleton: the stack name, a step runner that always runs the cleanup steps (destroy,
// stack rm) after the main ones whatever happened to them, the duration table and the JSON report.
// Pure module: time, logging and the steps themselves are passed in (test/e2e.test.ts runs fake
// steps through it).
import { randomBytes } from "node:crypto";

/** `e2e-` and 8 lowercase hex characters from 4 random bytes. */
export function stackName(random: (bytes: number) => Buffer = randomBytes): string {
    return `e2e-${random(4).toString("hex")}`;
}
export const STACK_NAME_PATTERN = /^e2e-[0-9a-f]{8}$/;

export type Outcome = "passed" | "failed" | "skipped";

export interface StepRecord {
    step: string;
    /** Seconds from the start of the run to the start of the step. */
    started: number;
    seconds: number;
    result: Outcome;
    /** Why it failed or was skipped. */
    detail?: string;
}

export interface Step {
    name: string;
    run(): Promise<void>;
    /** A reason not to run, decided when the step's turn comes (from what ran before). */
    skip?(records: readonly StepRecord[]): string | undefined;
}

/** Shared with the signal handlers: where the run is, and whether it was interrupted. */
export interface RunnerState {
    phase: "idle" | "main" | "cleanup" | "done";
    /** The signal that interrupted the main steps. */
    interrupted?: string;
    /** The step running now. */
    current?: string;
}

export interface RunnerOptions {
    /** Milliseconds (performance.now or a fake clock). */
    now(): number;
    log(line: string): void;
    state: RunnerState;
}

export interface RunOutcome {
    records: StepRecord[];
    /** The first step that failed, main steps first. */
    failed?: StepRecord;
    /** The signal that stopped the main steps, if one did. */
    interrupted?: string;
}

/** One line of an error for the table and the report; the full output was streamed already. */
export function summarize(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "");
    const errors = lines.filter((l) => /^error:/i.test(l));
    const chosen =
        errors.length > 0
            ? errors.slice(0, 3)
            : lines.slice(0, 1).concat(lines.slice(-2)).slice(0, 3);
    const unique = [...new Set(chosen)].join(" | ");
    return unique.length > 600 ? `${unique.slice(0, 597)}...` : unique || "failed";
}

const secs = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Runs `main` in order until one fails or a signal interrupts them (the rest are skipped), then
 * every `cleanup` step, always, each deciding from the records whether it applies.
 */
export async function runSteps(
    main: readonly Step[],
    cleanup: readonly Step[],
    o: RunnerOptions,
): Promise<RunOutcome> {
    const t0 = o.now();
    const records: StepRecord[] = [];
    let failed: StepRecord | undefined;
    const skip = (step: Step, detail: string) => {
        records.push({
            step: step.name,
            started: secs(o.now() - t0),
            seconds: 0,
            result: "skipped",
            detail,
        });
        o.log(`e2e: ${step.name}: skipped (${detail})`);
    };
    const exec = async (step: Step) => {
        const reason = step.skip?.(records);
        if (reason !== undefined) return skip(step, reason);
        const start = o.now();
        o.state.current = step.name;
        o.log(`e2e: ${step.name}: started`);
        try {
            await step.run();
            const rec: StepRecord = {
                step: step.name,
                started: secs(start - t0),
                seconds: secs(o.now() - start),
                result: "passed",
            };
            records.push(rec);
            o.log(`e2e: ${step.name}: passed in ${rec.seconds.toFixed(1)} s`);
        } catch (e) {
            const rec: StepRecord = {
                step: step.name,
                started: secs(start - t0),
                seconds: secs(o.now() - start),
                result: "failed",
                detail: summarize(e),
            };
            records.push(rec);
            failed ??= rec;
            o.log(`e2e: ${step.name}: FAILED after ${rec.seconds.toFixed(1)} s: ${rec.detail}`);
        } finally {
            o.state.current = undefined;
        }
    };
    o.state.phase = "main";
    for (const step of main) {
        if (failed !== undefined) skip(step, `${failed.step} failed`);
        else if (o.state.interrupted !== undefined)
            skip(step, `interrupted by ${o.state.interrupted}`);
        else await exec(step);
    }
    o.state.phase = "cleanup";
    for (const step of cleanup) await exec(step);
    o.state.phase = "done";
    return { records, failed, interrupted: o.state.interrupted };
}

/** The final table: step, seconds, result, and the total. */
export function durationTable(records: readonly StepRecord[]): string {
    const rows = records.map((r) => [r.step, r.seconds.toFixed(1), r.result]);
    const total = records.reduce((n, r) => n + r.seconds, 0);
    rows.push(["total", total.toFixed(1), ""]);
    const head = ["STEP", "SECONDS", "RESULT"];
    const w0 = Math.max(head[0].length, ...rows.map((r) => r[0].length));
    const w1 = Math.max(head[1].length, ...rows.map((r) => r[1].length));
    const line = (r: string[]) => `${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`.trimEnd();
    return [line(head), ...rows.map(line)].join("\n");
}

/**
 * Minutes from the start of `up` to the end of a destroy that passed: the time the cluster (and
 * its billed node) existed. Undefined when there was no up or the destroy did not pass.
 */
export function clusterMinutes(records: readonly StepRecord[]): number | undefined {
    const up = records.find((r) => r.step === "up" && r.result !== "skipped");
    const destroy = records.find((r) => r.step === "destroy" && r.result === "passed");
    if (up === undefined || destroy === undefined) return undefined;
    return Math.round(((destroy.started + destroy.seconds - up.started) / 60) * 10) / 10;
}

export interface Report {
    schemaVersion: 1;
    result: "passed" | "failed" | "skipped";
    /** Why it skipped or could not start, or which step failed. */
    reason?: string;
    stack?: string;
    resourceGroup?: string;
    failedStep?: string;
    steps: StepRecord[];
    totalSeconds: number;
    clusterMinutes?: number;
}

export function buildReport(
    fields: Omit<Report, "schemaVersion" | "totalSeconds" | "steps"> & { steps?: StepRecord[] },
): Report {
    const steps = fields.steps ?? [];
    return {
        schemaVersion: 1,
        ...fields,
        steps,
        totalSeconds: Math.round(steps.reduce((n, r) => n + r.seconds, 0) * 10) / 10,
    };
}

/**
 * What a preview right after `up` wants to do besides leaving resources as they are: any count
 * other than `same` (create, update, replace, delete, read, ...). Empty: idempotent.
 */
export function unexpectedChanges(summary: Readonly<Record<string, number | undefined>>): string[] {
    return Object.entries(summary)
        .filter(([op, n]) => op !== "same" && (n ?? 0) > 0)
        .map(([op, n]) => `${op} ${n}`)
        .sort();
}

/**
 * `npm run verify`'s exit code as a step result: undefined when it matched (0), else the problem.
 * verify exits 0 match, 2 drift, 1 usage, 3 cannot read.
 */
export function verifyProblem(
    code: number | null,
    stderr: string,
    jsonFile: string,
): string | undefined {
    if (code === 0) return undefined;
    if (/missing script:? "?verify/i.test(stderr)) {
        return "npm has no verify script (package.json scripts.verify): the deployed stack could not be compared with the plan";
    }
    switch (code) {
        case 2:
            return `verify found drift: the deployed stack differs from its plan (details in ${jsonFile})`;
        case 1:
            return "verify refused its arguments (exit 1, usage)";
        case 3:
            return "verify could not read the stack's state, Azure or the cluster (exit 3)";
        case null:
            return "verify was killed by a signal";
        default:
            return `verify exited ${code}`;
    }
}
