// `--diff BASE.json`: what changes in access (grants added, removed, widened, narrowed; trusts added,
// removed) and in resources between an earlier plan and this one. Pure module.
import { type ImmutableChange, immutableChanges } from "./immutable";
import { describePrincipal } from "./labels";
import {
    type Activation,
    compareText,
    type Finding,
    type Grant,
    isStanding,
    type Plan,
    type PlanResource,
    SCHEMA_VERSION,
    sortBy,
    stableJson,
    type Trust,
    trustKey,
} from "./model";
import { markdownTable, type Style } from "./text";

export type AccessChangeKind = "added" | "removed" | "widened" | "narrowed" | "changed";

/**
 * What changed in the roles one principal holds on one scope, or is eligible for there (PIM:
 * standing and eligible roles are compared apart). Roles only gained: added; only lost: removed;
 * some swapped: widened or narrowed by the highest level gained vs lost (reader -> admin is
 * widened); at equal levels, an eligible role whose activation rules only loosened (longer, no
 * MFA, no justification, no approval) is widened, only tightened narrowed; changed otherwise.
 */
export interface AccessChange {
    kind: AccessChangeKind;
    principal: string;
    scope: string;
    /** True when the roles are eligible ones (PIM), not held. */
    eligible?: boolean;
    /** Roles lost. */
    removed: string[];
    /** Roles gained. */
    added: string[];
    /** Every role held after the change. */
    after: string[];
}

export interface TrustChange {
    kind: "added" | "removed";
    identity: string;
    issuer: string;
    subject: string;
}

export interface ResourceChange {
    kind: "added" | "removed" | "changed";
    urn: string;
    type: string;
    /** Property names that changed. */
    properties: string[];
    /** Each changed property with its value in the base plan and in this one. */
    changes: PropertyChange[];
}

/**
 * One property of a resource (a key of PlanResource.properties, e.g. `pool apps1a2b`) and its
 * value before and after; undefined where the property is absent. Values are the plan's text,
 * which never holds a secret; a property named like one of the resource's secret inputs shows
 * SECRET_TEXT all the same.
 */
export interface PropertyChange {
    property: string;
    before?: string;
    after?: string;
}

export const SECRET_TEXT = "[secret]";

export interface PlanDiff {
    accessChanged: boolean;
    /** Changes Azure refuses in place, or that replace a resource: `pulumi up` fails or recreates. */
    refused: ImmutableChange[];
    access: AccessChange[];
    trusts: TrustChange[];
    resources: ResourceChange[];
    findings: { added: Finding[]; resolved: Finding[] };
}

/** A base plan that cannot be compared. */
export class BasePlanError extends Error {}

export function parseBasePlan(text: string, file: string): Plan {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        throw new BasePlanError(
            `${file} is not JSON (${(e as Error).message}); pass a file written by --json`,
        );
    }
    const plan = value as Partial<Plan> | null;
    if (plan === null || typeof plan !== "object" || plan.schemaVersion !== SCHEMA_VERSION) {
        throw new BasePlanError(
            `${file} has schemaVersion ${JSON.stringify(plan?.schemaVersion)}; this plan writes ${SCHEMA_VERSION}: regenerate the base with --json`,
        );
    }
    for (const key of [
        "resources",
        "principals",
        "scopes",
        "grants",
        "trusts",
        "findings",
    ] as const) {
        if (!Array.isArray(plan[key])) {
            throw new BasePlanError(`${file} has no "${key}" list; pass a file written by --json`);
        }
    }
    return plan as Plan;
}

const maxLevel = (gs: Grant[]) => Math.max(-1, ...gs.map((g) => g.level));

/**
 * How activation rules moved from `a` to `b`: 1 looser only (a longer activation; MFA,
 * justification or approval dropped), -1 stricter only, 0 neither or both (or unknown).
 */
export function activationTrend(a: Activation | undefined, b: Activation | undefined): number {
    if (!a || !b) return 0;
    const moves: number[] = [];
    if (a.maxMinutes !== undefined && b.maxMinutes !== undefined) {
        moves.push(Math.sign(b.maxMinutes - a.maxMinutes));
    } else if (a.maxMinutes !== b.maxMinutes) {
        moves.push(NaN);
    }
    for (const rule of ["mfa", "justification", "approval"] as const) {
        if (a[rule] === b[rule]) continue;
        moves.push(a[rule] === undefined || b[rule] === undefined ? NaN : a[rule] ? 1 : -1);
    }
    if (moves.some((m) => Number.isNaN(m))) return 0;
    const up = moves.some((m) => m > 0);
    const down = moves.some((m) => m < 0);
    return up && !down ? 1 : down && !up ? -1 : 0;
}

/** The same trend over the eligible roles swapped in one change (paired by role). */
function eligibleTrend(lost: Grant[], gained: Grant[]): number {
    const trends = gained.map((g) => {
        const before = lost.find((l) => l.roleKey === g.roleKey);
        return before ? activationTrend(before.activation, g.activation) : NaN;
    });
    if (trends.length === 0 || trends.length !== lost.length) return 0;
    if (trends.every((t) => t === 1 || t === 0) && trends.includes(1)) return 1;
    if (trends.every((t) => t === -1 || t === 0) && trends.includes(-1)) return -1;
    return 0;
}
const roleId = (g: Grant) => `${g.roleKey}|${g.level}|${g.detail ?? ""}`;

/**
 * Access, trusts, resources and findings of `base` against `current`. The first-up estimate
 * (`deploy`) is not compared: how long a first `pulumi up` takes is no access change, and a base
 * plan written before the estimate existed has none.
 */
export function diffPlans(base: Plan, current: Plan): PlanDiff {
    const label = (plan: Plan, key: string) => {
        const p = plan.principals.find((x) => x.key === key);
        return p ? describePrincipal(p) : key;
    };
    const scopeLabel = (plan: Plan, key: string) =>
        plan.scopes.find((s) => s.key === key)?.label ?? key;

    const pairs = (plan: Plan) => {
        const m = new Map<string, Grant[]>();
        for (const g of plan.grants) {
            const key = `${g.principal}\u0000${g.scope}\u0000${isStanding(g) ? "" : "eligible"}`;
            m.set(key, [...(m.get(key) ?? []), g]);
        }
        return m;
    };
    const before = pairs(base);
    const after = pairs(current);
    const access: AccessChange[] = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
        const b = before.get(key) ?? [];
        const a = after.get(key) ?? [];
        const bIds = new Set(b.map(roleId));
        const aIds = new Set(a.map(roleId));
        const lost = b.filter((g) => !aIds.has(roleId(g)));
        const gained = a.filter((g) => !bIds.has(roleId(g)));
        if (lost.length === 0 && gained.length === 0) continue;
        const [principal, scope, eligible] = key.split("\u0000") as [string, string, string];
        const trend = eligible ? eligibleTrend(lost, gained) : 0;
        const kind: AccessChangeKind =
            lost.length === 0
                ? "added"
                : gained.length === 0
                  ? "removed"
                  : maxLevel(gained) > maxLevel(lost)
                    ? "widened"
                    : maxLevel(gained) < maxLevel(lost)
                      ? "narrowed"
                      : trend > 0
                        ? "widened"
                        : trend < 0
                          ? "narrowed"
                          : "changed";
        const where = a.length ? current : base;
        access.push({
            kind,
            principal: label(where, principal),
            scope: scopeLabel(where, scope),
            eligible: eligible ? true : undefined,
            removed: lost.map(roleText).sort(),
            added: gained.map(roleText).sort(),
            after: a.map(roleText).sort(),
        });
    }

    const trustMap = (plan: Plan) => new Map(plan.trusts.map((t) => [trustKey(t), t]));
    const tb = trustMap(base);
    const ta = trustMap(current);
    const trustChange = (kind: TrustChange["kind"], plan: Plan, t: Trust): TrustChange => ({
        kind,
        identity: label(plan, t.identity),
        issuer: t.issuerLabel,
        subject: t.subject,
    });
    const trusts = [
        ...[...ta].filter(([k]) => !tb.has(k)).map(([, t]) => trustChange("added", current, t)),
        ...[...tb].filter(([k]) => !ta.has(k)).map(([, t]) => trustChange("removed", base, t)),
    ];

    const rb = new Map(base.resources.map((r) => [r.urn, r]));
    const ra = new Map(current.resources.map((r) => [r.urn, r]));
    const resources: ResourceChange[] = [];
    const refused: ImmutableChange[] = [];
    for (const [urn, r] of ra) {
        const old = rb.get(urn);
        if (!old) {
            resources.push({ kind: "added", urn, type: r.type, properties: [], changes: [] });
            continue;
        }
        refused.push(...immutableChanges(urn, r.type, old.immutable, r.immutable));
        const changes = propertyChanges(old, r);
        if (changes.length)
            resources.push({
                kind: "changed",
                urn,
                type: r.type,
                properties: changes.map((c) => c.property),
                changes,
            });
    }
    for (const [urn, r] of rb) {
        if (!ra.has(urn))
            resources.push({ kind: "removed", urn, type: r.type, properties: [], changes: [] });
    }

    const findingKey = (f: Finding) => `${f.code}|${f.subject}|${f.message}`;
    const fb = new Set(base.findings.map(findingKey));
    const fa = new Set(current.findings.map(findingKey));

    const kinds: AccessChangeKind[] = ["widened", "added", "changed", "narrowed", "removed"];
    return {
        accessChanged: access.length > 0 || trusts.length > 0,
        refused: sortBy(
            refused,
            (c) => c.kind,
            (c) => c.urn,
            (c) => c.fact,
        ),
        access: sortBy(
            access,
            (c) => kinds.indexOf(c.kind),
            (c) => c.principal,
            (c) => c.scope,
            (c) => (c.eligible ? 1 : 0),
        ),
        trusts: sortBy(
            trusts,
            (t) => t.kind,
            (t) => t.identity,
            (t) => t.subject,
        ),
        resources: sortBy(
            resources,
            (r) => r.kind,
            (r) => r.urn,
        ),
        findings: {
            added: current.findings.filter((f) => !fb.has(findingKey(f))),
            resolved: base.findings.filter((f) => !fa.has(findingKey(f))),
        },
    };
}

/** Every property whose text differs between two plans of one resource, sorted by name. */
export function propertyChanges(
    old: Pick<PlanResource, "properties">,
    now: Pick<PlanResource, "properties">,
): PropertyChange[] {
    const secret = new Set(
        [old.properties.secretInputs, now.properties.secretInputs].flatMap((s) =>
            s ? s.split(", ") : [],
        ),
    );
    const shown = (props: Record<string, string>, key: string) =>
        Object.hasOwn(props, key) ? (secret.has(key) ? SECRET_TEXT : props[key]) : undefined;
    const keys = new Set([...Object.keys(old.properties), ...Object.keys(now.properties)]);
    return [...keys]
        .filter((k) => old.properties[k] !== now.properties[k])
        .sort(compareText)
        .map((property) => ({
            property,
            before: shown(old.properties, property),
            after: shown(now.properties, property),
        }));
}

/**
 * What changed in one property, as a reviewer reads it, [before, after]: a value that lists several
 * parts (`User, 3 x Standard_D8ds_v5, autoscale 3-10, zones 1,2,3`) shows only the parts that
 * differ (`autoscale 3-10`, `autoscale 3-12`); `(none)` stands for an absent property or part.
 * The JSON (diffJson) keeps both values whole.
 */
export function changedParts(c: PropertyChange): [string, string] {
    const parts = (v: string | undefined) => (v === undefined || v === "" ? [] : v.split(", "));
    const before = parts(c.before);
    const after = parts(c.after);
    const lost = before.filter((p) => !after.includes(p));
    const gained = after.filter((p) => !before.includes(p));
    // Only reordered, or a part repeated: the values whole.
    if (lost.length === 0 && gained.length === 0)
        return [c.before || "(none)", c.after || "(none)"];
    const side = (ps: string[]) => (ps.length > 0 ? ps.join(", ") : "(none)");
    return [side(lost), side(gained)];
}

/** ` (2 of them eligible)` when some grant changes are eligible ones (PIM). */
function eligibleCount(d: PlanDiff): string {
    const n = d.access.filter((c) => c.eligible).length;
    return n > 0 ? ` (${n} of them eligible)` : "";
}

function roleText(g: Grant): string {
    return g.detail ? `${g.role} (${g.detail})` : g.role;
}

const SIGN: Record<string, string> = {
    added: "+",
    removed: "-",
    widened: "^",
    narrowed: "v",
    changed: "~",
};

function accessLine(c: AccessChange): string {
    const roles =
        c.kind === "added"
            ? c.added.join(", ")
            : c.kind === "removed"
              ? c.removed.join(", ")
              : `${c.removed.join(", ")} -> ${c.added.join(", ")}`;
    return `${c.principal} on ${c.scope}${c.eligible ? " (eligible)" : ""}: ${roles}`;
}

function urnTail(urn: string): string {
    return urn.split("::").slice(-1)[0] ?? urn;
}

/** `azure-native:containerservice:ManagedCluster aks-entra-cluster: pool system vmSize A -> B: why` */
export function refusedLine(c: ImmutableChange): string {
    return `${c.type} ${urnTail(c.urn)}: ${c.fact} ${c.before} -> ${c.after}: ${c.why}`;
}

export function renderDiffText(d: PlanDiff, base: string, st: Style): string {
    const lines = [st.bold(st.cyan(`Changes since ${base}`))];
    const paint = (kind: string) =>
        kind === "added" || kind === "widened"
            ? st.yellow
            : kind === "removed" || kind === "narrowed"
              ? st.green
              : (s: string) => s;
    lines.push(
        st.bold(
            `Access: ${d.accessChanged ? `${d.access.length} grant changes${eligibleCount(d)}, ${d.trusts.length} trust changes` : "unchanged"}`,
        ),
    );
    for (const c of d.access)
        lines.push(`  ${paint(c.kind)(`${SIGN[c.kind]} ${c.kind.padEnd(8)}`)} ${accessLine(c)}`);
    for (const t of d.trusts)
        lines.push(
            `  ${paint(t.kind)(`${SIGN[t.kind]} trust ${t.kind.padEnd(7)}`)} ${t.identity} <- ${t.issuer} ${t.subject}`,
        );
    if (d.refused.length > 0) {
        lines.push(
            st.bold(
                st.red(
                    `Refused or replacing: ${d.refused.length} change${d.refused.length === 1 ? "" : "s"} that pulumi up cannot make in place`,
                ),
            ),
        );
        for (const c of d.refused)
            lines.push(`  ${st.red(`! ${c.kind.padEnd(8)}`)} ${refusedLine(c)}`);
    }
    const counts = ["added", "removed", "changed"].map(
        (k) => `${d.resources.filter((r) => r.kind === k).length} ${k}`,
    );
    lines.push(st.bold(`Resources: ${counts.join(", ")}`));
    for (const r of d.resources) {
        lines.push(
            `  ${SIGN[r.kind]} ${r.kind.padEnd(8)} ${r.type} ${urnTail(r.urn)}${r.properties.length ? ` (${r.properties.join(", ")})` : ""}`,
        );
        for (const c of r.changes)
            lines.push(`      ${c.property}: ${changedParts(c).join(" -> ")}`);
    }
    if (d.findings.added.length + d.findings.resolved.length > 0) {
        lines.push(st.bold("Findings:"));
        for (const f of d.findings.added) lines.push(`  + ${f.severity} ${f.code}: ${f.message}`);
        for (const f of d.findings.resolved)
            lines.push(`  - ${f.severity} ${f.code}: ${f.message}`);
    }
    return lines.join("\n") + "\n";
}

export function renderDiffMarkdown(d: PlanDiff, base: string): string {
    const out = [`## Changes since \`${base}\``, ""];
    if (!d.accessChanged) {
        out.push("**Access: unchanged.**", "");
    } else {
        out.push(
            `**Access changes: ${d.access.length} grant${eligibleCount(d)}, ${d.trusts.length} trust.** Review before merging.`,
            "",
        );
        const rows = [
            ...d.access.map((c) => [
                c.kind,
                c.principal,
                c.eligible ? `${c.scope} (eligible)` : c.scope,
                c.removed.join(", ") || "-",
                c.added.join(", ") || "-",
            ]),
            ...d.trusts.map((t) => [
                `trust ${t.kind}`,
                t.identity,
                `${t.issuer}`,
                t.kind === "removed" ? t.subject : "-",
                t.kind === "added" ? t.subject : "-",
            ]),
        ];
        out.push(
            markdownTable(["change", "principal", "scope / issuer", "lost", "gained"], rows),
            "",
        );
    }
    if (d.refused.length > 0) {
        out.push(
            `**Refused or replacing: ${d.refused.length}.** \`pulumi up\` would fail, or delete and recreate:`,
            "",
            markdownTable(
                ["kind", "resource", "what", "before", "after", "why"],
                d.refused.map((c) => [
                    c.kind,
                    `${c.type} ${urnTail(c.urn)}`,
                    c.fact,
                    c.before,
                    c.after,
                    c.why,
                ]),
            ),
            "",
        );
    }
    const counts = ["added", "removed", "changed"].map(
        (k) => `${d.resources.filter((r) => r.kind === k).length} ${k}`,
    );
    out.push(`Resources: ${counts.join(", ")}.`, "");
    const changed = d.resources.flatMap((r) =>
        r.changes.map((c) => [`${r.type} ${urnTail(r.urn)}`, c.property, ...changedParts(c)]),
    );
    if (changed.length > 0) {
        out.push(markdownTable(["resource", "property", "before", "after"], changed), "");
    }
    return out.join("\n");
}

/** The diff in the plan's JSON style (for tools). */
export function diffJson(d: PlanDiff): string {
    return stableJson({ schemaVersion: SCHEMA_VERSION, ...d });
}
