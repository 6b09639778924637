// Validates ARM request bodies against Microsoft's ARM JSON schemas (/work/shared/armschemas): what
// ARM would refuse, unknown properties included. Shared by the suites that check bodies.
import type { Registration } from "../offline/harness";
import { type ArmResource, armTemplate, TEMPLATE_FIELDS } from "../plan/arm";
import type { Schema } from "../plan/armSchemas";

/**
 * The request body the ARM export (plan/arm.ts) gives one registration: its template resource
 * without the template's own fields (scope, dependsOn, comments).
 */
export function armBody(reg: Registration): Record<string, unknown> {
    return requestBody(armTemplate([reg], { stack: "test", project: "aks-entra" }).resources[0]);
}

/** The body ARM receives for a template resource: without the template's own fields. */
export function requestBody(resource: ArmResource): Record<string, unknown> {
    const out: Record<string, unknown> = { ...resource };
    for (const k of TEMPLATE_FIELDS) delete out[k];
    return out;
}

/**
 * What ARM would refuse in `value` under `schema`: unknown properties (ARM rejects what the API
 * version does not know, /work/shared/armschemas/README), wrong types, values outside an enum.
 * ARM template expressions (the common `expression` branch) are never sent and are skipped.
 */
export function schemaProblems(
    value: unknown,
    schema: Schema,
    defs: Record<string, Schema>,
    at = "",
): string[] {
    if (value === undefined) return [];
    if (schema.$ref !== undefined) {
        const local = /^#\/definitions\/(.+)$/.exec(schema.$ref);
        if (!local) return [`${at}: unresolvable ${schema.$ref}`];
        return schemaProblems(value, defs[local[1]], defs, at);
    }
    if (schema.oneOf !== undefined) {
        const branches = schema.oneOf.filter((b) => !b.$ref?.includes("common/definitions.json"));
        const answers = branches.map((b) => schemaProblems(value, b, defs, at));
        return answers.find((a) => a.length === 0) ?? answers[0] ?? [];
    }
    const label = at || "(body)";
    switch (schema.type) {
        case "integer":
            return Number.isInteger(value) ? [] : [`${label}: not an integer`];
        case "number":
            return typeof value === "number" ? [] : [`${label}: not a number`];
        case "boolean":
        case "string":
            if (typeof value !== schema.type) return [`${label}: not a ${schema.type}`];
            if (schema.enum && !schema.enum.includes(value)) return [`${label}: not in the enum`];
            return [];
        case "array":
            if (!Array.isArray(value)) return [`${label}: not an array`];
            return value.flatMap((v, i) =>
                schemaProblems(v, schema.items ?? {}, defs, `${at}[${i}]`),
            );
        case "object":
        case undefined: {
            if (value === null || typeof value !== "object") return [`${label}: not an object`];
            const out: string[] = [];
            for (const [k, v] of Object.entries(value)) {
                if (v === undefined) continue;
                const where = at ? `${at}.${k}` : k;
                const prop = schema.properties?.[k];
                if (prop) out.push(...schemaProblems(v, prop, defs, where));
                else if (typeof schema.additionalProperties === "object")
                    out.push(...schemaProblems(v, schema.additionalProperties, defs, where));
                else out.push(`${where}: not in the schema`);
            }
            for (const k of schema.required ?? []) {
                if ((value as Record<string, unknown>)[k] === undefined)
                    out.push(`${at}.${k}: required`);
            }
            return out;
        }
        default:
            return [];
    }
}
