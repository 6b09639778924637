// How problems read: `aks-entra:<key path> <value> <what is wrong>; <what is allowed>`. Pure module.
import type { z } from "zod";
import { closest } from "../nearMiss";
import { NAMESPACE } from "./constants";
import { escapeInvisible } from "./invisible";
import { CONFIG_KEYS, type ConfigKey, currentKeys, schemaAt } from "./schema";

/** All problems found in a stack's configuration. Its message lists every one, one per line. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(
            `aks-entra: invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/**
 * A value as the user wrote it. Maps and lists are cut to 80 characters; text to 240, so an ARM id
 * or a subject is shown whole (its fault is often at the end).
 */
export function show(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    const text = escapeInvisible(JSON.stringify(value));
    const limit = typeof value === "string" ? 240 : 80;
    return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

/** `aks-entra:namespaces[0].roles[1].name` */
export function keyPath(key: string, path: readonly PropertyKey[]): string {
    let out = `${NAMESPACE}:${key}`;
    for (const p of path) {
        out += typeof p === "number" ? `[${p}]` : `.${escapeInvisible(String(p))}`;
    }
    return out;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, p)) {
            return undefined;
        }
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}

/** One schema issue as a problem line. */
export function describeIssue(key: ConfigKey, raw: unknown, issue: z.core.$ZodIssue): string {
    const path = keyPath(key, issue.path);
    const value = valueAt(raw, issue.path);
    if (value === null && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
        const wanted =
            issue.code === "invalid_value"
                ? `one of ${issue.values.map((v) => String(v)).join(" | ")}`
                : article(issue.expected);
        return `${path} is null; give ${wanted}, or remove the key`;
    }
    switch (issue.code) {
        case "unrecognized_keys": {
            const allowed = schemaAt(key, issue.path);
            const names = allowed ? currentKeys(allowed) : [];
            return `${path} has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => show(k)).join(", ")}; allowed: ${names.length ? names.join(", ") : "see docs/configuration.md"}${didYouMean(issue.keys, names)}`;
        }
        case "invalid_type":
            if (issue.expected === "string" && isYamlScalar(value)) {
                return `${path} ${show(value)} is a ${typeof value}, not text; quote it in the stack file`;
            }
            return `${path} ${show(value)} is ${value === undefined ? "required" : `not ${article(issue.expected)}`}`;
        case "invalid_value":
            if (isYamlScalar(value) && issue.values.includes(String(value))) {
                return `${path} ${show(value)} is a ${typeof value}, not text; quote it in the stack file ("${String(value)}")`;
            }
            return `${path} ${show(value)} ${value === undefined ? "is required" : "is not allowed"}; allowed: ${issue.values.map((v) => String(v)).join(" | ")}`;
        case "too_small":
            // A schema's own "is ..." message says more (the allowed range, why) than the bound.
            return Array.isArray(value)
                ? `${path} needs at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`
                : `${path} ${show(value)} ${issue.message.startsWith("is ") ? issue.message : `is below the minimum ${issue.minimum}`}`;
        case "too_big":
            return Array.isArray(value)
                ? `${path} has ${value.length} entries; at most ${issue.maximum} allowed`
                : typeof value === "string"
                  ? `${path} ${show(value)} ${issue.message.startsWith("is ") ? issue.message : `is longer than ${issue.maximum} chars`}`
                  : `${path} ${show(value)} ${issue.message.startsWith("is ") ? issue.message : `is above the maximum ${issue.maximum}`}`;
        case "custom":
            // A list's size (schema.ts listOf): its message counts the entries itself.
            return issue.params?.listLimit !== undefined
                ? `${path} ${issue.message}`
                : `${path} ${show(value)} ${issue.message}`;
        case "invalid_key":
            // The path ends with the bad key itself: name the map, then the key.
            return `${keyPath(key, issue.path.slice(0, -1))} key ${show(issue.path.at(-1))} ${issue.issues.map((i) => i.message).join("; ")}`;
        default:
            return `${path} ${show(value)} ${issue.message}`;
    }
}

function isYamlScalar(value: unknown): value is number | boolean {
    return typeof value === "number" || typeof value === "boolean";
}

function article(expected: string): string {
    const words: Record<string, string> = {
        string: "a string",
        number: "a number",
        int: "a whole number",
        boolean: "a boolean (true or false)",
        array: "a list",
        object: "a map",
        record: "a map",
    };
    return Object.hasOwn(words, expected) ? words[expected] : expected;
}

/** An `aks-entra:<key>` that is not a key of this project, with the fix when one is likely. */
export function unknownKeyProblem(key: string): string {
    const base = `${NAMESPACE}:${escapeInvisible(key)} is not a known key; allowed: ${CONFIG_KEYS.join(", ")}`;
    const [top, ...rest] = key.split(".");
    if (rest.length > 0 && (CONFIG_KEYS as string[]).includes(top)) {
        // `pulumi config set aks-entra:cluster.tier Free` without --path makes a key with a dot.
        return `${base}; ${rest.join(".")} belongs inside ${NAMESPACE}:${top}: nest it in the stack file, or set it with pulumi config set --path '${NAMESPACE}:${key}' <value>`;
    }
    return base + didYouMean([key], CONFIG_KEYS);
}

/** `; did you mean "clusterAccess"?` for a near miss (case, or at most two edits). */
function didYouMean(given: readonly string[], allowed: readonly string[]): string {
    const hints = given.flatMap((g) => {
        const near = closest(g, allowed);
        return near === undefined ? [] : [`"${near}"`];
    });
    return hints.length ? `; did you mean ${hints.join(", ")}?` : "";
}
