// `npm run verify`: proves a deployed stack is what its offline plan promised. Reads the stack's
// state (Pulumi Automation API), Azure (managed cluster, role assignments on every scope the stack
// grants on, identities and their federated credentials) and the cluster's Kubernetes API
// (service accounts, RoleBindings), and compares them with the offline plan of the same config
// (verify/expected.ts, verify/compare.ts). `--snapshot` replays a saved read offline.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs as parseNodeArgs } from "node:util";
import {
    type Evaluated,
    evaluatePlan,
    exitWhenDrained,
    type Io,
    projectName,
    readStackConfig,
    ROOT,
    runCli,
    UsageError,
    validConfig,
} from "../plan/cli";
import type { StackConfig } from "../components/config";
import { AZURE_CLI_APP_ID } from "../components/deployer";
import type * as Fakes from "../offline/fakes";
import type * as Harness from "../offline/harness";
import { stableJson } from "../plan/model";
import { style, wantColour } from "../plan/text";
import { compareLive, type Report } from "./compare";
import { type Expected, expectedFrom } from "./expected";
import type * as Live from "./live";
import { renderMarkdown, renderText } from "./render";
import {
    parseSnapshot,
    type ReadError,
    type ReadTargets,
    type Snapshot,
    SNAPSHOT_VERSION,
    type StackState,
} from "./snapshot";

export const EXIT = { ok: 0, usage: 1, drift: 2, unreadable: 3 } as const;

export const USAGE = `Usage: npm run verify -- --stack NAME [options]

Reads the deployed stack NAME (its Pulumi state, Azure and the cluster's Kubernetes API) and
compares it with the offline plan of its config (Pulumi.NAME.yaml): cluster security settings,
every role assignment on the stack's scopes (missing, changed, and extra: access the stack did
not grant), identities, federated credentials, service-account annotations and RoleBindings.
Signs in with DefaultAzureCredential (az login, environment, workload or managed identity).

Options:
  --stack NAME          stack to verify (with --snapshot: defaults to the snapshot's stack)
  --config FILE         the stack's config (default: Pulumi.NAME.yaml)
  --json FILE           write the report as stable JSON (reportVersion 1)
  --markdown FILE       write the report as Markdown (a PR or issue comment)
  --save-snapshot FILE  write what was read (ARM and Kubernetes objects as returned, the stack's
                        state without secrets) for --snapshot
  --snapshot FILE       compare a saved snapshot instead of reading live: offline, no sign-in
  --no-kubernetes       skip the Kubernetes reads (a private API server out of reach)
  -h, --help            show this help

Exit codes (the first that applies, in this order, wins; stderr lists every one):
  1  bad usage or config           3  something could not be read
  2  drift: live differs from the plan                 0  live matches the plan`;

export interface Options {
    stack?: string;
    config?: string;
    json?: string;
    markdown?: string;
    saveSnapshot?: string;
    snapshot?: string;
    kubernetes: boolean;
    help: boolean;
}

export function parseArgs(argv: readonly string[]): Options {
    let values: Record<string, string | boolean | undefined>;
    try {
        ({ values } = parseNodeArgs({
            args: [...argv],
            strict: true,
            allowPositionals: false,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                json: { type: "string" },
                markdown: { type: "string" },
                "save-snapshot": { type: "string" },
                snapshot: { type: "string" },
                "no-kubernetes": { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (e) {
        // node:util's messages name the option ("Unknown option '--x'", "Option '--json <value>'
        // argument missing"); the part before the hint is what to print.
        throw new UsageError((e as Error).message.split(". ")[0]);
    }
    const o: Options = {
        stack: values.stack as string | undefined,
        config: values.config as string | undefined,
        json: values.json as string | undefined,
        markdown: values.markdown as string | undefined,
        saveSnapshot: values["save-snapshot"] as string | undefined,
        snapshot: values.snapshot as string | undefined,
        kubernetes: values["no-kubernetes"] !== true,
        help: values.help === true,
    };
    for (const [flag, v] of Object.entries(values)) {
        if (v === "") throw new UsageError(`--${flag} needs a value`);
    }
    if (o.stack !== undefined && !/^[A-Za-z0-9][-_.A-Za-z0-9]*$/.test(o.stack)) {
        throw new UsageError(
            `--stack ${JSON.stringify(o.stack)} is not a stack name (letters, digits, - _ .)`,
        );
    }
    if (o.snapshot && o.saveSnapshot) {
        throw new UsageError(
            "--snapshot replays a saved read; --save-snapshot saves a live one: give one",
        );
    }
    if (!o.help && !o.stack && !o.snapshot) throw new UsageError("--stack NAME is required");
    return o;
}

function writeFile(file: string, text: string): void {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text);
}

function readSnapshotFile(file: string): Snapshot {
    let json: unknown;
    try {
        json = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot read snapshot ${file}: ${code ?? (e as Error).message}`);
    }
    try {
        return parseSnapshot(json);
    } catch (e) {
        throw new UsageError(`${file} is not a verify snapshot: ${(e as Error).message}`);
    }
}

/** Reads in a snapshot of the targets a replay needs but the snapshot lacks: reported, not guessed. */
function missingFromSnapshot(snapshot: Snapshot, targets: ReadTargets): ReadError[] {
    const has = (list: readonly string[], id: string) =>
        list.some((x) => x.toLowerCase() === id.toLowerCase());
    const errors: ReadError[] = [];
    const absent = "not in the snapshot (the config names it, the snapshot was read without it)";
    for (const s of targets.scopes) {
        if (!has(Object.keys(snapshot.arm.roleAssignments), s.id))
            errors.push({ what: `role assignments at ${s.id}`, error: absent });
    }
    for (const id of targets.identities) {
        if (!has(Object.keys(snapshot.arm.federatedIdentityCredentials), id))
            errors.push({ what: `federated credentials of ${id}`, error: absent });
    }
    if (snapshot.kubernetes.read) {
        for (const ns of targets.namespaces) {
            if (!snapshot.targets.namespaces.includes(ns))
                errors.push({ what: `role bindings in ${ns}`, error: absent });
        }
    }
    return errors;
}

/**
 * The offline plan of the config as the stack's own deployer ran it, and what it expects live.
 * The plan's login is the one the config describes (a person through the Azure CLI unless
 * `aks-entra:deployer` says otherwise); when the state shows the stack was deployed by someone else
 * (a pipeline's service principal, say), the program is evaluated again as that deployer, since
 * its grants' principalType and owners follow the login.
 */
export async function planAgainstState(input: {
    raw: Record<string, unknown>;
    config: StackConfig;
    stack: string;
    project: string;
    state: StackState;
}): Promise<{ evaluated: Evaluated; expected: Expected }> {
    const { raw, config, stack, project, state } = input;
    let evaluated = await evaluatePlan({ raw, config, stack, project });
    const login = stateDeployer(evaluated, state, config, raw);
    if (login) evaluated = await evaluatePlan({ raw, config, stack, project, deployer: login });
    const expected = expectedFrom({
        plan: evaluated.plan,
        registrations: evaluated.result.registrations,
        state,
        rawConfig: raw,
    });
    return { evaluated, expected };
}

/**
 * The login that deployed the stack, when it is not the plan's: read off the deployer's grant in
 * the state (its principalId and principalType). Undefined when the config names the deployer
 * (the login then decides nothing) or the plan's login already matches.
 */
function stateDeployer(
    evaluated: Evaluated,
    state: StackState,
    config: StackConfig,
    raw: Record<string, unknown>,
): Harness.RunResult["deployer"] | undefined {
    if (config.deployer.objectId !== undefined) return undefined;
    const harness = require("../offline/harness") as typeof Harness;
    const fakes = require("../offline/fakes") as typeof Fakes;
    const deployerKeys = new Set(
        evaluated.plan.principals.filter((p) => p.kind === "deployer").map((p) => p.key),
    );
    const sources = new Set(
        evaluated.plan.grants.filter((g) => deployerKeys.has(g.principal)).map((g) => g.source),
    );
    const grant = state.resources.find((r) => sources.has(r.urn));
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const objectId = text(grant?.inputs.principalId).toLowerCase();
    const principalType = text(grant?.inputs.principalType);
    const planned = evaluated.result.deployer;
    const plannedType =
        planned.clientId.toLowerCase() === AZURE_CLI_APP_ID ? "User" : "ServicePrincipal";
    if (!objectId || (objectId === planned.objectId && principalType === plannedType))
        return undefined;
    return {
        ...harness.loginFor(raw),
        objectId,
        clientId:
            principalType === "ServicePrincipal"
                ? fakes.fakeGuid(`client#${objectId}`)
                : AZURE_CLI_APP_ID,
    };
}

/**
 * How verify reaches the deployment. Real runs use verify/live.ts with DefaultAzureCredential;
 * tests pass readers over an in-process ARM and a local Kubernetes API.
 */
export interface LiveDeps {
    readStackState: (stack: string, workDir: string) => Promise<StackState>;
    readLive: (
        targets: ReadTargets,
        kubernetes: boolean,
    ) => Promise<Pick<Snapshot, "arm" | "kubernetes" | "errors">>;
}

function realDeps(): LiveDeps {
    const live = require("./live") as typeof Live;
    return {
        readStackState: live.readStackState,
        readLive: (targets, kubernetes) => {
            const { DefaultAzureCredential } =
                require("@azure/identity") as typeof import("@azure/identity");
            return live.readLive(targets, { credential: new DefaultAzureCredential(), kubernetes });
        },
    };
}

/** Runs verify; returns the exit code. Throws UsageError for problems the user can fix. */
export async function run(argv: readonly string[], io: Io, deps?: LiveDeps): Promise<number> {
    const o = parseArgs(argv);
    if (o.help) {
        io.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    const replay = o.snapshot ? readSnapshotFile(o.snapshot) : undefined;
    if (replay && o.stack && replay.stack !== o.stack) {
        throw new UsageError(
            `${o.snapshot} is a snapshot of stack ${replay.stack}, not ${o.stack}`,
        );
    }
    const stack = o.stack ?? replay?.stack ?? "";
    const file = o.config ?? path.join(ROOT, `Pulumi.${stack}.yaml`);
    const raw = readStackConfig(file);
    const config = validConfig(raw, file);
    const project = projectName();

    const live = replay ? undefined : (deps ?? realDeps());
    let state: StackState;
    if (replay) {
        state = replay.state;
    } else {
        io.stderr.write(`verify: ${stack}: reading the stack's state...\n`);
        try {
            state = await live!.readStackState(stack, ROOT);
        } catch (e) {
            io.stderr.write(
                `verify: cannot read the state of stack ${stack}: ${(e as Error).message}\n`,
            );
            return EXIT.unreadable;
        }
    }
    io.stderr.write(
        `verify: ${stack}: planning ${path.relative(process.cwd(), file) || file} offline...\n`,
    );
    let expected: Expected;
    try {
        ({ expected } = await planAgainstState({ raw, config, stack, project, state }));
    } catch (e) {
        throw new UsageError(
            `the offline plan of ${path.basename(file)} failed, so there is nothing to compare with: ${(e as Error).message}`,
        );
    }

    let snapshot: Snapshot;
    if (!expected.deployed) {
        // Nothing of the plan is in the state: never deployed, or destroyed. Reading Azure would
        // only read the plan's made-up subscription; every resource is reported not deployed.
        io.stderr.write(
            `verify: ${stack}: the stack's state holds none of the plan's resources (never deployed, or destroyed): nothing to read\n`,
        );
        snapshot = {
            snapshotVersion: SNAPSHOT_VERSION,
            project,
            stack,
            readAt: replay?.readAt ?? new Date().toISOString(),
            state,
            targets: expected.targets,
            arm: {
                managedClusters: [],
                roleAssignments: {},
                userAssignedIdentities: [],
                federatedIdentityCredentials: {},
            },
            kubernetes: {
                read: false,
                serviceAccounts: [],
                roleBindings: [],
                clusterRoleBindings: [],
            },
            errors: [],
        };
    } else if (replay) {
        snapshot = {
            ...replay,
            errors: [...replay.errors, ...missingFromSnapshot(replay, expected.targets)],
            kubernetes: o.kubernetes ? replay.kubernetes : { ...replay.kubernetes, read: false },
        };
    } else {
        io.stderr.write(
            `verify: ${stack}: reading ${expected.targets.clusters.length} cluster(s), role assignments on ${expected.targets.scopes.length} scope(s), ${expected.targets.identities.length} identities${o.kubernetes ? `, ${expected.targets.namespaces.length} namespace(s)` : ""}...\n`,
        );
        const parts = await live!.readLive(expected.targets, o.kubernetes);
        snapshot = {
            snapshotVersion: SNAPSHOT_VERSION,
            project,
            stack,
            readAt: new Date().toISOString(),
            state,
            targets: expected.targets,
            ...parts,
        };
        if (o.saveSnapshot) writeFile(o.saveSnapshot, stableJson(snapshot));
    }

    const report = compareLive(expected, { ...snapshot, project, stack });
    io.stdout.write(renderText(report, style(wantColour(io.stdout, io.env))));
    if (o.json) writeFile(o.json, stableJson(report));
    if (o.markdown) writeFile(o.markdown, renderMarkdown(report));
    const wrote = [o.saveSnapshot, o.json, o.markdown].filter(Boolean);
    if (wrote.length > 0) io.stderr.write(`verify: wrote ${wrote.join(", ")}\n`);
    return exitCode(io, report);
}

export function exitCode(io: Pick<Io, "stderr">, report: Report): number {
    const reasons: [number, string][] = [];
    if (report.summary.errors > 0) {
        reasons.push([
            EXIT.unreadable,
            `${report.summary.errors} read${report.summary.errors === 1 ? "" : "s"} failed: the review is incomplete`,
        ]);
    }
    if (report.summary.drift > 0) {
        reasons.push([
            EXIT.drift,
            `${report.summary.drift} check${report.summary.drift === 1 ? "" : "s"} drifted`,
        ]);
    }
    if (reasons.length === 0) return EXIT.ok;
    io.stderr.write(`verify: exit ${reasons[0][0]}: ${reasons.map((r) => r[1]).join("; ")}\n`);
    return reasons[0][0];
}

/**
 * Entry point: exit codes, and no stack traces for problems the user can fix. On the process's
 * streams unless `io` is given (tests run the CLI in-process).
 */
export function main(argv: readonly string[], io?: Io): Promise<number> {
    return runCli(
        "verify",
        (io) => run(argv, io),
        USAGE,
        /^(Unknown option|Option|--stack NAME is required)/,
        io,
    );
}

if (require.main === module) {
    if (!process.env.PLAN_DEBUG) process.setSourceMapsEnabled(false);
    void main(process.argv.slice(2)).then(exitWhenDrained);
}
