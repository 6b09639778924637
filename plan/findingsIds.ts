// Ids no real tenant or subscription has, left in a stack file: the example object ids of
// Pulumi.dev.yaml (a copied file not fully edited) and placeholder GUIDs of any stack file: mostly
// zeros (00000000-0000-4000-8000-000000000101), one short pattern repeated (deadbeef-dead-...), or
// runs of one digit or counting digits (11111111-2222-4333-8444-555555555555, Microsoft Learn's
// 00001111-aaaa-2222-bbbb-3333cccc4444). A random GUID (what Entra and Azure issue) has about four
// such neighbouring pairs in 31 and two zeros in 32, so the thresholds below never catch one
// (test/planFindings.test.ts checks 20,000). Pure module.
import type { StackConfig } from "../components/config";
import type { FactFinding } from "./dedupe";
import { EXAMPLE_OBJECT_IDS } from "./examples";
import { compareText } from "./model";

const GUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Why `guid` is a placeholder no tenant or subscription issues, or undefined. */
export function placeholderGuid(guid: string): string | undefined {
    const hex = guid.toLowerCase().replace(/-/g, "");
    if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
    if ([...hex].filter((c) => c === "0").length >= 16) return "mostly zeros";
    for (let period = 1; period <= 8; period++) {
        if ([...hex].every((c, i) => i + period >= hex.length || c === hex[i + period])) {
            return "one short pattern repeated";
        }
    }
    const value = (c: string) => parseInt(c, 16);
    let runs = 0;
    for (let i = 1; i < hex.length; i++) {
        const step = value(hex[i]) - value(hex[i - 1]);
        if (step === 0 || step === 1) runs++;
    }
    return runs >= 16 ? "runs of one digit or of counting digits" : undefined;
}

/** Every string in the validated config with its key path (`groups.sre`, `admins.members[0]`). */
function stringsAt(value: unknown, path: string, out: [string, string][]): void {
    if (typeof value === "string") {
        out.push([path, value.toLowerCase()]);
    } else if (Array.isArray(value)) {
        value.forEach((v, i) => stringsAt(v, `${path}[${i}]`, out));
    } else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) stringsAt(v, path ? `${path}.${k}` : k, out);
    }
}

/**
 * One key path per id, the one a reader edits: the alias under groups, else where the id is
 * written; among equals the first in order. `places`: how many strings of the config hold it.
 */
function pathPerId(
    found: [string, string][],
    wanted: (id: string) => boolean,
): Map<string, { path: string; places: number }> {
    const preference = (path: string) => [
        path.startsWith("groups.") ? 0 : 1,
        path.endsWith(".label") ? 1 : 0,
    ];
    const paths = new Map<string, { path: string; places: number }>();
    for (const [path, value] of [...found].sort((a, b) => compareText(a[0], b[0]))) {
        for (const id of new Set(value.match(GUIDS) ?? [])) {
            if (!wanted(id)) continue;
            const seen = paths.get(id);
            const [p1, p2] = preference(path);
            const [s1, s2] = seen === undefined ? [2, 2] : preference(seen.path);
            const places = (seen?.places ?? 0) + 1;
            paths.set(id, { path: p1 < s1 || (p1 === s1 && p2 < s2) ? path : seen!.path, places });
        }
    }
    return paths;
}

export function idFindings(config: StackConfig): FactFinding[] {
    const found: [string, string][] = [];
    stringsAt(config, "", found);
    const out: FactFinding[] = [];
    // A group's alias is the one place to edit; the config repeats its id wherever it is used.
    const where = (paths: Map<string, { path: string; places: number }>, more: boolean) =>
        [...paths.values()]
            .map(
                (p) =>
                    `aks-entra:${p.path}${more && p.places > 1 && !p.path.startsWith("groups.") ? ` (and ${p.places - 1} more place${p.places > 2 ? "s" : ""})` : ""}`,
            )
            .sort(compareText)
            .join(", ");

    // The example object ids: a stack file copied from Pulumi.dev.yaml and not fully edited.
    const examples = pathPerId(found, (id) => EXAMPLE_OBJECT_IDS.includes(id));
    if (examples.size > 0) {
        out.push({
            code: "example-object-ids",
            severity: "medium",
            subject: "stack",
            message: `${examples.size} object id${examples.size === 1 ? " is an example id" : "s are the example ids"} of Pulumi.dev.yaml (${where(examples, false)}): this stack file looks copied; use your tenant's groups and users`,
        });
    }

    // Placeholders of any stack file, object ids and the subscriptions of resource ids alike.
    const placeholders = pathPerId(
        found,
        (id) => !EXAMPLE_OBJECT_IDS.includes(id) && placeholderGuid(id) !== undefined,
    );
    if (placeholders.size > 0) {
        const ids = [...placeholders.keys()].sort(compareText);
        const whys = [...new Set(ids.map((id) => placeholderGuid(id)!))].sort(compareText);
        out.push({
            code: "placeholder-ids",
            severity: "medium",
            subject: "stack",
            message: `${placeholders.size} id${placeholders.size === 1 ? " is a placeholder" : "s are placeholders"} (${whys.join("; ")}: no tenant or subscription issues such GUIDs) at ${where(placeholders, true)}: replace ${placeholders.size === 1 ? "it" : "them"} with your tenant's object ids and your subscription's resource ids before pulumi up`,
        });
    }
    return out;
}
