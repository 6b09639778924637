// The names a request body carries on the wire. azure-native's SDK inputs are camelCase; where
// the REST API names a property otherwise (the cluster autoscaler profile's `scan-interval`, sent
// for the input `scanInterval`), the provider renames it from its metadata, which is not
// installed with the SDK. Microsoft's schema of the API version names the wire form, so a key the
// schema does not have is renamed to the schema property whose camelCase it is. Pure module.
import type { Schema } from "./armSchemas";

type Json = unknown;

/** `scan-interval` -> `scanInterval`, `max-graceful-termination-sec` -> `maxGracefulTerminationSec`. */
function camel(name: string): string {
    return name.replace(/[-_.]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

function resolve(schema: Schema | undefined, defs: Record<string, Schema>): Schema | undefined {
    let cur = schema;
    for (let i = 0; cur?.$ref !== undefined && i < 20; i++) {
        const local = /^#\/definitions\/(.+)$/.exec(cur.$ref);
        cur = local ? defs[local[1]] : undefined;
    }
    if (cur?.oneOf !== undefined) {
        // A value or an ARM expression: the value's branch is the one with a shape.
        const shaped = cur.oneOf
            .map((b) => resolve(b, defs))
            .find((b) => b?.properties !== undefined || b?.items !== undefined);
        return shaped ?? cur;
    }
    return cur;
}

/** `value` with every object key the schema names otherwise renamed to its wire name. */
export function wireNames(
    value: Json,
    schema: Schema | undefined,
    defs: Record<string, Schema>,
): Json {
    const s = resolve(schema, defs);
    if (s === undefined || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => wireNames(v, s.items, defs));
    const props = s.properties ?? {};
    const byCamel = new Map(
        Object.keys(props)
            .filter((p) => camel(p) !== p)
            .map((p) => [camel(p), p]),
    );
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
        const name = Object.hasOwn(props, k) ? k : (byCamel.get(k) ?? k);
        const child =
            props[name] ??
            (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
        out[name] = wireNames(v, child, defs);
    }
    return out;
}
