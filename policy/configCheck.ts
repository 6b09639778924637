// Checks a policy config (the file `pulumi preview --policy-pack-config` takes) against the pack:
// rule names, enforcement levels and each rule's own options (its configSchema). The pack reads
// only the names it knows, so a misspelled rule or option would leave an exception silently
// unapplied; the offline plan refuses such a file instead. A plain module: importing it starts
// nothing.
import type { Policy } from "@pulumi/policy";
import { closest } from "../components/nearMiss";
import { policies } from "./policies";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

interface PropertySchema {
    type?: string;
    items?: { type?: string; pattern?: string };
    pattern?: string;
}

function typeOf(value: unknown): string {
    if (Array.isArray(value)) return "array";
    if (value === null) return "null";
    return typeof value === "number" && Number.isInteger(value) ? "integer" : typeof value;
}

function fits(value: unknown, type: string | undefined): boolean {
    if (type === undefined) return true;
    const actual = typeOf(value);
    return actual === type || (type === "number" && actual === "integer");
}

function level(rule: string, value: unknown): string[] {
    return typeof value === "string" && ENFORCEMENT_LEVELS.includes(value)
        ? []
        : [
              `${rule}: enforcement level ${JSON.stringify(value)} is not one of ${ENFORCEMENT_LEVELS.join(", ")}`,
          ];
}

/** Every problem of a policy config, one message each; [] when the pack accepts it as meant. */
export function policyConfigProblems(doc: Readonly<Record<string, unknown>>): string[] {
    const byName = new Map<string, Policy>(policies.map((p) => [p.name, p]));
    const names = [...byName.keys()].sort();
    const problems: string[] = [];
    for (const [rule, value] of Object.entries(doc)) {
        if (rule === "all") {
            problems.push(...level(rule, value));
            continue;
        }
        const policy = byName.get(rule);
        if (!policy) {
            const near = closest(rule, names);
            problems.push(
                `unknown rule ${JSON.stringify(rule)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}; rules: ${names.join(", ")}, or "all" for every rule's level`,
            );
            continue;
        }
        if (typeof value === "string") {
            problems.push(...level(rule, value));
            continue;
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            problems.push(
                `${rule}: ${JSON.stringify(value)} is neither an enforcement level nor a map of options`,
            );
            continue;
        }
        const schema = (policy.configSchema?.properties ?? {}) as Record<string, PropertySchema>;
        const allowed = ["enforcementLevel", ...Object.keys(schema)];
        for (const [option, v] of Object.entries(value as Record<string, unknown>)) {
            if (option === "enforcementLevel") {
                problems.push(...level(rule, v));
                continue;
            }
            const s = schema[option];
            if (!s) {
                const near = closest(option, allowed);
                problems.push(
                    `${rule}: unknown option ${JSON.stringify(option)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}; options of this rule: ${allowed.join(", ")}`,
                );
                continue;
            }
            if (!fits(v, s.type)) {
                problems.push(
                    `${rule}.${option} ${JSON.stringify(v)} is not ${s.type === "array" ? "a list" : `a ${s.type}`}`,
                );
            } else if (s.type === "array") {
                (v as unknown[]).forEach((item, i) => {
                    if (!fits(item, s.items?.type)) {
                        problems.push(
                            `${rule}.${option}[${i}] ${JSON.stringify(item)} is not a ${s.items?.type}`,
                        );
                    } else if (
                        s.items?.pattern !== undefined &&
                        typeof item === "string" &&
                        !new RegExp(s.items.pattern).test(item)
                    ) {
                        problems.push(
                            `${rule}.${option}[${i}] ${JSON.stringify(item)} does not match ${s.items.pattern}`,
                        );
                    }
                });
            }
        }
    }
    return problems;
}
