// The input types of azure-native's containerservice resources, read from the type definitions the
// installed @pulumi/azure-native ships (its `.d.ts` files and runtime enums): which properties a
// ManagedCluster, an inline agent pool profile and an AgentPool take, and each one's type. They are
// generated from Microsoft's API specification for the API version azure-native uses (2025-09-01
// for 3.28), so they are the program's own copy of that schema, present wherever the program runs
// (docs/extra-properties.md). Read once, on demand, only when a stack file has extraProperties.
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** A property's type, as far as checking a stack file's value needs it. */
export type ArmType =
    /** `enumName`: azure-native's enum of the values ARM knows (armEnum). */
    | { kind: "string"; enumName?: string }
    | { kind: "number" }
    | { kind: "boolean" }
    | { kind: "any" }
    | { kind: "array"; items: ArmType }
    | { kind: "map"; values: ArmType }
    | { kind: "object"; name: string };

export interface ArmObject {
    properties: Map<string, ArmType>;
    required: Set<string>;
}

/** The resources whose inputs extraProperties may add to, by the interface that types them. */
export const RESOURCE_INTERFACES = {
    managedCluster: { file: "containerservice/managedCluster.d.ts", name: "ManagedClusterArgs" },
    agentPool: { file: "containerservice/agentPool.d.ts", name: "AgentPoolArgs" },
} as const;

let cache: { objects: Map<string, ArmObject>; enums: Map<string, readonly string[]> } | undefined;

function packageDir(): string {
    return path.dirname(require.resolve("@pulumi/azure-native/package.json"));
}

/** The interfaces of azure-native's containerservice inputs and the two resources' args. */
function load(): NonNullable<typeof cache> {
    if (cache) return cache;
    const dir = packageDir();
    const objects = new Map<string, ArmObject>();
    const input = readFileSync(path.join(dir, "types", "input.d.ts"), "utf8");
    const start = input.indexOf("export declare namespace containerservice {");
    const end = input.indexOf("\nexport declare namespace ", start + 1);
    readInterfaces(input.slice(start, end < 0 ? undefined : end), objects);
    for (const r of Object.values(RESOURCE_INTERFACES)) {
        readInterfaces(readFileSync(path.join(dir, r.file), "utf8"), objects);
    }
    // The enums' values at run time (string | enums.containerservice.X: the values ARM knows).
    const runtime = require("@pulumi/azure-native/types/enums/containerservice") as Record<
        string,
        unknown
    >;
    const enums = new Map<string, readonly string[]>();
    for (const [name, values] of Object.entries(runtime)) {
        if (values !== null && typeof values === "object") {
            enums.set(name, Object.values(values).map(String));
        }
    }
    cache = { objects, enums };
    return cache;
}

/** Every `interface X { ... }` of a declaration text, its members and their declared types. */
function readInterfaces(text: string, into: Map<string, ArmObject>): void {
    const source = text.replace(/\/\*\*[\s\S]*?\*\//g, "");
    const head = /(?:export )?interface (\w+) \{/g;
    let m: RegExpExecArray | null;
    while ((m = head.exec(source)) !== null) {
        let depth = 1;
        let i = head.lastIndex;
        for (; i < source.length && depth > 0; i++) {
            if (source[i] === "{") depth++;
            else if (source[i] === "}") depth--;
        }
        into.set(m[1], members(source.slice(head.lastIndex, i - 1)));
        head.lastIndex = i;
    }
}

/** `name?: type;` members at depth 0 of an interface body. */
function members(body: string): ArmObject {
    const properties = new Map<string, ArmType>();
    const required = new Set<string>();
    let depth = 0;
    let current = "";
    for (const ch of body) {
        if (ch === "{" || ch === "<" || ch === "(") depth++;
        if (ch === "}" || ch === ">" || ch === ")") depth--;
        if (ch === ";" && depth === 0) {
            const member = /^\s*(\w+)(\??):\s*([\s\S]+)$/.exec(current);
            if (member) {
                properties.set(member[1], typeOf(member[3]));
                if (member[2] === "") required.add(member[1]);
            }
            current = "";
        } else {
            current += ch;
        }
    }
    return { properties, required };
}

/** The type of a declared member type text (pulumi.Input<...> unwrapped, `| undefined` dropped). */
function typeOf(raw: string): ArmType {
    let t = raw.replace(/\s+/g, " ").trim();
    for (;;) {
        const input = /^pulumi\.Input<([\s\S]*)>$/.exec(t);
        if (!input) break;
        t = input[1].trim();
    }
    t = t.replace(/ \| undefined$/, "").trim();
    if (t.endsWith("[]")) return { kind: "array", items: typeOf(t.slice(0, -2)) };
    const map = /^\{ \[key: string\]: ([\s\S]+); \}$/.exec(t);
    if (map) return { kind: "map", values: typeOf(map[1]) };
    const object = /^inputs\.containerservice\.(\w+)$/.exec(t);
    if (object) return { kind: "object", name: object[1] };
    const enumOf = /^string \| enums\.containerservice\.(\w+)$/.exec(t);
    if (enumOf) return { kind: "string", enumName: enumOf[1] };
    if (t === "string") return { kind: "string" };
    if (t === "number") return { kind: "number" };
    if (t === "boolean") return { kind: "boolean" };
    return { kind: "any" };
}

/** The properties an interface declares (`ManagedClusterArgs`, `AgentPoolArgs`, ...). */
export function armObject(name: string): ArmObject | undefined {
    return load().objects.get(name);
}

/** The values of an azure-native containerservice enum. */
export function armEnum(name: string): readonly string[] {
    return load().enums.get(name) ?? [];
}
