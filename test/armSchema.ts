// Microsoft's ARM JSON schemas (../shared/armschemas, see its README) as the tests read them: the
// request body azure-native sends for a resource's inputs, and what ARM would refuse in it.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { AUTOSCALER_SETTINGS } from "../components/autoscalerProfile";
import { ROOT } from "./helpers";

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

export interface ArmSchemaFile {
    file: string;
    definitions: Record<string, Schema>;
    resourceDefinitions: Record<string, Schema>;
}

/**
 * The schema file `<apiVersion>/<name>` of ../shared/armschemas beside the checkout (as CI lays
 * it), or undefined when it is not there: a clone elsewhere skips, saying so.
 */
export function armSchemaFile(apiVersion: string, name: string): ArmSchemaFile | undefined {
    const file = path.join(ROOT, "..", "shared", "armschemas", apiVersion, name);
    if (!existsSync(file)) return undefined;
    const schema = JSON.parse(readFileSync(file, "utf8")) as Omit<ArmSchemaFile, "file">;
    return { file, ...schema };
}

/** What ARM would refuse in `body`, a request body of the file's `resource` type. */
export function bodyProblems(schema: ArmSchemaFile, resource: string, body: unknown): string[] {
    return schemaProblems(body, schema.resourceDefinitions[resource], schema.definitions);
}

/**
 * The ARM request body azure-native sends for a ManagedCluster's inputs (/work/shared/armschemas
 * README): the resource's top-level fields, everything else under `properties`; the path's
 * resource group and name are not in the body, and the control plane's identity list is ARM's map
 * of resource id to `{}`, and the autoscaler profile's settings are under ARM's names.
 */
export function armManagedCluster(inputs: Record<string, unknown>): Record<string, unknown> {
    const { resourceGroupName, resourceName, location, tags, sku, identity, ...properties } =
        inputs;
    // azure-native takes the autoscaler's settings by camelCase input names and sends ARM's.
    const profile = properties.autoScalerProfile as Record<string, unknown> | undefined;
    if (profile !== undefined) {
        const arm = new Map(Object.entries(AUTOSCALER_SETTINGS).map(([az, s]) => [s.arg, az]));
        properties.autoScalerProfile = Object.fromEntries(
            Object.entries(profile).map(([k, v]) => [arm.get(k) ?? k, v]),
        );
    }
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

/**
 * The body of a policy assignment: its scope is the request path, `location` and `identity` are
 * top-level, the rest under `properties`.
 */
export function armPolicyAssignment(inputs: Record<string, unknown>): Record<string, unknown> {
    const { scope, policyAssignmentName, location, identity, ...properties } = inputs;
    void scope;
    return {
        name: policyAssignmentName,
        type: "Microsoft.Authorization/policyAssignments",
        apiVersion: "2025-01-01",
        location,
        identity,
        properties,
    };
}

/** The body of an AgentPool: the cluster and pool names are the request path, the rest properties. */
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
