// Microsoft's ARM JSON schemas (Azure/azure-resource-manager-schemas, laid out as
// `<apiVersion>/<Provider>.json`), read from a directory beside the checkout: which fields of a
// resource type's request body sit at its top level, for the ARM export (plan/arm.ts), and the
// definition the tests validate each exported resource against. Never copied into the project.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** A JSON schema node of Microsoft's ARM schemas, as far as request bodies use it. */
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

/** One resource type's definition in one API version, with the definitions it refers to. */
export interface ResourceSchema {
    file: string;
    definition: Schema;
    definitions: Record<string, Schema>;
}

/** Where CI and this workplace lay the schemas: ../shared/armschemas beside the checkout. */
export const DEFAULT_SCHEMAS = path.resolve(__dirname, "..", "..", "shared", "armschemas");

/** The sections of a schema file that define resources, one per deployment scope. */
const SECTIONS = [
    "resourceDefinitions",
    "extension_resourceDefinitions",
    "subscription_resourceDefinitions",
    "managementGroup_resourceDefinitions",
    "tenant_resourceDefinitions",
] as const;

/** Reads the schemas of a directory on demand; one file is parsed once. */
export class ArmSchemas {
    private readonly files = new Map<string, Record<string, unknown>>();

    constructor(readonly dir: string = DEFAULT_SCHEMAS) {}

    get available(): boolean {
        return existsSync(this.dir);
    }

    /** The definition of `type` (e.g. Microsoft.ContainerService/managedClusters) at `apiVersion`. */
    find(type: string, apiVersion: string): ResourceSchema | undefined {
        const versionDir = path.join(this.dir, apiVersion);
        if (!existsSync(versionDir)) return undefined;
        const namespace = type.split("/")[0].toLowerCase();
        const files = readdirSync(versionDir)
            .filter((f) => f.toLowerCase().startsWith(`${namespace}.`) && f.endsWith(".json"))
            .sort();
        for (const f of files) {
            const file = path.join(versionDir, f);
            const doc = this.read(file);
            for (const section of SECTIONS) {
                const defs = (doc[section] ?? {}) as Record<string, Schema>;
                for (const definition of Object.values(defs)) {
                    const types = definition.properties?.type?.enum ?? [];
                    if (types.some((t) => String(t).toLowerCase() === type.toLowerCase())) {
                        return {
                            file,
                            definition,
                            definitions: (doc.definitions ?? {}) as Record<string, Schema>,
                        };
                    }
                }
            }
        }
        for (const f of files) {
            const found = propertiesOnly(
                path.join(versionDir, f),
                this.read(path.join(versionDir, f)),
                type,
            );
            if (found) return found;
        }
        return undefined;
    }

    private read(file: string): Record<string, unknown> {
        let doc = this.files.get(file);
        if (!doc) {
            doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
            this.files.set(file, doc);
        }
        return doc;
    }
}

/**
 * Some published files define only the bodies' parts, no resource (Microsoft.KubernetesConfiguration
 * 2023-05-01: `ExtensionProperties`, `FluxConfigurationProperties`, `Identity`, `Plan`). The
 * resource is then ARM's envelope around `<Type>Properties` (extensions -> ExtensionProperties),
 * with the envelope fields the file defines (`identity` from `Identity`, ...).
 */
function propertiesOnly(
    file: string,
    doc: Record<string, unknown>,
    type: string,
): ResourceSchema | undefined {
    const definitions = (doc.definitions ?? {}) as Record<string, Schema>;
    const last = type.split("/").pop() ?? "";
    const singular = last.endsWith("s") ? last.slice(0, -1) : last;
    const name = `${singular[0]?.toUpperCase() ?? ""}${singular.slice(1)}Properties`;
    if (definitions[name] === undefined) return undefined;
    const properties: Record<string, Schema> = {
        apiVersion: { type: "string" },
        name: { type: "string" },
        type: { type: "string", enum: [type] },
        properties: { $ref: `#/definitions/${name}` },
    };
    for (const field of ["identity", "plan", "sku"]) {
        const def = `${field[0].toUpperCase()}${field.slice(1)}`;
        if (definitions[def] !== undefined) properties[field] = { $ref: `#/definitions/${def}` };
    }
    return {
        file,
        definition: { type: "object", properties, required: ["name", "type", "apiVersion"] },
        definitions,
    };
}
