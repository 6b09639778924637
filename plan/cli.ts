// `npm run plan`: evaluates the real program (index.ts) for a stack's config under the offline
// engine (offline/harness.ts with offline/fakes.ts) and prints the resource tree, the dependency
// order, the access matrix, the federated trusts and the findings. No Azure credentials, no Pulumi
// backend.
//
// The config is validated first, with the same parser `pulumi up` uses (components/config.ts),
// before the Pulumi SDK is loaded: a bad config fails in a fraction of a second with every problem
// listed, exit code 1, no stack trace.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import {
    ConfigError,
    configFromPulumi,
    pulumiConfigMap,
    type StackConfig,
} from "../components/config";
import { resolveDeployer } from "../components/deployer";
import type * as Harness from "../offline/harness";
import type * as PolicyEvaluate from "../policy/evaluate";
import { armJson } from "./armExport";
import { isBootstrap } from "./bootstrap";
import { runBootstrap } from "./bootstrapCli";
import { buildPlan } from "./build";
import { diffPlans, type PlanDiff } from "./diff";
import { diffJson, renderDiffMarkdown, renderDiffText } from "./diffRender";
import { parseBasePlanFile, readPolicyConfig, readStackConfig, UsageError } from "./files";

export { readStackConfig, UsageError };
import { type Options, parseArgs, USAGE } from "./args";
import { renderMarkdown } from "./markdown";
import { platformStacks, teamPolicyConfig } from "./platform";
import { type Plan, SEVERITIES, stableJson } from "./model";
import { renderText } from "./render";
import { style, wantColour } from "./text";

export const ROOT = path.resolve(__dirname, "..");

/**
 * Exit codes. When several apply the most urgent wins: refused (4) > findings (5) > access
 * changed (2) > ok; stderr names every one that applied.
 */
export const EXIT = {
    ok: 0,
    usage: 1,
    accessChanged: 2,
    programFailed: 3,
    refused: 4,
    findings: 5,
} as const;

export function projectName(): string {
    try {
        const doc = parseYaml(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
            name?: unknown;
        };
        return typeof doc.name === "string" ? doc.name : "aks-entra";
    } catch {
        return "aks-entra";
    }
}

export interface Io {
    stdout: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };
    stderr: { write(s: string): boolean };
    env: NodeJS.ProcessEnv;
}

function writeFile(file: string, text: string): void {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text);
}

function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(2)} s`;
}

/** How a stack is evaluated: evaluatePlan, or (tests) an evaluation shared by several runs. */
export type Evaluate = typeof evaluatePlan;

/** Runs the plan; returns the exit code. Throws UsageError for problems the user can fix. */
export async function run(
    argv: readonly string[],
    io: Io,
    evaluate: Evaluate = evaluatePlan,
): Promise<number> {
    const started = performance.now();
    const o = parseArgs(argv);
    if (o.help) {
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    if (isBootstrap(o.project, o.config)) return runBootstrap(o, io);
    const file = o.config ?? path.join(ROOT, `Pulumi.${o.stack}.yaml`);
    const fromName = /^Pulumi\.([^/\\]+)\.yaml$/.exec(path.basename(file))?.[1];
    const stack = o.stackGiven ? o.stack : (fromName ?? o.stack);
    if (o.config !== undefined) {
        // Physical names (resource group, cluster, identities) derive from the stack name: say
        // which one a file that is not Pulumi.<stack>.yaml is planned as.
        const why = o.stackGiven
            ? "from --stack"
            : fromName !== undefined
              ? "from the file name"
              : "the default; set it with --stack NAME";
        io.stderr.write(`plan: ${o.config}: planning as stack "${stack}" (${why})\n`);
    }
    const raw = readStackConfig(file);
    const project = projectName();
    const config = validConfig(raw, file);
    const base = o.diff ? parseBasePlanFile(o.diff) : undefined;
    const policyConfig = o.policyConfig ? readPolicyConfig(o.policyConfig) : {};
    const stacks = platformStacks(config, o.platform);
    Object.assign(policyConfig, teamPolicyConfig(config, stacks));
    const validated = performance.now();
    io.stderr.write(
        `plan: ${stack}: config valid (${seconds(validated - started)}); evaluating index.ts offline...\n`,
    );

    let evaluated: Evaluated;
    try {
        evaluated = await evaluate({
            raw,
            config,
            stack,
            project,
            policyConfig,
            keepStackTraces: !!io.env.PLAN_DEBUG,
            stacks,
        });
    } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        io.stderr.write(`plan: the program failed for stack ${stack}:\n${message}\n`);
        if (io.env.PLAN_DEBUG) io.stderr.write(`${(e as Error).stack ?? ""}\n`);
        return message.startsWith("aks-entra: invalid configuration")
            ? EXIT.usage
            : EXIT.programFailed;
    }
    const { plan, result, loaded, ran } = evaluated;
    const st = style(wantColour(io.stdout, io.env));
    const diff = base ? diffPlans(base.plan, plan) : undefined;
    if (base && diff) {
        io.stdout.write(renderDiffText(diff, base.file, st));
    } else {
        io.stdout.write(renderText(plan, st));
    }
    if (o.json) writeFile(o.json, stableJson(plan));
    if (o.arm) writeFile(o.arm, armJson(result.registrations, stack, project, o.armSchemas));
    if (o.diffJson && diff) writeFile(o.diffJson, diffJson(diff));
    if (o.markdown)
        writeFile(
            o.markdown,
            renderMarkdown(plan, base && diff ? renderDiffMarkdown(diff, base.file) : ""),
        );
    const done = performance.now();
    io.stderr.write(
        `plan: ${stack}: ${plan.summary.customResources} resources, ${plan.summary.grants} grants in ${seconds(done - started)} ` +
            `(validate ${seconds(validated - started)}, load SDK ${seconds(loaded - validated)}, evaluate ${seconds(ran - loaded)}, ` +
            `report ${seconds(done - ran)})${[o.json, o.diffJson, o.markdown, o.arm].map((f) => (f ? `; wrote ${f}` : "")).join("")}\n`,
    );
    return exitCode(io, plan, diff, o.failOn);
}

/** The stack's config, validated as `pulumi up` validates it; a UsageError naming the file. */
export function validConfig(raw: Record<string, unknown>, file: string): StackConfig {
    try {
        return configFromPulumi(pulumiConfigMap(raw));
    } catch (e) {
        if (e instanceof ConfigError)
            throw new UsageError(`${path.relative(process.cwd(), file) || file}: ${e.message}`);
        throw e;
    }
}

export interface Evaluated {
    plan: Plan;
    /** The offline run the plan comes from: registrations with the fakes' answers. */
    result: Harness.RunResult;
    /** performance.now() when the SDK had loaded, and when the program and guardrails had run. */
    loaded: number;
    ran: number;
}

/**
 * Evaluates index.ts offline for a validated config and builds its plan, guardrails included.
 * Throws what the program threw (ProgramFailure). The SDK loads here, on first use.
 */
export async function evaluatePlan(input: {
    raw: Record<string, unknown>;
    config: StackConfig;
    stack: string;
    project: string;
    policyConfig?: PolicyEvaluate.PackConfig;
    keepStackTraces?: boolean;
    /** Who is signed in; defaults to the login the config describes (offline/harness loginFor). */
    deployer?: Harness.RunOptions["deployer"];
    /** Other stacks a StackReference reads: a team stack's platform (plan/platform.ts). */
    stacks?: Harness.RunOptions["stacks"];
}): Promise<Evaluated> {
    // Loaded only now: the SDK takes a second or two to load, a bad config should not wait for it.
    const harness = require("../offline/harness") as typeof Harness;
    const loaded = performance.now();
    // Stack traces cost most of a large stack's evaluation; PLAN_DEBUG keeps them.
    const result = await harness.runProgram({
        config: input.raw,
        stack: input.stack,
        project: input.project,
        keepStackTraces: input.keepStackTraces ?? false,
        deployer: input.deployer,
        stacks: input.stacks,
        organization: input.stacks && input.config.platform?.stack.split("/")[0],
    });
    // The program resolved the same deployer from the same config and (fake) login; it succeeded.
    const deployer = resolveDeployer(input.config, result.deployer);
    // The guardrails pack, as `pulumi preview --policy-pack policy` runs it, with every id known.
    const pack = require("../policy/evaluate") as typeof PolicyEvaluate;
    const policyViolations = await pack.evaluatePack(
        result.registrations,
        input.policyConfig ?? {},
    );
    const ran = performance.now();
    const plan = buildPlan({
        policyViolations,
        project: input.project,
        stack: input.stack,
        registrations: result.registrations,
        outputs: result.outputs,
        secretOutputs: result.secretOutputs,
        deployer,
        config: input.config,
        written: input.raw,
    });
    return { plan, result, loaded, ran };
}

/** The exit code (see EXIT), with every reason that applied on stderr. */
function exitCode(
    io: Io,
    plan: Plan,
    diff: PlanDiff | undefined,
    failOn: Options["failOn"],
): number {
    const reasons: [number, string][] = [];
    if (diff && diff.refused.length > 0) {
        reasons.push([
            EXIT.refused,
            `${diff.refused.length} change${diff.refused.length === 1 ? "" : "s"} Azure refuses in place or that replace${diff.refused.length === 1 ? "s" : ""} a resource`,
        ]);
    }
    if (failOn) {
        const worst = SEVERITIES.indexOf(failOn);
        const hits = plan.findings.filter((f) => SEVERITIES.indexOf(f.severity) <= worst);
        if (hits.length > 0) {
            reasons.push([
                EXIT.findings,
                `${hits.length} finding${hits.length === 1 ? "" : "s"} at or above ${failOn} (--fail-on ${failOn})`,
            ]);
        }
    }
    if (diff?.accessChanged) reasons.push([EXIT.accessChanged, "access changed"]);
    if (reasons.length === 0) return EXIT.ok;
    io.stderr.write(`plan: exit ${reasons[0][0]}: ${reasons.map((r) => r[1]).join("; ")}\n`);
    return reasons[0][0];
}

/**
 * Entry point: exit codes, and no stack traces for problems the user can fix. On the process's
 * streams unless `io` is given (tests run the CLI in-process, with `evaluate` shared).
 */
export function main(argv: readonly string[], io?: Io, evaluate?: Evaluate): Promise<number> {
    return runCli(
        "plan",
        (io) => run(argv, io, evaluate),
        USAGE,
        /^(unknown option|unexpected argument|--[-\w]+ (needs|given))/,
        io,
    );
}

/**
 * Runs a command of this repository (plan, verify) on the process's streams: a UsageError is
 * printed without a stack trace (exit 1, with the usage text when `showUsage` matches it); any
 * other error is an internal error (exit 3; PLAN_DEBUG prints its stack).
 */
export async function runCli(
    name: string,
    body: (io: Io) => Promise<number>,
    usage: string,
    showUsage: RegExp,
    io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
    try {
        return await body(io);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr.write(`${name}: ${e.message}\n`);
            if (showUsage.test(e.message)) io.stderr.write(`\n${usage}\n`);
            return EXIT.usage;
        }
        io.stderr.write(`${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        if (io.env.PLAN_DEBUG) io.stderr.write(`${(e as Error).stack ?? ""}\n`);
        return EXIT.programFailed;
    }
}

if (require.main === module) {
    // Started directly (`tsx plan/cli.ts`): as plan/main.ts does, with source maps as tsx set them.
    void main(process.argv.slice(2)).then(exitWhenDrained);
}

/** Exits once stdout has drained (a pipe to `head` or a CI log must get everything). */
export function exitWhenDrained(code: number): void {
    process.stdout.write("", () => process.exit(code));
}
