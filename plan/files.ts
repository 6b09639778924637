// The files the plan reads: a stack's config, a policy config, a base plan for --diff. Each problem
// the user can fix is a UsageError (exit 1, no stack trace).
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type * as PolicyConfigCheck from "../policy/configCheck";
import type * as PolicyEvaluate from "../policy/evaluate";
import { BasePlanError, parseBasePlan } from "./diff";
import type { Plan } from "./model";
import { ProjectConfigError, withProjectConfig } from "./projectConfig";

/** A problem the user can fix: printed without a stack trace, exit code 1. */
export class UsageError extends Error {}

/** The top-level keys of a Pulumi stack file. */
const STACK_FILE_KEYS = [
    "config",
    "secretsprovider",
    "encryptedkey",
    "encryptionsalt",
    "environment",
];

/** A stack file's config as Pulumi sees it: its `config:` map over Pulumi.yaml's project config. */
export function readStackConfig(file: string): Record<string, unknown> {
    const own = readStackFileConfig(file);
    try {
        return withProjectConfig(file, own);
    } catch (e) {
        if (e instanceof ProjectConfigError) throw new UsageError(e.message);
        throw e;
    }
}

/** The `config:` map of a Pulumi stack file, alone. */
export function readStackFileConfig(file: string): Record<string, unknown> {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(
            `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
    }
    let doc: unknown;
    try {
        doc = parseYaml(text);
    } catch (e) {
        throw new UsageError(`${file} is not valid YAML: ${(e as Error).message}`);
    }
    // An empty file, or one without its config: map, is refused: planned as an empty config it
    // would read as "location is required", misreporting what is wrong with it.
    const form = `every key belongs under a top-level "config:" map, as in Pulumi.dev.yaml`;
    if (doc === null || doc === undefined) {
        throw new UsageError(`${file} is empty; ${form}`);
    }
    if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new UsageError(`${file} must be a YAML map with a "config:" key; ${form}`);
    }
    const config = (doc as Record<string, unknown>).config;
    if (config === undefined || config === null) {
        const keys = Object.keys(doc);
        const stray = keys.length > 0 ? ` (its top-level keys: ${keys.join(", ")})` : "";
        throw new UsageError(
            `${file} has no "config:" map${stray}; ${form}${keys.some((k) => k.includes(":")) ? `: indent the <namespace>:<key> entries under config:` : ""}`,
        );
    }
    // Pulumi reads these top-level keys of a stack file and no other (pulumi/pulumi
    // sdk/go/common/workspace/project.go, ProjectStack): anything else is dropped unread.
    const stray = Object.keys(doc).filter((k) => !STACK_FILE_KEYS.includes(k));
    if (stray.length > 0) {
        throw new UsageError(
            `${file} has top-level key${stray.length === 1 ? "" : "s"} ${stray.map((k) => JSON.stringify(k)).join(", ")} that Pulumi never reads (a stack file has ${STACK_FILE_KEYS.join(", ")}); ${form}, e.g. ${stray.map((k) => (k.includes(":") ? k : `aks-entra:${k}`)).join(", ")}`,
        );
    }
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new UsageError(`${file}: "config:" must be a map of namespace:key to value`);
    }
    return config as Record<string, unknown>;
}

/** A policy config file, as `pulumi preview --policy-pack-config` takes it (JSON). */
export function readPolicyConfig(file: string): PolicyEvaluate.PackConfig {
    let doc: unknown;
    try {
        doc = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
        throw new UsageError(
            `cannot read --policy-config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        throw new UsageError(
            `--policy-config ${file} must be a JSON object of policy name -> settings`,
        );
    }
    // The plan itself would ignore an unknown name, and an exception with a typo would silently
    // not apply: refuse the file instead.
    const check = require("../policy/configCheck") as typeof PolicyConfigCheck;
    const problems = check.policyConfigProblems(doc as Record<string, unknown>);
    if (problems.length > 0) {
        throw new UsageError(
            `--policy-config ${file} is not a config of the guardrails pack (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        );
    }
    return doc as PolicyEvaluate.PackConfig;
}

export function parseBasePlanFile(file: string): { file: string; plan: Plan } {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(
            `cannot read --diff base ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
    }
    try {
        return { file, plan: parseBasePlan(text, file) };
    } catch (e) {
        if (e instanceof BasePlanError) throw new UsageError(e.message);
        throw e;
    }
}
