// From Pulumi's config map (`namespace:key` -> text) to the raw values parseConfig takes.
// Pure module.
import { closest } from "../nearMiss";
import { NAMESPACE } from "./constants";
import { CONFIG_KEYS } from "./schema";

/** Keys whose values are plain text: never JSON-decoded. */
const TEXT_KEYS = ["location", "kubernetesVersion", "kubeloginMode"];

/**
 * Pulumi hands every config value to the program as a string: structured YAML values as JSON, plain
 * scalars as their text. Decodes one value the way Pulumi's `Config.getObject` would, falling back
 * to the text itself for plain strings. `null` stays null for every key, so it is refused by name
 * rather than read as the text "null" (a region called "null").
 */
export function decodeConfigValue(key: string, text: string): unknown {
    if (text === "null") {
        return null;
    }
    if (TEXT_KEYS.includes(key)) {
        // "1.33" must stay a string, not become the number 1.33.
        return text;
    }
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * Pulumi's config map holds text: a `Pulumi.<stack>.yaml` `config:` map (YAML values) becomes
 * `namespace:key` -> string, structured values as JSON, the way the CLI hands them to programs.
 */
export function pulumiConfigMap(config: Readonly<Record<string, unknown>>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/**
 * The `aks-entra:*` values of a config map, decoded (key without namespace -> value), in a map
 * without a prototype so no key name can reach Object.prototype. The region falls back to
 * `azure-native:location`.
 */
export function rawConfig(all: Readonly<Record<string, string>>): Record<string, unknown> {
    const raw = Object.create(null) as Record<string, unknown>;
    for (const [fullKey, text] of Object.entries(all)) {
        if (fullKey.startsWith(`${NAMESPACE}:`)) {
            const key = fullKey.slice(NAMESPACE.length + 1);
            raw[key] = decodeConfigValue(key, text);
        }
    }
    const fallback = all["azure-native:location"];
    if (!Object.hasOwn(raw, "location") && fallback !== undefined) {
        raw.location = fallback;
    }
    return raw;
}

/**
 * Keys of a config map that look meant for this stack but that the program never reads: a key
 * without a namespace (`protect: true` in a stack file: Pulumi keys are `<namespace>:<name>`,
 * pulumi/pulumi sdk/go/common/resource/config/key.go ParseKey) and a namespace that misspells
 * aks-entra (`aks_entra:protect`, `AKS-Entra:protect`). Each is a problem naming the key and how
 * to write it; other namespaces (azure-native:, pulumi:, ...) are not this program's business.
 */
export function namespaceProblems(all: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    const squash = (ns: string) => ns.toLowerCase().replace(/[^a-z0-9]/g, "");
    for (const fullKey of Object.keys(all).sort()) {
        const cut = fullKey.indexOf(":");
        const namespace = cut < 0 ? undefined : fullKey.slice(0, cut);
        if (namespace === NAMESPACE || (namespace && squash(namespace) !== squash(NAMESPACE))) {
            continue;
        }
        const key = fullKey.slice(cut + 1);
        const written =
            namespace === undefined
                ? "without a namespace"
                : `in namespace "${namespace}", not ${NAMESPACE}`;
        const known = (CONFIG_KEYS as string[]).includes(key);
        const near = known ? undefined : closest(key, CONFIG_KEYS);
        problems.push(
            `${NAMESPACE}:${key} is written ${JSON.stringify(fullKey)} in the stack file, ${written}, so this program never reads it (config keys are <namespace>:<name>); ` +
                (known
                    ? `write "${NAMESPACE}:${key}"`
                    : `and ${key} is not a known key; allowed: ${CONFIG_KEYS.join(", ")}${near === undefined ? "" : `; did you mean "${NAMESPACE}:${near}"?`}`),
        );
    }
    return problems;
}
