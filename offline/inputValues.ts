// Input values as the fakes compare and show them: Pulumi's secret wire form unwrapped, deep
// equality where an undefined key is an absent one, a value as a message shows it, and an Azure
// location as ARM compares it. Pure module.
import * as pulumi from "@pulumi/pulumi";

type Props = Record<string, unknown>;

/** Mock inputs carry secrets as Pulumi's wire form `{<sigKey>: <secretSig>, value}`. */
export function isSecretValue(value: unknown): value is { value: unknown } {
    return (
        value !== null &&
        typeof value === "object" &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] ===
            pulumi.runtime.specialSecretSig
    );
}

/** A value with every secret replaced by what it holds. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Deep equality of input values, where a key holding undefined is a key that is absent. */
export function sameValue(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        return (
            Array.isArray(a) &&
            Array.isArray(b) &&
            a.length === b.length &&
            a.every((x, i) => sameValue(x, b[i]))
        );
    }
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
    const x = a as Props;
    const y = b as Props;
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    return [...keys].every((k) => sameValue(x[k], y[k]));
}

export function show(value: unknown): string {
    return value === undefined ? "(unset)" : JSON.stringify(value);
}

export function location(value: unknown): string {
    return typeof value === "string" ? value.toLowerCase().replace(/\s+/g, "") : "";
}
