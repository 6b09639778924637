// The plan CLI for the bootstrap project (plan/bootstrap.ts): `npm run plan -- --project bootstrap
// [--stack NAME | --config FILE] [--json FILE] [--policy-config FILE] [--fail-on LEVEL]`.
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
    BOOTSTRAP_DIR,
    evaluateBootstrap,
    renderBootstrapText,
    stableJson,
    validBootstrapConfig,
} from "./bootstrap";
import type { Options } from "./args";
import { EXIT, type Io } from "./cli";
import { readPolicyConfig, readStackConfig, UsageError } from "./files";
import { style, wantColour } from "./text";

/** The bootstrap's example stack: what `--project bootstrap` plans without --stack or --config. */
export const BOOTSTRAP_DEFAULT_STACK = "example";

export async function runBootstrap(o: Options, io: Io): Promise<number> {
    for (const [given, flag] of [
        [o.diff, "--diff"],
        [o.markdown, "--markdown"],
    ] as const) {
        if (given !== undefined) {
            throw new UsageError(
                `${flag} is for the main program's stacks; the bootstrap's plan has --json, --policy-config and --fail-on`,
            );
        }
    }
    const stack = o.stackGiven
        ? o.stack
        : o.config !== undefined
          ? (/^Pulumi\.([^/\\]+)\.yaml$/.exec(path.basename(o.config))?.[1] ??
            BOOTSTRAP_DEFAULT_STACK)
          : BOOTSTRAP_DEFAULT_STACK;
    const file = o.config ?? path.join(BOOTSTRAP_DIR, `Pulumi.${stack}.yaml`);
    const raw = readStackConfig(file);
    validBootstrapConfig(raw, file);
    const policyConfig = o.policyConfig ? readPolicyConfig(o.policyConfig) : {};
    io.stderr.write(
        `plan: bootstrap ${stack}: config valid; evaluating bootstrap/index.ts offline...\n`,
    );
    let plan;
    try {
        ({ plan } = await evaluateBootstrap({ raw, stack, policyConfig }));
    } catch (e) {
        io.stderr.write(
            `plan: the bootstrap failed for stack ${stack}:\n${e instanceof Error ? e.message : String(e)}\n`,
        );
        return EXIT.programFailed;
    }
    io.stdout.write(renderBootstrapText(plan, style(wantColour(io.stdout, io.env))));
    if (o.json) {
        mkdirSync(path.dirname(path.resolve(o.json)), { recursive: true });
        writeFileSync(o.json, stableJson(plan));
    }
    // The pack's violations are what the bootstrap's findings are: every one fails --fail-on.
    if (o.failOn && plan.violations.length > 0) {
        io.stderr.write(
            `plan: exit ${EXIT.findings}: ${plan.violations.length} guardrail violation${plan.violations.length === 1 ? "" : "s"} (--fail-on ${o.failOn})\n`,
        );
        return EXIT.findings;
    }
    return EXIT.ok;
}
