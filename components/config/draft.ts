// Drafts: what of a key's value its schema accepted (schema.ts `Draft`). Pure module.
import type { z } from "zod";

/**
 * A copy of `value` without the parts the schema's `issues` name. Objects are copied without a
 * prototype, so a name like `constructor` or `__proto__` is only ever data.
 */
export function draftOf(value: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
    const root = { value: copy(value) } as Record<PropertyKey, unknown>;
    for (const issue of issues) {
        const path = ["value", ...issue.path];
        const parent = at(root, path.slice(0, -1));
        const last = path[path.length - 1];
        if (parent === undefined || !Object.hasOwn(parent, last)) continue; // gone, or missing
        const target = parent[last];
        if (issue.code === "unrecognized_keys") {
            if (target !== null && typeof target === "object") {
                for (const k of issue.keys) delete (target as Record<string, unknown>)[k];
            }
            continue;
        }
        // A list with too few or too many entries is still a list of valid entries.
        const size =
            issue.code === "too_small" ||
            issue.code === "too_big" ||
            (issue.code === "custom" && issue.params?.listLimit !== undefined);
        if (size && Array.isArray(target)) {
            continue;
        }
        if (Array.isArray(parent)) {
            parent[last as number] = undefined; // a hole keeps the indexes of the rest
        } else {
            delete parent[last];
        }
    }
    return root.value;
}

function copy(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(copy);
    if (value !== null && typeof value === "object") {
        const out = Object.create(null) as Record<string, unknown>;
        for (const k of Object.keys(value)) out[k] = copy((value as Record<string, unknown>)[k]);
        return out;
    }
    return value;
}

function at(root: unknown, path: readonly PropertyKey[]): Record<PropertyKey, unknown> | undefined {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, p)) return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur !== null && typeof cur === "object"
        ? (cur as Record<PropertyKey, unknown>)
        : undefined;
}
