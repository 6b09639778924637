// The plan CLI's --arm: the template of plan/arm.ts as the file it writes.
import { existsSync } from "node:fs";
import type { Registration } from "../offline/harness";
import { armTemplate } from "./arm";
import { ArmSchemas } from "./armSchemas";
import { UsageError } from "./files";

/** The ARM template of an evaluation as JSON text; schemas from `dir` (a UsageError if absent). */
export function armJson(
    registrations: readonly Registration[],
    stack: string,
    project: string,
    dir?: string,
): string {
    if (dir !== undefined && !existsSync(dir)) {
        throw new UsageError(`--arm-schemas ${JSON.stringify(dir)} is not a directory`);
    }
    const schemas = dir !== undefined ? new ArmSchemas(dir) : new ArmSchemas();
    const template = armTemplate(registrations, {
        stack,
        project,
        schemas: schemas.available ? schemas : undefined,
    });
    return `${JSON.stringify(template, null, 2)}\n`;
}
