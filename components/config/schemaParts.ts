// The pieces the key schemas are built from: checked strings, ids, names, GUIDs, ranges. Pure module.
import { z } from "zod";
import { GUID_PATTERN } from "../roles";
import { armScopeProblem, NIL_GUID, resourceIdProblem } from "./values";

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const GROUP_ALIAS = /^[A-Za-z0-9][-_.A-Za-z0-9]{0,63}$/;
export const GIT_REF_PART = /^[^\s*?[\]~^:\\]+$/;

/** A check by a function that returns the value's problem (values.ts), or undefined. */
export const checked = (problem: (value: string) => string | undefined) =>
    z.refine((v: unknown) => problem(String(v)) === undefined, {
        error: (iss) => problem(String(iss.input)) ?? "is not valid",
    });
/** A string checked by such a function. */
export const checkedString = (problem: (value: string) => string | undefined) =>
    z.string().check(checked(problem));

/**
 * A list of at most `max` entries. zod's own `.max()` stops at the count and checks no entry, so a
 * bad entry in a list that is also too long would only be reported by the next run; this checks
 * both and reports every problem at once.
 */
export const listOf = <T extends z.ZodType>(entry: T, max: number) =>
    z.array(entry).check(
        z.refine((list: unknown[]) => list.length <= max, {
            when: (payload) => Array.isArray(payload.value),
            error: (issue) =>
                `has ${(issue.input as unknown[]).length} entries; at most ${max} allowed`,
            params: { listLimit: max },
        }),
    );

export const guid = z
    .string()
    .regex(GUID_PATTERN, { error: "is not an object id (a GUID)" })
    .refine((v) => v !== NIL_GUID, { error: "is the nil GUID, which no Entra object has" });
export const dnsLabel = (what: string) =>
    z
        .string()
        .max(63, { error: `is not a valid ${what} (lowercase RFC 1123 label, max 63 chars)` })
        .regex(DNS_LABEL, {
            error: `is not a valid ${what} (lowercase RFC 1123 label, max 63 chars)`,
        });
export const k8sName = (what: string) =>
    z
        .string()
        .max(253, { error: `is not a valid ${what} (lowercase RFC 1123 subdomain, max 253 chars)` })
        .regex(DNS_SUBDOMAIN, {
            error: `is not a valid ${what} (lowercase RFC 1123 subdomain, max 253 chars)`,
        });
export const groupRef = z
    .string()
    .min(1, { error: "is empty; give an object id (GUID) or a name from aks-entra:groups" });
export const azureRoleAssignment = z.strictObject({
    role: z.string().min(1),
    scope: checkedString(armScopeProblem),
});

export const subnetId = checkedString((v) =>
    resourceIdProblem(v, "Microsoft.Network/virtualNetworks/subnets"),
);
/** A whole number of `unit` in the range Azure accepts. */
export const between = (unit: string, range: { min: number; max: number }) => {
    const error = `is outside ${range.min}-${range.max} (${unit} that Azure accepts)`;
    return z.int().min(range.min, { error }).max(range.max, { error });
};

/** The id of an existing resource of `type`, checked by resourceIdProblem. */
export const idOf = (type: string) => checkedString((v) => resourceIdProblem(v, type));
export const workspaceId = idOf("Microsoft.OperationalInsights/workspaces");
