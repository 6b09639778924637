// The stacks the deploy workflow deploys, in order, each with its GitHub environment and runner
// (.github/workflows/deploy.yml, docs/delivery.md). One list: every Pulumi.<stack>.yaml of the
// repository but the throw-away pr-* and e2e-* stacks, ordered
//   dev -> staging -> prod -> platform -> any other stack (by name),
// each team stack (aks-entra:platform: { stack: <org>/<project>/<stack>, team }) right after the
// platform stack it names. A stack file is read as Pulumi reads it (Pulumi.yaml's project config
// under it: plan/projectConfig.ts).
//
// Runner: a stack whose `pulumi up` calls an API server a GitHub-hosted runner cannot reach (it
// creates Kubernetes objects, and its cluster is private or admits only authorizedIpRanges; a team
// stack: its platform's cluster) needs the self-hosted runner the repository variable
// PRIVATE_RUNNER_LABEL names; without it the job refuses to start (`refuse` says why) instead of
// dying halfway on a hosted runner.
//
//   tsx scripts/delivery/stacks.ts deploy-matrix     writes matrix=<json> to $GITHUB_OUTPUT
//   tsx scripts/delivery/stacks.ts runner <file>     writes runner= and refuse= for one stack file
//   tsx scripts/delivery/stacks.ts platforms <file>...  each file and the platform stack it reads
import { appendFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { readStackConfig, UsageError } from "../../plan/files";

/** The declared order of the environments; other stacks follow, by name. */
export const DECLARED_ORDER = ["dev", "staging", "prod", "platform"];
/** The GitHub-hosted runner every job uses unless it needs the private network. */
export const HOSTED_RUNNER = "ubuntu-24.04";
/** Stacks that need no approval before their deploy (every other stack waits for approve-<stack>). */
export const NO_APPROVAL = ["dev"];
/** Stack files that are never deployed from main: the PR previews' and the e2e suite's. */
const THROWAWAY = /^(pr-[0-9]+|e2e-[0-9a-f]{8})$/;

export interface DeployEntry {
    stack: string;
    file: string;
    /** The GitHub environment the job runs in: named like the stack (its identity's subject). */
    environment: string;
    /** The stack whose outputs a team stack reads; deployed before it. */
    platform: string;
    /** Waits for the environment approve-<stack> before the job that deploys. */
    approval: boolean;
    /** `pulumi stack select --create`: false for a protected stack (aks-entra:protect: true). */
    create: boolean;
    privateNetwork: boolean;
    runner: string;
    /** Why the job refuses to start; empty when it may. */
    refuse: string;
}

interface Read {
    stack: string;
    file: string;
    config: Record<string, unknown>;
}

const objectAt = (v: unknown): Record<string, unknown> | undefined =>
    v !== null && typeof v === "object" && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined;

/** The platform stack a team stack names (`<org>/<project>/<stack>` -> `<stack>`), if any. */
export function platformOf(file: string, config: Record<string, unknown>): string | undefined {
    const p = config["aks-entra:platform"];
    if (p === undefined) return undefined;
    const ref = objectAt(p)?.stack;
    const parts = typeof ref === "string" ? ref.split("/") : [];
    if (parts.length !== 3 || parts.some((s) => s === "")) {
        throw new UsageError(
            `${file}: aks-entra:platform.stack ${JSON.stringify(ref)} is not a stack reference; allowed: <org>/<project>/<stack>, the platform stack whose outputs this team stack reads`,
        );
    }
    return parts[2];
}

/** True when `pulumi up` of this config calls its own cluster's API server. */
function createsKubernetesObjects(config: Record<string, unknown>): boolean {
    const ns = config["aks-entra:namespaces"];
    return Array.isArray(ns) && ns.length > 0;
}

/**
 * Why a GitHub-hosted runner cannot reach this config's API server, or undefined when it can: a
 * private API server, or a public one that admits only authorizedIpRanges (GitHub advises against
 * allow-listing its hosted runners' addresses, which change: docs.github.com "About
 * GitHub-hosted runners", IP addresses).
 */
function unreachable(config: Record<string, unknown>): string | undefined {
    const cluster = objectAt(config["aks-entra:cluster"]);
    if (cluster?.privateCluster === true) {
        return "talks to a private API server (aks-entra:cluster.privateCluster: true) and GitHub's hosted runners cannot reach it";
    }
    const ranges = cluster?.authorizedIpRanges;
    if (Array.isArray(ranges) && ranges.length > 0) {
        return "talks to an API server that admits only aks-entra:cluster.authorizedIpRanges, and GitHub's hosted runners have no fixed address to list";
    }
    return undefined;
}

/** Every deployable stack file of `dir`, read as Pulumi reads it. */
function readStacks(dir: string): Read[] {
    return readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null && !THROWAWAY.test(m[1]))
        .map((m) => ({ stack: m[1], file: m[0], config: readStackConfig(path.join(dir, m[0])) }))
        .sort((a, b) => a.stack.localeCompare(b.stack));
}

/** The runner a stack's job needs, and why it refuses to start when none is configured. */
export function runnerFor(
    file: string,
    stack: string,
    why: string | undefined,
    privateRunnerLabel: string,
): Pick<DeployEntry, "runner" | "refuse"> {
    if (why === undefined) return { runner: HOSTED_RUNNER, refuse: "" };
    if (privateRunnerLabel.trim() !== "") return { runner: privateRunnerLabel.trim(), refuse: "" };
    return {
        runner: HOSTED_RUNNER,
        refuse: `${file}: stack ${stack} ${why}; set the repository variable PRIVATE_RUNNER_LABEL to the label of a self-hosted runner that reaches it (docs/delivery.md: Runners)`,
    };
}

/** The deploy list, in order. Throws UsageError naming the file for a team stack it cannot place. */
export function deployOrder(dir: string, privateRunnerLabel: string): DeployEntry[] {
    const stacks = readStacks(dir);
    const byName = new Map(stacks.map((s) => [s.stack, s]));
    const teams = new Map<string, Read[]>();
    const roots: Read[] = [];
    const problems: string[] = [];
    for (const s of stacks) {
        const platform = platformOf(s.file, s.config);
        if (platform === undefined) {
            roots.push(s);
            continue;
        }
        const p = byName.get(platform);
        if (p === undefined) {
            problems.push(
                `${s.file}: aks-entra:platform.stack names stack ${platform}, which has no Pulumi.${platform}.yaml here; a team stack deploys after its platform stack, from the same repository`,
            );
        } else if (platformOf(p.file, p.config) !== undefined) {
            problems.push(
                `${s.file}: aks-entra:platform.stack names ${platform}, itself a team stack; allowed: a platform stack`,
            );
        } else {
            teams.set(platform, [...(teams.get(platform) ?? []), s]);
        }
    }
    if (problems.length > 0) throw new UsageError(problems.join("\n"));
    const rank = (s: Read) => {
        const i = DECLARED_ORDER.indexOf(s.stack);
        return i < 0 ? DECLARED_ORDER.length : i;
    };
    roots.sort((a, b) => rank(a) - rank(b) || a.stack.localeCompare(b.stack));
    const entry = (s: Read, platform: Read | undefined): DeployEntry => {
        // A team stack always calls its platform's API server (its namespaces' objects).
        const calls = platform !== undefined || createsKubernetesObjects(s.config);
        const why = calls ? unreachable((platform ?? s).config) : undefined;
        return {
            stack: s.stack,
            file: s.file,
            environment: s.stack,
            platform: platform?.stack ?? "",
            approval: !NO_APPROVAL.includes(s.stack),
            create: s.config["aks-entra:protect"] !== true,
            privateNetwork: why !== undefined,
            ...runnerFor(s.file, s.stack, why, privateRunnerLabel),
        };
    };
    return roots.flatMap((r) => [
        entry(r, undefined),
        ...(teams.get(r.stack) ?? []).map((t) => entry(t, r)),
    ]);
}

/** The runner of one stack file (the PR preview's stack, a profile copied to Pulumi.pr-<n>.yaml). */
export function runnerOfFile(
    file: string,
    privateRunnerLabel: string,
): Pick<DeployEntry, "runner" | "refuse"> {
    const config = readStackConfig(file);
    const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1] ?? path.basename(file);
    const why = createsKubernetesObjects(config) ? unreachable(config) : undefined;
    return runnerFor(file, stack, why, privateRunnerLabel);
}

function output(entries: Record<string, string>): void {
    const file = process.env.GITHUB_OUTPUT;
    const text = Object.entries(entries)
        .map(([k, v]) => `${k}=${v}\n`)
        .join("");
    if (file) appendFileSync(file, text);
    else process.stdout.write(text);
}

export function main(argv: string[]): number {
    const label = process.env.PRIVATE_RUNNER_LABEL ?? "";
    try {
        if (argv[0] === "deploy-matrix") {
            const list = deployOrder(argv[1] ?? ".", label);
            output({ matrix: JSON.stringify({ include: list }) });
            for (const e of list) {
                process.stderr.write(
                    `${e.stack}: ${e.file}, environment ${e.environment}${e.platform ? `, after ${e.platform}` : ""}, runner ${e.refuse ? "none (refuses)" : e.runner}\n`,
                );
            }
            return 0;
        }
        if (argv[0] === "platforms") {
            // Per file: <file> TAB <the platform stack a team stack reads, or nothing>.
            for (const f of argv.slice(1)) {
                process.stdout.write(`${f}\t${platformOf(f, readStackConfig(f)) ?? ""}\n`);
            }
            return 0;
        }
        if (argv[0] === "runner" && argv[1]) {
            output(runnerOfFile(argv[1], label));
            return 0;
        }
        process.stderr.write(
            "usage: stacks.ts deploy-matrix [DIR] | runner FILE | platforms FILE...\n",
        );
        return 1;
    } catch (e) {
        if (e instanceof UsageError) {
            for (const line of e.message.split("\n")) process.stderr.write(`::error::${line}\n`);
            return 1;
        }
        throw e;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
