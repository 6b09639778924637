// Reading resource properties the way a policy must during `pulumi preview`: a value that depends
// on a resource not created yet is *unknown*, and @pulumi/policy's proxy throws UnknownValueError
// the moment it is touched. These helpers turn that into the UNKNOWN marker so one unknown value
// skips one check (it runs again at `pulumi up`, when inputs are known) instead of the whole policy.
import * as sdk from "@pulumi/policy";

// @pulumi/policy exports these two but strips their types (marked @internal): type them here.
const internals = sdk as unknown as {
    UnknownValueError: abstract new (...args: never[]) => Error;
    unknownCheckingProxy: <T extends object>(value: T) => T;
};
/** Thrown by the property proxy when a value is not known during preview. */
export const UnknownValueError = internals.UnknownValueError;
/** Wraps properties the way the policy server does before a policy sees them. */
export const unknownCheckingProxy = internals.unknownCheckingProxy;

export const UNKNOWN: unique symbol = Symbol("unknown until the resource exists");
export type Unknown = typeof UNKNOWN;

/** The value at `path`, undefined when absent, UNKNOWN when not known yet. */
export function read(obj: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = obj;
    for (const p of path) {
        if (cur === null || cur === undefined || typeof cur !== "object") {
            return undefined;
        }
        try {
            cur = (cur as Record<string | number, unknown>)[p];
        } catch (e) {
            if (e instanceof UnknownValueError) {
                return UNKNOWN;
            }
            throw e;
        }
    }
    return cur;
}

export function isUnknown(value: unknown): value is Unknown {
    return value === UNKNOWN;
}

/** Elements of an array value (each possibly UNKNOWN); [] when absent or not an array. */
export function items(value: unknown): unknown[] {
    if (!Array.isArray(value)) {
        return [];
    }
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
        out.push(read(value, i));
    }
    return out;
}

/** Keys of an object value; [] when absent. Reading keys never touches unknown values. */
export function keys(value: unknown): string[] {
    return value !== null && typeof value === "object" ? Object.keys(value) : [];
}

/** A string, or undefined for anything else (UNKNOWN included: callers check that first). */
export function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** How a value appears in a violation message: strings in full (a scope is the point), the rest cut. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "not set";
    }
    const text = JSON.stringify(value);
    return typeof value === "string" || text.length <= 120 ? text : `${text.slice(0, 117)}...`;
}

/** Runs a check; an unknown value read directly (not through `read`) skips it. */
export function unlessUnknown(check: () => void): void {
    try {
        check();
    } catch (e) {
        if (!(e instanceof UnknownValueError)) {
            throw e;
        }
    }
}
