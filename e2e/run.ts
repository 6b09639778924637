// The real steps of `npm run e2e`, against Azure through the Pulumi Automation API
// (@pulumi/pulumi/automation: a LocalWorkspace on this repository, so `pulumi up` runs index.ts
// exactly as a person's does, with the guardrails pack as CI runs it). Loaded by e2e/main.ts only
// once the gate said run.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIPv4 } from "node:net";
import * as path from "node:path";
import type * as Automation from "@pulumi/pulumi/automation";
import { TOKEN_EXCHANGE_AUDIENCE } from "../components/config";
import { StackNames } from "../components/naming";
import { projectName } from "../plan/cli";
import type { Plan } from "../plan/model";
import type { Gate } from "./gate";
import {
    changedConfig,
    type ConfigMap,
    configJson,
    costBasis,
    expiresAt,
    ROOT,
    runConfig,
    stackFile,
    validate,
} from "./profile";
import {
    type RunnerState,
    type RunOutcome,
    type Step,
    unexpectedChanges,
    verifyProblem,
} from "./steps";

export const POLICY_PACK = path.join(ROOT, "policy");
/** Where the runner's public IPv4 address is read (plain text). */
export const ADDRESS_URL = "https://api.ipify.org";

export interface RunInput {
    stack: string;
    gate: Extract<Gate, { action: "run" }>;
    profile: ConfigMap;
    env: NodeJS.ProcessEnv;
    /** A temporary directory of this run (the plan, verify's JSON). */
    tmp: string;
    /** Streams the output of pulumi, the plan and verify. */
    out: (text: string) => void;
    log: (line: string) => void;
    state: RunnerState;
    /** Aborting sends SIGINT to the running pulumi: a graceful cancel. */
    aborts: { main: AbortController; cleanup: AbortController };
    color: boolean;
    now?: () => Date;
}

/** The runner's public IPv4 address, as the API server will see its requests. */
export async function runnerAddress(): Promise<string> {
    let text: string;
    try {
        const res = await fetch(ADDRESS_URL, { signal: AbortSignal.timeout(15_000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        text = (await res.text()).trim();
    } catch (e) {
        throw new Error(
            `could not read the runner's public address from ${ADDRESS_URL} (${e instanceof Error ? e.message : String(e)}); set AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES to the runner's egress range`,
        );
    }
    if (!isIPv4(text)) {
        throw new Error(
            `${ADDRESS_URL} answered ${JSON.stringify(text.slice(0, 60))}, not an IPv4 address; set AKS_ENTRA_E2E_AUTHORIZED_IP_RANGES`,
        );
    }
    return text;
}

/** Runs a command, streaming its output; resolves with its exit code and the tail of stderr. */
function runCommand(
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    out: (text: string) => void,
    stdoutFile?: string,
): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        const stdout: Buffer[] = [];
        child.stdout.on("data", (d: Buffer) => (stdoutFile ? stdout.push(d) : out(d.toString())));
        child.stderr.on("data", (d: Buffer) => {
            stderr = (stderr + d.toString()).slice(-8000);
            out(d.toString());
        });
        child.on("error", reject);
        child.on("close", (code) => {
            if (stdoutFile) writeFileSync(stdoutFile, Buffer.concat(stdout));
            resolve({ code, stderr });
        });
    });
}

/** A fresh GitHub Actions OIDC token for Entra (the request azure-native and kubelogin make). */
export async function githubOidcToken(env: NodeJS.ProcessEnv): Promise<string> {
    const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL ?? "");
    url.searchParams.set("audience", TOKEN_EXCHANGE_AUDIENCE);
    const res = await fetch(url, {
        headers: {
            Authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ""}`,
            Accept: "application/json",
        },
        signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`GitHub's OIDC token request answered HTTP ${res.status}`);
    const { value } = (await res.json()) as { value?: unknown };
    if (typeof value !== "string" || value === "") {
        throw new Error("GitHub's OIDC token request returned no token");
    }
    return value;
}

/** `npm run verify -- --stack NAME --json FILE`; throws the problem unless it matched. */
async function verify(input: RunInput, jsonFile: string): Promise<void> {
    // verify's DefaultAzureCredential signs in as the providers' principal (e2e/gate.ts verifySignIn).
    const signIn: Record<string, string> = { ...input.gate.verify.env };
    const token = input.gate.verify.federatedToken;
    if (token !== undefined) {
        const file = path.join(input.tmp, "federated-token");
        const value =
            token === "github"
                ? await githubOidcToken(input.env)
                : (input.env.ARM_OIDC_TOKEN ?? "");
        writeFileSync(file, value, { mode: 0o600 });
        signIn.AZURE_FEDERATED_TOKEN_FILE = file;
    }
    const env = { ...input.env, ...input.gate.credentials.providerEnv, ...signIn };
    const args = ["run", "verify", "--", "--stack", input.stack, "--json", jsonFile];
    // Under `npm run e2e`, npm_execpath is the npm that started us; else npm on PATH.
    const npm = input.env.npm_execpath;
    let result: { code: number | null; stderr: string };
    try {
        result = npm
            ? await runCommand(process.execPath, [npm, ...args], env, input.out)
            : await runCommand("npm", args, env, input.out);
    } finally {
        // The token is a credential: it does not stay in a directory a failed run keeps.
        if (signIn.AZURE_FEDERATED_TOKEN_FILE !== undefined && token !== undefined) {
            rmSync(signIn.AZURE_FEDERATED_TOKEN_FILE, { force: true });
        }
    }
    const problem = verifyProblem(result.code, result.stderr, jsonFile);
    if (problem !== undefined) throw new Error(problem);
}

/** The steps of one run, and what to clean up by hand if the cleanup itself fails. */
export function buildSteps(input: RunInput): {
    main: Step[];
    cleanup: Step[];
    names: StackNames;
    configFile: string;
} {
    const { stack: name, gate, out, log } = input;
    const names = new StackNames(projectName(), name);
    const configFile = path.join(ROOT, `Pulumi.${name}.yaml`);
    const color = input.color ? "always" : "never";
    let config: ConfigMap | undefined;
    let stack: Automation.Stack | undefined;
    const need = () => {
        if (stack === undefined || config === undefined)
            throw new Error("no stack (an earlier step did not run)");
        return { stack, config };
    };
    const common = () => ({ onOutput: out, onError: out, color }) as const;

    const main: Step[] = [
        {
            name: "prepare",
            run: async () => {
                const ranges = gate.authorizedIpRanges ?? [`${await runnerAddress()}/32`];
                log(`e2e: API server authorized ranges: ${ranges.join(", ")}`);
                config = runConfig(input.profile, {
                    authorizedIpRanges: ranges,
                    expiresAt: expiresAt((input.now ?? (() => new Date()))()),
                    groups: gate.groups,
                });
                // The offline plan of exactly this config (it lists every config problem): no HIGH
                // finding before anything is created.
                const file = path.join(input.tmp, `Pulumi.${name}.yaml`);
                writeFileSync(file, stackFile(config));
                const planJson = path.join(input.tmp, "plan.json");
                const planText = path.join(input.tmp, "plan.txt");
                const tsx = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
                const { code } = await runCommand(
                    process.execPath,
                    [
                        tsx,
                        "plan/main.ts",
                        "--config",
                        file,
                        "--stack",
                        name,
                        "--fail-on",
                        "high",
                        "--json",
                        planJson,
                    ],
                    { ...input.env, NO_COLOR: "1" },
                    out,
                    planText,
                );
                if (code !== 0) {
                    throw new Error(
                        `the offline plan of the run's config exited ${code} (plan in ${planText})`,
                    );
                }
                const plan = JSON.parse(readFileSync(planJson, "utf8")) as Plan;
                log(
                    `e2e: offline plan: ${plan.summary.customResources} resources, ${plan.grants.length} grants, ${plan.trusts.length} federated trusts (${planText})`,
                );
                const typed = validate(config);
                log("e2e: cost basis (Azure bills at your subscription's rates; no prices here):");
                for (const line of costBasis(typed, plan.deploy.seconds)) log(`  ${line}`);
            },
        },
        {
            name: "create-stack",
            run: async () => {
                if (config === undefined) throw new Error("no config (prepare did not run)");
                const { LocalWorkspace } =
                    require("@pulumi/pulumi/automation") as typeof Automation;
                const secretsProvider =
                    (input.env.PULUMI_SECRETS_PROVIDER ?? "").trim() || undefined;
                stack = await LocalWorkspace.createStack(
                    { stackName: name, workDir: ROOT },
                    { envVars: gate.credentials.providerEnv, secretsProvider },
                );
                log(`e2e: created stack ${name} (${configFile})`);
                // `pulumi config set-all --json` (pulumi/pulumi#19427, 2025): an older CLI fails
                // here, before anything is created in Azure.
                await stack.setAllConfigJson(configJson(config));
            },
        },
        {
            name: "up",
            run: async () => {
                const { stack } = need();
                const result = await stack.up({
                    ...common(),
                    policyPacks: [POLICY_PACK],
                    signal: input.aborts.main.signal,
                });
                const rg = result.outputs.resourceGroupName?.value as unknown;
                if (typeof rg === "string" && rg !== names.resourceGroup) {
                    log(`e2e: note: resource group ${rg}, expected ${names.resourceGroup}`);
                }
            },
        },
        { name: "verify", run: () => verify(input, path.join(input.tmp, "verify.json")) },
        {
            name: "preview",
            run: async () => {
                const { stack } = need();
                const result = await stack.preview({
                    ...common(),
                    diff: true,
                    policyPacks: [POLICY_PACK],
                    signal: input.aborts.main.signal,
                });
                const changes = unexpectedChanges(result.changeSummary);
                if (changes.length > 0) {
                    throw new Error(
                        `pulumi preview right after up wants changes (${changes.join(", ")}): the stack is not idempotent (the diff is above)`,
                    );
                }
                log(`e2e: preview: no changes (${result.changeSummary.same ?? 0} unchanged)`);
            },
        },
        {
            name: "change-up",
            run: async () => {
                const { stack, config } = need();
                await stack.setAllConfigJson(configJson(changedConfig(config)));
                log(
                    "e2e: change: a RoleBinding of view for the auditors and a workload e2e-worker in namespace e2e",
                );
                await stack.up({
                    ...common(),
                    policyPacks: [POLICY_PACK],
                    signal: input.aborts.main.signal,
                });
            },
        },
        {
            name: "change-verify",
            run: () => verify(input, path.join(input.tmp, "verify-change.json")),
        },
    ];

    const cleanup: Step[] = [
        {
            name: "destroy",
            skip: () => (stack === undefined ? "no stack was created" : undefined),
            run: async () => {
                await stack!.destroy({ ...common(), signal: input.aborts.cleanup.signal });
            },
        },
        {
            name: "stack-rm",
            skip: (records) =>
                stack === undefined
                    ? "no stack was created"
                    : records.find((r) => r.step === "destroy")?.result !== "passed"
                      ? "destroy did not pass: the stack keeps the state a later destroy needs"
                      : undefined,
            run: async () => {
                await stack!.workspace.removeStack(name);
                // `pulumi stack rm` deletes the stack file; make sure nothing of the run stays.
                if (existsSync(configFile)) rmSync(configFile);
            },
        },
    ];
    return { main, cleanup, names, configFile };
}

/** What to do by hand when the cleanup did not finish. */
export function manualCleanup(
    outcome: RunOutcome,
    stack: string,
    names: StackNames,
    configFile: string,
): string[] {
    const result = (step: string) => outcome.records.find((r) => r.step === step);
    const destroy = result("destroy");
    const rm = result("stack-rm");
    // No destroy ran: no stack was created.
    if (destroy === undefined || destroy.result === "skipped") return [];
    if (destroy.result !== "passed") {
        return [
            `e2e: destroy did not finish: Azure resources of stack ${stack} may remain, and the node is billed until they are gone. Clean up by hand, either:`,
            `  pulumi destroy --stack ${stack} --yes && pulumi stack rm ${stack} --yes`,
            `or delete its resource group (AKS deletes the node resource group ${names.nodeResourceGroup} with the cluster; delete it too if it remains):`,
            `  az group delete --name ${names.resourceGroup} --yes`,
            `  pulumi stack rm ${stack} --force --yes     # the state only; also deletes ${path.basename(configFile)}`,
        ];
    }
    if (rm?.result === "failed") {
        return [
            `e2e: the resources are destroyed but the stack ${stack} remains in the backend: pulumi stack rm ${stack} --yes`,
        ];
    }
    return [];
}
