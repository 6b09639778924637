// Microsoft's ARM schema for AKS (../shared/armschemas, README there) and the request bodies
// azure-native sends, for tests that check every ManagedCluster and AgentPool body the stack
// registers against it, unknown properties refused.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "./helpers";

/** The schema of the API version @pulumi/azure-native uses for containerservice. */
export const AKS_SCHEMA_FILE = path.join(
    ROOT,
    "..",
    "shared",
    "armschemas",
    "2025-09-01",
    "Microsoft.ContainerService.Aks.json",
);

export interface AksSchema {
    definitions: Record<string, Schema>;
    resourceDefinitions: Record<string, Schema>;
}

/**
 * The schema, or undefined when ../shared is not beside the checkout (CI lays it there; a clone
 * elsewhere skips, saying so, as the built-ins' provenance check does).
 */
export function aksSchema(): AksSchema | undefined {
    if (!existsSync(AKS_SCHEMA_FILE)) return undefined;
    return JSON.parse(readFileSync(AKS_SCHEMA_FILE, "utf8")) as AksSchema;
}

/**
 * The ARM request body azure-native sends for an AgentPool's inputs: the path's resource group,
 * cluster and pool names are not in the body; everything else is under `properties`.
 */
export function armAgentPool(inputs: Record<string, unknown>): Record<string, unknown> {
    const { resourceGroupName, resourceName, agentPoolName, ...properties } = inputs;
    void resourceGroupName;
    void resourceName;
    return {
        name: agentPoolName,
        type: "Microsoft.ContainerService/managedClusters/agentPools",
        apiVersion: "2025-09-01",
        properties,
    };
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
