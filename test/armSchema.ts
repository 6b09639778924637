// Validates ARM request bodies against Microsoft's ARM JSON schemas (../shared/armschemas, README
// there): what ARM would refuse, unknown properties included. The body of a registration is the one
// the ARM export gives it (plan/arm.ts), so the tests check what the export and azure-native send.
// Shared by the suites that check bodies.
import type { Registration } from "../offline/harness";
import { type ArmResource, armTemplate, TEMPLATE_FIELDS } from "../plan/arm";
import { ArmSchemas, type Schema } from "../plan/armSchemas";

/**
 * Enums the JSON schemas close but the REST spec leaves open (`... | string`), by ARM type: the
 * paths where ARM takes any value. Data collection rules: the streams of a data flow and of an
 * extension data source are extensible (KnownDataFlowStreams, KnownExtensionDataSourceStreams in
 * Azure/bicep-types-az generated/monitor/microsoft.insights/2022-06-01/types.md); Microsoft's own
 * Container Insights templates send Microsoft-ContainerLogV2 and the other Container Insights
 * streams, which the schema's enum does not list.
 */
export const OPEN_ENUMS: Readonly<Record<string, RegExp>> = {
    "Microsoft.Insights/dataCollectionRules":
        /\.(dataFlows|dataSources\.extensions)\[\d+\]\.streams\[\d+\]$/,
};

/** Microsoft's schemas beside the checkout (../shared/armschemas), read on demand. */
export const schemas = new ArmSchemas();

/**
 * The request body the ARM export (plan/arm.ts) gives one registration: its template resource
 * without the template's own fields (scope, dependsOn, comments).
 */
export function armBody(reg: Registration): Record<string, unknown> {
    return requestBody(armResource(reg));
}

function armResource(reg: Registration): ArmResource {
    return armTemplate([reg], { stack: "test", project: "aks-entra", schemas }).resources[0];
}

/** The body ARM receives for a template resource: without the template's own fields. */
export function requestBody(resource: ArmResource): Record<string, unknown> {
    const out: Record<string, unknown> = { ...resource };
    for (const k of TEMPLATE_FIELDS) delete out[k];
    return out;
}

/**
 * What ARM would refuse of a registration's body under the schema of the API version azure-native
 * uses for its type, or undefined when the schemas are not beside the checkout (the caller skips,
 * saying so).
 */
export function armProblemsOf(reg: Registration): string[] | undefined {
    if (!schemas.available) return undefined;
    const r = armResource(reg);
    const s = schemas.find(String(r.type), String(r.apiVersion));
    if (s === undefined) return [`no schema for ${String(r.type)} at ${String(r.apiVersion)}`];
    return schemaProblems(
        requestBody(r),
        s.definition,
        s.definitions,
        "",
        OPEN_ENUMS[String(r.type)],
    );
}

/**
 * What ARM would refuse in `value` under `schema`: unknown properties (ARM rejects what the API
 * version does not know, /work/shared/armschemas/README), wrong types, values outside an enum
 * (but where `openEnums` matches the path). ARM template expressions (the common `expression`
 * branch) are never sent and are skipped.
 */
export function schemaProblems(
    value: unknown,
    schema: Schema,
    defs: Record<string, Schema>,
    at = "",
    openEnums?: RegExp,
): string[] {
    if (value === undefined) return [];
    if (schema.$ref !== undefined) {
        const local = /^#\/definitions\/(.+)$/.exec(schema.$ref);
        if (!local) return [`${at}: unresolvable ${schema.$ref}`];
        return schemaProblems(value, defs[local[1]], defs, at, openEnums);
    }
    if (schema.oneOf !== undefined) {
        const branches = schema.oneOf.filter((b) => !b.$ref?.includes("common/definitions.json"));
        const answers = branches.map((b) => schemaProblems(value, b, defs, at, openEnums));
        return answers.find((a) => a.length === 0) ?? answers[0] ?? [];
    }
    // `{}`: any value (e.g. a policy parameter's value).
    if (Object.keys(schema).every((k) => k === "description")) return [];
    const label = at || "(body)";
    switch (schema.type) {
        case "integer":
            return Number.isInteger(value) ? [] : [`${label}: not an integer`];
        case "number":
            return typeof value === "number" ? [] : [`${label}: not a number`];
        case "boolean":
        case "string":
            if (typeof value !== schema.type) return [`${label}: not a ${schema.type}`];
            if (schema.enum && !schema.enum.includes(value) && !openEnums?.test(at)) {
                return [`${label}: not in the enum`];
            }
            return [];
        case "array":
            if (!Array.isArray(value)) return [`${label}: not an array`];
            return value.flatMap((v, i) =>
                schemaProblems(v, schema.items ?? {}, defs, `${at}[${i}]`, openEnums),
            );
        case "object":
        case undefined: {
            if (value === null || typeof value !== "object") return [`${label}: not an object`];
            // A free-form object (`{"type": "object"}` alone, e.g. an extension's settings, whose
            // format "is specific for particular extension"): any keys.
            if (schema.properties === undefined && schema.additionalProperties === undefined) {
                return [];
            }
            const out: string[] = [];
            for (const [k, v] of Object.entries(value)) {
                if (v === undefined) continue;
                const where = at ? `${at}.${k}` : k;
                const prop = schema.properties?.[k];
                if (prop) out.push(...schemaProblems(v, prop, defs, where, openEnums));
                else if (typeof schema.additionalProperties === "object")
                    out.push(
                        ...schemaProblems(v, schema.additionalProperties, defs, where, openEnums),
                    );
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
