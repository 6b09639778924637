// `npm run plan -- --arm template.json`: the stack as an ARM deployment template, for the rule
// suites platform teams already run on ARM (PSRule for Azure, Checkov, Trivy; docs/scanning.md).
// Generic over registrations: every azure-native resource the program registers is exported by its
// id (type, name, scope) and its SDK module (API version, which inputs are path parameters), with
// its body laid out as the provider sends it; nothing here names a resource type. Microsoft Graph,
// Kubernetes and time objects are not ARM: they are listed in the template's metadata.
// Pure module (reads the installed SDK and, when present, Microsoft's ARM schemas).
import type { Registration } from "../offline/harness";
import { ArmSchemas } from "./armSchemas";
import { sdkResource } from "./azureNativeSdk";
import { RegistrationIndex } from "./registrations";

export const DEPLOYMENT_TEMPLATE_SCHEMA =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/**
 * A resource's top-level body fields when no schema of its API version is at hand: ARM's common
 * resource envelope (Azure/azure-resource-manager-rpc, "Resource API reference"). With a schema,
 * the resource definition's own list is used (a Log Analytics workspace keeps `sku` under
 * `properties`).
 */
const ENVELOPE = [
    "location",
    "tags",
    "identity",
    "sku",
    "kind",
    "zones",
    "extendedLocation",
    "plan",
    "managedBy",
    "etag",
];
/** Fields of a template resource that are the template's, not the request body's. */
export const TEMPLATE_FIELDS = ["dependsOn", "scope", "comments", "condition", "copy"] as const;
/** Generated values that are not worth an expression: known before the deployment. */
const KNOWN_BEFORE = new Set(["id", "name", "type", "location", "tenantId", "azureApiVersion"]);

/** A resource id taken apart: `{scope}/providers/{namespace}/{types[0]}/{names[0]}/...`. */
export interface ArmId {
    id: string;
    scope: string;
    type: string;
    names: string[];
}

/** The parts of an ARM resource id; undefined for a subscription or something else. */
export function parseArmId(id: string): ArmId | undefined {
    const cut = id.toLowerCase().lastIndexOf("/providers/");
    if (cut < 0) {
        const rg = /^(\/subscriptions\/[^/]+)\/resourceGroups\/([^/]+)$/i.exec(id);
        return rg
            ? { id, scope: rg[1], type: "Microsoft.Resources/resourceGroups", names: [rg[2]] }
            : undefined;
    }
    const segments = id.slice(cut + "/providers/".length).split("/");
    if (segments.length < 3 || segments.length % 2 === 0) return undefined;
    const types = segments.filter((_, i) => i > 0 && i % 2 === 1);
    const names = segments.filter((_, i) => i > 0 && i % 2 === 0);
    return { id, scope: id.slice(0, cut), type: [segments[0], ...types].join("/"), names };
}

/** An ARM string literal. */
function literal(s: string): string {
    return `'${s.replace(/'/g, "''")}'`;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A resource of the template: its body's fields, and the template's own (scope, dependsOn). */
export interface ArmResource {
    type: string;
    apiVersion: string;
    name: string;
    scope?: string;
    properties?: Record<string, Json>;
    dependsOn?: string[];
    /** The Pulumi type token and logical name it comes from. */
    comments: string;
    [field: string]: Json | undefined;
}

export interface ArmTemplate {
    $schema: string;
    contentVersion: string;
    metadata: Record<string, Json>;
    parameters: Record<string, Record<string, Json>>;
    resources: ArmResource[];
}

interface Exported {
    reg: Registration;
    arm: ArmId;
    apiVersion: string;
    /** The id as an ARM expression (without brackets). */
    idExpr: string;
}

/**
 * The ARM template of one evaluation. `schemas` places each input where its API version's schema
 * declares it; without one, the common envelope applies, and the metadata lists such types.
 */
export function armTemplate(
    registrations: readonly Registration[],
    options: { stack: string; project: string; schemas?: ArmSchemas },
): ArmTemplate {
    const index = new RegistrationIndex(registrations);
    const custom = registrations.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const group = custom.find(
        (r) => parseArmId(r.id)?.type === "Microsoft.Resources/resourceGroups",
    );
    const deploymentScope = (group?.id ?? "").toLowerCase();

    // Every azure-native resource, by its id; an id that is not an ARM id is a program error.
    const exported = new Map<string, Exported>();
    const byId = new Map<string, Exported>();
    for (const reg of custom.filter((r) => r.type.startsWith("azure-native:"))) {
        const arm = parseArmId(reg.id);
        if (!arm) throw new Error(`${reg.type} ${reg.name}: ${reg.id} is not an ARM resource id`);
        const e = { reg, arm, apiVersion: sdkResource(reg.type).apiVersion, idExpr: "" };
        exported.set(reg.urn, e);
        byId.set(reg.id.toLowerCase(), e);
    }
    const idExpr = (e: Exported): string => {
        if (e.idExpr) return e.idExpr;
        const tail = [literal(e.arm.type), ...e.arm.names.map(literal)].join(", ");
        const scope = e.arm.scope.toLowerCase();
        const inTemplate = byId.get(scope);
        e.idExpr =
            e.arm.type === "Microsoft.Resources/resourceGroups"
                ? `subscriptionResourceId(${tail})`
                : scope === deploymentScope
                  ? `resourceId(${tail})`
                  : `extensionResourceId(${inTemplate ? idExpr(inTemplate) : literal(e.arm.scope)}, ${tail})`;
        return e.idExpr;
    };

    // Values only known after the deployment: another resource's id, what Azure generates for it
    // (principal and client ids, the OIDC issuer), and the object ids Microsoft Graph assigns.
    const parameters: ArmTemplate["parameters"] = {};
    const paramName = (reg: Registration, what: string): string => {
        const base = `${reg.name}-${what}`
            .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())
            .replace(/^[^A-Za-z]+/, "");
        let name = base;
        for (let n = 2; parameters[name] !== undefined; n++) name = `${base}${n}`;
        return name;
    };
    const later = new Map<string, { expr: string; from: string }>();
    for (const e of exported.values()) {
        later.set(e.reg.id.toLowerCase(), { expr: idExpr(e), from: e.reg.urn });
        const given = new Set(leaves(e.reg.inputs).map(([, v]) => v));
        for (const [p, v] of leaves(e.reg.state)) {
            if (KNOWN_BEFORE.has(p[0]) || given.has(v) || !generated(v)) continue;
            const key = v.toLowerCase();
            if (later.has(key)) continue;
            const full = ENVELOPE.includes(p[0]) ? ", 'Full'" : "";
            const ref = `reference(${idExpr(e)}, ${literal(e.apiVersion)}${full})`;
            const at = p.map((s) => (s.startsWith("[") ? s : `.${s}`)).join("");
            later.set(key, { expr: `${ref}${at}`, from: e.reg.urn });
        }
    }
    const graph = custom.filter((r) => r.type.startsWith("azuread:"));
    const graphIds = new Map<string, Registration>();
    for (const r of graph) {
        for (const v of [r.id, r.state.objectId]) {
            if (typeof v === "string" && generated(v)) graphIds.set(v.toLowerCase(), r);
        }
    }
    const substitute = (value: unknown, self: string): Json => {
        if (typeof value === "string") {
            const key = value.toLowerCase();
            const hit = later.get(key);
            if (hit && hit.from !== self) return `[${hit.expr}]`;
            const g = graphIds.get(key);
            if (g) {
                const name = paramName(g, "objectId");
                const existing = Object.entries(parameters).find(
                    ([, p]) => p.defaultValue === value,
                );
                if (existing) return `[parameters(${literal(existing[0])})]`;
                parameters[name] = {
                    type: "string",
                    defaultValue: value,
                    metadata: {
                        description: `Object id Microsoft Graph assigns to ${g.type} ${g.name} (created by the stack; the default is the offline plan's value)`,
                    },
                };
                return `[parameters(${literal(name)})]`;
            }
            return value;
        }
        if (Array.isArray(value)) return value.map((v) => substitute(v, self));
        if (value !== null && typeof value === "object") {
            const out: Record<string, Json> = {};
            for (const [k, v] of Object.entries(value)) {
                if (v === undefined) continue;
                const hit = later.get(k.toLowerCase());
                out[hit && hit.from !== self ? `[${hit.expr}]` : k] = substitute(v, self);
            }
            return out;
        }
        return (value ?? null) as Json;
    };

    const schemas = options.schemas;
    const byConvention = new Set<string>();
    const resources: ArmResource[] = [];
    for (const e of exported.values()) {
        const { reg, arm } = e;
        const sdk = sdkResource(reg.type);
        const schema = schemas?.find(arm.type, e.apiVersion);
        if (!schema) byConvention.add(`${arm.type}@${e.apiVersion}`);
        const top = schema
            ? Object.keys(schema.definition.properties ?? {}).filter(
                  (k) => !["name", "type", "apiVersion", "properties", "resources"].includes(k),
              )
            : ENVELOPE;
        const envelope: Record<string, Json> = {};
        const properties: Record<string, Json> = {};
        for (const [k, v] of Object.entries(reg.inputs)) {
            if (v === undefined || isPathParameter(k, v, sdk.outputs, reg.id)) continue;
            let value: Json;
            if (reg.secretInputs.includes(k)) {
                const name = paramName(reg, k);
                parameters[name] = {
                    type: typeof v === "object" && v !== null ? "secureObject" : "securestring",
                    metadata: { description: `${reg.type} ${reg.name}: ${k} (secret)` },
                };
                value = `[parameters(${literal(name)})]`;
            } else {
                value = substitute(v, reg.urn);
            }
            if (top.includes(k)) envelope[k] = value;
            else properties[k] = value;
        }
        // The provider sends a list of user-assigned identities as ARM's map of id to {}
        // (provider/pkg/convert: string sets).
        const identity = envelope.identity;
        if (isObject(identity) && Array.isArray(identity.userAssignedIdentities)) {
            identity.userAssignedIdentities = Object.fromEntries(
                identity.userAssignedIdentities.map((id) => [
                    typeof id === "string" ? id : JSON.stringify(id),
                    {},
                ]),
            );
        }
        const scope = arm.scope.toLowerCase();
        const scopeRes = byId.get(scope);
        const extension =
            arm.type !== "Microsoft.Resources/resourceGroups" && scope !== deploymentScope;
        const dependsOn = armDependencies(reg, index, exported).map((d) => `[${idExpr(d)}]`);
        const withProperties =
            Object.keys(properties).length > 0 ||
            schema?.definition.required?.includes("properties") === true;
        resources.push({
            type: arm.type,
            apiVersion: e.apiVersion,
            name: arm.names.join("/"),
            ...(extension && {
                scope:
                    scopeRes && scopeRes.arm.scope.toLowerCase() === deploymentScope
                        ? relativeName(scopeRes.arm)
                        : arm.scope,
            }),
            ...envelope,
            ...(withProperties && { properties }),
            ...(dependsOn.length > 0 && { dependsOn }),
            comments: `${reg.type} ${reg.name}`,
        });
    }

    const notArm = custom
        .filter((r) => !exported.has(r.urn))
        .map((r) => ({ kind: kindOf(r.type), type: r.type, name: r.name }));
    return {
        $schema: DEPLOYMENT_TEMPLATE_SCHEMA,
        contentVersion: "1.0.0.0",
        metadata: {
            generator: "aks-entra npm run plan -- --arm (offline, no Azure calls)",
            project: options.project,
            stack: options.stack,
            deploymentScope: group?.id ?? "",
            placeholders:
                "Values Azure or Microsoft Graph assign at deployment are ARM expressions: another resource's id is resourceId(...), a generated principal, client id or issuer is reference(...), a Graph object id is a parameter whose default is the offline plan's value; secret inputs are securestring parameters without a default. Subscription and tenant ids are the offline plan's (docs/scanning.md).",
            placedByConvention: [...byConvention].sort(),
            notArm,
        },
        parameters,
        resources,
    };
}

/** Pulumi's rule: an input never read back is a URL path parameter; so is the scope or name. */
function isPathParameter(key: string, value: unknown, outputs: ReadonlySet<string>, id: string) {
    if (!outputs.has(key) || key === "name") return true;
    return (
        typeof value === "string" &&
        id.toLowerCase().startsWith(`${value.toLowerCase()}/providers/`)
    );
}

/** `Microsoft.X/type/name[/child/name]`: the scope form ARM accepts for a resource of the template. */
function relativeName(arm: ArmId): string {
    const [namespace, ...types] = arm.type.split("/");
    return [namespace, ...types.flatMap((t, i) => [t, arm.names[i]])].join("/");
}

/**
 * The exported resources `reg` waits for: its dependencies and provider, and through what is not
 * ARM (a wait, a Graph group, a component), whatever that waits for.
 */
export function armDependencies(
    reg: Registration,
    index: RegistrationIndex,
    exported: ReadonlyMap<string, Exported>,
): Exported[] {
    const found = new Map<string, Exported>();
    const seen = new Set<string>([reg.urn]);
    const queue = [...reg.dependencies, RegistrationIndex.providerUrn(reg.provider)];
    while (queue.length > 0) {
        const urn = queue.shift()!;
        if (!urn || seen.has(urn)) continue;
        seen.add(urn);
        const hit = exported.get(urn);
        if (hit) {
            found.set(urn, hit);
            continue;
        }
        const through = index.byUrn.get(urn);
        if (through)
            queue.push(...through.dependencies, RegistrationIndex.providerUrn(through.provider));
    }
    const order = [...index.registrations.map((r) => r.urn)];
    return [...found.values()].sort((a, b) => order.indexOf(a.reg.urn) - order.indexOf(b.reg.urn));
}

function kindOf(type: string): string {
    if (type.startsWith("azuread:")) return "Microsoft Graph";
    if (type.startsWith("kubernetes:")) return "Kubernetes";
    if (type.startsWith("time:")) return "wait (Pulumi time provider, no cloud object)";
    return type.split(":")[0];
}

function isObject(v: unknown): v is Record<string, Json> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Every string leaf of a value with its path. */
function leaves(value: unknown, path: string[] = []): [string[], string][] {
    if (typeof value === "string") return [[path, value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, `[${i}]`]));
    if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
    return [];
}

/** A value Azure or Graph generates: a GUID, or a URL (an OIDC issuer). */
function generated(v: string): boolean {
    return (
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ||
        /^https:\/\//.test(v)
    );
}
