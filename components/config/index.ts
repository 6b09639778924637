// The stack's configuration: one schema, one validation, one typed result.
// `index.ts` (pulumi up) and the offline plan both call `configFromPulumi`/`parseConfig`, so bad
// input gets the same message everywhere, before any resource is declared. Every problem is
// collected and reported at once: key path, the bad value, what is allowed.
//
// The folder: constants (names, limits), types (the result), schema (one zod schema per key),
// values (single-value checks), draft (what survived a schema), references (group aliases,
// roles), rules/ (each cross-field check), messages, build (defaults), pulumi (config map).
// A new key is one schema line, at most one rule, its tests and its row in docs/configuration.md.
import { buildConfig } from "./build";
import { NAMESPACE } from "./constants";
import { draftOf } from "./draft";
import { asIssues, hostileInput, withoutFindings } from "./hostile";
import { ConfigError, describeIssue, unknownKeyProblem } from "./messages";
import { namespaceProblems, rawConfig } from "./pulumi";
import { GroupAliases } from "./references";
import { RULES, type RuleContext } from "./rules";
import { CONFIG_KEYS, type ConfigKey, type Drafts, KEY_SCHEMAS, type Parsed } from "./schema";
import type { StackConfig } from "./types";

export * from "./constants";
export * from "./logins";
export type * from "./types";
export { ConfigError } from "./messages";
export { decodeConfigValue, pulumiConfigMap } from "./pulumi";
export { CONFIG_KEYS, type ConfigKey } from "./schema";
export {
    armScopeProblem,
    cidrProblem,
    githubRepositoryProblem,
    gitRefProblem,
    kubernetesVersionProblem,
} from "./values";
export { clusterAdminPowers } from "./rules";

/**
 * Parses and validates the raw `aks-entra:*` values (key without namespace -> decoded value).
 * Returns the typed configuration or throws a ConfigError listing every problem.
 */
export function parseConfig(
    input: Readonly<Record<string, unknown>>,
    today: Date = new Date(),
): StackConfig {
    // Own keys only, in a map without a prototype: `__proto__` or `constructor` is just a name.
    const raw = Object.assign(Object.create(null) as Record<string, unknown>, input);
    const problems: string[] = [];
    for (const key of Object.keys(raw).sort()) {
        if (!(CONFIG_KEYS as string[]).includes(key)) problems.push(unknownKeyProblem(key));
    }
    if (raw.location === undefined) {
        problems.push(
            `${NAMESPACE}:location is required (or azure-native:location): the Azure region, e.g. pulumi config set ${NAMESPACE}:location westeurope`,
        );
    }

    // Filled key by key: each value is what that key's own schema produced (or left of it).
    const parsed: Parsed = {};
    const draft: Drafts = {};
    const set = (into: Parsed | Drafts, key: ConfigKey, value: unknown) =>
        ((into as Record<string, unknown>)[key] = value);
    for (const key of CONFIG_KEYS) {
        const value = raw[key];
        if (value === undefined) continue;
        if (value === null) {
            problems.push(
                key === "location"
                    ? `${NAMESPACE}:location is null; it is required: the Azure region, e.g. pulumi config set ${NAMESPACE}:location westeurope`
                    : `${NAMESPACE}:${key} is null; give it a value, or remove the key to use its default`,
            );
            continue;
        }
        // Invisible characters and JavaScript member names first: the schema's own issue with
        // the same value would only say that it does not match.
        const findings = hostileInput(key, value);
        problems.push(...findings.map((f) => f.problem));
        const result = KEY_SCHEMAS[key].safeParse(value);
        const issues = withoutFindings(result.error?.issues ?? [], findings);
        problems.push(...issues.map((issue) => describeIssue(key, value, issue)));
        if (result.success) set(parsed, key, result.data);
        set(draft, key, draftOf(value, [...issues, ...asIssues(findings)]));
    }

    const ctx = ruleContext(draft, raw, today);
    for (const rule of RULES) problems.push(...rule(ctx));
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return buildConfig(parsed, ctx.groups);
}

function ruleContext(draft: Drafts, raw: Record<string, unknown>, today: Date): RuleContext {
    const writtenGroups = raw.groups !== null && typeof raw.groups === "object" ? raw.groups : {};
    const writtenNamespaces = Array.isArray(raw.namespaces) ? (raw.namespaces as unknown[]) : [];
    return {
        draft,
        raw,
        today,
        groups: new GroupAliases(
            Object.entries(draft.groups ?? {}).flatMap(([alias, id]) =>
                id === undefined ? [] : [[alias, id] as [string, string]],
            ),
            Object.keys(writtenGroups),
        ),
        declaredNamespaces: writtenNamespaces.flatMap((n) => {
            const name =
                n !== null && typeof n === "object" ? (n as { name?: unknown }).name : undefined;
            return typeof name === "string" ? [name] : [];
        }),
    };
}

/**
 * Reads this stack's configuration from Pulumi's config map (`namespace:key` -> text) and
 * validates it on `today` (the real day unless a test pins it). The region comes from
 * `aks-entra:location`, else `azure-native:location`.
 */
export function configFromPulumi(
    all: Readonly<Record<string, string>>,
    today: Date = new Date(),
): StackConfig {
    // A key this program would never read is refused with the rest, not silently dropped.
    const misplaced = namespaceProblems(all);
    try {
        const config = parseConfig(rawConfig(all), today);
        if (misplaced.length === 0) return config;
    } catch (e) {
        if (!(e instanceof ConfigError) || misplaced.length === 0) throw e;
        throw new ConfigError([...misplaced, ...e.problems]);
    }
    throw new ConfigError(misplaced);
}
