// What every rule sees. Pure module.
import type { GroupAliases } from "../references";
import type { Drafts } from "../schema";

export interface RuleContext {
    /** What survived each key's schema. */
    draft: Drafts;
    /** The values as written (key without namespace -> decoded value). */
    raw: Readonly<Record<string, unknown>>;
    groups: GroupAliases;
    /** Namespace names as written, valid or not: references to them are checked against these. */
    declaredNamespaces: string[];
    /** The day the config is read: what AKS still offers depends on it (rules/version.ts). */
    today: Date;
}

/** A cross-field check: the problems it finds, each a whole message line. */
export type Rule = (ctx: RuleContext) => string[];

/** The map at `path` of the raw config, or an empty one. */
export function rawAt(root: unknown, ...path: PropertyKey[]): Record<string, unknown> {
    let cur: unknown = root;
    for (const p of path) {
        cur =
            cur !== null && typeof cur === "object" && Object.hasOwn(cur, p)
                ? (cur as Record<PropertyKey, unknown>)[p]
                : undefined;
    }
    return cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>) : {};
}

/** True when `key` was written in `raw` but its schema refused it (so checks using it are moot). */
export function refused(
    raw: Record<string, unknown>,
    draft: object | undefined,
    key: string,
): boolean {
    return Object.hasOwn(raw, key) && (draft === undefined || !Object.hasOwn(draft, key));
}

/** The entries of a draft list with their indexes, holes skipped. */
export function entries<T>(list: readonly (T | undefined)[] | undefined): [number, T][] {
    return (list ?? []).flatMap((v, i) => (v === undefined ? [] : [[i, v] as [number, T]]));
}
