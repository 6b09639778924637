// `npm run e2e`: the stack for real, end to end, on a throw-away stack e2e-<8 hex> made from
// profiles/e2e.yaml: up, verify, a preview that must want no changes, a change (one more grant,
// one more federated trust), up and verify again, then destroy and stack rm, always, also after a
// failure or a signal. Runs only with AKS_ENTRA_E2E=1 and Azure credentials (e2e/gate.ts); without
// them it says why it skipped and exits 0.
import { spawnSync } from "node:child_process";
import {
    accessSync,
    constants,
    mkdirSync,
    mkdtempSync,
    rmSync,
    statSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ENABLE, type Env, gate, GROUPS_VAR, type Probes, RANGES_VAR } from "./gate";
import { groupAliases, kubeloginMode, PROFILE, readProfile } from "./profile";
import type * as Run from "./run";
import {
    buildReport,
    clusterMinutes,
    durationTable,
    type Report,
    type RunnerState,
    runSteps,
    stackName,
} from "./steps";

export const USAGE = `Usage: npm run e2e -- [options]

Deploys the stack for real on a throw-away stack e2e-<8 hex> from profiles/e2e.yaml, then checks
and removes it: up, verify, preview (must want no changes), a change (one more grant and one more
federated trust), up, verify, destroy, stack rm. Destroy and stack rm always run, also after a
failed step or SIGINT/SIGTERM. Azure bills the cluster while it exists (the run prints the cost
basis and the minutes).

Runs only with ${ENABLE}=1 and Azure credentials in the environment (ARM_* as azure-native reads
them, AZURE_* as DefaultAzureCredential reads them, or an az login session); otherwise it says
why it skipped and exits 0. With ${ENABLE}=1 it also needs the pulumi CLI and kubelogin on PATH
and a Pulumi backend login (PULUMI_BACKEND_URL, PULUMI_ACCESS_TOKEN or pulumi login).

Options:
  --report FILE   write each step's seconds and result as JSON to FILE
  -h, --help      show this help

Environment (optional):
  ${RANGES_VAR}   the API server's authorized ranges (comma-separated
                  CIDRs); default: the runner's public IPv4 address as /32, from api.ipify.org
  ${GROUPS_VAR}   JSON {"alias": "<object id>"} for the profile's groups; default: its
                  placeholder ids
  PULUMI_SECRETS_PROVIDER   the new stack's secrets provider (needed with a self-managed backend
                  unless PULUMI_CONFIG_PASSPHRASE is set)

Exit codes:
  0  every step passed, or skipped (not asked for, or no Azure credentials)
  1  a step failed (named), or ${ENABLE}=1 and a prerequisite is missing, or bad usage`;

export const EXIT = { ok: 0, failed: 1 } as const;

export class UsageError extends Error {}

export interface Options {
    report?: string;
    help: boolean;
}

export function parseArgs(argv: readonly string[]): Options {
    const o: Options = { help: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "-h" || arg === "--help") {
            o.help = true;
        } else if (arg === "--report" || arg.startsWith("--report=")) {
            const value = arg === "--report" ? argv[++i] : arg.slice("--report=".length);
            if (
                value === undefined ||
                value === "" ||
                (arg === "--report" && value.startsWith("--"))
            ) {
                throw new UsageError("--report needs a value");
            }
            if (o.report !== undefined) throw new UsageError("--report given twice");
            o.report = value;
        } else {
            throw new UsageError(
                arg.startsWith("-")
                    ? `unknown option ${arg}`
                    : `unexpected argument ${JSON.stringify(arg)}`,
            );
        }
    }
    return o;
}

/** The machine as the gate asks it: PATH lookups, `az account show`, `pulumi whoami`. */
export function machineProbes(env: Env): Probes {
    const which = (command: string): string | undefined => {
        for (const dir of (env.PATH ?? "").split(path.delimiter)) {
            if (dir === "") continue;
            const file = path.join(dir, command);
            try {
                accessSync(file, constants.X_OK);
                if (statSync(file).isFile()) return file;
            } catch {
                // not here
            }
        }
        return undefined;
    };
    const run = (command: string, args: string[]) => {
        const file = which(command);
        if (file === undefined) return undefined;
        return spawnSync(file, args, { env: { ...env }, encoding: "utf8", timeout: 60_000 });
    };
    return {
        onPath: (command) => which(command) !== undefined,
        az: () => {
            const r = run("az", ["account", "show", "--output", "none"]);
            return r === undefined ? "missing" : r.status === 0 ? "signed-in" : "signed-out";
        },
        pulumiWhoami: () => {
            const r = run("pulumi", ["whoami", "--json", "--non-interactive"]);
            if (r === undefined || r.status !== 0) return { ok: false };
            try {
                const url = (JSON.parse(r.stdout) as { url?: unknown }).url;
                return { ok: true, url: typeof url === "string" ? url : undefined };
            } catch {
                return { ok: true };
            }
        },
    };
}

export interface Io {
    stdout: { write(s: string): boolean; isTTY?: boolean };
    stderr: { write(s: string): boolean };
    env: NodeJS.ProcessEnv;
}

function writeReport(file: string | undefined, report: Report, io: Io): void {
    if (file === undefined) return;
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    io.stdout.write(`e2e: wrote ${file}\n`);
}

/**
 * What a signal does. In the main steps: stop after the running one and clean up; a SIGINT from a
 * terminal reached the running pulumi too (same process group), which then cancels itself, so
 * only SIGTERM is passed on (as the SIGINT of a graceful cancel). During the cleanup: cancel it the
 * same way; the run then lists what to clean up by hand.
 */
export function onSignal(
    signal: "SIGINT" | "SIGTERM",
    state: RunnerState,
    aborts: { main: AbortController; cleanup: AbortController },
    log: (line: string) => void,
): void {
    if ((state.phase === "idle" || state.phase === "main") && state.interrupted === undefined) {
        state.interrupted = signal;
        log(
            `e2e: ${signal}: stopping ${state.current === undefined ? "before the next step" : `after ${state.current}`}, then destroying the stack (${signal} again during the cleanup cancels it)`,
        );
        if (signal === "SIGTERM") aborts.main.abort();
        return;
    }
    if (state.phase === "main") {
        log(`e2e: ${signal}: already stopping after ${state.current ?? "this step"}`);
    } else if (state.phase === "cleanup") {
        log(
            `e2e: ${signal} during the cleanup: cancelling ${state.current ?? "it"}; what remains is listed at the end`,
        );
        if (signal === "SIGTERM") aborts.cleanup.abort();
    }
}

/** Runs the e2e; returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
    let o: Options;
    try {
        o = parseArgs(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        io.stderr.write(`e2e: ${e.message}\n\n${USAGE}\n`);
        return EXIT.failed;
    }
    if (o.help) {
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    const profile = readProfile(PROFILE);
    const decision = gate({
        env: io.env,
        probes: machineProbes(io.env),
        kubeloginMode: kubeloginMode(profile),
        groupAliases: groupAliases(profile),
    });
    if (decision.action === "skip") {
        io.stdout.write(`e2e: skipped: ${decision.reason}\n`);
        writeReport(o.report, buildReport({ result: "skipped", reason: decision.reason }), io);
        return EXIT.ok;
    }
    if (decision.action === "fail") {
        io.stderr.write(
            `e2e: cannot run (${ENABLE}=1 asked for a run); nothing was created:\n${decision.problems.map((p) => `  - ${p}`).join("\n")}\n`,
        );
        writeReport(
            o.report,
            buildReport({ result: "failed", reason: decision.problems.join("; ") }),
            io,
        );
        return EXIT.failed;
    }

    const log = (line: string) => void io.stdout.write(`${line}\n`);
    const name = stackName();
    const tmp = mkdtempSync(path.join(tmpdir(), `aks-entra-${name}-`));
    const state: RunnerState = { phase: "idle" };
    const aborts = { main: new AbortController(), cleanup: new AbortController() };
    // Loaded only now: the Automation API is not needed to skip.
    const run = require("./run") as typeof Run;
    const {
        main: steps,
        cleanup,
        names,
        configFile,
    } = run.buildSteps({
        stack: name,
        gate: decision,
        profile,
        env: io.env,
        tmp,
        out: (text) => void io.stdout.write(text),
        log,
        state,
        aborts,
        color: io.stdout.isTTY === true && !io.env.NO_COLOR,
    });
    log(`e2e: stack ${name} from ${path.relative(process.cwd(), PROFILE) || PROFILE}`);
    log(
        `e2e: Azure credentials: ${decision.credentials.description}; kubelogin: ${decision.kubelogin}; backend: ${decision.backend}`,
    );
    const v = decision.verify;
    log(
        `e2e: verify signs in with DefaultAzureCredential${Object.keys(v.env).length > 0 ? ` (${Object.keys(v.env).join(", ")})` : ""}${v.federatedToken === undefined ? "" : `, a federated token from ${v.federatedToken === "github" ? "GitHub Actions, requested before each verify" : "ARM_OIDC_TOKEN"}`}`,
    );
    log(
        `e2e: resource group ${names.resourceGroup} (nodes: ${names.nodeResourceGroup}). If this run is killed before its cleanup: pulumi destroy --stack ${name} --yes && pulumi stack rm ${name} --yes`,
    );

    const handler = (signal: "SIGINT" | "SIGTERM") => onSignal(signal, state, aborts, log);
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    let outcome: Awaited<ReturnType<typeof runSteps>>;
    try {
        outcome = await runSteps(steps, cleanup, { now: () => performance.now(), log, state });
    } finally {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
    }

    log("");
    log(durationTable(outcome.records));
    for (const line of run.manualCleanup(outcome, name, names, configFile))
        io.stderr.write(`${line}\n`);
    const minutes = clusterMinutes(outcome.records);
    if (minutes !== undefined) {
        log(
            `e2e: the cluster existed for ${minutes.toFixed(1)} min (from the start of up to the end of destroy): the node time Azure bills`,
        );
    }
    const failed = outcome.failed ?? outcome.records.find((r) => r.result === "failed");
    const signal = outcome.interrupted === undefined ? "" : `interrupted by ${outcome.interrupted}`;
    const reason =
        failed !== undefined
            ? `step ${failed.step} failed: ${failed.detail ?? ""}${signal ? ` (${signal})` : ""}`
            : signal || undefined;
    writeReport(
        o.report,
        buildReport({
            result: reason === undefined ? "passed" : "failed",
            reason,
            stack: name,
            resourceGroup: names.resourceGroup,
            failedStep: failed?.step,
            steps: outcome.records,
            clusterMinutes: minutes,
        }),
        io,
    );
    if (reason !== undefined) {
        io.stderr.write(`e2e: FAILED: ${reason} (the run's plan and verify reports: ${tmp})\n`);
        return EXIT.failed;
    }
    rmSync(tmp, { recursive: true, force: true });
    log(
        `e2e: passed: stack ${name} deployed, verified, idempotent, changed, verified, destroyed and removed`,
    );
    return EXIT.ok;
}

if (require.main === module) {
    const io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
    void main(process.argv.slice(2), io)
        .catch((e: unknown) => {
            io.stderr.write(`e2e: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
            if (process.env.E2E_DEBUG) io.stderr.write(`${(e as Error).stack ?? ""}\n`);
            return EXIT.failed;
        })
        // Exit once stdout has drained (a CI log must get everything).
        .then((code) => process.stdout.write("", () => process.exit(code)));
}
