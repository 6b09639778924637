// Project-level config: the `config:` map of Pulumi.yaml, which Pulumi (>= 3.44) merges under every
// stack's file, so the stack files state only what differs. Pulumi's rules
// (pulumi/pulumi sdk/go/common/workspace/project.go, Project.Validate, and
// https://www.pulumi.com/docs/iac/concepts/projects/project-file/#config-options):
// - a key of the project's own namespace (`aks-entra:<key>`, or a bare `<key>`) gives `default:`
//   (or `value:`);
// - a key of another namespace (`azure-native:location`, `pulumi:tags`) gives `value:` only (a
//   `default:` there is refused: "not namespaced by the project and should not define a default
//   value");
// - the stack file's value of a key wins, whole: values are not merged below the top-level key.
// The offline plan, the workflows' scripts and the tests all read stack files through
// withProjectConfig, so they see what `pulumi up` sees.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** A problem in Pulumi.yaml's config: the message names the file and the key. */
export class ProjectConfigError extends Error {}

/** The nearest Pulumi.yaml at or above `dir`, as Pulumi finds the project. */
export function findProjectFile(dir: string): string | undefined {
    let d = path.resolve(dir);
    for (;;) {
        for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
            const f = path.join(d, name);
            if (existsSync(f)) return f;
        }
        const up = path.dirname(d);
        if (up === d) return undefined;
        d = up;
    }
}

/** The values Pulumi.yaml gives every stack: full key -> value. */
export function projectConfigDefaults(projectFile: string): Record<string, unknown> {
    const doc = parseYaml(readFileSync(projectFile, "utf8")) as {
        name?: unknown;
        config?: unknown;
    } | null;
    const project = typeof doc?.name === "string" ? doc.name : "";
    const config = doc?.config;
    if (config === undefined || config === null) return {};
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new ProjectConfigError(
            `${projectFile}: "config:" must be a map of key to { default | value }`,
        );
    }
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(config as Record<string, unknown>)) {
        const colon = key.indexOf(":");
        const ownNamespace = colon < 0 || key.slice(0, colon) === project;
        const fullKey = colon < 0 ? `${project}:${key}` : key;
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
            throw new ProjectConfigError(
                `${projectFile}: config key ${key} is ${JSON.stringify(entry)}; give it as { ${ownNamespace ? "default" : "value"}: <value> }`,
            );
        }
        const e = entry as Record<string, unknown>;
        if (!ownNamespace && "default" in e) {
            throw new ProjectConfigError(
                `${projectFile}: config key ${key} is not namespaced by the project (${project}) and cannot have a default; use value: (Pulumi refuses it the same way)`,
            );
        }
        if ("value" in e) out[fullKey] = e.value;
        else if ("default" in e) out[fullKey] = e.default;
    }
    return out;
}

/**
 * A stack file's config with the project's values under it, as Pulumi merges them: the stack's
 * value of a key wins whole. `stackFile` locates the project (the nearest Pulumi.yaml above it).
 */
export function withProjectConfig(
    stackFile: string,
    stackConfig: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
    const projectFile = findProjectFile(path.dirname(stackFile));
    if (projectFile === undefined) return { ...stackConfig };
    return { ...projectConfigDefaults(projectFile), ...stackConfig };
}
