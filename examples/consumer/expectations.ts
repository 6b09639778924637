// What this consumer expects of an aks-entra stack's outputs (docs/first-pulumi-up.md: Outputs): which outputs it
// reads and the shape of each. index.ts reads exactly these and refuses a stack whose outputs do
// not fit; test/stacks.test.ts checks them against the outputs each aks-entra stack file really
// produces. Plain module: no Pulumi runtime, no Azure.

/** `{ clientId, principalId, resourceId }`: how aks-entra exports a managed identity. */
export const IDENTITY_KEYS = ["clientId", "principalId", "resourceId"] as const;

/**
 * The shape of one output: `"string"`; an object with these string-valued keys (a list of keys);
 * or a map whose every value is such an object (`{ each: keys }`).
 */
export type OutputShape = "string" | readonly string[] | { readonly each: readonly string[] };

/** The aks-entra outputs this consumer reads, and their shapes. */
export const EXPECTED_OUTPUTS = {
    /** The cluster's OIDC issuer, verbatim (trailing slash): the issuer of the trust it creates. */
    oidcIssuerUrl: "string",
    clusterId: "string",
    clusterName: "string",
    resourceGroupName: "string",
    tenantId: "string",
    /** The identity nodes pull images as: given AcrPull on this consumer's registry. */
    kubeletIdentity: IDENTITY_KEYS,
    /** By `namespace/serviceAccount`: service accounts that already have an identity. */
    workloadIdentities: { each: IDENTITY_KEYS },
} as const satisfies Record<string, OutputShape>;

export type ExpectedOutputName = keyof typeof EXPECTED_OUTPUTS;

/** The TypeScript type of a value of shape `S`. */
export type ValueOf<S> = S extends "string"
    ? string
    : S extends { readonly each: readonly (infer K extends string)[] }
      ? Record<string, Record<K, string>>
      : S extends readonly (infer K extends string)[]
        ? Record<K, string>
        : never;

/** The outputs this consumer reads, typed. */
export type StackOutputs = { [K in ExpectedOutputName]: ValueOf<(typeof EXPECTED_OUTPUTS)[K]> };

const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);

/** What is wrong with an object that should have string values under `keys` (empty when nothing). */
function objectProblems(what: string, value: unknown, keys: readonly string[]): string[] {
    if (!isObject(value)) return [`${what} is not an object`];
    return keys
        .filter((k) => typeof value[k] !== "string" || value[k] === "")
        .map((k) => `${what} has no ${k} (text)`);
}

/**
 * What is wrong with the value of output `name` for `shape`: one line per problem, empty when it
 * fits. Extra keys are allowed (a newer aks-entra may export more).
 */
export function shapeProblems(name: string, value: unknown, shape: OutputShape): string[] {
    if (value === undefined) return [`output ${name} is missing`];
    if (shape === "string") {
        return typeof value === "string" && value !== "" ? [] : [`output ${name} is not text`];
    }
    if ("each" in shape) {
        if (!isObject(value)) return [`output ${name} is not a map`];
        return Object.entries(value).flatMap(([key, v]) =>
            objectProblems(`output ${name}["${key}"]`, v, shape.each),
        );
    }
    return objectProblems(`output ${name}`, value, shape);
}

/** Every problem of a set of outputs against EXPECTED_OUTPUTS. */
export function outputsProblems(outputs: Readonly<Record<string, unknown>>): string[] {
    return (Object.keys(EXPECTED_OUTPUTS) as ExpectedOutputName[]).flatMap((name) =>
        shapeProblems(name, outputs[name], EXPECTED_OUTPUTS[name]),
    );
}
