// Cross-field rules of aks-entra:tags. Pure module.
import { MAX_TAGS, NAMESPACE, STACK_TAG_NAMES } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import type { RuleContext } from "./context";

/**
 * Azure counts tag names case-insensitively and allows 50 on a resource, the stack's own included;
 * a config tag with the name of one of the stack's own would silently replace it.
 */
export function tags({ draft }: RuleContext): string[] {
    const names = Object.keys(draft.tags ?? {});
    const out: string[] = [];
    const own = names.filter((n) =>
        (STACK_TAG_NAMES as readonly string[]).includes(n.toLowerCase()),
    );
    for (const n of own) {
        out.push(
            `${NAMESPACE}:tags key ${show(n)} is a tag aks-entra sets itself (${STACK_TAG_NAMES.join(", ")}); choose another name`,
        );
    }
    for (const n of duplicates(names.map((x) => x.toLowerCase()))) {
        out.push(
            `${NAMESPACE}:tags lists ${show(n)} more than once in different cases; Azure tag names ignore case`,
        );
    }
    out.push(...expiresAt(draft.tags ?? {}));
    const room = MAX_TAGS - STACK_TAG_NAMES.length;
    if (names.length - own.length > room) {
        out.push(
            `${NAMESPACE}:tags has ${names.length} tags; Azure allows ${MAX_TAGS} on a resource and aks-entra sets ${STACK_TAG_NAMES.length} itself, so at most ${room}`,
        );
    }
    return out;
}

/** The tag the preview janitor reads (.github/workflows/janitor.yml). */
export const EXPIRES_AT = "expires-at";

/**
 * `expires-at` as the janitor reads it: jq takes the tag named exactly `expires-at` and the
 * greatest value as text, GNU `date -d` parses it, and a stack whose value it cannot read is kept
 * ("kept: not a date"), for ever. So: lower case, and an ISO date or UTC date-time that compares as
 * text the way it does in time.
 */
function expiresAt(tags: Readonly<Record<string, string | undefined>>): string[] {
    const out: string[] = [];
    for (const [name, value] of Object.entries(tags)) {
        if (name.toLowerCase() !== EXPIRES_AT) continue;
        if (name !== EXPIRES_AT) {
            out.push(
                `${NAMESPACE}:tags key ${show(name)} is not read by the janitor, which looks for ${show(EXPIRES_AT)} in lower case; rename it`,
            );
        } else if (value !== undefined && !isoDateOrTime(value)) {
            out.push(
                `${NAMESPACE}:tags.${EXPIRES_AT} ${show(value)} is not a date the janitor reads (YYYY-MM-DD, or YYYY-MM-DDThh:mm:ssZ in UTC); it would keep the stack for ever`,
            );
        }
    }
    return out;
}

/** `2026-12-07` or `2026-12-07T18:00:00Z` (seconds optional), a day that exists. */
export function isoDateOrTime(value: string): boolean {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?Z)?$/.exec(
        value,
    );
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const day = new Date(Date.UTC(y, mo - 1, d));
    return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}
