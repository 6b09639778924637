// `npm run e2e` (e2e/) without Azure: the command as a user runs it (tsx e2e/main.ts in a child
// process with a controlled environment: it skips, or fails before creating anything), the gate
// over every branch with fake probes, the stack name, the step runner with fake steps (destroy
// and stack rm always run), the duration table and report, and profiles/e2e.yaml through the
// offline plan: it plans cleanly, and its change adds exactly one grant and one federated trust.
import { strict as assert } from "node:assert";
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { decodeConfigValue } from "../components/config";
import { StackNames } from "../components/naming";
import type { Plan } from "../plan/model";
import {
    type Credentials,
    type Env,
    findCredentials,
    gate,
    type Probes,
    parseGroups,
    parseRanges,
    verifySignIn,
} from "../e2e/gate";
import { EXIT, machineProbes, onSignal, parseArgs, UsageError } from "../e2e/main";
import {
    CHANGE,
    changedConfig,
    configJson,
    costBasis,
    expiresAt,
    groupAliases,
    kubeloginMode,
    PROFILE,
    readProfile,
    runConfig,
    stackFile,
    validate,
} from "../e2e/profile";
import { manualCleanup } from "../e2e/run";
import {
    buildReport,
    clusterMinutes,
    durationTable,
    type RunnerState,
    runSteps,
    STACK_NAME_PATTERN,
    type Step,
    type StepRecord,
    stackName,
    type Report,
    summarize,
    unexpectedChanges,
    verifyProblem,
} from "../e2e/steps";
import { plan, readPlan, ROOT, type Run, workspace } from "./planRun";

const NODE =
    Number(process.versions.node.split(".")[0]) >= 22
        ? process.execPath
        : path.join(ROOT, "node_modules", ".bin", "node");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** `tsx e2e/main.ts ...` with exactly `env` (nothing inherited: no credentials of the developer). */
function e2e(env: Record<string, string>, ...args: string[]): Promise<Run> {
    const started = Date.now();
    return new Promise((resolve) => {
        execFile(
            NODE,
            [TSX, "e2e/main.ts", ...args],
            { cwd: ROOT, env },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
                resolve({ code, stdout, stderr, ms: Date.now() - started });
            },
        );
    });
}

const ARM_SECRET = {
    ARM_CLIENT_ID: "11111111-1111-4111-8111-111111111111",
    ARM_TENANT_ID: "22222222-2222-4222-8222-222222222222",
    ARM_SUBSCRIPTION_ID: "33333333-3333-4333-8333-333333333333",
    ARM_CLIENT_SECRET: "not-a-secret",
};

/** Probes of a machine that has everything unless told otherwise; counts each call. */
function probes(
    over: Partial<{
        path: string[];
        az: ReturnType<Probes["az"]>;
        whoami: ReturnType<Probes["pulumiWhoami"]>;
    }> = {},
) {
    const calls = { onPath: [] as string[], az: 0, whoami: 0 };
    const onPath = over.path ?? ["pulumi", "kubelogin", "az"];
    const p: Probes = {
        onPath: (c) => (calls.onPath.push(c), onPath.includes(c)),
        az: () => (calls.az++, over.az ?? "signed-in"),
        pulumiWhoami: () => (
            calls.whoami++,
            over.whoami ?? { ok: true, url: "https://api.pulumi.com" }
        ),
    };
    return { p, calls };
}

const PROFILE_CONFIG = readProfile();
const ALIASES = groupAliases(PROFILE_CONFIG);
const decide = (env: Env, p: Probes, mode = "azurecli") =>
    gate({ env, probes: p, kubeloginMode: mode, groupAliases: ALIASES });

describe("npm run e2e (e2e/)", function () {
    this.timeout(120_000);
    const { out, remove } = workspace("e2e");
    after(() => remove());

    describe("the command, as a user runs it (no Azure, no pulumi)", () => {
        // A PATH with only a fake kubelogin: no pulumi, no az.
        const bin = () => {
            const dir = out("bin");
            mkdirSync(dir, { recursive: true });
            writeFileSync(path.join(dir, "kubelogin"), "#!/bin/sh\nexit 0\n");
            chmodSync(path.join(dir, "kubelogin"), 0o755);
            return dir;
        };
        const runs: Record<string, Run> = {};
        before(async () => {
            const base = { PATH: bin(), HOME: out("home"), NO_COLOR: "1" };
            [runs.off, runs.noCreds, runs.noPulumi, runs.help, runs.usage] = await Promise.all([
                e2e(base, "--report", out("skipped.json")),
                e2e({ ...base, AKS_ENTRA_E2E: "1" }),
                e2e({ ...base, AKS_ENTRA_E2E: "1", ...ARM_SECRET }, "--report", out("failed.json")),
                e2e(base, "--help"),
                e2e(base, "--stack", "x"),
            ]);
        });

        it("without AKS_ENTRA_E2E: says it skipped and why, exit 0, and reports skipped", () => {
            assert.equal(runs.off.code, 0, runs.off.stderr);
            assert.match(
                runs.off.stdout,
                /^e2e: skipped: AKS_ENTRA_E2E is not set\. Set AKS_ENTRA_E2E=1 to run/m,
            );
            const report = JSON.parse(readFileSync(out("skipped.json"), "utf8"));
            assert.equal(report.result, "skipped");
            assert.match(report.reason, /AKS_ENTRA_E2E is not set/);
            assert.deepEqual(report.steps, []);
        });

        it("AKS_ENTRA_E2E=1 without credentials: exit 1, naming the missing variables, nothing created", () => {
            assert.equal(runs.noCreds.code, EXIT.failed, runs.noCreds.stdout);
            const text = runs.noCreds.stderr;
            assert.match(
                text,
                /cannot run \(AKS_ENTRA_E2E=1 asked for a run\); nothing was created:\n {2}- there are no Azure credentials in the environment/,
            );
            assert.doesNotMatch(runs.noCreds.stdout, /e2e: stack e2e-/);
            for (const name of [
                "ARM_CLIENT_ID",
                "ARM_TENANT_ID",
                "ARM_SUBSCRIPTION_ID",
                "ARM_CLIENT_SECRET",
            ]) {
                assert.ok(text.includes(name), name);
            }
            for (const name of [
                "AZURE_CLIENT_ID",
                "AZURE_TENANT_ID",
                "AZURE_SUBSCRIPTION_ID",
                "AZURE_FEDERATED_TOKEN_FILE",
            ]) {
                assert.ok(text.includes(name), name);
            }
            assert.match(text, /az login: az is not on PATH/);
        });

        it("with credentials but no pulumi CLI: exit 1, says so, and nothing was created", () => {
            assert.equal(runs.noPulumi.code, EXIT.failed);
            assert.match(
                runs.noPulumi.stderr,
                /cannot run \(AKS_ENTRA_E2E=1 asked for a run\); nothing was created/,
            );
            assert.match(runs.noPulumi.stderr, /the pulumi CLI is not on PATH/);
            assert.doesNotMatch(runs.noPulumi.stderr, /kubelogin is not on PATH/);
            assert.doesNotMatch(
                runs.noPulumi.stderr + runs.noPulumi.stdout,
                /at .*\.ts:\d+/,
                "no stack trace",
            );
            assert.doesNotMatch(runs.noPulumi.stdout, /e2e: stack e2e-/);
            const report = JSON.parse(readFileSync(out("failed.json"), "utf8"));
            assert.equal(report.result, "failed");
            assert.match(report.reason, /pulumi CLI is not on PATH/);
        });

        it("--help prints the usage (exit 0); an unknown option is a usage error (exit 1)", () => {
            assert.equal(runs.help.code, 0);
            assert.match(runs.help.stdout, /^Usage: npm run e2e -- \[options\]/);
            assert.match(runs.help.stdout, /--report FILE/);
            assert.equal(runs.usage.code, 1);
            assert.match(runs.usage.stderr, /^e2e: unknown option --stack\n\nUsage:/);
        });
    });

    describe("a whole run against fake pulumi, npm and kubelogin (the Automation API's real calls)", () => {
        // The fake pulumi answers as the Automation API expects (version below 3.205: events come
        // through a file) and logs every call; FAKE_PULUMI_FAIL lists operations that fail,
        // FAKE_PULUMI_SLOW one that runs until SIGINT, FAKE_PREVIEW_CHANGES the preview's summary.
        const FAKE_PULUMI = `
const fs = require("fs");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify(["pulumi", ...args]) + "\\n");
const op = args[0] === "stack" || args[0] === "config" ? args[0] + " " + args[1] : args[0];
if ((process.env.FAKE_PULUMI_FAIL || "").split(",").includes(op)) {
    console.error("error: fake " + op + " failed");
    process.exit(255);
}
if (op === "version") console.log("v3.200.0");
else if (op === "stack output") console.log("{}");
else if (op === "stack history") console.log("[]");
else if (op === process.env.FAKE_PULUMI_SLOW) {
    process.on("SIGINT", () => { console.error("error: update canceled"); process.exit(255); });
    console.log("fake " + op + " running");
    setTimeout(() => process.exit(0), 60000);
} else {
    if (op === "preview") {
        const changes = JSON.parse(process.env.FAKE_PREVIEW_CHANGES || '{"same":21}');
        const event = { sequence: 1, timestamp: 0, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: changes, PolicyPacks: {} } };
        fs.appendFileSync(args[args.indexOf("--event-log") + 1], JSON.stringify(event) + "\\n");
    }
    console.log("fake pulumi " + args.join(" "));
}
`;
        let bin = "";
        before(() => {
            bin = out("fakebin");
            mkdirSync(bin, { recursive: true });
            writeFileSync(out("fake-pulumi.js"), FAKE_PULUMI);
            const scripts: Record<string, string> = {
                pulumi: `#!/bin/sh\nexec "${NODE}" "${out("fake-pulumi.js")}" "$@"\n`,
                // Records its arguments and how verify would sign in (client id, secret set, token).
                npm: [
                    "#!/bin/sh",
                    'token=""',
                    '[ -n "$AZURE_FEDERATED_TOKEN_FILE" ] && read -r token < "$AZURE_FEDERATED_TOKEN_FILE"',
                    `printf '["npm","%s","%s","%s","%s"]\\n' "$*" "$AZURE_CLIENT_ID" "\${AZURE_CLIENT_SECRET:+set}" "$token" >> "$FAKE_LOG"`,
                    'exit "${FAKE_VERIFY_EXIT:-0}"',
                    "",
                ].join("\n"),
                kubelogin: "#!/bin/sh\nexit 0\n",
            };
            for (const [name, text] of Object.entries(scripts)) {
                writeFileSync(path.join(bin, name), text);
                chmodSync(path.join(bin, name), 0o755);
            }
        });

        interface FakeRun extends Run {
            calls: string[][];
            report: Report;
        }
        let n = 0;
        /** One run; `whenOut(text, kill)` sees stdout as it comes. */
        function fakeRun(
            extra: Record<string, string>,
            whenOut?: (text: string, kill: () => void) => void,
        ): Promise<FakeRun> {
            const id = `run${n++}`;
            const dir = mkdtempSync(out(`${id}-`));
            const log = path.join(dir, "calls.log");
            writeFileSync(log, "");
            const env = {
                PATH: bin,
                HOME: dir,
                TMPDIR: dir,
                NO_COLOR: "1",
                FAKE_LOG: log,
                AKS_ENTRA_E2E: "1",
                ...ARM_SECRET,
                PULUMI_ACCESS_TOKEN: "pul-fake",
                AAD_LOGIN_METHOD: "workloadidentity",
                AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES: "198.18.0.1/32",
                ...extra,
            };
            const started = Date.now();
            return new Promise((resolve) => {
                const child = spawn(
                    NODE,
                    [TSX, "e2e/main.ts", "--report", path.join(dir, "report.json")],
                    { cwd: ROOT, env },
                );
                let stdout = "";
                let stderr = "";
                child.stdout.on("data", (d: Buffer) => {
                    stdout += d.toString();
                    whenOut?.(stdout, () => child.kill("SIGTERM"));
                });
                child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
                child.on("close", (code) => {
                    const calls = readFileSync(log, "utf8")
                        .split("\n")
                        .filter((l) => l !== "")
                        .map((l) => JSON.parse(l) as string[]);
                    const report = JSON.parse(
                        readFileSync(path.join(dir, "report.json"), "utf8"),
                    ) as Report;
                    resolve({
                        code: code ?? -1,
                        stdout,
                        stderr,
                        ms: Date.now() - started,
                        calls,
                        report,
                    });
                });
            });
        }
        /** The calls that change something, as `pulumi <op>` / `npm verify`. */
        const ops = (r: FakeRun) =>
            r.calls
                .map((c) =>
                    c[0] === "npm"
                        ? "verify"
                        : c[1] === "stack" || c[1] === "config"
                          ? `${c[1]} ${c[2]}`
                          : c[1],
                )
                .filter((op) => !["version", "stack output", "stack history"].includes(op));
        const steps = (r: FakeRun) => r.report.steps.map((s) => `${s.step} ${s.result}`);
        const runs: Record<string, FakeRun> = {};
        const tokenRequests: { url: string; auth: string }[] = [];
        let killedAt = "";
        before(async function () {
            this.timeout(180_000);
            // GitHub's OIDC token endpoint, as verify's sign-in asks it before each verify.
            const server = createServer((req, res) => {
                tokenRequests.push({ url: req.url ?? "", auth: req.headers.authorization ?? "" });
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ value: `github-jwt-${tokenRequests.length}` }));
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            const { port } = server.address() as AddressInfo;
            const github = {
                ARM_CLIENT_SECRET: "",
                ARM_USE_OIDC: "true",
                ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
                ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runtime-token",
            };
            const [ok, preview, drift, up, destroy, init, signal, oidc] = await Promise.all([
                fakeRun({}),
                fakeRun({ FAKE_PREVIEW_CHANGES: '{"same":20,"update":1}' }),
                fakeRun({ FAKE_VERIFY_EXIT: "2" }),
                fakeRun({ FAKE_PULUMI_FAIL: "up" }),
                fakeRun({ FAKE_PULUMI_FAIL: "up,destroy" }),
                fakeRun({ FAKE_PULUMI_FAIL: "stack init" }),
                fakeRun({ FAKE_PULUMI_SLOW: "up" }, (text, kill) => {
                    if (killedAt === "" && text.includes("fake up running")) {
                        killedAt = "up";
                        kill();
                    }
                }),
                fakeRun(github),
            ]);
            server.close();
            Object.assign(runs, { ok, preview, drift, up, destroy, init, signal, oidc });
        });

        const MAIN_OPS = [
            "stack init",
            "config set-all",
            "up",
            "verify",
            "preview",
            "config set-all",
            "up",
            "verify",
        ];

        it("passes: every step in order through the Automation API, the guardrails on, then destroy and stack rm", () => {
            const r = runs.ok;
            assert.equal(r.code, 0, r.stderr);
            assert.deepEqual(ops(r), [...MAIN_OPS, "destroy", "stack rm"]);
            const up = r.calls.find((c) => c[1] === "up")!;
            assert.ok(up.includes("--yes") && up.includes(path.join(ROOT, "policy")), up.join(" "));
            const preview = r.calls.find((c) => c[1] === "preview")!;
            assert.ok(preview.includes("--diff") && preview.includes(path.join(ROOT, "policy")));
            const name = r.report.stack!;
            assert.match(name, STACK_NAME_PATTERN);
            assert.equal(r.report.resourceGroup, new StackNames("aks-entra", name).resourceGroup);
            for (const c of r.calls.slice(1))
                assert.ok(c.includes(name) || c[0] === "npm", c.join(" "));
            const verify = r.calls.filter((c) => c[0] === "npm").map((c) => c[1]);
            assert.match(
                verify[0],
                new RegExp(`^run verify -- --stack ${name} --json .*verify\\.json$`),
            );
            assert.equal(r.report.result, "passed");
            assert.deepEqual(steps(r), [
                "prepare passed",
                "create-stack passed",
                "up passed",
                "verify passed",
                "preview passed",
                "change-up passed",
                "change-verify passed",
                "destroy passed",
                "stack-rm passed",
            ]);
            assert.match(r.stdout, /e2e: cost basis .*\n  AKS tier Free/);
            assert.match(r.stdout, /\nSTEP +SECONDS +RESULT\nprepare +\d+\.\d +passed\n/);
            assert.match(r.stdout, /e2e: passed: stack e2e-[0-9a-f]{8} deployed/);
        });

        it("sets the run's config, then the change, with config set-all --json", () => {
            const sets = runs.ok.calls.filter((c) => c[1] === "config" && c[2] === "set-all");
            assert.equal(sets.length, 2);
            const json = (c: string[]) =>
                JSON.parse(c[c.indexOf("--json") + 1]) as Record<string, { objectValue?: unknown }>;
            const [first, second] = sets.map(json);
            assert.deepEqual(
                (first["aks-entra:cluster"].objectValue as { authorizedIpRanges: string[] })
                    .authorizedIpRanges,
                ["198.18.0.1/32"],
            );
            const workloads = (c: typeof first) =>
                (
                    c["aks-entra:namespaces"].objectValue as {
                        workloads: { serviceAccount: string }[];
                    }[]
                )[0].workloads.map((w) => w.serviceAccount);
            assert.deepEqual(workloads(first), ["e2e-app"]);
            assert.deepEqual(workloads(second), ["e2e-app", "e2e-worker"]);
        });

        it("a preview that wants changes fails the run at preview; destroy and stack rm still run", () => {
            const r = runs.preview;
            assert.equal(r.code, 1);
            assert.deepEqual(ops(r), [...MAIN_OPS.slice(0, 5), "destroy", "stack rm"]);
            assert.match(
                r.stderr,
                /e2e: FAILED: step preview failed: pulumi preview right after up wants changes \(update 1\): the stack is not idempotent/,
            );
            assert.equal(r.report.failedStep, "preview");
            assert.deepEqual(steps(r).slice(5), [
                "change-up skipped",
                "change-verify skipped",
                "destroy passed",
                "stack-rm passed",
            ]);
        });

        it("verify's drift (exit 2) fails the run at verify; destroy and stack rm still run", () => {
            const r = runs.drift;
            assert.equal(r.code, 1);
            assert.deepEqual(ops(r), [...MAIN_OPS.slice(0, 4), "destroy", "stack rm"]);
            assert.equal(r.report.failedStep, "verify");
            assert.match(r.report.reason!, /verify found drift/);
        });

        it("a failed up: destroy and stack rm still run, and the run names the step", () => {
            const r = runs.up;
            assert.equal(r.code, 1);
            assert.deepEqual(ops(r), ["stack init", "config set-all", "up", "destroy", "stack rm"]);
            assert.match(r.stderr, /e2e: FAILED: step up failed: error: fake up failed/);
            assert.doesNotMatch(r.stderr, /clean up by hand/i);
        });

        it("a failed destroy: no stack rm (the state stays), and what to delete by hand, by name", () => {
            const r = runs.destroy;
            assert.equal(r.code, 1);
            assert.deepEqual(ops(r), ["stack init", "config set-all", "up", "destroy"]);
            const name = r.report.stack!;
            const names = new StackNames("aks-entra", name);
            assert.ok(
                r.stderr.includes(
                    `pulumi destroy --stack ${name} --yes && pulumi stack rm ${name} --yes`,
                ),
                r.stderr,
            );
            assert.ok(
                r.stderr.includes(`az group delete --name ${names.resourceGroup} --yes`),
                r.stderr,
            );
            assert.equal(r.report.failedStep, "up");
            assert.deepEqual(steps(r).slice(-2), ["destroy failed", "stack-rm skipped"]);
            assert.equal(r.report.clusterMinutes, undefined);
        });

        it("no stack created: nothing to destroy or remove", () => {
            const r = runs.init;
            assert.equal(r.code, 1);
            assert.deepEqual(ops(r), ["stack init"]);
            assert.deepEqual(steps(r).slice(-2), ["destroy skipped", "stack-rm skipped"]);
            assert.equal(r.report.steps.at(-1)!.detail, "no stack was created");
        });

        it("SIGTERM during up: pulumi is cancelled, the rest skipped, then destroy and stack rm", () => {
            const r = runs.signal;
            assert.equal(killedAt, "up");
            assert.equal(r.code, 1);
            assert.match(r.stdout, /e2e: SIGTERM: stopping after up, then destroying the stack/);
            assert.deepEqual(ops(r), ["stack init", "config set-all", "up", "destroy", "stack rm"]);
            assert.match(
                r.report.reason!,
                /^step up failed: error: update canceled \(interrupted by SIGTERM\)$/,
            );
            assert.deepEqual(steps(r).slice(3), [
                "verify skipped",
                "preview skipped",
                "change-up skipped",
                "change-verify skipped",
                "destroy passed",
                "stack-rm passed",
            ]);
        });
        it("verify signs in as the providers' principal: ARM_* given to DefaultAzureCredential as AZURE_*", () => {
            const verifies = runs.ok.calls.filter((c) => c[0] === "npm");
            assert.equal(verifies.length, 2);
            for (const c of verifies)
                assert.deepEqual(c.slice(2), [ARM_SECRET.ARM_CLIENT_ID, "set", ""]);
        });

        it("with GitHub OIDC, verify gets a fresh federated token for Entra before each run", () => {
            const r = runs.oidc;
            assert.equal(r.code, 0, r.stderr);
            assert.match(
                r.stdout,
                /verify signs in with DefaultAzureCredential \(AZURE_CLIENT_ID, AZURE_TENANT_ID\), a federated token from GitHub Actions/,
            );
            const verifies = r.calls.filter((c) => c[0] === "npm");
            assert.deepEqual(
                verifies.map((c) => c.slice(2)),
                [
                    [ARM_SECRET.ARM_CLIENT_ID, "", "github-jwt-1"],
                    [ARM_SECRET.ARM_CLIENT_ID, "", "github-jwt-2"],
                ],
            );
            assert.equal(tokenRequests.length, 2);
            for (const t of tokenRequests) {
                const url = new URL(t.url, "http://x");
                assert.equal(url.searchParams.get("audience"), "api://AzureADTokenExchange");
                assert.equal(url.searchParams.get("api-version"), "2.0");
                assert.equal(t.auth, "Bearer runtime-token");
            }
        });
    });

    describe("arguments", () => {
        it("takes --report FILE and --report=FILE, once, with a value", () => {
            assert.deepEqual(parseArgs([]), { help: false });
            assert.deepEqual(parseArgs(["--report", "r.json"]), { help: false, report: "r.json" });
            assert.deepEqual(parseArgs(["--report=r.json"]), { help: false, report: "r.json" });
            assert.throws(() => parseArgs(["--report"]), UsageError);
            assert.throws(() => parseArgs(["--report", "--help"]), /needs a value/);
            assert.throws(() => parseArgs(["--report", "a", "--report", "b"]), /given twice/);
            assert.throws(() => parseArgs(["extra"]), /unexpected argument "extra"/);
        });
    });

    describe("the gate", () => {
        it("skips without AKS_ENTRA_E2E=1, and never probes the machine then", () => {
            for (const value of [undefined, "", "0", "true", "yes"]) {
                const { p, calls } = probes();
                const g = decide({ AKS_ENTRA_E2E: value, ...ARM_SECRET }, p);
                assert.equal(g.action, "skip", String(value));
                assert.match(
                    (g as { reason: string }).reason,
                    value ? /is "\w*", not 1/ : /is not set/,
                );
                assert.deepEqual(calls, { onPath: [], az: 0, whoami: 0 }, String(value));
            }
        });

        it("AKS_ENTRA_E2E=1 with no credentials and no az session: fails, naming every missing variable", () => {
            const { p } = probes({ az: "signed-out" });
            const g = decide({ AKS_ENTRA_E2E: "1", ARM_CLIENT_ID: "x", AZURE_TENANT_ID: "y" }, p);
            assert.equal(g.action, "fail");
            const reason = (g as { problems: string[] }).problems.join("\n");
            assert.match(
                reason,
                /ARM_\* \(azure-native\): missing ARM_TENANT_ID, ARM_SUBSCRIPTION_ID, one of ARM_CLIENT_SECRET/,
            );
            assert.doesNotMatch(reason, /missing ARM_CLIENT_ID/);
            assert.match(
                reason,
                /AZURE_\* \(DefaultAzureCredential\): missing AZURE_CLIENT_ID, AZURE_SUBSCRIPTION_ID, one of AZURE_CLIENT_SECRET/,
            );
            assert.match(reason, /az login: `az account show` found no signed-in session/);
        });

        it("a selected but incomplete ARM method is what is missing: azure-native would not fall back to az", () => {
            const { p, calls } = probes();
            const oidc = decide(
                {
                    AKS_ENTRA_E2E: "1",
                    ARM_USE_OIDC: "true",
                    ARM_CLIENT_ID: "c",
                    ARM_TENANT_ID: "t",
                    ARM_SUBSCRIPTION_ID: "s",
                },
                p,
            );
            assert.equal(oidc.action, "fail");
            assert.match(
                (oidc as { problems: string[] }).problems.join("\n"),
                /OIDC \(ARM_USE_OIDC=true\), but one of ARM_OIDC_TOKEN, ARM_OIDC_TOKEN_FILE_PATH, or ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN .* is not set/,
            );
            assert.equal(calls.az, 0);
            const secret = decide(
                { AKS_ENTRA_E2E: "1", ARM_CLIENT_SECRET: "x", ARM_SUBSCRIPTION_ID: "s" },
                p,
            );
            assert.equal(secret.action, "fail");
            assert.match(
                (secret as { problems: string[] }).problems.join("\n"),
                /a client secret \(ARM_CLIENT_SECRET\), but ARM_CLIENT_ID, ARM_TENANT_ID are not set/,
            );
        });

        it("finds each way to sign in, in azure-native's order, with the provider environment AZURE_* needs", () => {
            const az = () => "signed-out" as const;
            const cases: [Env, RegExp, Record<string, string>][] = [
                [ARM_SECRET, /client secret/, {}],
                [
                    { ...ARM_SECRET, ARM_CLIENT_SECRET: "", ARM_CLIENT_CERTIFICATE_PATH: "/c.pfx" },
                    /client certificate/,
                    {},
                ],
                [
                    { ...ARM_SECRET, ARM_CLIENT_CERTIFICATE_PATH: "/c.pfx" },
                    /client certificate/,
                    {},
                ],
                [
                    {
                        ...ARM_SECRET,
                        ARM_CLIENT_SECRET: "",
                        ARM_USE_OIDC: "true",
                        ARM_OIDC_TOKEN: "jwt",
                    },
                    /OIDC/,
                    {},
                ],
                [
                    {
                        ...ARM_SECRET,
                        ARM_CLIENT_SECRET: "",
                        ARM_USE_OIDC: "true",
                        ACTIONS_ID_TOKEN_REQUEST_URL: "u",
                        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
                    },
                    /OIDC/,
                    {},
                ],
                [{ ARM_USE_MSI: "true", ARM_SUBSCRIPTION_ID: "s" }, /managed identity/, {}],
                [
                    {
                        AZURE_CLIENT_ID: "c",
                        AZURE_TENANT_ID: "t",
                        AZURE_SUBSCRIPTION_ID: "s",
                        AZURE_FEDERATED_TOKEN_FILE: "/t",
                    },
                    /DefaultAzureCredential, AZURE_FEDERATED_TOKEN_FILE/,
                    { ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true", ARM_SUBSCRIPTION_ID: "s" },
                ],
                [
                    {
                        AZURE_CLIENT_ID: "c",
                        AZURE_TENANT_ID: "t",
                        AZURE_SUBSCRIPTION_ID: "s",
                        AZURE_CLIENT_SECRET: "x",
                    },
                    /AZURE_CLIENT_SECRET/,
                    { ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true", ARM_SUBSCRIPTION_ID: "s" },
                ],
            ];
            for (const [env, description, providerEnv] of cases) {
                const found = findCredentials(env, az);
                assert.ok("credentials" in found, JSON.stringify(env));
                assert.match(found.credentials.description, description);
                assert.deepEqual(found.credentials.providerEnv, providerEnv);
            }
            const session = findCredentials({}, () => "signed-in");
            assert.ok("credentials" in session);
            assert.match(session.credentials.description, /Azure CLI session/);
        });

        it("verify's DefaultAzureCredential gets the providers' principal under the AZURE_* names", () => {
            const creds = (env: Env): Credentials => {
                const found = findCredentials(env, () => "signed-in");
                assert.ok("credentials" in found);
                return found.credentials;
            };
            const sign = (env: Env) => verifySignIn(env, creds(env));
            const client = {
                AZURE_CLIENT_ID: ARM_SECRET.ARM_CLIENT_ID,
                AZURE_TENANT_ID: ARM_SECRET.ARM_TENANT_ID,
            };
            assert.deepEqual(sign(ARM_SECRET), {
                env: { ...client, AZURE_CLIENT_SECRET: "not-a-secret" },
            });
            const cert = {
                ...ARM_SECRET,
                ARM_CLIENT_CERTIFICATE_PATH: "/c.pfx",
                ARM_CLIENT_CERTIFICATE_PASSWORD: "pw",
            };
            assert.deepEqual(sign(cert), {
                env: {
                    ...client,
                    AZURE_CLIENT_CERTIFICATE_PATH: "/c.pfx",
                    AZURE_CLIENT_CERTIFICATE_PASSWORD: "pw",
                },
            });
            const oidc = { ...ARM_SECRET, ARM_CLIENT_SECRET: "", ARM_USE_OIDC: "true" };
            assert.deepEqual(sign({ ...oidc, ARM_OIDC_TOKEN: "jwt" }), {
                env: client,
                federatedToken: "ARM_OIDC_TOKEN",
            });
            assert.deepEqual(sign({ ...oidc, ARM_OIDC_TOKEN_FILE_PATH: "/t" }), {
                env: { ...client, AZURE_FEDERATED_TOKEN_FILE: "/t" },
            });
            assert.deepEqual(
                sign({
                    ...oidc,
                    ACTIONS_ID_TOKEN_REQUEST_URL: "u",
                    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
                }),
                {
                    env: client,
                    federatedToken: "github",
                },
            );
            assert.deepEqual(
                sign({ ARM_USE_MSI: "true", ARM_SUBSCRIPTION_ID: "s", ARM_CLIENT_ID: "mi" }),
                { env: { AZURE_CLIENT_ID: "mi" } },
            );
            assert.deepEqual(
                sign({
                    AZURE_CLIENT_ID: "c",
                    AZURE_TENANT_ID: "t",
                    AZURE_SUBSCRIPTION_ID: "s",
                    AZURE_CLIENT_SECRET: "x",
                }),
                { env: {} },
            );
            assert.deepEqual(sign({}), { env: {} }, "az session: DefaultAzureCredential finds it");
        });

        it("with credentials and everything present: run, with the backend and kubelogin's login", () => {
            const { p, calls } = probes();
            const g = decide(
                { AKS_ENTRA_E2E: "1", ...ARM_SECRET, PULUMI_ACCESS_TOKEN: "pul-x" },
                p,
            );
            assert.equal(g.action, "run");
            assert.ok(g.action === "run");
            assert.equal(g.kubelogin, "azurecli");
            assert.match(g.backend, /PULUMI_ACCESS_TOKEN/);
            assert.equal(g.authorizedIpRanges, undefined);
            assert.equal(g.groups, undefined);
            assert.equal(calls.whoami, 0, "the environment names the backend: no pulumi whoami");
        });

        it("with credentials but no pulumi CLI: fail, without asking pulumi anything", () => {
            const { p, calls } = probes({ path: ["kubelogin"] });
            const g = decide({ AKS_ENTRA_E2E: "1", ...ARM_SECRET, AAD_LOGIN_METHOD: "spn" }, p);
            assert.equal(g.action, "fail");
            const problems = (g as { problems: string[] }).problems;
            assert.match(problems[0], /^the pulumi CLI is not on PATH/);
            assert.match(problems[1], /^no Pulumi backend login/);
            assert.equal(problems.length, 2);
            assert.equal(calls.whoami, 0);
        });

        it("lists every missing prerequisite at once", () => {
            const { p } = probes({ path: [], az: "missing" });
            const g = decide({ AKS_ENTRA_E2E: "1", ...ARM_SECRET }, p);
            assert.equal(g.action, "fail");
            const problems = (g as { problems: string[] }).problems;
            assert.deepEqual(
                problems.map((x) => x.split(":")[0]),
                [
                    "the pulumi CLI is not on PATH",
                    "kubelogin is not on PATH",
                    "no Pulumi backend login",
                    "kubelogin will sign in with the Azure CLI (aks-entra",
                ],
            );
            assert.match(problems[3], /az is not on PATH/);
        });

        it("the backend: PULUMI_BACKEND_URL, PULUMI_ACCESS_TOKEN or pulumi whoami; a self-managed one needs a secrets provider", () => {
            const env = { AKS_ENTRA_E2E: "1", ...ARM_SECRET };
            const noLogin = decide(env, probes({ whoami: { ok: false } }).p);
            assert.equal(noLogin.action, "fail");
            assert.match(
                (noLogin as { problems: string[] }).problems.join("\n"),
                /no Pulumi backend login: .* \(pulumi whoami failed\)/,
            );

            const whoamiCloud = decide(env, probes().p);
            assert.ok(whoamiCloud.action === "run");
            assert.equal(whoamiCloud.backend, "https://api.pulumi.com");

            const blob = "azblob://state?storage_account=st";
            for (const [extra, action] of [
                [{ PULUMI_BACKEND_URL: blob }, "fail"],
                [
                    {
                        PULUMI_BACKEND_URL: blob,
                        PULUMI_SECRETS_PROVIDER: "azurekeyvault://v.vault.azure.net/keys/k",
                    },
                    "run",
                ],
                [{ PULUMI_BACKEND_URL: blob, PULUMI_CONFIG_PASSPHRASE: "p" }, "run"],
                [{ PULUMI_BACKEND_URL: "file:///tmp/state" }, "fail"],
                [{ PULUMI_BACKEND_URL: "https://api.pulumi.com" }, "run"],
            ] as const) {
                const g = decide({ ...env, ...extra }, probes().p);
                assert.equal(g.action, action, JSON.stringify(extra));
                if (g.action === "fail")
                    assert.match(
                        g.problems[0],
                        /needs a secrets provider .* PULUMI_SECRETS_PROVIDER/,
                    );
            }
            const whoamiBlob = decide(env, probes({ whoami: { ok: true, url: blob } }).p);
            assert.equal(whoamiBlob.action, "fail");
        });

        it("kubelogin: AAD_LOGIN_METHOD over the profile's azurecli, which needs an az session", () => {
            const env = { AKS_ENTRA_E2E: "1", ...ARM_SECRET, PULUMI_ACCESS_TOKEN: "t" };
            const noSession = decide(env, probes({ az: "signed-out" }).p);
            assert.equal(noSession.action, "fail");
            assert.match(
                (noSession as { problems: string[] }).problems[0],
                /kubelogin will sign in with the Azure CLI .* az has no signed-in session: run az login, or set AAD_LOGIN_METHOD/,
            );
            const { p, calls } = probes({ az: "signed-out" });
            const explicit = decide(
                { ...env, AAD_LOGIN_METHOD: "azurecli" },
                probes({ az: "missing" }).p,
            );
            assert.match(
                (explicit as { problems: string[] }).problems[0],
                /\(AAD_LOGIN_METHOD=azurecli\) but az is not on PATH/,
            );
            const ci = decide({ ...env, AAD_LOGIN_METHOD: "workloadidentity" }, p);
            assert.ok(ci.action === "run");
            assert.equal(ci.kubelogin, "workloadidentity");
            assert.equal(
                calls.az,
                0,
                "credentials from the environment, kubelogin not azurecli: az never asked",
            );
            const viaAz = decide({ AKS_ENTRA_E2E: "1", PULUMI_ACCESS_TOKEN: "t" }, probes().p);
            assert.ok(viaAz.action === "run");
            assert.match(viaAz.credentials.description, /Azure CLI session/);
        });

        it("the optional overrides: authorized ranges and group ids, checked", () => {
            const env = { AKS_ENTRA_E2E: "1", ...ARM_SECRET, PULUMI_ACCESS_TOKEN: "t" };
            const good = decide(
                {
                    ...env,
                    AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES: "20.1.2.3/32, 40.0.0.0/24",
                    AKS_ENTRA_E2E_GROUPS: '{"developers":"AAAAAAAA-0000-4000-8000-000000000001"}',
                },
                probes().p,
            );
            assert.ok(good.action === "run");
            assert.deepEqual(good.authorizedIpRanges, ["20.1.2.3/32", "40.0.0.0/24"]);
            assert.deepEqual(good.groups, { developers: "aaaaaaaa-0000-4000-8000-000000000001" });
            const empty = decide(
                { ...env, AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES: "", AKS_ENTRA_E2E_GROUPS: "" },
                probes().p,
            );
            assert.ok(empty.action === "run", "empty (a CI variable that is not defined) is unset");
            assert.equal(empty.authorizedIpRanges, undefined);
            const bad = decide(
                {
                    ...env,
                    AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES: "0.0.0.0/0",
                    AKS_ENTRA_E2E_GROUPS: '{"ops":"x"}',
                },
                probes().p,
            );
            assert.equal(bad.action, "fail");
            const problems = (bad as { problems: string[] }).problems;
            assert.match(
                problems[0],
                /AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES: "0.0.0.0\/0" opens the API server to the whole Internet/,
            );
            assert.match(
                problems[1],
                /AKS_ENTRA_E2E_GROUPS: "ops" is not a group of the profile \(platform-admins, developers, auditors\)/,
            );
        });

        it("parses ranges and groups", () => {
            assert.deepEqual(parseRanges("1.2.3.4/32"), { ranges: ["1.2.3.4/32"] });
            assert.match((parseRanges(" , ") as { problem: string }).problem, /lists no range/);
            assert.match((parseRanges("1.2.3.4/24") as { problem: string }).problem, /host bits/);
            assert.match(
                (parseGroups("[]", ALIASES) as { problem: string }).problem,
                /not a JSON object/,
            );
            assert.match((parseGroups("{", ALIASES) as { problem: string }).problem, /not JSON/);
            assert.match(
                (parseGroups('{"auditors": 1}', ALIASES) as { problem: string }).problem,
                /auditors: 1 is not an object id/,
            );
        });

        it("probes the real machine by PATH only: a command outside PATH is not found", () => {
            const p = machineProbes({ PATH: out("nowhere") });
            assert.equal(p.onPath("node"), false);
            assert.equal(p.az(), "missing");
            assert.deepEqual(p.pulumiWhoami(), { ok: false });
            assert.equal(machineProbes({ PATH: path.dirname(NODE) }).onPath("node"), true);
        });
    });

    describe("stack name", () => {
        it("is e2e- and 8 lowercase hex characters of 4 random bytes", () => {
            const names = new Set(Array.from({ length: 200 }, () => stackName()));
            for (const n of names) assert.match(n, STACK_NAME_PATTERN);
            assert.ok(names.size > 190, "random");
            let asked = 0;
            const fixed = stackName((n) => ((asked = n), Buffer.from([0xde, 0xad, 0xbe, 0xef])));
            assert.equal(fixed, "e2e-deadbeef");
            assert.equal(asked, 4);
            // A valid stack name for the plan CLI, and physical names that fit Azure's rules.
            const rg = new StackNames("aks-entra", fixed).resourceGroup;
            assert.match(rg, /^rg-aks-entra-e2e-deadbeef-[0-9a-f]{8}$/);
        });
    });

    describe("the step runner", () => {
        /** Fake steps that record their order; `fail` names the ones that throw. */
        function fakes(
            names: string[],
            log: string[],
            fail: string[] = [],
            during?: (name: string) => void,
        ) {
            return names.map((name): Step => ({
                name,
                run: () => {
                    log.push(name);
                    during?.(name);
                    if (fail.includes(name))
                        return Promise.reject(
                            new Error(`boom in ${name}\nerror: ${name} went wrong`),
                        );
                    return Promise.resolve();
                },
            }));
        }
        const MAIN = [
            "prepare",
            "create-stack",
            "up",
            "verify",
            "preview",
            "change-up",
            "change-verify",
        ];
        /** The cleanup of e2e/run.ts: destroy when a stack exists, stack rm only after a destroy that passed. */
        function cleanup(log: string[], fail: string[] = []): Step[] {
            const [destroy, rm] = fakes(["destroy", "stack-rm"], log, fail);
            rm.skip = (records) =>
                records.find((r) => r.step === "destroy")?.result === "passed"
                    ? undefined
                    : "destroy did not pass";
            return [destroy, rm];
        }
        let clock = 0;
        const options = (state: RunnerState = { phase: "idle" }) => ({
            now: () => (clock += 1500),
            log: () => undefined,
            state,
        });

        it("runs every step in order, then destroy and stack rm", async () => {
            const log: string[] = [];
            const outcome = await runSteps(fakes(MAIN, log), cleanup(log), options());
            assert.deepEqual(log, [...MAIN, "destroy", "stack-rm"]);
            assert.deepEqual(
                outcome.records.map((r) => r.result),
                Array(9).fill("passed"),
            );
            assert.equal(outcome.failed, undefined);
            assert.equal(outcome.records[0].seconds, 1.5);
        });

        for (const failing of MAIN) {
            it(`after ${failing} fails: the later steps are skipped, destroy and stack rm still run`, async () => {
                const log: string[] = [];
                const outcome = await runSteps(
                    fakes(MAIN, log, [failing]),
                    cleanup(log),
                    options(),
                );
                const at = MAIN.indexOf(failing);
                assert.deepEqual(log, [...MAIN.slice(0, at + 1), "destroy", "stack-rm"]);
                assert.equal(outcome.failed?.step, failing);
                assert.equal(outcome.failed?.detail, `error: ${failing} went wrong`);
                for (const r of outcome.records.slice(at + 1, MAIN.length)) {
                    assert.deepEqual([r.result, r.detail], ["skipped", `${failing} failed`]);
                }
                assert.deepEqual(
                    outcome.records.slice(-2).map((r) => [r.step, r.result]),
                    [
                        ["destroy", "passed"],
                        ["stack-rm", "passed"],
                    ],
                );
            });
        }

        it("when destroy fails, stack rm is skipped (the state stays for a later destroy)", async () => {
            const log: string[] = [];
            const outcome = await runSteps(
                fakes(MAIN, log, ["up"]),
                cleanup(log, ["destroy"]),
                options(),
            );
            assert.deepEqual(log.slice(-1), ["destroy"]);
            assert.equal(outcome.failed?.step, "up", "the first failure is the one named");
            assert.deepEqual(
                outcome.records.slice(-2).map((r) => [r.step, r.result, r.detail]),
                [
                    ["destroy", "failed", "error: destroy went wrong"],
                    ["stack-rm", "skipped", "destroy did not pass"],
                ],
            );
        });

        it("a signal stops the main steps after the running one; the cleanup still runs", async () => {
            const log: string[] = [];
            const state: RunnerState = { phase: "idle" };
            const aborts = { main: new AbortController(), cleanup: new AbortController() };
            const lines: string[] = [];
            const outcome = await runSteps(
                fakes(MAIN, log, [], (name) => {
                    if (name === "up") onSignal("SIGTERM", state, aborts, (l) => lines.push(l));
                }),
                cleanup(log),
                options(state),
            );
            assert.deepEqual(log, ["prepare", "create-stack", "up", "destroy", "stack-rm"]);
            assert.equal(outcome.interrupted, "SIGTERM");
            assert.equal(
                outcome.records.find((r) => r.step === "verify")?.detail,
                "interrupted by SIGTERM",
            );
            assert.equal(aborts.main.signal.aborted, true, "SIGTERM cancels the running pulumi");
            assert.equal(aborts.cleanup.signal.aborted, false, "the cleanup is not cancelled");
            assert.match(lines[0], /SIGTERM: stopping after up, then destroying the stack/);
            assert.equal(state.phase, "done");
        });

        it("signals: SIGINT is not passed on (the terminal sent it to pulumi too); in the cleanup, SIGTERM cancels it", () => {
            const aborts = { main: new AbortController(), cleanup: new AbortController() };
            const state: RunnerState = { phase: "main", current: "up" };
            onSignal("SIGINT", state, aborts, () => undefined);
            assert.equal(state.interrupted, "SIGINT");
            assert.equal(aborts.main.signal.aborted, false);
            state.phase = "cleanup";
            state.current = "destroy";
            const lines: string[] = [];
            onSignal("SIGINT", state, aborts, (l) => lines.push(l));
            assert.equal(aborts.cleanup.signal.aborted, false);
            onSignal("SIGTERM", state, aborts, (l) => lines.push(l));
            assert.equal(aborts.cleanup.signal.aborted, true);
            assert.match(lines[1], /SIGTERM during the cleanup: cancelling destroy/);
        });

        it("says what to clean up by hand when destroy or stack rm did not pass", () => {
            const names = new StackNames("aks-entra", "e2e-deadbeef");
            const rec = (step: string, result: StepRecord["result"]): StepRecord => ({
                step,
                started: 0,
                seconds: 1,
                result,
            });
            const file = path.join(ROOT, "Pulumi.e2e-deadbeef.yaml");
            const failedDestroy = manualCleanup(
                { records: [rec("destroy", "failed"), rec("stack-rm", "skipped")] },
                "e2e-deadbeef",
                names,
                file,
            ).join("\n");
            assert.match(
                failedDestroy,
                /pulumi destroy --stack e2e-deadbeef --yes && pulumi stack rm e2e-deadbeef --yes/,
            );
            assert.ok(
                failedDestroy.includes(`az group delete --name ${names.resourceGroup} --yes`),
            );
            assert.ok(failedDestroy.includes(names.nodeResourceGroup));
            const failedRm = manualCleanup(
                { records: [rec("destroy", "passed"), rec("stack-rm", "failed")] },
                "e2e-deadbeef",
                names,
                file,
            );
            assert.deepEqual(failedRm, [
                "e2e: the resources are destroyed but the stack e2e-deadbeef remains in the backend: pulumi stack rm e2e-deadbeef --yes",
            ]);
            assert.deepEqual(
                manualCleanup(
                    { records: [rec("destroy", "passed"), rec("stack-rm", "passed")] },
                    "e2e-deadbeef",
                    names,
                    file,
                ),
                [],
            );
            assert.deepEqual(
                manualCleanup(
                    { records: [rec("destroy", "skipped"), rec("stack-rm", "skipped")] },
                    "e2e-deadbeef",
                    names,
                    file,
                ),
                [],
            );
        });

        it("summarizes an error to its error: lines", () => {
            assert.equal(
                summarize(new Error("code: 255\n stdout: lots\n error: one\n error: two\n")),
                "error: one | error: two",
            );
            assert.equal(summarize(new Error("first\nmiddle\nlast")), "first | middle | last");
            assert.equal(summarize("x".repeat(700)).length, 600);
        });
    });

    describe("the duration table and the report", () => {
        const records: StepRecord[] = [
            { step: "prepare", started: 0, seconds: 3.1, result: "passed" },
            { step: "up", started: 10, seconds: 612.44, result: "passed" },
            {
                step: "verify",
                started: 622.5,
                seconds: 20,
                result: "failed",
                detail: "verify found drift",
            },
            {
                step: "preview",
                started: 642.5,
                seconds: 0,
                result: "skipped",
                detail: "verify failed",
            },
            { step: "destroy", started: 642.5, seconds: 301.5, result: "passed" },
        ];

        it("prints step, seconds and result, aligned, with a total", () => {
            assert.equal(
                durationTable(records),
                [
                    "STEP     SECONDS  RESULT",
                    "prepare      3.1  passed",
                    "up         612.4  passed",
                    "verify      20.0  failed",
                    "preview      0.0  skipped",
                    "destroy    301.5  passed",
                    "total      937.0",
                ].join("\n"),
            );
        });

        it("counts the cluster's minutes from the start of up to the end of a destroy that passed", () => {
            assert.equal(clusterMinutes(records), 15.6);
            assert.equal(
                clusterMinutes(
                    records.map((r) =>
                        r.step === "destroy" ? { ...r, result: "failed" as const } : r,
                    ),
                ),
                undefined,
            );
            assert.equal(clusterMinutes(records.filter((r) => r.step !== "up")), undefined);
        });

        it("writes a JSON report with the steps and their total", () => {
            const report = buildReport({
                result: "failed",
                reason: "step verify failed",
                stack: "e2e-deadbeef",
                failedStep: "verify",
                steps: records,
            });
            assert.equal(report.schemaVersion, 1);
            assert.equal(report.totalSeconds, 937);
            assert.equal(report.steps.length, 5);
            assert.deepEqual(buildReport({ result: "skipped", reason: "r" }), {
                schemaVersion: 1,
                result: "skipped",
                reason: "r",
                steps: [],
                totalSeconds: 0,
            });
        });

        it("the preview passes only when every resource is the same", () => {
            assert.deepEqual(unexpectedChanges({ same: 25 }), []);
            assert.deepEqual(unexpectedChanges({ same: 24, update: 1, create: 0, replace: 2 }), [
                "replace 2",
                "update 1",
            ]);
            assert.deepEqual(unexpectedChanges({ same: 20, read: 1 }), ["read 1"]);
        });

        it("reads verify's exit codes: 0 match, 2 drift, 1 usage, 3 cannot read", () => {
            assert.equal(verifyProblem(0, "", "v.json"), undefined);
            assert.match(verifyProblem(2, "", "v.json")!, /drift.*v\.json/);
            assert.match(verifyProblem(1, "", "v.json")!, /usage/);
            assert.match(verifyProblem(3, "", "v.json")!, /could not read/);
            assert.match(
                verifyProblem(1, 'npm error Missing script: "verify"', "v.json")!,
                /no verify script/,
            );
            assert.match(verifyProblem(null, "", "v.json")!, /signal/);
        });
    });

    describe("profiles/e2e.yaml", () => {
        const RANGE = "198.18.0.1/32"; // benchmarking range (RFC 2544): not a documentation range
        const base = runConfig(PROFILE_CONFIG, {
            authorizedIpRanges: [RANGE],
            expiresAt: "2026-11-24",
        });
        const changed = changedConfig(base);
        const plans: Record<string, { run: Run; json: Plan }> = {};
        before(async () => {
            const files = {
                profile: PROFILE,
                base: out("Pulumi.e2e-base.yaml"),
                changed: out("Pulumi.e2e-changed.yaml"),
            };
            writeFileSync(files.base, stackFile(base));
            writeFileSync(files.changed, stackFile(changed));
            await Promise.all(
                Object.entries(files).map(async ([k, file]) => {
                    const json = out(`${k}.json`);
                    const run = await plan(
                        "--config",
                        file,
                        "--stack",
                        "e2e-test",
                        "--fail-on",
                        "high",
                        "--json",
                        json,
                    );
                    plans[k] = {
                        run,
                        json: run.code === 0 ? readPlan(json) : (undefined as unknown as Plan),
                    };
                }),
            );
        });

        it("plans as stack e2e-test with exit 0 and no HIGH finding, as is and with the run's values", () => {
            for (const k of ["profile", "base", "changed"]) {
                assert.equal(plans[k].run.code, 0, `${k}: ${plans[k].run.stderr}`);
                assert.deepEqual(
                    plans[k].json.findings.filter((f) => f.severity === "high"),
                    [],
                );
            }
        });

        it("is the cost-minded preview shape with what verify needs: Free tier, one node, a namespace with a grant and a workload", () => {
            const c = validate(PROFILE_CONFIG);
            assert.equal(c.cluster.tier, "Free");
            assert.deepEqual(
                [c.cluster.systemPool.count, c.cluster.systemPool.vmSize],
                [1, "Standard_D2ds_v5"],
            );
            assert.deepEqual(c.cluster.userPools, []);
            assert.equal(c.cluster.privateCluster, false);
            assert.deepEqual(
                c.cluster.authorizedIpRanges,
                ["127.0.0.1/32"],
                "closed until the run sets the runner's address",
            );
            assert.equal(c.protect, false);
            assert.equal(c.admins.createGroup, false, "no Graph permission needed");
            assert.equal(c.namespaces.length, 1);
            assert.ok(c.namespaces[0].access.length > 0);
            assert.ok(c.namespaces[0].workloads.length > 0);
            assert.equal(kubeloginMode(PROFILE_CONFIG), "azurecli");
            const kinds = Object.keys(plans.profile.json.summary.byType);
            assert.ok(
                kinds.includes("kubernetes:core/v1:Namespace") &&
                    kinds.includes("kubernetes:core/v1:ServiceAccount"),
                kinds.join(", "),
            );
            assert.ok(
                !kinds.some((k) => k.startsWith("azuread:")),
                "no Entra objects: nothing in the tenant to clean up",
            );
        });

        it("the run's values: the runner's range replaces the placeholder, expires-at is set, the profile is untouched", () => {
            const cluster = base["aks-entra:cluster"] as { authorizedIpRanges: string[] };
            assert.deepEqual(cluster.authorizedIpRanges, [RANGE]);
            assert.equal(
                (base["aks-entra:tags"] as Record<string, string>)["expires-at"],
                "2026-11-24",
            );
            assert.deepEqual(
                (PROFILE_CONFIG["aks-entra:cluster"] as { authorizedIpRanges: string[] })
                    .authorizedIpRanges,
                ["127.0.0.1/32"],
            );
            const resource = plans.base.json.resources.find(
                (r) => r.type === "azure-native:containerservice:ManagedCluster",
            )!;
            assert.match(resource.properties.apiServer, /authorized IP ranges 198\.18\.0\.1\/32/);
            const groups = runConfig(PROFILE_CONFIG, {
                authorizedIpRanges: [RANGE],
                expiresAt: "x",
                groups: { auditors: "aaaaaaaa-0000-4000-8000-000000000009" },
            });
            assert.equal(
                (groups["aks-entra:groups"] as Record<string, string>).auditors,
                "aaaaaaaa-0000-4000-8000-000000000009",
            );
            assert.equal(
                (groups["aks-entra:groups"] as Record<string, string>).developers,
                (PROFILE_CONFIG["aks-entra:groups"] as Record<string, string>).developers,
            );
            assert.equal(expiresAt(new Date("2026-12-31T23:30:00Z")), "2027-01-01");
        });

        it("the change adds exactly one grant (view for the auditors in e2e) and one federated trust (e2e-worker)", () => {
            const before = plans.base.json;
            const after = plans.changed.json;
            assert.equal(after.grants.length, before.grants.length + 1);
            assert.equal(after.trusts.length, before.trusts.length + 1);
            const key = (g: Plan["grants"][number]) =>
                `${g.principal}|${g.scope}|${g.roleKey}|${g.via}`;
            const added = after.grants.filter((g) => !before.grants.some((b) => key(b) === key(g)));
            assert.equal(added.length, 1);
            assert.equal(added[0].roleKey, `k8s:ClusterRole/${CHANGE.role.clusterRole}`);
            const who = after.principals.find((p) => p.key === added[0].principal)!;
            assert.equal(who.label, "auditors");
            const subjects = after.trusts
                .map((t) => t.subject)
                .filter((s) => !before.trusts.some((b) => b.subject === s));
            assert.deepEqual(subjects, [
                `system:serviceaccount:e2e:${CHANGE.workload.serviceAccount}`,
            ]);
            assert.deepEqual(
                base,
                runConfig(PROFILE_CONFIG, { authorizedIpRanges: [RANGE], expiresAt: "2026-11-24" }),
                "changedConfig copies",
            );
        });

        it("goes to the Automation API as set-all JSON that the program decodes back to the same values", () => {
            const json = JSON.parse(configJson(changed)) as Record<
                string,
                { value: string; objectValue?: unknown; secret: boolean }
            >;
            assert.deepEqual(Object.keys(json).sort(), Object.keys(changed).sort());
            for (const [key, entry] of Object.entries(json)) {
                assert.equal(entry.secret, false);
                const original = changed[key];
                if (typeof original === "object")
                    assert.deepEqual(entry.objectValue, original, key);
                else assert.equal(entry.objectValue, undefined, key);
                // What index.ts reads: Pulumi hands every value over as text (components/config/pulumi.ts).
                assert.deepEqual(decodeConfigValue(key.split(":")[1], entry.value), original, key);
            }
            assert.equal(json["aks-entra:kubernetesVersion"].value, "1.35");
        });

        it("prints a cost basis from the config: what is billed, no prices", () => {
            const lines = costBasis(validate(base), 564);
            const text = lines.join("\n");
            assert.match(text, /AKS tier Free: no cluster management fee/);
            assert.match(text, /nodes: 1 x Standard_D2ds_v5 \(pool system\), 1 in all/);
            assert.match(text, /kube-audit-admin, guard/);
            assert.match(text, /estimates the first up at 9\.4 min/);
            assert.doesNotMatch(text, /USD|EUR|\$|€|per hour: \d/);
        });

        it("reads the profile's groups and login for the gate", () => {
            assert.deepEqual(ALIASES, ["platform-admins", "developers", "auditors"]);
            assert.equal(kubeloginMode({}), "azurecli");
        });
    });
});
