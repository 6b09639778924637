// What the installed @pulumi/azure-native says about one of its resource type tokens: the Azure
// REST API version it sends (each resource module's doc comment, "Uses Azure REST API version
// ..."), and which of its inputs are read back as outputs (the constructor's `/*out*/` list when
// the resource is read by id). An input that is never read back is a URL path parameter
// (resource group, parent and resource names), not a property of the request body. The provider's
// own metadata (metadata-compact.json, inside its plugin binary) is not installed with the SDK;
// docs/azure-facts.md, "ARM export", says what this reads instead and why.
import { readFileSync } from "node:fs";

export interface SdkResource {
    token: string;
    /** The Azure REST API version azure-native uses for it, e.g. 2025-09-01. */
    apiVersion: string;
    /** The properties it reads back: the resource's outputs. */
    outputs: ReadonlySet<string>;
}

const cache = new Map<string, SdkResource>();

/**
 * The SDK module of an `azure-native:<module>:<Resource>` token, read from node_modules.
 * Throws, naming the token, for one the installed SDK does not have.
 */
export function sdkResource(token: string): SdkResource {
    const known = cache.get(token);
    if (known) return known;
    const m = /^azure-native:([a-z0-9/]+):([A-Za-z0-9]+)$/.exec(token);
    if (!m) throw new Error(`${token} is not an azure-native resource type token`);
    const file = `@pulumi/azure-native/${m[1]}/${m[2][0].toLowerCase()}${m[2].slice(1)}.js`;
    let source: string;
    try {
        source = readFileSync(require.resolve(file), "utf8");
    } catch {
        throw new Error(`${token}: the installed @pulumi/azure-native has no module ${file}`);
    }
    const version = /Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-preview)?)\./.exec(source);
    if (!version) throw new Error(`${token}: ${file} does not say its Azure REST API version`);
    // The constructor's branch for a resource read by id lists every output, and only outputs.
    const read = source.slice(source.indexOf("else {", source.indexOf("if (!opts.id)")));
    const outputs = new Set(
        [
            ...read
                .slice(0, read.indexOf("opts = pulumi.mergeOptions"))
                .matchAll(/resourceInputs\["([^"]+)"\] = undefined \/\*out\*\//g),
        ].map((x) => x[1]),
    );
    const resource = { token, apiVersion: version[1], outputs };
    cache.set(token, resource);
    return resource;
}
