// Evaluations shared between the suites of one test process that only read them. Evaluating the
// program is most of the suite's time, and many suites evaluate the same stack file: each distinct
// input is evaluated once per process (per mocha worker) and every caller gets the same result,
// frozen deeply, so a test that tried to change it would fail instead of changing what another
// test sees. Inputs that are not plain data (functions, sets, an earlier state) are never shared.
import { type Evaluate, evaluatePlan } from "../plan/cli";
import { type RunOptions, type RunResult, runProgram } from "../offline/harness";

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
    const seen = new Set<object>();
    const walk = (o: unknown): void => {
        if (o === null || (typeof o !== "object" && typeof o !== "function")) return;
        if (seen.has(o)) return;
        seen.add(o);
        for (const key of Reflect.ownKeys(o)) {
            const d = Object.getOwnPropertyDescriptor(o, key);
            if (d && "value" in d) walk(d.value);
        }
        Object.freeze(o);
    };
    walk(value);
    return value;
}

/** The memo key of plain data; undefined for anything that is not (it is then not shared). */
function keyOf(value: unknown): string | undefined {
    let plain = true;
    const key = JSON.stringify(value, (_k, v: unknown): unknown => {
        if (typeof v === "function" || v instanceof Set || v instanceof Map) plain = false;
        return v;
    });
    return plain ? key : undefined;
}

/** Options that change what a run sees beyond its config: such runs are never shared. */
const STATEFUL: readonly (keyof RunOptions)[] = [
    "existing",
    "previous",
    "outside",
    "clusterGone",
    "editWaits",
    "program",
];

/**
 * `make()` once per key in `memo`, its result or failure frozen; a key of undefined (inputs that
 * are not plain data) is never shared.
 */
function shared<T>(
    memo: Map<string, Promise<T>>,
    key: string | undefined,
    make: () => Promise<T>,
): Promise<T> {
    if (key === undefined) return make();
    let result = memo.get(key);
    if (!result) {
        result = make().then(deepFreeze, (e: unknown) => {
            throw deepFreeze(e);
        });
        memo.set(key, result);
    }
    return result;
}

const runs = new Map<string, Promise<RunResult>>();

/**
 * runProgram, shared: the same options evaluate once per process. The result (or the
 * ProgramFailure) is frozen; copy what a test needs to change (structuredClone).
 */
export function sharedRun(options: RunOptions): Promise<RunResult> {
    const key = STATEFUL.some((k) => options[k] !== undefined) ? undefined : keyOf(options);
    return shared(runs, key, () => runProgram(options));
}

const evaluations = new Map<string, ReturnType<Evaluate>>();

/**
 * The plan CLI's evaluation (plan/cli.ts evaluatePlan), shared: `npm run plan` runs in-process in
 * the tests, and plans of the same stack file, stack name, login and policy config evaluate once.
 * Rendering, --diff, --json and the exit code still run for every call.
 */
export const sharedEvaluate: Evaluate = (input) =>
    // The timings a plan prints are this call's: a shared evaluation took no time.
    shared(evaluations, keyOf(input), () => evaluatePlan(input)).then((e) => {
        const now = performance.now();
        return { ...e, loaded: now, ran: now };
    });
