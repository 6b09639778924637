// Microsoft's ARM JSON schemas (../shared/armschemas, README there) as the tests use them: the
// request body azure-native sends for a registration's inputs, and what ARM would refuse of it
// under the schema of the API version azure-native 3.28 uses for its type.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT, TYPES } from "./helpers";

/** Where the schemas sit: beside the checkout, as CI lays them. */
export const ARM_SCHEMAS = path.join(ROOT, "..", "shared", "armschemas");

/**
 * Each type's schema: the file of its API version (azure-native 3.28's, named in each class's
 * doc comment), the resource definition, the input that names it and the inputs that are only in
 * the request's path (resource group, the resource an extension resource sits on).
 */
const ARM_TYPES: Readonly<
    Record<
        string,
        {
            file: string;
            definition: string;
            type: string;
            apiVersion: string;
            name: string;
            path?: string[];
            openEnums?: RegExp;
        }
    >
> = {
    [TYPES.dataCollectionRule]: {
        file: "2022-06-01/Microsoft.Insights.json",
        definition: "dataCollectionRules",
        type: "Microsoft.Insights/dataCollectionRules",
        apiVersion: "2022-06-01",
        name: "dataCollectionRuleName",
        // The streams of a data flow and of an extension data source are extensible enums in the
        // REST spec (KnownDataFlowStreams, KnownExtensionDataSourceStreams: `... | string`, as
        // Azure/bicep-types-az generated/monitor/microsoft.insights/2022-06-01/types.md shows);
        // the JSON schema closes them, but ARM takes any stream (Microsoft-ContainerLogV2, the
        // Container Insights streams of Microsoft's own onboarding templates).
        openEnums: /\.(dataFlows|dataSources\.extensions)\[\d+\]\.streams\[\d+\]$/,
    },
    [TYPES.dataCollectionEndpoint]: {
        file: "2022-06-01/Microsoft.Insights.json",
        definition: "dataCollectionEndpoints",
        type: "Microsoft.Insights/dataCollectionEndpoints",
        apiVersion: "2022-06-01",
        name: "dataCollectionEndpointName",
    },
    [TYPES.dataCollectionRuleAssociation]: {
        file: "2022-06-01/Microsoft.Insights.json",
        definition: "dataCollectionRuleAssociations",
        type: "Microsoft.Insights/dataCollectionRuleAssociations",
        apiVersion: "2022-06-01",
        name: "associationName",
        path: ["resourceUri"],
    },
    [TYPES.azureMonitorWorkspace]: {
        file: "2023-04-03/Microsoft.Monitor.Accounts.json",
        definition: "accounts",
        type: "Microsoft.Monitor/accounts",
        apiVersion: "2023-04-03",
        name: "azureMonitorWorkspaceName",
    },
    [TYPES.prometheusRuleGroup]: {
        file: "2023-03-01/Microsoft.AlertsManagement.PrometheusRuleGroups.json",
        definition: "prometheusRuleGroups",
        type: "Microsoft.AlertsManagement/prometheusRuleGroups",
        apiVersion: "2023-03-01",
        name: "ruleGroupName",
    },
    [TYPES.diagnosticSetting]: {
        file: "2021-05-01-preview/Microsoft.Insights.json",
        definition: "diagnosticSettings",
        type: "Microsoft.Insights/diagnosticSettings",
        apiVersion: "2021-05-01-preview",
        name: "name",
        path: ["resourceUri"],
    },
};

/** The resource's top-level fields in an ARM body; everything else goes under `properties`. */
const TOP_LEVEL = ["location", "tags", "sku", "identity", "kind"];

/** The ARM body of a registration of a type ARM_TYPES knows. */
export function armBody(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const t = ARM_TYPES[type];
    if (t === undefined) throw new Error(`no ARM schema mapping for ${type}`);
    const properties: Record<string, unknown> = {};
    const top: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) {
        if (k === "resourceGroupName" || k === t.name || t.path?.includes(k)) continue;
        if (TOP_LEVEL.includes(k)) top[k] = v;
        else properties[k] = v;
    }
    return { name: inputs[t.name], type: t.type, apiVersion: t.apiVersion, ...top, properties };
}

/** The ARM types this module maps. */
export const ARM_BODY_TYPES: readonly string[] = Object.keys(ARM_TYPES);

/**
 * What ARM would refuse of a registration's body, or undefined when the schemas are not beside
 * the checkout (the caller skips, saying so).
 */
export function armProblemsOf(type: string, inputs: Record<string, unknown>): string[] | undefined {
    const t = ARM_TYPES[type];
    const file = path.join(ARM_SCHEMAS, t.file);
    if (!existsSync(file)) return undefined;
    const schema = JSON.parse(readFileSync(file, "utf8")) as {
        definitions: Record<string, Schema>;
        resourceDefinitions?: Record<string, Schema>;
        extension_resourceDefinitions?: Record<string, Schema>;
    };
    const def =
        schema.resourceDefinitions?.[t.definition] ??
        schema.extension_resourceDefinitions?.[t.definition];
    if (def === undefined) throw new Error(`${t.file} has no ${t.definition}`);
    return schemaProblems(armBody(type, inputs), def, schema.definitions, "", t.openEnums);
}

/**
 * The ARM request body azure-native sends for a ManagedCluster's inputs (/work/shared/armschemas
 * README): the resource's top-level fields, everything else under `properties`; the path's
 * resource group and name are not in the body, and the control plane's identity list is ARM's map
 * of resource id to `{}`.
 */
export function armManagedCluster(inputs: Record<string, unknown>): Record<string, unknown> {
    const { resourceGroupName, resourceName, location, tags, sku, identity, ...properties } =
        inputs;
    void resourceGroupName;
    const ids = (identity as { userAssignedIdentities?: string[] } | undefined)
        ?.userAssignedIdentities;
    return {
        name: resourceName,
        type: "Microsoft.ContainerService/managedClusters",
        apiVersion: "2025-09-01",
        location,
        tags,
        sku,
        identity: identity && {
            ...identity,
            userAssignedIdentities: ids && Object.fromEntries(ids.map((id) => [id, {}])),
        },
        properties,
    };
}

// A JSON schema node of Microsoft's ARM schemas, as far as these bodies use it.
export interface Schema {
    $ref?: string;
    type?: string;
    enum?: unknown[];
    oneOf?: Schema[];
    properties?: Record<string, Schema>;
    additionalProperties?: Schema | boolean;
    items?: Schema;
    required?: string[];
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
