// What no single key's schema states: text with characters nobody sees, and map keys that are names
// every JavaScript object already has. Both are looked for in every value and every key of the
// configuration, at any depth, before the schemas run. Pure module.
import { z } from "zod";
import { describeInvisible, INVISIBLE } from "./invisible";
import { keyPath, show } from "./messages";
import { type ConfigKey, KEY_SCHEMAS } from "./schema";

/** A problem at `path`: the value there, or the map key that ends the path. */
export interface Finding {
    path: PropertyKey[];
    problem: string;
}

/** Every name an object inherits (toString, constructor, __proto__, ...), and `prototype`. */
const OBJECT_MEMBERS: ReadonlySet<string> = new Set([
    ...Object.getOwnPropertyNames(Object.prototype),
    "prototype",
]);

/**
 * Maps whose keys never reach a Pulumi resource: `aks-entra:groups` aliases are looked up through a
 * Map (references.ts), so `toString` or `constructor` is only a name there. Every other map
 * (tags, pool labels) is handed to the Pulumi SDK, whose serializer calls a `toString` key.
 */
const NAMES_ONLY: ReadonlySet<z.ZodType> = new Set([KEY_SCHEMAS.groups]);

/** The findings in `value`, the raw value of `aks-entra:<key>`. */
export function hostileInput(key: ConfigKey, value: unknown): Finding[] {
    const out: Finding[] = [];
    walk(key, KEY_SCHEMAS[key], value, [], out);
    return out;
}

/** Looks at `value` (at `path` of `aks-entra:<key>`, shaped by `schema` when known). */
function walk(
    key: ConfigKey,
    schema: z.ZodType | undefined,
    value: unknown,
    path: PropertyKey[],
    out: Finding[],
) {
    const s = unwrap(schema);
    if (typeof value === "string") {
        if (INVISIBLE.test(value)) {
            out.push({
                path,
                problem: `${keyPath(key, path)} ${show(value)} ${describeInvisible(value)}`,
            });
        }
        return;
    }
    if (Array.isArray(value)) {
        const entry = s instanceof z.ZodArray ? (s.element as z.ZodType) : undefined;
        value.forEach((v, i) => walk(key, entry, v, [...path, i], out));
        return;
    }
    if (value === null || typeof value !== "object") return;
    for (const name of Object.keys(value)) {
        const at = [...path, name];
        const report = (why: string) =>
            out.push({ path: at, problem: `${keyPath(key, path)} key ${show(name)} ${why}` });
        if (INVISIBLE.test(name)) {
            report(describeInvisible(name));
            continue;
        }
        let child: z.ZodType | undefined;
        if (s instanceof z.ZodRecord) {
            if (name === "__proto__") {
                report(PROTO);
                continue;
            }
            if (OBJECT_MEMBERS.has(name) && !NAMES_ONLY.has(s)) {
                report(MEMBER);
                continue;
            }
            child = s.valueType as z.ZodType;
        } else if (s instanceof z.ZodObject && Object.hasOwn(s.shape, name)) {
            child = (s.shape as Record<string, z.ZodType>)[name];
        }
        walk(key, child, (value as Record<string, unknown>)[name], at, out);
    }
}

const PROTO =
    "is the name of a JavaScript object's prototype link: a map given it loses the entry without a word; choose another name";
const MEMBER =
    "is the name of a member every JavaScript object has (Object.prototype: toString, constructor, valueOf, ...), which the Pulumi SDK does not carry safely as a map key (toString breaks its serializer); choose another name";

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
    let cur = schema;
    while (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) {
        cur = cur.unwrap() as z.ZodType;
    }
    return cur;
}

/**
 * The schema's issues less those a finding already names: issues at or under a finding's path,
 * and unknown keys that a finding reported.
 */
export function withoutFindings(
    issues: readonly z.core.$ZodIssue[],
    findings: readonly Finding[],
): z.core.$ZodIssue[] {
    const under = (path: readonly PropertyKey[]) =>
        findings.some((f) => f.path.length <= path.length && f.path.every((p, i) => p === path[i]));
    return issues.flatMap((issue): z.core.$ZodIssue[] => {
        if (under(issue.path)) return [];
        if (issue.code !== "unrecognized_keys") return [issue];
        const keys = issue.keys.filter((k) => !under([...issue.path, k]));
        return keys.length === 0 ? [] : [{ ...issue, keys }];
    });
}

/** Findings as issues that draftOf removes from a key's draft. */
export function asIssues(findings: readonly Finding[]): z.core.$ZodIssue[] {
    return findings.map((f): z.core.$ZodIssue => ({
        code: "custom",
        path: f.path,
        message: f.problem,
        input: undefined,
    }));
}
