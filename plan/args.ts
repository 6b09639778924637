// The plan CLI's options: its usage text and the parsing of argv into Options, refusing what
// cannot work together before anything is evaluated. Pure module.
import { UsageError } from "./files";

export const FAIL_ON = ["high", "medium", "low"] as const;

export const USAGE = `Usage: npm run plan -- [options]

Evaluates index.ts offline for a stack's config and prints what it would create and who would
get access to what. No Azure credentials or Pulumi backend needed.

Options:
  --stack NAME        stack to plan (default: dev); reads Pulumi.NAME.yaml
  --project bootstrap plan the bootstrap project (bootstrap/Pulumi.NAME.yaml, default
                      example; also chosen by a --config file in bootstrap/): its
                      identities, roles, Graph permissions and guardrails (--json,
                      --policy-config, --fail-on)
  --config FILE       read the config from FILE (same form: a top-level "config:" map); the
                      stack name (physical names derive from it) is --stack, else NAME of a
                      Pulumi.NAME.yaml file, else dev: stderr says which
  --json FILE         write the full plan as stable JSON (schemaVersion 3, sorted, no timestamps)
  --markdown FILE     write the plan as Markdown with a Mermaid diagram (for a PR comment)
  --arm FILE          write every Azure resource as an ARM deployment template, for PSRule,
                      Checkov or Trivy (docs/scanning.md); Graph and Kubernetes objects are
                      listed in its metadata
  --arm-schemas DIR   Microsoft's ARM JSON schemas (default: ../shared/armschemas beside the
                      checkout): with --arm, lays each body out as its API version declares it
  --diff BASE.json    compare with an earlier --json plan and print only the changes;
                      exit 2 when access (grants, PIM eligibility, derived access, Pod
                      Security or trusts) changes, 4 when a change is one Azure refuses
                      in place or that replaces a resource. Each changed property shows
                      its old and new value
  --diff-json FILE    with --diff: write the changes as stable JSON (schemaVersion 3; each
                      changed resource lists its properties with before and after)
  --platform FILE     a team stack (aks-entra:platform) reads its platform's outputs from
                      FILE, the platform stack's --json plan (docs/team-stacks.md)
  --fail-on LEVEL     exit 5 when a finding is LEVEL or more severe (high, medium or low)
  --policy-config FILE
                      policy pack config (as pulumi preview --policy-pack-config) for the
                      guardrails the plan runs on every resource; violations become findings.
                      Unknown rules, options and levels are refused
  -h, --help          show this help

Exit codes (the first that applies, in this order, wins; stderr lists every one):
  1  bad config or usage            3  the program failed
  4  --diff: a change Azure refuses in place, or that replaces a resource
  5  --fail-on: a finding at or above LEVEL
  2  --diff: access changed         0  ok`;

export interface Options {
    stack: string;
    /** `bootstrap` plans bootstrap/ (plan/bootstrapCli.ts); `aks-entra` the main program. */
    project?: string;
    stackGiven: boolean;
    config?: string;
    json?: string;
    markdown?: string;
    arm?: string;
    armSchemas?: string;
    diff?: string;
    diffJson?: string;
    policyConfig?: string;
    platform?: string;
    failOn?: (typeof FAIL_ON)[number];
    help: boolean;
}

const VALUE_FLAGS = [
    "--stack",
    "--project",
    "--config",
    "--json",
    "--markdown",
    "--arm",
    "--arm-schemas",
    "--diff",
    "--diff-json",
    "--policy-config",
    "--platform",
    "--fail-on",
] as const;

export function parseArgs(argv: readonly string[]): Options {
    const o: Options = { stack: "dev", stackGiven: false, help: false };
    const seen = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "-h" || arg === "--help") {
            o.help = true;
            continue;
        }
        const eq = arg.indexOf("=");
        const flag = eq > 0 && arg.startsWith("--") ? arg.slice(0, eq) : arg;
        if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
            throw new UsageError(
                arg.startsWith("-")
                    ? `unknown option ${arg}`
                    : `unexpected argument ${JSON.stringify(arg)}`,
            );
        }
        const value = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
            throw new UsageError(`${flag} needs a value`);
        }
        if (seen.has(flag)) throw new UsageError(`${flag} given twice`);
        seen.add(flag);
        if (flag === "--fail-on") {
            if (!(FAIL_ON as readonly string[]).includes(value)) {
                throw new UsageError(
                    `--fail-on ${JSON.stringify(value)} is not a severity; use ${FAIL_ON.join(", ")}`,
                );
            }
            o.failOn = value as (typeof FAIL_ON)[number];
            continue;
        }
        if (flag === "--project") {
            if (value !== "bootstrap" && value !== "aks-entra") {
                throw new UsageError(
                    `--project ${JSON.stringify(value)} is not a project of this repository; use bootstrap or aks-entra`,
                );
            }
            o.project = value;
            continue;
        }
        const key =
            flag === "--policy-config"
                ? "policyConfig"
                : flag === "--diff-json"
                  ? "diffJson"
                  : flag === "--arm-schemas"
                    ? "armSchemas"
                    : (flag.slice(2) as
                          "stack" | "config" | "json" | "markdown" | "arm" | "diff" | "platform");
        o[key] = value;
        if (key === "stack") {
            if (!/^[A-Za-z0-9][-_.A-Za-z0-9]*$/.test(value)) {
                throw new UsageError(
                    `--stack ${JSON.stringify(value)} is not a stack name (letters, digits, - _ .)`,
                );
            }
            o.stackGiven = true;
        }
    }
    if (o.armSchemas !== undefined && o.arm === undefined) {
        throw new UsageError("--arm-schemas needs --arm FILE (the template to write)");
    }
    if (o.diffJson !== undefined && o.diff === undefined) {
        throw new UsageError("--diff-json needs --diff BASE.json (the plan to compare with)");
    }
    return o;
}
