// Cross-field rules of aks-entra:tags. Pure module.
import { MAX_TAGS, NAMESPACE, STACK_TAG_NAMES } from "../constants";
import { show } from "../messages";
import { duplicates } from "../references";
import { type RuleContext, rawAt } from "./context";

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
    const room = MAX_TAGS - STACK_TAG_NAMES.length;
    if (names.length - own.length > room) {
        out.push(
            `${NAMESPACE}:tags has ${names.length} tags; Azure allows ${MAX_TAGS} on a resource and aks-entra sets ${STACK_TAG_NAMES.length} itself, so at most ${room}`,
        );
    }
    return out;
}

/**
 * zod drops a map key named `__proto__` without a word (it would replace the result's prototype),
 * so a group alias or tag of that name would vanish: refuse it by name.
 */
export function protoKeys({ raw }: RuleContext): string[] {
    return (["groups", "tags"] as const)
        .filter((key) => Object.hasOwn(rawAt(raw, key), "__proto__"))
        .map((key) => `${NAMESPACE}:${key} key "__proto__" is not a name aks-entra can use`);
}
